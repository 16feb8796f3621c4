"""Reward rules as versioned data, and each learner's explainable reward standing.

A standing is a sum of named components (each a share 0-1 times its weight; weights add up to
100), gated by eligibility conditions, and placed in the highest tier whose minimum it reaches.
Every standing carries an Indonesian explanation and the rule version that produced it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from kit.core import message

__all__ = [
    "RewardRules",
    "RuleError",
    "Component",
    "Tier",
    "Condition",
    "load_rules",
    "compute_standing",
    "SOURCES",
]

SOURCES = ("mastery", "jp", "implementation")
CONDITION_KINDS = ("implementation_confirmed", "jp_min", "component_min")


class RuleError(ValueError):
    """The reward rules file is not valid."""


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


def _number(value: object, where: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RuleError(f"{where}: '{value}' bukan angka") from None
    if math.isnan(number):
        raise RuleError(f"{where}: '{value}' bukan angka")
    return number


def load_rules(path: Path | None = None) -> RewardRules:
    """Read and validate reward rules (the kit's own when ``path`` is None)."""
    if path is None:
        text = resources.files("kit").joinpath("data/reward_rules.yml").read_text("utf-8")
        where = "kit/data/reward_rules.yml"
    else:
        text = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RuleError(f"{where}: YAML tidak sah: {error}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: isi berkas harus berupa mapping")
    for key in ("version", "components", "tiers", "jp", "implementation"):
        if key not in raw:
            raise RuleError(f"{where}: bagian '{key}' tidak ada")

    jp = raw["jp"]
    jp_target = _number(jp.get("target_per_year"), f"{where}: jp.target_per_year")
    pass_share = _number(jp.get("module_pass_share"), f"{where}: jp.module_pass_share")
    if jp_target <= 0:
        raise RuleError(f"{where}: jp.target_per_year harus lebih dari 0")
    if not 0 < pass_share <= 1:
        raise RuleError(f"{where}: jp.module_pass_share harus di antara 0 dan 1")

    components = []
    for index, entry in enumerate(raw["components"] or [], start=1):
        label = f"{where}: komponen #{index}"
        for key in ("id", "name", "source", "weight"):
            if key not in entry:
                raise RuleError(f"{label}: '{key}' tidak ada")
        if entry["source"] not in SOURCES:
            raise RuleError(
                f"{label} ('{entry['id']}'): sumber '{entry['source']}' tidak dikenal; "
                f"gunakan {', '.join(SOURCES)}"
            )
        weight = _number(entry["weight"], f"{label} ('{entry['id']}'): bobot")
        if weight <= 0:
            raise RuleError(f"{label} ('{entry['id']}'): bobot harus lebih dari 0")
        components.append(Component(str(entry["id"]), str(entry["name"]), entry["source"], weight))
    if not components:
        raise RuleError(f"{where}: tidak ada komponen")
    ids = [c.id for c in components]
    if len(set(ids)) != len(ids):
        raise RuleError(f"{where}: id komponen ganda: {ids}")
    total = sum(c.weight for c in components)
    if abs(total - 100) > 1e-6:
        raise RuleError(f"{where}: jumlah bobot komponen {total:g}, seharusnya 100")

    conditions = []
    for index, entry in enumerate(raw.get("eligibility") or [], start=1):
        label = f"{where}: syarat #{index}"
        kind = entry.get("kind")
        if kind not in CONDITION_KINDS:
            raise RuleError(f"{label}: jenis '{kind}' tidak dikenal; gunakan {CONDITION_KINDS}")
        value = None if kind == "implementation_confirmed" else _number(entry.get("value"), label)
        component = entry.get("component")
        if kind == "component_min":
            if component not in ids:
                raise RuleError(f"{label}: komponen '{component}' tidak ada")
            if not 0 <= value <= 1:  # type: ignore[operator]
                raise RuleError(f"{label}: nilai harus di antara 0 dan 1 (bagian komponen)")
        conditions.append(Condition(kind, value, component))

    tiers = []
    for index, entry in enumerate(raw["tiers"] or [], start=1):
        label = f"{where}: tingkat #{index}"
        if "name" not in entry:
            raise RuleError(f"{label}: 'name' tidak ada")
        minimum = _number(entry.get("min_score"), f"{label} ('{entry['name']}'): min_score")
        if not 0 < minimum <= 100:
            raise RuleError(f"{label} ('{entry['name']}'): min_score harus di antara 0 dan 100")
        tiers.append(Tier(str(entry["name"]), minimum))
    for higher, lower in zip(tiers, tiers[1:], strict=False):
        if lower.min_score >= higher.min_score:
            raise RuleError(
                f"{where}: urutan tingkat salah: '{lower.name}' ({lower.min_score:g}) harus "
                f"di bawah '{higher.name}' ({higher.min_score:g}); tulis dari yang tertinggi"
            )
    if not tiers:
        raise RuleError(f"{where}: tidak ada tingkat penghargaan")

    dashboard = raw.get("dashboard") or {}
    if not isinstance(dashboard, dict):
        raise RuleError(f"{where}: bagian 'dashboard' harus berupa mapping")
    gap = _number(dashboard.get("near_candidate_gap", 15), f"{where}: dashboard.near_candidate_gap")
    if not 0 <= gap <= 100:
        raise RuleError(f"{where}: dashboard.near_candidate_gap harus di antara 0 dan 100")

    impl = raw["implementation"]
    return RewardRules(
        version=str(raw["version"]),
        name=str(raw.get("name", "")),
        jp_target=jp_target,
        module_pass_share=pass_share,
        implementation_competency=str(impl.get("competency", "")),
        confirmers=tuple(impl.get("confirmers") or ()),
        district_wide=tuple(impl.get("district_wide") or ()),
        components=tuple(components),
        eligibility=tuple(conditions),
        tiers=tuple(tiers),
        near_candidate_gap=gap,
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
