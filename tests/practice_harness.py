"""What the lesson-specific tests (``tests/test_practice_*.py``) share: the variables a lesson's
example cells build, and working days counted by hand for independent answers. The contract all
lesson checkers keep is ``tests/test_lesson_checkers.py``."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd

from kit.core import holidays
from kit.practice.learner_build import is_selftest_cell

__all__ = ["lesson_example_namespace", "working_days"]


def lesson_example_namespace(lesson: Path) -> dict[str, object]:
    """The variables the lesson's example cells build (exercise and self-test cells left out)."""
    nb = nbformat.read(lesson, as_version=4)
    namespace: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or is_selftest_cell(cell) or ".check(" in cell.source:
            continue
        exec(cell.source, namespace)
    return namespace


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
