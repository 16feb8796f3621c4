"""Grading fails closed: a sandbox that cannot be set up refuses the run; the weaker mode is
used only when asked for, and is recorded.

Each missing part is produced for real in a ``kit grade`` subprocess: the sandbox module made
unimportable (a ``sitecustomize`` import hook), the launcher missing (a copy of the kit without
``_launch.py``), namespaces refused by the kernel (root without CAP_SYS_ADMIN, as in a default
Docker container). After a refusal the gradebook is byte for byte the same, nothing was
written under ``autograded/`` and the audit log has no ``grading.done``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from kit.core import project_root, read_events
from kit.course import Course, nbgrader_env
from kit.grading import (
    GradingError,
    GradingRun,
    Limits,
    SubmissionResult,
    normalise_isolation,
    probe_capabilities,
    run_to_json,
    summary_table,
)
from kit.grading.isolation import course_isolation, resolve_isolation
from tests.ci import skip_or_fail
from tests.test_grading_corpus import (
    ASSIGNMENT,
    NOTEBOOK,
    RIGHT_AREA,
    RIGHT_PERIMETER,
    WRONG_AREA,
    _answer,
    source_notebook,
)

BLOCK_SANDBOX = """
import importlib.abc
import sys


class _MissingSandbox(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "kit.grading.sandbox":
            raise ModuleNotFoundError("kit.grading.sandbox is missing (blocked by the test)")
        return None


sys.meta_path.insert(0, _MissingSandbox())
"""
REFUSED = "Penilaian dibatalkan"
WRONG_PERIMETER = "def keliling(r):\n    return r"
SHOW_LIMITS = (
    "import resource as _r\n"
    "print('BATAS', _r.getrlimit(_r.RLIMIT_AS)[0], _r.getrlimit(_r.RLIMIT_FSIZE)[0])"
)


# --- the setting (no kernels) ---------------------------------------------------------------


def test_isolation_is_one_of_two_modes_whatever_the_spelling():
    assert normalise_isolation("limits-only") == "limits_only"
    assert normalise_isolation(" Limits_Only ") == "limits_only"
    assert normalise_isolation("sandbox") == "sandbox"
    with pytest.raises(GradingError, match="'none'.*sandbox.*limits-only"):
        normalise_isolation("none")


def test_course_setting_is_read_from_nbgrader_config_and_checked():
    config = Config()
    assert course_isolation(config) is None
    config.KitGrade.isolation = "limits-only"
    assert course_isolation(config) == "limits_only"
    config.KitGrade.isolation = "off"
    with pytest.raises(GradingError, match=r"c\.KitGrade\.isolation"):
        course_isolation(config)


def test_limits_only_is_recorded_with_who_chose_it():
    config = Config()
    config.KitGrade.isolation = "limits_only"
    chosen = resolve_isolation(None, config)
    assert (chosen.mode, chosen.source, chosen.sandboxed) == ("limits_only", "course_config", False)
    assert "nbgrader_config.py" in chosen.notes[0] and "TANPA isolasi" in chosen.notes[1]
    asked = resolve_isolation("limits-only", Config())
    assert asked.source == "option" and "--isolation limits-only" in asked.notes[0]


def test_summary_and_json_show_the_isolation():
    run = GradingRun(
        assignment="kuis",
        course_root=Path("/kursus"),
        results=[SubmissionResult("ani", "graded", 4, 6)],
        seconds=1.0,
        jobs=2,
        isolation="limits_only",
        isolation_source="option",
        isolation_notes=("Mode hanya-batas dipilih.", "Kode peserta berjalan TANPA isolasi."),
    )
    text = summary_table(run)
    assert "Isolasi kode peserta: hanya batas sumber daya, TANPA isolasi (opsi --isolation)" in text
    assert "PERINGATAN" in text and "TANPA isolasi" in text
    payload = run_to_json(run)
    assert payload["isolation"] == "limits_only" and payload["isolation_source"] == "option"
    assert payload["isolation_notes"] == list(run.isolation_notes)
    assert payload["sandboxed"] is False and payload["sandbox_notes"] == payload["isolation_notes"]
    sandboxed = GradingRun("kuis", Path("/kursus"), [], 1.0, 2, "sandbox")
    assert sandboxed.sandboxed and "PERINGATAN" not in summary_table(sandboxed)


# --- kit grade in a subprocess, with a part of the sandbox really missing ---------------------


@pytest.fixture(scope="module")
def first_graded(tmp_path_factory) -> Path:
    """A tiny course graded once in the sandbox: ``benar`` right, ``salah`` wrong."""
    missing = probe_capabilities().shortfalls()
    if missing:
        skip_or_fail("the sandbox cannot be set up here: " + "; ".join(missing))
    root = tmp_path_factory.mktemp("isolation") / "kursus"
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    (root / "nbgrader_config.py").write_text(
        'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "isolasi"\n'
    )
    Course(root).generate_assignment(ASSIGNMENT)
    release = nbformat.read(root / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", 4)
    answers = {
        "benar": (RIGHT_AREA, RIGHT_PERIMETER, ""),
        "salah": (WRONG_AREA, WRONG_PERIMETER, ""),
        "batas": (RIGHT_AREA, RIGHT_PERIMETER, SHOW_LIMITS),
    }
    for student, (area, perimeter, extra) in answers.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        answered = _answer(nbformat.from_dict(release), area, perimeter, extra)
        nbformat.write(answered, folder / f"{NOTEBOOK}.ipynb")
    first = kit_grade(root)
    assert first.returncode == 0, first.stderr[-3000:]
    assert json.loads(first.stdout)["isolation"] == "sandbox"
    return root


@pytest.fixture
def course(first_graded: Path, tmp_path: Path) -> Path:
    """A copy in which ``salah`` has resubmitted a right answer: a run would change a grade."""
    root = tmp_path / "kursus"
    shutil.copytree(first_graded, root)
    path = root / "submitted" / "salah" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nbformat.write(_answer(nbformat.read(path, 4), RIGHT_AREA), path)
    return root


def kit_grade(root: Path, *extra: str, wrapper: tuple[str, ...] = (), env=None, kit=None):
    command = [*wrapper, *(kit or [str(Path(sys.executable).parent / "kit")])]
    return subprocess.run(
        [*command, "grade", ASSIGNMENT, "--course", str(root), "--json", *extra],
        env=env or nbgrader_env(),
        # Not the project folder: ``python -m`` would import the kit found there first.
        cwd=root.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _sandbox_module_blocked(tmp_path: Path) -> dict:
    folder = tmp_path / "site-blocker"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(BLOCK_SANDBOX)
    return {"env": nbgrader_env({"PYTHONPATH": str(folder)}), "detail": "blocked by the test"}


def _launcher_missing(tmp_path: Path) -> dict:
    copy = tmp_path / "kit-copy"
    shutil.copytree(
        project_root() / "kit", copy / "kit", ignore=shutil.ignore_patterns("__pycache__")
    )
    (copy / "kit" / "grading" / "_launch.py").unlink()
    return {
        "env": nbgrader_env({"PYTHONPATH": str(copy)}),
        "kit": [sys.executable, "-m", "kit.cli"],
        "detail": "_launch.py",
    }


def _namespaces_refused(tmp_path: Path) -> dict:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        skip_or_fail("dropping CAP_SYS_ADMIN needs root and setpriv (util-linux)")
    wrapper = ("setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--")
    return {"wrapper": wrapper, "detail": "Operation not permitted"}


MISSING_PARTS = {
    "sandbox_module_unimportable": _sandbox_module_blocked,
    "launcher_missing": _launcher_missing,
    "namespaces_refused": _namespaces_refused,
}


def _state(root: Path) -> dict:
    """What a refused run must leave exactly as it was."""
    return {
        "gradebook": hashlib.sha256((root / "gradebook.db").read_bytes()).hexdigest(),
        "autograded": sorted(
            (str(p.relative_to(root)), p.stat().st_mtime_ns)
            for p in (root / "autograded").rglob("*")
        ),
        "backups": sorted(p.name for p in (root / ".kit" / "backups").glob("*")),
        "done": [e for e in read_events(root) if e["event"] == "grading.done"],
    }


def _outputs(root: Path, student: str) -> str:
    path = root / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    return json.dumps([cell.get("outputs", []) for cell in nbformat.read(path, 4).cells])


def _scores(root: Path) -> dict[str, float]:
    from benchmarks.bench_grade import cell_scores

    scores: dict[str, float] = {}
    for (student, _), value in cell_scores(Course(root), ASSIGNMENT).items():
        scores[student] = scores.get(student, 0.0) + value
    return scores


@pytest.mark.slow
@pytest.mark.parametrize("missing", list(MISSING_PARTS))
def test_a_missing_sandbox_part_refuses_and_limits_only_grades(course, tmp_path, missing):
    how = MISSING_PARTS[missing](tmp_path)
    options = {k: how[k] for k in ("wrapper", "env", "kit") if k in how}
    before = _state(course)
    assert _scores(course) == {"benar": 4, "salah": 0, "batas": 4}

    refused = kit_grade(course, **options)
    assert refused.returncode == 2, refused.stdout + refused.stderr[-3000:]
    assert REFUSED in refused.stderr and how["detail"] in refused.stderr
    assert "--isolation limits-only" in refused.stderr
    assert 'c.KitGrade.isolation = "limits_only"' in refused.stderr
    assert refused.stdout == ""
    assert _state(course) == before
    assert _scores(course) == {"benar": 4, "salah": 0, "batas": 4}
    event = read_events(course)[-1]
    assert event["event"] == "grading.refused"
    assert (event["isolation"], event["isolation_source"]) == ("sandbox", "default")
    assert how["detail"] in " ".join(event["isolation_notes"])

    weaker = kit_grade(course, "--isolation", "limits-only", **options)
    assert weaker.returncode == 0, weaker.stderr[-3000:]
    payload = json.loads(weaker.stdout)
    assert (payload["isolation"], payload["isolation_source"]) == ("limits_only", "option")
    assert payload["sandboxed"] is False
    assert {r["student"]: r["score"] for r in payload["results"]} == _scores(course)
    assert _scores(course) == {"benar": 4, "salah": 4, "batas": 4}
    events = read_events(course)
    start, done = events[-2], events[-1]
    assert (start["event"], done["event"]) == ("grading.start", "grading.done")
    for recorded in (start, done):
        assert recorded["isolation"] == "limits_only" and recorded["sandboxed"] is False
        notes = recorded["isolation_notes"]
        assert notes and all(isinstance(note, str) for note in notes)
        assert "--isolation limits-only" in notes[0] and "TANPA isolasi" in notes[1]
    # The weaker mode still bounds memory and file size (the defaults of kit.grading.Limits).
    limits = Limits()
    expected = f"BATAS {limits.memory_mb * 2**20} {limits.file_size_mb * 2**20}"
    assert expected in _outputs(course, "batas")


@pytest.mark.slow
def test_the_course_can_choose_limits_only_and_the_option_overrides_it(course, tmp_path):
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + 'c.KitGrade.isolation = "limits_only"\n')
    blocked = _sandbox_module_blocked(tmp_path)
    graded = kit_grade(course, env=blocked["env"])
    assert graded.returncode == 0, graded.stderr[-3000:]
    payload = json.loads(graded.stdout)
    assert (payload["isolation"], payload["isolation_source"]) == ("limits_only", "course_config")
    assert "nbgrader_config.py" in payload["isolation_notes"][0]
    # Asking for the sandbox on the command line wins over the course, and still fails closed.
    before = _state(course)
    refused = kit_grade(course, "--isolation", "sandbox", env=blocked["env"])
    assert refused.returncode == 2 and REFUSED in refused.stderr
    assert _state(course) == before


@pytest.mark.slow
def test_module_check_refuses_like_kit_grade(tmp_path):
    """``kit module check`` grades through the same engine, so it fails closed the same way."""
    blocked = _sandbox_module_blocked(tmp_path)
    kit = str(Path(sys.executable).parent / "kit")
    module = "01_orientasi"
    check = subprocess.run(
        [kit, "module", "check", module],
        env=blocked["env"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert check.returncode == 1
    assert REFUSED in check.stderr and "blocked by the test" in check.stderr
    assert "lolos semua pemeriksaan" not in check.stdout
    weaker = subprocess.run(
        [kit, "module", "check", module, "--isolation", "limits-only"],
        env=blocked["env"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert weaker.returncode == 0, weaker.stdout + weaker.stderr[-3000:]
    assert "isolasi: hanya batas sumber daya, TANPA isolasi, opsi --isolation" in weaker.stdout
