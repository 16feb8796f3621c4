"""The office-automation assignment on real parts: its source, its answer bank, and the designed
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
    GradedCourse,
    graded_course,
    release_text,
    released_answer_cells,
)

TUGAS = ASSIGNMENTS["tugas05_otomasi"]
ASSIGNMENT, SOURCE, BANK = TUGAS.name, TUGAS.source_path, TUGAS.bank
MODULE = project_root() / "courses" / "05_otomasi" / "module.yml"
source, grade_cells = TUGAS.source, TUGAS.grade_cells
points, written_cells = TUGAS.points, TUGAS.written_cells
# Autograded parts: solution cell -> (visible test, hidden test).
PARTS = {
    "jawaban_buat_surat": ("test_buat_surat", "test_buat_surat_tersembunyi"),
    "jawaban_tulis_semua_surat": ("test_tulis_semua_surat", "test_tulis_semua_surat_tersembunyi"),
    "jawaban_buat_rekap": ("test_buat_rekap", "test_buat_rekap_tersembunyi"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """This assignment's one graded course of the session, shared with the common tests."""
    return graded_course(ASSIGNMENT, tmp_path_factory)


# -- the source notebook and the answer bank (fast) -----------------------------------------------


def test_each_part_heading_states_the_points_of_its_cells():
    nb = source()
    headings = [
        (index, re.match(r"## Bagian (\w) \((\d+) poin", cell.source))
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown"
    ]
    headings = [(index, match) for index, match in headings if match]
    assert [match.group(1) for _, match in headings] == ["A", "B", "C", "D"]
    ends = [index for index, _ in headings[1:]] + [len(nb.cells)]
    for (start, match), end in zip(headings, ends, strict=True):
        part_points = sum(
            cell.metadata.nbgrader.points
            for cell in nb.cells[start:end]
            if cell.metadata.get("nbgrader", {}).get("grade")
        )
        assert part_points == int(match.group(2)), match.group(0)


def test_every_part_has_a_visible_test_on_the_data_and_a_hidden_one_on_other_data():
    cells = grade_cells()
    assert set(cells) == {test for pair in PARTS.values() for test in pair} | set(written_cells())
    for visible, hidden in PARTS.values():
        visible_source, hidden_source = cells[visible].source, cells[hidden].source
        assert "BEGIN HIDDEN TESTS" not in visible_source
        assert "seed=7" not in visible_source
        assert "### BEGIN HIDDEN TESTS" in hidden_source and "### END HIDDEN TESTS" in hidden_source
        hidden_part = hidden_source.split("### BEGIN HIDDEN TESTS")[1]
        assert "seed=7" in hidden_part, hidden
        # partial credit: the cell's last line is the score it computed
        assert hidden_source.rstrip().splitlines()[-1] == "_nilai", hidden
        assert points()[hidden] == 3 and points()[visible] == 1


def test_every_test_cell_opens_with_a_one_line_docstring():
    for grade_id, cell in grade_cells().items():
        if cell.cell_type != "code":
            continue
        first = cell.source.splitlines()[0]
        assert re.fullmatch(r'""".+\(.*\d poin\)\."""', first), grade_id


def test_the_letter_template_is_locked_and_matches_the_lessons():
    cell = next(c for c in source().cells if "TEMPLAT_UNDANGAN = Template(" in c.source)
    assert cell.metadata.nbgrader.locked and not cell.metadata.nbgrader.grade
    lesson = nbformat.read(project_root() / "courses" / "05_otomasi" / "05_otomasi.ipynb", 4)
    lesson_template = next(c.source for c in lesson.cells if c.source.startswith("templat_teks"))
    body = lesson_template.split('"""')[1]
    assert body in cell.source


def test_every_grade_cell_is_tagged_and_the_module_declares_the_tags():
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    ours = cell_map[cell_map["assignment"] == ASSIGNMENT]
    assert set(ours["grade_id"]) == set(grade_cells())
    assert set(ours.loc[ours["competency"] == "OTOMASI.DOKUMEN", "grade_id"]) == set(grade_cells())
    assert set(ours.loc[ours["competency"] == "ETIKA.KOMUNIKASI", "grade_id"]) == set(
        written_cells()
    )
    module = yaml.safe_load(MODULE.read_text(encoding="utf-8"))
    assert module["assignment"] == ASSIGNMENT
    assert module["jp"] == 3
    assert set(module["competencies"]) == set(ours["competency"])


def test_bank_offers_four_to_six_variants_per_answer():
    for grade_id, variants in BANK.answers.items():
        assert 4 <= len(variants) <= 6, grade_id


def test_autograded_variants_score_within_their_cells_and_the_best_scores_full():
    for solution, tests in PARTS.items():
        variants = BANK.answers[solution]
        best = list(variants.values())[0]
        assert best.expected == {test: points()[test] for test in tests}, solution
        for name, variant in variants.items():
            assert set(variant.expected) == set(tests), (solution, name)
            assert all(0 <= variant.expected[t] <= points()[t] for t in tests), (solution, name)
        # every wrong variant loses points somewhere: no test is passed by a wrong answer alone
        for name, variant in list(variants.items())[1:]:
            assert sum(variant.expected.values()) < sum(best.expected.values()), (solution, name)


# -- graded by real nbgrader (slow) ---------------------------------------------------------------


@pytest.mark.slow
def test_release_holds_none_of_the_model_answers(graded: GradedCourse):
    """The generic release checks are in ``test_assignment_common``."""
    text = release_text(TUGAS, graded.course)
    assert "BULAN_ROMAWI[s.month]" not in text  # the model solution of part A
    assert "berkas.write_text(buat_surat(baris)" not in text  # ... of part B
    assert "=SUM(B2:B{akhir})" not in text  # ... of part C
    assert "menyiapkan ruang pelayanan" not in text  # the model answer of part D
    assert len(released_answer_cells(text)) == len(PARTS) + len(written_cells())
    assert "TEMPLAT_UNDANGAN = Template(" in text  # the letter template stays visible
