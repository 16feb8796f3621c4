"""The charts-and-widgets assignment on real parts: its source, its answer bank, and designed
submissions graded by one real ``nbgrader autograde`` run."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil

import nbformat
import pandas as pd
import pytest
import yaml

from kit.cohort import AnswerBank, load_answer_bank, write_submission
from kit.competency import CompetencyFramework, cell_competency_map
from kit.course import Course
from kit.gradebook import read_grades
from kit.project import project_root

ASSIGNMENT = "tugas04_visualisasi"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
MODULE = project_root() / "courses" / "04_visualisasi" / "module.yml"
STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answer included
BLANK = "kosong"  # submits the release untouched


def source() -> nbformat.NotebookNode:
    return nbformat.read(SOURCE, as_version=4)


def grade_cells() -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata.nbgrader.grade_id: cell
        for cell in source().cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def points() -> dict[str, float]:
    return {grade_id: float(c.metadata.nbgrader.points) for grade_id, c in grade_cells().items()}


def written_cells() -> list[str]:
    """Grade cells answered in prose and graded by hand (markdown with grade and solution)."""
    return [grade_id for grade_id, c in grade_cells().items() if c.cell_type == "markdown"]


def graded_test_cells() -> dict[str, nbformat.NotebookNode]:
    return {g: c for g, c in grade_cells().items() if c.cell_type == "code"}


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 14.0, "markdown": 3.0}
    assert (
        "17 poin (14 poin dinilai otomatis, 3 poin dinilai instruktur)" in source().cells[0].source
    )


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


def test_every_written_answer_has_a_visible_rubric_worth_its_points():
    nb = source()
    for index, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in written_cells():
            continue
        nbgrader = cell.metadata.nbgrader
        assert nbgrader.solution and nbgrader.grade and not nbgrader.locked
        rubric = nb.cells[index - 1].source
        assert "| Kriteria | Poin |" in rubric, grade_id
        row_points = [int(p) for p in re.findall(r"^\|.*\| (\d+) \|$", rubric, re.MULTILINE)]
        assert sum(row_points) == nbgrader.points, grade_id
        assert f"({nbgrader.points} poin)" in rubric.splitlines()[0], grade_id
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


def test_bank_covers_every_answer_cell_with_a_blank_variant_last():
    solutions = {
        cell.metadata.nbgrader.grade_id
        for cell in source().cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert set(BANK.answers) == solutions
    for grade_id, variants in BANK.answers.items():
        assert list(variants)[-1] == BLANK
        assert variants[BLANK].source is None
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


def designed_plans(bank: AnswerBank) -> dict[str, dict[str, str]]:
    """One learner per covering plan (every variant used at least once) and one all-blank."""
    plans = {f"varian{i}": plan for i, plan in enumerate(bank.covering_plans())}
    plans[BLANK] = {grade_id: BLANK for grade_id in bank.answers}
    return plans


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """A temporary course with the designed submissions and the key, autograded in one run."""
    root = tmp_path_factory.mktemp("course04")
    (root / "source").mkdir()
    shutil.copytree(ASSESSMENTS / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(ASSESSMENTS / "nbgrader_config.py", root / "nbgrader_config.py")
    course = Course(root)
    course.generate_assignment(ASSIGNMENT)
    plans = designed_plans(BANK)
    for student, plan in plans.items():
        write_submission(course, BANK, student, plan, STAMP)
    key = course.submitted_dir / KEY / ASSIGNMENT
    key.mkdir(parents=True)
    shutil.copy(SOURCE, key / SOURCE.name)
    (key / "timestamp.txt").write_text(STAMP.strftime("%Y-%m-%d %H:%M:%S.%f%z"))
    course.autograde(ASSIGNMENT)
    grades = read_grades(course.gradebook_path)
    return course, plans, grades[grades["assignment"] == ASSIGNMENT]


def by_student(grades: pd.DataFrame, student: str) -> pd.DataFrame:
    return grades[grades["student_id"] == student].set_index("grade_id")


@pytest.mark.slow
def test_source_notebook_passes_its_own_tests(tmp_path):
    out = Course(tmp_path).nbgrader("validate", str(SOURCE))
    assert "Success! Your notebook passes all the tests." in out


@pytest.mark.slow
def test_release_holds_no_solution_no_hidden_test_and_no_model_answer(graded):
    course, _, _ = graded
    text = (course.release_dir / ASSIGNMENT / SOURCE.name).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "seed=7" not in text  # the hidden tests' data
    assert "value_counts().sort_index()" not in text  # the model solution of Bagian A
    assert "widgets.interact(laporan" not in text  # the model solution of Bagian E
    assert "Tanah Enam Ratus masih menahan" not in text  # the model answer of Bagian F
    release = nbformat.reads(text, as_version=4)
    answers = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == len(BANK.answers)
    assert all("TULIS JAWABAN ANDA DI SINI" in cell.source for cell in answers)
    assert "| Kriteria | Poin |" in text  # the rubric stays visible


@pytest.mark.slow
def test_source_solutions_get_every_autograded_point_and_await_the_instructor(graded):
    _, _, grades = graded
    key = by_student(grades, KEY)
    for grade_id, maximum in points().items():
        if grade_id in written_cells():
            assert bool(key.at[grade_id, "needs_manual_grade"]), grade_id
        else:
            assert key.at[grade_id, "score"] == maximum, grade_id
            assert not key.at[grade_id, "needs_manual_grade"], grade_id


@pytest.mark.slow
def test_blank_release_scores_zero_and_needs_no_manual_grading(graded):
    course, _, grades = graded
    release = nbformat.read(course.release_dir / ASSIGNMENT / SOURCE.name, as_version=4)
    submitted = course.submitted_dir / BLANK / ASSIGNMENT / SOURCE.name
    assert nbformat.read(submitted, as_version=4).cells == release.cells
    blank = by_student(grades, BLANK)
    assert set(blank.index) == set(points())
    assert (blank["score"] == 0).all()
    assert not blank["needs_manual_grade"].any()


@pytest.mark.slow
def test_every_designed_answer_gets_exactly_its_designed_score(graded):
    _, plans, grades = graded
    checked = 0
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, expected in BANK.expected_scores(plan).items():
            assert scores.at[grade_id, "score"] == expected, (student, grade_id, plan)
            assert not scores.at[grade_id, "needs_manual_grade"], (student, grade_id)
            checked += 1
    assert checked >= sum(len(variants) for variants in BANK.answers.values())


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


@pytest.mark.slow
def test_written_answers_wait_for_manual_grading(graded):
    _, plans, grades = graded
    waiting = 0
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, variant in plan.items():
            if BANK.answers[grade_id][variant].manual:
                assert bool(scores.at[grade_id, "needs_manual_grade"]), (student, grade_id)
                waiting += 1
    assert waiting >= 3 * len(written_cells())  # lengkap, sedang and lemah
