"""``grade_assignment``: concurrent, sandboxed, tamper-checked nbgrader autograde of one assignment.

Pipeline, in this order:
1. back up the gradebook (SQLite online backup, last five kept);
2. per submission, in the single gradebook thread: intake (not gradable?), tamper detection,
   metadata restored from the gradebook, nbgrader's sanitize steps with missing cells added back,
   deleted tests failed;
3. execution in sandboxed kernels, ``jobs`` at a time, in one asyncio loop (kernel start-up of
   one submission overlaps the execution of the others);
4. in the same single gradebook thread: nbgrader's post-execution steps, ``autograded/`` written
   atomically, the grades of the submission committed in one transaction, feedback written.
One thread owns the gradebook connection and a file lock serialises transactions between
processes, so no row is lost or duplicated and SQLite never reports "database is locked".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import glob
import logging
import os
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from html import escape
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.api import MissingEntry

from kit.core import message, record_event
from kit.course import put_scripts_on_path
from kit.grading import nbgrader_steps as steps
from kit.grading.executor import ExecutionOutcome, execute_notebook, fail_cell, is_test_cell
from kit.grading.intake import MAX_NOTEBOOK_MB, read_submission
from kit.grading.kernels import (
    Limits,
    close_zygote,
    make_kernel_manager,
    notebook_imports,
    ready_zygote,
    sandbox_status,
    start_kernel_zygote,
)
from kit.grading.tamper import (
    NotebookSpec,
    detect_tampering,
    restore_metadata,
    scan_suspicious_code,
)

__all__ = [
    "GradingError",
    "GradingRun",
    "SubmissionResult",
    "STATUSES",
    "grade_assignment",
    "backup_gradebook",
    "BACKUPS_KEPT",
]

log = logging.getLogger("kit.grading")

STATUSES = ("graded", "not_gradable", "timed_out", "error")
BACKUPS_KEPT = 5
NOT_GRADABLE_PAGE = "tidak_dapat_dinilai.html"


class GradingError(RuntimeError):
    """The run cannot start (no course, unknown assignment...); the message is Indonesian."""


@dataclass
class SubmissionResult:
    """The outcome for one learner. ``reason`` is Indonesian, for the learner and instructor."""

    student: str
    status: str
    score: float | None = None
    max_score: float | None = None
    flags: list[str] = field(default_factory=list)
    reason: str | None = None
    flag_cells: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class GradingRun:
    """Every learner's result of one ``grade_assignment`` call."""

    assignment: str
    course_root: Path
    results: list[SubmissionResult]
    seconds: float
    jobs: int
    sandboxed: bool
    notes: tuple[str, ...] = ()
    backup: Path | None = None

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in STATUSES}

    def result(self, student: str) -> SubmissionResult:
        return next(r for r in self.results if r.student == student)


@dataclass
class _Prepared:
    student: str
    folder: Path
    notebooks: dict[str, NotebookNode] = field(default_factory=dict)
    skip: dict[str, set[int]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    flag_cells: dict[str, list[str]] = field(default_factory=dict)
    result: SubmissionResult | None = None  # set when the submission stops here


def default_jobs() -> int:
    """Kernels at once: one more than the cores, so a kernel starts while the others run."""
    return (os.cpu_count() or 1) + 1


def grade_assignment(
    course_root: Path,
    assignment: str,
    *,
    jobs: int | None = None,
    students: Sequence[str] = (),
    limits: Limits | None = None,
    progress: Callable[[int, int, SubmissionResult], None] | None = None,
    sandbox: bool = True,
    feedback: bool = True,
    max_file_mb: float = MAX_NOTEBOOK_MB,
) -> GradingRun:
    """Grade every submission of ``assignment`` (or only ``students``) in ``course_root``.

    The course is any standard nbgrader course (its own ``nbgrader_config.py``); the assignment
    must have been generated (it is in the gradebook). ``progress(done, total, result)`` is
    called after each learner. Raises :class:`GradingError` when the run cannot start.
    """
    put_scripts_on_path()
    # nbgrader warns on every submission it adds; the scores are right (see FIELD-NOTES).
    warnings.filterwarnings("ignore", message=".*not in session.*")
    grader = _Grader(
        Path(course_root).resolve(),
        assignment,
        jobs=jobs or default_jobs(),
        students=list(students),
        limits=limits,
        progress=progress,
        sandbox=sandbox,
        feedback=feedback,
        max_file_mb=max_file_mb,
    )
    return asyncio.run(grader.run())


def backup_gradebook(course_root: Path, db_path: Path, keep: int = BACKUPS_KEPT) -> Path | None:
    """Copy the SQLite gradebook with the online backup API; keep the newest ``keep`` copies."""
    if not db_path.is_file():
        return None
    folder = course_root / ".kit" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"gradebook-{stamp}-{os.getpid()}.db"
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=120)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    for old in sorted(folder.glob("gradebook-*.db"))[:-keep]:
        old.unlink(missing_ok=True)
    return target


