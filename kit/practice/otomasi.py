"""Checkers of the lesson ``courses/05_otomasi``: letters, letter files, a zip and an Excel recap.

The lesson's case: the Kantor Camat invites the kelurahan officials and the kepala lingkungan to
two events (``load("undangan_rapat")``) and brings a recap of the complaints
(``load("pengaduan")``) to the meeting. Expected answers are computed from those tables when first
needed. Letters are checked by what they must contain, so a learner may word the template
differently; files, archives and workbooks are checked by reopening them from disk.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kit.core import KELURAHAN, message
from kit.datasets import BULAN, BULAN_ROMAWI, HARI, SAPAAN, load
from kit.practice.core import Incorrect, Mistake, Question, ____

__all__ = [
    "BULAN",
    "BULAN_ROMAWI",
    "HARI",
    "JUDUL_REKAP",
    "KODE_KANTOR",
    "KODE_UNDANGAN",
    "LEBAR_KOLOM",
    "LEMBAR_REKAP",
    "SAPAAN",
    "____",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
    "soal_6",
]

KODE_UNDANGAN = "005"
"""Filing code (kode klasifikasi) the lesson's letter numbers start with."""
KODE_KANTOR = "MM"
"""Short code of the sending office (Medan Marelan) in the letter number."""
LEMBAR_REKAP = "Rekap"
"""Name of the recap worksheet."""
JUDUL_REKAP = ("Kelurahan", "Jumlah pengaduan", "Selesai", "Persen selesai")
"""Header row of the recap, column A to D."""
LEBAR_KOLOM = 18
"""Least width of every recap column: "Tanah Enam Ratus" and "Jumlah pengaduan" fit."""

_ENGLISH_NAMES = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# November is spelled alike in both languages; English is only told apart by the other names.
_ENGLISH_ONLY = re.compile(_ENGLISH_NAMES.pattern.replace("|November", ""))
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{?\w+\}?|\{\w*\}")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Written in the message catalogue's order, so a list of missing parts reads like the letter.
_PARTS = ("nomor", "tanggal_surat", "penerima", "jabatan", "acara", "hari_tanggal", "jam", "tempat")
_LISTED = 3


def _incorrect(key: str, **values: object) -> Incorrect:
    name = f"practice.m05_otomasi.{key}"
    return Incorrect([message(name, **values)], [name])


def _joined(incorrects: list[Incorrect]) -> Incorrect:
    return Incorrect(
        [r for i in incorrects for r in i.reasons], [k for i in incorrects for k in i.keys]
    )


def _listing(items: list[str]) -> str:
    shown = [f"`{item}`" for item in items[:_LISTED]]
    if len(items) > _LISTED:
        shown.append("…")
    return ", ".join(shown)


# -- the lesson's reference values, from the data ------------------------------------------------


def _undangan() -> pd.DataFrame:
    return load("undangan_rapat")


def _first() -> pd.Series:
    return _undangan().iloc[0]


def _date_text(day: pd.Timestamp) -> str:
    return f"{day.day} {BULAN[day.month]} {day.year}"


def _day_date_text(day: pd.Timestamp) -> str:
    return f"{HARI[day.weekday()]}, {_date_text(day)}"


def _letter_number(row: pd.Series, *, dated: str = "tanggal_surat", padded: bool = True) -> str:
    day = row[dated]
    agenda = f"{row['nomor_agenda']:04d}" if padded else str(row["nomor_agenda"])
    return f"{KODE_UNDANGAN}/{agenda}/{KODE_KANTOR}/{BULAN_ROMAWI[day.month]}/{day.year}"


def _file_name(row: pd.Series) -> str:
    return f"undangan_{row['no_urut']:02d}_{row['nama'].lower().replace(' ', '_')}.txt"


