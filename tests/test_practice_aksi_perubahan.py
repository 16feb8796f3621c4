"""The change-project lesson: its case in the data, answers computed without the checker (for the
contract every lesson checker keeps, tests/test_lesson_checkers.py) and the wrong answers
specific to this lesson."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import kit.practice.aksi_perubahan as lesson
from kit.core.organisation import KELURAHAN
from kit.datasets import DEFAULT_SEED, load
from tests.practice_harness import answers_from_data_set, lesson_example_namespace, working_days

OTHER_SEED = 7
LESSON = (
    Path(__file__).resolve().parent.parent
    / "courses"
    / "08_aksi_perubahan"
    / "08_aksi_perubahan.ipynb"
)


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent computations: plain Python, day by day, no kit.core and no groupby ---------

START = lesson.TANGGAL_PERUBAHAN.date()


def forwarding_days(data: pd.DataFrame, kelurahan: str) -> dict[str, list[int]]:
    """Working days to forwarding of the forwarded complaints of ``kelurahan``, per period."""
    days: dict[str, list[int]] = {"sebelum": [], "sesudah": []}
    for row in data.itertuples():
        if row.kelurahan != kelurahan or pd.isna(row.tanggal_diteruskan):
            continue
        period = "sesudah" if row.tanggal_masuk.date() >= START else "sebelum"
        days[period].append(working_days(row.tanggal_masuk, row.tanggal_diteruskan))
    return days


def percent_on_time(days: list[int]) -> float:
    return sum(1 for d in days if d <= 3) / len(days) * 100


def change(data: pd.DataFrame, kelurahan: str) -> float:
    days = forwarding_days(data, kelurahan)
    return percent_on_time(days["sesudah"]) - percent_on_time(days["sebelum"])


def baseline(data: pd.DataFrame) -> float:
    return round(percent_on_time(forwarding_days(data, lesson.KELURAHAN_AKSI)["sebelum"]), 1)


def median_per_period(data: pd.DataFrame) -> pd.Series:
    days = forwarding_days(data, lesson.KELURAHAN_AKSI)
    return pd.Series({period: float(statistics.median(d)) for period, d in days.items()})


def change_in_action_kelurahan(data: pd.DataFrame) -> float:
    return change(data, lesson.KELURAHAN_AKSI)


def change_per_kelurahan(data: pd.DataFrame) -> pd.Series:
    return pd.Series({kelurahan: change(data, kelurahan) for kelurahan in KELURAHAN})


INDEPENDENT: dict[str, Callable[[pd.DataFrame], object]] = {
    "soal_1": baseline,
    "soal_2": median_per_period,
    "soal_3": change_in_action_kelurahan,
    "soal_4": change_per_kelurahan,
}


# Both seeds happen to give the action kelurahan medians of 4 and 3 days.
SAME_FOR_EVERY_SEED = {"soal_2"}


independent_answers = answers_from_data_set("pengaduan", INDEPENDENT)


# -- the lesson as a whole ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED])
def test_the_case_has_complaints_before_and_after_the_change_everywhere(seed):
    assert lesson.KELURAHAN_AKSI in KELURAHAN
    data = load("pengaduan", seed=seed)
    for kelurahan in KELURAHAN:
        days = forwarding_days(data, kelurahan)
        assert len(days["sebelum"]) >= 20 and len(days["sesudah"]) >= 20, kelurahan


@pytest.fixture(scope="module")
def lesson_namespace() -> dict[str, object]:
    return lesson_example_namespace(LESSON)


def test_lesson_case_matches_the_checker(lesson_namespace):
    assert lesson_namespace["kelurahan_aksi"] == lesson.KELURAHAN_AKSI
    assert lesson_namespace["tanggal_mulai"] == lesson.TANGGAL_PERUBAHAN


# -- plausible wrong answers, written as a learner would -----------------------------------------


@pytest.fixture
def diteruskan() -> pd.DataFrame:
    data = load("pengaduan")
    data = data[data["tanggal_diteruskan"].notna()].copy()
    data["hari_kerja"] = [
        working_days(a, b)
        for a, b in zip(data["tanggal_masuk"], data["tanggal_diteruskan"], strict=True)
    ]
    data["tepat_waktu"] = data["hari_kerja"] <= 3
    data["periode"] = [
        "sesudah" if day.date() >= START else "sebelum" for day in data["tanggal_masuk"]
    ]
    return data


def test_soal_1_fraction_and_whole_kecamatan(diteruskan):
    q = lesson.soal_1
    right = baseline(load("pengaduan"))
    q.assert_check_passed(right + 0.04)
    q.assert_check_failed(right / 100, because="practice.pengaduan.fraction_not_percent")
    before = diteruskan[diteruskan["periode"] == "sebelum"]
    q.assert_check_failed(round(before["tepat_waktu"].mean() * 100, 1))
    after = diteruskan[
        (diteruskan["periode"] == "sesudah") & (diteruskan["kelurahan"] == lesson.KELURAHAN_AKSI)
    ]
    q.assert_check_failed(round(after["tepat_waktu"].mean() * 100, 1))
    q.assert_check_failed(pd.Series([right]), because="practice.series_for_scalar")


def test_soal_2_mean_and_boolean_labels(diteruskan):
    q = lesson.soal_2
    terjun = diteruskan[diteruskan["kelurahan"] == lesson.KELURAHAN_AKSI]
    q.assert_check_failed(terjun.groupby("periode")["hari_kerja"].mean())
    by_flag = terjun.groupby(terjun["tanggal_masuk"] >= lesson.TANGGAL_PERUBAHAN)["hari_kerja"]
    feedback = q.evaluate(by_flag.median())
    assert "practice.extra_labels" in feedback.keys
    assert "practice.missing_labels" in feedback.keys
    q.assert_check_failed(
        terjun.groupby("periode")[["hari_kerja"]].median(),
        because="practice.dataframe_for_series",
    )


def test_soal_3_rounding_sign_and_fraction():
    q = lesson.soal_3
    days = forwarding_days(load("pengaduan"), lesson.KELURAHAN_AKSI)
    after, before = percent_on_time(days["sesudah"]), percent_on_time(days["sebelum"])
    q.assert_check_passed(round(after, 1) - round(before, 1))
    q.assert_check_passed(round(after - before, 1))
    q.assert_check_failed(after - before + 0.2)
    q.assert_check_failed(before - after)
    q.assert_check_failed((after - before) / 100, because="practice.pengaduan.fraction_not_percent")
    feedback = q.evaluate((after - before) / 100)
    assert any("kalikan dengan 100" in detail for detail in feedback.details)


def test_soal_4_only_the_action_kelurahan_or_the_whole_table(diteruskan):
    q = lesson.soal_4
    full = change_per_kelurahan(load("pengaduan"))
    q.assert_check_passed(full.sort_values())
    q.assert_check_failed(full[[lesson.KELURAHAN_AKSI]], because="practice.missing_labels")
    table = (diteruskan.groupby(["kelurahan", "periode"])["tepat_waktu"].mean() * 100).unstack()
    q.assert_check_failed(table, because="practice.dataframe_for_series")
    q.assert_check_failed(table["sebelum"] - table["sesudah"], because="practice.series_values")
