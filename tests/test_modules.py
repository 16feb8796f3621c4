"""Every module of the programme passes the structural module check (tags, JP, skeleton).

Lessons are executed by test_lesson_notebooks.py and each assignment's answer key and blank
release are graded by its own pipeline test, so the check runs here without executing.
"""

from __future__ import annotations

import pytest

from kit.authoring.modules import check_module
from kit.core.project import project_root
from kit.course.curriculum import load_modules

MODULES = [m.id for m in load_modules(project_root() / "courses")]


@pytest.mark.parametrize("module", MODULES)
def test_module_passes_the_quick_check(module):
    report = check_module(project_root(), module, execute=False)
    assert report.problems == []


def test_every_module_has_an_assignment_with_an_answer_bank():
    root = project_root()
    for module in load_modules(root / "courses"):
        assert (root / "assessments" / "source" / module.assignment).is_dir(), module.id
        assert (root / "assessments" / "simulation" / f"{module.assignment}.yml").exists(), (
            module.id
        )