def _letter_parts(row: pd.Series) -> dict[str, str]:
    """What a letter to ``row`` must contain, by part name."""
    return {
        "nomor": _letter_number(row),
        "tanggal_surat": _date_text(row["tanggal_surat"]),
        "penerima": f"{SAPAAN[row['jenis_kelamin']]} {row['nama']}",
        "jabatan": row["jabatan"],
        "acara": row["acara"],
        "hari_tanggal": _day_date_text(row["tanggal_rapat"]),
        "jam": row["jam"],
        "tempat": row["tempat"],
    }


def _missing_parts(text: str, parts: dict[str, str]) -> list[str]:
    return [name for name in _PARTS if parts[name] not in text]


def _part_labels(names: list[str]) -> str:
    return ", ".join(message(f"practice.m05_otomasi.part.{name}") for name in names)


def _as_path(answer: object) -> Path:
    if not isinstance(answer, (str, Path)):
        raise _incorrect("path_expected", got=type(answer).__name__)
    return Path(answer)


# -- Soal 1: the meeting's day and date, Indonesian style ------------------------------------------


def _meeting_day_variants(answer: str, *, shift: int) -> bool:
    day = _first()["tanggal_rapat"]
    month = day.month + shift
    return (
        1 <= month <= 12 and answer == f"{HARI[day.weekday()]}, {day.day} {BULAN[month]} {day.year}"
    )


def _with_leading_zero() -> str:
    day = _first()["tanggal_rapat"]
    return f"{HARI[day.weekday()]}, {day.day:02d} {BULAN[day.month]} {day.year}"


def _iso_weekday() -> str:
    day = _first()["tanggal_rapat"]
    return f"{HARI[day.isoweekday() % 7]}, {_date_text(day)}"


soal_1 = Question(
    title="Soal 1: hari dan tanggal rapat dalam bahasa Indonesia",
    expected=lambda: _day_date_text(_first()["tanggal_rapat"]),
    hints=(
        'Ambil tanggalnya dulu: `t = pertama["tanggal_rapat"]`. `t.day`, `t.month` dan `t.year` '
        "memberi tanggal, nomor bulan dan tahun sebagai angka.",
        "`HARI[t.weekday()]` memberi nama hari dan `BULAN[t.month]` nama bulan. Gabungkan "
        'dengan f-string: `f"{HARI[t.weekday()]}, {t.day} ..."`.',
    ),
    solution_code=(
        't = pertama["tanggal_rapat"]\n'
        'hari_tanggal = f"{HARI[t.weekday()]}, {t.day} {BULAN[t.month]} {t.year}"'
    ),
    mistakes=(
        Mistake("practice.m05_otomasi.leading_zero", wrong=_with_leading_zero),
        Mistake(
            "practice.m05_otomasi.english_names",
            applies=lambda answer: bool(_ENGLISH_ONLY.search(answer)),
        ),
        Mistake(
            "practice.m05_otomasi.month_shifted",
            applies=lambda answer: any(_meeting_day_variants(answer, shift=s) for s in (-1, 1)),
        ),
        Mistake("practice.m05_otomasi.weekday_shifted", wrong=_iso_weekday),
        Mistake(
            "practice.m05_otomasi.day_name_missing",
            wrong=lambda: _date_text(_first()["tanggal_rapat"]),
        ),
        Mistake(
            "practice.m05_otomasi.letter_date_not_meeting_date",
            applies=lambda answer: _date_text(_first()["tanggal_surat"]) in answer,
        ),
    ),
)


# -- Soal 2: the letter number -------------------------------------------------------------------


@dataclass(frozen=True)
class _NumberSpec:
    """The expected letter number, and the row it is built from (to explain a wrong one)."""

    number: str
    agenda: int
    letter_date: pd.Timestamp
    meeting_date: pd.Timestamp


def _number_spec() -> _NumberSpec:
    row = _first()
    return _NumberSpec(
        _letter_number(row),
        int(row["nomor_agenda"]),
        row["tanggal_surat"],
        row["tanggal_rapat"],
    )


