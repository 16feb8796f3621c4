"""What a manager acts on, as pure rules over the HR report's tables: who is (nearly) a reward
candidate, which competencies are training needs, and which modules train them.

The thresholds are data, read here and nowhere else: the tiers and ``near_candidate_gap`` of
``kit/data/reward_rules.yml``, ``training_need_below`` of ``kit/data/competencies.yml`` (its
default is ``LevelRule``'s). The dashboard renders these results; the CLI and exports can call
the same functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd

from kit.competency.framework import CompetencyFramework, LevelRule
from kit.competency.rewards import RewardRules
from kit.course import Module

__all__ = [
    "NEED_COLUMNS",
    "near_candidate_floor",
    "needs_by_competency",
    "needs_by_person",
    "reward_candidates",
    "suggested_modules",
    "training_need_below",
    "training_needs",
]

# What ``needs_by_person`` gives per person, besides the username.
NEED_COLUMNS = ("username", "count", "competencies", "levels")


def near_candidate_floor(rules: RewardRules) -> float:
    """The least score of a "nearly eligible" standing: the lowest tier's minimum less the gap.

    Without tiers nobody can be near a tier: infinity.
    """
    lowest = min((tier.min_score for tier in rules.tiers), default=math.inf)
    return lowest - rules.near_candidate_gap


def reward_candidates(
    standing: pd.DataFrame, rules: RewardRules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(eligible, nearly eligible) rows of the report's ``standing`` table, each best first.

    Nearly eligible: not eligible yet, but scoring at least ``near_candidate_floor(rules)``:
    within ``near_candidate_gap`` points of the lowest tier, worth encouraging now.
    """
    ordered = standing.sort_values("score", ascending=False, kind="stable")
    eligible = ordered["eligible"].astype(bool)
    near = ~eligible & (ordered["score"] >= near_candidate_floor(rules))
    return ordered[eligible].reset_index(drop=True), ordered[near].reset_index(drop=True)


def training_need_below(framework: CompetencyFramework) -> int:
    """The level under which a competency is a training need (the framework's, else default)."""
    rule = framework.level_rule
    return rule.training_need_below if rule is not None else LevelRule.training_need_below


def training_needs(competencies: pd.DataFrame, need_below: int) -> pd.DataFrame:
    """The rows of the report's ``competencies`` table that are training needs.

    A need: a level below ``need_below``, or no graded evidence at all (``mastery`` NaN; its
    level 0 is then "not measured", and it is a need all the same).
    """
    need = (competencies["level"] < need_below) | competencies["mastery"].isna()
    return competencies[need].reset_index(drop=True)


def needs_by_competency(needs: pd.DataFrame) -> pd.DataFrame:
    """Per competency of ``training_needs`` rows: ``people`` in need, ``without_evidence``.

    Most people first, then by ``competency_name``.
    """
    columns = ["competency", "competency_name", "people", "without_evidence"]
    if needs.empty:
        return pd.DataFrame(columns=columns)
    grouped = needs.groupby(["competency", "competency_name"], as_index=False).agg(
        people=("username", "nunique"),
        without_evidence=("mastery", lambda m: int(m.isna().sum())),
    )
    grouped = grouped.sort_values(["people", "competency_name"], ascending=[False, True])
    return grouped[columns].reset_index(drop=True)


def needs_by_person(needs: pd.DataFrame) -> pd.DataFrame:
    """One row per person of ``training_needs`` rows, most needs first (``NEED_COLUMNS``).

    ``competencies`` holds their codes in the table's order; ``levels`` the matching levels,
    ``None`` where there is no evidence.
    """
    if needs.empty:
        return pd.DataFrame(columns=list(NEED_COLUMNS))
    rows = []
    for username, part in needs.groupby("username", sort=False):
        levels = tuple(
            None if pd.isna(mastery) else int(level)
            for mastery, level in zip(part["mastery"], part["level"], strict=True)
        )
        rows.append((username, len(part), tuple(part["competency"]), levels))
    frame = pd.DataFrame(rows, columns=list(NEED_COLUMNS))
    return frame.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def suggested_modules(modules: Sequence[Module], codes: Iterable[str]) -> list[Module]:
    """The modules that train any of the competencies ``codes``, in curriculum order, once each."""
    wanted = set(codes)
    return [module for module in modules if wanted & set(module.competencies)]
