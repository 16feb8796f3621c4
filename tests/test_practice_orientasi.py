"""The orientation lesson: its small data set, answers computed without the checker (for the
contract every lesson checker keeps, tests/test_lesson_checkers.py), the lesson's own values and
the wrong answers specific to this lesson."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

import kit.practice.orientasi as lesson
from kit.competency.rewards import load_rules
from kit.core.organisation import KELURAHAN
from kit.datasets import DEFAULT_SEED, available, load
from kit.datasets.complaints import CATEGORIES
from kit.datasets.training import WORKSHOPS
from kit.datasets.weekly_complaints import FIRST_TICKET, WEEKDAYS
from tests.practice_harness import lesson_example_namespace

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "courses" / "01_orientasi" / "01_orientasi.ipynb"
OTHER_SEED = 7
COLUMNS = ["no_tiket", "hari_masuk", "kelurahan", "kategori", "hari_kerja"]


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- the week of complaints ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED, 1, 99])
def test_week_is_small_plausible_and_has_the_columns_the_lesson_uses(seed):
    week = load("pengaduan_sepekan", seed=seed)
    assert list(week.columns) == COLUMNS
    assert 12 <= len(week) <= 16
    assert week["no_tiket"].tolist() == [
        f"MRL-2026-{number:05d}" for number in range(FIRST_TICKET, FIRST_TICKET + len(week))
    ]
    days = [WEEKDAYS.index(day) for day in week["hari_masuk"]]
    assert days == sorted(days), "complaints are listed in order of arrival"
    assert set(week["kelurahan"]) <= set(KELURAHAN)
    assert set(week["kategori"]) <= set(CATEGORIES)
    values = week["hari_kerja"].tolist()
    assert all(type(v) is int and 0 <= v <= 8 for v in values), "plain integers once in a list"
    assert any(v > 3 for v in values) and any(v <= 3 for v in values), "late and on-time ones"


def test_week_is_deterministic_for_a_seed_and_changes_with_it():
    assert "pengaduan_sepekan" in available()
    first = load("pengaduan_sepekan")
    pd.testing.assert_frame_equal(first, load("pengaduan_sepekan", seed=DEFAULT_SEED))
    first.loc[0, "kelurahan"] = "diubah"  # load hands out copies: the cache stays clean
    assert load("pengaduan_sepekan").loc[0, "kelurahan"] != "diubah"
    other = load("pengaduan_sepekan", seed=OTHER_SEED)
    assert not first.drop(columns="kelurahan").equals(other.drop(columns="kelurahan"))


def test_week_of_the_lesson_shows_what_the_lesson_teaches():
    """The default week has exactly-3-day complaints (the boundary) and a mean to round."""
    days = load("pengaduan_sepekan")["hari_kerja"].tolist()
    assert 3 in days and 4 in days
    mean = sum(days) / len(days)
    assert round(mean, 1) != mean and round(mean, 1) != round(mean)


# -- independent computations: plain Python over the rows, no checker helpers ----------------


def remaining_minutes(seed: int) -> int:
    """Soal 1 reads no data set: the same answer for every seed."""
    rules_target = int(load_rules().jp_target)
    bimtek = next(workshop[-1] for workshop in WORKSHOPS if "SP4N-LAPOR!" in workshop[0])
    module = yaml.safe_load((LESSON.parent / "module.yml").read_text(encoding="utf-8"))
    return (rules_target - int(module["jp"]) - bimtek) * 45


def mean_days(seed: int) -> float:
    days = list(load("pengaduan_sepekan", seed=seed)["hari_kerja"])
    return round(sum(days) / len(days), 1)


def birth_date(seed: int) -> str:
    nip = load("peserta_demo", seed=seed)["nip"].tolist()[0]
    assert len(nip) == 18
    return nip[:8]


def late_count(seed: int) -> int:
    return sum(1 for days in load("pengaduan_sepekan", seed=seed)["hari_kerja"] if days > 3)


def per_kelurahan(seed: int) -> dict[str, int]:
    return dict(Counter(load("pengaduan_sepekan", seed=seed)["kelurahan"].tolist()))


INDEPENDENT: dict[str, Callable[[int], object]] = {
    "soal_1": remaining_minutes,
    "soal_2": mean_days,
    "soal_3": birth_date,
    "soal_4": late_count,
    "soal_5": per_kelurahan,
}
# Soal 1 reads no data set: its facts come from the reward rules, workshops and module.
SAME_FOR_EVERY_SEED = {"soal_1"}


def independent_answers(seed: int, folder: Path) -> dict[str, object]:
    """Every question's answer for the data of ``seed`` (tests/test_lesson_checkers.py)."""
    return {name: compute(seed) for name, compute in INDEPENDENT.items()}


def test_learning_hours_facts_agree_with_their_sources(monkeypatch):
    """Soal 1 uses no data set: its facts must match the reward rules, workshops and module."""
    assert load_rules().jp_target == lesson.TARGET_JP
    hours = {workshop[0]: workshop[-1] for workshop in WORKSHOPS}
    assert hours["Bimbingan Teknis SP4N-LAPOR!"] == lesson.JP_BIMTEK_LAPOR
    module = yaml.safe_load((LESSON.parent / "module.yml").read_text(encoding="utf-8"))
    assert module["jp"] == lesson.JP_MODUL_ORIENTASI
    monkeypatch.setattr(lesson, "TARGET_JP", 24)
    fresh = dataclasses.replace(lesson.soal_1)
    fresh.assert_check_passed((24 - 2 - 10) * 45)