def _number_part(name: str) -> str:
    return message(f"practice.m05_otomasi.number.{name}")


def _check_letter_number(answer: object, expected: object) -> None:
    """Compare part by part, so every wrong part of a letter number gets its own reason."""
    assert isinstance(expected, _NumberSpec)
    if not isinstance(answer, str):
        raise _incorrect("letter_not_text", got=type(answer).__name__)
    if answer == expected.number:
        return
    given = answer.strip().split("/")
    wanted = expected.number.split("/")
    if len(given) != len(wanted):
        raise _incorrect("number_shape")
    problems = []
    code, agenda, office, month, year = given
    if code != wanted[0]:
        problems.append(_incorrect("number_part_wrong", part=_number_part("kode"), got=code))
    if agenda == str(expected.agenda) and agenda != wanted[1]:
        problems.append(_incorrect("agenda_not_padded"))
    elif agenda != wanted[1]:
        problems.append(_incorrect("number_part_wrong", part=_number_part("agenda"), got=agenda))
    if office != wanted[2]:
        problems.append(_incorrect("number_part_wrong", part=_number_part("kantor"), got=office))
    meeting = (BULAN_ROMAWI[expected.meeting_date.month], str(expected.meeting_date.year))
    arabic = {str(expected.letter_date.month), f"{expected.letter_date.month:02d}"}
    if (month, year) == meeting and (month, year) != (wanted[3], wanted[4]):
        problems.append(_incorrect("number_from_meeting_date"))
    else:
        if month in arabic:
            problems.append(_incorrect("month_not_roman"))
        elif month != wanted[3]:
            problems.append(_incorrect("number_part_wrong", part=_number_part("bulan"), got=month))
        if year != wanted[4]:
            problems.append(_incorrect("number_part_wrong", part=_number_part("tahun"), got=year))
    raise _joined(problems) if problems else _incorrect("number_shape")


soal_2 = Question(
    title="Soal 2: nomor surat undangan",
    expected=_number_spec,
    compare=_check_letter_number,
    hints=(
        'Nomor agenda ada di kolom `nomor_agenda`; `f"{angka:04d}"` menulisnya empat digit '
        "dengan nol di depan.",
        'Bulan dan tahun diambil dari `s = pertama["tanggal_surat"]`: `BULAN_ROMAWI[s.month]` dan '
        "`s.year`. Pisahkan setiap bagian dengan garis miring `/`.",
    ),
    solution_code=(
        's = pertama["tanggal_surat"]\n'
        "nomor = f\"005/{pertama['nomor_agenda']:04d}/MM/{BULAN_ROMAWI[s.month]}/{s.year}\""
    ),
)


# -- Soal 3: one letter from the template ----------------------------------------------------------


@dataclass(frozen=True)
class _LetterSpec:
    """What one letter must contain, and the names of the other recipients."""

    parts: dict[str, str]
    other_names: tuple[str, ...]


def _letter_spec(position: int = 0) -> _LetterSpec:
    data = _undangan()
    row = data.iloc[position]
    others = tuple(name for name in data["nama"] if name != row["nama"])
    return _LetterSpec(_letter_parts(row), others)


def _check_letter(answer: object, expected: object) -> None:
    assert isinstance(expected, _LetterSpec)
    if not isinstance(answer, str):
        if hasattr(answer, "render"):
            raise _incorrect("letter_template_object")
        raise _incorrect("letter_not_text", got=type(answer).__name__)
    left = sorted(set(_PLACEHOLDER.findall(answer)))
    if left:
        # The parts are missing because their placeholders are: listing both would repeat it.
        raise _incorrect("placeholder_left", fields=_listing(left))
    problems = []
    raw = sorted(set(_ISO_DATE.findall(answer)))
    if raw:
        problems.append(_incorrect("raw_date", found=_listing(raw)))
    missing = _missing_parts(answer, expected.parts)
    if missing:
        others = [name for name in expected.other_names if name in answer]
        if others:
            problems.append(_incorrect("letter_other_row", names=_listing(others)))
        problems.append(_incorrect("letter_missing_parts", parts=_part_labels(missing)))
    if problems:
        raise _joined(problems)


