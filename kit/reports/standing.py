"""The reward standing as ``kit rewards`` shows it: ranked, as text or as JSON."""

from __future__ import annotations

import pandas as pd

from kit.core import message
from kit.reports.report import HrReport

__all__ = ["ranked_standing", "standing_json", "standing_text"]


def ranked_standing(report: HrReport) -> pd.DataFrame:
    """Every learner's standing with their name, eligible learners first, highest score first."""
    standing = report.standing.merge(report.learners[["username", "nama"]], on="username")
    return standing.sort_values(["eligible", "score"], ascending=False, ignore_index=True)


def standing_json(report: HrReport) -> dict:
    """The standing with the versions and year it was computed for (JSON-ready)."""
    return {
        "rule_version": report.meta.rule_version,
        "framework_version": report.meta.framework_version,
        "year": report.meta.year,
        "generated_at": report.meta.generated_at.isoformat(),
        "standing": ranked_standing(report).to_dict("records"),
    }


def standing_text(report: HrReport) -> str:
    """A header, then per learner: name (unit) - tier - score, and the explanation below it."""
    lines = [message("reward.header", version=report.meta.rule_version, year=report.meta.year)]
    for row in ranked_standing(report).itertuples(index=False):
        lines += ["", f"{row.nama} ({row.unit}) - {row.tier or '-'} - {row.score:g}"]
        lines.append(f"  {row.explanation}")
    return "\n".join(lines)
