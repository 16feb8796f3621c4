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
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from kit.core import load_units
from kit.course import Course
from kit.people.nip import mask_nip
from kit.people.roster import read_roster

__all__ = ["Viewer", "AccessError", "current_viewer_name", "resolve_viewer", "scope_learners"]


class AccessError(PermissionError):
    """The viewer is unknown or may not see what was asked for (message in Indonesian)."""


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
def _access_rules() -> dict:
    text = resources.files("kit").joinpath("data/access.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def current_viewer_name(environ: dict[str, str] | None = None) -> str | None:
    """``JUPYTERHUB_USER`` (under JupyterHub) or ``KIT_VIEWER`` (single machine)."""
    env = os.environ if environ is None else environ
    return env.get("JUPYTERHUB_USER") or env.get("KIT_VIEWER") or None


def _course_roles(course: Course) -> dict[str, list[str]]:
    path = course.root / "roles.yml"
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {k: [str(u) for u in (raw.get(k) or [])] for k in ("instructors", "hr")}


def resolve_viewer(course: Course, username: str | None) -> Viewer:
    """The viewer's roles and visible units; ``AccessError`` for an unknown viewer."""
    if not username:
        raise AccessError("Identitas pengguna tidak diketahui; data tidak ditampilkan.")
    all_units = frozenset(u.code for u in load_units())
    roles: set[str] = set()
    units: set[str] = set()
    extra = _course_roles(course)
    if username in extra.get("hr", []):
        roles.add("hr")
        units |= all_units
    if username in extra.get("instructors", []):
        roles.add("instructor")
        units |= all_units
    entry = next((e for e in read_roster(course.roster_path) if e.username == username), None)
    learner_unit = None
    if entry is not None:
        roles.add("learner")
        learner_unit = entry.unit
        rules = _access_rules()["managers"]
        if entry.jabatan in rules["district_wide"]:
            roles.add("manager")
            units |= all_units
        elif entry.jabatan in rules["own_unit"]:
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
    """Write ``roles.yml`` for a course (the demo and tests use it)."""
    path = course.root / "roles.yml"
    path.write_text(
        yaml.safe_dump({"instructors": instructors, "hr": hr}, allow_unicode=True),
        encoding="utf-8",
    )
    return path
