"""Tamper detection: compare a submitted notebook with what the gradebook says it must hold.

nbgrader already restores locked cells and points; what it does not do is *tell* the instructor,
restore re-tagged cells, or fail a deleted test. Here every kind of change is named as a flag, the
nbgrader metadata of every known cell is rewritten from the gradebook (so no re-tagging survives),
and learner-written code that reaches into IPython or a library's assert helpers is flagged.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

__all__ = [
    "CellSpec",
    "NotebookSpec",
    "detect_tampering",
    "restore_metadata",
    "scan_suspicious_code",
    "TAMPER_FLAGS",
]

# Flag names (English keys, explained in Indonesian by the message catalogue).
TAMPER_FLAGS = (
    "edited_test",
    "edited_locked_cell",
    "deleted_test",
    "deleted_cell",
    "retyped_cell",
    "duplicated_cell",
    "renamed_grade_id",
    "retagged_cell",
    "points_changed",
    "checksum_forged",
    "kernelspec_changed",
    "suspicious_code",
)


@dataclass(frozen=True)
class CellSpec:
    """One cell of the source notebook as the gradebook knows it."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str
    grade: bool = False
    solution: bool = False
    task: bool = False
    points: float | None = None

    @property
    def is_test(self) -> bool:
        """An autograded test: a locked code grade cell that is not an answer."""
        return self.grade and not self.solution and self.cell_type == "code"


@dataclass(frozen=True)
class NotebookSpec:
    """What the gradebook (and the release, when present) says a notebook must contain."""

    name: str
    cells: dict[str, CellSpec]
    kernelspec: dict | None
    released_sources: dict[str, str] = field(default_factory=dict)
    released_checksums: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_gradebook(cls, notebook, release_path: Path | None) -> NotebookSpec:
        """Build from an ``nbgrader.api.Notebook`` row (and the released notebook, if any)."""
        grade = {c.name: c for c in notebook.grade_cells}
        solution = {c.name for c in notebook.solution_cells}
        task = {c.name for c in notebook.task_cells}
        cells = {}
        for source in notebook.source_cells:
            graded = grade.get(source.name)
            cells[source.name] = CellSpec(
                name=source.name,
                cell_type=source.cell_type,
                locked=bool(source.locked),
                checksum=source.checksum,
                source=source.source,
                grade=graded is not None,
                solution=source.name in solution,
                task=source.name in task,
                points=float(graded.max_score) if graded is not None else None,
            )
        released_sources: dict[str, str] = {}
        released_checksums: dict[str, str] = {}
        if release_path is not None and release_path.is_file():
            release = nbformat.read(release_path, as_version=4)
            for cell in release.cells:
                meta = cell.metadata.get("nbgrader", {})
                if "grade_id" in meta:
                    released_sources[meta["grade_id"]] = cell.source
                    if meta.get("checksum"):
                        released_checksums[meta["grade_id"]] = meta["checksum"]
        kernelspec = json.loads(notebook.kernelspec) if notebook.kernelspec else None
        return cls(notebook.name, cells, kernelspec, released_sources, released_checksums)

    @property
    def tests(self) -> list[str]:
        return [name for name, spec in self.cells.items() if spec.is_test]


