"""The orientation assignment on real parts: its source, its answer bank, and every designed
submission graded by one real ``nbgrader autograde`` run."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter

import nbformat
import pandas as pd
import pytest
import yaml

from kit.cohort import AnswerBank, load_answer_bank, write_submission
from kit.competency import CompetencyFramework, cell_competency_map
from kit.course import Course
from kit.datasets import load
from kit.gradebook import read_grades
from kit.project import project_root

ASSIGNMENT = "tugas01_orientasi"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answer included
BLANK = "kosong"  # submits the release untouched
HIDDEN_SEED = "seed=7"
# Variants that are right (in different ways); every other variant must lose points somewhere.
RIGHT_VARIANTS = {"benar", "lima_kelurahan_dengan_nol"}


def notebook() -> nbformat.NotebookNode:
    return nbformat.read(SOURCE, as_version=4)


def grade_cells() -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata.nbgrader.grade_id: cell
        for cell in notebook().cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def points() -> dict[str, float]:
    return {grade_id: float(c.metadata.nbgrader.points) for grade_id, c in grade_cells().items()}


def written_cells() -> list[str]:
    """Grade cells answered in prose and graded by hand (markdown with grade and solution)."""
    return [grade_id for grade_id, c in grade_cells().items() if c.cell_type == "markdown"]


def autograded_cells() -> dict[str, nbformat.NotebookNode]:
    return {g: c for g, c in grade_cells().items() if c.cell_type == "code"}


# -- the source notebook (fast) -----------------------------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 10.0, "markdown": 3.0}
    intro = notebook().cells[0].source
    assert "13 poin (10 poin dinilai otomatis, 3 poin dinilai instruktur)" in intro


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


def test_every_written_answer_has_a_visible_rubric_worth_its_points():
    cells = notebook().cells
    for index, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in written_cells():
            continue
        grading = cell.metadata.nbgrader
        assert grading.solution and grading.grade and not grading.locked
        rubric = cells[index - 1].source
        assert "| Kriteria | Poin |" in rubric, grade_id
        row_points = [int(p) for p in re.findall(r"^\|.*\| (\d+) \|$", rubric, re.MULTILINE)]
        assert sum(row_points) == grading.points, grade_id
        assert f"({grading.points} poin" in rubric.splitlines()[0], grade_id


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


def test_bank_covers_every_answer_cell_with_a_blank_variant_last():
    solutions = {
        cell.metadata.nbgrader.grade_id
        for cell in notebook().cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert set(BANK.answers) == solutions
    graded = set(grade_cells())
    for grade_id, variants in BANK.answers.items():
        assert list(variants)[-1] == BLANK
        assert variants[BLANK].source is None
        assert len(variants) >= 4, grade_id  # best, at least two others, blank
        best = next(iter(variants.values()))
        for variant in variants.values():
            assert set(variant.expected) | set(variant.manual_score) <= graded
        if not best.manual:
            # the best variant earns every point of the tests it is designed for
            assert all(points()[cell] == score for cell, score in best.expected.items())


def test_manual_scores_follow_the_rubric_best_first():
    raw = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))["answers"]
    for grade_id in written_cells():
        variants = raw[grade_id]
        written = [name for name in variants if name != BLANK]
        scores = []
        for name in written:
            spec = variants[name]
            assert spec["manual"] is True and spec.get("source"), (grade_id, name)
            assert set(spec["manual_score"]) == {grade_id}, (grade_id, name)
            score = spec["manual_score"][grade_id]
            assert 0 <= score <= points()[grade_id] and float(score).is_integer()
            scores.append(score)
        assert scores[0] == points()[grade_id], "the best written answer earns every point"
        assert scores == sorted(scores, reverse=True), "variants are ordered best first"
        assert variants[BLANK]["expected"] == {grade_id: 0}


def test_no_wrong_variant_gets_full_marks():
    for grade_id, variants in BANK.answers.items():
        for name, variant in variants.items():
            if variant.manual or not variant.expected:
                continue
            full = all(points()[cell] == score for cell, score in variant.expected.items())
            assert full == (name in RIGHT_VARIANTS), (grade_id, name)


# -- graded by real nbgrader (slow) ----------------------------------------------------------


def designed_plans(bank: AnswerBank) -> dict[str, dict[str, str]]:
    """One learner per covering plan (every variant used at least once) and one all-blank."""
    plans = {f"varian{i}": plan for i, plan in enumerate(bank.covering_plans())}
    plans[BLANK] = {grade_id: BLANK for grade_id in bank.answers}
    return plans


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """A temporary course with the designed submissions and the key, autograded in one run."""
    root = tmp_path_factory.mktemp("course01")
    shutil.copytree(SOURCE.parent, root / "source" / ASSIGNMENT)
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
    assert HIDDEN_SEED not in text  # the hidden tests' data
    assert "sum(daftar_hari_kerja) / len(daftar_hari_kerja)" not in text  # the model solution
    assert "Paya Pasir dari buku register" not in text  # the model written answer
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
def test_written_answers_wait_for_manual_grading(graded):
    _, plans, grades = graded
    waiting = 0
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, variant in plan.items():
            if BANK.answers[grade_id][variant].manual:
                assert bool(scores.at[grade_id, "needs_manual_grade"]), (student, grade_id)
                waiting += 1
    assert waiting >= 3 * len(written_cells())  # lengkap, sedang and singkat
