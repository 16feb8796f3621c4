"""One door to every export format, for callers that let the user choose the format."""

from __future__ import annotations

from pathlib import Path

from kit.people import IdentityMode
from kit.reports.badges import BadgeIssuer, export_badges
from kit.reports.certificates import export_certificates
from kit.reports.csv import export_csv
from kit.reports.excel import export_excel
from kit.reports.report import HrReport

__all__ = ["EXPORT_FORMATS", "export_report"]

# excel: one workbook (a file); the others write a folder of files.
EXPORT_FORMATS = ("excel", "csv", "badges", "certificates")


def export_report(
    report: HrReport,
    format: str,
    out: Path,
    *,
    mode: IdentityMode | str = IdentityMode.masked,
    key: bytes | None = None,
    purpose: str,
    sep: str = ",",
    issuer: BadgeIssuer | None = None,
    actor: str | None = None,
) -> list[Path]:
    """Write ``report`` in ``format`` (one of ``EXPORT_FORMATS``) to ``out``; return the paths.

    ``sep`` is for CSV, ``issuer`` for badges; every export is audited by its exporter.
    """
    common = {"mode": mode, "key": key, "purpose": purpose, "actor": actor}
    if format == "excel":
        return [export_excel(report, Path(out), **common)]
    if format == "csv":
        return export_csv(report, Path(out), sep=sep, **common)
    if format == "badges":
        return export_badges(report, Path(out), issuer=issuer, **common)
    if format == "certificates":
        return export_certificates(report, Path(out), **common)
    raise ValueError(f"unknown export format {format!r}; expected one of {EXPORT_FORMATS}")
