"""Evidence trail and competency levels: every mastery figure traced back to graded cells.

A learner reaches level L of a competency when the graded cells evidencing level L or higher
are at least ``min_evidence_cells`` and their weighted mastery is at least ``thresholds[L]``.
The level is the highest L reached (0 when none is).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
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
    frame = evidence.assign(
        earned=evidence["score"] * evidence["weight"],
        possible=evidence["max_score"] * evidence["weight"],
    )
    result = frame[["username", "competency"]].drop_duplicates().reset_index(drop=True)
    result["level"] = 0
    keys = ["username", "competency"]
    for level in sorted(thresholds):
        at_or_above = frame[frame["cell_level"] >= level]
        stats = at_or_above.groupby(keys, as_index=False).agg(
            cells=("grade_id", "count"), earned=("earned", "sum"), possible=("possible", "sum")
        )
        share = np.where(stats["possible"] > 0, stats["earned"] / stats["possible"], 0.0)
        # A tiny tolerance so a share exactly at the threshold is not lost to float rounding.
        reached = (stats["cells"] >= min_evidence_cells) & (share + 1e-9 >= thresholds[level])
        hits = stats.loc[reached, keys].assign(hit=level)
        result = result.merge(hits, on=keys, how="left")
        result["level"] = result["hit"].fillna(result["level"]).astype(int)
        result = result.drop(columns="hit")
    return result
