"""A module's answer key and blank release, graded exactly as ``kit grade`` grades a class.

``kit module check`` must not pass a module that class grading would score differently, so it
grades through the same engine (:func:`kit.grading.grade_assignment`: same isolation, same
tamper checks, same scores), never with a second grader. The key is submitted the way a learner
who answers everything right would submit it: the release notebook, each answer cell holding the
instructor's solution (solution markers dropped), so honest work is also checked to raise no
tamper flag.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.notebooknode import NotebookNode

from kit.course import Course
from kit.grading import GradingRun, grade_assignment, read_grades

__all__ = [
    "BLANK",
    "KEY",
    "AnswerKeyGrading",
    "answer_key_notebook",
    "grade_answer_key",
    "submit_key_and_blank",
]

KEY = "kunci"  # the learner id of the answer key
BLANK = "kosong"  # the learner id of the untouched release
_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")


@dataclass
class AnswerKeyGrading:
    """What grading the key and the blank release gave: the run and every grade cell's row."""

    assignment: str
    run: GradingRun
    grades: pd.DataFrame  # kit.grading.read_grades rows of KEY and BLANK


def answer_key_notebook(source: NotebookNode, release: NotebookNode) -> NotebookNode:
    """``release`` with every answer (solution) cell filled from ``source``'s same cell."""
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    key = nbformat.from_dict(release)
    for cell in key.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in solutions:
            lines = solutions[grade_id].split("\n")
            cell.source = "\n".join(
                line for line in lines if not any(marker in line for marker in _MARKERS)
            )
    return key


def submit_key_and_blank(course: Course, assignment: str) -> None:
    """Put the answer key (``kunci``) and the blank release (``kosong``) into ``submitted/``.

    The assignment must have been generated (its release exists).
    """
    source = course.source_dir / assignment
    release = course.release_dir / assignment
    for student in (KEY, BLANK):
        target = course.submitted_dir / student / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(release, target)
    for path in sorted(release.glob("*.ipynb")):
        key = answer_key_notebook(
            nbformat.read(source / path.name, as_version=4), nbformat.read(path, as_version=4)
        )
        nbformat.write(key, course.submitted_dir / KEY / assignment / path.name)


def grade_answer_key(
    project: Path, assignment: str, *, isolation: str | None = None
) -> AnswerKeyGrading:
    """Grade the key and the blank release of ``assignment`` in a temporary course.

    The course has the project's ``assessments/nbgrader_config.py`` (so its isolation setting
    too) and only this assignment. Raises ``kit.grading.GradingError`` when grading refuses
    (e.g. no sandbox) and ``kit.course.NbgraderError`` when the assignment cannot be generated.
    """
    with tempfile.TemporaryDirectory(prefix="kit-module-check-") as work:
        course = Course(Path(work))
        shutil.copy(project / "assessments" / "nbgrader_config.py", course.root)
        shutil.copytree(
            project / "assessments" / "source" / assignment, course.source_dir / assignment
        )
        course.generate_assignment(assignment)
        submit_key_and_blank(course, assignment)
        run = grade_assignment(course.root, assignment, isolation=isolation, feedback=False)
        grades = read_grades(course.gradebook_path)
    return AnswerKeyGrading(assignment, run, grades[grades["assignment"] == assignment])
