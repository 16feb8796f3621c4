"""The office-automation assignment on real parts: its source, its answer bank, and the designed
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

ASSIGNMENT = "tugas05_otomasi"
ASSESSMENTS = project_root() / "assessments"
SOURCE = ASSESSMENTS / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
BANK_PATH = ASSESSMENTS / "simulation" / f"{ASSIGNMENT}.yml"
BANK = load_answer_bank(BANK_PATH)
MODULE = project_root() / "courses" / "05_otomasi" / "module.yml"
STAMP = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "kunci"  # submits the instructor's source notebook, solutions and model answer included
BLANK = "kosong"  # submits the release untouched
# Autograded parts: solution cell -> (visible test, hidden test).
PARTS = {
    "jawaban_buat_surat": ("test_buat_surat", "test_buat_surat_tersembunyi"),
    "jawaban_tulis_semua_surat": ("test_tulis_semua_surat", "test_tulis_semua_surat_tersembunyi"),
    "jawaban_buat_rekap": ("test_buat_rekap", "test_buat_rekap_tersembunyi"),
}


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


# -- the source notebook and the answer bank (fast) -----------------------------------------------


def test_points_add_up_as_the_notebook_says():
    by_kind = {"code": 0.0, "markdown": 0.0}
    for grade_id, cell in grade_cells().items():
        by_kind[cell.cell_type] += points()[grade_id]
    assert by_kind == {"code": 12.0, "markdown": 4.0}
    intro = source().cells[0].source
    assert "16 poin (12 poin dinilai otomatis, 4 poin dinilai instruktur)" in intro


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


def test_written_answer_has_a_visible_rubric_worth_its_points():
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
        assert f"({nbgrader.points} poin" in rubric.splitlines()[0], grade_id


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


# -- graded by real nbgrader (slow) ---------------------------------------------------------------


def designed_plans(bank: AnswerBank) -> dict[str, dict[str, str]]:
    """One learner per covering plan (every variant used at least once) and one all-blank."""
    plans = {f"varian{i}": plan for i, plan in enumerate(bank.covering_plans())}
    plans[BLANK] = {grade_id: BLANK for grade_id in bank.answers}
    return plans


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """A temporary course with the designed submissions and the key, autograded in one run."""
    root = tmp_path_factory.mktemp("course05")
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
    assert "BULAN_ROMAWI[s.month]" not in text  # the model solution of part A
    assert "berkas.write_text(buat_surat(baris)" not in text  # ... of part B
    assert "=SUM(B2:B{akhir})" not in text  # ... of part C
    assert "menyiapkan ruang pelayanan" not in text  # the model answer of part D
    release = nbformat.reads(text, as_version=4)
    answers = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == len(PARTS) + len(written_cells())
    assert all("TULIS JAWABAN ANDA DI SINI" in cell.source for cell in answers)
    assert "| Kriteria | Poin |" in text  # the rubric stays visible
    assert "TEMPLAT_UNDANGAN = Template(" in text  # and so does the letter template


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
    assert waiting >= 3 * len(written_cells())  # lengkap, sedang and lemah
