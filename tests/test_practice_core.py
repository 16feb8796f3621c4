"""The exercise-checking core: outcomes, comparisons, typical mistakes, hints and self-test API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kit.practice import core
from kit.practice.core import (
    BLANK,
    Feedback,
    FeedbackKind,
    Incorrect,
    Mistake,
    Question,
    ____,
)

# A catalogue message without placeholders, to stand in for a lesson's typical-mistake text.
MISTAKE_KEY = "practice.pengaduan.calendar_days"
OTHER_MISTAKE_KEY = "practice.pengaduan.strictly_less"


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Feedback]:
    """What the questions display, instead of printing it."""
    boxes: list[Feedback] = []
    monkeypatch.setattr(core, "display", boxes.append)
    return boxes


def question(expected: object, **options: object) -> Question:
    return Question(title="Soal uji", expected=lambda: expected, **options)


def kind(q: Question, answer: object) -> FeedbackKind:
    return q.evaluate(answer).kind


def keys(q: Question, answer: object) -> tuple[str, ...]:
    return q.evaluate(answer).keys


def counts(**values: int) -> pd.Series:
    return pd.Series(values, dtype="int64")


# -- outcomes ---------------------------------------------------------------------------------


def test_placeholder_is_one_object_shown_as_blanks():
    assert BLANK is ____
    assert type(____)() is ____
    assert repr(____) == "____"


def test_untouched_answer_is_not_attempted_rather_than_wrong():
    q = question(3)
    feedback = q.evaluate(____)
    assert feedback.kind is FeedbackKind.NOT_ATTEMPTED
    assert feedback.heading == "Belum dikerjakan."
    assert "____" in feedback.details[0]


def test_correct_and_incorrect_answers():
    q = question(3)
    assert kind(q, 3) is FeedbackKind.CORRECT
    assert q.evaluate(3).heading == "Benar!"
    wrong = q.evaluate(4)
    assert wrong.kind is FeedbackKind.INCORRECT
    assert wrong.heading == "Belum tepat."
    assert wrong.keys == ("practice.wrong_value",)
    assert "(4)" in wrong.details[0]


def test_check_displays_feedback_and_never_raises_for_a_wrong_answer(shown):
    q = question(pd.Series({"a": 1}))
    for answer in (____, [1], None, "a", pd.Series({"a": 1})):
        assert q.check(answer) is None
    assert [box.kind for box in shown] == [
        FeedbackKind.NOT_ATTEMPTED,
        FeedbackKind.INCORRECT,
        FeedbackKind.INCORRECT,
        FeedbackKind.INCORRECT,
        FeedbackKind.CORRECT,
    ]


def test_an_answer_the_comparison_cannot_digest_is_reported_as_wrong():
    def broken(answer: object, expected: object) -> None:
        raise RuntimeError("comparison crashed")

    q = question(1, compare=broken)
    assert keys(q, 1) == ("practice.uncomparable",)


def test_a_custom_comparison_reports_through_incorrect():
    def same_parity(answer: object, expected: object) -> None:
        if int(answer) % 2 != int(expected) % 2:
            raise Incorrect(["ganjil/genap berbeda"], ["uji.paritas"])

    q = question(2, compare=same_parity)
    assert kind(q, 10) is FeedbackKind.CORRECT
    assert q.evaluate(3).details == ("ganjil/genap berbeda",)


# -- comparisons ------------------------------------------------------------------------------


def test_floats_match_within_tolerance():
    q = question(0.1 + 0.2)
    assert kind(q, 0.3) is FeedbackKind.CORRECT
    assert kind(q, np.float64(0.3)) is FeedbackKind.CORRECT
    assert kind(q, 0.31) is FeedbackKind.INCORRECT

    rounded = question(77.0, tolerance=0.05)
    assert kind(rounded, 77.04) is FeedbackKind.CORRECT
    assert kind(rounded, 77.1) is FeedbackKind.INCORRECT


def test_integers_accept_numpy_and_float_forms_but_not_booleans():
    q = question(5)
    assert kind(q, np.int64(5)) is FeedbackKind.CORRECT
    assert kind(q, 5.0) is FeedbackKind.CORRECT
    assert keys(question(1), True) == ("practice.wrong_type",)


def test_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="tolerance"):
        question(1, tolerance=-1)


def test_series_match_ignores_order_names_and_dtype():
    expected = pd.Series({"Terjun": 5, "Paya Pasir": 3}, dtype="Int64", name="count").rename_axis(
        "kelurahan"
    )
    q = question(expected)
    answer = pd.Series([3, 5], index=["Paya Pasir", "Terjun"], dtype="int64", name="no_tiket")
    assert kind(q, answer) is FeedbackKind.CORRECT
    assert kind(q, answer.astype("float64")) is FeedbackKind.CORRECT
    string_labels = answer.set_axis(pd.Index(["Paya Pasir", "Terjun"], dtype="string"))
    assert kind(q, string_labels) is FeedbackKind.CORRECT


def test_series_labels_and_values_are_explained():
    q = question(counts(a=1, b=2, c=3))
    missing = q.evaluate(counts(a=1, b=2))
    assert missing.keys == ("practice.missing_labels",)
    assert missing.details == ("Label (indeks) yang belum ada: c.",)

    extra = q.evaluate(counts(a=1, b=2, c=3, d=4))
    assert extra.keys == ("practice.extra_labels",)
    assert "d" in extra.details[0]

    values = q.evaluate(counts(a=1, b=5, c=3))
    assert values.keys == ("practice.series_values",)
    assert values.details == ("Labelnya sudah benar, tetapi nilainya belum tepat untuk: b.",)


def test_series_with_repeated_labels_is_explained():
    q = question(counts(a=1, b=2))
    repeated = pd.Series([1, 2, 2], index=["a", "b", "b"])
    assert keys(q, repeated) == ("practice.duplicate_labels",)


def test_long_label_lists_are_shortened():
    q = question(pd.Series(range(10), index=list("abcdefghij")))
    details = q.evaluate(pd.Series(dtype="int64")).details[0]
    assert details == "Label (indeks) yang belum ada: a, b, c, d, e, …, j."


def test_ordered_series_must_keep_the_expected_order():
    q = question(counts(a=1, b=2, c=3), ordered=True)
    assert kind(q, counts(a=1, b=2, c=3)) is FeedbackKind.CORRECT
    reversed_order = q.evaluate(counts(c=3, b=2, a=1))
    assert reversed_order.keys == ("practice.wrong_order",)
    assert "a, b, c" in reversed_order.details[0]
    # Order is only mentioned once the content is right.
    assert keys(q, counts(c=9, b=2, a=1)) == ("practice.series_values",)


def test_count_series_may_leave_out_zero_counts():
    q = question(counts(a=2, b=0), missing_as_zero=True)
    assert kind(q, counts(a=2)) is FeedbackKind.CORRECT
    assert kind(q, counts(a=2, b=0)) is FeedbackKind.CORRECT
    assert kind(q, counts(a=2, c=0)) is FeedbackKind.CORRECT
    assert kind(q, counts(a=2, b=1)) is FeedbackKind.INCORRECT


def test_dataframes_compare_by_columns_and_rows_in_any_order():
    expected = pd.DataFrame({"kelurahan": ["Terjun", "Paya Pasir"], "jumlah": [5, 3]})
    q = question(expected)
    shuffled = expected.iloc[::-1][["jumlah", "kelurahan"]].astype({"jumlah": "Int64"})
    assert kind(q, shuffled) is FeedbackKind.CORRECT
    assert keys(q, expected[["kelurahan"]]) == ("practice.missing_columns",)
    assert keys(q, expected.assign(lain=1)) == ("practice.extra_columns",)
    wrong = q.evaluate(expected.assign(jumlah=[5, 4]))
    assert wrong.keys == ("practice.frame_values",)
    assert "jumlah" in wrong.details[0]


def test_text_answers_and_near_misses():
    q = question("Administrasi Kependudukan")
    assert kind(q, "Administrasi Kependudukan") is FeedbackKind.CORRECT
    assert keys(q, " administrasi kependudukan") == ("practice.text_case",)
    assert keys(q, "Drainase dan Banjir") == ("practice.wrong_text",)


# -- type checks ------------------------------------------------------------------------------


def test_type_mismatch_names_both_types():
    q = question(counts(a=1))
    feedback = q.evaluate([1])
    assert feedback.keys == ("practice.wrong_type",)
    assert feedback.details == ("Jawaban Anda bertipe list, yang diharapkan pandas Series.",)
    assert question(1.5).evaluate("1.5").details == (
        "Jawaban Anda bertipe str, yang diharapkan bilangan (int atau float).",
    )


def test_type_mismatch_in_english(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KIT_LANG", "en")
    feedback = question(counts(a=1)).evaluate([1])
    assert feedback.details == ("Your answer is of type list; expected pandas Series.",)
    assert feedback.heading == "Not quite."


def test_common_shape_confusions_get_their_own_message():
    series_q = question(counts(a=1))
    assert keys(series_q, pd.DataFrame({"a": [1]})) == ("practice.dataframe_for_series",)
    assert keys(question("teks"), pd.Series(["teks"])) == ("practice.series_for_scalar",)
    assert keys(question(3), pd.Series([3])) == ("practice.series_for_scalar",)
    assert keys(question(3), None) == ("practice.answer_none",)


# -- typical mistakes -------------------------------------------------------------------------


def test_typical_mistake_by_wrong_value_gets_its_feedback():
    q = question(10, mistakes=[Mistake(MISTAKE_KEY, wrong=lambda: 14)])
    feedback = q.evaluate(14)
    assert feedback.keys == (MISTAKE_KEY,)
    assert "hari kalender" in feedback.details[0]
    assert keys(q, 13) == ("practice.wrong_value",)


def test_typical_mistake_by_predicate_gets_its_feedback():
    q = question(77.0, mistakes=[Mistake(MISTAKE_KEY, applies=lambda answer: answer < 1)])
    assert keys(q, 0.77) == (MISTAKE_KEY,)
    assert keys(q, 50.0) == ("practice.wrong_value",)


def test_every_matching_mistake_is_listed():
    q = question(
        10,
        mistakes=[
            Mistake(MISTAKE_KEY, wrong=lambda: 14),
            Mistake(OTHER_MISTAKE_KEY, applies=lambda answer: answer > 12),
        ],
    )
    feedback = q.evaluate(14)
    assert feedback.keys == (MISTAKE_KEY, OTHER_MISTAKE_KEY)
    assert feedback.heading == "Belum tepat. Kemungkinan penyebabnya:"
    assert len(feedback.details) == 2


def test_mistakes_are_consulted_only_for_wrong_answers():
    q = question(10, mistakes=[Mistake(MISTAKE_KEY, applies=lambda answer: True)])
    assert kind(q, 10) is FeedbackKind.CORRECT
    assert keys(q, 11) == (MISTAKE_KEY,)


def test_a_predicate_that_crashes_does_not_match():
    q = question(10, mistakes=[Mistake(MISTAKE_KEY, applies=lambda answer: answer.nope)])
    assert keys(q, 11) == ("practice.wrong_value",)


def test_mistakes_are_validated_when_declared():
    with pytest.raises(KeyError):
        Mistake("practice.no_such_message", wrong=lambda: 1)
    with pytest.raises(ValueError, match="exactly one"):
        Mistake(MISTAKE_KEY)
    with pytest.raises(ValueError, match="exactly one"):
        Mistake(MISTAKE_KEY, wrong=lambda: 1, applies=lambda answer: True)


def test_expected_and_wrong_values_are_computed_lazily_and_once():
    calls = {"expected": 0, "wrong": 0}

    def expected() -> int:
        calls["expected"] += 1
        return 10

    def wrong() -> int:
        calls["wrong"] += 1
        return 14

    q = Question(title="malas", expected=expected, mistakes=[Mistake(MISTAKE_KEY, wrong=wrong)])
    assert calls == {"expected": 0, "wrong": 0}
    for answer in (14, 13, 10):
        q.evaluate(answer)
    assert calls == {"expected": 1, "wrong": 1}
    assert q.expected_value() == 10


# -- hints and solution -----------------------------------------------------------------------


def test_hints_come_one_after_another(shown):
    q = question(1, hints=["Pertama.", "Kedua."])
    q.hint()
    q.hint()
    q.hint()
    assert [box.kind for box in shown] == [FeedbackKind.HINT] * 3
    assert [box.heading for box in shown] == [
        "Petunjuk 1 dari 2",
        "Petunjuk 2 dari 2",
        "Petunjuk 2 dari 2",
    ]
    assert shown[0].details == ("Pertama.",)
    assert shown[1].details[0] == "Kedua."
    assert "petunjuk terakhir" in shown[1].details[1]


def test_question_without_hints_says_so(shown):
    question(1).hint()
    assert shown[0].heading == "Belum ada petunjuk untuk soal ini."


def test_solution_shows_code(shown):
    question(1, solution_code="jawaban = 1\n").solution()
    question(1).solution()
    assert shown[0].kind is FeedbackKind.SOLUTION
    assert shown[0].heading == "Solusi"
    assert shown[0].code == "jawaban = 1"
    assert shown[1].details == ("Solusi untuk soal ini belum tersedia.",)


# -- rendering --------------------------------------------------------------------------------


def test_feedback_renders_coloured_html_with_a_plain_text_fallback():
    feedback = Feedback(
        FeedbackKind.INCORRECT, "Belum tepat.", ("Pakai `<= 3` & bukan `< 3`.",), code="x = 1"
    )
    bundle = feedback._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    html = bundle["text/html"]
    assert "#b42318" in html
    assert "<code>&lt;= 3</code> &amp; bukan <code>&lt; 3</code>" in html
    assert "<pre" in html
    assert bundle["text/plain"] == str(feedback)
    assert str(feedback).startswith("✘ Belum tepat.")
    assert "x = 1" in str(feedback)


def test_outside_a_notebook_feedback_is_printed(capsys: pytest.CaptureFixture[str]):
    question(1).check(2)
    assert "Belum tepat." in capsys.readouterr().out


# -- self-test API ----------------------------------------------------------------------------


def test_self_test_helpers_pass_silently_when_the_checker_behaves():
    q = question(10, mistakes=[Mistake(MISTAKE_KEY, wrong=lambda: 14)])
    q.assert_check_unattempted(____)
    q.assert_check_unattempted()
    q.assert_check_passed(10)
    q.assert_check_failed(11)
    q.assert_check_failed(14, because=MISTAKE_KEY)


def test_self_test_helpers_raise_when_the_checker_misbehaves():
    q = question(10, mistakes=[Mistake(MISTAKE_KEY, wrong=lambda: 14)])
    with pytest.raises(AssertionError, match="should report correct"):
        q.assert_check_passed(11)
    with pytest.raises(AssertionError, match="should report incorrect"):
        q.assert_check_failed(10)
    with pytest.raises(AssertionError, match="should report incorrect"):
        q.assert_check_failed(____)
    with pytest.raises(AssertionError, match="not with"):
        q.assert_check_failed(11, because=MISTAKE_KEY)
    with pytest.raises(AssertionError, match="should report not_attempted"):
        q.assert_check_unattempted(10)