soal_3 = Question(
    title="Soal 3: surat undangan untuk penerima pertama",
    expected=_letter_spec,
    compare=_check_letter,
    hints=(
        "Panggil `templat.render(...)` dengan satu argumen untuk setiap tempat isian di "
        "templat: `nomor=nomor, tanggal_surat=tanggal_surat, sapaan=sapaan, ...`.",
        "Nilai yang sudah Anda hitung ada di variabel `nomor`, `tanggal_surat`, `sapaan` dan "
        '`hari_tanggal`; sisanya langsung dari `pertama`: `nama=pertama["nama"]`, '
        '`jabatan=pertama["jabatan"]`, dan seterusnya.',
        "Jika muncul `UndefinedError: 'xxx' is undefined`, berarti tempat isian `xxx` belum diberi "
        "nilai dalam `render(...)`.",
    ),
    solution_code="""\
surat_pertama = templat.render(
    nomor=nomor,
    tanggal_surat=tanggal_surat,
    sapaan=sapaan,
    nama=pertama["nama"],
    jabatan=pertama["jabatan"],
    acara=pertama["acara"],
    hari_tanggal=hari_tanggal,
    jam=pertama["jam"],
    tempat=pertama["tempat"],
)""",
)


# -- Soal 4: one file per letter ------------------------------------------------------------------


def _letters_by_file() -> dict[str, dict[str, str]]:
    return {_file_name(row): _letter_parts(row) for _, row in _undangan().iterrows()}


def _check_letter_folder(answer: object, expected: object) -> None:
    assert isinstance(expected, dict)
    folder = _as_path(answer)
    if not folder.is_dir():
        raise _incorrect("folder_missing", path=folder)
    files = sorted(path.name for path in folder.glob("*.txt"))
    if not files:
        raise _incorrect("no_files", path=folder)
    if len(files) == 1 and len(expected) > 1:
        # One letter with a right name: the loop never ran (the lesson's example wrote it).
        key = "only_one_letter" if files[0] in expected else "files_overwritten"
        raise _incorrect(key, name=files[0])
    problems = []
    if len(files) != len(expected):
        problems.append(_incorrect("file_count", got=len(files), expected=len(expected)))
    missing = [name for name in expected if name not in files]
    extra = [name for name in files if name not in expected]
    if missing:
        problems.append(_incorrect("file_names_missing", names=_listing(missing)))
    if extra:
        problems.append(_incorrect("file_names_extra", names=_listing(extra)))
    present = [name for name in expected if name in files]
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in present}
    wrong = {name: _missing_parts(texts[name], expected[name]) for name in present}
    wrong = {name: parts for name, parts in wrong.items() if parts}
    if len(texts) > 1 and len(set(texts.values())) == 1:
        problems.append(_incorrect("same_letter_everywhere"))
    elif wrong:
        name, parts = next(iter(wrong.items()))
        problems.append(
            _incorrect("file_content", count=len(wrong), name=name, parts=_part_labels(parts))
        )
    if problems:
        raise _joined(problems)


