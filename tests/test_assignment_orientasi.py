"""The orientation assignment on real parts: its source, its answer bank, and every designed
submission graded by one real ``nbgrader autograde`` run.
What every assignment must pass alike is checked in ``test_assignment_common``."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest
import yaml

from kit.competency import CompetencyFramework, cell_competency_map
from kit.core.project import project_root
from kit.datasets import load
from tests.assignment_harness import ASSIGNMENTS, GradedCourse, graded_course, release_text

TUGAS = ASSIGNMENTS["tugas01_orientasi"]
ASSIGNMENT, SOURCE, BANK = TUGAS.name, TUGAS.source_path, TUGAS.bank
notebook, grade_cells, points = TUGAS.source, TUGAS.grade_cells, TUGAS.points
written_cells, autograded_cells = TUGAS.written_cells, TUGAS.autograded_cells
HIDDEN_SEED = "seed=7"
# Variants that are right (in different ways); every other variant must lose points somewhere.
RIGHT_VARIANTS = {"benar", "lima_kelurahan_dengan_nol"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook (fast) -----------------------------------------------------------------


def test_every_part_heading_states_the_points_of_its_cells():
    parts: dict[str, float] = {}
    stated: dict[str, float] = {}
    current = None
    for cell in notebook().cells:
        heading = re.match(r"## (Bagian [A-Z]) \((\d+) poin", cell.source)
        if cell.cell_type == "markdown" and heading:
            current = heading.group(1)
            stated[current] = float(heading.group(2))
            parts[current] = 0.0
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade"):
            assert current is not None, grading["grade_id"]
            parts[current] += float(grading["points"])
    assert parts == stated
    assert len(parts) >= 4


def test_every_autograded_part_has_a_visible_and_a_hidden_test_on_other_data():
    cells = autograded_cells()
    assert len(cells) >= 6
    for grade_id, cell in cells.items():
        first = cell.source.splitlines()[0]
        assert first.startswith('"""Memeriksa') and first.endswith('"""'), grade_id
        hidden = "### BEGIN HIDDEN TESTS" in cell.source
        assert hidden == grade_id.endswith("_tersembunyi"), grade_id
        if hidden:
            assert HIDDEN_SEED in cell.source, grade_id
            assert grade_id.removesuffix("_tersembunyi") in cells, grade_id


def test_every_grade_cell_is_tagged_as_the_module_declares(tmp_path):
    shutil.copytree(SOURCE.parent, tmp_path / ASSIGNMENT)  # this assignment's tags only
    ours = cell_competency_map(tmp_path, CompetencyFramework.load())
    assert set(ours["grade_id"]) == set(grade_cells())
    assert set(ours.loc[ours["competency"] == "DASAR.PYTHON", "grade_id"]) == set(grade_cells())
    assert ours["level"].between(1, 2).all(), "an orientation module evidences levels 1-2"
    module = yaml.safe_load(
        (project_root() / "courses" / "01_orientasi" / "module.yml").read_text("utf-8")
    )
    assert module["assignment"] == ASSIGNMENT
    assert set(module["competencies"]) == set(ours["competency"])


def test_visible_tests_state_the_right_numbers_for_this_weeks_data():
    """The literal answers of the visible tests, recomputed from the data here."""
    week = load("pengaduan_sepekan")
    days = week["hari_kerja"].tolist()
    cells = autograded_cells()
    mean = round(sum(days) / len(days), 1)
    assert f"hasil == {mean}," in cells["test_rata_rata_hari_kerja"].source
    first = week.iloc[0]
    sentence = (
        f"Pengaduan {first['no_tiket']} dari Kelurahan {first['kelurahan']} diteruskan dalam "
        f"{first['hari_kerja']} hari kerja."
    )
    assert f'"{sentence}"' in cells["test_kalimat_pengaduan"].source
    late = sum(1 for d in days if d > 3)
    assert f'count("terlambat") == {late},' in cells["test_status_penerusan"].source
    assert 3 in days, "the week shows the boundary case too"
    counts = Counter(week["kelurahan"])
    for kelurahan, count in counts.items():
        assert f'"{kelurahan}": {count},' in cells["test_hitung_per_kelurahan"].source


# -- the answer bank (fast) -----------------------------------------------------------------------


def test_bank_offers_enough_variants_scoring_real_cells_the_best_every_point():
    """Beside ``test_assignment_common``'s coverage check: this bank's own shape."""
    graded = set(grade_cells())
    for grade_id, variants in BANK.answers.items():
        assert len(variants) >= 4, grade_id  # best, at least two others, blank
        best = next(iter(variants.values()))
        for variant in variants.values():
            assert set(variant.expected) | set(variant.manual_score) <= graded
        if not best.manual:
            # the best variant earns every point of the tests it is designed for
            assert all(points()[cell] == score for cell, score in best.expected.items())


def test_no_wrong_variant_gets_full_marks():
    for grade_id, variants in BANK.answers.items():
        for name, variant in variants.items():
            if variant.manual or not variant.expected:
                continue
            full = all(points()[cell] == score for cell, score in variant.expected.items())
            assert full == (name in RIGHT_VARIANTS), (grade_id, name)


# -- graded by real nbgrader (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "sum(daftar_hari_kerja) / len(daftar_hari_kerja)" not in text  # the model solution
    assert "Paya Pasir dari buku register" not in text  # the model written answer
