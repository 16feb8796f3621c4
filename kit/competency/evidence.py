"""Evidence trail and competency levels: every mastery figure traced back to graded cells.

A learner reaches level L of a competency when the graded cells evidencing level L or higher
are at least ``min_evidence_cells`` and their weighted mastery is at least ``thresholds[L]``.
The level is the highest L reached (0 when none is).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["evidence_trail", "competency_levels", "EVIDENCE_COLUMNS"]

EVIDENCE_COLUMNS = [
    "username",
    "competency",
    "assignment",
    "notebook",
    "grade_id",
    "score",
    "max_score",
    "weight",
    "cell_level",
    "timestamp",
]


def evidence_trail(grades: pd.DataFrame, cell_map: pd.DataFrame) -> pd.DataFrame:
    """Graded cells (not awaiting manual grading) joined with the competencies they evidence."""
    graded = grades[~grades["needs_manual_grade"]]
    trail = graded.merge(cell_map, on=["assignment", "notebook", "grade_id"], how="inner")
    trail = trail.rename(columns={"student_id": "username", "level": "cell_level"})
    return trail[EVIDENCE_COLUMNS].sort_values(
        ["username", "competency", "assignment", "grade_id"], ignore_index=True
    )


def competency_levels(
    evidence: pd.DataFrame, thresholds: Mapping[int, float], min_evidence_cells: int
) -> pd.DataFrame:
    """Level reached per learner and competency: columns username, competency, level."""
    if evidence.empty:
        return pd.DataFrame(columns=["username", "competency", "level"])
    keys = ["username", "competency"]
    # Reduce to one row per learner, competency and cell level first: the per-level sums over
    # "this level or higher" are then cheap, whatever the size of the class.
    by_level = (
        evidence.assign(
            earned=evidence["score"] * evidence["weight"],
            possible=evidence["max_score"] * evidence["weight"],
        )
        .groupby([*keys, "cell_level"], as_index=False)
        .agg(cells=("grade_id", "count"), earned=("earned", "sum"), possible=("possible", "sum"))
    )
    result = by_level[keys].drop_duplicates().reset_index(drop=True)
    level = pd.Series(0, index=pd.MultiIndex.from_frame(result[keys]))
    for required in sorted(thresholds):
        part = by_level[by_level["cell_level"] >= required]
        stats = part.groupby(keys)[["cells", "earned", "possible"]].sum()
        share = (stats["earned"] / stats["possible"].where(stats["possible"] > 0)).fillna(0.0)
        # A tiny tolerance so a share exactly at the threshold is not lost to float rounding.
        reached = (stats["cells"] >= min_evidence_cells) & (share + 1e-9 >= thresholds[required])
        level.loc[reached[reached].index] = required
    result["level"] = level.to_numpy().astype(int)
    return result
