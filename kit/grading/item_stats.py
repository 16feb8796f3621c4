"""Classical item statistics of graded cells: difficulty, discrimination, totals, distribution.

Pure functions over ``read_grades`` rows (one row per learner and grade cell). They live in the
grading stage because they read nothing but the gradebook; the instructor's item-analysis page
only renders them, and the CLI or an export can call them alike. Every threshold a page colours
or flags by is here, once.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "ALMOST_NOBODY",
    "EASY_FROM",
    "HARD_BELOW",
    "ITEM_KEYS",
    "MIN_FOR_DISCRIMINATION",
    "WEAK_DISCRIMINATION",
    "difficulty_level",
    "hardest_items",
    "item_statistics",
    "learner_totals",
    "needs_attention",
    "score_distribution",
    "weak_discrimination",
]

ITEM_KEYS = ["assignment", "notebook", "grade_id"]
# "Nobody or almost nobody gets it right": at most this share of graded answers has full marks.
ALMOST_NOBODY = 0.10
# Below this corrected item-total correlation an item separates learners poorly (a common rule
# of thumb in classical test theory).
WEAK_DISCRIMINATION = 0.20
# Fewer answers than this give no meaningful correlation.
MIN_FOR_DISCRIMINATION = 3
# Mean score share in %: below HARD_BELOW an item is hard, from EASY_FROM it is easy.
HARD_BELOW, EASY_FROM = 40.0, 70.0
_EPSILON = 1e-9


def learner_totals(grades: pd.DataFrame) -> pd.DataFrame:
    """Per learner and assignment: graded points, graded maximum and pending cells.

    Cells awaiting manual grading count neither as points nor as maximum: they are not zero.
    """
    graded = ~grades["needs_manual_grade"].astype(bool)
    return (
        grades.assign(
            graded_score=grades["score"].where(graded, 0.0),
            graded_max=grades["max_score"].where(graded, 0.0),
            pending=(~graded).astype(int),
        )
        .groupby(["assignment", "student_id"], as_index=False)
        .agg(
            graded_score=("graded_score", "sum"),
            graded_max=("graded_max", "sum"),
            pending=("pending", "sum"),
        )
    )


def item_statistics(grades: pd.DataFrame) -> pd.DataFrame:
    """One row per assignment and grade cell (``read_grades`` rows as input).

    Columns:

    - ``submissions``: learners with an answer to the item (graded or not);
    - ``graded``: of those, answers already graded; the next three are over graded answers only;
    - ``mean_share``: mean of score / max_score (0..1), the classical difficulty index *p*;
    - ``pass_rate``: share with full marks; ``zero_share``: share with score 0;
    - ``awaiting_manual``: answers waiting for manual grading;
    - ``discrimination``: the corrected item-total correlation, i.e. the Pearson correlation
      (point-biserial when the item is scored right/wrong) between a learner's score share on the
      item and their graded points on the *other* items of the same assignment. NaN with fewer
      than three graded answers or when either side has no variance.
    """
    columns = [
        *ITEM_KEYS,
        "max_score",
        "submissions",
        "graded",
        "mean_share",
        "pass_rate",
        "zero_share",
        "awaiting_manual",
        "discrimination",
    ]
    if grades.empty:
        return pd.DataFrame(columns=columns)
    frame = grades.copy()
    frame["needs_manual_grade"] = frame["needs_manual_grade"].astype(bool)
    graded = ~frame["needs_manual_grade"]
    share = (frame["score"] / frame["max_score"].where(frame["max_score"] > 0)).clip(0, 1)
    frame["share"] = share.where(graded)
    frame["full"] = (frame["score"] >= frame["max_score"] - _EPSILON).astype(float).where(graded)
    frame["zero"] = (frame["score"] <= _EPSILON).astype(float).where(graded)
    frame["graded_score"] = frame["score"].where(graded, 0.0)
    totals = learner_totals(grades).set_index(["assignment", "student_id"])["graded_score"]
    frame["rest"] = (
        totals.reindex(pd.MultiIndex.from_frame(frame[["assignment", "student_id"]])).to_numpy()
        - frame["graded_score"].to_numpy()
    )
    stats = (
        frame.groupby(ITEM_KEYS, as_index=False, sort=True)
        .agg(
            max_score=("max_score", "max"),
            submissions=("student_id", "nunique"),
            graded=("share", "count"),
            mean_share=("share", "mean"),
            pass_rate=("full", "mean"),
            zero_share=("zero", "mean"),
            awaiting_manual=("needs_manual_grade", "sum"),
        )
        .astype({"awaiting_manual": int})
    )
    discrimination = {
        key: _correlation(group["share"], group["rest"])
        for key, group in frame[graded].groupby(ITEM_KEYS, sort=False)
    }
    stats["discrimination"] = [
        discrimination.get(tuple(row), math.nan) for row in stats[ITEM_KEYS].itertuples(index=False)
    ]
    return stats[columns]


def _correlation(item: pd.Series, rest: pd.Series) -> float:
    if len(item) < MIN_FOR_DISCRIMINATION:
        return math.nan
    x, y = item.to_numpy(float), rest.to_numpy(float)
    if np.ptp(x) <= _EPSILON or np.ptp(y) <= _EPSILON:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def difficulty_level(mean_share: float | None) -> str:
    """``"hard"``, ``"medium"`` or ``"easy"`` by the mean score share; ``"unknown"`` ungraded."""
    if mean_share is None or math.isnan(mean_share):
        return "unknown"
    percent = mean_share * 100
    return "hard" if percent < HARD_BELOW else "easy" if percent >= EASY_FROM else "medium"


def weak_discrimination(value: float | None) -> bool:
    """Whether a known discrimination is below ``WEAK_DISCRIMINATION`` (NaN is not weak)."""
    return value is not None and not math.isnan(value) and value < WEAK_DISCRIMINATION


def hardest_items(stats: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` items with the lowest mean score share; items with no graded answer last."""
    order = stats.sort_values(
        ["mean_share", "pass_rate", "grade_id"], na_position="last", kind="stable"
    )
    return order.head(n).reset_index(drop=True)


def needs_attention(stats: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(items that nobody or almost nobody gets fully right, items awaiting manual grading)."""
    hard = stats[(stats["graded"] > 0) & (stats["pass_rate"] <= ALMOST_NOBODY + _EPSILON)]
    pending = stats[stats["awaiting_manual"] > 0]
    return hardest_items(hard, len(hard)), pending.reset_index(drop=True)


def score_distribution(grades: pd.DataFrame, assignment: str, bins: int = 10) -> pd.DataFrame:
    """Learners per total-score band (``bins`` equal bands of 0-100 %; 100 % is in the last).

    Columns ``low``, ``high`` (percent) and ``learners``; learners with nothing graded yet are
    left out.
    """
    totals = learner_totals(grades[grades["assignment"] == assignment])
    totals = totals[totals["graded_max"] > 0]
    percent = totals["graded_score"] / totals["graded_max"] * 100
    width = 100 / bins
    band = np.minimum((percent.to_numpy() / width).astype(int), bins - 1)
    counts = np.bincount(band, minlength=bins) if len(band) else np.zeros(bins, dtype=int)
    return pd.DataFrame(
        {
            "low": [i * width for i in range(bins)],
            "high": [(i + 1) * width for i in range(bins)],
            "learners": counts.astype(int),
        }
    )
