"""What a grading run returns and records: per-learner results, the run, and its one error."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from kit.core import SetupError

__all__ = ["ISOLATION_MODES", "STATUSES", "GradingError", "GradingRun", "SubmissionResult"]

STATUSES = ("graded", "not_gradable", "timed_out", "error")
# How learners' code was isolated: the sandbox, or resource limits only (asked for explicitly).
ISOLATION_MODES = ("sandbox", "limits_only")


class GradingError(SetupError, RuntimeError):
    """The run cannot start (no course, unknown assignment, no sandbox...); Indonesian message.

    Nothing has been graded and no stored grade has changed when it is raised.
    """


@dataclass
class SubmissionResult:
    """The outcome for one learner. ``reason`` is Indonesian, for the learner and instructor."""

    student: str
    status: str
    score: float | None = None
    max_score: float | None = None
    flags: list[str] = field(default_factory=list)
    reason: str | None = None
    flag_cells: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class GradingRun:
    """Every learner's result of one ``grade_assignment`` call, and how their code was isolated.

    ``isolation`` is ``"sandbox"`` or ``"limits_only"``; ``isolation_source`` says who chose it
    (``default``, ``option`` or ``course_config``); ``isolation_notes`` say in Indonesian what
    learner code could and could not do.
    """

    assignment: str
    course_root: Path
    results: list[SubmissionResult]
    seconds: float
    jobs: int
    isolation: str
    isolation_source: str = "default"
    isolation_notes: tuple[str, ...] = ()
    backup: Path | None = None

    @property
    def sandboxed(self) -> bool:
        """Whether learner code ran in the sandbox (what readers before ``isolation`` used)."""
        return self.isolation == "sandbox"

    @property
    def notes(self) -> tuple[str, ...]:
        """The isolation notes (the name readers before ``isolation_notes`` used)."""
        return self.isolation_notes

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in STATUSES}

    def result(self, student: str) -> SubmissionResult:
        return next(r for r in self.results if r.student == student)
