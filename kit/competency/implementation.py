"""Managers' confirmations that a learner's technology is in use at work (aksi perubahan).

Confirmations are an append-only log in ``<course>/implementation_log.csv``: who confirmed (or
revoked), for whom, when, and why. The latest entry per learner decides.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from kit.competency.rewards import RewardRules, load_rules
from kit.core import KitError, message, record_event
from kit.people import RosterEntry, read_roster

__all__ = [
    "Confirmation",
    "ConfirmationError",
    "confirm_implementation",
    "record_confirmation",
    "read_confirmations",
    "latest_confirmations",
    "LOG_NAME",
]

LOG_NAME = "implementation_log.csv"
STATUSES = ("confirmed", "revoked")


class ConfirmationError(KitError, ValueError):
    """A confirmation that may not be recorded (unknown people, not their manager, ...)."""

    hint_key = "impl.hint"


@dataclass(frozen=True)
class Confirmation:
    username: str
    status: str  # "confirmed" or "revoked"
    confirmed_by: str
    confirmed_at: str  # ISO 8601 with timezone
    note: str = ""


def read_confirmations(course_root: Path) -> pd.DataFrame:
    path = Path(course_root) / LOG_NAME
    columns = [f.name for f in fields(Confirmation)]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, dtype=str, keep_default_na=False)[columns]


def latest_confirmations(course_root: Path) -> pd.DataFrame:
    """The entry in force per learner (the last one written)."""
    log = read_confirmations(course_root)
    return log.groupby("username", as_index=False).tail(1).reset_index(drop=True)


def record_confirmation(
    course_root: Path,
    roster: list[RosterEntry],
    username: str,
    confirmed_by: str,
    confirmers: list[str],
    district_wide: list[str],
    district_unit: str = "KEC",
    status: str = "confirmed",
    note: str = "",
    now: dt.datetime | None = None,
    *,
    actor: str | None = None,
) -> Confirmation:
    """Check the confirmer may vouch for the learner, then append the entry to the log.

    The confirmation (or revocation) is audited; ``actor`` is who recorded it (the operator when
    None), ``confirmed_by`` the manager who vouches.
    """
    people = {entry.username: entry for entry in roster}
    if status not in STATUSES:
        raise ConfirmationError(message("impl.status", status=status))
    if username not in people:
        raise ConfirmationError(message("impl.unknown_learner", username=username))
    if confirmed_by not in people:
        raise ConfirmationError(message("impl.unknown_confirmer", username=confirmed_by))
    if username == confirmed_by:
        raise ConfirmationError(message("impl.self"))
    learner, manager = people[username], people[confirmed_by]
    if manager.jabatan not in confirmers:
        raise ConfirmationError(
            message("impl.not_a_manager", username=confirmed_by, position=manager.jabatan or "-")
        )
    district = manager.jabatan in district_wide and manager.unit == district_unit
    if manager.unit != learner.unit and not district:
        raise ConfirmationError(
            message(
                "impl.other_unit",
                username=confirmed_by,
                unit=manager.unit,
                learner=username,
                learner_unit=learner.unit,
            )
        )
    moment = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    entry = Confirmation(username, status, confirmed_by, moment, note.strip())
    path = Path(course_root) / LOG_NAME
    new_file = not path.exists()
    # Append-only, flushed to disk: a confirmation once acknowledged is never lost.
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[f.name for f in fields(Confirmation)])
        if new_file:
            writer.writeheader()
        writer.writerow(asdict(entry))
        handle.flush()
        os.fsync(handle.fileno())
    record_event(
        course_root,
        f"implementation.{status}",
        by=actor,
        learner=entry.username,
        confirmed_by=entry.confirmed_by,
        people=1,
    )
    return entry


def confirm_implementation(
    course_root: Path,
    username: str,
    confirmed_by: str,
    *,
    status: str = "confirmed",
    note: str = "",
    rules: RewardRules | None = None,
    actor: str | None = None,
) -> Confirmation:
    """``record_confirmation`` against the course's roster, with the confirmers the reward
    ``rules`` name (the kit's own rules when None)."""
    rules = rules or load_rules()
    return record_confirmation(
        course_root,
        read_roster(Path(course_root) / "roster.csv"),
        username,
        confirmed_by,
        confirmers=list(rules.confirmers),
        district_wide=list(rules.district_wide),
        status=status,
        note=note,
        actor=actor,
    )
