"""The course's audit log: one JSON line per grading run, import, confirmation or export.

It records what happened, by which command and with which rule version, never personal data
beyond usernames already in the course.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path

__all__ = ["record_event", "read_events", "LOG_NAME"]

LOG_NAME = "audit.jsonl"


def record_event(course_root: Path, event: str, **details: object) -> dict:
    """Append an event to ``<course>/audit.jsonl`` (flushed to disk) and return it."""
    entry = {
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "event": event,
        "by": _operator(),
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
    path = Path(course_root) / LOG_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _operator() -> str:
    try:
        return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "unknown"
