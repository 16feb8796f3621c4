"""End to end on real parts: generate -> simulated submissions -> nbgrader autograde -> summary."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from kit.competency.summary import load_summary, person_table, unit_table
from kit.core.project import project_root
from kit.course.nbgrader_course import Course
from kit.datasets import load
from kit.demo.cohort import load_answer_bank
from kit.demo.workspace import DEMO_ASSIGNMENT
from kit.grading.gradebook import read_grades

pytestmark = pytest.mark.slow
BANK = load_answer_bank(project_root() / "assessments" / "simulation" / f"{DEMO_ASSIGNMENT}.yml")


def test_source_notebook_passes_its_own_tests(tmp_path):
    course = Course(tmp_path)
    source = project_root() / "assessments" / "source" / DEMO_ASSIGNMENT
    out = course.nbgrader("validate", str(source / f"{DEMO_ASSIGNMENT}.ipynb"))
    assert "Success! Your notebook passes all the tests." in out


def _demo_grades(course):
    grades = read_grades(course.gradebook_path)
    return grades[grades["assignment"] == DEMO_ASSIGNMENT]


def test_every_designed_answer_gets_exactly_its_designed_score(graded_course):
    course, plans = graded_course
    grades = _demo_grades(course).set_index(["student_id", "grade_id"])
    checked = 0
    for student, plan in plans.items():
        designed = BANK.expected_scores(plan)
        for grade_id, variant in plan.items():
            designed.update(BANK.answers[grade_id][variant].manual_score)
        for grade_id, points in designed.items():
            assert grades.at[(student, grade_id), "score"] == points, (student, grade_id, plan)
            checked += 1
    assert checked >= 20


def test_correct_blank_and_partial_learners(graded_course):
    course, plans = graded_course
    grades = _demo_grades(course)
    auto = grades[grades["cell_type"] == "code"].groupby("student_id")["score"].sum()
    by_kind = {
        "benar": next(s for s, p in plans.items() if set(p.values()) <= {"benar", "lengkap"}),
        "kosong": next(s for s, p in plans.items() if set(p.values()) == {"kosong"}),
    }
    assert auto[by_kind["benar"]] == 7.0  # every autograded point
    assert auto[by_kind["kosong"]] == 0.0
    partial = next(
        s for s, p in plans.items() if p["jawaban_persen_tepat_waktu"] == "hari_kalender"
    )
    assert (
        grades.set_index(["student_id", "grade_id"]).at[
            (partial, "test_persen_tepat_waktu"), "score"
        ]
        == 2.0
    )
    # A written answer is graded by the instructor (simulated through nbgrader's API);
    # a blank one is 0 without manual grading.
    manual = grades[grades["grade_id"] == "rekomendasi_untuk_lurah"].set_index("student_id")
    assert bool(manual.at[by_kind["benar"], "needs_manual_grade"]) is False
    assert manual.at[by_kind["benar"], "manual_score"] == 3.0
    assert bool(manual.at[by_kind["kosong"], "needs_manual_grade"]) is False
    assert manual.at[by_kind["kosong"], "score"] == 0.0
    assert pd.isna(manual.at[by_kind["kosong"], "manual_score"])


def test_blank_release_scores_zero(graded_course):
    course, plans = graded_course
    blank = next(s for s, p in plans.items() if set(p.values()) == {"kosong"})
    notebook = course.release_dir / DEMO_ASSIGNMENT / f"{DEMO_ASSIGNMENT}.ipynb"
    submitted = course.submitted_dir / blank / DEMO_ASSIGNMENT / f"{DEMO_ASSIGNMENT}.ipynb"
    # the blank learner's submission is the release itself, untouched
    assert nbformat.read(submitted, 4).cells == nbformat.read(notebook, 4).cells
    grades = read_grades(course.gradebook_path)
    # blank in every assignment of the demo: nothing earned anywhere
    assert grades.loc[grades["student_id"] == blank, "score"].sum() == 0.0


def test_summary_mastery_follows_the_tags(graded_course):
    course, plans = graded_course
    summary = load_summary(course)
    mastery = summary.per_learner.set_index(["username", "competency"])["mastery"]
    best = next(s for s, p in plans.items() if set(p.values()) <= {"benar", "lengkap"})
    blank = next(s for s, p in plans.items() if set(p.values()) == {"kosong"})
    for code in ("DATA.OLAH", "DATA.ANALISIS", "LAYANAN.PENGADUAN"):
        assert mastery[(best, code)] == 1.0
        assert mastery[(blank, code)] == 0.0
    # the best learner's recommendation got the full rubric score from the instructor
    assert mastery[(best, "KOMUNIKASI.REKOMENDASI")] == 1.0
    # DATA.OLAH is evidenced by tugas03 only: two 1-point cells of weight 1, as designed
    for learner, plan in plans.items():
        designed = BANK.expected_scores(plan)
        visible = designed["test_jumlah_per_kelurahan"]
        hidden = designed["test_jumlah_per_kelurahan_tersembunyi"]
        assert mastery[(learner, "DATA.OLAH")] == pytest.approx((visible + hidden) / 2), learner

    units = unit_table(summary)
    assert units["Peserta"].sum() == len(summary.learners)
    people = person_table(summary, unit="LBD")
    roster = load("peserta_demo")
    lbd_names = set(roster.loc[roster["unit"] == "LBD", "nama"]) & set(summary.learners["nama"])
    assert set(people["Nama"]) == lbd_names
    assert all("*" in nip for nip in people["NIP"])


def test_release_holds_no_solution_and_no_hidden_test(graded_course):
    course, _ = graded_course
    release = course.release_dir / DEMO_ASSIGNMENT / f"{DEMO_ASSIGNMENT}.ipynb"
    text = release.read_text(encoding="utf-8")
    source = nbformat.read(course.source_dir / DEMO_ASSIGNMENT / f"{DEMO_ASSIGNMENT}.ipynb", 4)
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert 'load(\\"pengaduan\\", seed=7)' not in text  # the hidden tests' data
    assert "working_days_between(diteruskan" not in text  # the model solution
    assert "working_days_between(diteruskan" in "".join(c.source for c in source.cells)
    assert "TULIS JAWABAN ANDA DI SINI" in text
