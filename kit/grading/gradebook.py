"""One fast read of nbgrader's gradebook into pandas: one row per learner and grade cell.

nbgrader's ORM computes scores with correlated subqueries per submission, which grows with the
square of the class; a single joined query plus pandas stays linear.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

__all__ = ["read_grades", "read_students", "engine_for", "GRADE_COLUMNS"]

GRADE_COLUMNS = [
    "student_id",
    "assignment",
    "notebook",
    "grade_id",
    "cell_type",
    "max_score",
    "auto_score",
    "manual_score",
    "extra_credit",
    "needs_manual_grade",
    "score",
    "timestamp",
]

_GRADES_SQL = """
SELECT sa.student_id AS student_id,
       a.name AS assignment,
       n.name AS notebook,
       bc.name AS grade_id,
       gc.cell_type AS cell_type,
       gc.max_score AS max_score,
       g.auto_score AS auto_score,
       g.manual_score AS manual_score,
       g.extra_credit AS extra_credit,
       g.needs_manual_grade AS needs_manual_grade,
       sa.timestamp AS timestamp
FROM grade AS g
JOIN submitted_notebook AS sn ON sn.id = g.notebook_id
JOIN submitted_assignment AS sa ON sa.id = sn.assignment_id
JOIN assignment AS a ON a.id = sa.assignment_id
JOIN notebook AS n ON n.id = sn.notebook_id
JOIN grade_cells AS gc ON gc.id = g.cell_id
JOIN base_cell AS bc ON bc.id = g.cell_id
"""


def engine_for(gradebook: str | Path, read_only: bool = True) -> sa.Engine:
    """SQLAlchemy engine for a gradebook path or database URL (SQLite opened read-only)."""
    text = str(gradebook)
    if "://" in text:
        return sa.create_engine(text)
    path = Path(text).resolve()
    if not path.exists():
        raise FileNotFoundError(f"Gradebook tidak ditemukan: {path}")
    mode = "ro" if read_only else "rw"
    return sa.create_engine(f"sqlite:///file:{path}?mode={mode}&uri=true")


def read_grades(gradebook: str | Path) -> pd.DataFrame:
    """Every grade in the gradebook, scored the way nbgrader scores it.

    ``score`` is ``manual_score + extra_credit`` when a manual score exists, else
    ``auto_score + extra_credit``, else 0. ``graded`` is False while a cell awaits manual grading.
    """
    engine = engine_for(gradebook)
    try:
        with engine.connect() as connection:
            frame = pd.read_sql_query(sa.text(_GRADES_SQL), connection)
    finally:
        engine.dispose()
    extra = frame["extra_credit"].fillna(0.0)
    base = frame["manual_score"].where(frame["manual_score"].notna(), frame["auto_score"])
    frame["score"] = (base + extra).where(base.notna(), 0.0).astype(float)
    frame["needs_manual_grade"] = frame["needs_manual_grade"].astype(bool)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["max_score"] = frame["max_score"].astype(float)
    return frame[GRADE_COLUMNS]


def read_students(gradebook: str | Path) -> pd.DataFrame:
    """The gradebook's students (id, first_name, last_name, email)."""
    engine = engine_for(gradebook)
    try:
        with engine.connect() as connection:
            return pd.read_sql_query(
                sa.text("SELECT id, first_name, last_name, email FROM student ORDER BY id"),
                connection,
            )
    finally:
        engine.dispose()
