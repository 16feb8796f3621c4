"""Intake: decide whether a submission can be graded at all, before anything touches it.

A submission that cannot be read (invalid JSON, an nbformat older than 4, a missing or renamed
notebook, an oversized file) is "not gradable": the learner gets a reason in Indonesian, the
gradebook keeps whatever it held before, and the batch goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

__all__ = ["Intake", "read_submission", "MAX_NOTEBOOK_MB"]

MAX_NOTEBOOK_MB = 5.0


@dataclass
class Intake:
    """The readable notebooks of one submission, or why there are none."""

    notebooks: dict[str, NotebookNode]
    reason_key: str | None = None  # message id (grading.not_gradable.*) when not gradable
    reason_values: dict | None = None

    @property
    def gradable(self) -> bool:
        return self.reason_key is None


def read_submission(
    folder: Path, notebook_names: list[str], max_file_mb: float = MAX_NOTEBOOK_MB
) -> Intake:
    """Read every expected notebook of ``folder``; stop at the first reason not to grade."""
    limit = int(max_file_mb * 1024 * 1024)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.stat().st_size > limit:
            return Intake(
                {},
                "grading.not_gradable.too_large",
                {
                    "file": path.name,
                    "size_mb": f"{path.stat().st_size / 2**20:.1f}",
                    "limit_mb": f"{max_file_mb:g}",
                },
            )
    notebooks: dict[str, NotebookNode] = {}
    for name in notebook_names:
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            if others:
                return Intake(
                    {},
                    "grading.not_gradable.renamed",
                    {"expected": path.name, "found": ", ".join(others)},
                )
            return Intake({}, "grading.not_gradable.missing", {"expected": path.name})
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return Intake({}, "grading.not_gradable.invalid_json", {"file": path.name})
        if not isinstance(raw, dict) or not isinstance(raw.get("cells", []), list):
            return Intake({}, "grading.not_gradable.invalid_json", {"file": path.name})
        major = raw.get("nbformat")
        if not isinstance(major, int) or major < 4:
            return Intake(
                {}, "grading.not_gradable.old_format", {"file": path.name, "version": major}
            )
        try:
            nb = nbformat.reads(json.dumps(raw), as_version=4)
            for cell in nb.cells:
                cell.setdefault("metadata", {})
                if cell.get("cell_type") == "code":
                    cell.setdefault("outputs", [])
                if not isinstance(cell.get("source", ""), str):
                    raise ValueError("bad source")
        except Exception:  # noqa: BLE001 - any unreadable notebook is the same case for a learner
            return Intake({}, "grading.not_gradable.invalid_json", {"file": path.name})
        notebooks[name] = nb
    return Intake(notebooks)
