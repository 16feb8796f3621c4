"""The charts-and-widgets assignment on real parts: its source, its answer bank, and designed
submissions graded by one real ``nbgrader autograde`` run.
What every assignment must pass alike is checked in ``test_assignment_common``."""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from kit.competency import CompetencyFramework, cell_competency_map
from kit.core.project import project_root
from tests.assignment_harness import (
    ASSESSMENTS,
    ASSIGNMENTS,
    BLANK,
    GradedCourse,
    by_student,
    graded_course,
    release_text,
)

TUGAS = ASSIGNMENTS["tugas04_visualisasi"]
ASSIGNMENT, SOURCE, BANK, BANK_PATH = TUGAS.name, TUGAS.source_path, TUGAS.bank, TUGAS.bank_path
MODULE = project_root() / "courses" / "04_visualisasi" / "module.yml"
source, grade_cells, points = TUGAS.source, TUGAS.grade_cells, TUGAS.points
written_cells, graded_test_cells = TUGAS.written_cells, TUGAS.autograded_cells


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_every_part_heading_states_the_points_of_its_grade_cells():
    parts: dict[str, list[float]] = {}
    current = None
    for cell in source().cells:
        heading = re.match(r"## Bagian (\w) \((\d+) poin", cell.source)
        if cell.cell_type == "markdown" and heading:
            current = heading.group(1)
            parts[current] = [float(heading.group(2))]
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("grade"):
            parts[current].append(points()[grade_id])
    assert list(parts) == ["A", "B", "C", "D", "E", "F"]
    for part, (stated, *cells) in parts.items():
        assert cells and sum(cells) == stated, part


def test_every_test_cell_opens_with_a_one_line_docstring_and_is_locked():
    for grade_id, cell in graded_test_cells().items():
        first = cell.source.splitlines()[0]
        assert re.fullmatch(r'"""Memeriksa .+\."""', first), grade_id
        assert cell.metadata.nbgrader.locked and not cell.metadata.nbgrader.solution, grade_id
        ast.parse(cell.source)


def test_every_autograded_part_has_a_hidden_test_on_other_data():
    """A visible test on the assignment's data, and a hidden one on seed 7 for every answer."""
    cells = source().cells
    answers = [
        c.metadata.nbgrader.grade_id
        for c in cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    ]
    assert len(answers) >= 3
    hidden = [c for c in graded_test_cells().values() if "### BEGIN HIDDEN TESTS" in c.source]
    assert len(hidden) == len(answers)
    for cell in hidden:
        body = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        assert 'load("pengaduan", seed=7)' in body, cell.metadata.nbgrader.grade_id
    for grade_id, cell in graded_test_cells().items():
        if "### BEGIN HIDDEN TESTS" not in cell.source:
            assert "seed=7" not in cell.source, grade_id


def test_partial_credit_cells_start_at_zero_and_end_with_the_score():
    """nbgrader reads a number as the last expression as the points earned (see the key test)."""
    partial = {g: c for g, c in graded_test_cells().items() if "_nilai" in c.source}
    assert len(partial) >= 5
    for grade_id, cell in partial.items():
        assert cell.source.splitlines()[1] == "_nilai = 0", grade_id
        assert cell.source.rstrip().endswith("\n_nilai"), grade_id


def test_the_written_answer_is_the_message_to_the_camat():
    """Its rubric is checked in ``test_assignment_common``."""
    assert written_cells() == ["pesan_untuk_camat"]


def test_every_grade_cell_is_tagged_with_the_modules_competencies():
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    ours = cell_map[cell_map["assignment"] == ASSIGNMENT]
    assert set(ours["grade_id"]) == set(grade_cells())
    module = yaml.safe_load(MODULE.read_text(encoding="utf-8"))
    assert module["assignment"] == ASSIGNMENT
    assert set(module["competencies"]) == set(ours["competency"])
    assert set(ours["competency"]) == {"DATA.VISUALISASI", "LAPORAN.INTERAKTIF"}
    assert ours["level"].between(1, 5).all()


def test_bank_offers_three_to_eight_variants_per_answer():
    for grade_id, variants in BANK.answers.items():
        assert 3 <= len(variants) <= 8, grade_id


def test_bank_scores_stay_within_the_points_and_the_best_variant_earns_them_all():
    raw = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))["answers"]
    for grade_id, variants in BANK.answers.items():
        if grade_id in written_cells():
            continue
        graded_by = set(next(iter(variants.values())).expected)
        for name, variant in variants.items():
            assert set(variant.expected) == graded_by, (grade_id, name)
            for cell, score in variant.expected.items():
                assert 0 <= score <= points()[cell], (grade_id, name, cell)
            if variant.source:
                ast.parse(variant.source)
        best = list(variants.values())[0]
        assert best.expected == {cell: points()[cell] for cell in graded_by}, grade_id
        assert not any(spec.get("manual") for spec in raw[grade_id].values())


def test_manual_scores_follow_the_rubric_best_first():
    raw = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))["answers"]
    for grade_id in written_cells():
        variants = raw[grade_id]
        written = [name for name in variants if name != BLANK]
        scores = [variants[name]["manual_score"][grade_id] for name in written]
        assert all(
            variants[name]["manual"] is True and variants[name]["source"] for name in written
        )
        assert scores[0] == points()[grade_id]
        assert scores == sorted(scores, reverse=True)
        assert variants[BLANK]["expected"] == {grade_id: 0}


# -- graded by real nbgrader (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "value_counts().sort_index()" not in text  # the model solution of Bagian A
    assert "widgets.interact(laporan" not in text  # the model solution of Bagian E
    assert "Tanah Enam Ratus masih menahan" not in text  # the model answer of Bagian F


@pytest.mark.slow
def test_no_wrong_answer_reaches_full_marks_on_a_part(graded):
    """Only the best variant of an autograded answer earns all the points of its test cells."""
    _, plans, grades = graded
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, variant in plan.items():
            tests = BANK.answers[grade_id][variant].expected
            if not tests or variant == next(iter(BANK.answers[grade_id])):
                continue
            earned = sum(scores.at[cell, "score"] for cell in tests)
            assert earned < sum(points()[cell] for cell in tests), (student, grade_id, variant)
