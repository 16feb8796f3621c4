"""The complaints lesson: answers computed without the checker (for the contract every lesson
checker keeps, tests/test_lesson_checkers.py) and the wrong answers specific to this lesson."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pandas as pd
import pytest

import kit.practice.pengaduan as lesson
from kit.core.workdays import working_days_between
from kit.datasets import load
from tests.practice_harness import answers_from_data_set, working_days


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent computations: plain Python, no kit.core, no value_counts ------------------


def per_kelurahan(data: pd.DataFrame) -> pd.Series:
    return pd.Series(Counter(data["kelurahan"]))


def top_category(data: pd.DataFrame) -> str:
    return Counter(data["kategori"]).most_common(1)[0][0]


def forwarded_on_time_percent(data: pd.DataFrame) -> float:
    rows = data.dropna(subset=["tanggal_diteruskan"])
    on_time = [
        working_days(received, forwarded) <= 3
        for received, forwarded in zip(
            rows["tanggal_masuk"], rows["tanggal_diteruskan"], strict=True
        )
    ]
    return round(100 * sum(on_time) / len(on_time), 1)


def overdue_per_kelurahan(data: pd.DataFrame) -> pd.Series:
    late = Counter()
    for row in data.itertuples():
        if pd.isna(row.tanggal_diteruskan):
            continue
        until = row.tanggal_ditindaklanjuti
        if pd.isna(until):
            until = lesson.TANGGAL_ACUAN
        if working_days(row.tanggal_diteruskan, until) > 5:
            late[row.kelurahan] += 1
    return pd.Series(late)


def per_month(data: pd.DataFrame) -> pd.Series:
    months = Counter(day.month for day in data["tanggal_masuk"])
    return pd.Series(months).sort_index()


INDEPENDENT: dict[str, Callable[[pd.DataFrame], object]] = {
    "soal_1": per_kelurahan,
    "soal_2": top_category,
    "soal_3": forwarded_on_time_percent,
    "soal_4": overdue_per_kelurahan,
    "soal_5": per_month,
}


# Both seeds happen to have the same most common category.
SAME_FOR_EVERY_SEED = {"soal_2"}


independent_answers = answers_from_data_set("pengaduan", INDEPENDENT)


# -- the lesson as a whole --------------------------------------------------------------------


def test_the_reference_date_closes_the_period_of_the_data():
    last_received = load("pengaduan")["tanggal_masuk"].max()
    assert last_received <= lesson.TANGGAL_ACUAN


# -- plausible wrong answers, written as a learner would -----------------------------------


@pytest.fixture
def pengaduan() -> pd.DataFrame:
    return load("pengaduan")


def test_soal_1_wrong_column_and_wrong_shape(pengaduan):
    q = lesson.soal_1
    q.assert_check_passed(pengaduan.groupby("kelurahan").size())
    q.assert_check_failed(pengaduan["kanal"].value_counts(), "practice.pengaduan.other_column")
    q.assert_check_failed(
        pengaduan["kelurahan"].value_counts().to_dict(), because="practice.wrong_type"
    )
    feedback = q.evaluate(pengaduan["kelurahan"].value_counts().tolist())
    assert feedback.details == ("Jawaban Anda bertipe list, yang diharapkan pandas Series.",)


def test_soal_2_mode_series_and_kelurahan_name(pengaduan):
    q = lesson.soal_2
    q.assert_check_failed(pengaduan["kategori"].mode(), because="practice.series_for_scalar")
    q.assert_check_failed("Terjun", because="practice.pengaduan.not_a_category")
    q.assert_check_failed(top_category(pengaduan).upper(), because="practice.text_case")


def test_soal_3_calendar_days_and_fraction(pengaduan):
    q = lesson.soal_3
    rows = pengaduan[pengaduan["tanggal_diteruskan"].notna()]
    calendar = (rows["tanggal_diteruskan"] - rows["tanggal_masuk"]).dt.days
    feedback = q.evaluate(round((calendar <= 3).mean() * 100, 1))
    assert "practice.pengaduan.calendar_days" in feedback.keys
    assert any("hari kalender, bukan hari kerja" in detail for detail in feedback.details)
    right = forwarded_on_time_percent(pengaduan)
    q.assert_check_failed(right / 100, because="practice.pengaduan.fraction_not_percent")
    q.assert_check_passed(right + 0.04)


def test_soal_4_forgetting_open_complaints(pengaduan):
    q = lesson.soal_4
    closed_late = pengaduan[
        working_days_between(pengaduan["tanggal_diteruskan"], pengaduan["tanggal_ditindaklanjuti"])
        > 5
    ]
    q.assert_check_failed(
        closed_late["kelurahan"].value_counts(), because="practice.pengaduan.open_complaints_missed"
    )


def test_soal_5_unsorted_and_by_period(pengaduan):
    q = lesson.soal_5
    months = pengaduan["tanggal_masuk"].dt.month
    q.assert_check_failed(months.value_counts(), because="practice.wrong_order")
    by_period = pengaduan["tanggal_masuk"].dt.to_period("M").value_counts().sort_index()
    q.assert_check_failed(by_period, because="practice.pengaduan.month_not_number")
