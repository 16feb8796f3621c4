"""Instant exercise checking inside lesson notebooks, in the manner of Kaggle's learntools.

A lesson module declares :class:`Question` objects; learners call ``soal_1.check(jawaban)``,
``soal_1.hint()`` and ``soal_1.solution()``; the authoring notebook tests each checker with the
``assert_check_*`` methods. Every text a learner reads comes from the message catalogue.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import display

from kit.core import message
from kit.practice.toolkit import (
    Incorrect,
    NotAttempted,
    differences,
    incorrect,
    listing,
    raise_all,
)

__all__ = [
    "BLANK",
    "____",
    "Feedback",
    "FeedbackKind",
    "Incorrect",
    "Mistake",
    "NotAttempted",
    "Question",
    "compare_answers",
]


class _Blank:
    """The placeholder learners replace with their answer (``jawaban = ____``)."""

    _instance: _Blank | None = None

    def __new__(cls) -> _Blank:
        # One instance only, so ``value is BLANK`` holds wherever the placeholder was imported.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"


____ = _Blank()
BLANK = ____


class FeedbackKind(StrEnum):
    """What a displayed box reports."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not_attempted"
    HINT = "hint"
    SOLUTION = "solution"


# (text colour, background, plain-text mark) per kind; the heading word carries the meaning too,
# so the boxes stay readable for colour-blind learners.
_LOOK: dict[FeedbackKind, tuple[str, str, str]] = {
    FeedbackKind.CORRECT: ("#1a7f37", "#e6f4ea", "✔"),
    FeedbackKind.INCORRECT: ("#b42318", "#fdecea", "✘"),
    FeedbackKind.NOT_ATTEMPTED: ("#8a5a00", "#fff4d6", "✎"),
    FeedbackKind.HINT: ("#1f5fbf", "#e8f0fe", "?"),
    FeedbackKind.SOLUTION: ("#4b5563", "#f3f4f6", "»"),
}


def _inline_html(text: str) -> str:
    """Escape ``text`` and show `backticked` spans as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


@dataclass(frozen=True)
class Feedback:
    """One coloured box shown under a cell: HTML for JupyterLab, plain text elsewhere."""

    kind: FeedbackKind
    heading: str
    details: tuple[str, ...] = ()
    code: str = ""
    keys: tuple[str, ...] = ()

    def plain_text(self) -> str:
        mark = _LOOK[self.kind][2]
        lines = [f"{mark} {self.heading}"]
        bullet = "  - " if len(self.details) > 1 else "  "
        lines += [bullet + detail for detail in self.details]
        if self.code:
            lines += ["    " + line for line in self.code.splitlines()]
        return "\n".join(lines)

    def html(self) -> str:
        colour, background, _ = _LOOK[self.kind]
        parts = [
            f'<div style="border-left: 5px solid {colour}; background: {background}; '
            'color: #1f2328; padding: 0.5em 0.9em; margin: 0.3em 0; border-radius: 3px">',
            f'<strong style="color: {colour}">{_inline_html(self.heading)}</strong>',
        ]
        if len(self.details) == 1:
            parts.append(f'<div style="margin-top: 0.3em">{_inline_html(self.details[0])}</div>')
        elif self.details:
            items = "".join(f"<li>{_inline_html(d)}</li>" for d in self.details)
            parts.append(f'<ul style="margin: 0.3em 0">{items}</ul>')
        if self.code:
            parts.append(
                '<pre style="background: #ffffff; padding: 0.5em; margin: 0.4em 0 0">'
                f"<code>{html.escape(self.code)}</code></pre>"
            )
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/plain": self.plain_text(), "text/html": self.html()}

    def __str__(self) -> str:
        return self.plain_text()


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer and the catalogue message that explains it.

    Give either ``wrong``, a callable computing the wrong value from kit data (an answer equal to
    it gets the message), or ``applies``, a predicate on the answer.
    """

    message: str
    wrong: Callable[[], object] | None = None
    applies: Callable[[Any], bool] | None = None

    def __post_init__(self) -> None:
        if (self.wrong is None) == (self.applies is None):
            raise ValueError(f"Mistake '{self.message}' needs exactly one of `wrong` or `applies`")
        message(self.message)  # fails early, with the key, if the catalogue lacks it


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _type_label(value: object, *, expected: bool = False) -> str:
    if isinstance(value, pd.DataFrame):
        return "pandas DataFrame"
    if isinstance(value, pd.Series):
        return "pandas Series"
    if expected and _is_number(value):
        return message("practice.type_number")
    if expected and isinstance(value, str):
        return message("practice.type_text")
    return type(value).__name__