soal_4 = Question(
    title="Soal 4: satu berkas surat untuk setiap penerima",
    expected=_letters_by_file,
    compare=_check_letter_folder,
    hints=(
        "Mulailah dengan `for _, baris in undangan.iterrows():`. Di dalam perulangan (baris yang "
        "menjorok ke dalam), salin langkah-langkah dari contoh *Satu surat, lengkap*.",
        "Setiap putaran: hitung `hari_tanggal`, `tanggal_surat`, `nomor` dan `sapaan` dari "
        "`baris`, isi templat dengan `templat.render(...)`, lalu buat `nama_berkas`.",
        'Tulis suratnya dengan `(folder_surat / nama_berkas).write_text(surat, encoding="utf-8")`'
        ", juga di dalam perulangan.",
    ),
    solution_code="""\
for _, baris in undangan.iterrows():
    t = baris["tanggal_rapat"]
    s = baris["tanggal_surat"]
    surat = templat.render(
        nomor=f"005/{baris['nomor_agenda']:04d}/MM/{BULAN_ROMAWI[s.month]}/{s.year}",
        tanggal_surat=f"{s.day} {BULAN[s.month]} {s.year}",
        sapaan=SAPAAN[baris["jenis_kelamin"]],
        nama=baris["nama"],
        jabatan=baris["jabatan"],
        acara=baris["acara"],
        hari_tanggal=f"{HARI[t.weekday()]}, {t.day} {BULAN[t.month]} {t.year}",
        jam=baris["jam"],
        tempat=baris["tempat"],
    )
    nama_berkas = f"undangan_{baris['no_urut']:02d}_{baris['nama'].lower().replace(' ', '_')}.txt"
    (folder_surat / nama_berkas).write_text(surat, encoding="utf-8")

folder_hasil = folder_surat""",
)


# -- Soal 5: the zip archive ---------------------------------------------------------------------


def _check_archive(answer: object, expected: object) -> None:
    assert isinstance(expected, dict)
    archive = _as_path(answer)
    if not archive.is_file():
        raise _incorrect("zip_missing", path=archive)
    if not zipfile.is_zipfile(archive):
        raise _incorrect("not_a_zip", path=archive)
    with zipfile.ZipFile(archive) as opened:
        names = [Path(info.filename).name for info in opened.infolist() if not info.is_dir()]
    if archive.name in names:
        raise _incorrect("zip_inside_folder")
    problems = []
    missing = [name for name in expected if name not in names]
    extra = [name for name in names if name not in expected]
    if missing:
        problems.append(_incorrect("zip_files_missing", names=_listing(missing)))
    if extra:
        problems.append(_incorrect("zip_files_extra", names=_listing(extra)))
    if problems:
        raise _joined(problems)


soal_5 = Question(
    title="Soal 5: arsip zip berisi semua surat",
    expected=_letters_by_file,
    compare=_check_archive,
    hints=(
        '`shutil.make_archive(nama_dasar, "zip", folder)` mengarsipkan isi `folder` ke berkas '
        "`nama_dasar.zip`, lalu mengembalikan alamat berkas itu.",
        'Simpan arsipnya di luar folder surat: `nama_dasar = folder_kerja / "undangan"`, lalu '
        '`arsip = shutil.make_archive(nama_dasar, "zip", folder_surat)`.',
    ),
    solution_code='arsip = shutil.make_archive(folder_kerja / "undangan", "zip", folder_surat)',
)


# -- Soal 6: the Excel recap ---------------------------------------------------------------------


@dataclass(frozen=True)
class _RecapSpec:
    """Per kelurahan: complaints, completed ones and their share; and the totals."""

    rows: dict[str, tuple[int, int, float]]
    total: tuple[int, int, float]


def _recap_spec() -> _RecapSpec:
    data = load("pengaduan")
    rows = {}
    for kelurahan in KELURAHAN:
        here = data[data["kelurahan"] == kelurahan]
        done = int((here["status"] == "Selesai").sum())
        rows[kelurahan] = (len(here), done, done / len(here))
    done = int((data["status"] == "Selesai").sum())
    return _RecapSpec(rows, (len(data), done, done / len(data)))


_CELL = r"\$?([A-Z]{1,3})\$?(\d+)"
_SUM = re.compile(rf"SUM\({_CELL}:{_CELL}\)")
_RATIO = re.compile(rf"{_CELL}/{_CELL}")
_REFERENCE = re.compile(_CELL)


