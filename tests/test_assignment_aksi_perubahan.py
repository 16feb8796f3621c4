"""The change-project assignment on real parts: its source, its answer bank, and a handful of
designed submissions graded by one real ``nbgrader autograde`` run.
What every assignment must pass alike is checked in ``test_assignment_common``."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from kit.competency import CompetencyFramework, cell_competency_map, mastery_by_learner
from kit.core.project import project_root
from kit.course.nbgrader_course import Course
from kit.grading.gradebook import read_grades
from tests.assignment_harness import (
    ASSESSMENTS,
    ASSIGNMENTS,
    BLANK,
    KEY,
    GradedCourse,
    graded_course,
    release_text,
    released_answer_cells,
)

TUGAS = ASSIGNMENTS["tugas08_aksi_perubahan"]
ASSIGNMENT, SOURCE, BANK = TUGAS.name, TUGAS.source_path, TUGAS.bank
grade_cells, points, written_cells = TUGAS.grade_cells, TUGAS.points, TUGAS.written_cells
IMPLEMENTATION = "INOVASI.IMPLEMENTASI"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_every_grade_cell_is_tagged_and_implementation_is_written_evidence():
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    ours = cell_map[cell_map["assignment"] == ASSIGNMENT]
    assert set(ours["grade_id"]) == set(grade_cells())
    implementation = set(ours.loc[ours["competency"] == IMPLEMENTATION, "grade_id"])
    # The rubric cells, and only they: an autograded cell would give an implementation share
    # before the instructor has read the project.
    assert implementation == set(written_cells())
    assert {"solusi_teknologi", "bukti_penggunaan"} <= implementation


def test_module_declares_the_competencies_its_assignment_evidences():
    module = yaml.safe_load(
        (project_root() / "courses" / "08_aksi_perubahan" / "module.yml").read_text("utf-8")
    )
    assert module["assignment"] == ASSIGNMENT
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    tagged = set(cell_map.loc[cell_map["assignment"] == ASSIGNMENT, "competency"])
    assert set(module["competencies"]) == tagged


# -- graded by real nbgrader (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "hari[~sesudah].median()" not in text  # the model solution
    assert "45,2%" not in text  # the model answers of the written parts
    assert len(released_answer_cells(text)) == 1 + len(written_cells())


@pytest.mark.slow
def test_instructor_scores_become_the_implementation_share(graded, tmp_path):
    """Rubric scores recorded as formgrader records them feed INOVASI.IMPLEMENTASI mastery."""
    from kit.demo.cohort import simulate_manual_grading

    course, plans, _ = graded
    copy = Course(tmp_path / "course")
    shutil.copytree(course.root, copy.root)  # the shared graded course stays ungraded by hand
    simulate_manual_grading(copy, BANK, plans)
    grades = read_grades(copy.gradebook_path)
    cell_map = cell_competency_map(copy.source_dir, CompetencyFramework.load())
    learners = pd.DataFrame({"username": [*plans, KEY], "unit": "KEC"})
    mastery = mastery_by_learner(grades, cell_map, learners).set_index(["username", "competency"])
    weights = cell_map[cell_map["competency"] == IMPLEMENTATION].set_index("grade_id")["weight"]
    for student, plan in plans.items():
        earned = sum(
            weights[grade_id]
            * BANK.answers[grade_id][plan[grade_id]].manual_score.get(
                grade_id, BANK.answers[grade_id][plan[grade_id]].expected.get(grade_id, 0.0)
            )
            for grade_id in weights.index
        )
        possible = sum(weights[grade_id] * points()[grade_id] for grade_id in weights.index)
        assert mastery.at[(student, IMPLEMENTATION), "mastery"] == pytest.approx(
            earned / possible
        ), student
        assert mastery.at[(student, IMPLEMENTATION), "pending_cells"] == 0, student
    assert mastery.at[("varian0", IMPLEMENTATION), "mastery"] == 1.0  # every part "lengkap"
    assert mastery.at[(BLANK, IMPLEMENTATION), "mastery"] == 0.0
    # the key's model answers were not graded by hand: no implementation evidence yet
    assert pd.isna(mastery.at[(KEY, IMPLEMENTATION), "mastery"])
