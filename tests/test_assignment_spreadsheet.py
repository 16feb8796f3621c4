"""The spreadsheet assignment on real parts: its source, its answer bank, and the designed
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

ASSIGNMENT = "tugas02_spreadsheet"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answer included
BLANK = "kosong"  # submits the release untouched


def source_cells() -> list[nbformat.NotebookNode]:
    return nbformat.read(SOURCE, as_version=4).cells


def grade_cells() -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata.nbgrader.grade_id: cell
        for cell in source_cells()
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def points() -> dict[str, float]:
    return {grade_id: float(c.metadata.nbgrader.points) for grade_id, c in grade_cells().items()}


def written_cells() -> list[str]:
    """Grade cells answered in prose and graded by hand (markdown with grade and solution)."""
    return [grade_id for grade_id, c in grade_cells().items() if c.cell_type == "markdown"]


def autograded_cells() -> list[str]:
    return [grade_id for grade_id, c in grade_cells().items() if c.cell_type == "code"]


# -- the source notebook and the answer bank (fast) ---------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 13.0, "markdown": 3.0}
    assert (
        "16 poin (13 poin dinilai otomatis, 3 poin dinilai instruktur)" in source_cells()[0].source
    )


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


def test_the_written_answer_has_a_visible_rubric_worth_its_points():
    cells = source_cells()
    for index, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in written_cells():
            continue
        nbgrader = cell.metadata.nbgrader
        assert nbgrader.solution and nbgrader.grade and not nbgrader.locked
        rubric = cells[index - 1].source
        assert "| Kriteria | Poin |" in rubric, grade_id
        row_points = [int(p) for p in re.findall(r"^\|.*\| (\d+) \|$", rubric, re.MULTILINE)]
        assert sum(row_points) == nbgrader.points, grade_id
        assert f"({nbgrader.points} poin" in rubric.splitlines()[0], grade_id
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


def test_bank_covers_every_answer_cell_with_a_blank_variant_last():
    solutions = {
        cell.metadata.nbgrader.grade_id
        for cell in source_cells()
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert set(BANK.answers) == solutions
    for grade_id, variants in BANK.answers.items():
        assert list(variants)[-1] == BLANK
        assert variants[BLANK].source is None
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


def designed_plans(bank: AnswerBank) -> dict[str, dict[str, str]]:
    """One learner per covering plan (every variant used at least once) and one all-blank."""
    plans = {f"varian{i}": plan for i, plan in enumerate(bank.covering_plans())}
    plans[BLANK] = {grade_id: BLANK for grade_id in bank.answers}
    return plans


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """A temporary course with the designed submissions and the key, autograded in one run."""
    root = tmp_path_factory.mktemp("course02")
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
    assert "seed=7" not in text and "recap_as_typed" not in text  # the hidden tests' data
    assert "skiprows=2" not in text and "Kel. Terjun" not in text  # model solutions
    assert "Data Validation" not in text  # the model written answer
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
    checked = set()
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, expected in BANK.expected_scores(plan).items():
            assert scores.at[grade_id, "score"] == expected, (student, grade_id, plan)
            assert not scores.at[grade_id, "needs_manual_grade"], (student, grade_id)
        checked |= {(grade_id, variant) for grade_id, variant in plan.items()}
    every_variant = {(g, v) for g, variants in BANK.answers.items() for v in variants}
    assert checked == every_variant


@pytest.mark.slow
def test_written_answers_wait_for_manual_grading(graded):
    _, plans, grades = graded
    waiting = set()
    for student, plan in plans.items():
        scores = by_student(grades, student)
        for grade_id, variant in plan.items():
            if BANK.answers[grade_id][variant].manual:
                assert bool(scores.at[grade_id, "needs_manual_grade"]), (student, grade_id)
                waiting.add((grade_id, variant))
    written = {(g, v) for g in written_cells() for v in BANK.answers[g] if v != BLANK}
    assert waiting == written  # lengkap, sedang and lemah
