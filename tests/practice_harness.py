"""What the lesson-specific tests (``tests/test_practice_*.py``) share: the variables a lesson's
example cells build. The contract all lesson checkers keep is ``tests/test_lesson_checkers.py``."""

from __future__ import annotations

from pathlib import Path

import nbformat

from kit.practice.learner_build import is_selftest_cell

__all__ = ["lesson_example_namespace"]


def lesson_example_namespace(lesson: Path) -> dict[str, object]:
    """The variables the lesson's example cells build (exercise and self-test cells left out)."""
    nb = nbformat.read(lesson, as_version=4)
    namespace: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or is_selftest_cell(cell) or ".check(" in cell.source:
            continue
        exec(cell.source, namespace)
    return namespace
