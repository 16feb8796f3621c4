"""The checks every assessment must pass alike, run on each of the seven assignments; what is
particular to one assignment stays in its own ``test_assignment_<module>.py``."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from kit.course.nbgrader_course import Course
from tests.assignment_harness import (
    ASSIGNMENTS,
    BLANK,
    KEY,
    AssignmentUnderTest,
    GradedCourse,
    assert_designed_scores,
    assert_written_answers_wait,
    by_student,
    graded_course,
    release_text,
    released_answer_cells,
)

# Points the notebook gives to its autograded (code) and its written (markdown) grade cells...
POINTS = {
    "tugas01_orientasi": {"code": 10.0, "markdown": 3.0},
    "tugas02_spreadsheet": {"code": 13.0, "markdown": 3.0},
    "tugas04_visualisasi": {"code": 14.0, "markdown": 3.0},
    "tugas05_otomasi": {"code": 12.0, "markdown": 4.0},
    "tugas06_keamanan": {"code": 15.0, "markdown": 5.0},
    "tugas07_keputusan": {"code": 11.0, "markdown": 4.0},
    "tugas08_aksi_perubahan": {"code": 3.0, "markdown": 12.0},
}
# ... and how its introduction states them.
INTRO = {
    "tugas01_orientasi": "13 poin (10 poin dinilai otomatis, 3 poin dinilai instruktur)",
    "tugas02_spreadsheet": "16 poin (13 poin dinilai otomatis, 3 poin dinilai instruktur)",
    "tugas04_visualisasi": "17 poin (14 poin dinilai otomatis, 3 poin dinilai instruktur)",
    "tugas05_otomasi": "16 poin (12 poin dinilai otomatis, 4 poin dinilai instruktur)",
    "tugas06_keamanan": "20 poin (15 poin dinilai otomatis, 5 poin dinilai instruktur)",
    "tugas07_keputusan": "15 poin (11 poin dinilai otomatis, 4 poin dinilai instruktur)",
    "tugas08_aksi_perubahan": "15 poin (3 poin dinilai otomatis, 12 poin dinilai instruktur",
}
# How a rubric's first line closes its points: "(3 poin)" where ")" is given, "(3 poin..." else.
RUBRIC_POINTS_CLOSE = {
    "tugas01_orientasi": "",
    "tugas02_spreadsheet": "",
    "tugas04_visualisasi": ")",
    "tugas05_otomasi": "",
    "tugas06_keamanan": ")",
    "tugas07_keputusan": ")",
    "tugas08_aksi_perubahan": ")",
}
# The assignments whose checks below are the same to the letter; the others keep their own,
# stricter or differently worded, version in their module.
MANUAL_SCORES_ALIKE = [
    "tugas01_orientasi",
    "tugas05_otomasi",
    "tugas06_keamanan",
    "tugas07_keputusan",
    "tugas08_aksi_perubahan",
]
DESIGNED_SCORES_COUNTED = [name for name in ASSIGNMENTS if name != "tugas02_spreadsheet"]
THREE_WRITTEN_VARIANTS_WAIT = [
    "tugas01_orientasi",
    "tugas04_visualisasi",
    "tugas05_otomasi",
    "tugas06_keamanan",
    "tugas08_aksi_perubahan",
]


def short(name: str) -> str:
    return name.split("_", 1)[1]


every_assignment = pytest.mark.parametrize(
    "assignment", list(ASSIGNMENTS), ids=short, indirect=True
)


@pytest.fixture
def assignment(request: pytest.FixtureRequest) -> AssignmentUnderTest:
    return ASSIGNMENTS[request.param]


@pytest.fixture
def graded(
    assignment: AssignmentUnderTest, tmp_path_factory: pytest.TempPathFactory
) -> GradedCourse:
    """The assignment's one graded course of the session (shared with its own module)."""
    return graded_course(assignment.name, tmp_path_factory)


# -- the source notebook and the answer bank (fast) ---------------------------------------------


@every_assignment
def test_points_add_up_as_the_notebook_says(assignment: AssignmentUnderTest):
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in assignment.grade_cells().items():
        by_kind[cell.cell_type] += assignment.points()[grade_id]
    assert by_kind == POINTS[assignment.name]
    assert INTRO[assignment.name] in assignment.source().cells[0].source


@every_assignment
def test_every_written_answer_has_a_visible_rubric_worth_its_points(
    assignment: AssignmentUnderTest,
):
    close = RUBRIC_POINTS_CLOSE[assignment.name]
    cells = assignment.source().cells
    for index, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in assignment.written_cells():
            continue
        nbgrader = cell.metadata.nbgrader
        assert nbgrader.solution and nbgrader.grade and not nbgrader.locked
        rubric = cells[index - 1].source
        assert "| Kriteria | Poin |" in rubric, grade_id
        row_points = [int(p) for p in re.findall(r"^\|.*\| (\d+) \|$", rubric, re.MULTILINE)]
        assert sum(row_points) == nbgrader.points, grade_id
        assert f"({nbgrader.points} poin{close}" in rubric.splitlines()[0], grade_id


