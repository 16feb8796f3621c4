"""Turn an authoring lesson notebook into the learner's copy by removing its self-test cells."""

from __future__ import annotations

import copy

from nbformat import NotebookNode

__all__ = ["SELFTEST_TAG", "is_selftest_cell", "strip_selftest_cells"]

SELFTEST_TAG = "selftest"
"""Tag of the cells asserting a checker's behaviour: CI runs them, learners never see them."""


def is_selftest_cell(cell: NotebookNode) -> bool:
    """Whether ``cell`` carries the ``selftest`` tag."""
    return SELFTEST_TAG in cell.get("metadata", {}).get("tags", [])


def strip_selftest_cells(nb: NotebookNode) -> NotebookNode:
    """Return a copy of ``nb`` without its ``selftest``-tagged cells; ``nb`` is left unchanged."""
    learner = copy.deepcopy(nb)
    learner.cells = [cell for cell in learner.cells if not is_selftest_cell(cell)]
    return learner
