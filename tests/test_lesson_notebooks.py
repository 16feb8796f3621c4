"""Every lesson notebook in ``courses/`` follows the lesson skeleton, tests its own checkers in
``selftest`` cells, runs top to bottom in a fresh kernel, and loses those cells in the learner
build."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kit.practice.learner_build import SELFTEST_TAG, is_selftest_cell, strip_selftest_cells

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(
    path for path in (ROOT / "courses").glob("**/*.ipynb") if ".ipynb_checkpoints" not in path.parts
)
CELL_TIMEOUT = 120

# Headings every lesson has (Project Pythia / Software Carpentry skeleton, in Indonesian).
SKELETON_HEADINGS = ("Tujuan", "Prasyarat", "Ringkasan", "Selanjutnya")


def lesson_id(path: Path) -> str:
    return str(path.relative_to(ROOT / "courses"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def headings(nb: nbformat.NotebookNode) -> list[str]:
    return [
        line.lstrip("#").strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    ]


def code_of(nb: nbformat.NotebookNode, *, selftest: bool) -> str:
    return "\n".join(
        cell.source
        for cell in nb.cells
        if cell.cell_type == "code" and is_selftest_cell(cell) == selftest
    )


lessons = pytest.mark.parametrize("path", LESSONS, ids=lesson_id)


def test_lessons_are_discovered():
    assert LESSONS, "no lesson notebook found under courses/"


# -- structure (fast) -------------------------------------------------------------------------


@lessons
def test_lesson_is_stored_clean_and_valid(path):
    nb = read(path)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "cell ids need nbformat 4.5"
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.id} holds outputs"
            assert cell.execution_count is None, f"cell {cell.id} holds an execution count"


@lessons
def test_lesson_follows_the_skeleton(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "title first"
    found = headings(nb)
    for wanted in SKELETON_HEADINGS:
        assert any(wanted in heading for heading in found), f"no '{wanted}' heading"
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert re.search(r"Waktu belajar:?\**:? *\d+ JP", text), "time to learn in JP"
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert all(
        line.startswith(("import ", "from ")) or not line.strip()
        for line in first_code.source.splitlines()
    ), "the first code cell only imports"


@lessons
def test_lesson_defines_no_helpers(path):
    """Logic lives in kit/, where linters and tests reach it."""
    nb = read(path)
    code = code_of(nb, selftest=False) + "\n" + code_of(nb, selftest=True)
    assert not re.search(r"^\s*(def|class)\s", code, re.MULTILINE)
    assert "lambda" not in code


@lessons
def test_every_checked_exercise_has_selftests(path):
    nb = read(path)
    selftests = code_of(nb, selftest=True)
    assert selftests, f"no cell tagged '{SELFTEST_TAG}'"
    checked = set(re.findall(r"(\w+)\.check\(", code_of(nb, selftest=False)))
    assert checked, "no exercise calls .check(...)"
    for question in sorted(checked):
        for helper in ("assert_check_unattempted", "assert_check_passed", "assert_check_failed"):
            assert f"{question}.{helper}(" in selftests, f"{question} lacks {helper}"


# -- execution (slow) -------------------------------------------------------------------------


@pytest.mark.slow
@lessons
def test_lesson_runs_top_to_bottom(path, tmp_path, isolated_jupyter_env):
    stored = path.read_bytes()
    nb = read(path)  # executed in memory: the committed file keeps no outputs
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, with the traceback, on the first failing cell
    errors = [
        cell.id
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    assert path.read_bytes() == stored


# -- learner build ----------------------------------------------------------------------------


def test_strip_selftest_cells_removes_only_tagged_cells_and_leaves_the_original():
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Judul"),
            new_code_cell("jawaban = ____\nsoal_1.check(jawaban)"),
            new_code_cell("soal_1.assert_check_unattempted(____)", metadata={"tags": ["selftest"]}),
            new_code_cell("x = 1", metadata={"tags": ["lain", "selftest"]}),
            new_code_cell("y = 2", metadata={"tags": ["lain"]}),
        ]
    )
    learner = strip_selftest_cells(nb)
    assert [cell.source for cell in learner.cells] == [
        "# Judul",
        "jawaban = ____\nsoal_1.check(jawaban)",
        "y = 2",
    ]
    assert len(nb.cells) == 5
    nbformat.validate(learner)


@lessons
def test_learner_build_of_a_lesson_keeps_the_exercises(path):
    nb = read(path)
    learner = strip_selftest_cells(nb)
    assert not any(is_selftest_cell(cell) for cell in learner.cells)
    assert len(learner.cells) < len(nb.cells)
    assert code_of(learner, selftest=False) == code_of(nb, selftest=False)
    assert "assert_check" not in code_of(learner, selftest=False)
