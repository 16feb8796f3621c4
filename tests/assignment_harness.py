"""What the assignment tests share: an assignment's source notebook and answer bank, and one
temporary course per assignment where the designed submissions are graded by real nbgrader."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import nbformat
import pandas as pd
import pytest

from kit.core.project import project_root
from kit.course.nbgrader_course import Course
from kit.demo.cohort import AnswerBank, load_answer_bank, write_submission
from kit.grading.gradebook import read_grades

ASSESSMENTS = project_root() / "assessments"
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answers included
BLANK = "kosong"  # submits the release untouched
WIB = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class AssignmentUnderTest:
    """One assessment as its tests see it: the source notebook and the answer bank.

    ``stamp`` is the submission time of the designed learners; ``whole_source`` builds the
    temporary course from every assignment's source folder instead of this one alone.
    """

    name: str
    stamp: dt.datetime = dt.datetime(2026, 11, 20, 9, 0, tzinfo=WIB)
    whole_source: bool = False

    @property
    def source_path(self) -> Path:
        return ASSESSMENTS / "source" / self.name / f"{self.name}.ipynb"

    @property
    def bank_path(self) -> Path:
        return ASSESSMENTS / "simulation" / f"{self.name}.yml"

    @cached_property
    def bank(self) -> AnswerBank:
        return load_answer_bank(self.bank_path)

    def source(self) -> nbformat.NotebookNode:
        """The instructor's source notebook, read afresh."""
        return nbformat.read(self.source_path, as_version=4)

    def grade_cells(self) -> dict[str, nbformat.NotebookNode]:
        return {
            cell.metadata.nbgrader.grade_id: cell
            for cell in self.source().cells
            if cell.metadata.get("nbgrader", {}).get("grade")
        }

    def points(self) -> dict[str, float]:
        return {g: float(c.metadata.nbgrader.points) for g, c in self.grade_cells().items()}

    def written_cells(self) -> list[str]:
        """Grade cells answered in prose and graded by hand (markdown with grade and solution)."""
        return [g for g, c in self.grade_cells().items() if c.cell_type == "markdown"]

    def autograded_cells(self) -> dict[str, nbformat.NotebookNode]:
        """The test cells nbgrader scores itself."""
        return {g: c for g, c in self.grade_cells().items() if c.cell_type == "code"}

    def hidden_test_cells(self) -> list[str]:
        """The test cells holding hidden tests."""
        return [
            g for g, c in self.autograded_cells().items() if "### BEGIN HIDDEN TESTS" in c.source
        ]

    def solution_cells(self) -> set[str]:
        """The cells a learner answers."""
        return {
            cell.metadata.nbgrader.grade_id
            for cell in self.source().cells
            if cell.metadata.get("nbgrader", {}).get("solution")
        }


ASSIGNMENTS: dict[str, AssignmentUnderTest] = {
    a.name: a
    for a in (
        AssignmentUnderTest("tugas01_orientasi"),
        AssignmentUnderTest("tugas02_spreadsheet"),
        AssignmentUnderTest("tugas04_visualisasi"),
        AssignmentUnderTest("tugas05_otomasi", stamp=dt.datetime(2026, 11, 30, 10, 0, tzinfo=WIB)),
        AssignmentUnderTest("tugas06_keamanan"),
        AssignmentUnderTest("tugas07_keputusan"),
        AssignmentUnderTest("tugas08_aksi_perubahan", whole_source=True),
    )
}


class GradedCourse(NamedTuple):
    """A temporary course after one ``nbgrader autograde`` of the designed submissions."""

    course: Course
    plans: dict[str, dict[str, str]]
    grades: pd.DataFrame  # this assignment's rows of the gradebook


def designed_plans(bank: AnswerBank) -> dict[str, dict[str, str]]:
    """One learner per covering plan (every variant used at least once) and one all-blank."""
    plans = {f"varian{i}": plan for i, plan in enumerate(bank.covering_plans())}
    plans[BLANK] = {grade_id: BLANK for grade_id in bank.answers}
    return plans


def by_student(grades: pd.DataFrame, student: str) -> pd.DataFrame:
    return grades[grades["student_id"] == student].set_index("grade_id")


def build_and_autograde(assignment: AssignmentUnderTest, root: Path) -> GradedCourse:
    """A course at ``root`` with the designed submissions and the key, autograded in one run."""
    if assignment.whole_source:
        shutil.copytree(ASSESSMENTS / "source", root / "source")
    else:
        shutil.copytree(assignment.source_path.parent, root / "source" / assignment.name)
    shutil.copy(ASSESSMENTS / "nbgrader_config.py", root / "nbgrader_config.py")
    course = Course(root)
    course.generate_assignment(assignment.name)
    plans = designed_plans(assignment.bank)
    for student, plan in plans.items():
        write_submission(course, assignment.bank, student, plan, assignment.stamp)
    key = course.submitted_dir / KEY / assignment.name
    key.mkdir(parents=True)
    shutil.copy(assignment.source_path, key / assignment.source_path.name)
    (key / "timestamp.txt").write_text(assignment.stamp.strftime("%Y-%m-%d %H:%M:%S.%f%z"))
    course.autograde(assignment.name)
    grades = read_grades(course.gradebook_path)
    return GradedCourse(course, plans, grades[grades["assignment"] == assignment.name])


# Several test modules ask for the same assignment's graded course (its own module and the
# common one): it is built once a session, and a failed build is not retried either.
_graded: dict[str, GradedCourse | BaseException] = {}


def graded_course(name: str, tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """The session's one graded course of assignment ``name``, built on first request."""
    if name not in _graded:
        root = tmp_path_factory.mktemp(f"course{name.removeprefix('tugas')[:2]}")
        try:
            _graded[name] = build_and_autograde(ASSIGNMENTS[name], root)
        except Exception as error:
            _graded[name] = error
    found = _graded[name]
    if isinstance(found, BaseException):
        raise found
    return found


def release_text(assignment: AssignmentUnderTest, course: Course) -> str:
    """The learner's version of the notebook as ``generate_assignment`` wrote it."""
    release = course.release_dir / assignment.name / assignment.source_path.name
    return release.read_text(encoding="utf-8")


def released_answer_cells(text: str) -> list[nbformat.NotebookNode]:
    """The cells of a released notebook that a learner answers in."""
    release = nbformat.reads(text, as_version=4)
    return [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]


def assert_designed_scores(assignment: AssignmentUnderTest, graded: GradedCourse) -> int:
    """Every designed learner got exactly the designed score of every test cell, autograded
    without a manual grade; returns how many cell scores were checked."""
    checked = 0
    for student, plan in graded.plans.items():
        scores = by_student(graded.grades, student)
        for grade_id, expected in assignment.bank.expected_scores(plan).items():
            assert scores.at[grade_id, "score"] == expected, (student, grade_id, plan)
            assert not scores.at[grade_id, "needs_manual_grade"], (student, grade_id)
            checked += 1
    return checked


def assert_written_answers_wait(
    assignment: AssignmentUnderTest, graded: GradedCourse
) -> list[tuple[str, str, str]]:
    """Every written answer of a designed learner waits for manual grading; returns them all as
    (student, grade_id, variant)."""
    waiting = []
    for student, plan in graded.plans.items():
        scores = by_student(graded.grades, student)
        for grade_id, variant in plan.items():
            if assignment.bank.answers[grade_id][variant].manual:
                assert bool(scores.at[grade_id, "needs_manual_grade"]), (student, grade_id)
                waiting.append((student, grade_id, variant))
    return waiting
