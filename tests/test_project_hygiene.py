"""Repository rules: clean notebooks, pinned and consistent dependencies, lint, ignored outputs."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def notebook_problems(path: Path) -> list[str]:
    """Why a notebook may not be committed as it is (outputs, execution counts, bad JSON)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return [f"{path}: not valid notebook JSON ({error})"]
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("outputs"):
            problems.append(f"{path}: cell {index} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{path}: cell {index} has an execution count")
    return problems


def tracked_notebooks() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [ROOT / line for line in out.splitlines() if line]


def test_committed_notebooks_are_clean():
    notebooks = tracked_notebooks()
    assert notebooks, "expected committed notebooks (courses, assessments, voila apps)"
    problems = [p for nb in notebooks for p in notebook_problems(nb)]
    assert problems == []


def test_notebook_with_outputs_is_caught(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.cells[0].execution_count = 1
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    path = tmp_path / "kotor.ipynb"
    nbformat.write(nb, path)
    assert notebook_problems(path) == [
        f"{path}: cell 0 has outputs",
        f"{path}: cell 0 has an execution count",
    ]
    broken = tmp_path / "rusak.ipynb"
    broken.write_text("{not json")
    assert "not valid notebook JSON" in notebook_problems(broken)[0]


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    reqs = [r for r in pip_section if not r.startswith("-")]
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def test_environment_yml_matches_pyproject():
    assert _environment_requirements() == _pyproject_requirements()


def test_every_dependency_has_a_version_range():
    unpinned = [name for name, spec in _pyproject_requirements().items() if not spec]
    assert unpinned == []


def test_generated_course_steps_are_ignored():
    paths = [
        "assessments/release/x/x.ipynb",
        "assessments/submitted/u/x/x.ipynb",
        "assessments/autograded/u/x/x.ipynb",
        "assessments/feedback/u/x/x.html",
        "assessments/gradebook.db",
        ".demo/course/gradebook.db",
    ]
    result = subprocess.run(
        ["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(paths)


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
