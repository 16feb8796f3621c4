"""The course's audit log: one JSON line per grading run, import, confirmation or export.

Every library function that grades, imports, confirms or lets data leave the kit records its own
event here, whatever called it (CLI, dashboard or notebook), so the privacy log never depends on
the door a user came in by. An event says what happened (``event``), when (``at``), who did it
(``by``: the viewer or instructor named by the caller, else the operating-system user) and, for
data leaving the kit, its purpose, how many people it covers and how they are identified. It
holds no personal data beyond usernames already in the course.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path

__all__ = ["record_event", "read_events", "current_operator", "LOG_NAME"]

LOG_NAME = "audit.jsonl"


def record_event(
    course_root: Path, event: str, *, by: str | None = None, **details: object
) -> dict:
    """Append an event to ``<course>/audit.jsonl`` (flushed to disk) and return it.

    ``by`` is who acted: a page passes its viewer; without it the operator running the process.
    """
    entry = {
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "event": event,
        "by": by or current_operator(),
        **{k: (str(v) if isinstance(v, Path) else v) for k, v in details.items()},
    }
    path = Path(course_root) / LOG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def read_events(course_root: Path) -> list[dict]:
    """Every event of the course, oldest first (an unreadable line is skipped, never fatal)."""
    path = Path(course_root) / LOG_NAME
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            # A line cut short by a crash mid-write must not hide every other event.
            continue
    return events


def current_operator() -> str:
    """The hub user running this process, else the operating-system user."""
    try:
        return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "unknown"
