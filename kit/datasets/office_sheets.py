"""Hand-typed office spreadsheets of Medan Marelan, messy the way real ones are, for module 2.

The kelurahan offices report their population-administration services (adminduk) once a month;
a kecamatan clerk types the reports into one sheet. ``load("rekap_layanan_mentah")`` is that
sheet as read from the file: kelurahan names with typos, odd case and stray spaces, dates in two
formats, numbers as text with thousand separators, reports pasted twice and corrected rows.
``load("rekap_layanan")`` is the same recap cleaned, ``load("pegawai_unit")`` the staff per unit.
:func:`write_practice_files` writes the messy Excel and CSV files a lesson reads.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kit.core import KELURAHAN, holidays, load_units
from kit.datasets import DEFAULT_SEED

__all__ = [
    "MONTHS",
    "RECAP_KEY",
    "SERVICES",
    "generate_raw_recap",
    "generate_recap",
    "generate_staff_per_unit",
    "recap_as_typed",
    "write_practice_files",
]

YEAR = 2026
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni")
"""The months the recap covers (2026); each is reported early in the following month."""
SERVICES = ("KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Surat Pindah")
RECAP_KEY = ("bulan", "kelurahan", "layanan")
"""One report per month, kelurahan and service: rows sharing these are duplicates."""

# Mean monthly documents of a kelurahan of average size, per service.
_SERVICE_MEAN = {"KTP-el": 880, "Kartu Keluarga": 370, "Akta Kelahiran": 140, "Surat Pindah": 55}
_KELURAHAN_SIZE = np.array([1.25, 0.85, 1.05, 1.15, 0.8])
# How each kelurahan's name gets mistyped (already in title case); every one occurs in every seed.
_MISSPELLING = {
    "Labuhan Deli": "Lab. Deli",
    "Paya Pasir": "Payapasir",
    "Rengas Pulau": "Rengas Pulo",
    "Tanah Enam Ratus": "Tanah 600",
    "Terjun": "Kel. Terjun",
}
# Per report (one kelurahan, one month): how the clerk typed the name and the date. Drawn as
# shuffled fixed counts over the 30 reports, so every kind occurs whatever the seed.
_CASE_COUNTS = {"asis": 14, "upper": 6, "lower": 4, "sentence": 6}
_PADDING_COUNTS = {"": 19, "lead": 4, "trail": 7}
_DATE_FORMAT_COUNTS = {"%d/%m/%Y": 18, "%Y-%m-%d": 12}
_TYPO_SHARE = 0.15
# Chance of the n-th working day of the month being the report day (offices report early).
_REPORT_DAY_P = np.array([0.3, 0.25, 0.18, 0.1, 0.07, 0.06, 0.04])
_PASTED_TWICE = 2  # reports pasted a second time, whole (four rows each)
_CORRECTED = 3  # rows typed wrong and later typed again with the right number
# Reports are typed on the first working days of a month, all on days 1-12, so a date written
# 03/02/2026 is ambiguous (3 February or 2 March) unless the format is known.
_LAST_REPORT_DAY = 12


def _report_days(month: int) -> list[np.datetime64]:
    """Working days 1-12 of ``month`` in ``YEAR``."""
    days = np.arange(
        np.datetime64(f"{YEAR}-{month:02d}-01"),
        np.datetime64(f"{YEAR}-{month:02d}-{_LAST_REPORT_DAY + 1:02d}"),
    )
    return list(days[np.is_busday(days, holidays=holidays())])


def _shuffled(counts: dict[str, int], rng: np.random.Generator) -> list[str]:
    return [str(v) for v in rng.permutation([k for k, n in counts.items() for _ in range(n)])]


def _styled(name: str, case: str, padding: str) -> str:
    if case == "upper":
        name = name.upper()
    elif case == "lower":
        name = name.lower()
    elif case == "sentence":
        name = name[:1].upper() + name[1:].lower()
    return {"": name, "lead": " " + name, "trail": name + " "}[padding]


def _as_text(number: int, rng: np.random.Generator) -> str:
    """How a clerk types ``number``: 1.250 with a thousand separator, mostly."""
    if number >= 1000 and rng.random() < 0.85:
        return f"{number:,}".replace(",", ".")
    return str(number)


@cache
def _typed(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recap row by row as typed: clean values and the raw text, aligned row for row."""
    rng = np.random.default_rng(seed)
    reports = [(m, k) for m in range(len(MONTHS)) for k in range(len(KELURAHAN))]
    cases = _shuffled(_CASE_COUNTS, rng)
    paddings = _shuffled(_PADDING_COUNTS, rng)
    formats = _shuffled(_DATE_FORMAT_COUNTS, rng)
    forced_typo = rng.integers(0, len(MONTHS), len(KELURAHAN))

    rows: list[dict[str, object]] = []
    for index, (m, k) in enumerate(reports):
        kelurahan = KELURAHAN[k]
        days = _report_days(m + 2)
        day = days[min(int(rng.choice(len(_REPORT_DAY_P), p=_REPORT_DAY_P)), len(days) - 1)]
        typo = forced_typo[k] == m or rng.random() < _TYPO_SHARE
        base = _MISSPELLING[kelurahan] if typo else kelurahan
        spelled = _styled(base, cases[index], paddings[index])
        for s, service in enumerate(SERVICES):
            mean = _SERVICE_MEAN[service] * _KELURAHAN_SIZE[k] * (1 + 0.04 * m)
            count = max(int(round(rng.normal(mean, mean * 0.12))), 1)
            rows.append(
                {
                    "report": index,
                    "order": (day, index, s),
                    "tanggal_lapor": day,
                    "bulan": MONTHS[m],
                    "kelurahan": kelurahan,
                    "layanan": service,
                    "jumlah": count,
                    "raw_kelurahan": spelled,
                    "raw_jumlah": _as_text(count, rng),
                    "format": formats[index],
                }
            )

    # Corrections: a row first typed with a wrong number, typed again later with the right one.
    extra: list[dict[str, object]] = []
    corrected_positions = rng.choice(len(rows), _CORRECTED, replace=False)
    for position in corrected_positions:
        right = rows[int(position)]
        count = int(right["jumlah"])
        wrong = count + int(rng.choice([-1, 1])) * int(rng.integers(10, 60))
        if wrong < 1:
            wrong = count + int(rng.integers(10, 60))
        reported = right["tanggal_lapor"]
        later = [d for d in _report_days(pd.Timestamp(reported).month) if d > reported]
        corrected = dict(right, raw_jumlah=_as_text(count, rng))
        if later:
            corrected["tanggal_lapor"] = later[min(int(rng.integers(0, 3)), len(later) - 1)]
        corrected["order"] = (corrected["tanggal_lapor"], len(reports), len(extra))
        right.update(jumlah=wrong, raw_jumlah=_as_text(wrong, rng))
        extra.append(corrected)
    # Whole reports pasted a second time (the same file arrived twice): identical rows, typed
    # in when the second copy came, a few days later. Reports with a correction are left out,
    # so the correction stays the last row typed for its key.
    corrected_reports = {rows[int(p)]["report"] for p in corrected_positions}
    candidates = [r for r in range(len(reports)) if r not in corrected_reports]
    for report in rng.choice(candidates, _PASTED_TWICE, replace=False):
        copied = [r for r in rows if r["report"] == report]
        arrived = copied[0]["tanggal_lapor"] + np.timedelta64(int(rng.integers(1, 4)), "D")
        for row in copied:
            extra.append(dict(row, order=(arrived, len(reports) + 1, len(extra))))

    typed = pd.DataFrame(sorted(rows + extra, key=lambda r: r["order"]))
    # Microseconds, as pd.to_datetime gives when it parses text.
    dates = pd.to_datetime(typed["tanggal_lapor"]).astype("datetime64[us]")
    clean = pd.DataFrame(
        {
            "tanggal_lapor": dates,
            "bulan": typed["bulan"].astype("str"),
            "kelurahan": typed["kelurahan"].astype("str"),
            "layanan": typed["layanan"].astype("str"),
            "jumlah": typed["jumlah"].astype("int64"),
        }
    )
    raw = pd.DataFrame(
        {
            "tanggal_lapor": [d.strftime(f) for d, f in zip(dates, typed["format"], strict=True)],
            "bulan": typed["bulan"],
            "kelurahan": typed["raw_kelurahan"],
            "layanan": typed["layanan"],
            "jumlah": typed["raw_jumlah"],
        }
    ).astype("str")
    return clean, raw


