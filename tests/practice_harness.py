"""What the lesson-specific tests (``tests/test_practice_*.py``) share: the variables a lesson's
example cells build, and working days counted by hand for independent answers. The contract all
lesson checkers keep is ``tests/test_lesson_checkers.py``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd

from kit.core import holidays
from kit.datasets import load
from kit.practice.learner_build import is_selftest_cell

__all__ = ["answers_from_data_set", "lesson_example_namespace", "working_days"]


def lesson_example_namespace(lesson: Path) -> dict[str, object]:
    """The variables the lesson's example cells build (exercise and self-test cells left out)."""
    nb = nbformat.read(lesson, as_version=4)
    namespace: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or is_selftest_cell(cell) or ".check(" in cell.source:
            continue
        exec(cell.source, namespace)
    return namespace


def answers_from_data_set(
    data_set: str, independent: Mapping[str, Callable[[pd.DataFrame], object]]
) -> Callable[[int, Path], dict[str, object]]:
    """The ``independent_answers(seed, folder)`` of a lesson whose answers are all computed from
    one data set, by one function per question (see tests/test_lesson_checkers.py)."""

    def independent_answers(seed: int, folder: Path) -> dict[str, object]:
        data = load(data_set, seed=seed)
        return {name: compute(data) for name, compute in independent.items()}

    return independent_answers


@cache
def _holidays() -> frozenset[date]:
    return frozenset(date.fromisoformat(str(day)) for day in holidays())


def working_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Working days after ``start`` up to and including ``end``, counted day by day (no kit
    code but the holiday list, so answers built with it are independent of the checker)."""
    day, count = start.date(), 0
    while day < end.date():
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _holidays():
            count += 1
    return count
