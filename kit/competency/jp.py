"""The learning-hour ledger (JP, 45 minutes each): modules passed plus outside learning.

Outside learning (workshops with universities, the private sector or government bodies) is
imported from CSV into ``<course>/jp_external.csv``; an import is all or nothing and every bad
row is reported by line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from kit.core import (
    CsvFileError,
    RowProblem,
    RowsError,
    atomic_write,
    message,
    read_csv_rows,
    record_event,
)
from kit.course import Module

__all__ = [
    "ExternalRecord",
    "JpImportError",
    "read_external",
    "write_external",
    "parse_external_csv",
    "import_external",
    "module_completions",
    "jp_ledger",
    "jp_per_learner",
    "EXTERNAL_KINDS",
    "MAX_JP_PER_DAY",
]

EXTERNAL_KINDS = ("universitas", "swasta", "pemerintah", "lainnya")
# A training day holds at most 10 JP (7.5 hours); more is not a plausible record.
MAX_JP_PER_DAY = 10
_REQUIRED = ("username", "tanggal_mulai", "tanggal_selesai", "penyelenggara", "judul", "jp")


@dataclass(frozen=True)
class ExternalRecord:
    username: str
    tanggal_mulai: str  # ISO date
    tanggal_selesai: str
    penyelenggara: str
    judul: str
    jp: float
    jenis: str = "lainnya"


class JpImportError(RowsError, ValueError):
    """The outside-learning file cannot be imported; ``problems`` lists every bad row."""

    hint_key = "error.hint.jp"

    def __init__(self, summary: str, problems: Sequence[tuple[int, str]] = ()) -> None:
        # RowProblem is a (line, reason) pair that says itself as "Baris N: …".
        super().__init__(summary, [RowProblem(line, reason) for line, reason in problems])


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_external(path: Path) -> list[ExternalRecord]:
    if not Path(path).exists():
        return []
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [ExternalRecord(**{**row, "jp": float(row["jp"])}) for row in frame.to_dict("records")]


def write_external(path: Path, records: Iterable[ExternalRecord]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[f.name for f in fields(ExternalRecord)], lineterminator="\n"
    )
    writer.writeheader()
    for record in records:
        writer.writerow(asdict(record))
    atomic_write(path, buffer.getvalue())


def parse_external_csv(
    path: Path,
    known_users: Iterable[str],
    existing: Iterable[ExternalRecord] = (),
    today: dt.date | None = None,
) -> list[ExternalRecord]:
    """Validate an outside-learning CSV; raise ``JpImportError`` listing every bad row."""
    today = today or dt.date.today()
    try:
        table = read_csv_rows(path, required=_REQUIRED, optional=("jenis",))
    except CsvFileError as error:
        raise JpImportError(error.summary) from None
    users = set(known_users)
    seen: dict[tuple[str, str, str], int] = {}
    taken = {(r.username, r.tanggal_mulai, r.judul.lower()) for r in existing}
    records: list[ExternalRecord] = []
    problems: list[tuple[int, str]] = list(table.problems)
    for row in table.rows:
        line, rec = row.line, row.values
        reasons = []
        if rec["username"] not in users:
            reasons.append(message("jp.unknown_user", username=rec["username"]))
        start = end = None
        try:
            start = _parse_date(rec["tanggal_mulai"])
            end = _parse_date(rec["tanggal_selesai"])
        except ValueError as error:
            reasons.append(message("jp.bad_date", value=error.args[0]))
        if start and end:
            if end < start:
                reasons.append(message("jp.end_before_start", start=start, end=end))
            if end > today:
                reasons.append(message("jp.future", end=end))
        try:
            jp = float(rec["jp"].replace(",", "."))
        except ValueError:
            jp = None
            reasons.append(message("jp.not_number", value=rec["jp"]))
        if jp is not None:
            if jp <= 0:
                reasons.append(message("jp.not_positive", value=rec["jp"]))
            elif start and end and end >= start:
                days = (end - start).days + 1
                if jp > MAX_JP_PER_DAY * days:
                    reasons.append(
                        message("jp.too_many", jp=rec["jp"], days=days, limit=MAX_JP_PER_DAY * days)
                    )
        if not rec["judul"]:
            reasons.append(message("jp.title_missing"))
        if not rec["penyelenggara"]:
            reasons.append(message("jp.organiser_missing"))
        kind = (rec.get("jenis") or "lainnya").lower()
        if kind not in EXTERNAL_KINDS:
            reasons.append(message("jp.kind", value=kind, known=", ".join(EXTERNAL_KINDS)))
        if start:
            key = (rec["username"], start.isoformat(), rec["judul"].lower())
            if key in seen:
                reasons.append(message("jp.duplicate_in_file", first_line=seen[key]))
            elif key in taken:
                reasons.append(message("jp.duplicate_existing"))
            else:
                seen[key] = line
        if reasons:
            problems.extend((line, reason) for reason in reasons)
            continue
        records.append(
            ExternalRecord(
                username=rec["username"],
                tanggal_mulai=start.isoformat(),
                tanggal_selesai=end.isoformat(),
                penyelenggara=rec["penyelenggara"],
                judul=rec["judul"],
                jp=jp,
                jenis=kind,
            )
        )
    if problems:
        problems.sort(key=lambda problem: problem[0])
        bad = len({ln for ln, _ in problems})
        raise JpImportError(message("jp.rejected", count=bad), problems)
    return records


def import_external(
    course_root: Path,
    csv_path: Path,
    known_users: Iterable[str],
    today: dt.date | None = None,
    *,
    actor: str | None = None,
) -> list[ExternalRecord]:
    """Validate and append outside learning to ``<course>/jp_external.csv`` (all or nothing).

    The import is audited (``actor`` or the operator, the file, records and people added).
    """
    target = Path(course_root) / "jp_external.csv"
    current = read_external(target)
    new = parse_external_csv(csv_path, known_users, existing=current, today=today)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_external(target, [*current, *new])
    record_event(
        course_root,
        "jp.import",
        by=actor,
        file=Path(csv_path).resolve(),
        added=len(new),
        people=len({record.username for record in new}),
    )
    return new


def module_completions(
    assignment_scores: pd.DataFrame, modules: Sequence[Module], pass_share: float
) -> pd.DataFrame:
    """Modules passed: the assignment's score reaches ``pass_share`` of its maximum.

    Answers still awaiting manual grading count 0 until graded, so a pass is never premature.
    """
    columns = ["username", "module_id", "module_title", "assignment", "jp", "score", "max_score",
               "passed_at"]  # fmt: skip
    catalogue = pd.DataFrame(
        {
            "assignment": [m.assignment for m in modules],
            "module_id": [m.id for m in modules],
            "module_title": [m.title for m in modules],
            "jp": [float(m.jp) for m in modules],
        }
    )
    scored = assignment_scores.merge(catalogue, on="assignment", how="inner")
    passed = scored[
        (scored["max_score"] > 0) & (scored["score"] + 1e-9 >= pass_share * scored["max_score"])
    ]
    return passed.rename(columns={"timestamp": "passed_at"})[columns].reset_index(drop=True)


def jp_ledger(completions: pd.DataFrame, external: Sequence[ExternalRecord]) -> pd.DataFrame:
    """Every JP record, modules and outside learning, with its year."""
    module_rows = pd.DataFrame(
        {
            "username": completions["username"],
            "date": pd.to_datetime(completions["passed_at"]).dt.date,
            "source": "modul",
            "module_id": completions["module_id"],
            "title": completions["module_title"],
            "organiser": "Kit Kompetensi Digital Marelan",
            "jp": completions["jp"].astype(float),
        }
    )
    external_rows = pd.DataFrame(
        {
            "username": [r.username for r in external],
            "date": [dt.date.fromisoformat(r.tanggal_selesai) for r in external],
            "source": "eksternal",
            "module_id": "",
            "title": [r.judul for r in external],
            "organiser": [r.penyelenggara for r in external],
            "jp": [float(r.jp) for r in external],
        }
    )
    parts = [p for p in (module_rows, external_rows) if not p.empty]
    columns = ["username", "year", "date", "source", "module_id", "title", "organiser", "jp"]
    if not parts:
        return pd.DataFrame(columns=columns)
    ledger = pd.concat(parts, ignore_index=True)
    ledger["year"] = [d.year for d in ledger["date"]]
    return ledger[columns].sort_values(["username", "date"], ignore_index=True)


def jp_per_learner(
    ledger: pd.DataFrame, learners: pd.DataFrame, year: int, target: float
) -> pd.DataFrame:
    """JP of ``year`` per learner (every roster learner present), against ``target``."""
    of_year = ledger[ledger["year"] == year]
    sums = of_year.pivot_table(
        index="username", columns="source", values="jp", aggfunc="sum", fill_value=0.0
    )
    result = learners[["username", "unit"]].copy()
    result["year"] = year
    result["jp_modules"] = result["username"].map(sums.get("modul", pd.Series())).fillna(0.0)
    result["jp_external"] = result["username"].map(sums.get("eksternal", pd.Series())).fillna(0.0)
    result["jp_total"] = result["jp_modules"] + result["jp_external"]
    result["target"] = float(target)
    result["met"] = result["jp_total"] >= target
    return result.reset_index(drop=True)
