"""The programme: modules declared by ``courses/<module>/module.yml`` (title, JP, assignment).

Each ``module.yml`` is checked against ``kit/data/schemas/module.schema.yml`` when loaded; a
programme with any invalid file, or with a module id used twice, is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kit.core import DataFileError, message, read_data_file

__all__ = ["Module", "CurriculumError", "load_modules"]


class CurriculumError(DataFileError):
    """A module declaration is missing or invalid (message in the reader's language)."""

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
    """Every module in ``courses_dir``, ordered by folder name.

    Raises :class:`CurriculumError` naming every invalid file and every problem in it, and
    every module id declared by more than one folder.
    """
    modules = []
    refused: list[CurriculumError] = []
    for path in sorted(Path(courses_dir).glob("*/module.yml")):
        try:
            raw = read_data_file(path, "module", error=CurriculumError).data
        except CurriculumError as error:
            refused.append(error)
            continue
        modules.append(
            Module(
                id=raw["id"],
                title=raw["title"],
                jp=float(raw["jp"]),
                assignment=raw["assignment"],
                lessons=tuple(raw.get("lessons") or ()),
                competencies=tuple(raw.get("competencies") or ()),
                folder=path.parent,
            )
        )
    folders: dict[str, list[str]] = {}
    for module in modules:
        folders.setdefault(module.id, []).append(str(module.folder / "module.yml"))
    twice = [
        message("curriculum.id_twice", id=module_id, files=", ".join(paths))
        for module_id, paths in folders.items()
        if len(paths) > 1
    ]
    if len(refused) == 1 and not twice:
        raise refused[0]  # keeps its file and problems for callers that read them
    if refused or twice:
        raise CurriculumError("\n".join([*(str(error) for error in refused), *twice]))
    return modules
