"""Reward rules as versioned data, and each learner's explainable reward standing.

A standing is a sum of named components (each a share 0-1 times its weight; weights add up to
100), gated by eligibility conditions, and placed in the highest tier whose minimum it reaches.
Every standing carries an Indonesian explanation and the rule version that produced it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.core import DataFileError, Problem, message, read_data_file, read_kit_data

__all__ = [
    "RewardRules",
    "RuleError",
    "Component",
    "Tier",
    "Condition",
    "load_rules",
    "compute_standing",
    "SOURCES",
    "CONDITION_KINDS",
]

# The same lists as reward_rules.schema.yml (a test keeps them in step).
SOURCES = ("mastery", "jp", "implementation")
CONDITION_KINDS = ("implementation_confirmed", "jp_min", "component_min")


class RuleError(DataFileError):
    """The reward rules file is not valid (message in the reader's language)."""

    hint_key = "error.hint.rules"


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    source: str
    weight: float


@dataclass(frozen=True)
class Tier:
    name: str
    min_score: float


@dataclass(frozen=True)
class Condition:
    kind: str
    value: float | None = None
    component: str | None = None


@dataclass(frozen=True)
class RewardRules:
    version: str
    name: str
    jp_target: float
    module_pass_share: float
    implementation_competency: str
    confirmers: tuple[str, ...]
    district_wide: tuple[str, ...]
    components: tuple[Component, ...]
    eligibility: tuple[Condition, ...]
    tiers: tuple[Tier, ...]
    # Points below the lowest tier within which a learner counts as nearly eligible.
    near_candidate_gap: float = 15.0


def load_rules(path: Path | None = None) -> RewardRules:
    """Read and validate reward rules (the kit's own when ``path`` is None).

    The file is checked against ``kit/data/schemas/reward_rules.schema.yml``, then for what a
    schema cannot say: component ids used once, weights adding up to 100, conditions naming a
    component that exists, tiers from the highest score down. Any problem raises a
    :class:`RuleError` listing them all; no rules come from a half-valid file.
    """
    if path is None:
        doc = read_kit_data("reward_rules.yml", "reward_rules", error=RuleError)
    else:
        doc = read_data_file(path, "reward_rules", error=RuleError)
    raw = doc.data
    problems: list[Problem] = []

    components = tuple(
        Component(entry["id"], entry["name"], entry["source"], float(entry["weight"]))
        for entry in raw["components"]
    )
    first: dict[str, int] = {}
    for index, component in enumerate(components):
        if component.id in first:
            text = message("data.used_twice", value=repr(component.id), first=first[component.id])
            problems.append(doc.problem(("components", index, "id"), text))
        first.setdefault(component.id, index + 1)
    total = sum(c.weight for c in components)
    if abs(total - 100) > 1e-6:
        problems.append(
            doc.problem(("components",), message("rules.weight_total", total=f"{total:g}"))
        )

    conditions = []
    for index, entry in enumerate(raw.get("eligibility") or []):
        if entry["kind"] == "component_min" and entry["component"] not in first:
            text = message("rules.unknown_component", value=repr(entry["component"]),
                           known=", ".join(first))  # fmt: skip
            problems.append(doc.problem(("eligibility", index, "component"), text))
        value = entry.get("value")
        conditions.append(
            Condition(
                entry["kind"], None if value is None else float(value), entry.get("component")
            )
        )

    tiers = tuple(Tier(entry["name"], float(entry["min_score"])) for entry in raw["tiers"])
    for index, (higher, lower) in enumerate(zip(tiers, tiers[1:], strict=False), start=1):
        if lower.min_score >= higher.min_score:
            text = message("rules.tier_order", lower=lower.name, lower_score=f"{lower.min_score:g}",
                           higher=higher.name, higher_score=f"{higher.min_score:g}")  # fmt: skip
            problems.append(doc.problem(("tiers", index, "min_score"), text))
    doc.check(problems)

    impl = raw["implementation"]
    return RewardRules(
        version=raw["version"],
        name=raw.get("name", ""),
        jp_target=float(raw["jp"]["target_per_year"]),
        module_pass_share=float(raw["jp"]["module_pass_share"]),
        implementation_competency=impl["competency"],
        confirmers=tuple(impl.get("confirmers") or ()),
        district_wide=tuple(impl.get("district_wide") or ()),
        components=components,
        eligibility=tuple(conditions),
        tiers=tiers,
        near_candidate_gap=float((raw.get("dashboard") or {}).get("near_candidate_gap", 15)),
    )


def _num(value: float, digits: int = 1) -> str:
    """Indonesian number format: comma as decimal separator."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def compute_standing(inputs: pd.DataFrame, rules: RewardRules) -> pd.DataFrame:
    """Standing per learner from ``inputs`` with columns:

    username, unit, mastery (mean 0-1 or NaN), jp_total, implementation_share (0-1 or NaN,
    the innovation project's graded rubric share), confirmed (bool), confirmed_by, confirmed_at.
    """
    rows = []
    for person in inputs.to_dict("records"):
        shares = {
            "mastery": _share(person["mastery"]),
            "jp": min(float(person["jp_total"]) / rules.jp_target, 1.0),
            "implementation": _share(person["implementation_share"])
            if person["confirmed"]
            else 0.0,
        }
        points = {c.id: shares[c.source] * c.weight for c in rules.components}
        score = round(sum(points.values()), 1)
        missing = _missing(person, points, rules)
        tier = ""
        if not missing:
            tier = next((t.name for t in rules.tiers if score + 1e-9 >= t.min_score), "")
        explanation = _explain(person, points, score, tier, missing, rules)
        rows.append(
            {
                "username": person["username"],
                "unit": person["unit"],
                "score": score,
                "tier": tier,
                "eligible": bool(tier),
                **{c.id: round(points[c.id], 1) for c in rules.components},
                "explanation": explanation,
                "rule_version": rules.version,
            }
        )
    columns = ["username", "unit", "score", "tier", "eligible",
               *[c.id for c in rules.components], "explanation", "rule_version"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _share(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return max(0.0, min(float(value), 1.0))


def _missing(person: dict, points: dict[str, float], rules: RewardRules) -> list[str]:
    missing = []
    for condition in rules.eligibility:
        if condition.kind == "implementation_confirmed":
            # The implementation counts once it is both graded by rubric and confirmed in use.
            graded = not _is_nan(person["implementation_share"])
            if not graded and not person["confirmed"]:
                missing.append(message("reward.missing.project"))
            elif not person["confirmed"]:
                missing.append(message("reward.missing.confirmation"))
            elif not graded:
                missing.append(message("reward.missing.grading"))
        elif condition.kind == "jp_min" and person["jp_total"] + 1e-9 < condition.value:
            missing.append(
                message(
                    "reward.missing.jp",
                    jp=_num(person["jp_total"]),
                    target=_num(condition.value),
                    gap=_num(condition.value - person["jp_total"]),
                )
            )
        elif condition.kind == "component_min":
            component = next(c for c in rules.components if c.id == condition.component)
            share = points[component.id] / component.weight
            if share + 1e-9 < condition.value:
                missing.append(
                    message(
                        "reward.missing.component",
                        component=component.name.lower(),
                        share=_num(share * 100, 0),
                        minimum=_num(condition.value * 100, 0),
                    )
                )
    return missing


def _is_nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _explain(
    person: dict,
    points: dict[str, float],
    score: float,
    tier: str,
    missing: list[str],
    rules: RewardRules,
) -> str:
    parts = "; ".join(f"{c.name} {_num(points[c.id])}/{_num(c.weight)}" for c in rules.components)
    text = message("reward.score", score=_num(score), parts=parts)
    if person["confirmed"]:
        text += " " + message(
            "reward.confirmed", by=person["confirmed_by"], at=str(person["confirmed_at"])[:10]
        )
    if missing:
        return message("reward.not_eligible", missing="; ".join(missing)) + " " + text
    if not tier:
        lowest = rules.tiers[-1]
        gap = _num(lowest.min_score - score)
        return message("reward.below_tiers", tier=lowest.name, gap=gap) + " " + text
    explanation = message("reward.eligible", tier=tier) + " " + text
    higher = [t for t in rules.tiers if t.min_score > score]
    if higher:
        target = higher[-1]
        explanation += " " + message(
            "reward.next_tier", gap=_num(target.min_score - score), tier=target.name
        )
    return explanation
