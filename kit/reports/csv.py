"""CSV export: one UTF-8 file (with BOM, so Excel opens it as UTF-8) per report table.

Column names are those of ``HrReport`` (documented in ``kit.reports.report``), with personal columns
replaced by the identity columns of the chosen mode, plus ``rule_version`` and ``generated_at``
(ISO 8601, WIB) in every file so a file separated from its siblings still says what it is.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.core import to_wib
from kit.people import IdentityMode
from kit.reports.identities import People, record_export
from kit.reports.report import HrReport

__all__ = ["export_csv", "read_export_csv", "CSV_FILES"]

# report table -> file name, and the free-text columns to redact
CSV_FILES = {
    "units": ("ringkasan_unit.csv", ()),
    "competencies": ("kompetensi.csv", ()),
    "evidence": ("bukti_kompetensi.csv", ()),
    "jp_ledger": ("buku_jp.csv", ("title",)),
    "jp_per_learner": ("rekap_jp.csv", ()),
    "modules_completed": ("modul_selesai.csv", ()),
    "standing": ("status_penghargaan.csv", ("explanation",)),
}
_MOMENT_COLUMNS = ("timestamp", "passed_at")


def export_csv(
    report: HrReport,
    out_dir: Path,
    mode: IdentityMode | str = IdentityMode.masked,
    key: bytes | None = None,
    sep: str = ",",
    *,
    purpose: str,
    actor: str | None = None,
) -> list[Path]:
    """Write one CSV per report table into ``out_dir``; return the paths written.

    ``sep=";"`` suits an Excel whose regional settings use the decimal comma; the default comma
    suits every other program.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    people = People(report, mode, key)
    generated_at = to_wib(report.meta.generated_at).isoformat(timespec="seconds")
    paths = []
    for table, (file_name, free_text) in CSV_FILES.items():
        frame = getattr(report, table)
        if "username" in frame.columns:
            frame = people.attach(frame, free_text=free_text)
        else:
            frame = frame.copy()
        for column in _MOMENT_COLUMNS:
            if column in frame:
                frame[column] = [_iso(value) for value in frame[column]]
        if "rule_version" not in frame:
            frame["rule_version"] = report.meta.rule_version
        frame["generated_at"] = generated_at
        path = out_dir / file_name
        # utf-8-sig writes the byte-order mark Excel needs to read UTF-8 rather than ANSI.
        frame.to_csv(path, index=False, encoding="utf-8-sig", sep=sep, lineterminator="\r\n")
        paths.append(path)
    record_export("csv", report, people, paths, purpose=purpose, actor=actor, out=out_dir)
    return paths


def _iso(value: object) -> str:
    when = to_wib(value)
    return "" if when is None else when.isoformat(timespec="seconds")


def read_export_csv(path: Path, sep: str = ",") -> pd.DataFrame:
    """Read a file written by ``export_csv`` back, NIPs kept as text."""
    return pd.read_csv(
        path, sep=sep, encoding="utf-8-sig", dtype={"nip": str, "pseudonim": str, "unit": str}
    )
