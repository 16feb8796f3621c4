"""The layout of ``kit/`` shows the flow: stage packages, front doors, no upward imports.

Stages, lowest first: a module may import its own package and any lower stage, and another
package only through that package's front door (``kit.<stage>``, its ``__init__``). ``kit.cli``
sits above everything; notebooks and tests may reach any module.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1] / "kit"

STAGES = (
    "core",
    "datasets",
    "course",
    "practice",
    "grading",
    "people",
    "competency",
    "reports",
    "apps",
    "authoring",
    "demo",
)
RANK = {name: index for index, name in enumerate(STAGES)}
# Where a module stands: its package, or "cli" above every stage.
TOP = len(STAGES)
MAX_MODULE_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for p in KIT.rglob("*.py") if "templates" not in p.parts)


def _stage_of(path: Path) -> str | None:
    parts = path.relative_to(KIT).parts
    return parts[0] if len(parts) > 1 else None


def _kit_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``kit.…`` module named by an import in ``path`` (top level or inside functions)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kit" or node.module.startswith("kit."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kit."):
                    found.append((node.lineno, alias.name))
    return found


def test_every_module_is_in_a_stage() -> None:
    loose = [p.name for p in KIT.glob("*.py") if p.name not in {"__init__.py", "cli.py"}]
    assert loose == [], f"modules outside every stage package: {loose}"
    packages = {p.name for p in KIT.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(STAGES), packages ^ set(STAGES)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(KIT)))
def test_imports_follow_the_flow(path: Path) -> None:
    """Lower stages never import higher ones; other stages only through their front door."""
    own = _stage_of(path)
    rank = RANK[own] if own else TOP
    wrong = []
    for line, module in _kit_imports(path):
        parts = module.split(".")
        if len(parts) < 2:
            wrong.append(f"line {line}: 'from kit import …' names no stage")
            continue
        target = parts[1]
        if target == "cli":
            wrong.append(f"line {line}: imports the CLI")
        elif target not in RANK:
            wrong.append(f"line {line}: {module} is in no stage")
        elif target != own and RANK[target] > rank:
            wrong.append(f"line {line}: {own} imports the higher stage {target} ({module})")
        elif target != own and len(parts) > 2:
            wrong.append(f"line {line}: {module} bypasses the front door kit.{target}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("stage", STAGES)
def test_front_door_says_what_it_owns_and_every_name_resolves(stage: str) -> None:
    package = importlib.import_module(f"kit.{stage}")
    assert package.__doc__ and len(package.__doc__.strip()) > 40, f"kit.{stage} has no docstring"
    assert package.__all__, f"kit.{stage} exports nothing"
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == [], f"kit.{stage} names what it cannot give: {missing}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(KIT)))
def test_no_module_is_longer_than_a_newcomer_can_read(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by purpose"


MAX_GRADING_CLASS_LINES = 200


def test_grading_classes_have_one_purpose_each() -> None:
    """The grader was one 450-line class; each of its parts now fits on a screen or two."""
    long = []
    for path in sorted((KIT / "grading").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_GRADING_CLASS_LINES:
                    long.append(f"{path.name}:{node.name} ({size} lines)")
    assert long == []