def _check_type(answer: object, expected: object) -> None:
    if answer is None:
        raise incorrect("practice.answer_none")
    if isinstance(expected, pd.Series) and isinstance(answer, pd.DataFrame):
        raise incorrect("practice.dataframe_for_series")
    scalar_expected = _is_number(expected) or isinstance(expected, str)
    if scalar_expected and isinstance(answer, pd.Series) and len(answer) == 1:
        raise incorrect("practice.series_for_scalar")
    if isinstance(expected, (pd.Series, pd.DataFrame)):
        fits = isinstance(answer, type(expected))
    elif _is_number(expected):
        fits = _is_number(answer)
    elif isinstance(expected, str):
        fits = isinstance(answer, str)
    else:
        fits = isinstance(answer, type(expected))
    if not fits:
        raise incorrect(
            "practice.wrong_type",
            got=_type_label(answer),
            expected=_type_label(expected, expected=True),
        )


def _check_labels(answer: pd.Index, expected: pd.Index) -> None:
    duplicated = answer[answer.duplicated()].unique().tolist()
    if duplicated:
        raise incorrect("practice.duplicate_labels", labels=listing(duplicated))
    raise_all(
        differences(
            answer, expected, missing="practice.missing_labels", extra="practice.extra_labels"
        )
    )


def _differing_labels(answer: pd.Series, expected: pd.Series, tolerance: float) -> list[object]:
    """Labels of ``expected`` whose value ``answer`` (same labels) does not match."""
    answer = answer.reindex(expected.index)
    numeric = pd.api.types.is_numeric_dtype(answer) and pd.api.types.is_numeric_dtype(expected)
    if numeric:
        # Comparing as float makes int64, Int64 and float64 answers equal when their values are.
        a = answer.to_numpy(dtype="float64", na_value=np.nan)
        e = expected.to_numpy(dtype="float64", na_value=np.nan)
        same = np.isclose(a, e, rtol=0.0, atol=tolerance, equal_nan=True)
    else:
        same = [
            (pd.isna(a) and pd.isna(e)) if pd.isna(a) or pd.isna(e) else bool(a == e)
            for a, e in zip(answer.tolist(), expected.tolist(), strict=True)
        ]
    return [label for label, ok in zip(expected.index.tolist(), same, strict=True) if not ok]


def _check_order(answer: pd.Index, expected: pd.Index) -> None:
    if answer.tolist() != expected.tolist():
        raise incorrect("practice.wrong_order", order=listing(expected.tolist()))


def _compare_series(
    answer: pd.Series,
    expected: pd.Series,
    *,
    tolerance: float,
    ordered: bool,
    missing_as_zero: bool,
) -> None:
    if missing_as_zero and not answer.index.has_duplicates:
        # A count Series may leave out labels whose count is 0 (value_counts does).
        labels = expected.index.union(answer.index, sort=False)
        answer = answer.reindex(labels, fill_value=0)
        expected = expected.reindex(labels, fill_value=0)
    _check_labels(answer.index, expected.index)
    wrong = _differing_labels(answer, expected, tolerance)
    if wrong:
        raise incorrect("practice.series_values", labels=listing(wrong))
    if ordered:
        _check_order(answer.index, expected.index)


