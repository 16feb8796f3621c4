"""What the lesson-checker tests (``tests/test_practice_*.py``) share: the lesson's own example
variables, the typical mistakes of a question set, and running a question's solution code."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import nbformat

from kit.practice.learner_build import is_selftest_cell

__all__ = ["lesson_example_namespace", "mistake_cases", "solution_answer"]


def lesson_example_namespace(lesson: Path) -> dict[str, object]:
    """The variables the lesson's example cells build (exercise and self-test cells left out)."""
    nb = nbformat.read(lesson, as_version=4)
    namespace: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or is_selftest_cell(cell) or ".check(" in cell.source:
            continue
        exec(cell.source, namespace)
    return namespace


def mistake_cases(questions: Mapping[str, object]) -> list[tuple[str, int]]:
    """(question name, mistake index) of every typical mistake that has a wrong value."""
    return [
        (name, i)
        for name, q in sorted(questions.items())
        for i, mistake in enumerate(q.mistakes)
        if mistake.wrong is not None
    ]


def solution_answer(question, namespace: Mapping[str, object]) -> object:
    """The value the question's solution code assigns last, run on a copy of ``namespace``."""
    scope = dict(namespace)
    exec(question.solution_code, scope)
    return scope[ast.parse(question.solution_code).body[-1].targets[0].id]