@every_assignment
def test_bank_covers_every_answer_cell_with_a_blank_variant_last(assignment: AssignmentUnderTest):
    assert set(assignment.bank.answers) == assignment.solution_cells()
    for grade_id, variants in assignment.bank.answers.items():
        assert list(variants)[-1] == BLANK, grade_id
        assert variants[BLANK].source is None, grade_id


@pytest.mark.parametrize("assignment", MANUAL_SCORES_ALIKE, ids=short, indirect=True)
def test_manual_scores_follow_the_rubric_best_first(assignment: AssignmentUnderTest):
    raw = yaml.safe_load(assignment.bank_path.read_text(encoding="utf-8"))["answers"]
    points = assignment.points()
    for grade_id in assignment.written_cells():
        variants = raw[grade_id]
        written = [name for name in variants if name != BLANK]
        scores = []
        for name in written:
            spec = variants[name]
            assert spec["manual"] is True and spec.get("source"), (grade_id, name)
            assert set(spec["manual_score"]) == {grade_id}, (grade_id, name)
            score = spec["manual_score"][grade_id]
            assert 0 <= score <= points[grade_id] and float(score).is_integer()
            scores.append(score)
        assert scores[0] == points[grade_id], "the best written answer earns every point"
        assert scores == sorted(scores, reverse=True), "variants are ordered best first"
        assert variants[BLANK]["expected"] == {grade_id: 0}


# -- graded by real nbgrader (slow) ---------------------------------------------------------------


@pytest.mark.slow
@every_assignment
def test_source_notebook_passes_its_own_tests(assignment: AssignmentUnderTest, tmp_path):
    out = Course(tmp_path).nbgrader("validate", str(assignment.source_path))
    assert "Success! Your notebook passes all the tests." in out


@pytest.mark.slow
@every_assignment
def test_source_solutions_get_every_autograded_point_and_await_the_instructor(
    assignment: AssignmentUnderTest, graded: GradedCourse
):
    key = by_student(graded.grades, KEY)
    for grade_id, maximum in assignment.points().items():
        if grade_id in assignment.written_cells():
            assert bool(key.at[grade_id, "needs_manual_grade"]), grade_id
        else:
            assert key.at[grade_id, "score"] == maximum, grade_id
            assert not key.at[grade_id, "needs_manual_grade"], grade_id


@pytest.mark.slow
@every_assignment
def test_blank_release_scores_zero_and_needs_no_manual_grading(
    assignment: AssignmentUnderTest, graded: GradedCourse
):
    course, name, notebook = graded.course, assignment.name, assignment.source_path.name
    release = nbformat.read(course.release_dir / name / notebook, as_version=4)
    submitted = course.submitted_dir / BLANK / name / notebook
    assert nbformat.read(submitted, as_version=4).cells == release.cells
    blank = by_student(graded.grades, BLANK)
    assert set(blank.index) == set(assignment.points())
    assert (blank["score"] == 0).all()
    assert not blank["needs_manual_grade"].any()


@pytest.mark.slow
@every_assignment
def test_release_holds_no_solution_no_hidden_test_and_keeps_the_rubrics(
    assignment: AssignmentUnderTest, graded: GradedCourse
):
    """Each module checks in its own file that none of its model answers was released."""
    text = release_text(assignment, graded.course)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "seed=7" not in text  # the hidden tests' data
    answers = released_answer_cells(text)
    assert len(answers) == len(assignment.bank.answers)
    assert all("TULIS JAWABAN ANDA DI SINI" in cell.source for cell in answers)
    assert "| Kriteria | Poin |" in text  # the rubrics stay visible


@pytest.mark.slow
@pytest.mark.parametrize("assignment", DESIGNED_SCORES_COUNTED, ids=short, indirect=True)
def test_every_designed_answer_gets_exactly_its_designed_score(
    assignment: AssignmentUnderTest, graded: GradedCourse
):
    checked = assert_designed_scores(assignment, graded)
    # every autograded variant and every blank written answer was checked at least once
    assert checked >= sum(len(variants) for variants in assignment.bank.answers.values())


@pytest.mark.slow
@pytest.mark.parametrize("assignment", THREE_WRITTEN_VARIANTS_WAIT, ids=short, indirect=True)
def test_written_answers_wait_for_manual_grading(
    assignment: AssignmentUnderTest, graded: GradedCourse
):
    waiting = assert_written_answers_wait(assignment, graded)
    assert len(waiting) >= 3 * len(assignment.written_cells())  # lengkap, sedang and lemah/singkat
