"""The change-project assignment on real parts: its source, its answer bank, and a handful of
designed submissions graded by one real ``nbgrader autograde`` run."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import nbformat
import pandas as pd
import pytest
import yaml

from kit.cohort import AnswerBank, load_answer_bank, write_submission
from kit.competency import CompetencyFramework, cell_competency_map, mastery_by_learner
from kit.course import Course
from kit.gradebook import read_grades
from kit.project import project_root

ASSIGNMENT = "tugas08_aksi_perubahan"
IMPLEMENTATION = "INOVASI.IMPLEMENTASI"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answers included
BLANK = "kosong"  # submits the release untouched


def grade_cells() -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(SOURCE, as_version=4)
    return {
        cell.metadata.nbgrader.grade_id: cell
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def points() -> dict[str, float]:
    return {grade_id: float(c.metadata.nbgrader.points) for grade_id, c in grade_cells().items()}


def written_cells() -> list[str]:
    """Grade cells answered in prose and graded by hand (markdown with grade and solution)."""
    return [grade_id for grade_id, c in grade_cells().items() if c.cell_type == "markdown"]


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 3.0, "markdown": 12.0}
    intro = nbformat.read(SOURCE, as_version=4).cells[0].source
    assert "15 poin (3 poin dinilai otomatis, 12 poin dinilai instruktur" in intro


def test_every_written_answer_has_a_visible_rubric_worth_its_points():
    nb = nbformat.read(SOURCE, as_version=4)
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


def test_every_grade_cell_is_tagged_and_implementation_is_written_evidence():
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    ours = cell_map[cell_map["assignment"] == ASSIGNMENT]
    assert set(ours["grade_id"]) == set(grade_cells())
    implementation = set(ours.loc[ours["competency"] == IMPLEMENTATION, "grade_id"])
    # The rubric cells, and only they: an autograded cell would give an implementation share
    # before the instructor has read the project.
    assert implementation == set(written_cells())
    assert {"solusi_teknologi", "bukti_penggunaan"} <= implementation


def test_module_declares_the_competencies_its_assignment_evidences():
    module = yaml.safe_load(
        (project_root() / "courses" / "08_aksi_perubahan" / "module.yml").read_text("utf-8")
    )
    assert module["assignment"] == ASSIGNMENT
    cell_map = cell_competency_map(ASSESSMENTS / "source", CompetencyFramework.load())
    tagged = set(cell_map.loc[cell_map["assignment"] == ASSIGNMENT, "competency"])
    assert set(module["competencies"]) == tagged


def test_bank_covers_every_answer_cell_with_a_blank_variant_last():
    nb = nbformat.read(SOURCE, as_version=4)
    solutions = {
        cell.metadata.nbgrader.grade_id
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert set(BANK.answers) == solutions
    for variants in BANK.answers.values():
        assert list(variants)[-1] == BLANK
        assert variants[BLANK].source is None


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
    root = tmp_path_factory.mktemp("course08")
    shutil.copytree(ASSESSMENTS / "source", root / "source")
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
    assert "hari[~sesudah].median()" not in text  # the model solution
    assert "45,2%" not in text  # the model answers of the written parts
    release = nbformat.reads(text, as_version=4)
    answers = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == 1 + len(written_cells())
    assert all("TULIS JAWABAN ANDA DI SINI" in cell.source for cell in answers)
    assert "| Kriteria | Poin |" in text  # the rubrics stay visible


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
    # every autograded variant and every blank written answer was checked at least once
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
    assert waiting >= 3 * len(written_cells())  # lengkap, sedang and lemah of every part


@pytest.mark.slow
def test_instructor_scores_become_the_implementation_share(graded, tmp_path):
    """Rubric scores recorded as formgrader records them feed INOVASI.IMPLEMENTASI mastery."""
    from kit.cohort import simulate_manual_grading

    course, plans, _ = graded
    copy = Course(tmp_path / "course")
    shutil.copytree(course.root, copy.root)  # the shared graded course stays ungraded by hand
    simulate_manual_grading(copy, BANK, plans)
    grades = read_grades(copy.gradebook_path)
    cell_map = cell_competency_map(copy.source_dir, CompetencyFramework.load())
    learners = pd.DataFrame({"username": [*plans, KEY], "unit": "KEC"})
    mastery = mastery_by_learner(grades, cell_map, learners).set_index(["username", "competency"])
    weights = cell_map[cell_map["competency"] == IMPLEMENTATION].set_index("grade_id")["weight"]
    for student, plan in plans.items():
        earned = sum(
            weights[grade_id]
            * BANK.answers[grade_id][plan[grade_id]].manual_score.get(
                grade_id, BANK.answers[grade_id][plan[grade_id]].expected.get(grade_id, 0.0)
            )
            for grade_id in weights.index
        )
        possible = sum(weights[grade_id] * points()[grade_id] for grade_id in weights.index)
        assert mastery.at[(student, IMPLEMENTATION), "mastery"] == pytest.approx(
            earned / possible
        ), student
        assert mastery.at[(student, IMPLEMENTATION), "pending_cells"] == 0, student
    assert mastery.at[("varian0", IMPLEMENTATION), "mastery"] == 1.0  # every part "lengkap"
    assert mastery.at[(BLANK, IMPLEMENTATION), "mastery"] == 0.0
    # the key's model answers were not graded by hand: no implementation evidence yet
    assert pd.isna(mastery.at[(KEY, IMPLEMENTATION), "mastery"])