def _nbgrader_meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def detect_tampering(nb: NotebookNode, spec: NotebookSpec) -> dict[str, list[str]]:
    """Every change to graded or locked cells, as ``{flag: [grade_id, ...]}``.

    Works on the notebook as submitted (before any restoration). A locked cell counts as edited
    when its source differs from the released one; without a release, from the gradebook's.
    """
    flags: dict[str, list[str]] = {}

    def flag(name: str, grade_id: str) -> None:
        flags.setdefault(name, [])
        if grade_id not in flags[name]:
            flags[name].append(grade_id)

    ids = [_nbgrader_meta(c).get("grade_id") for c in nb.cells]
    counts = Counter(i for i in ids if i)
    for grade_id, count in counts.items():
        if count > 1:
            flag("duplicated_cell", grade_id)
    for cell in nb.cells:
        meta = _nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        known = spec.cells.get(grade_id)
        if known is None:
            flag("renamed_grade_id", grade_id)
            continue
        if cell.get("cell_type") != known.cell_type:
            flag("retyped_cell", grade_id)
        if (
            bool(meta.get("grade")) != known.grade
            or bool(meta.get("solution")) != known.solution
            or bool(meta.get("task")) != known.task
            or bool(meta.get("locked")) != known.locked
        ):
            flag("retagged_cell", grade_id)
        if known.grade and meta.get("points") is not None:
            try:
                if float(meta["points"]) != known.points:
                    flag("points_changed", grade_id)
            except (TypeError, ValueError):
                flag("points_changed", grade_id)
        expected_checksum = spec.released_checksums.get(grade_id, known.checksum)
        if meta.get("checksum") and meta.get("checksum") != expected_checksum:
            flag("checksum_forged", grade_id)
        if known.locked:
            released = spec.released_sources.get(grade_id)
            if released is None:
                from nbgrader.utils import compute_checksum

                changed = compute_checksum(cell) != known.checksum
            else:
                changed = _normalise(cell.get("source", "")) != _normalise(released)
            if changed:
                flag("edited_test" if known.is_test else "edited_locked_cell", grade_id)
    present = set(counts)
    for name, known in spec.cells.items():
        if name in present or not (known.grade or known.locked or known.solution):
            continue
        if known.is_test:
            flag("deleted_test", name)
        else:
            flag("deleted_cell", name)
    submitted_kernel = (nb.get("metadata", {}).get("kernelspec") or {}).get("name")
    if spec.kernelspec and submitted_kernel != spec.kernelspec.get("name"):
        flag("kernelspec_changed", str(submitted_kernel))
    return flags


def _normalise(source) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return str(source).strip()


def restore_metadata(nb: NotebookNode, spec: NotebookSpec) -> None:
    """Rewrite the nbgrader metadata of every cell from the gradebook, in place.

    nbgrader restores ``locked``, ``points`` and the cell type, but not the ``grade``/``solution``
    flags: a test re-tagged as an answer would escape grading. Unknown ids (renamed cells) lose
    their nbgrader metadata, so the true cell counts as missing and is added back to fail.
    Duplicates keep only their last copy, as nbgrader's DeduplicateIds does, and the dropped
    copies lose the (empty) metadata that would make nbgrader abort the whole batch.
    """
    seen: set[str] = set()
    for cell in reversed(nb.cells):
        meta = _nbgrader_meta(cell)
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        grade_id = meta.get("grade_id")
        known = spec.cells.get(grade_id) if grade_id else None
        if known is None or grade_id in seen:
            del cell.metadata["nbgrader"]
            continue
        seen.add(grade_id)
        new = {
            "grade": known.grade,
            "grade_id": grade_id,
            "locked": known.locked,
            "schema_version": 3,
            "solution": known.solution,
            "task": known.task,
        }
        if known.grade:
            new["points"] = known.points
        if known.checksum:
            new["checksum"] = known.checksum
        cell.metadata["nbgrader"] = new


# Learner code that reaches into the machinery which decides pass or fail. Matched against
# cells the learner could edit (answers and free cells); each hit is reported by pattern name.
_SUSPICIOUS = {
    "ipython_error_display": r"showtraceback|showsyntaxerror|set_custom_exc|CustomTB"
    r"|custom_exceptions|InteractiveTB",
    "ipython_transformers": r"input_transformers|ast_transformers|input_transformer_manager",
    "ipython_events": r"\.events\.(register|unregister|callbacks)|pre_run_cell|post_run_cell",
    "ipython_internals": r"run_cell|run_ast_nodes|run_code\b|displayhook|user_expressions"
    r"|_kit_guard",
    "assert_helpers": r"(testing|practice|_testing)\s*\.\s*assert\w*\s*=(?!=)"
    r"|setattr\s*\(\s*[\w.]*(testing|practice)\b",
    "builtins_patched": r"\bbuiltins\b|__builtins__",
    "process_exit": r"os\s*\.\s*_exit|os\s*\.\s*kill|signal\s*\.\s*signal",
    "exception_swallowing": r"except\s*(BaseException|KeyboardInterrupt)",
}
_SUSPICIOUS_RE = {name: re.compile(pattern) for name, pattern in _SUSPICIOUS.items()}


def scan_suspicious_code(nb: NotebookNode, spec: NotebookSpec) -> list[str]:
    """Names of the suspicious patterns found in the learner-editable code cells."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        known = spec.cells.get(_nbgrader_meta(cell).get("grade_id") or "")
        if known is not None and known.locked:
            continue  # restored from the gradebook before it runs
        source = _normalise(cell.get("source", ""))
        for name, pattern in _SUSPICIOUS_RE.items():
            if name not in found and pattern.search(source):
                found.append(name)
    return found
