"""The course's summary and HR report, computed once per change of their inputs and reused.

Reading a 2,000-learner gradebook and computing competencies, JP and rewards takes seconds; a
manager opening the dashboard should not wait for it. ``course_snapshot`` fingerprints every file
the figures depend on (gradebook, roster, JP imports, transfers, confirmations, tagged source
notebooks, the kit's rule files, the curriculum) plus today's date, and keeps the computed result
in memory and in ``<course>/.kit/cache/``. Any change to an input gives a new fingerprint, so a
page never shows stale grades; a cache that cannot be read or written is simply recomputed.

The cache is a pickle written by the kit into the course folder. Whoever can write that folder
can already change ``nbgrader_config.py``, which nbgrader executes, so it adds no new trust.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import kit
from kit.competency import CourseSummary, load_summary
from kit.core import atomic_writer, project_root
from kit.course import Course
from kit.reports.report import HrReport, build_report

__all__ = ["CACHE_DIR", "CourseSnapshot", "course_fingerprint", "course_snapshot"]

CACHE_DIR = Path(".kit") / "cache"
CACHE_NAME = "snapshot.pickle"
# Bump when the pickled classes change shape: old caches are then ignored, not misread.
SCHEMA = 1
# Files of the course folder that are logs or scratch, not inputs of the figures.
_NOT_INPUTS = {"audit.jsonl"}

_memory: dict[Path, CourseSnapshot] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class CourseSnapshot:
    fingerprint: str
    summary: CourseSummary
    report: HrReport


def course_fingerprint(course: Course, today: dt.date | None = None) -> str:
    """A digest of every input's path, size and modification time, the kit version and the day.

    Only ``stat`` calls: a few milliseconds even for a course with many notebooks.
    """
    root = course.root
    paths: list[Path] = [p for p in root.glob("*") if p.is_file() and p.name not in _NOT_INPUTS]
    if course.source_dir.is_dir():
        paths += course.source_dir.rglob("*.ipynb")
    data = Path(kit.__file__).parent / "data"
    paths += data.rglob("*.yml")
    paths += (project_root() / "courses").glob("*/module.yml")
    digest = hashlib.sha256(f"{SCHEMA}|{kit.__version__}|{today or dt.date.today()}".encode())
    for path in sorted(set(paths)):
        try:
            info = path.stat()
        except OSError:  # vanished between listing and stat: it is simply not an input
            continue
        digest.update(f"{path}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def course_snapshot(course: Course, *, use_disk: bool = True) -> CourseSnapshot:
    """The course's summary and report, as of its inputs now (computed only when they changed).

    Errors of the computation (a broken gradebook, bad rules) propagate as they are.
    """
    root = course.root.resolve()
    fingerprint = course_fingerprint(course)
    with _lock:
        held = _memory.get(root)
        if held is not None and held.fingerprint == fingerprint:
            return held
        snapshot = _read_disk(root, fingerprint) if use_disk else None
        if snapshot is None:
            summary = load_summary(course)
            report = build_report(course, summary=summary)
            snapshot = CourseSnapshot(fingerprint, summary, report)
            if use_disk:
                _write_disk(root, snapshot)
        _memory[root] = snapshot
        return snapshot


def _cache_path(root: Path) -> Path:
    return root / CACHE_DIR / CACHE_NAME


def _read_disk(root: Path, fingerprint: str) -> CourseSnapshot | None:
    path = _cache_path(root)
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not isinstance(stored, CourseSnapshot) or stored.fingerprint != fingerprint:
        return None
    return stored


def _write_disk(root: Path, snapshot: CourseSnapshot) -> None:
    path = _cache_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Replaced atomically: a reader never sees half a file, even from another process. As
        # readable as the gradebook it summarises.
        with atomic_writer(path, binary=True, permissions=0o644) as handle:
            pickle.dump(snapshot, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        # A read-only course folder: the page still works, from memory only.
        pass
