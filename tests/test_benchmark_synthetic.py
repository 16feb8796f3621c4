"""The benchmark's synthetic gradebook is valid nbgrader data: nbgrader scores it like the kit."""

from __future__ import annotations

import sqlite3

import pytest

from kit.core.project import project_root
from kit.grading.gradebook import read_grades

LEARNERS = 20
ASSIGNMENTS = 2


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    # benchmarks/ sits beside kit/ in the checkout but is not part of the installed package.
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(project_root()))
        from benchmarks.synthetic import build_course

        return build_course(tmp_path_factory.mktemp("bench") / "kecil", LEARNERS, ASSIGNMENTS)


def test_nbgrader_scores_equal_the_kit_totals(synthetic):
    from nbgrader.api import Gradebook, MissingEntry

    course = synthetic.course
    totals = (
        read_grades(course.gradebook_path)
        .groupby(["student_id", "assignment"])[["score", "max_score"]]
        .sum()
    )
    compared = 0
    with Gradebook(course.gradebook_url, course_id="marelan_sintetis") as gradebook:
        assert len(gradebook.students) == LEARNERS
        for assignment in gradebook.assignments:
            for student in gradebook.students:
                key = (student.id, assignment.name)
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    assert key not in totals.index
                    continue
                assert submission.score == pytest.approx(totals.at[key, "score"], abs=1e-9)
                assert submission.max_score == totals.at[key, "max_score"]
                assert submission.late_submission_penalty == 0.0
                compared += 1
    assert compared == len(totals) > 0


def test_rows_are_shaped_as_nbgrader_leaves_them(synthetic):
    connection = sqlite3.connect(synthetic.course.gradebook_path)
    try:

        def one(sql: str) -> object:
            return connection.execute(sql).fetchone()[0]

        submissions = one("SELECT count(*) FROM submitted_assignment")
        grade_cells = one("SELECT count(*) FROM grade_cells")
        solution_cells = one("SELECT count(*) FROM solution_cells")
        # one notebook per assignment: one grade per grade cell, one comment per solution cell
        assert one("SELECT count(*) FROM grade") == submissions * grade_cells / ASSIGNMENTS
        assert one("SELECT count(*) FROM comment") == submissions * solution_cells / ASSIGNMENTS
        assert one("SELECT count(*) FROM grade WHERE needs_manual_grade = 1") > 0
        assert one("SELECT count(*) FROM grade WHERE manual_score IS NOT NULL") > 0
        # a manually graded written answer is both a grade cell and a solution cell
        assert one("SELECT count(*) FROM base_cell WHERE name = 'uraian'") == 2 * ASSIGNMENTS
        stamp = one("SELECT timestamp FROM submitted_assignment LIMIT 1")
        assert len(stamp) == len("2026-01-31 23:59:59.000000")
        version = one("SELECT version_num FROM alembic_version")
        assert version  # created by nbgrader's own migrations
    finally:
        connection.close()


def test_the_kit_reports_on_the_synthetic_course(synthetic):
    from kit.reports.report import build_report

    report = build_report(synthetic.course, year=synthetic.year, courses_dir=synthetic.courses_dir)
    assert len(report.learners) == LEARNERS
    assert report.competencies["mastery"].notna().any()
    assert report.jp_per_learner["jp_modules"].gt(0).any()
