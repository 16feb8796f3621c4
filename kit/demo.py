"""The demo: build a course, simulate a cohort, grade it with nbgrader, summarise, serve.

Every step uses the real parts: nbgrader commands and gradebook, kernels executing submitted
notebooks, the kit's roster import and competency summary.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import nbformat

from kit.cohort import load_answer_bank, simulate_cohort
from kit.course import Course
from kit.datasets import load
from kit.messages import message
from kit.project import project_root
from kit.roster import import_roster

__all__ = ["build_demo", "DEMO_ASSIGNMENT", "write_workspace_config", "build_learner_lessons"]

DEMO_ASSIGNMENT = "tugas03_pengaduan"


def write_workspace_config(workspace: Path, course_root: Path, project: Path) -> str:
    """nbgrader configuration for the demo: the project's course config plus local paths."""
    base = (project / "assessments" / "nbgrader_config.py").read_text(encoding="utf-8")
    config = (
        base.rstrip()
        + "\n\n# Demo workspace (written by `kit demo`).\n"
        + f"c.CourseDirectory.root = {str(course_root)!r}\n"
        + f"c.Exchange.root = {str(workspace / 'exchange')!r}\n"
    )
    for folder in (workspace, course_root):
        (folder / "nbgrader_config.py").write_text(config, encoding="utf-8")
    (workspace / "exchange").mkdir(exist_ok=True)
    (workspace / "exchange").chmod(0o777)
    return config


def build_learner_lessons(project: Path, target: Path) -> list[Path]:
    """Copy every lesson to ``target`` without its checker self-test cells (the learner build)."""
    from kit.practice.learner_build import strip_selftest_cells

    written = []
    for lesson in sorted((project / "courses").glob("*/*.ipynb")):
        out = target / lesson.parent.name / lesson.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nb = strip_selftest_cells(nbformat.read(lesson, as_version=4))
        nbformat.write(nb, out)
        written.append(out)
    return written


def build_demo(
    workspace: Path,
    learners: int = 30,
    plans: Mapping[str, Mapping[str, str]] | None = None,
    report: Callable[[str], None] = lambda _: None,
) -> Course:
    """Build the demo workspace from scratch and return its graded course."""
    project = project_root()
    workspace = Path(workspace).resolve()
    course_root = workspace / "course"
    if course_root.exists():
        shutil.rmtree(course_root)
    course_root.mkdir(parents=True)
    course = Course(course_root)
    shutil.copytree(project / "assessments" / "source", course.source_dir)
    write_workspace_config(workspace, course_root, project)

    roster_csv = workspace / "peserta_demo.csv"

    def import_demo_roster() -> None:
        load("peserta_demo").head(learners).to_csv(roster_csv, index=False)
        import_roster(course_root, roster_csv)

    def simulate() -> None:
        bank = load_answer_bank(project / "assessments" / "simulation" / f"{DEMO_ASSIGNMENT}.yml")
        students = load("peserta_demo").head(learners)["username"].tolist()
        simulate_cohort(course, bank, students, plans=plans)

    assignment = DEMO_ASSIGNMENT
    steps: list[tuple[str, Callable[[], object]]] = [
        ("demo.step.roster", import_demo_roster),
        ("demo.step.generate", lambda: course.generate_assignment(assignment)),
        ("demo.step.release", lambda: course.release_to_exchange(assignment)),
        ("demo.step.simulate", simulate),
        ("demo.step.autograde", lambda: course.autograde(assignment)),
        ("demo.step.feedback", lambda: course.generate_feedback(assignment)),
        ("demo.step.lessons", lambda: build_learner_lessons(project, workspace / "pelajaran")),
    ]
    for key, action in steps:
        started = time.perf_counter()
        action()
        seconds = f"{time.perf_counter() - started:.1f}"
        report("  [ok] " + message(key, seconds=seconds))
    return course
