"""The spreadsheet assignment on real parts: its source, its answer bank, and the designed
submissions graded by one real ``nbgrader autograde`` run.
What every assignment must pass alike is checked in ``test_assignment_common``."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from kit.competency import CompetencyFramework, cell_competency_map
from kit.core.project import project_root
from tests.assignment_harness import (
    ASSESSMENTS,
    ASSIGNMENTS,
    BLANK,
    GradedCourse,
    assert_designed_scores,
    assert_written_answers_wait,
    graded_course,
    release_text,
)

TUGAS = ASSIGNMENTS["tugas02_spreadsheet"]
ASSIGNMENT, SOURCE, BANK, BANK_PATH = TUGAS.name, TUGAS.source_path, TUGAS.bank, TUGAS.bank_path
grade_cells, points, written_cells = TUGAS.grade_cells, TUGAS.points, TUGAS.written_cells


def source_cells() -> list[nbformat.NotebookNode]:
    return TUGAS.source().cells


def autograded_cells() -> list[str]:
    return list(TUGAS.autograded_cells())


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_every_part_heading_states_the_points_of_its_grade_cells():
    """``## Bagian X (N poin...)`` equals the points of the grade cells up to the next part."""
    part, stated, counted = None, {}, {}
    for cell in source_cells():
        heading = re.match(r"## Bagian (\w) \((\d+) poin", cell.source)
        if cell.cell_type == "markdown" and heading:
            part = heading.group(1)
            stated[part] = int(heading.group(2))
        grade = cell.metadata.get("nbgrader", {})
        if grade.get("grade"):
            counted[part] = counted.get(part, 0) + grade["points"]
    assert stated == counted
    assert list(stated) == list("ABCDEFG")


def test_every_autograded_part_has_a_visible_and_a_hidden_test():
    ids = autograded_cells()
    for grade_id in ids:
        if not grade_id.endswith("_tersembunyi"):
            assert f"{grade_id}_tersembunyi" in ids, grade_id
    for grade_id in ids:
        source = grade_cells()[grade_id].source
        assert source.startswith('"""Memeriksa '), grade_id  # one-line docstring first
        hidden = "### BEGIN HIDDEN TESTS" in source
        assert hidden == grade_id.endswith("_tersembunyi"), grade_id
        if hidden:
            assert "seed=7" in source or "recap_as_typed(7)" in source, grade_id


def test_every_answer_cell_is_unlocked_and_every_test_cell_locked():
    for cell in source_cells():
        grade = cell.metadata.get("nbgrader")
        if not grade:
            continue
        assert grade["schema_version"] == 3 and grade["task"] is False
        if grade["solution"]:
            assert not grade["locked"]
            if cell.cell_type == "code":
                assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        else:
            assert grade["locked"] and grade["grade"]


def test_the_written_answer_is_the_data_quality_rule():
    """Its rubric is checked in ``test_assignment_common``."""
    assert written_cells() == ["aturan_mutu_data"]


def test_every_grade_cell_is_tagged_with_module_competencies():
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    ours = cell_map[cell_map["assignment"] == ASSIGNMENT]
    assert set(ours["grade_id"]) == set(grade_cells())
    assert set(ours["competency"]) == {"DATA.BERSIH", "DATA.OLAH"}
    # cleaning is the main evidence: most points carry DATA.BERSIH
    bersih = set(ours.loc[ours["competency"] == "DATA.BERSIH", "grade_id"])
    assert sum(points()[g] for g in bersih) >= 0.8 * sum(points().values())
    written = ours[ours["grade_id"] == "aturan_mutu_data"]
    assert written[["competency", "level"]].values.tolist() == [["DATA.BERSIH", 4]]


def test_module_declares_the_competencies_its_assignment_evidences():
    module = yaml.safe_load(
        (project_root() / "courses" / "02_spreadsheet" / "module.yml").read_text("utf-8")
    )
    assert module["id"] == "m02_spreadsheet" and module["jp"] == 3
    assert module["assignment"] == ASSIGNMENT
    assert module["lessons"] == ["02_spreadsheet.ipynb"]
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    tagged = set(cell_map.loc[cell_map["assignment"] == ASSIGNMENT, "competency"])
    assert set(module["competencies"]) == tagged


def test_bank_offers_a_best_two_to_four_other_and_a_blank_variant():
    for grade_id, variants in BANK.answers.items():
        assert 3 <= len(variants) <= 6, grade_id  # best, 2-4 wrong or partial, blank


def test_bank_scores_only_the_tests_of_their_own_part():
    """A part's variants score exactly its own test cells, the best one every point."""
    for grade_id, variants in BANK.answers.items():
        if grade_id in written_cells():
            continue
        visible = f"test_{grade_id.removeprefix('jawaban_')}"
        hidden = f"{visible}_tersembunyi"
        own = {visible, hidden}
        for name, variant in variants.items():
            assert set(variant.expected) == own, (grade_id, name)
            for cell, score in variant.expected.items():
                assert 0 <= score <= points()[cell], (grade_id, name, cell)
        best = next(iter(variants.values()))
        assert best.expected == {cell: points()[cell] for cell in own}, grade_id
        assert variants[BLANK].expected == dict.fromkeys(own, 0.0), grade_id
        # every other answer loses (part of) the hidden test: hard-coding never gets full marks
        for name, variant in list(variants.items())[1:]:
            assert variant.expected[hidden] < points()[hidden], (grade_id, name)


def test_manual_scores_follow_the_rubric_best_first():
    raw = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))["answers"]
    for grade_id in written_cells():
        variants = raw[grade_id]
        scores = []
        for name in [n for n in variants if n != BLANK]:
            spec = variants[name]
            assert spec["manual"] is True and spec.get("source"), (grade_id, name)
            assert set(spec["manual_score"]) == {grade_id}, (grade_id, name)
            scores.append(spec["manual_score"][grade_id])
        assert scores[0] == points()[grade_id], "the best written answer earns every point"
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)
        assert variants[BLANK]["expected"] == {grade_id: 0}


# -- graded by real nbgrader (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "recap_as_typed" not in text  # the hidden tests' data
    assert "skiprows=2" not in text and "Kel. Terjun" not in text  # model solutions
    assert "Data Validation" not in text  # the model written answer


@pytest.mark.slow
def test_every_designed_answer_gets_exactly_its_designed_score(graded: GradedCourse):
    assert_designed_scores(TUGAS, graded)
    checked = {
        (grade_id, variant) for plan in graded.plans.values() for grade_id, variant in plan.items()
    }
    every_variant = {(g, v) for g, variants in BANK.answers.items() for v in variants}
    assert checked == every_variant


@pytest.mark.slow
def test_written_answers_wait_for_manual_grading(graded: GradedCourse):
    waiting = {
        (grade_id, variant) for _, grade_id, variant in assert_written_answers_wait(TUGAS, graded)
    }
    written = {(g, v) for g in written_cells() for v in BANK.answers[g] if v != BLANK}
    assert waiting == written  # lengkap, sedang and lemah
