"""The security assignment on real parts: its source, its answer bank, and the designed
submissions graded by one real ``nbgrader autograde`` run.
What every assignment must pass alike is checked in ``test_assignment_common``."""

from __future__ import annotations

import re

import pytest
import yaml

from kit.competency import CompetencyFramework, cell_competency_map
from kit.core.project import project_root
from tests.assignment_harness import (
    ASSESSMENTS,
    ASSIGNMENTS,
    GradedCourse,
    by_student,
    graded_course,
    release_text,
    released_answer_cells,
)

TUGAS = ASSIGNMENTS["tugas06_keamanan"]
ASSIGNMENT, SOURCE, BANK = TUGAS.name, TUGAS.source_path, TUGAS.bank
source, grade_cells, points = TUGAS.source, TUGAS.grade_cells, TUGAS.points
written_cells, hidden_test_cells = TUGAS.written_cells, TUGAS.hidden_test_cells


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_every_part_heading_states_the_points_of_its_grade_cells():
    stated: dict[str, int] = {}
    graded: dict[str, float] = {}
    part = None
    for cell in source().cells:
        found = re.match(r"#+ Bagian ([A-H]) \((\d+) poin", cell.source)
        if cell.cell_type == "markdown" and found:
            part = found.group(1)
            stated[part] = int(found.group(2))
            graded[part] = 0.0
        grade = cell.metadata.get("nbgrader", {})
        if grade.get("grade"):
            graded[part] += grade["points"]
    assert list(stated) == list("ABCDEFGH")
    assert graded == stated


def test_every_autograded_part_has_a_visible_and_a_hidden_test_with_a_docstring():
    nb = source()
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    code_tests = [c for c in tests if c.cell_type == "code"]
    assert len(code_tests) == 12 and len(hidden_test_cells()) == 6
    for cell in code_tests:
        first = cell.source.splitlines()[0]
        assert first.startswith('"""Memeriksa') and first.endswith('."""'), first
        assert cell.metadata.nbgrader.locked and not cell.metadata.nbgrader.solution
    for grade_id in hidden_test_cells():
        assert grade_id.endswith("_tersembunyi")
        assert grade_id.removesuffix("_tersembunyi") in grade_cells()
        assert "### END HIDDEN TESTS" in grade_cells()[grade_id].source
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in solutions:
        if cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source


def test_every_grade_cell_is_tagged_with_the_modules_competencies():
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    ours = cell_map[cell_map["assignment"] == ASSIGNMENT]
    assert set(ours["grade_id"]) == set(grade_cells())
    module = yaml.safe_load(
        (project_root() / "courses" / "06_keamanan" / "module.yml").read_text("utf-8")
    )
    assert module["assignment"] == ASSIGNMENT
    assert set(module["competencies"]) == set(ours["competency"])
    # Every competency rests on at least two graded cells, the least a level may rest on.
    assert ours.groupby("competency")["grade_id"].nunique().min() >= 2


def test_the_written_parts_name_the_three_day_deadline():
    """The rubrics themselves are checked in ``test_assignment_common``."""
    assert "3 x 24 jam" in "\n".join(c.source for c in source().cells)


def test_bank_offers_a_best_a_wrong_or_partial_and_a_blank_variant():
    for variants in BANK.answers.values():
        assert len(variants) >= 3  # a best answer, at least one wrong or partial one, blank


def test_designed_scores_stay_within_points_and_the_best_variant_gets_them_all():
    maximum = points()
    for grade_id, variants in BANK.answers.items():
        if grade_id in written_cells():
            continue
        best = next(iter(variants.values()))
        assert best.expected == {test: maximum[test] for test in best.expected}, (
            f"{grade_id}: the first variant is the best answer"
        )
        for variant in variants.values():
            for test, score in variant.expected.items():
                assert 0 <= score <= maximum[test], (grade_id, variant.name, test)


# -- graded by real nbgrader (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "default_rng(7)" not in text  # the hidden tests' data
    assert "math.log2(kumpulan)" not in text  # the model solutions
    assert "Kamis, 5 November 2026 pukul 16.00 (3 x 24 jam)" not in text  # a model answer
    assert len(released_answer_cells(text)) == 6 + len(written_cells())
    assert text.count("| Kriteria | Poin |") == len(written_cells())  # rubrics stay visible


@pytest.mark.slow
def test_hard_coded_answers_pass_the_visible_test_and_fail_the_hidden_one(graded):
    _, plans, grades = graded
    seen = set()
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, variant in plan.items():
            if variant != "angka_ditulis_tangan":
                continue
            visible, hidden = sorted(BANK.answers[grade_id][variant].expected, key=len)
            assert scores.at[visible, "score"] == points()[visible], (student, grade_id)
            assert scores.at[hidden, "score"] == 0, (student, grade_id)
            seen.add(grade_id)
    assert seen == {"jawaban_skor_phishing", "jawaban_samarkan_nik", "jawaban_hash_sandi"}
