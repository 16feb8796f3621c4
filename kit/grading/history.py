"""What the course's audit log says about past grading runs: the history, and the latest run's
result per submission and how its learners' code was isolated.

``kit grade`` writes ``grading.start`` and ``grading.done`` events (``kit.core.record_event``);
these pure functions read the events back, tolerating older logs that lack later fields. They
import nothing heavy, so a page can use them without loading the grader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from kit.grading.results import ISOLATION_MODES, STATUSES

__all__ = [
    "GRADING_FLAGS",
    "GRADING_STATUSES",
    "RecordedGradingRun",
    "grading_history",
    "latest_grading_run",
]

# The statuses ``kit grade`` records per submission (``kit.grading.engine.STATUSES``; a test
# keeps them equal: the engine is not imported here, it loads nbgrader).
GRADING_STATUSES = STATUSES  # the engine's statuses, in its order
# Flags the grader records; each has words in the message catalogue. Others show their id.
GRADING_FLAGS = (
    "edited_test",
    "deleted_test",
    "retyped_cell",
    "duplicated_cell",
    "renamed_grade_id",
    "points_changed",
    "checksum_forged",
    "kernelspec_changed",
    "suspicious_code",
    "kernel_died",
    "output_truncated",
    "timed_out",
)
# How a run isolated learners' code: in the sandbox, or with resource limits only (no separate
# user or network namespace). Anything else, a missing field of an older log included, is
# "unknown": never assumed to have been the sandbox.
UNKNOWN_ISOLATION = "unknown"

_RESULT_COLUMNS = ["student", "status", "score", "max_score", "flags", "reason"]


def grading_history(events: list[dict], limit: int = 10) -> pd.DataFrame:
    """The latest ``limit`` grading events of the audit log, newest first."""
    rows = [
        {
            "at": pd.Timestamp(e["at"]),
            "event": e["event"],
            "assignment": e.get("assignment", ""),
            "learners": len(e.get("students") or []),
            "by": e.get("by", ""),
        }
        for e in events
        if str(e.get("event", "")).startswith("grading.")
    ]
    frame = pd.DataFrame(rows, columns=["at", "event", "assignment", "learners", "by"])
    return frame.iloc[::-1].head(limit).reset_index(drop=True)


@dataclass(frozen=True)
class RecordedGradingRun:
    """What one ``grading.done`` event of ``kit grade`` says about the run and its submissions.

    ``results`` has one row per submission: ``student``, ``status`` (see ``GRADING_STATUSES``),
    ``score`` and ``max_score`` (NaN when not graded), ``flags`` (a tuple of flag ids, see
    ``GRADING_FLAGS``) and ``reason`` (the grader's own words, may be empty). ``isolation`` is
    one of ``ISOLATION_MODES`` or ``"unknown"``; ``isolation_notes`` the grader's notes on it.
    """

    assignment: str
    at: pd.Timestamp
    by: str
    results: pd.DataFrame
    isolation: str = UNKNOWN_ISOLATION
    isolation_notes: tuple[str, ...] = ()

    def status_counts(self) -> dict[str, int]:
        """Submissions per status: known statuses in ``GRADING_STATUSES`` order, then others."""
        counts = self.results["status"].value_counts()
        known = [s for s in GRADING_STATUSES if s in counts.index]
        others = sorted(s for s in counts.index if s not in GRADING_STATUSES)
        return {status: int(counts[status]) for status in [*known, *others]}

    def needing_review(self) -> pd.DataFrame:
        """The submissions with at least one flag or a status other than ``graded``."""
        results = self.results
        keep = (results["status"] != "graded") | (results["flags"].map(len) > 0)
        return results[keep].reset_index(drop=True)


def latest_grading_run(events: list[dict], assignment: str) -> RecordedGradingRun | None:
    """The latest ``grading.done`` event of ``assignment`` that lists per-submission results.

    Events written before the grader recorded ``results`` are passed over; ``None`` when no
    event of the assignment has them. The isolation is the done event's, else that of the
    run's own ``grading.start`` (the latest one of the assignment before it), else unknown.
    """
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        results = event.get("results")
        if (
            event.get("event") == "grading.done"
            and event.get("assignment") == assignment
            and isinstance(results, list)
        ):
            isolation, notes = _isolation(event, _run_start(events[:index], assignment))
            return RecordedGradingRun(
                assignment=assignment,
                at=pd.Timestamp(event["at"]),
                by=str(event.get("by", "")),
                results=_results_frame(results),
                isolation=isolation,
                isolation_notes=notes,
            )
    return None


def _run_start(earlier: list[dict], assignment: str) -> dict | None:
    for event in reversed(earlier):
        if event.get("assignment") != assignment:
            continue
        if event.get("event") == "grading.start":
            return event
        if event.get("event") == "grading.done":  # an earlier run's end: this run has no start
            return None
    return None


def _isolation(done: dict, start: dict | None) -> tuple[str, tuple[str, ...]]:
    for event in (done, start):
        if event is None or "isolation" not in event:
            continue
        mode = event.get("isolation")
        mode = mode if mode in ISOLATION_MODES else UNKNOWN_ISOLATION
        notes = event.get("isolation_notes") or ()
        if isinstance(notes, str):  # one note written as a string rather than a list
            notes = (notes,)
        return mode, tuple(str(note) for note in notes if str(note).strip())
    return UNKNOWN_ISOLATION, ()


def _results_frame(results: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "student": str(entry.get("student", "")),
            "status": str(entry.get("status") or "error"),
            "score": _float_or_nan(entry.get("score")),
            "max_score": _float_or_nan(entry.get("max_score")),
            "flags": tuple(str(flag) for flag in entry.get("flags") or ()),
            "reason": str(entry.get("reason") or ""),
        }
        for entry in results
        if isinstance(entry, dict)
    ]
    return pd.DataFrame(rows, columns=_RESULT_COLUMNS)


def _float_or_nan(value: object) -> float:
    try:
        return math.nan if value is None else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
