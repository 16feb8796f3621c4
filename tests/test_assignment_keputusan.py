"""The decisions assignment on real parts: its source, its answer bank, and designed submissions
graded by one real ``nbgrader autograde`` run.
What every assignment must pass alike is checked in ``test_assignment_common``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from kit.competency import CompetencyFramework, cell_competency_map
from kit.core.project import project_root
from tests.assignment_harness import (
    ASSIGNMENTS,
    GradedCourse,
    assert_written_answers_wait,
    graded_course,
    release_text,
)

TUGAS = ASSIGNMENTS["tugas07_keputusan"]
ASSIGNMENT, SOURCE, BANK = TUGAS.name, TUGAS.source_path, TUGAS.bank
MODULE = project_root() / "courses" / "07_keputusan" / "module.yml"
source_notebook, grade_cells, points = TUGAS.source, TUGAS.grade_cells, TUGAS.points
written_cells, autograded_cells = TUGAS.written_cells, TUGAS.autograded_cells
HIDDEN_SEED = "seed=7"


def only_this_assignment(folder: Path) -> Path:
    """A source folder holding this assignment alone (other modules are checked by their tests)."""
    shutil.copytree(SOURCE.parent, folder / "source" / ASSIGNMENT)
    return folder / "source"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_each_part_heading_states_the_points_of_its_grade_cells():
    """ "Bagian A (2 poin)": the grade cells up to the next part heading are worth 2 points."""
    parts: dict[str, float] = {}
    stated: dict[str, int] = {}
    current = None
    for cell in source_notebook().cells:
        heading = re.match(r"## Bagian (\w) \((\d+) poin\)", cell.source)
        if cell.cell_type == "markdown" and heading:
            current = heading.group(1)
            stated[current] = int(heading.group(2))
            parts[current] = 0.0
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("grade"):
            assert current is not None, nbgrader["grade_id"]
            parts[current] += nbgrader["points"]
    assert list(stated) == ["A", "B", "C", "D", "E"]
    assert parts == {part: float(p) for part, p in stated.items()}


def test_every_autograded_part_has_a_visible_and_a_hidden_test_on_other_data():
    cells = autograded_cells()
    visible = {g for g in cells if not g.endswith("_tersembunyi")}
    assert len(visible) >= 3
    for grade_id in visible:
        assert "BEGIN HIDDEN TESTS" not in cells[grade_id].source, grade_id
        hidden = cells[f"{grade_id}_tersembunyi"].source
        assert "### BEGIN HIDDEN TESTS" in hidden and HIDDEN_SEED in hidden, grade_id
        # What a learner sees of the hidden cell (its release) scores 0, never full marks.
        released = re.sub(r"### BEGIN HIDDEN TESTS.*### END HIDDEN TESTS\n", "", hidden, flags=re.S)
        assert released.rstrip().endswith("_nilai") and "_nilai = 0" in released, grade_id


def test_every_test_cell_opens_with_a_one_line_docstring_naming_its_points():
    for grade_id, cell in autograded_cells().items():
        first = cell.source.splitlines()[0]
        assert re.fullmatch(r'"""Memeriksa .+\."""', first), grade_id
        maximum = int(points()[grade_id])
        assert f"{maximum} poin" in first, grade_id


def test_the_written_answer_is_the_memo_to_the_camat():
    """Its rubric is checked in ``test_assignment_common``."""
    assert written_cells() == ["nota_dinas_untuk_camat"]


def test_every_grade_cell_is_tagged_and_the_memo_evidences_recommendation(tmp_path):
    source = only_this_assignment(tmp_path)
    cell_map = cell_competency_map(source, CompetencyFramework.load())
    assert set(cell_map["grade_id"]) == set(grade_cells())
    recommendation = cell_map[cell_map["competency"] == "KOMUNIKASI.REKOMENDASI"]
    assert set(recommendation["grade_id"]) == set(written_cells())
    assert cell_map["level"].between(1, 5).all()


def test_module_declares_the_competencies_its_assignment_evidences(tmp_path):
    module = yaml.safe_load(MODULE.read_text("utf-8"))
    assert module["id"] == "m07_keputusan" and module["jp"] == 3
    assert module["assignment"] == ASSIGNMENT
    assert module["lessons"] == ["07_keputusan.ipynb"]
    cell_map = cell_competency_map(only_this_assignment(tmp_path), CompetencyFramework.load())
    assert set(module["competencies"]) == set(cell_map["competency"])
    assert set(module["competencies"]) == {
        "LAYANAN.KEPUTUSAN",
        "DATA.ANALISIS",
        "KOMUNIKASI.REKOMENDASI",
    }


def test_bank_offers_four_or_more_variants_and_the_best_earns_full_marks():
    for grade_id, variants in BANK.answers.items():
        names = list(variants)
        assert len(names) >= 4, grade_id  # best, two or more wrong or partial, blank
        first = variants[names[0]]
        if not first.manual:
            tests = {g for g in points() if g in first.expected}
            assert first.expected == {g: points()[g] for g in tests}, "best variant, full marks"


def test_designed_scores_never_exceed_the_points_and_no_wrong_answer_gets_full_marks():
    for grade_id, variants in BANK.answers.items():
        names = list(variants)
        for name in names[1:]:
            variant = variants[name]
            scores = variant.manual_score if variant.manual else variant.expected
            assert scores, (grade_id, name)
            assert all(0 <= s <= points()[g] for g, s in scores.items()), (grade_id, name)
            assert sum(scores.values()) < sum(points()[g] for g in scores), (grade_id, name)


# -- graded by real nbgrader (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "(persen < 50) | (realisasi > df" not in text  # a model solution
    assert "NOTA DINAS" not in text  # the model memo


@pytest.mark.slow
def test_written_answers_wait_for_manual_grading(graded: GradedCourse):
    waiting = len(assert_written_answers_wait(TUGAS, graded))
    written_variants = sum(1 for g in written_cells() for v in BANK.answers[g].values() if v.manual)
    assert waiting >= written_variants
