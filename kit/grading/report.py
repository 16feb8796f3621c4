"""What ``kit grade`` shows: a progress bar on stderr, an Indonesian summary, the JSON payload."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from kit.core import message
from kit.grading.results import STATUSES, GradingRun, SubmissionResult

__all__ = ["ProgressBar", "summary_table", "run_to_json"]


class ProgressBar:
    """A one-line progress bar, drawn only on a terminal (logs and pipes stay clean)."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int, result: SubmissionResult) -> None:
        if not self.enabled or total == 0:
            return
        filled = int(self.width * done / total)
        elapsed = time.perf_counter() - self.started
        eta = elapsed / done * (total - done) if done else 0.0
        bar = "#" * filled + "-" * (self.width - filled)
        label = message("grading.cli.progress")
        self.stream.write(
            f"\r{label} [{bar}] {done}/{total}  {elapsed:5.0f} s  sisa ~{eta:4.0f} s "
        )
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _score(result: SubmissionResult) -> str:
    if result.score is None:
        return "-"
    return f"{result.score:g}/{result.max_score:g}"


def summary_table(run: GradingRun) -> str:
    """The end-of-run summary: counts per status, then one row per learner."""
    lines = [
        message(
            "grading.cli.title",
            assignment=run.assignment,
            count=len(run.results),
            seconds=f"{run.seconds:.1f}",
            jobs=run.jobs,
        ),
        message("grading.cli.counts", **run.counts()),
    ]
    lines.append(
        message(
            "grading.cli.isolation",
            mode=message(f"grading.isolation.mode.{run.isolation}"),
            source=message(f"grading.isolation.source.{run.isolation_source}"),
        )
    )
    if not run.sandboxed:
        lines.append(message("grading.cli.sandbox_off", notes=" ".join(run.isolation_notes)))
    if run.backup:
        lines.append(message("grading.cli.backup", path=run.backup))
    header = message("grading.cli.header").split("|")
    rows = [
        [r.student, message(f"grading.status.{r.status}"), _score(r), ", ".join(r.flags)]
        for r in run.results
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(3)]
    lines.append("")
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=False)))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, [*widths, 0], strict=False)))
    problems = [r for r in run.results if r.reason]
    if problems:
        lines.append("")
        lines += [f"{r.student}: {r.reason}" for r in problems]
    return "\n".join(line.rstrip() for line in lines)


def run_to_json(run: GradingRun) -> dict:
    """Machine output: English keys, one object per learner."""
    return {
        "assignment": run.assignment,
        "course": str(run.course_root),
        "seconds": round(run.seconds, 2),
        "jobs": run.jobs,
        "isolation": run.isolation,
        "isolation_source": run.isolation_source,
        "isolation_notes": list(run.isolation_notes),
        # The names readers before "isolation" used.
        "sandboxed": run.sandboxed,
        "sandbox_notes": list(run.isolation_notes),
        "backup": str(run.backup) if run.backup else None,
        "counts": run.counts(),
        "statuses": list(STATUSES),
        "results": [r.to_json() for r in run.results],
    }
