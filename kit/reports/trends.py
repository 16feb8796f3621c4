"""Month-by-month trends of a unit: JP gathered through the year and scores of submissions.

Both are computed from the same tables the rest of the report uses (the JP ledger and the
per-assignment scores), so a trend never disagrees with the figures above it.
"""

from __future__ import annotations

import pandas as pd

from kit.reports.report import HrReport

__all__ = ["monthly_jp", "monthly_scores"]


def monthly_jp(report: HrReport, learners: pd.DataFrame) -> pd.DataFrame:
    """Per unit and month of the report's year: mean cumulative JP per learner, share on target.

    ``learners`` (username, unit) are the people counted, each in the unit given there; every
    learner counts from January, with 0 JP until their first record. Months run to the month
    the report was made in (the whole year for a past year). Columns: unit, month (1-12),
    jp_per_learner, met_share.
    """
    year = report.meta.year
    generated = report.meta.generated_at
    last_month = generated.month if generated.year == year else 12
    months = list(range(1, last_month + 1))
    columns = ["unit", "month", "jp_per_learner", "met_share"]
    if learners.empty:
        return pd.DataFrame(columns=columns)
    ledger = report.jp_ledger
    ledger = ledger[(ledger["year"] == year) & ledger["username"].isin(learners["username"])]
    month_of = pd.to_datetime(pd.Series(ledger["date"], dtype="object")).dt.month
    per_month = (
        ledger.assign(month=month_of.to_numpy())
        .pivot_table(index="username", columns="month", values="jp", aggfunc="sum")
        .reindex(index=learners["username"], columns=months, fill_value=0.0)
        .fillna(0.0)
        .cumsum(axis=1)
    )
    target = _target(report)
    rows = []
    units = learners.set_index("username")["unit"]
    for unit, members in per_month.groupby(units.reindex(per_month.index).to_numpy()):
        for month in months:
            values = members[month]
            rows.append(
                {
                    "unit": unit,
                    "month": month,
                    "jp_per_learner": float(values.mean()),
                    "met_share": float((values >= target).mean()),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def monthly_scores(assignment_scores: pd.DataFrame, learners: pd.DataFrame) -> pd.DataFrame:
    """Per unit and month of submission: mean score over graded cells (0-100) and submissions.

    Answers still awaiting manual grading are left out, as in the headline figures. Columns:
    unit, month (first day of the month), mean_score, submissions.
    """
    columns = ["unit", "month", "mean_score", "submissions"]
    scores = assignment_scores.merge(learners[["username", "unit"]], on="username")
    scores = scores[scores["timestamp"].notna() & (scores["graded_max"] > 0)]
    if scores.empty:
        return pd.DataFrame(columns=columns)
    scores = scores.assign(
        month=pd.to_datetime(scores["timestamp"]).dt.to_period("M").dt.to_timestamp()
    )
    grouped = scores.groupby(["unit", "month"], as_index=False).agg(
        graded_score=("graded_score", "sum"),
        graded_max=("graded_max", "sum"),
        submissions=("username", "size"),
    )
    grouped["mean_score"] = grouped["graded_score"] / grouped["graded_max"] * 100
    return grouped[columns]


def _target(report: HrReport) -> float:
    targets = report.jp_per_learner["target"]
    return float(targets.iloc[0]) if len(targets) else 20.0