def recap_as_typed(seed: int) -> pd.DataFrame:
    """The typed recap with clean values, row for row as ``rekap_layanan_mentah`` (duplicates kept).

    Checkers compare a learner's cleaned columns with these.
    """
    return _typed(seed)[0].copy()


def generate_raw_recap(seed: int) -> pd.DataFrame:
    """The recap as read from the practice Excel file: every column text, as typed."""
    return _typed(seed)[1].copy()


def generate_recap(seed: int) -> pd.DataFrame:
    """The recap cleaned: one row per month, kelurahan and service; corrections win."""
    typed = recap_as_typed(seed)
    return typed.drop_duplicates(list(RECAP_KEY), keep="last").reset_index(drop=True)


def generate_staff_per_unit(seed: int) -> pd.DataFrame:
    """Staff of each unit, as exported by the staffing system: all staff and adminduk clerks."""
    rng = np.random.default_rng(seed + 2)
    rows = []
    for unit in load_units():
        office = unit.kind == "kecamatan"
        rows.append(
            {
                "kode_unit": unit.code,
                "nama_unit": unit.name,
                "kelurahan": unit.kelurahan,
                "jumlah_pegawai": int(rng.integers(28, 41) if office else rng.integers(11, 19)),
                "petugas_adminduk": int(rng.integers(4, 7) if office else rng.integers(2, 5)),
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("kode_unit", "nama_unit", "kelurahan"):
        frame[column] = frame[column].astype("str")
    return frame


# -- practice files ---------------------------------------------------------------------------

RECAP_FILE = "rekap_layanan_adminduk_2026.xlsx"
STAFF_FILE = "pegawai_per_unit.csv"
_RECAP_TITLE = (
    "REKAP LAYANAN ADMINISTRASI KEPENDUDUKAN KECAMATAN MEDAN MARELAN",
    "Januari - Juni 2026, diketik dari laporan bulanan kelurahan",
)


def _write_recap(frame: pd.DataFrame, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    for title in _RECAP_TITLE:
        sheet.append([title])
    sheet.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        sheet.append(list(values))
    # The clerk formatted the table as Text, so numbers and dates stay text when read back.
    for row in sheet.iter_rows(min_row=len(_RECAP_TITLE) + 2):
        for cell in row:
            cell.number_format = "@"
    for index, width in enumerate((14, 11, 20, 16, 9), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    workbook.save(path)


def write_practice_files(folder: Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write the messy recap (Excel) and the staff list (CSV, ``;``-separated) into ``folder``.

    Returns ``{"rekap": <xlsx path>, "pegawai": <csv path>}``. The recap's table starts under
    two title rows; read back, the files equal ``load("rekap_layanan_mentah", seed)`` and
    ``load("pegawai_unit", seed)``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    recap = folder / RECAP_FILE
    staff = folder / STAFF_FILE
    _write_recap(generate_raw_recap(seed), recap)
    # Semicolons, as Excel with Indonesian regional settings saves CSV.
    generate_staff_per_unit(seed).to_csv(
        staff, sep=";", index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL
    )
    return {"rekap": recap, "pegawai": staff}


DATASETS = {
    "rekap_layanan_mentah": generate_raw_recap,
    "rekap_layanan": generate_recap,
    "pegawai_unit": generate_staff_per_unit,
}
