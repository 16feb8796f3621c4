"""The lesson-checker toolkit: messages by key, merged reasons, listed labels, and the checks
several lessons share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kit.core import message
from kit.practice.toolkit import (
    Incorrect,
    LessonMessages,
    boolean_mask,
    choice_comparison,
    chose,
    differences,
    fraction_not_percent,
    incorrect,
    joined,
    listing,
    raise_all,
)


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


def test_incorrect_carries_the_catalogue_text_and_its_key():
    wrong = incorrect("practice.missing_labels", labels="c")
    assert wrong.reasons == ("Label (indeks) yang belum ada: c.",)
    assert wrong.keys == ("practice.missing_labels",)


def test_lesson_messages_name_keys_without_their_prefix_even_with_a_name_placeholder():
    otomasi = LessonMessages("practice.m05_otomasi.")
    assert otomasi.key("zip_missing") == "practice.m05_otomasi.zip_missing"
    wrong = otomasi("only_one_letter", name="undangan_01.txt")  # the message has {name}
    assert wrong.keys == ("practice.m05_otomasi.only_one_letter",)
    assert "undangan_01.txt" in wrong.reasons[0]
    assert otomasi.text("part.jam") == message("practice.m05_otomasi.part.jam")


def test_joined_keeps_every_reason_in_order_and_raise_all_only_when_there_is_one():
    first = incorrect("practice.missing_labels", labels="a")
    second = incorrect("practice.extra_labels", labels="b")
    merged = joined([first, second])
    assert merged.keys == ("practice.missing_labels", "practice.extra_labels")
    assert merged.reasons == first.reasons + second.reasons
    raise_all([])
    with pytest.raises(Incorrect) as caught:
        raise_all([first, second])
    assert caught.value.keys == merged.keys


def test_listing_elides_the_middle_and_may_show_code():
    assert listing(["a", "b"]) == "a, b"
    assert listing("abcdefghij") == "a, b, c, d, e, …, j"
    assert listing(range(10), shown=4, code=True) == "`0`, `1`, `2`, …, `9`"


def test_differences_names_missing_then_extra_in_their_own_order():
    problems = differences(
        ["c", "x", "a"],
        ["a", "b", "c", "d"],
        missing="practice.missing_labels",
        extra="practice.extra_labels",
    )
    assert [p.keys for p in problems] == [("practice.missing_labels",), ("practice.extra_labels",)]
    assert problems[0].reasons == ("Label (indeks) yang belum ada: b, d.",)
    assert "x" in problems[1].reasons[0]
    same = differences([1, 2], pd.Index([2, 1]), missing="practice.missing_labels", extra="x")
    assert same == []


def test_differences_treat_missing_values_as_equal_and_accept_tuples():
    labels = pd.Index([("Terjun", "Jalan"), ("Terjun", np.nan)])
    assert differences(labels, labels.copy(), missing="practice.missing_labels", extra="x") == []


@pytest.mark.parametrize(
    ("answer", "looks_like_a_fraction"),
    [
        (0.42, True),
        (-0.1, True),
        (1, True),
        (42.0, False),
        (0, False),
        (True, False),
        ("0.4", False),
        (pd.Series([0.2, 0.9]), True),
        (pd.Series([0.2, 45.0]), False),
        (pd.Series([0.0, 0.0]), False),
        (pd.Series([True, False]), False),
    ],
)
def test_fraction_not_percent(answer, looks_like_a_fraction):
    assert fraction_not_percent(answer) is looks_like_a_fraction


def test_boolean_mask():
    assert boolean_mask(pd.Series([True, False]))
    assert not boolean_mask(pd.Series([1, 0]))
    assert not boolean_mask(pd.DataFrame({"a": [True]}))


def test_multiple_choice_accepts_a_letter_in_any_usual_form():
    compare = choice_comparison("abcd", not_a_choice="practice.m06_keamanan.not_a_choice")
    for accepted in ("c", "C", " c", "c.", "c)", "C. "):
        compare(accepted, "c")
    with pytest.raises(Incorrect) as caught:
        compare("b", "c")
    assert caught.value.keys == ("practice.wrong_text",)
    with pytest.raises(Incorrect) as caught:
        compare("jawaban c", "c")
    assert caught.value.keys == ("practice.m06_keamanan.not_a_choice",)
    with pytest.raises(Incorrect) as caught:
        compare(3, "c")
    assert caught.value.keys == ("practice.wrong_type",)
    assert chose("A")(" a.") and not chose("A")("b") and not chose("A")(1)
