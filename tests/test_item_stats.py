"""Item statistics and grading runs as pure functions (``kit.grading``), on hand-made grades
and hand-written audit events; nothing here imports a widget."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys

import pandas as pd
import pytest

from kit.core.audit import read_events, record_event
from kit.grading.gradebook import GRADE_COLUMNS
from kit.grading.history import (
    GRADING_STATUSES,
    ISOLATION_MODES,
    grading_history,
    latest_grading_run,
)
from kit.grading.item_stats import (
    EASY_FROM,
    HARD_BELOW,
    WEAK_DISCRIMINATION,
    difficulty_level,
    hardest_items,
    item_statistics,
    needs_attention,
    score_distribution,
    weak_discrimination,
)

# Four learners x three items of "tugas01" (max 2, 1 and 3 points); None: awaiting manual grading.
# q2 is failed by everyone; q3 is graded by hand and budi's answer is not graded yet.
POINTS = {
    "ani": (2, 0, 3),
    "budi": (2, 0, None),
    "citra": (1, 0, 0),
    "dedi": (0, 0, 1),
}
ITEMS = [("q1", 2.0, "autograded answer"), ("q2", 1.0, "autograded test"), ("q3", 3.0, "manual")]


def hand_grades() -> pd.DataFrame:
    rows = []
    for student, points in POINTS.items():
        for (grade_id, max_score, cell_type), score in zip(ITEMS, points, strict=True):
            pending = score is None
            rows.append(
                (student, "tugas01", "tugas01", grade_id, cell_type, max_score,
                 None if pending else float(score), None, None, pending,
                 0.0 if pending else float(score), pd.Timestamp("2026-11-20 10:00"))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)


@pytest.fixture
def stats() -> pd.DataFrame:
    return item_statistics(hand_grades()).set_index("grade_id")


# --- statistics ----------------------------------------------------------------------------------


def test_counts_and_shares(stats):
    assert stats["submissions"].tolist() == [4, 4, 4]
    assert stats["graded"].tolist() == [4, 4, 3]
    assert stats["awaiting_manual"].tolist() == [0, 0, 1]
    # q1: shares 1, 1, 0.5, 0
    assert stats.loc["q1", "mean_share"] == pytest.approx(0.625)
    assert stats.loc["q1", "pass_rate"] == pytest.approx(0.5)
    assert stats.loc["q1", "zero_share"] == pytest.approx(0.25)
    # q2: everyone fails
    assert (stats.loc["q2", "mean_share"], stats.loc["q2", "pass_rate"]) == (0.0, 0.0)
    assert stats.loc["q2", "zero_share"] == 1.0
    # q3: over the three graded answers only (3, 0, 1 of 3); budi's pending answer is not a 0
    assert stats.loc["q3", "mean_share"] == pytest.approx(4 / 9)
    assert stats.loc["q3", "pass_rate"] == pytest.approx(1 / 3)
    assert stats.loc["q3", "zero_share"] == pytest.approx(1 / 3)


def test_discrimination_is_the_corrected_item_total_correlation(stats):
    # q1 against the graded points on q2 + q3: ani 3, budi 0 (q3 pending), citra 0, dedi 1.
    expected_q1 = statistics.correlation([1, 1, 0.5, 0], [3, 0, 0, 1])
    assert stats.loc["q1", "discrimination"] == pytest.approx(expected_q1)
    # q3 over its graded answers: shares 1, 0, 1/3 against q1 + q2 = 2, 1, 0.
    expected_q3 = statistics.correlation([1, 0, 1 / 3], [2, 1, 0])
    assert stats.loc["q3", "discrimination"] == pytest.approx(expected_q3)
    # No variance (everyone fails q2): undefined, not 0.
    assert math.isnan(stats.loc["q2", "discrimination"])


def test_discrimination_needs_three_answers():
    grades = hand_grades()
    two = item_statistics(grades[grades["student_id"].isin(["ani", "citra"])])
    assert two["discrimination"].isna().all()


def test_hardest_items_and_attention(stats):
    frame = stats.reset_index()
    assert hardest_items(frame, 2)["grade_id"].tolist() == ["q2", "q3"]
    hard, pending = needs_attention(frame)
    assert hard["grade_id"].tolist() == ["q2"]
    assert pending["grade_id"].tolist() == ["q3"]
    assert pending["awaiting_manual"].tolist() == [1]


def test_score_distribution_counts_learners_by_graded_total():
    # ani 5/6, budi 2/3 (q3 pending), citra 1/6, dedi 1/6
    bands = score_distribution(hand_grades(), "tugas01")
    assert bands["learners"].sum() == 4
    assert dict(zip(bands["low"], bands["learners"], strict=True)) == {
        0: 0, 10: 2, 20: 0, 30: 0, 40: 0, 50: 0, 60: 1, 70: 0, 80: 1, 90: 0
    }  # fmt: skip
    full = hand_grades().assign(score=lambda f: f["max_score"], needs_manual_grade=False)
    assert score_distribution(full, "tugas01")["learners"].tolist()[-1] == 4  # 100 % in the top


def test_grading_history_keeps_grading_runs_newest_first():
    events = [
        {"at": "2026-11-20T09:00:00+07:00", "event": "roster.import", "by": "admin"},
        {"at": "2026-11-20T10:00:00+07:00", "event": "grading.start", "assignment": "tugas01",
         "students": [], "by": "admin"},
        {"at": "2026-11-20T10:05:00+07:00", "event": "grading.done", "assignment": "tugas01",
         "students": ["ani", "budi"], "by": "admin"},
    ]  # fmt: skip
    history = grading_history(events)
    assert history["event"].tolist() == ["grading.done", "grading.start"]
    assert history["learners"].tolist() == [2, 0]


def test_difficulty_levels_and_weak_discrimination_follow_the_thresholds():
    assert difficulty_level(HARD_BELOW / 100 - 0.001) == "hard"
    assert difficulty_level(HARD_BELOW / 100) == "medium"
    assert difficulty_level(EASY_FROM / 100 - 0.001) == "medium"
    assert difficulty_level(EASY_FROM / 100) == "easy"
    assert difficulty_level(math.nan) == difficulty_level(None) == "unknown"
    assert weak_discrimination(WEAK_DISCRIMINATION - 0.01)
    assert not weak_discrimination(WEAK_DISCRIMINATION)
    assert not weak_discrimination(math.nan) and not weak_discrimination(None)


# --- grading runs in the audit log (kit grade's events) -------------------------------------------


def graded_event(root, assignment: str, results: list[dict], **fields) -> dict:
    students = [r["student"] for r in results]
    return record_event(root, "grading.done", assignment=assignment, students=students,
                        results=results, **fields)  # fmt: skip


RESULTS = [
    {"student": "ani", "status": "graded", "score": 6.0, "max_score": 6.0, "flags": [],
     "reason": ""},
    {"student": "budi", "status": "graded", "score": 2.0, "max_score": 6.0,
     "flags": ["edited_test", "points_changed"], "reason": "sel uji q2 diubah, dipulihkan"},
    {"student": "citra", "status": "not_gradable", "score": None, "max_score": None,
     "flags": ["checksum_forged", "mystery_flag"], "reason": "notebook is not valid JSON"},
    {"student": "dedi", "status": "timed_out", "score": None, "max_score": 6.0,
     "flags": ["timed_out"], "reason": "sel q3 berjalan lebih dari 30 detik"},
    {"student": "eka", "status": "error", "score": None, "max_score": None, "flags": [],
     "reason": ""},
]  # fmt: skip


def test_grading_results_of_the_latest_event(tmp_path):
    root = tmp_path / "kursus"
    record_event(root, "grading.start", assignment="tugas01", students=[])
    graded_event(root, "tugas01", [{**RESULTS[0], "student": "lama"}])  # superseded
    graded_event(root, "tugas01", RESULTS)
    record_event(root, "grading.done", assignment="tugas01", students=["ani"])  # old style
    graded_event(root, "tugas02", [{**RESULTS[2], "student": "lain"}])  # another assignment
    run = latest_grading_run(read_events(root), "tugas01")
    assert run is not None and run.assignment == "tugas01"
    assert run.results["student"].tolist() == ["ani", "budi", "citra", "dedi", "eka"]
    assert run.status_counts() == {"graded": 2, "not_gradable": 1, "timed_out": 1, "error": 1}
    review = run.needing_review()
    assert review["student"].tolist() == ["budi", "citra", "dedi", "eka"]
    assert review.loc[0, "flags"] == ("edited_test", "points_changed")
    assert math.isnan(run.results.loc[2, "score"])
    assert latest_grading_run(read_events(root), "tugas03") is None


def test_the_grading_statuses_are_the_graders():
    from kit.grading.engine import STATUSES

    assert GRADING_STATUSES == STATUSES


def _run_with(root, start: dict | None, done: dict):
    if start is not None:
        record_event(root, "grading.start", assignment="tugas01", students=[], **start)
    graded_event(root, "tugas01", [RESULTS[0]], **done)
    return latest_grading_run(read_events(root), "tugas01")


def test_isolation_of_the_latest_run_with_its_notes(tmp_path):
    notes = ["user namespaces unavailable", "network not isolated"]
    run = _run_with(tmp_path, None, {"isolation": "limits_only", "isolation_notes": notes})
    assert (run.isolation, run.isolation_notes) == ("limits_only", tuple(notes))
    sandboxed = _run_with(tmp_path / "b", None, {"isolation": "sandbox", "isolation_notes": []})
    assert (sandboxed.isolation, sandboxed.isolation_notes) == ("sandbox", ())
    assert set(ISOLATION_MODES) == {"sandbox", "limits_only"}


def test_isolation_from_the_runs_own_start_event(tmp_path):
    run = _run_with(tmp_path, {"isolation": "limits_only", "isolation_notes": "no unshare"}, {})
    assert (run.isolation, run.isolation_notes) == ("limits_only", ("no unshare",))


@pytest.mark.parametrize(
    "start",
    [None, {"sandboxed": True}, {"isolation": None}, {"isolation": "namespaces"}],
    ids=["no-field", "old-sandboxed-flag", "null", "unknown-value"],
)
def test_missing_or_unknown_isolation_is_unknown_never_sandbox(tmp_path, start):
    run = _run_with(tmp_path, start, {})
    assert run.isolation == "unknown" and run.isolation_notes == ()


def test_an_earlier_runs_isolation_is_not_carried_over(tmp_path):
    record_event(tmp_path, "grading.start", assignment="tugas01", isolation="sandbox")
    graded_event(tmp_path, "tugas01", [RESULTS[0]], isolation="sandbox")
    # The latest run: written by an older kit, no start event recorded.
    graded_event(tmp_path, "tugas01", [RESULTS[1]])
    run = latest_grading_run(read_events(tmp_path), "tugas01")
    assert run.results["student"].tolist() == ["budi"]
    assert run.isolation == "unknown"


def test_rules_and_statistics_import_no_widget_or_chart_library():
    code = (
        "import sys\n"
        "import kit.grading.item_stats, kit.grading.history, kit.competency.needs\n"
        "import kit.reports.record, kit.reports.report\n"
        "loaded = [m for m in ('ipywidgets', 'plotly') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
