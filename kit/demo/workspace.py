"""The demo: build a course, simulate a cohort, grade it with nbgrader, summarise, serve.

Every step uses the real parts: nbgrader commands and gradebook, kernels executing submitted
notebooks, the kit's roster and JP imports, managers' confirmations through the kit. Only the
instructor's rubric grading is simulated (formgrader's job in real use), through the same
gradebook API formgrader uses.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import nbformat

from kit.competency import (
    CompetencyFramework,
    cell_competency_map,
    import_external,
    load_rules,
    record_confirmation,
)
from kit.core import message, project_root
from kit.course import Course
from kit.datasets import load
from kit.demo.cohort import AnswerBank, load_answer_bank, simulate_cohort, simulate_manual_grading
from kit.demo.request import DEFAULT_DEMO_ASSIGNMENTS, DEMO_ASSIGNMENT, check_demo_request
from kit.people import import_roster, read_roster, write_course_roles

__all__ = [
    "build_demo",
    "demo_banks",
    "DEMO_ASSIGNMENT",
    "DEFAULT_DEMO_ASSIGNMENTS",
    "write_workspace_config",
    "build_learner_lessons",
]

DEMO_INSTRUCTORS = ("dosen.usu",)
DEMO_HR = ("bkpsdm.medan",)
Plans = Mapping[str, Mapping[str, Mapping[str, str]]]  # assignment -> learner -> answers


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
    from kit.practice import strip_selftest_cells

    written = []
    for lesson in sorted((project / "courses").glob("*/*.ipynb")):
        out = target / lesson.parent.name / lesson.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nb = strip_selftest_cells(nbformat.read(lesson, as_version=4))
        nbformat.write(nb, out)
        written.append(out)
    return written


def demo_banks(project: Path | None = None) -> dict[str, AnswerBank]:
    """Answer banks of every assignment that has one, by assignment name."""
    project = project or project_root()
    banks = {}
    for path in sorted((project / "assessments" / "simulation").glob("*.yml")):
        bank = load_answer_bank(path)
        if (project / "assessments" / "source" / bank.assignment).is_dir():
            banks[bank.assignment] = bank
    return banks


def build_demo(
    workspace: Path,
    learners: int = 30,
    plans: Plans | None = None,
    report: Callable[[str], None] = lambda _: None,
    today: dt.date | None = None,
    assignments: Sequence[str] | None = None,
    isolation: str | None = None,
) -> Course:
    """Build the demo workspace from scratch and return its graded course.

    Every assignment is generated and released; ``assignments`` limits the simulated, graded
    cohort to those assignments (default: every assignment with an answer bank). The cohort is
    graded by ``kit grade``'s engine with ``isolation`` (see ``kit.grading.grade_assignment``):
    a sandbox that cannot be set up stops the demo with ``GradingError``.
    """
    project = project_root()
    check_demo_request(learners, assignments, project)
    workspace = Path(workspace).resolve()
    course_root = workspace / "course"
    if course_root.exists():
        shutil.rmtree(course_root)
    course_root.mkdir(parents=True)
    course = Course(course_root)
    shutil.copytree(project / "assessments" / "source", course.source_dir)
    write_workspace_config(workspace, course_root, project)
    banks = demo_banks(project)
    if assignments is not None:
        banks = {name: banks[name] for name in assignments}
    students = load("peserta_demo").head(learners)["username"].tolist()
    chosen: dict[str, dict[str, dict[str, str]]] = {}

    def import_demo_roster() -> None:
        roster_csv = workspace / "peserta_demo.csv"
        load("peserta_demo").head(learners).to_csv(roster_csv, index=False)
        import_roster(course_root, roster_csv)
        # Outside instructors and HR are not on the roster: the course names them.
        write_course_roles(course, instructors=list(DEMO_INSTRUCTORS), hr=list(DEMO_HR))

    def generate_and_release() -> None:
        # Every assignment reaches the learners' Assignments tab; only ``banks`` get a cohort.
        for assignment in course.assignments():
            course.generate_assignment(assignment)
            course.release_to_exchange(assignment)

    def simulate() -> None:
        for assignment, bank in banks.items():
            fixed = (plans or {}).get(assignment)
            chosen[assignment] = simulate_cohort(course, bank, students, plans=fixed)

    def autograde() -> None:
        # kit grade: nbgrader's autograde pipeline, concurrent and isolated. Feedback comes
        # after the instructor's manual grades (the feedback step).
        from kit.grading import grade_assignment

        for assignment in banks:
            run = grade_assignment(course_root, assignment, feedback=False, isolation=isolation)
            failed = [r for r in run.results if r.status != "graded"]
            if failed:
                raise RuntimeError(
                    f"kit grade {assignment}: "
                    + "; ".join(f"{r.student}: {r.status} ({r.reason})" for r in failed)
                )

    def grade_by_hand() -> None:
        for assignment, bank in banks.items():
            simulate_manual_grading(course, bank, chosen[assignment])

    def feedback() -> None:
        for assignment in banks:
            course.generate_feedback(assignment)

    def outside_learning() -> None:
        records = load("pelatihan_eksternal_demo")
        records = records[records["username"].isin(students)]
        path = workspace / "pelatihan_eksternal_demo.csv"
        records.to_csv(path, index=False)
        import_external(course_root, path, students, today=today)

    def confirmations() -> None:
        _confirm_demo_implementations(course, banks, chosen)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("demo.step.roster", import_demo_roster),
        ("demo.step.generate", generate_and_release),
        ("demo.step.simulate", simulate),
        ("demo.step.autograde", autograde),
        ("demo.step.manual", grade_by_hand),
        ("demo.step.feedback", feedback),
        ("demo.step.external_jp", outside_learning),
        ("demo.step.confirm", confirmations),
        ("demo.step.lessons", lambda: build_learner_lessons(project, workspace / "pelajaran")),
    ]
    for key, action in steps:
        started = time.perf_counter()
        action()
        seconds = f"{time.perf_counter() - started:.1f}"
        report("  [ok] " + message(key, seconds=seconds))
    return course


def _confirm_demo_implementations(
    course: Course,
    banks: Mapping[str, AnswerBank],
    chosen: Mapping[str, Mapping[str, Mapping[str, str]]],
) -> int:
    """Managers confirm the technology is in use where the project write-up was the strongest."""
    rules = load_rules()
    roster = read_roster(course.roster_path)
    units = {e.username: e.unit for e in roster}
    managers = {e.unit: e.username for e in roster if e.jabatan in ("Lurah", "Camat")}
    cells = cell_competency_map(course.source_dir, CompetencyFramework.load())
    project_cells = cells[cells["competency"] == rules.implementation_competency]
    count = 0
    for assignment, bank in banks.items():
        # Only the innovation project's write-up is confirmed in use, not other written answers.
        manual_ids = [
            grade_id
            for grade_id, variants in bank.answers.items()
            if any(v.manual_score for v in variants.values())
            and grade_id
            in set(project_cells.loc[project_cells["assignment"] == assignment, "grade_id"])
        ]
        for username, plan in chosen[assignment].items():
            best = [plan[g] == next(iter(bank.answers[g])) for g in manual_ids]
            if not best or not all(best):
                continue
            confirmer = managers.get(units[username]) or managers.get("KEC")
            if confirmer == username:
                confirmer = managers.get("KEC")
            if confirmer is None or confirmer == username:
                continue
            record_confirmation(
                course.root,
                roster,
                username,
                confirmer,
                confirmers=list(rules.confirmers),
                district_wide=list(rules.district_wide),
                note="Aplikasi sudah dipakai di kantor (diperiksa saat kunjungan).",
            )
            count += 1
    return count
