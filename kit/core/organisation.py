"""Work units (unit kerja) of Kecamatan Medan Marelan, read from ``kit/data/units.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

__all__ = ["Unit", "load_units", "unit_names", "KELURAHAN"]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    kelurahan: str | None = None


@cache
def load_units() -> tuple[Unit, ...]:
    """Return the known work units, in the order the data file declares them."""
    text = resources.files("kit").joinpath("data/units.yml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    units = []
    for entry in raw["units"]:
        units.append(
            Unit(
                code=str(entry["code"]),
                name=str(entry["name"]),
                kind=str(entry["kind"]),
                kelurahan=entry.get("kelurahan"),
            )
        )
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        raise ValueError(f"units.yml declares a unit code twice: {codes}")
    return tuple(units)


def unit_names() -> dict[str, str]:
    """Map unit code to its display name."""
    return {u.code: u.name for u in load_units()}


KELURAHAN: tuple[str, ...] = tuple(u.kelurahan for u in load_units() if u.kelurahan)
