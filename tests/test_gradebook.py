"""Reading nbgrader's gradebook in one query gives the scores nbgrader itself gives."""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from kit.course.nbgrader_course import put_scripts_on_path
from kit.grading.gradebook import read_grades


@pytest.fixture
def gradebook_path(tmp_path):
    put_scripts_on_path()
    path = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.add_assignment("tugas")
        gb.add_notebook("nb", "tugas")
        gb.add_grade_cell("otomatis", "nb", "tugas", max_score=2, cell_type="code")
        gb.add_grade_cell("manual", "nb", "tugas", max_score=3, cell_type="markdown")
        gb.add_solution_cell("manual", "nb", "tugas")
        for student in ("ani", "budi", "cici"):
            gb.add_student(student)
        gb.add_submission("tugas", "ani")
        gb.add_submission("tugas", "budi")
        auto = gb.find_grade("otomatis", "nb", "tugas", "ani")
        auto.auto_score = 1.5
        manual = gb.find_grade("manual", "nb", "tugas", "ani")
        manual.auto_score = 0.0
        manual.manual_score = 2.0
        manual.extra_credit = 0.5
        manual.needs_manual_grade = False
        budi = gb.find_grade("otomatis", "nb", "tugas", "budi")
        budi.auto_score = 2.0
        gb.db.commit()
        expected = {s: gb.find_submission("tugas", s).score for s in ("ani", "budi")}
    return path, expected


def test_scores_match_nbgrader(gradebook_path):
    path, expected = gradebook_path
    grades = read_grades(path)
    totals = grades.groupby("student_id")["score"].sum().to_dict()
    assert totals == expected == {"ani": 4.0, "budi": 2.0}
    row = grades.set_index(["student_id", "grade_id"]).loc[("ani", "manual")]
    assert row["manual_score"] == 2.0 and row["extra_credit"] == 0.5
    # budi's manual cell was never graded: it counts 0 and still needs grading
    pending = grades.set_index(["student_id", "grade_id"]).loc[("budi", "manual")]
    assert pending["score"] == 0.0 and bool(pending["needs_manual_grade"]) is True
    # cici submitted nothing: no rows at all
    assert "cici" not in set(grades["student_id"])


def test_gradebook_is_opened_read_only(gradebook_path):
    path, _ = gradebook_path
    before = path.read_bytes()
    read_grades(path)
    assert path.read_bytes() == before


def test_missing_gradebook_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="Gradebook tidak ditemukan"):
        read_grades(tmp_path / "tidak-ada.db")
