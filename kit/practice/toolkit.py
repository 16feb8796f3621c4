"""The lesson-checker toolkit: how a checker says why an answer is wrong, and the small checks
several lessons share.

A checker module reports a wrong answer by raising :class:`Incorrect` built from catalogue
messages: :func:`incorrect` for one message, :class:`LessonMessages` for the messages under the
lesson's own key prefix, :func:`joined` to report several reasons at once (or
:func:`raise_all`), :func:`differences` for what is missing and what is too much, and
:func:`listing` to name labels in a message. Typical mistakes reuse :func:`fraction_not_percent`
and :func:`boolean_mask`; multiple-choice questions use :func:`choice_comparison` and
:func:`chose`. :mod:`kit.practice.core` builds its comparisons from the same pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from kit.core import message

__all__ = [
    "LABELS_SHOWN",
    "Incorrect",
    "LessonMessages",
    "NotAttempted",
    "boolean_mask",
    "choice_comparison",
    "chose",
    "differences",
    "fraction_not_percent",
    "incorrect",
    "joined",
    "listing",
    "raise_all",
]

LABELS_SHOWN = 6
"""How many labels a message lists before it elides the middle ones."""


class NotAttempted(Exception):
    """The answer is still the placeholder ``____``."""


class Incorrect(Exception):
    """The answer is wrong; ``reasons`` say why (catalogue text), ``keys`` name the messages."""

    def __init__(self, reasons: Sequence[str], keys: Sequence[str] = ()) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = tuple(reasons)
        self.keys = tuple(keys)


def incorrect(key: str, /, **values: object) -> Incorrect:
    """The :class:`Incorrect` carrying catalogue message ``key`` filled with ``values``."""
    return Incorrect([message(key, **values)], [key])


@dataclass(frozen=True)
class LessonMessages:
    """The catalogue messages of one lesson, named without their common prefix.

    ``_wrong = LessonMessages("practice.m04_visualisasi.")`` then ``raise _wrong("no_title")``.
    The contract test (``tests/test_lesson_checkers.py``) reads these calls to check that every
    key exists in both languages, so pass the name as a literal (or literal + variable).
    """

    prefix: str

    # Positional-only, so a message may have a ``{name}`` placeholder of its own.
    def __call__(self, name: str, /, **values: object) -> Incorrect:
        return incorrect(self.prefix + name, **values)

    def key(self, name: str, /) -> str:
        """The full catalogue key, e.g. for :class:`~kit.practice.core.Mistake`."""
        return self.prefix + name

    def text(self, name: str, /, **values: object) -> str:
        """The message itself, for text that is not a reason (headings, labels)."""
        return message(self.prefix + name, **values)


def joined(problems: Iterable[Incorrect]) -> Incorrect:
    """One :class:`Incorrect` holding every reason and key of ``problems``, in order."""
    problems = list(problems)
    reasons = [reason for problem in problems for reason in problem.reasons]
    return Incorrect(reasons, [key for problem in problems for key in problem.keys])


def raise_all(problems: Iterable[Incorrect]) -> None:
    """Raise every reason of ``problems`` at once; do nothing when there is none."""
    problems = list(problems)
    if problems:
        raise joined(problems)


def listing(labels: Iterable[object], *, shown: int = LABELS_SHOWN, code: bool = False) -> str:
    """``a, b, c`` for a message; past ``shown`` labels the middle ones become ``…``.

    ``code`` shows each label as `code` (file names, template fields).
    """
    texts = [f"`{label}`" if code else str(label) for label in labels]
    if len(texts) > shown:
        texts = [*texts[: shown - 1], "…", texts[-1]]
    return ", ".join(texts)


def differences(
    got: Iterable[object],
    wanted: Iterable[object],
    *,
    missing: str,
    extra: str,
    field: str = "labels",
    shown: int = LABELS_SHOWN,
    code: bool = False,
) -> list[Incorrect]:
    """What ``wanted`` holds that ``got`` lacks (message ``missing``) and what ``got`` holds
    beyond ``wanted`` (message ``extra``), each listed in its own order under ``field``."""
    # pandas' set operations keep the labels' order and treat missing values (NaN) as equal.
    got_index, wanted_index = _index(got), _index(wanted)
    problems = []
    for key, labels in (
        (missing, wanted_index.difference(got_index, sort=False)),
        (extra, got_index.difference(wanted_index, sort=False)),
    ):
        if len(labels):
            text = listing(labels.tolist(), shown=shown, code=code)
            problems.append(incorrect(key, **{field: text}))
    return problems


def _index(labels: Iterable[object]) -> pd.Index:
    return labels if isinstance(labels, pd.Index) else pd.Index(list(labels), dtype=object)


# -- typical mistakes several lessons share --------------------------------------------------


def fraction_not_percent(answer: object) -> bool:
    """Whether a percentage answer was given as a fraction: every value between -1 and 1.

    Works for one number and for a Series of them; all zeros say nothing, so they do not count.
    """
    values = answer if isinstance(answer, pd.Series) else pd.Series([answer], dtype=object)
    values = values.infer_objects()
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return False
    numbers = values.dropna()
    return len(numbers) > 0 and bool(numbers.abs().le(1).all()) and bool(numbers.ne(0).any())


def boolean_mask(answer: object) -> bool:
    """Whether ``answer`` is a True/False Series: the condition, where its rows were asked for."""
    return isinstance(answer, pd.Series) and pd.api.types.is_bool_dtype(answer)


# -- multiple choice -------------------------------------------------------------------------


def _letter(answer: str) -> str:
    # "c", " C", "c." and "c)" all name choice c.
    return answer.strip().strip(".)").strip().casefold()


def choice_comparison(choices: str, not_a_choice: str) -> Callable[[object, object], None]:
    """A ``compare`` for a multiple-choice :class:`~kit.practice.core.Question`.

    The answer is one of ``choices`` (letters, any case, with or without ``.`` or ``)``);
    anything else is reported with catalogue message ``not_a_choice``.
    """
    letters = {letter.casefold() for letter in choices}

    def compare(answer: object, expected: object) -> None:
        if not isinstance(answer, str):
            raise incorrect(
                "practice.wrong_type",
                got=type(answer).__name__,
                expected=message("practice.type_text"),
            )
        if _letter(answer) not in letters:
            raise incorrect(not_a_choice)
        if _letter(answer) != str(expected).casefold():
            raise incorrect("practice.wrong_text", answer=answer)

    return compare


def chose(letter: str) -> Callable[[object], bool]:
    """The predicate of a :class:`~kit.practice.core.Mistake`: the learner chose ``letter``."""

    def chosen(answer: object) -> bool:
        return isinstance(answer, str) and _letter(answer) == letter.casefold()

    return chosen
