"""The programme: modules declared by ``courses/<module>/module.yml`` (title, JP, assignment)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kit.core import SetupError

__all__ = ["Module", "CurriculumError", "load_modules"]


class CurriculumError(SetupError, ValueError):
    """A module declaration is missing or invalid."""

    hint_key = "curriculum.hint"


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    jp: float
    assignment: str
    lessons: tuple[str, ...]
    competencies: tuple[str, ...]
    folder: Path


def load_modules(courses_dir: Path) -> list[Module]:
    """Every module in ``courses_dir``, ordered by folder name; precise errors for bad files."""
    modules = []
    problems = []
    for path in sorted(Path(courses_dir).glob("*/module.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        missing = [k for k in ("id", "title", "jp", "assignment") if k not in raw]
        if missing:
            problems.append(f"{path}: kolom wajib tidak ada: {', '.join(missing)}")
            continue
        try:
            jp = float(raw["jp"])
        except (TypeError, ValueError):
            problems.append(f"{path}: jp '{raw['jp']}' bukan angka")
            continue
        if jp <= 0:
            problems.append(f"{path}: jp harus lebih dari 0")
            continue
        modules.append(
            Module(
                id=str(raw["id"]),
                title=str(raw["title"]),
                jp=jp,
                assignment=str(raw["assignment"]),
                lessons=tuple(raw.get("lessons") or ()),
                competencies=tuple(raw.get("competencies") or ()),
                folder=path.parent,
            )
        )
    ids = [m.id for m in modules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"id modul dipakai lebih dari sekali: {', '.join(duplicates)}")
    if problems:
        raise CurriculumError("\n".join(problems))
    return modules