# -- the lesson's own variables ---------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_namespace() -> dict[str, object]:
    return lesson_example_namespace(LESSON)


def test_lesson_variables_match_the_checker(lesson_namespace):
    assert lesson_namespace["target_jp"] == lesson.TARGET_JP
    assert lesson_namespace["jp_modul_1"] == lesson.JP_MODUL_ORIENTASI
    assert lesson_namespace["jp_bimtek"] == lesson.JP_BIMTEK_LAPOR
    assert lesson_namespace["daftar_hari_kerja"] == load("pengaduan_sepekan")["hari_kerja"].tolist()
    assert lesson_namespace["kelurahan_marelan"] == list(KELURAHAN)


# -- plausible wrong answers, written as a learner would -----------------------------------------


def test_soal_1_text_parentheses_and_hours():
    q = lesson.soal_1
    q.assert_check_passed(360.0)
    q.assert_check_failed("360", because="practice.wrong_type")
    q.assert_check_failed(20 - 2 - 10 * 45, because="practice.m01_orientasi.precedence")
    q.assert_check_failed((20 - 2 - 10) * 60, because="practice.m01_orientasi.hour_not_jp")
    q.assert_check_failed(20 - 2 - 10, because="practice.m01_orientasi.jp_not_minutes")
    q.assert_check_failed(None, because="practice.answer_none")


def test_soal_2_rounding_and_divisor():
    q = lesson.soal_2
    days = load("pengaduan_sepekan")["hari_kerja"].tolist()
    q.assert_check_passed(round(sum(days) / len(days), 1))
    q.assert_check_failed(sum(days) / len(days), because="practice.m01_orientasi.not_rounded")
    q.assert_check_failed(round(sum(days) / len(days)))
    q.assert_check_failed(
        round(sum(days) / 5, 1), because="practice.m01_orientasi.divided_by_weekdays"
    )
    q.assert_check_failed(round(sum(days) / len(days), 2))
    feedback = q.evaluate(sum(days) / len(days))
    assert "round(nilai, 1)" in feedback.plain_text()


def test_soal_3_nip_stays_text_and_slices_from_zero():
    q = lesson.soal_3
    nip = load("peserta_demo")["nip"].tolist()[0]
    q.assert_check_passed(nip[0:8])
    q.assert_check_failed(int(nip[0:8]), because="practice.m01_orientasi.birth_date_as_number")
    for off_by_one in (nip[0:7], nip[0:9], nip[1:9]):
        q.assert_check_failed(off_by_one, because="practice.m01_orientasi.slice_off_by_one")
    q.assert_check_failed(nip[0:4], because="practice.m01_orientasi.year_only")
    q.assert_check_failed(nip, because="practice.wrong_text")
    q.assert_check_failed(float(nip))


def test_soal_4_boundary_and_what_is_counted():
    q = lesson.soal_4
    days = load("pengaduan_sepekan")["hari_kerja"].tolist()
    q.assert_check_failed(
        len([d for d in days if d >= 3]), because="practice.m01_orientasi.counted_from_three"
    )
    q.assert_check_failed(
        len([d for d in days if d <= 3]), because="practice.m01_orientasi.counted_on_time"
    )
    q.assert_check_failed(len(days), because="practice.m01_orientasi.counted_all")
    q.assert_check_failed([d for d in days if d > 3], because="practice.wrong_type")


def test_soal_5_zero_counts_allowed_other_shapes_explained():
    q = lesson.soal_5
    names = load("pengaduan_sepekan")["kelurahan"].tolist()
    counts = dict(Counter(names))
    q.assert_check_passed({k: counts.get(k, 0) for k in KELURAHAN})
    q.assert_check_passed(dict(sorted(counts.items())))
    q.assert_check_failed(names, because="practice.m01_orientasi.not_a_dict")
    q.assert_check_failed(pd.Series(counts), because="practice.m01_orientasi.not_a_dict")
    q.assert_check_failed(None, because="practice.answer_none")
    q.assert_check_failed({k: 1 for k in counts}, because="practice.m01_orientasi.all_ones")
    q.assert_check_failed(
        {k: v - 1 for k, v in counts.items()}, because="practice.m01_orientasi.started_from_zero"
    )
    smallest = min(counts, key=counts.get)
    without = {k: v for k, v in counts.items() if k != smallest}
    feedback = q.evaluate(without)
    assert feedback.keys == ("practice.m01_orientasi.missing_keys",)
    assert smallest in feedback.plain_text()
    lower = {k.lower(): v for k, v in counts.items()}
    assert "practice.m01_orientasi.extra_keys" in q.evaluate(lower).keys
    largest = max(counts, key=counts.get)
    q.assert_check_failed(
        {**counts, largest: counts[largest] + 1}, because="practice.m01_orientasi.wrong_counts"
    )


# -- the message catalogue --------------------------------------------------------------------


def test_feedback_reads_in_english_when_asked(monkeypatch):
    monkeypatch.setenv("KIT_LANG", "en")
    feedback = lesson.soal_5.evaluate([1, 2])
    assert "expected a dictionary (dict)" in feedback.plain_text()
