"""What a ``kit demo`` run may ask for, checked before anything is built or deleted.

Kept light (no notebook or grading imports), so that a mistake is reported in a second or two.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from kit.core import KitError, message

__all__ = [
    "DEFAULT_DEMO_ASSIGNMENTS",
    "DEMO_ASSIGNMENT",
    "DemoError",
    "available_demo_assignments",
    "check_demo_request",
    "demo_assignments",
]

DEMO_ASSIGNMENT = "tugas03_pengaduan"
# What `kit demo` grades by default: the complaints module and the innovation project (which
# feeds the rewards). Grading all eight modules for 30 learners takes about 10 minutes here.
DEFAULT_DEMO_ASSIGNMENTS = (DEMO_ASSIGNMENT, "tugas08_aksi_perubahan")
EVERY_ASSIGNMENT = "all"


class DemoError(KitError, ValueError):
    """A demo that cannot be built as asked (unknown assignment, impossible cohort size)."""


def demo_assignments(text: str | None) -> tuple[str, ...] | None:
    """The assignments the demo simulates and grades: ``None`` for every one with an answer
    bank (``all``), the default pair when ``text`` is empty, else the comma-separated names."""
    if text is None or not text.strip():
        return tuple(DEFAULT_DEMO_ASSIGNMENTS)
    if text.strip() == EVERY_ASSIGNMENT:
        return None
    return tuple(name.strip() for name in text.split(",") if name.strip())


def available_demo_assignments(project: Path) -> list[str]:
    """Assignments with an answer bank (``assessments/simulation/<a>.yml``) and a source."""
    names = []
    for path in sorted((project / "assessments" / "simulation").glob("*.yml")):
        assignment = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("assignment")
        if assignment and (project / "assessments" / "source" / assignment).is_dir():
            names.append(assignment)
    return names


def check_demo_request(learners: int, assignments: Sequence[str] | None, project: Path) -> None:
    """Refuse a cohort size or an assignment the demo does not have."""
    if assignments is not None:
        known = available_demo_assignments(project)
        unknown = sorted(set(assignments) - set(known))
        if unknown:
            raise DemoError(
                message("demo.unknown_assignment", names=", ".join(unknown)),
                hint=message("demo.unknown_assignment_hint", names=", ".join(known)),
            )
    from kit.datasets import load  # pandas: after the cheap check

    available = len(load("peserta_demo"))
    if not 1 <= learners <= available:
        raise DemoError(
            message("demo.bad_learners", count=learners, available=available),
            hint=message("demo.bad_learners_hint", available=available),
        )