def _compare_frames(
    answer: pd.DataFrame, expected: pd.DataFrame, *, tolerance: float, ordered: bool
) -> None:
    raise_all(
        differences(
            answer.columns,
            expected.columns,
            missing="practice.missing_columns",
            extra="practice.extra_columns",
            field="columns",
        )
    )
    _check_labels(answer.index, expected.index)
    for column in expected.columns:
        wrong = _differing_labels(answer[column], expected[column], tolerance)
        if wrong:
            raise incorrect("practice.frame_values", column=column, labels=listing(wrong))
    if ordered:
        _check_order(answer.index, expected.index)


def compare_answers(
    answer: object,
    expected: object,
    *,
    tolerance: float = 1e-6,
    ordered: bool = False,
    missing_as_zero: bool = False,
) -> None:
    """Raise :class:`Incorrect` with the reason when ``answer`` does not match ``expected``.

    Numbers match within the absolute ``tolerance``. Series and DataFrames match on labels and
    values, ignoring names, dtypes (``int64`` vs ``Int64``) and, unless ``ordered``, row order;
    ``missing_as_zero`` lets a count Series leave out labels whose count is 0.
    """
    _check_type(answer, expected)
    if isinstance(expected, pd.Series):
        _compare_series(
            answer,
            expected,
            tolerance=tolerance,
            ordered=ordered,
            missing_as_zero=missing_as_zero,
        )
    elif isinstance(expected, pd.DataFrame):
        _compare_frames(answer, expected, tolerance=tolerance, ordered=ordered)
    elif _is_number(expected):
        given = float(answer)
        if not math.isclose(given, float(expected), rel_tol=0.0, abs_tol=tolerance):
            raise incorrect("practice.wrong_value", answer=answer)
    elif isinstance(expected, str):
        assert isinstance(answer, str)
        if answer != expected:
            if answer.strip().casefold() == expected.strip().casefold():
                raise incorrect("practice.text_case", answer=answer)
            raise incorrect("practice.wrong_text", answer=answer)
    elif not bool(answer == expected):
        raise incorrect("practice.wrong_answer")