def _cell_number(ws: Worksheet, coordinate: str, depth: int = 0) -> float | None:
    """The number in a cell, evaluating the simple formulas a recap uses.

    openpyxl reads formulas as text and computes nothing, so ``=SUM(B2:B6)``, ``=C7/B7`` and
    ``=B3`` are evaluated here; any other formula or text gives ``None``.
    """
    value = ws[coordinate].value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or not value.startswith("=") or depth > 5:
        return None
    formula = value[1:].replace(" ", "").upper()
    if match := _SUM.fullmatch(formula):
        first_column, first_row, last_column, last_row = match.groups()
        if first_column != last_column or int(first_row) > int(last_row):
            return None
        values = [
            _cell_number(ws, f"{first_column}{row}", depth + 1)
            for row in range(int(first_row), int(last_row) + 1)
        ]
        return None if None in values else float(sum(v for v in values if v is not None))
    if match := _RATIO.fullmatch(formula):
        top = _cell_number(ws, f"{match.group(1)}{match.group(2)}", depth + 1)
        bottom = _cell_number(ws, f"{match.group(3)}{match.group(4)}", depth + 1)
        return None if top is None or not bottom else top / bottom
    if match := _REFERENCE.fullmatch(formula):
        return _cell_number(ws, f"{match.group(1)}{match.group(2)}", depth + 1)
    return None


def _close(value: float | None, wanted: float, tolerance: float) -> bool:
    return value is not None and abs(value - wanted) <= tolerance


# Percentages may be rounded to a tenth of a percent (three decimals of the fraction).
_FRACTION_TOLERANCE = 0.0005


def _data_problems(ws: Worksheet, expected: _RecapSpec, found: dict[str, int]) -> list[Incorrect]:
    problems = []
    missing = [kelurahan for kelurahan in expected.rows if kelurahan not in found]
    if missing:
        problems.append(_incorrect("rows_missing", labels=", ".join(missing)))
    wrong: dict[str, list[str]] = {header: [] for header in JUDUL_REKAP[1:]}
    as_percent = False
    for kelurahan, row in found.items():
        count, done, share = expected.rows[kelurahan]
        if not _close(_cell_number(ws, f"B{row}"), count, 1e-9):
            wrong[JUDUL_REKAP[1]].append(kelurahan)
        if not _close(_cell_number(ws, f"C{row}"), done, 1e-9):
            wrong[JUDUL_REKAP[2]].append(kelurahan)
        value = _cell_number(ws, f"D{row}")
        if _close(value, share * 100, 0.05):
            as_percent = True
        elif not _close(value, share, _FRACTION_TOLERANCE):
            wrong[JUDUL_REKAP[3]].append(kelurahan)
    for column, labels in wrong.items():
        if labels:
            problems.append(_incorrect("values_wrong", column=column, labels=", ".join(labels)))
    if as_percent:
        problems.append(_incorrect("percent_as_number"))
    return problems


def _total_row(ws: Worksheet, found: dict[str, int]) -> int | None:
    """The row just below the data when it is labelled as the total row."""
    below = max(found.values(), default=1) + 1
    label = ws[f"A{below}"].value
    if isinstance(label, str) and label.strip().casefold() in {"jumlah", "total"}:
        return below
    return None


def _total_problems(ws: Worksheet, expected: _RecapSpec, below: int | None) -> list[Incorrect]:
    if below is None:
        return [_incorrect("total_missing")]
    count, done, share = expected.total
    checks = {
        "B": _close(_cell_number(ws, f"B{below}"), count, 1e-9),
        "C": _close(_cell_number(ws, f"C{below}"), done, 1e-9),
        "D": _close(_cell_number(ws, f"D{below}"), share, _FRACTION_TOLERANCE),
    }
    wrong = [column for column, right in checks.items() if not right]
    return [_incorrect("total_wrong", columns=", ".join(wrong))] if wrong else []


