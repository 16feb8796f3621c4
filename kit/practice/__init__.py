"""Instant, in-notebook exercise checking for the lessons in ``courses/``.

Each lesson has a checker module here with the same name (``kit.practice.pengaduan`` for
``courses/03_pengaduan``) that declares its questions with the shared machinery of :mod:`.core`
and explains wrong answers with :mod:`.toolkit`. A lesson whose answers need much reading
(charts, files) is a package: its ``__init__`` declares the questions, its other modules read
the answers (``kit.practice.visualisasi.charts``).
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


def __getattr__(name: str) -> object:
    # The learner build needs nbformat; lessons importing checks should not pay for it.
    if name == "strip_selftest_cells":
        from kit.practice.learner_build import strip_selftest_cells

        return strip_selftest_cells
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "strip_selftest_cells",
]
