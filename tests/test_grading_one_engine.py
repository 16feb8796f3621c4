"""One grading engine: ``kit module check`` scores every module's answer key and blank release
exactly as ``kit grade`` scores them in a class.

The class is one course holding all the programme's assignments, each with the answer key and
the untouched release submitted, graded by the ``kit grade`` command. The check's path
(:func:`kit.authoring.grade_answer_key`, what ``kit module check`` runs) grades each module in a
course of its own. Same per-cell scores, full marks for the key, 0 for the blank release.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit.authoring import grade_answer_key, submit_key_and_blank
from kit.authoring.answer_key import BLANK, KEY
from kit.core import project_root
from kit.course import Course, load_modules, nbgrader_env
from kit.grading import probe_capabilities, read_grades
from tests.ci import skip_or_fail

pytestmark = pytest.mark.slow
PROJECT = project_root()
MODULES = load_modules(PROJECT / "courses")


@pytest.fixture(scope="session")
def class_course(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """Every assignment in one course, key and blank submitted, graded by ``kit grade``."""
    missing = probe_capabilities().shortfalls()
    if missing:
        skip_or_fail("the sandbox cannot be set up here: " + "; ".join(missing))
    root = tmp_path_factory.mktemp("kelas") / "kursus"
    (root / "source").mkdir(parents=True)
    shutil.copy(PROJECT / "assessments" / "nbgrader_config.py", root)
    course = Course(root)
    for module in MODULES:
        shutil.copytree(
            PROJECT / "assessments" / "source" / module.assignment,
            course.source_dir / module.assignment,
        )
        course.generate_assignment(module.assignment)
        submit_key_and_blank(course, module.assignment)
    payloads = {}
    for module in MODULES:
        graded = subprocess.run(
            [str(Path(sys.executable).parent / "kit"), "grade", module.assignment,
             "--course", str(root), "--json"],
            env=nbgrader_env(), capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert graded.returncode == 0, graded.stderr[-3000:]
        payloads[module.assignment] = json.loads(graded.stdout)
    return root, payloads


def cell_scores(grades: pd.DataFrame, assignment: str) -> dict[tuple[str, str], float]:
    rows = grades[grades["assignment"] == assignment]
    return {(r.student_id, r.grade_id): float(r.score) for r in rows.itertuples(index=False)}


def test_the_programme_has_eight_modules():
    assert len(MODULES) == 8
    assert len({module.assignment for module in MODULES}) == 8


@pytest.mark.parametrize("module", MODULES, ids=[module.id for module in MODULES])
def test_module_check_and_kit_grade_give_the_same_scores(class_course, module):
    root, payloads = class_course
    in_class = cell_scores(read_grades(root / "gradebook.db"), module.assignment)
    checked = grade_answer_key(PROJECT, module.assignment)
    by_check = cell_scores(checked.grades, module.assignment)

    assert by_check == in_class
    assert {student for student, _ in by_check} == {KEY, BLANK}
    # Both through the sandbox, with the same statuses, scores and (no) flags.
    payload = payloads[module.assignment]
    assert payload["isolation"] == checked.run.isolation == "sandbox"
    assert {r["student"]: (r["status"], r["score"], r["max_score"], r["flags"])
            for r in payload["results"]} == {
        r.student: (r.status, r.score, r.max_score, r.flags) for r in checked.run.results
    }  # fmt: skip

    grades = checked.grades
    key_code = grades[(grades["student_id"] == KEY) & (grades["cell_type"] == "code")]
    assert not key_code.empty
    assert (key_code["score"] == key_code["max_score"]).all(), key_code
    blank = grades[grades["student_id"] == BLANK]
    assert len(blank) == len(grades[grades["student_id"] == KEY])
    assert (blank["score"] == 0).all(), blank