def _check_recap(answer: object, expected: object) -> None:
    assert isinstance(expected, _RecapSpec)
    path = _as_path(answer)
    if not path.is_file():
        raise _incorrect("excel_missing", path=path)
    try:
        workbook = load_workbook(path)
    except Exception:
        raise _incorrect("not_an_excel", path=path) from None
    if LEMBAR_REKAP not in workbook.sheetnames:
        raise _incorrect(
            "sheet_missing", sheet=LEMBAR_REKAP, sheets=_listing(list(workbook.sheetnames))
        )
    ws = workbook[LEMBAR_REKAP]
    problems = []
    headers = ws["A1:D1"][0]
    if tuple(cell.value for cell in headers) != JUDUL_REKAP:
        problems.append(_incorrect("header_text", headers=_listing(list(JUDUL_REKAP))))
    elif not all(cell.font.b for cell in headers):
        problems.append(_incorrect("header_not_bold"))
    found = {
        value: row
        for row in range(2, ws.max_row + 1)
        if isinstance(value := ws[f"A{row}"].value, str) and value in expected.rows
    }
    problems += _data_problems(ws, expected, found)
    total = _total_row(ws, found)
    problems += _total_problems(ws, expected, total)
    percent_rows = [*found.values(), *([total] if total else [])]
    if percent_rows and not all("%" in ws[f"D{row}"].number_format for row in percent_rows):
        problems.append(_incorrect("percent_format", column=JUDUL_REKAP[3]))
    if ws.freeze_panes != "A2":
        problems.append(_incorrect("freeze_panes", got=ws.freeze_panes or "-"))
    narrow = [
        column for column in "ABCD" if (ws.column_dimensions[column].width or 0) < LEBAR_KOLOM
    ]
    if narrow:
        problems.append(_incorrect("column_width", columns=", ".join(narrow), width=LEBAR_KOLOM))
    if problems:
        raise _joined(problems)


soal_6 = Question(
    title="Soal 6: rekap pengaduan per kelurahan dalam Excel yang rapi",
    expected=_recap_spec,
    compare=_check_recap,
    hints=(
        "Tabel `rekap` sudah berisi angkanya. Tulis ke Excel di dalam "
        '`with pd.ExcelWriter(berkas_rekap, engine="openpyxl") as writer:` dengan '
        '`rekap.to_excel(writer, sheet_name="Rekap", index=False)`, lalu ambil lembarnya: '
        '`ws = writer.sheets["Rekap"]`.',
        "Masih di dalam blok `with`: baris `Jumlah` dengan `ws.append([...])` (rumus "
        '`"=SUM(B2:B6)"`, `"=SUM(C2:C6)"`, `"=C7/B7"`), tebalkan sel baris 1 dengan '
        '`Font(bold=True)`, dan beri kolom D `number_format = "0.0%"`.',
        'Terakhir `ws.freeze_panes = "A2"` dan lebar kolom: '
        '`for kolom in "ABCD": ws.column_dimensions[kolom].width = 20`.',
    ),
    solution_code="""\
with pd.ExcelWriter(berkas_rekap, engine="openpyxl") as writer:
    rekap.to_excel(writer, sheet_name="Rekap", index=False)
    ws = writer.sheets["Rekap"]
    akhir = len(rekap) + 1  # baris data terakhir; baris jumlah di bawahnya
    jumlah = akhir + 1
    ws.append(["Jumlah", f"=SUM(B2:B{akhir})", f"=SUM(C2:C{akhir})", f"=C{jumlah}/B{jumlah}"])
    for sel in ws[1]:
        sel.font = Font(bold=True)
    for nomor_baris in range(2, jumlah + 1):
        ws[f"D{nomor_baris}"].number_format = "0.0%"
    ws.freeze_panes = "A2"
    for kolom in "ABCD":
        ws.column_dimensions[kolom].width = 20
rekap_excel = berkas_rekap""",
)
