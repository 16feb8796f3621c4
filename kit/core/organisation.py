"""Work units (unit kerja) of Kecamatan Medan Marelan, read from ``kit/data/units.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kit.core.messages import message
from kit.core.schema import read_data_file, read_kit_data

__all__ = ["Unit", "load_units", "unit_names", "KELURAHAN"]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    kelurahan: str | None = None


@cache
def load_units(path: Path | None = None) -> tuple[Unit, ...]:
    """The work units in the order the file declares them (the kit's own when ``path`` is None).

    The file is checked against ``kit/data/schemas/units.schema.yml``; a code used twice is
    refused too. Raises :class:`kit.core.DataFileError` naming every problem.
    """
    doc = read_kit_data("units.yml", "units") if path is None else read_data_file(path, "units")
    units = tuple(
        Unit(entry["code"], entry["name"], entry["kind"], entry.get("kelurahan"))
        for entry in doc.data["units"]
    )
    first: dict[str, int] = {}
    problems = []
    for index, unit in enumerate(units):
        if unit.code in first:
            text = message("data.used_twice", value=repr(unit.code), first=first[unit.code] + 1)
            problems.append(doc.problem(("units", index, "code"), text))
        first.setdefault(unit.code, index)
    doc.check(problems)
    return units


def unit_names() -> dict[str, str]:
    """Map unit code to its display name."""
    return {u.code: u.name for u in load_units()}


KELURAHAN: tuple[str, ...] = tuple(u.kelurahan for u in load_units() if u.kelurahan)
