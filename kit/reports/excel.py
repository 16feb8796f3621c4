"""The HR workbook: units, competencies per person, JP ledger, reward standing, and an about sheet.

Every data sheet opens with a title and a line giving the reward rule version, framework
version and generation time (WIB), then one or more Excel tables with a frozen, filterable
header.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kit.core import to_wib, wib_label
from kit.people import IdentityMode
from kit.reports.identities import People, record_export
from kit.reports.report import HrReport

__all__ = ["export_excel", "SHEETS", "HEADER_ROW"]

SHEETS = (
    "Ringkasan Unit",
    "Kompetensi per Orang",
    "Buku JP",
    "Status Penghargaan",
    "Tentang",
)
HEADER_ROW = 4  # rows 1-2: title and versions, row 3 empty
DEFAULT_JP_TARGET = 20  # the ASN right to 20 JP a year, when a learner has no JP row at all

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_TITLE_FONT = Font(bold=True, size=14)
_META_FONT = Font(italic=True, color="404040")
_SECTION_FONT = Font(bold=True, size=12)
_TABLE_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
_MAX_WIDTH = 50
_LONG_TEXT_WIDTH = 70
_FORMATS = {
    "percent": "0%",
    "score": "0.0",
    "number": "General",
    "int": "0",
    "date": "DD/MM/YYYY",
}

_IDENTITY_LABELS = {
    "nama": "Nama",
    "jabatan": "Jabatan",
    "pseudonim": "Pseudonim",
}


@dataclass(frozen=True)
class _Column:
    key: str
    label: str
    kind: str = "text"  # text, long_text, int, number, score, percent, date, yes_no
    width: int | None = None  # a fixed width; otherwise from the content


def export_excel(
    report: HrReport,
    out: Path,
    mode: IdentityMode | str = IdentityMode.masked,
    key: bytes | None = None,
    *,
    purpose: str,
    actor: str | None = None,
) -> Path:
    """Write the HR workbook to ``out`` (``.xlsx``) and return its path."""
    out = Path(out)
    people = People(report, mode, key)
    workbook = Workbook()
    workbook.remove(workbook.active)
    # Document properties travel with the file; keep them free of personal data.
    workbook.properties.creator = "kit Medan Marelan"
    workbook.properties.title = f"Laporan Kompetensi dan JP ASN {report.meta.year}"

    _units_sheet(workbook.create_sheet(SHEETS[0]), report)
    _competency_sheet(workbook.create_sheet(SHEETS[1]), report, people)
    _jp_sheet(workbook.create_sheet(SHEETS[2]), report, people)
    _standing_sheet(workbook.create_sheet(SHEETS[3]), report, people)
    _about_sheet(workbook.create_sheet(SHEETS[4]), report, people)

    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    record_export("excel", report, people, [out], purpose=purpose, actor=actor, out=out)
    return out


# -- sheets --------------------------------------------------------------------------------------


def _units_sheet(ws: Worksheet, report: HrReport) -> None:
    _heading(ws, f"Ringkasan per Unit Kerja, Tahun {report.meta.year}", report)
    columns = [
        _Column("unit", "Kode unit"),
        _Column("unit_name", "Unit kerja"),
        _Column("learners", "Jumlah ASN", "int"),
        _Column("jp_compliance", "Memenuhi target JP", "percent"),
        _Column("mean_mastery", "Rata-rata penguasaan", "percent"),
        _Column("reward_eligible", "Layak penghargaan", "int"),
    ]
    end = _table(ws, HEADER_ROW, report.units.sort_values("unit"), columns, "RingkasanUnit")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    _fit_widths(ws, columns, HEADER_ROW, end)


def _competency_sheet(ws: Worksheet, report: HrReport, people: People) -> None:
    _heading(ws, f"Kompetensi per Orang, Tahun {report.meta.year}", report)
    competencies = report.competencies
    codes = list(dict.fromkeys(competencies["competency"]))
    names = (
        competencies.drop_duplicates("competency").set_index("competency")["competency_name"]
        if "competency_name" in competencies
        else pd.Series(codes, index=codes)
    )
    frame = people.attach(report.learners[["username", "unit"]], keep_username=True)
    levels = competencies.pivot_table(
        index="username", columns="competency", values="level", aggfunc="max"
    )
    mastery = competencies.pivot_table(
        index="username", columns="competency", values="mastery", aggfunc="max", dropna=False
    )
    columns = [*_identity(people), _Column("unit", "Unit")]
    for code in codes:
        level_key, mastery_key = f"level:{code}", f"mastery:{code}"
        frame[level_key] = frame["username"].map(levels.get(code, pd.Series(dtype=float)))
        frame[mastery_key] = frame["username"].map(mastery.get(code, pd.Series(dtype=float)))
        name = f"{names.get(code, code)} ({code})"
        columns.append(_Column(level_key, f"Level: {name}", "int", width=16))
        columns.append(_Column(mastery_key, f"Penguasaan: {name}", "percent", width=16))
    end = _table(ws, HEADER_ROW, frame, columns, "KompetensiPerOrang")
    # Names stay in view while scrolling right through the competencies.
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, len(people.columns) + 2)
    _fit_widths(ws, columns, HEADER_ROW, end)


def _jp_sheet(ws: Worksheet, report: HrReport, people: People) -> None:
    _heading(ws, f"Buku JP (Jam Pelajaran, 1 JP = 45 menit), Tahun {report.meta.year}", report)
    totals = _jp_totals(report)
    totals_columns = [
        *_identity(people),
        _Column("unit", "Unit"),
        _Column("year", "Tahun", "int"),
        _Column("jp_modules", "JP modul", "number"),
        _Column("jp_external", "JP luar (workshop, dll.)", "number"),
        _Column("jp_total", "JP total", "number"),
        _Column("target", "Target JP", "number"),
        _Column("shortfall", "Kekurangan JP", "number"),
        _Column("met", "Target terpenuhi", "yes_no"),
    ]
    ws.cell(HEADER_ROW - 1, 1, "Rekap JP per orang").font = _SECTION_FONT
    end_totals = _table(ws, HEADER_ROW, people.attach(totals), totals_columns, "RekapJP")

    ledger_columns = [
        *_identity(people),
        _Column("year", "Tahun", "int"),
        _Column("date", "Tanggal", "date"),
        _Column("source", "Sumber"),
        _Column("module_id", "Kode modul"),
        _Column("title", "Judul kegiatan"),
        _Column("organiser", "Penyelenggara"),
        _Column("jp", "JP", "number"),
    ]
    ledger_title = end_totals + 3
    ws.cell(ledger_title, 1, "Rincian catatan JP").font = _SECTION_FONT
    ledger = people.attach(report.jp_ledger, free_text=("title",))
    end_ledger = _table(ws, ledger_title + 1, ledger, ledger_columns, "RincianJP")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    _fit_widths(ws, totals_columns, HEADER_ROW, end_totals)
    _fit_widths(ws, ledger_columns, ledger_title + 1, end_ledger, grow_only=True)


def _standing_sheet(ws: Worksheet, report: HrReport, people: People) -> None:
    meta = report.meta
    _heading(
        ws,
        f"Status Penghargaan ASN Penerap Teknologi, Tahun {meta.year} "
        f"(aturan versi {meta.rule_version})",
        report,
    )
    standing = report.standing
    known = {"username", "unit", "score", "tier", "eligible", "explanation", "rule_version"}
    components = [c for c in standing.columns if c not in known and c not in ("nip", "nama")]
    columns = [
        *_identity(people),
        _Column("unit", "Unit"),
        _Column("score", "Skor (0-100)", "score"),
        _Column("tier", "Tingkat"),
        _Column("eligible", "Layak", "yes_no"),
        *[_Column(c, f"Poin {c.replace('_', ' ')}", "score") for c in components],
        _Column("explanation", "Penjelasan", "long_text"),
        _Column("rule_version", "Versi aturan"),
    ]
    frame = people.attach(standing, free_text=("explanation",))
    if "rule_version" not in frame:
        frame["rule_version"] = meta.rule_version
    end = _table(ws, HEADER_ROW, frame, columns, "StatusPenghargaan")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, len(people.columns) + 1)
    _fit_widths(ws, columns, HEADER_ROW, end)


def _about_sheet(ws: Worksheet, report: HrReport, people: People) -> None:
    meta = report.meta
    ws.cell(1, 1, "Tentang laporan ini").font = _TITLE_FONT
    facts = [
        ("Kursus", meta.course_id),
        ("Tahun", meta.year),
        ("Versi aturan penghargaan", meta.rule_version),
        ("Versi kerangka kompetensi", meta.framework_version),
        ("Dibuat", wib_label(meta.generated_at)),
        ("Mode identitas", people.mode.label),
    ]
    row = 3
    for label, value in facts:
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 2, value)
        row += 1

    row += 1
    ws.cell(row, 1, "Arti kolom").font = _SECTION_FONT
    row += 1
    for column, text in enumerate(("Lembar", "Kolom", "Arti"), start=1):
        _style_header(ws.cell(row, column, text))
    for sheet, column, meaning in _glossary(people):
        row += 1
        ws.cell(row, 1, sheet)
        ws.cell(row, 2, column)
        ws.cell(row, 3, meaning).alignment = Alignment(wrap_text=True, vertical="top")

    row += 2
    ws.cell(row, 1, "Kompetensi dalam kerangka").font = _SECTION_FONT
    row += 1
    for column, text in enumerate(("Kode", "Nama", "Pilar literasi digital", "DigComp 2.2"), 1):
        _style_header(ws.cell(row, column, text))
    listed = report.competencies.drop_duplicates("competency")
    for entry in listed.itertuples(index=False):
        row += 1
        ws.cell(row, 1, entry.competency)
        ws.cell(row, 2, getattr(entry, "competency_name", ""))
        ws.cell(row, 3, getattr(entry, "pillar", ""))
        ws.cell(row, 4, str(getattr(entry, "digcomp", "")))
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = _LONG_TEXT_WIDTH
    ws.column_dimensions["D"].width = 14


def _glossary(people: People) -> list[tuple[str, str, str]]:
    identity = {
        IdentityMode.masked: "Nama dan NIP tersamar (hanya 4 digit awal dan 3 digit akhir).",
        IdentityMode.pseudonym: (
            "Pseudonim tetap per orang (HMAC dari NIP dengan kunci rahasia BKPSDM); "
            "hanya pemegang kunci yang dapat mencocokkannya kembali. Nama dan NIP yang "
            "tertulis dalam teks penjelasan juga diganti dengan pseudonim."
        ),
        IdentityMode.full: "Nama dan NIP lengkap 18 digit (atas permintaan BKPSDM).",
    }[people.mode]
    return [
        ("Semua", "Nama / NIP / Pseudonim", identity),
        ("Ringkasan Unit", "Memenuhi target JP", "Bagian ASN unit yang sudah mencapai target JP."),
        (
            "Ringkasan Unit",
            "Rata-rata penguasaan",
            "Rata-rata penguasaan kompetensi ASN unit yang sudah memiliki bukti penilaian.",
        ),
        (
            "Kompetensi per Orang",
            "Level",
            "Level kompetensi 0-5 (PermenPAN-RB 38/2017); 0 = belum mencapai level 1.",
        ),
        (
            "Kompetensi per Orang",
            "Penguasaan",
            "Bagian poin yang diperoleh pada sel penugasan yang ditandai dengan kompetensi "
            "(berbobot). Kosong = belum ada bukti penilaian, bukan 0%.",
        ),
        ("Buku JP", "JP", "Jam pelajaran; 1 JP = 45 menit. Target setiap ASN 20 JP per tahun."),
        (
            "Buku JP",
            "Sumber",
            "'modul' = modul kit yang lulus; 'eksternal' = pelatihan luar yang dicatat.",
        ),
        ("Status Penghargaan", "Skor", "Jumlah poin semua komponen aturan penghargaan (0-100)."),
        ("Status Penghargaan", "Poin ...", "Poin dari satu komponen aturan penghargaan."),
        (
            "Status Penghargaan",
            "Penjelasan",
            "Alasan kelayakan atau apa yang masih kurang, menurut aturan versi yang tertera.",
        ),
    ]


# -- building blocks -----------------------------------------------------------------------------


def _heading(ws: Worksheet, title: str, report: HrReport) -> None:
    meta = report.meta
    ws.cell(1, 1, title).font = _TITLE_FONT
    ws.cell(
        2,
        1,
        f"Versi aturan penghargaan {meta.rule_version} · kerangka kompetensi "
        f"{meta.framework_version} · dibuat {wib_label(meta.generated_at)} · kursus "
        f"{meta.course_id}",
    ).font = _META_FONT


def _identity(people: People) -> list[_Column]:
    labels = dict(_IDENTITY_LABELS)
    labels["nip"] = "NIP" if people.mode is IdentityMode.full else "NIP (tersamar)"
    return [_Column(c, labels[c]) for c in people.columns]


def _table(
    ws: Worksheet, header_row: int, frame: pd.DataFrame, columns: list[_Column], name: str
) -> int:
    """Write ``frame`` as an Excel table with its header at ``header_row``; return the last row."""
    for index, column in enumerate(columns, start=1):
        _style_header(ws.cell(header_row, index, column.label))
    row = header_row
    for record in frame.to_dict("records"):
        row += 1
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row, index, _cell_value(record.get(column.key), column.kind))
            if column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
            if column.kind == "long_text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(row, header_row + 1)  # Excel rejects a table without a data row
    ref = f"A{header_row}:{get_column_letter(len(columns))}{last}"
    table = Table(displayName=name, ref=ref, tableStyleInfo=_TABLE_STYLE)
    ws.add_table(table)
    return last


def _style_header(cell) -> None:
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")


def _cell_value(value: object, kind: str) -> object:
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return None
    if kind == "yes_no":
        return "Ya" if bool(value) else "Tidak"
    if kind == "date":
        when = value if isinstance(value, dt.date) else pd.Timestamp(value)
        if isinstance(when, pd.Timestamp | dt.datetime):
            when = to_wib(when).date()  # the WIB calendar day
        return when
    if kind in ("int", "number", "score", "percent"):
        number = float(value)
        return int(number) if kind == "int" or number.is_integer() else number
    return str(value)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fit_widths(
    ws: Worksheet,
    columns: list[_Column],
    header_row: int,
    last_row: int,
    grow_only: bool = False,
) -> None:
    """Widths from the content, capped; headers wrap instead of widening a column."""
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.kind == "long_text":
            width = _LONG_TEXT_WIDTH
        elif column.width:
            width = column.width
        else:
            longest = max(
                (
                    _display_length(ws.cell(r, index).value, column.kind)
                    for r in range(header_row + 1, last_row + 1)
                ),
                default=0,
            )
            header_word = max((len(w) for w in column.label.split()), default=0)
            width = min(_MAX_WIDTH, max(8, longest + 2, header_word + 2))
        current = ws.column_dimensions[letter].width
        if grow_only and current:
            width = max(width, current)
        ws.column_dimensions[letter].width = width


def _display_length(value: object, kind: str) -> int:
    if value is None:
        return 0
    if kind == "date":
        return 10
    if kind == "percent":
        return 5
    if isinstance(value, float) and not math.isnan(value):
        return len(f"{value:.1f}")
    return len(str(value))


def _jp_totals(report: HrReport) -> pd.DataFrame:
    """Per-learner JP totals for every learner, including those with no JP at all."""
    totals = report.jp_per_learner.drop(columns=["unit"], errors="ignore")
    learners = report.learners[["username", "unit"]]
    frame = learners.merge(totals, on="username", how="left")
    for column in ("jp_modules", "jp_external", "jp_total"):
        frame[column] = frame[column].fillna(0) if column in frame else 0
    target = frame["target"] if "target" in frame else pd.Series(dtype=float)
    frame["target"] = target.fillna(target.max() if target.notna().any() else DEFAULT_JP_TARGET)
    frame["year"] = frame["year"].fillna(report.meta.year) if "year" in frame else report.meta.year
    reached = frame["jp_total"] >= frame["target"]
    frame["met"] = frame["met"].where(frame["met"].notna(), reached) if "met" in frame else reached
    frame["shortfall"] = (frame["target"] - frame["jp_total"]).clip(lower=0)
    return frame
