"""The security assignment on real parts: its source, its answer bank, and the designed
submissions graded by one real ``nbgrader autograde`` run."""

from __future__ import annotations

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

ASSIGNMENT = "tugas06_keamanan"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answers included
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


def hidden_test_cells() -> list[str]:
    return [
        grade_id
        for grade_id, c in grade_cells().items()
        if c.cell_type == "code" and "### BEGIN HIDDEN TESTS" in c.source
    ]


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 15.0, "markdown": 5.0}
    intro = source().cells[0].source
    assert "20 poin (15 poin dinilai otomatis, 5 poin dinilai instruktur)" in intro


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
    assert "3 x 24 jam" in "\n".join(c.source for c in nb.cells)


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


def test_bank_covers_every_answer_cell_with_a_blank_variant_last():
    solutions = {
        cell.metadata.nbgrader.grade_id
        for cell in source().cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert set(BANK.answers) == solutions
    for variants in BANK.answers.values():
        assert list(variants)[-1] == BLANK
        assert variants[BLANK].source is None
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
    root = tmp_path_factory.mktemp("course06")
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
    assert "seed=7" not in text and "default_rng(7)" not in text  # the hidden tests' data
    assert "math.log2(kumpulan)" not in text  # the model solutions
    assert "Kamis, 5 November 2026 pukul 16.00 (3 x 24 jam)" not in text  # a model answer
    release = nbformat.reads(text, as_version=4)
    answers = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == 6 + len(written_cells())
    assert all("TULIS JAWABAN ANDA DI SINI" in cell.source for cell in answers)
    assert text.count("| Kriteria | Poin |") == len(written_cells())  # rubrics stay visible


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
    assert waiting >= 3 * len(written_cells())  # lengkap, sedang and lemah of every part
