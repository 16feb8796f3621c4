"""One learner's submission between intake and gradebook: made safe to run, then judged.

:func:`sanitize_notebooks` finds tampering, restores what the gradebook says and runs nbgrader's
sanitize steps (deleted tests come back failed); :func:`judge` turns the kernels' outcomes into
the learner's status, flags and Indonesian reason. Neither writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from traitlets.config import Config

from kit.core import message
from kit.grading import nbgrader_steps as steps
from kit.grading.executor import ExecutionOutcome, fail_cell, is_test_cell
from kit.grading.results import SubmissionResult
from kit.grading.tamper import (
    NotebookSpec,
    detect_tampering,
    restore_metadata,
    scan_suspicious_code,
)

__all__ = ["PreparedSubmission", "judge", "sanitize_notebooks"]


@dataclass
class PreparedSubmission:
    """A submission ready to run: sanitized notebooks, cells not to run, what was found."""

    student: str
    folder: Path
    notebooks: dict[str, NotebookNode] = field(default_factory=dict)
    skip: dict[str, set[int]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    flag_cells: dict[str, list[str]] = field(default_factory=dict)
    result: SubmissionResult | None = None  # set when the submission stops here


def sanitize_notebooks(
    prepared: PreparedSubmission,
    notebooks: dict[str, NotebookNode],
    specs: dict[str, NotebookSpec],
    *,
    gradebook: Gradebook,
    config: Config,
    db_url: str,
    assignment: str,
) -> None:
    """Fill ``prepared`` from the learner's ``notebooks``: flags, sanitized copies, skips."""
    for name, nb in notebooks.items():
        spec = specs[name]
        for flag, cells in detect_tampering(nb, spec).items():
            prepared.flag_cells.setdefault(flag, []).extend(cells)
        suspicious = scan_suspicious_code(nb, spec)
        if suspicious:
            prepared.flag_cells.setdefault("suspicious_code", []).extend(suspicious)
        restore_metadata(nb, spec)
        present = {
            c.metadata["nbgrader"]["grade_id"]
            for c in nb.cells
            if "nbgrader" in c.get("metadata", {})
        }
        nb = steps.sanitize(
            nb,
            config=config,
            gradebook=gradebook,
            db_url=db_url,
            assignment=assignment,
            student=prepared.student,
            notebook=name,
            kernelspec=spec.kernelspec,
        )
        skip = set()
        for index, cell in enumerate(nb.cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if is_test_cell(cell) and grade_id not in present:
                # Deleted (or renamed away) by the learner: back, and failed.
                fail_cell(cell, "SelUjiDihapus", message("grading.cell.deleted", lang="id"))
                skip.add(index)
        prepared.notebooks[name] = nb
        prepared.skip[name] = skip
    prepared.flags = list(prepared.flag_cells)


def judge(
    prepared: PreparedSubmission,
    outcomes: dict[str, ExecutionOutcome],
    *,
    notebook_timeout: float,
) -> SubmissionResult:
    """Status, flags and reason of a run submission (its score is the gradebook's, later).

    Status ``error`` means nothing ran at all: such a result is not saved to the gradebook.
    """
    student = prepared.student
    flags = list(prepared.flags)
    flag_cells = dict(prepared.flag_cells)
    repairs: list[str] = []
    for outcome in outcomes.values():
        for flag in outcome.flags:
            if flag not in flags:
                flags.append(flag)
        repairs += outcome.guard_repairs
        if outcome.state == "kernel_died" and "kernel_died" not in flags:
            flags.append("kernel_died")
    if repairs:
        flags.append("runtime_tampering")
        flag_cells["runtime_tampering"] = sorted(set(repairs))
    states = [o.state for o in outcomes.values()]
    if "error" in states and not any(o.cells_run for o in outcomes.values()):
        detail = next(o.detail for o in outcomes.values() if o.state == "error")
        reason = message("grading.reason.error", lang="id", detail=detail)
        return SubmissionResult(student, "error", flags=flags, flag_cells=flag_cells, reason=reason)
    status = "timed_out" if "timed_out" in states else "graded"
    reason = None
    if status == "timed_out":
        detail = next(o.detail for o in outcomes.values() if o.state == "timed_out")
        reason = message(f"grading.reason.{detail}", lang="id", seconds=f"{notebook_timeout:g}")
    elif "kernel_died" in flags:
        reason = message("grading.reason.kernel_died", lang="id")
    return SubmissionResult(student, status, flags=flags, reason=reason, flag_cells=flag_cells)
