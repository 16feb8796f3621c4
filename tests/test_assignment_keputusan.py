"""The decisions assignment on real parts: its source, its answer bank, and designed submissions
graded by one real ``nbgrader autograde`` run."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from kit.cohort import AnswerBank, load_answer_bank, write_submission
from kit.competency import CompetencyFramework, cell_competency_map
from kit.course import Course
from kit.gradebook import read_grades
from kit.project import project_root

ASSIGNMENT = "tugas07_keputusan"
MODULE = project_root() / "courses" / "07_keputusan" / "module.yml"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answer included
BLANK = "kosong"  # submits the release untouched
HIDDEN_SEED = "seed=7"


def source_notebook() -> nbformat.NotebookNode:
    return nbformat.read(SOURCE, as_version=4)


def grade_cells() -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata.nbgrader.grade_id: cell
        for cell in source_notebook().cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def points() -> dict[str, float]:
    return {grade_id: float(c.metadata.nbgrader.points) for grade_id, c in grade_cells().items()}


def written_cells() -> list[str]:
    """Grade cells answered in prose and graded by hand (markdown with grade and solution)."""
    return [grade_id for grade_id, c in grade_cells().items() if c.cell_type == "markdown"]


def autograded_cells() -> dict[str, nbformat.NotebookNode]:
    return {g: c for g, c in grade_cells().items() if c.cell_type == "code"}


def only_this_assignment(folder: Path) -> Path:
    """A source folder holding this assignment alone (other modules are checked by their tests)."""
    shutil.copytree(SOURCE.parent, folder / "source" / ASSIGNMENT)
    return folder / "source"


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 11.0, "markdown": 4.0}
    intro = source_notebook().cells[0].source
    assert "15 poin (11 poin dinilai otomatis, 4 poin dinilai instruktur)" in intro


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


def test_the_written_answer_has_a_visible_rubric_worth_its_points():
    nb = source_notebook()
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


def test_bank_covers_every_answer_cell_with_a_blank_variant_last():
    solutions = {
        cell.metadata.nbgrader.grade_id
        for cell in source_notebook().cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert set(BANK.answers) == solutions
    for grade_id, variants in BANK.answers.items():
        names = list(variants)
        assert names[-1] == BLANK and variants[BLANK].source is None, grade_id
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


# -- graded by real nbgrader (slow) ----------------------------------------------------------


def designed_plans(bank: AnswerBank) -> dict[str, dict[str, str]]:
    """One learner per covering plan (every variant used at least once) and one all-blank."""
    plans = {f"varian{i}": plan for i, plan in enumerate(bank.covering_plans())}
    plans[BLANK] = {grade_id: BLANK for grade_id in bank.answers}
    return plans


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """A temporary course with the designed submissions and the key, autograded in one run."""
    root = tmp_path_factory.mktemp("course07")
    only_this_assignment(root)
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
    assert "(persen < 50) | (realisasi > df" not in text  # a model solution
    assert "NOTA DINAS" not in text  # the model memo
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
    written_variants = sum(1 for g in written_cells() for v in BANK.answers[g].values() if v.manual)
    assert waiting >= written_variants
