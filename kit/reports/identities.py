"""Who an export names, and how: identity columns per mode, free-text redaction, export log.

Every exporter of :mod:`kit.reports` names people through :class:`People`, as the chosen
``IdentityMode`` says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kit.core import KitError, message, record_event
from kit.people import IdentityMode, Redactor, identify, identity_columns

if TYPE_CHECKING:
    from kit.reports.report import HrReport

__all__ = ["ExportError", "People", "PERSONAL_COLUMNS", "record_export"]

# Columns that identify a person; exporters replace them with ``identify``'s columns.
PERSONAL_COLUMNS = ("username", "nip", "nama", "email", "jabatan")

log = logging.getLogger("kit.reports")


class ExportError(KitError, ValueError):
    """An export that may not be written as asked (no purpose given, a mode the format refuses)."""


class People:
    """The identity side of one export: who is shown how, and free-text redaction."""

    def __init__(self, report: HrReport, mode: IdentityMode | str, key: bytes | None) -> None:
        self.mode = IdentityMode(mode)
        self.identities = identify(report.learners, self.mode, key)
        self.columns = identity_columns(self.mode)
        self.redact = Redactor(report.learners, self.identities, self.mode)
        sort_by = ["unit", "pseudonim" if self.mode is IdentityMode.pseudonym else "nama"]
        self._order = {
            name: position
            for position, name in enumerate(
                self.identities.sort_values(sort_by, kind="stable")["username"]
            )
        }

    def attach(
        self, frame: pd.DataFrame, free_text: Sequence[str] = (), keep_username: bool = False
    ) -> pd.DataFrame:
        """``frame`` with its personal columns replaced by this mode's identity columns.

        Rows are sorted by unit and person (the learner table's order) with the frame's own
        order kept within a person; ``free_text`` columns are redacted.
        """
        body = frame.drop(columns=[c for c in PERSONAL_COLUMNS[1:] if c in frame.columns])
        body = body.assign(_order=body["username"].map(self._order).fillna(len(self._order)))
        body = body.sort_values("_order", kind="stable").drop(columns="_order")
        merged = body.merge(
            self.identities[["username", *self.columns]],
            on="username",
            how="left",
            validate="many_to_one",
        )
        for column in free_text:
            if column in merged:
                merged[column] = self.redact.column(merged[column])
        front = ["username"] if keep_username else []
        rest = [c for c in body.columns if c != "username"]
        return merged[[*front, *self.columns, *rest]].reset_index(drop=True)


def record_export(
    kind: str,
    report: HrReport,
    people: People,
    paths: Sequence[Path],
    *,
    purpose: str,
    actor: str | None,
    out: Path,
    covered: Iterable[str] | None = None,
) -> dict:
    """Audit one export in the report's course, whoever asked for it (CLI, page or notebook).

    The event says who (``actor``, else the operator), why (``purpose``), how many people the
    files cover (``covered`` usernames, else every learner of the report) and how they are
    identified; it holds no personal data itself.
    """
    if not purpose or not purpose.strip():
        raise ExportError(message("export.no_purpose"), hint=message("export.purpose_hint"))
    log.info(
        "ekspor %s: %d berkas, mode identitas %s, versi aturan %s, kursus %s, tahun %s",
        kind,
        len(paths),
        people.mode.value,
        report.meta.rule_version,
        report.meta.course_id,
        report.meta.year,
    )
    return record_event(
        report.meta.course_root,
        f"export.{kind}",
        by=actor,
        purpose=purpose.strip(),
        people=len(set(report.learners["username"] if covered is None else covered)),
        identity=people.mode.value,
        rule_version=report.meta.rule_version,
        year=report.meta.year,
        files=len(paths),
        out=Path(out).resolve(),
    )
