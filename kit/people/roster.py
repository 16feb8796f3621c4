"""The roster of participants (ASN): validated import from CSV into the course and nbgrader.

The kit keeps the roster (username, NIP, name, work unit, position, e-mail) in the course folder
as ``roster.csv``; each participant is also a student in nbgrader's gradebook, under the same
username. An import is all or nothing: every bad row is reported and nothing is added.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from kit.core import (
    CsvFileError,
    RowProblem,
    RowsError,
    atomic_write,
    atomic_writer,
    load_units,
    message,
    read_csv_rows,
    record_event,
)
from kit.course import Course
from kit.people.nip import NipError, parse_nip

__all__ = [
    "RosterEntry",
    "RosterError",
    "RowProblem",
    "read_roster",
    "write_roster",
    "parse_roster_csv",
    "import_roster",
    "REQUIRED_COLUMNS",
]

REQUIRED_COLUMNS = ("username", "nip", "nama", "unit")
OPTIONAL_COLUMNS = ("jabatan", "email")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCIENTIFIC = re.compile(r"^\d[.,]\d+E\+\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class RosterEntry:
    username: str
    nip: str
    nama: str
    unit: str
    jabatan: str = ""
    email: str = ""


class RosterError(RowsError, ValueError):
    """The roster file cannot be imported; ``problems`` lists every bad row."""

    hint_key = "error.hint.roster"


def read_roster(path: Path) -> list[RosterEntry]:
    """The roster stored in a course (empty when none was imported yet)."""
    if not path.exists():
        return []
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = [f.name for f in fields(RosterEntry)]
    return [RosterEntry(**{k: row.get(k, "") for k in names}) for row in frame.to_dict("records")]


def write_roster(path: Path, entries: Iterable[RosterEntry]) -> None:
    """Write the roster atomically: a crash never leaves a half-written file."""
    names = [f.name for f in fields(RosterEntry)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(asdict(entry))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buffer.getvalue())


def parse_roster_csv(
    path: Path, existing: Iterable[RosterEntry] = (), today: dt.date | None = None
) -> list[RosterEntry]:
    """Validate a roster CSV (read by :func:`kit.core.read_csv_rows`) and return its entries.

    Raises ``RosterError`` listing every bad row by its line number in the file.
    """
    try:
        table = read_csv_rows(path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    except CsvFileError as error:
        raise RosterError(error.summary) from None

    known_units = {u.code for u in load_units()}
    existing = list(existing)
    taken = {
        "username": {e.username: e.username for e in existing},
        "nip": {e.nip: e.username for e in existing},
    }
    seen: dict[str, dict[str, int]] = {"username": {}, "nip": {}}
    entries: list[RosterEntry] = []
    problems: list[RowProblem] = list(table.problems)
    for row in table.rows:
        line, record = row.line, row.values
        reasons = _row_problems(record, known_units, today)
        for field in ("username", "nip"):
            value = record.get(field, "")
            if not value:
                continue
            named = {"field": field.upper() if field == "nip" else field, "value": value}
            if value in seen[field]:
                first_line = seen[field][value]
                reasons.append(message("roster.duplicate_in_file", **named, first_line=first_line))
            elif value in taken[field]:
                username = taken[field][value]
                reasons.append(message("roster.duplicate_existing", **named, username=username))
            else:
                seen[field][value] = line
        if reasons:
            problems.extend(RowProblem(line, reason) for reason in reasons)
            continue
        entries.append(
            RosterEntry(
                username=record["username"],
                nip=record["nip"],
                nama=" ".join(record["nama"].split()),
                unit=record["unit"].upper(),
                jabatan=record.get("jabatan", ""),
                email=record.get("email", ""),
            )
        )

    if problems:
        problems.sort(key=lambda problem: problem.line)
        raise RosterError(
            message("roster.rejected", count=len({p.line for p in problems})), problems
        )
    return entries


def _row_problems(
    record: dict[str, str], known_units: set[str], today: dt.date | None
) -> list[str]:
    reasons: list[str] = []
    username = record.get("username", "")
    if not username:
        reasons.append(message("roster.username_missing"))
    elif not _USERNAME.match(username):
        reasons.append(message("roster.username_invalid", username=username))
    nip = record.get("nip", "")
    if _SCIENTIFIC.match(nip):
        reasons.append(message("roster.nip_scientific", value=nip))
    else:
        try:
            parse_nip(nip, today=today)
        except NipError as error:
            reasons.append(message(error.key, **error.details))
    if not record.get("nama", "").strip():
        reasons.append(message("roster.name_missing"))
    unit = record.get("unit", "").upper()
    if unit not in known_units:
        reasons.append(
            message(
                "roster.unit_unknown",
                unit=record.get("unit", ""),
                known=", ".join(sorted(known_units)),
            )
        )
    email = record.get("email", "")
    if email and not _EMAIL.match(email):
        reasons.append(message("roster.email_invalid", email=email))
    return reasons


def import_roster(
    course_root: Path,
    csv_path: Path,
    today: dt.date | None = None,
    *,
    actor: str | None = None,
) -> list[RosterEntry]:
    """Validate ``csv_path`` and add its participants to the course roster and gradebook.

    Nothing is written unless every row is valid. The import is audited (``actor`` or the
    operator, the file, how many people were added).
    """
    course = Course(Path(course_root))
    current = read_roster(course.roster_path)
    new_entries = parse_roster_csv(csv_path, existing=current, today=today)
    _add_students_to_gradebook(course, new_entries)
    write_roster(course.roster_path, [*current, *new_entries])
    record_event(
        course.root,
        "roster.import",
        by=actor,
        file=Path(csv_path).resolve(),
        added=len(new_entries),
        people=len(new_entries),
    )
    return new_entries


def _add_students_to_gradebook(course: Course, entries: list[RosterEntry]) -> None:
    # nbgrader's Gradebook creates the database (with its migrations) when it does not exist yet.
    from nbgrader.api import Gradebook

    from kit.course import put_scripts_on_path

    put_scripts_on_path()
    course.root.mkdir(parents=True, exist_ok=True)
    with Gradebook(course.gradebook_url) as gradebook:
        for entry in entries:
            gradebook.update_or_create_student(
                entry.username, first_name=entry.nama, last_name="", email=entry.email or None
            )


HISTORY_NAME = "unit_history.csv"


def read_unit_history(course_root: Path) -> pd.DataFrame:
    """Transfers between units: username, unit, since (ISO date), oldest first."""
    path = Path(course_root) / HISTORY_NAME
    if not path.exists():
        return pd.DataFrame(columns=["username", "unit", "since"])
    return pd.read_csv(path, dtype=str, keep_default_na=False).sort_values(
        ["username", "since"], kind="stable", ignore_index=True
    )


def move_learner(
    course_root: Path, username: str, unit: str, since: dt.date, *, actor: str | None = None
) -> RosterEntry:
    """Record that ``username`` works in ``unit`` from ``since``; the roster shows the new unit.

    The previous unit stays in the history, so the JP and results earned there before the
    transfer remain attributed to it.
    """
    course = Course(Path(course_root))
    entries = read_roster(course.roster_path)
    known_units = {u.code for u in load_units()}
    unit = unit.upper()
    if unit not in known_units:
        raise RosterError(
            message("roster.unit_unknown", unit=unit, known=", ".join(sorted(known_units)))
        )
    matches = [e for e in entries if e.username == username]
    if not matches:
        raise RosterError(message("jp.unknown_user", username=username))
    current = matches[0]
    history = read_unit_history(course.root)
    rows = history.to_dict("records")
    if not any(r["username"] == username for r in rows):
        # The first transfer also records where the learner was before it.
        rows.append({"username": username, "unit": current.unit, "since": "0001-01-01"})
    rows.append({"username": username, "unit": unit, "since": since.isoformat()})
    frame = pd.DataFrame(rows, columns=["username", "unit", "since"])
    path = course.root / HISTORY_NAME
    with atomic_writer(path) as handle:
        frame.to_csv(handle, index=False)
    moved = RosterEntry(**{**asdict(current), "unit": unit})
    write_roster(course.roster_path, [moved if e.username == username else e for e in entries])
    record_event(
        course.root,
        "roster.move",
        by=actor,
        learner=username,
        from_unit=current.unit,
        to_unit=unit,
        since=since.isoformat(),
        people=1,
    )
    return moved


def unit_on(
    history: pd.DataFrame, learners: pd.DataFrame, usernames: pd.Series, dates: pd.Series
) -> pd.Series:
    """The unit each learner belonged to on each date (the roster's unit when never moved)."""
    current = learners.set_index("username")["unit"]
    if history.empty:
        return usernames.map(current).fillna("").astype(object)
    moved = set(history["username"])
    result = usernames.map(current).fillna("").astype(object)
    mask = usernames.isin(moved)
    if mask.any():
        # For each (learner, day): the last transfer on or before that day, else the first unit.
        query = pd.DataFrame(
            {
                "username": usernames[mask].to_numpy(),
                "day": pd.to_datetime(pd.Series(dates)[mask].to_numpy()).astype("datetime64[ns]"),
                "row": usernames.index[mask],
            }
        ).sort_values("day")
        # "0001-01-01" marks the unit held before the first transfer.
        since = history["since"].where(history["since"] > "1900", "1900-01-01")
        transfers = history.assign(day=pd.to_datetime(since).astype("datetime64[ns]"))
        found = pd.merge_asof(
            query, transfers.sort_values("day")[["username", "unit", "day"]],
            on="day", by="username", direction="backward",
        )  # fmt: skip
        first = history.groupby("username")["unit"].first()
        found["unit"] = found["unit"].fillna(found["username"].map(first))
        result.loc[found["row"].to_numpy()] = found["unit"].to_numpy()
    return result
