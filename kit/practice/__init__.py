"""Instant, in-notebook exercise checking for the lessons in ``courses/``.

Each lesson has a checker module here with the same name (``kit.practice.pengaduan`` for
``courses/03_pengaduan``) that declares its questions with the shared machinery of :mod:`.core`.
"""

from kit.practice.core import (
    BLANK,
    Feedback,
    FeedbackKind,
    Incorrect,
    Mistake,
    NotAttempted,
    Question,
    ____,
    compare_answers,
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