class _Grader:
    def __init__(self, root: Path, assignment: str, **options) -> None:
        self.root = root
        self.assignment = assignment
        self.jobs = max(1, int(options["jobs"]))
        self.only = options["students"]
        self.progress = options["progress"]
        self.sandbox = options["sandbox"]
        self.feedback = options["feedback"]
        self.max_file_mb = options["max_file_mb"]
        if not root.is_dir():
            raise GradingError(message("grading.error.no_course", path=root))
        self.config, self.coursedir = steps.load_course_config(root)
        self.coursedir.assignment_id = assignment
        self.limits = options["limits"] or self._course_limits()
        self.db_url = self.coursedir.db_url
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-gradebook")
        self.gradebook = None
        self.specs: dict[str, NotebookSpec] = {}
        self.zygote = None

    def _course_limits(self) -> Limits:
        # The course's own per-cell timeout (nbgrader's Execute/ExecutePreprocessor.timeout).
        for section in ("Execute", "ExecutePreprocessor"):
            if section in self.config and "timeout" in self.config[section]:
                value = self.config[section]["timeout"]
                if value and value > 0:
                    return Limits(cell_timeout=float(value))
        return Limits()

    def _step_dir(self, step: str, student: str) -> Path:
        return Path(self.coursedir.format_path(step, student, self.assignment))

    # --- gradebook thread ---------------------------------------------------------------

    def _open(self) -> list[str]:
        """Open the gradebook, back it up, cache the assignment's cells; the students to grade."""
        with steps.gradebook_lock(self.root):
            db_path = (
                Path(self.db_url.removeprefix("sqlite:///"))
                if self.db_url.startswith("sqlite:///")
                else None
            )
            if db_path is None or not db_path.is_file():
                raise GradingError(message("grading.error.no_gradebook", path=self.root))
            self.backup = backup_gradebook(self.root, db_path)
            self.gradebook = steps.open_gradebook(self.db_url, self.coursedir.course_id)
            try:
                assignment = self.gradebook.find_assignment(self.assignment)
            except MissingEntry:
                raise GradingError(
                    message("grading.error.unknown_assignment", assignment=self.assignment)
                ) from None
            release = Path(
                self.coursedir.format_path(self.coursedir.release_directory, ".", self.assignment)
            )
            for notebook in assignment.notebooks:
                self.specs[notebook.name] = NotebookSpec.from_gradebook(
                    notebook, release / f"{notebook.name}.ipynb"
                )
            self.gradebook.db.commit()
        if not self.specs:
            raise GradingError(
                message("grading.error.unknown_assignment", assignment=self.assignment)
            )
        pattern = self._step_dir(self.coursedir.submitted_directory, "*")
        found = sorted(
            _student_of(Path(p), pattern) for p in glob.glob(str(pattern)) if Path(p).is_dir()
        )
        if self.only:
            missing = [s for s in self.only if s not in found]
            if missing:
                raise GradingError(
                    message(
                        "grading.error.no_submission",
                        students=", ".join(missing),
                        assignment=self.assignment,
                    )
                )
            return list(self.only)
        return found

    def _prepare(self, student: str) -> _Prepared:
        folder = self._step_dir(self.coursedir.submitted_directory, student)
        prepared = _Prepared(student, folder)
        intake = read_submission(folder, list(self.specs), self.max_file_mb)
        if not intake.gradable:
            reason = message(intake.reason_key, lang="id", **(intake.reason_values or {}))
            prepared.result = SubmissionResult(student, "not_gradable", reason=reason)
            self._write_not_gradable_feedback(student, reason)
            return prepared
        try:
            with steps.gradebook_lock(self.root):
                try:
                    for name, nb in intake.notebooks.items():
                        spec = self.specs[name]
                        for flag, cells in detect_tampering(nb, spec).items():
                            prepared.flag_cells.setdefault(flag, []).extend(cells)
                        suspicious = scan_suspicious_code(nb, spec)
                        if suspicious:
                            prepared.flag_cells.setdefault("suspicious_code", []).extend(suspicious)
                        restore_metadata(nb, spec)
                        present = {
                            c.metadata["nbgrader"]["grade_id"]
                            for c in nb.cells
                            if "nbgrader" in c.get("metadata", {})
                        }
                        nb = steps.sanitize(
                            nb,
                            config=self.config,
                            gradebook=self.gradebook,
                            db_url=self.db_url,
                            assignment=self.assignment,
                            student=student,
                            notebook=name,
                            kernelspec=spec.kernelspec,
                        )
                        skip = set()
                        for index, cell in enumerate(nb.cells):
                            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                            if is_test_cell(cell) and grade_id not in present:
                                # Deleted (or renamed away) by the learner: back, and failed.
                                fail_cell(
                                    cell,
                                    "SelUjiDihapus",
                                    message("grading.cell.deleted", lang="id"),
                                )
                                skip.add(index)
                        prepared.notebooks[name] = nb
                        prepared.skip[name] = skip
                finally:
                    self.gradebook.db.rollback()
        except Exception as error:  # noqa: BLE001 - one bad notebook never stops the batch
            log.exception("sanitize failed for %s", student)
            reason = message("grading.not_gradable.corrupt", lang="id", detail=str(error)[:200])
            prepared.result = SubmissionResult(student, "not_gradable", reason=reason)
            self._write_not_gradable_feedback(student, reason)
            return prepared
        prepared.flags = list(prepared.flag_cells)
        return prepared

    def _save(self, prepared: _Prepared, outcomes: dict[str, ExecutionOutcome]) -> SubmissionResult:
        student = prepared.student
        flags = list(prepared.flags)
        flag_cells = dict(prepared.flag_cells)
        repairs: list[str] = []
        for outcome in outcomes.values():
            for flag in outcome.flags:
                if flag not in flags:
                    flags.append(flag)
            repairs += outcome.guard_repairs
            if outcome.state == "kernel_died" and "kernel_died" not in flags:
                flags.append("kernel_died")
        if repairs:
            flags.append("runtime_tampering")
            flag_cells["runtime_tampering"] = sorted(set(repairs))
        states = [o.state for o in outcomes.values()]
        if "error" in states and not any(o.cells_run for o in outcomes.values()):
            detail = next(o.detail for o in outcomes.values() if o.state == "error")
            return SubmissionResult(
                student,
                "error",
                flags=flags,
                flag_cells=flag_cells,
                reason=message("grading.reason.error", lang="id", detail=detail),
            )
        status = "timed_out" if "timed_out" in states else "graded"
        reason = None
        if status == "timed_out":
            detail = next(o.detail for o in outcomes.values() if o.state == "timed_out")
            reason = message(
                f"grading.reason.{detail}", lang="id", seconds=f"{self.limits.notebook_timeout:g}"
            )
        elif "kernel_died" in flags:
            reason = message("grading.reason.kernel_died", lang="id")
        notebooks = {
            name: steps.post_process(nb, config=self.config)
            for name, nb in prepared.notebooks.items()
        }
        with steps.gradebook_lock(self.root):
            try:
                self._write_autograded(prepared, notebooks)
                timestamp = self.coursedir.get_existing_timestamp(str(prepared.folder))
                self.gradebook.update_or_create_student(student)
                if timestamp:
                    self.gradebook.update_or_create_submission(
                        self.assignment, student, timestamp=timestamp
                    )
                else:
                    self.gradebook.update_or_create_submission(self.assignment, student)
                steps.save_grades(
                    self.gradebook,
                    config=self.config,
                    assignment=self.assignment,
                    student=student,
                    notebooks=notebooks,
                )
                score, max_score = self._score(student)
                result = SubmissionResult(
                    student, status, score, max_score, flags, reason, flag_cells
                )
                if self.feedback:
                    self._write_feedback(student, notebooks, result)
                self.gradebook.db.commit()
            except Exception:
                self.gradebook.db.rollback()
                raise
        return result

    def _score(self, student: str) -> tuple[float, float]:
        # Per grade, not nbgrader's SubmittedAssignment.score: that property's subqueries scan
        # whole tables, so its cost grows with the class (see FIELD-NOTES).
        score = max_score = 0.0
        for name, spec in self.specs.items():
            notebook_score = 0.0
            for cell in spec.cells.values():
                if not cell.grade:
                    continue
                grade = self.gradebook.find_grade(cell.name, name, self.assignment, student)
                notebook_score += grade.score or 0.0
                max_score += grade.max_score or 0.0
            submitted = self.gradebook.find_submission_notebook(name, self.assignment, student)
            penalty = submitted.late_submission_penalty or 0.0
            score += max(notebook_score - penalty, 0.0)
        return round(score, 6), round(max_score, 6)

    def _copy_extra_files(self, prepared: _Prepared, target: Path) -> None:
        """Learner's extra files, then the source's (they win), as nbgrader's autograde does."""
        ignore = list(self.coursedir.ignore) + ["*.ipynb"]
        source = Path(
            self.coursedir.format_path(self.coursedir.source_directory, ".", self.assignment)
        )
        excluded = set(
            self.config.get("Autograde", {}).get("exclude_overwriting", {}).get(self.assignment, [])
        )
        for base, skip_names in ((prepared.folder, set()), (source, excluded)):
            if not base.is_dir():
                continue
            for path in base.rglob("*"):
                relative = path.relative_to(base)
                if (
                    not path.is_file()
                    or any(fnmatch(part, pattern) for part in relative.parts for pattern in ignore)
                    or str(relative) in skip_names
                ):
                    continue
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.unlink(missing_ok=True)
                shutil.copyfile(path, destination)

    def _write_autograded(self, prepared: _Prepared, notebooks: dict[str, NotebookNode]) -> None:
        destination = self._step_dir(self.coursedir.autograded_directory, prepared.student)
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = destination.with_name(f".{destination.name}.kit-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        self._copy_extra_files(prepared, staging)
        stamp = prepared.folder / "timestamp.txt"
        if stamp.is_file():
            shutil.copyfile(stamp, staging / "timestamp.txt")
        for name, nb in notebooks.items():
            nbformat.write(nb, staging / f"{name}.ipynb")
        steps.chmod_tree(staging, 0o664 if self.coursedir.groupshared else 0o444)
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        if destination.exists():
            destination.rename(old)
        staging.rename(destination)
        shutil.rmtree(old, ignore_errors=True)

    def _feedback_dir(self, student: str) -> Path:
        return self._step_dir(self.coursedir.feedback_directory, student)

    def _write_feedback(self, student: str, notebooks, result: SubmissionResult) -> None:
        folder = self._feedback_dir(student)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / NOT_GRADABLE_PAGE).unlink(missing_ok=True)
        for name, nb in notebooks.items():
            html, info = steps.feedback_html(
                nb,
                config=self.config,
                gradebook=self.gradebook,
                db_url=self.db_url,
                assignment=self.assignment,
                student=student,
                notebook=name,
            )
            header = _feedback_header(self.assignment, student, info, result)
            html = (
                html.replace("<body>", "<body>\n" + header, 1)
                if "<body>" in html
                else (header + html)
            )
            (folder / f"{name}.html").write_text(html, encoding="utf-8")

    def _write_not_gradable_feedback(self, student: str, reason: str) -> None:
        folder = self._feedback_dir(student)
        folder.mkdir(parents=True, exist_ok=True)
        title = message(
            "grading.feedback.not_gradable_title", lang="id", assignment=self.assignment
        )
        advice = message("grading.feedback.not_gradable_advice", lang="id")
        page = (
            '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>"
            f"<h1>{escape(title)}</h1><p>{escape(reason)}</p><p>{escape(advice)}</p>"
            "</body></html>\n"
        )
        (folder / NOT_GRADABLE_PAGE).write_text(page, encoding="utf-8")

    def _close(self) -> None:
        if self.gradebook is not None:
            self.gradebook.close()

    # --- event loop ---------------------------------------------------------------------

    async def run(self) -> GradingRun:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        # Started first: its imports run while the gradebook is opened.
        self.zygote = start_kernel_zygote(self.sandbox, self._assignment_imports())
        notes: tuple[str, ...] = ()
        try:
            students = await loop.run_in_executor(self.writer, self._open)
            sandboxed, notes = sandbox_status(self.sandbox)
            self.zygote, zygote_notes = await loop.run_in_executor(
                None, ready_zygote, self.zygote, self.sandbox
            )
            notes = (*notes, *zygote_notes)
            record_event(
                self.root,
                "grading.start",
                assignment=self.assignment,
                students=students,
                jobs=self.jobs,
                sandboxed=sandboxed,
                engine="kit",
            )
            slots = asyncio.Semaphore(self.jobs)
            results: list[SubmissionResult] = []
            total = len(students)

            async def one(student: str) -> None:
                begun = time.perf_counter()
                result = await self._grade_one(loop, slots, student)
                result.seconds = time.perf_counter() - begun
                results.append(result)
                if self.progress:
                    self.progress(len(results), total, result)

            await asyncio.gather(*(one(s) for s in students))
            await loop.run_in_executor(self.writer, self._close)
        finally:
            notes = (*notes, *close_zygote(self.zygote))
            self.writer.shutdown(wait=True)
        order = {s: i for i, s in enumerate(students)}
        results.sort(key=lambda r: order[r.student])
        run = GradingRun(
            self.assignment,
            self.root,
            results,
            time.perf_counter() - started,
            self.jobs,
            sandboxed,
            notes,
            getattr(self, "backup", None),
        )
        record_event(
            self.root,
            "grading.done",
            assignment=self.assignment,
            students=[r.student for r in results],
            results=[
                {
                    "student": r.student,
                    "status": r.status,
                    "score": r.score,
                    "max_score": r.max_score,
                    "flags": r.flags,
                }
                for r in results
            ],
            counts=run.counts(),
            seconds=round(run.seconds, 1),
            engine="kit",
        )
        return run

    async def _grade_one(self, loop, slots: asyncio.Semaphore, student: str) -> SubmissionResult:
        try:
            prepared = await loop.run_in_executor(self.writer, self._prepare, student)
            if prepared.result is not None:
                return prepared.result
            outcomes: dict[str, ExecutionOutcome] = {}
            workdir = Path(tempfile.mkdtemp(prefix="kit-grade-"))
            try:
                self._copy_extra_files(prepared, workdir)
                async with slots:
                    for name, nb in prepared.notebooks.items():
                        kernel_name = (nb.metadata.get("kernelspec") or {}).get("name", "python3")
                        km = make_kernel_manager(
                            limits=self.limits,
                            workdir=workdir,
                            kernel_name=kernel_name,
                            hidden_paths=self._hidden_paths(),
                            sandbox=self.sandbox,
                            zygote=self.zygote,
                        )
                        outcomes[name] = await execute_notebook(
                            nb,
                            km=km,
                            limits=self.limits,
                            workdir=workdir,
                            skip=prepared.skip.get(name, set()),
                        )
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            return await loop.run_in_executor(self.writer, self._save, prepared, outcomes)
        except Exception as error:  # noqa: BLE001 - the batch goes on
            log.exception("grading %s failed", student)
            return SubmissionResult(
                student,
                "error",
                reason=message(
                    "grading.reason.error",
                    lang="id",
                    detail=f"{type(error).__name__}: {error}"[:300],
                ),
            )

    def _assignment_imports(self) -> list[str]:
        """What the instructor's notebooks import: the zygote imports it once for all kernels."""
        folders = (self.coursedir.source_directory, self.coursedir.release_directory)
        return notebook_imports(
            path
            for folder in folders
            for path in sorted(
                Path(self.coursedir.format_path(folder, ".", self.assignment)).glob("*.ipynb")
            )
        )

    def _hidden_paths(self) -> list[Path]:
        paths = [self.root]
        if self.db_url.startswith("sqlite:///"):
            paths.append(Path(self.db_url.removeprefix("sqlite:///")).parent)
        return sorted(set(paths))


