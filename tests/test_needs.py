"""What managers act on, as pure rules (``kit.competency.needs``): reward candidates and the
nearly eligible, training needs and the modules that train them. Hand-made tables, no widget."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

from kit.competency.framework import CompetencyFramework, LevelRule
from kit.competency.needs import (
    NEED_COLUMNS,
    near_candidate_floor,
    needs_by_competency,
    needs_by_person,
    reward_candidates,
    suggested_modules,
    training_need_below,
    training_needs,
)
from kit.competency.rewards import Tier, load_rules
from kit.course.curriculum import Module

TIERS = (Tier("Emas", 85.0), Tier("Perak", 70.0), Tier("Perunggu", 55.0))


@pytest.fixture
def rules():
    return dataclasses.replace(load_rules(), tiers=TIERS, near_candidate_gap=15.0)


def standing() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "username": ["a", "b", "c", "d", "e", "f"],
            "score": [90.0, 50.0, 39.9, 60.0, 40.0, 80.0],
            "eligible": [True, False, False, True, False, False],
            "tier": ["Emas", "", "", "Perunggu", "", ""],
        }
    )


def test_near_candidates_are_within_the_gap_of_the_lowest_tier(rules):
    assert near_candidate_floor(rules) == 40.0
    eligible, near = reward_candidates(standing(), rules)
    assert eligible["username"].tolist() == ["a", "d"]  # best first
    # f scores above a tier but is not eligible: nearly there too; c misses by 0.1.
    assert near["username"].tolist() == ["f", "b", "e"]
    assert not near["eligible"].any()


def test_the_gap_and_the_tiers_are_the_rules(rules):
    narrow = dataclasses.replace(rules, near_candidate_gap=0.0)
    assert reward_candidates(standing(), narrow)[1]["username"].tolist() == ["f"]
    wide = dataclasses.replace(rules, near_candidate_gap=100.0)
    assert len(reward_candidates(standing(), wide)[1]) == 4  # every one not eligible
    untiered = dataclasses.replace(rules, tiers=())
    assert near_candidate_floor(untiered) == math.inf
    assert reward_candidates(standing(), untiered)[1].empty


def competencies() -> pd.DataFrame:
    rows = [
        # username, competency, name, mastery, level
        ("ani", "DATA.OLAH", "Mengolah data", 0.9, 3),
        ("ani", "KEAMANAN", "Keamanan digital", 0.3, 1),
        ("budi", "DATA.OLAH", "Mengolah data", math.nan, 0),  # no evidence
        ("budi", "KEAMANAN", "Keamanan digital", 0.2, 1),
        ("budi", "LAYANAN", "Layanan digital", 0.0, 0),  # measured at 0
        ("citra", "DATA.OLAH", "Mengolah data", 0.7, 2),
        ("citra", "KEAMANAN", "Keamanan digital", math.nan, 0),
    ]
    columns = ["username", "competency", "competency_name", "mastery", "level"]
    return pd.DataFrame(rows, columns=columns)


def test_training_needs_are_below_the_level_or_without_evidence():
    needs = training_needs(competencies(), need_below=2)
    pairs = list(zip(needs["username"], needs["competency"], strict=True))
    assert pairs == [
        ("ani", "KEAMANAN"),
        ("budi", "DATA.OLAH"),
        ("budi", "KEAMANAN"),
        ("budi", "LAYANAN"),
        ("citra", "KEAMANAN"),
    ]
    assert len(training_needs(competencies(), need_below=4)) == 7
    assert len(training_needs(competencies(), need_below=0)) == 2  # no evidence only


def test_training_need_level_is_the_frameworks_or_the_default():
    framework = CompetencyFramework.load()
    assert training_need_below(framework) == framework.level_rule.training_need_below
    assert training_need_below(dataclasses.replace(framework, level_rule=None)) == 2
    assert LevelRule.training_need_below == 2


def test_needs_by_competency_counts_people_and_missing_evidence():
    grouped = needs_by_competency(training_needs(competencies(), need_below=2))
    # Most people first, then by name: "Layanan digital" before "Mengolah data".
    assert grouped["competency"].tolist() == ["KEAMANAN", "LAYANAN", "DATA.OLAH"]
    assert grouped["people"].tolist() == [3, 1, 1]
    assert grouped["without_evidence"].tolist() == [1, 0, 1]
    assert needs_by_competency(training_needs(competencies(), need_below=0)).shape[0] == 2
    assert needs_by_competency(competencies().iloc[0:0]).empty


def test_needs_by_person_lists_codes_and_levels_most_needs_first():
    people = needs_by_person(training_needs(competencies(), need_below=2))
    assert tuple(people.columns) == NEED_COLUMNS
    assert people["username"].tolist() == ["budi", "ani", "citra"]
    assert people["count"].tolist() == [3, 1, 1]
    budi = people.iloc[0]
    assert budi["competencies"] == ("DATA.OLAH", "KEAMANAN", "LAYANAN")
    assert budi["levels"] == (None, 1, 0)  # no evidence is None, a measured 0 stays 0
    assert needs_by_person(competencies().iloc[0:0]).empty


def test_suggested_modules_in_curriculum_order_once_each():
    def module(number: int, *codes: str) -> Module:
        return Module(f"m{number}", f"Modul {number}", 4.0, f"t{number}", (), codes, Path("."))

    modules = [module(1, "DATA.OLAH"), module(2, "KEAMANAN", "DATA.OLAH"), module(3, "LAYANAN")]
    chosen = suggested_modules(modules, ["KEAMANAN", "DATA.OLAH"])
    assert [m.id for m in chosen] == ["m1", "m2"]
    assert suggested_modules(modules, ["TIDAK.ADA"]) == []
