"""The dashboard's charts and trends agree with the report they are drawn from."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from kit.apps.dashboard import ManagerDashboard, manager_dashboard
from kit.apps.dashboard_charts import jp_trend_chart, level_chart
from kit.competency.rewards import load_rules
from kit.core.dates import MONTHS
from kit.core.organisation import unit_names
from kit.course.nbgrader_course import Course
from kit.people.roster import read_roster
from kit.reports.report import build_report
from kit.reports.trends import monthly_jp, monthly_scores

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(demo_course):
    return build_report(Course(demo_course.root))


@pytest.fixture
def camat_board(demo_course, monkeypatch) -> ManagerDashboard:
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    camat = next(e for e in read_roster(demo_course.roster_path) if e.jabatan == "Camat")
    board = manager_dashboard(viewer_name=camat.username)
    assert isinstance(board, ManagerDashboard)
    return board


def test_monthly_jp_ends_at_each_units_jp_total(report):
    learners = report.learners[["username", "unit"]]
    trend = monthly_jp(report, learners)
    last = trend[trend["month"] == trend["month"].max()].set_index("unit")
    totals = report.jp_per_learner.merge(learners, on="username", suffixes=("_year", ""))
    for unit, part in totals.groupby("unit"):
        assert last.at[unit, "jp_per_learner"] == pytest.approx(part["jp_total"].mean())
        assert last.at[unit, "met_share"] == pytest.approx(part["met"].mean())
    # Cumulative: never decreasing, month by month.
    for _unit, part in trend.groupby("unit"):
        assert part["jp_per_learner"].is_monotonic_increasing
        assert part["month"].tolist() == list(range(1, len(part) + 1))


def test_monthly_jp_of_nobody_is_empty(report):
    assert monthly_jp(report, report.learners.iloc[0:0][["username", "unit"]]).empty


def test_monthly_scores_count_graded_cells_only():
    learners = pd.DataFrame({"username": ["a", "b", "c"], "unit": ["KEC", "KEC", "TJN"]})
    scores = pd.DataFrame(
        {
            "username": ["a", "b", "c", "a"],
            "assignment": ["t1", "t1", "t1", "t2"],
            "graded_score": [3.0, 1.0, 2.0, 0.0],
            "graded_max": [4.0, 4.0, 4.0, 0.0],  # a's t2 awaits manual grading entirely
            "timestamp": pd.to_datetime(["2026-10-03", "2026-11-20", "2026-11-02", "2026-11-05"]),
        }
    )
    trend = monthly_scores(scores, learners).set_index(["unit", "month"])
    assert trend.loc[("KEC", pd.Timestamp("2026-10-01")), "mean_score"] == 75.0
    assert trend.loc[("KEC", pd.Timestamp("2026-11-01")), "mean_score"] == 25.0
    assert trend.loc[("KEC", pd.Timestamp("2026-11-01")), "submissions"] == 1
    assert trend.loc[("TJN", pd.Timestamp("2026-11-01")), "mean_score"] == 50.0
    assert len(trend) == 3


def test_level_chart_counts_every_person_once_per_competency(report):
    figure = level_chart(report.competencies)
    people = report.competencies["username"].nunique()
    totals = pd.DataFrame([trace.x for trace in figure.data]).sum()
    assert (totals == people).all()
    names = list(figure.data[0].y)
    assert sorted(names) == sorted(report.competencies["competency_name"].unique())
    no_evidence = dict(zip(figure.data[0].y, figure.data[0].x, strict=True))
    expected = report.competencies[report.competencies["mastery"].isna()].groupby("competency_name")
    for name, part in expected:
        assert no_evidence[name] == len(part)


def test_jp_trend_chart_has_a_line_per_unit_and_the_target(report):
    trend = monthly_jp(report, report.learners[["username", "unit"]])
    figure = jp_trend_chart(trend, 20.0)
    assert {t.name for t in figure.data} == {unit_names()[u] for u in trend["unit"].unique()}
    assert list(figure.data[0].x)[0] == MONTHS[0]
    assert figure.layout.shapes[0].y0 == 20.0
    assert figure.layout.separators == ",."


def test_charts_are_drawn_when_their_tab_opens_and_follow_the_unit(camat_board):
    assert camat_board.shown_figures == {} and not camat_board.charts_drawn
    camat_board.show_charts()
    figures = camat_board.shown_figures
    assert set(figures) == {"levels", "jp_trend", "score_trend"}
    everyone = {t.name for t in figures["jp_trend"].data}
    assert unit_names()["PPS"] in everyone and len(everyone) > 1
    camat_board.unit_filter.value = "PPS"
    figures = camat_board.shown_figures
    assert [t.name for t in figures["jp_trend"].data] == [unit_names()["PPS"]]
    assert [t.name for t in figures["score_trend"].data] == [unit_names()["PPS"]]
    pps = camat_board.summary.learners["unit"].eq("PPS").sum()
    assert sum(figures["levels"].data[i].x[0] for i in range(7)) == pps


def test_needs_by_competency_and_by_person_agree_with_the_long_table(camat_board):
    report = camat_board.selected_report()
    long = camat_board.rewards.training_needs(report)
    by_competency = camat_board.rewards.training_needs_by_competency(report)
    by_person = camat_board.rewards.training_needs_by_person(report)
    competency = "Kompetensi"
    counted = long.groupby(competency).size()  # one row per person and competency
    for row in by_competency.itertuples(index=False):
        assert counted[row[0]] == row[1]
    assert by_person["Jumlah kompetensi"].sum() == len(long)
    assert set(by_person["Nama"]) == set(long["Nama"])
    assert by_person["Jumlah kompetensi"].is_monotonic_decreasing


def test_near_candidates_follow_the_rules_gap(camat_board, monkeypatch):
    rules = load_rules()
    lowest = min(t.min_score for t in rules.tiers)
    report = camat_board.selected_report()
    _eligible, near = camat_board.rewards.reward_candidates(report)
    assert (near["score"] >= lowest - rules.near_candidate_gap).all()
    assert not near["eligible"].any()
    wide = dataclasses.replace(rules, near_candidate_gap=100.0)
    monkeypatch.setattr(camat_board.rewards, "rules", wide)
    _eligible, everyone = camat_board.rewards.reward_candidates(report)
    standing = camat_board.report.standing
    assert len(everyone) == int((~standing["eligible"]).sum())