def _student_of(path: Path, pattern: Path) -> str:
    """The part of ``path`` matched by the ``*`` standing for the student in ``pattern``."""
    for part, wanted in zip(path.parts, pattern.parts, strict=False):
        if wanted == "*":
            return part
    return path.name


def _feedback_header(assignment: str, student: str, info: dict, result: SubmissionResult) -> str:
    score = info.get("score")
    maximum = info.get("max_score")
    lines = [
        f"<h1>{escape(message('grading.feedback.title', lang='id', assignment=assignment))}</h1>",
        "<p>"
        + escape(
            message(
                "grading.feedback.score",
                lang="id",
                student=student,
                score=f"{score:g}" if score is not None else "-",
                max_score=f"{maximum:g}" if maximum is not None else "-",
            )
        )
        + "</p>",
        "<p>" + escape(message("grading.feedback.manual_note", lang="id")) + "</p>",
    ]
    if result.reason:
        lines.append(f"<p><strong>{escape(result.reason)}</strong></p>")
    learner_flags = [f for f in result.flags if f != "suspicious_code"]
    if learner_flags:
        items = "".join(
            f"<li>{escape(message(f'grading.flag.{f}', lang='id'))}</li>" for f in learner_flags
        )
        lines.append(
            "<p>" + escape(message("grading.feedback.flags", lang="id")) + f"</p><ul>{items}</ul>"
        )
    body = "\n".join(lines)
    return (
        '<div class="kit-umpan-balik" lang="id" style="border:2px solid #1a5276;padding:1em;'
        f'margin:1em;border-radius:6px;background:#eaf2f8">\n{body}\n</div>'
    )
