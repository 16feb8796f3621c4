"""The checkers of the complaints lesson accept right answers, explain wrong ones, and take their
expected values from the data rather than from numbers typed into the checker."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import pytest

import kit.practice.pengaduan as lesson
from kit.core.workdays import holidays, working_days_between
from kit.datasets import DEFAULT_SEED, load
from kit.practice.core import Question, ____
from tests.practice_harness import mistake_cases, solution_answer

QUESTIONS: dict[str, Question] = {
    name: getattr(lesson, name)
    for name in lesson.__all__
    if isinstance(getattr(lesson, name), Question)
}
OTHER_SEED = 7


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent computations: plain Python, no kit.core, no value_counts ------------------

HOLIDAYS = {date.fromisoformat(str(day)) for day in holidays()}


def working_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Working days after ``start`` up to and including ``end``, counted day by day."""
    day, count = start.date(), 0
    while day < end.date():
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            count += 1
    return count


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


# -- the lesson as a whole --------------------------------------------------------------------


def test_lesson_declares_at_least_four_exercises_with_an_independent_check():
    assert len(QUESTIONS) >= 4
    assert set(QUESTIONS) == set(INDEPENDENT)


def test_learners_get_the_placeholder_and_the_reference_date_from_the_lesson_module():
    assert lesson.____ is ____
    last_received = load("pengaduan")["tanggal_masuk"].max()
    assert last_received <= lesson.TANGGAL_ACUAN


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_checker_has_hints_solution_and_reads_placeholder_as_not_attempted(name):
    q = QUESTIONS[name]
    assert len(q.hints) >= 2
    assert q.solution_code
    q.assert_check_unattempted(____)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_checker_accepts_an_independently_computed_answer(name):
    QUESTIONS[name].assert_check_passed(INDEPENDENT[name](load("pengaduan")))


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED])
@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_expected_value_follows_the_data(name, seed, monkeypatch):
    """Fed other data, a fresh checker expects that data's answer: nothing is hard-coded."""
    monkeypatch.setattr(lesson, "load", lambda data_set: load(data_set, seed=seed))
    fresh = dataclasses.replace(QUESTIONS[name])
    fresh.assert_check_passed(INDEPENDENT[name](load("pengaduan", seed=seed)))


@pytest.mark.parametrize("name", ["soal_1", "soal_3", "soal_4", "soal_5"])
def test_answer_for_other_data_is_rejected(name):
    other = INDEPENDENT[name](load("pengaduan", seed=OTHER_SEED))
    QUESTIONS[name].assert_check_failed(other)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_solution_code_produces_an_accepted_answer(name):
    q = QUESTIONS[name]
    namespace = {
        "pengaduan": load("pengaduan"),
        "working_days_between": working_days_between,
        "TANGGAL_ACUAN": lesson.TANGGAL_ACUAN,
    }
    q.assert_check_passed(solution_answer(q, namespace))


@pytest.mark.parametrize(
    ("name", "index"),
    mistake_cases(QUESTIONS),
)
def test_each_typical_wrong_value_is_rejected_with_its_own_message(name, index):
    """A typical wrong value must differ from the right one; predicates are tested below."""
    q = QUESTIONS[name]
    mistake = q.mistakes[index]
    q.assert_check_failed(mistake.wrong(), because=mistake.message)


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
