"""Mastery from grades: which grade cell evidences which competency, and mastery per learner
and per unit.

Mastery of a competency is the weighted share of points earned on the grade cells tagged with it:
``sum(score * weight) / sum(max_score * weight)``, over cells already graded. A learner with no
graded evidence has no mastery value (NaN), which is not the same as 0.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from kit.competency.framework import CompetencyFramework
from kit.core import SetupError

__all__ = ["TAG_KEY", "TagError", "cell_competency_map", "mastery_by_learner", "mastery_by_unit"]

# Grade cells name their competencies in ``metadata.marelan.competencies``.
TAG_KEY = "marelan"


class TagError(SetupError, ValueError):
    """A grade cell's competency tags are missing or invalid."""

    hint_key = "error.hint.tags"


def cell_competency_map(source_dir: Path, framework: CompetencyFramework) -> pd.DataFrame:
    """Competency tags of every grade cell in ``source/<assignment>/*.ipynb``.

    Tags are read from the instructor's source notebooks, never from submissions, so a learner
    cannot change what a cell counts for. Every grade cell must carry at least one known tag.
    """
    rows = []
    problems = []
    known = set(framework.codes)
    for notebook_path in sorted(Path(source_dir).glob("*/*.ipynb")):
        assignment = notebook_path.parent.name
        nb = nbformat.read(notebook_path, as_version=4)
        for cell in nb.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if not nbgrader.get("grade"):
                continue
            grade_id = nbgrader.get("grade_id")
            where = f"{assignment}/{notebook_path.name}, sel '{grade_id}'"
            tags = cell.metadata.get(TAG_KEY, {}).get("competencies")
            if not tags:
                problems.append(
                    f"{where}: tidak ada tag kompetensi (metadata.{TAG_KEY}.competencies)"
                )
                continue
            for tag in tags:
                spec = {"code": tag} if isinstance(tag, str) else dict(tag)
                code = spec.get("code")
                if code not in known:
                    problems.append(f"{where}: kompetensi '{code}' tidak ada di kerangka")
                    continue
                try:
                    weight = float(spec.get("weight", 1.0))
                    level = int(spec.get("level", 1))
                except (TypeError, ValueError):
                    problems.append(f"{where}: bobot/level kompetensi '{code}' bukan angka")
                    continue
                if weight <= 0:
                    problems.append(f"{where}: bobot kompetensi '{code}' harus lebih dari 0")
                    continue
                rows.append(
                    {
                        "assignment": assignment,
                        "notebook": notebook_path.stem,
                        "grade_id": grade_id,
                        "competency": code,
                        "weight": weight,
                        "level": level,
                    }
                )
    if problems:
        raise TagError("Tag kompetensi bermasalah:\n" + "\n".join(f"- {p}" for p in problems))
    return pd.DataFrame(
        rows, columns=["assignment", "notebook", "grade_id", "competency", "weight", "level"]
    )


def mastery_by_learner(
    grades: pd.DataFrame, cell_map: pd.DataFrame, learners: pd.DataFrame
) -> pd.DataFrame:
    """Mastery per learner and competency (long format), with every roster learner present.

    ``learners`` needs ``username`` and ``unit``; columns of the result: username, unit,
    competency, earned, possible, evidence_cells, pending_cells, mastery (0-1 or NaN).
    """
    tagged = grades.merge(cell_map, on=["assignment", "notebook", "grade_id"], how="inner")
    tagged = tagged.rename(columns={"student_id": "username"})
    graded = tagged[~tagged["needs_manual_grade"]]
    pending = tagged[tagged["needs_manual_grade"]]
    earned = (
        graded.assign(
            earned=graded["score"] * graded["weight"],
            possible=graded["max_score"] * graded["weight"],
        )
        .groupby(["username", "competency"], as_index=False)
        .agg(
            earned=("earned", "sum"),
            possible=("possible", "sum"),
            evidence_cells=("grade_id", "count"),
        )
    )
    waiting = pending.groupby(["username", "competency"], as_index=False).agg(
        pending_cells=("grade_id", "count")
    )
    competencies = sorted(cell_map["competency"].unique())
    grid = learners[["username", "unit"]].merge(
        pd.DataFrame({"competency": competencies}), how="cross"
    )
    result = grid.merge(earned, on=["username", "competency"], how="left").merge(
        waiting, on=["username", "competency"], how="left"
    )
    result[["earned", "possible"]] = result[["earned", "possible"]].fillna(0.0)
    result[["evidence_cells", "pending_cells"]] = (
        result[["evidence_cells", "pending_cells"]].fillna(0).astype(int)
    )
    result["mastery"] = (result["earned"] / result["possible"]).where(result["possible"] > 0)
    return result


def mastery_by_unit(per_learner: pd.DataFrame) -> pd.DataFrame:
    """Per unit and competency: learners, learners with evidence, and mean mastery of those."""
    return (
        per_learner.groupby(["unit", "competency"], as_index=False)
        .agg(
            learners=("username", "nunique"),
            with_evidence=("mastery", "count"),
            mean_mastery=("mastery", "mean"),
        )
        .sort_values(["unit", "competency"], ignore_index=True)
    )