@dataclass(eq=False)
class Question:
    """One exercise: how to compute the expected answer, how to compare, hints and solution.

    ``expected`` is called once, on first use, so expected values come from kit data rather
    than numbers typed into the lesson. ``compare``, if given, replaces :func:`compare_answers`
    and must raise :class:`Incorrect` for a wrong answer.
    """

    title: str
    expected: Callable[[], object]
    hints: Sequence[str] = ()
    solution_code: str = ""
    mistakes: Sequence[Mistake] = ()
    tolerance: float = 1e-6
    ordered: bool = False
    missing_as_zero: bool = False
    compare: Callable[[object, object], None] | None = None
    _cache: dict[object, object] = field(default_factory=dict, init=False, repr=False)
    _hints_shown: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.tolerance < 0:
            raise ValueError(f"{self.title}: tolerance must not be negative")
        self.hints = tuple(self.hints)
        self.mistakes = tuple(self.mistakes)

    # -- what the checker knows -------------------------------------------------------------

    def expected_value(self) -> object:
        """The expected answer, computed on first use."""
        if "expected" not in self._cache:
            self._cache["expected"] = self.expected()
        return self._cache["expected"]

    def _wrong_value(self, index: int) -> object:
        key = ("wrong", index)
        if key not in self._cache:
            self._cache[key] = self.mistakes[index].wrong()
        return self._cache[key]

    def _compare(self, answer: object, expected: object) -> None:
        if self.compare is not None:
            self.compare(answer, expected)
        else:
            compare_answers(
                answer,
                expected,
                tolerance=self.tolerance,
                ordered=self.ordered,
                missing_as_zero=self.missing_as_zero,
            )

    def _matches(self, index: int, answer: object) -> bool:
        mistake = self.mistakes[index]
        if mistake.applies is not None:
            try:
                return bool(mistake.applies(answer))
            except Exception:  # a predicate written for one shape of answer meets another
                return False
        wrong = self._wrong_value(index)
        try:
            self._compare(answer, wrong)
        except Exception:
            return False
        return True

    def _judge(self, answer: object) -> None:
        """Return if ``answer`` is right; raise :class:`NotAttempted` or :class:`Incorrect`."""
        if answer is BLANK:
            raise NotAttempted
        expected = self.expected_value()
        try:
            self._compare(answer, expected)
        except Incorrect:
            matched = [m for i, m in enumerate(self.mistakes) if self._matches(i, answer)]
            if matched:
                raise Incorrect(
                    [message(m.message) for m in matched], [m.message for m in matched]
                ) from None
            raise
        except Exception:
            # Learners hand in anything; an answer the comparison cannot digest is still wrong.
            raise incorrect("practice.uncomparable") from None

    # -- learner API --------------------------------------------------------------------

    def evaluate(self, answer: object) -> Feedback:
        """The feedback :meth:`check` would show for ``answer``."""
        try:
            self._judge(answer)
        except NotAttempted:
            return Feedback(
                FeedbackKind.NOT_ATTEMPTED,
                message("practice.not_attempted"),
                (message("practice.replace_blank"),),
            )
        except Incorrect as wrong:
            heading = message("practice.incorrect")
            if len(wrong.reasons) > 1:
                heading += " " + message("practice.possible_causes")
            return Feedback(FeedbackKind.INCORRECT, heading, wrong.reasons, keys=wrong.keys)
        return Feedback(FeedbackKind.CORRECT, message("practice.correct"))

    def check(self, answer: object) -> None:
        """Show whether ``answer`` is right, wrong (and why) or not attempted yet."""
        display(self.evaluate(answer))

    def hint(self) -> None:
        """Show the next hint; after the last one, show the last one again."""
        if not self.hints:
            display(Feedback(FeedbackKind.HINT, message("practice.no_hint")))
            return
        self._hints_shown = min(self._hints_shown + 1, len(self.hints))
        number, total = self._hints_shown, len(self.hints)
        details = [self.hints[number - 1]]
        if number == total:
            details.append(message("practice.hint_last"))
        heading = message("practice.hint_heading", number=number, total=total)
        display(Feedback(FeedbackKind.HINT, heading, tuple(details)))

    def solution(self) -> None:
        """Show the solution code."""
        if not self.solution_code:
            display(
                Feedback(
                    FeedbackKind.SOLUTION,
                    message("practice.solution_heading"),
                    (message("practice.no_solution"),),
                )
            )
            return
        display(
            Feedback(
                FeedbackKind.SOLUTION,
                message("practice.solution_heading"),
                code=self.solution_code.strip(),
            )
        )

    # -- self-test API for the authoring notebook -----------------------------------------

    def _assert_kind(self, answer: object, kind: FeedbackKind) -> Feedback:
        feedback = self.evaluate(answer)
        if feedback.kind is not kind:
            raise AssertionError(
                f"{self.title}: the check should report {kind.value} for {answer!r}, "
                f"but reported {feedback.kind.value}: {feedback.plain_text()}"
            )
        return feedback

    def assert_check_passed(self, answer: object) -> None:
        """Fail unless ``answer`` is accepted."""
        self._assert_kind(answer, FeedbackKind.CORRECT)

    def assert_check_failed(self, answer: object, because: str | None = None) -> None:
        """Fail unless ``answer`` is rejected (with message key ``because``, if given)."""
        feedback = self._assert_kind(answer, FeedbackKind.INCORRECT)
        if because is not None and because not in feedback.keys:
            raise AssertionError(
                f"{self.title}: the answer was rejected with {feedback.keys}, not with {because!r}"
            )

    def assert_check_unattempted(self, answer: object = BLANK) -> None:
        """Fail unless ``answer`` reads as not attempted."""
        self._assert_kind(answer, FeedbackKind.NOT_ATTEMPTED)
