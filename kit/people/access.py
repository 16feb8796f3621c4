"""Who is looking, and what they may see: viewer identity, roles, and data scoped before display.

The viewer is ``JUPYTERHUB_USER`` under JupyterHub, else ``KIT_VIEWER`` on a single machine.
Roles: every roster participant is a learner; positions in ``kit/data/access.yml`` make managers
(of their own unit, or of every unit); the course's ``roles.yml`` names instructors and HR. Data
are filtered here, before any widget is built, so a page never receives rows it may not show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from kit.core import (
    DataFileError,
    KitError,
    load_units,
    message,
    read_data_file,
    read_kit_data,
    validate_data,
)
from kit.course import Course
from kit.people.nip import mask_nip
from kit.people.roster import read_roster

__all__ = [
    "AccessError",
    "AccessFileError",
    "ManagerPositions",
    "Viewer",
    "current_viewer_name",
    "load_manager_positions",
    "read_course_roles",
    "resolve_viewer",
    "scope_learners",
    "write_course_roles",
]


class AccessError(KitError, PermissionError):
    """The viewer is unknown or may not see what was asked for (message in Indonesian)."""

    hint_key = "error.hint.access"


class AccessFileError(DataFileError, AccessError):
    """``access.yml`` or a course's ``roles.yml`` is invalid: it gives nobody a role, and pages
    that refuse an unknown viewer show this message instead of any data."""


@dataclass(frozen=True)
class ManagerPositions:
    """Positions (jabatan) that make a roster participant a manager, from ``access.yml``."""

    district_wide: frozenset[str]  # manage every unit of the kecamatan
    own_unit: frozenset[str]  # manage their own unit


@dataclass(frozen=True)
class Viewer:
    username: str
    roles: frozenset[str]  # "learner", "manager", "instructor", "hr"
    units: frozenset[str]  # units whose people this viewer may see
    learner_unit: str | None = None

    @property
    def sees_full_nip(self) -> bool:
        return "hr" in self.roles

    def may_see_unit(self, unit: str) -> bool:
        return unit in self.units


@cache
def load_manager_positions(path: Path | None = None) -> ManagerPositions:
    """The manager positions (``kit/data/access.yml`` when ``path`` is None), checked against
    ``access.schema.yml``; a position in both lists is refused too (its reach would be unclear).
    """
    if path is None:
        doc = read_kit_data("access.yml", "access", error=AccessFileError)
    else:
        doc = read_data_file(path, "access", error=AccessFileError)
    managers = doc.data["managers"]
    district_wide, own_unit = managers["district_wide"], managers["own_unit"]
    doc.check(
        [
            doc.problem(("managers", "own_unit", index), message("access.both_lists"))
            for index, position in enumerate(own_unit)
            if position in district_wide
        ]
    )
    return ManagerPositions(frozenset(district_wide), frozenset(own_unit))


def current_viewer_name(environ: dict[str, str] | None = None) -> str | None:
    """``JUPYTERHUB_USER`` (under JupyterHub) or ``KIT_VIEWER`` (single machine)."""
    env = os.environ if environ is None else environ
    return env.get("JUPYTERHUB_USER") or env.get("KIT_VIEWER") or None


def read_course_roles(course: Course) -> dict[str, tuple[str, ...]]:
    """``{"instructors": (...), "hr": (...)}`` from the course's ``roles.yml`` (none if absent).

    The file is checked against ``roles.schema.yml``; an invalid one raises
    :class:`AccessFileError`, so nobody is given a role from it.
    """
    path = course.root / "roles.yml"
    if not path.exists():
        return {"instructors": (), "hr": ()}
    raw = read_data_file(path, "roles", error=AccessFileError).data
    return {key: tuple(raw.get(key) or ()) for key in ("instructors", "hr")}


def resolve_viewer(course: Course, username: str | None) -> Viewer:
    """The viewer's roles and visible units; ``AccessError`` for an unknown viewer."""
    if not username:
        raise AccessError("Identitas pengguna tidak diketahui; data tidak ditampilkan.")
    all_units = frozenset(u.code for u in load_units())
    roles: set[str] = set()
    units: set[str] = set()
    extra = read_course_roles(course)
    if username in extra["hr"]:
        roles.add("hr")
        units |= all_units
    if username in extra["instructors"]:
        roles.add("instructor")
        units |= all_units
    entry = next((e for e in read_roster(course.roster_path) if e.username == username), None)
    learner_unit = None
    if entry is not None:
        roles.add("learner")
        learner_unit = entry.unit
        positions = load_manager_positions()
        if entry.jabatan in positions.district_wide:
            roles.add("manager")
            units |= all_units
        elif entry.jabatan in positions.own_unit:
            roles.add("manager")
            units.add(entry.unit)
    if not roles:
        raise AccessError(
            f"Pengguna '{username}' tidak terdaftar sebagai peserta, atasan, instruktur, atau "
            "BKPSDM; data tidak ditampilkan."
        )
    return Viewer(username, frozenset(roles), frozenset(units), learner_unit)


def scope_learners(learners: pd.DataFrame, viewer: Viewer, as_role: str) -> pd.DataFrame:
    """The roster rows ``viewer`` may see in role ``as_role``, NIP masked unless HR.

    A learner sees only their own row; a manager, instructor or HR sees their units' rows.
    """
    if as_role not in viewer.roles:
        raise AccessError(f"Pengguna '{viewer.username}' tidak memiliki peran '{as_role}'.")
    if as_role == "learner":
        visible = learners[learners["username"] == viewer.username]
    else:
        visible = learners[learners["unit"].isin(viewer.units)]
    visible = visible.copy()
    if not viewer.sees_full_nip:
        visible["nip"] = visible["nip"].map(mask_nip)
    return visible.reset_index(drop=True)


def with_units(viewer: Viewer, units: set[str]) -> Viewer:
    """A copy of ``viewer`` limited to ``units`` (used to narrow, never to widen)."""
    return replace(viewer, units=frozenset(viewer.units & units))


def write_course_roles(course: Course, instructors: list[str], hr: list[str]) -> Path:
    """Write ``roles.yml`` for a course (the demo and tests use it); nothing is written when the
    roles break ``roles.schema.yml`` (:class:`AccessFileError`)."""
    path = course.root / "roles.yml"
    roles = {"instructors": list(instructors), "hr": list(hr)}
    validate_data(roles, "roles", path, error=AccessFileError)
    path.write_text(yaml.safe_dump(roles, allow_unicode=True), encoding="utf-8")
    return path
