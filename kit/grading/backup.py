"""A copy of the SQLite gradebook before every grading run (the newest few are kept)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

__all__ = ["BACKUPS_KEPT", "backup_gradebook"]

BACKUPS_KEPT = 5


def backup_gradebook(course_root: Path, db_path: Path, keep: int = BACKUPS_KEPT) -> Path | None:
    """Copy the SQLite gradebook with the online backup API; keep the newest ``keep`` copies."""
    if not db_path.is_file():
        return None
    folder = course_root / ".kit" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"gradebook-{stamp}-{os.getpid()}.db"
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=120)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    for old in sorted(folder.glob("gradebook-*.db"))[:-keep]:
        old.unlink(missing_ok=True)
    return target
