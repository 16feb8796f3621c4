"""Checkers of the lesson ``courses/02_spreadsheet``: from a hand-typed office sheet to pandas.

Expected answers come from the seeded recap (:mod:`kit.datasets.office_sheets`) when first
needed, never typed in. Hints and solutions use the lesson's own variables (``berkas``,
``folder_latihan``, ``rekap``, ``kunci_rekap``, ``rekap_bersih``, ``pegawai``, ``total``),
which its example cells build.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.core import KELURAHAN
from kit.datasets import DEFAULT_SEED, RECAP_KEY, load, recap_as_typed
from kit.practice.core import Mistake, Question, ____, compare_answers
from kit.practice.toolkit import LessonMessages

__all__ = [
    "KUNCI_REKAP",
    "____",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
    "soal_6",
    "soal_7",
]

KUNCI_REKAP = list(RECAP_KEY)
"""The columns naming one report: rows sharing them are the same report typed twice (the lesson
writes this list itself, as ``kunci_rekap``)."""

_KEY_MESSAGES = "practice.m02_spreadsheet."
_wrong = LessonMessages(_KEY_MESSAGES)
# A little over half of the last decimal place: an answer rounded to one decimal either way
# (2123.25 to 2123.2 or 2123.3), or not rounded at all, is accepted.
_ROUNDED = 0.06


def _raw() -> pd.DataFrame:
    return load("rekap_layanan_mentah")


def _typed() -> pd.DataFrame:
    """The clean value of every raw row, row for row."""
    return recap_as_typed(DEFAULT_SEED)


def _is_text(answer: object) -> bool:
    return isinstance(answer, pd.Series) and pd.api.types.is_string_dtype(answer)


# -- Soal 1: read the Excel file ------------------------------------------------------------


def _title_rows_read(answer: pd.DataFrame) -> bool:
    return any(str(column).startswith(("Unnamed", "REKAP")) for column in answer.columns)


def _numbers_guessed(answer: pd.DataFrame) -> bool:
    return pd.api.types.is_numeric_dtype(answer["jumlah"])


soal_1 = Question(
    title="Soal 1: membaca rekap dari berkas Excel",
    expected=_raw,
    hints=(
        'Lihat dulu isi berkasnya dengan `pd.read_excel(berkas["rekap"]).head()`: dua baris '
        "teratas adalah judul, bukan tabel.",
        "`skiprows=2` melewati dua baris judul; `dtype=str` membaca semua kolom sebagai teks.",
    ),
    solution_code='rekap_mentah = pd.read_excel(berkas["rekap"], skiprows=2, dtype=str)',
    mistakes=(
        Mistake(_KEY_MESSAGES + "title_rows", applies=_title_rows_read),
        Mistake(_KEY_MESSAGES + "numbers_guessed", applies=_numbers_guessed),
    ),
)


# -- Soal 2: official kelurahan names ---------------------------------------------------------


def _spaces_left(answer: pd.Series) -> bool:
    return _is_text(answer) and any(str(name) != str(name).strip() for name in answer)


def _case_left(answer: pd.Series) -> bool:
    return _is_text(answer) and any(
        str(name).strip() != str(name).strip().title() for name in answer
    )


def _typos_left(answer: pd.Series) -> bool:
    names = {str(name) for name in answer}
    return (
        _is_text(answer)
        and not _spaces_left(answer)
        and not _case_left(answer)
        and not names <= set(KELURAHAN)
    )


soal_2 = Question(
    title="Soal 2: nama kelurahan yang seragam dan resmi",
    expected=lambda: _typed()["kelurahan"],
    hints=(
        '`rekap["kelurahan"].str.strip().str.title()` menghapus spasi di awal dan akhir, lalu '
        "menyeragamkan huruf besar-kecil. Lihat hasilnya dengan `.value_counts()`.",
        "Nama yang masih salah tulis (misalnya `Tanah 600`) diperbaiki dengan kamus "
        '`{"Tanah 600": "Tanah Enam Ratus", ...}` dan `.replace(kamus)`. Ada lima nama yang '
        "perlu diperbaiki, satu untuk setiap kelurahan.",
        "Periksa hasilnya dengan `.isin(KELURAHAN).all()`: harus `True`.",
    ),
    solution_code="""\
perbaikan = {
    "Lab. Deli": "Labuhan Deli",
    "Payapasir": "Paya Pasir",
    "Rengas Pulo": "Rengas Pulau",
    "Tanah 600": "Tanah Enam Ratus",
    "Kel. Terjun": "Terjun",
}
kelurahan_bersih = rekap["kelurahan"].str.strip().str.title().replace(perbaikan)""",
    mistakes=(
        Mistake(_KEY_MESSAGES + "spaces_left", applies=_spaces_left),
        Mistake(_KEY_MESSAGES + "case_left", applies=_case_left),
        Mistake(_KEY_MESSAGES + "typos_left", applies=_typos_left),
    ),
)


# -- Soal 3: dates written in two formats -------------------------------------------------------


def _dates_missing(answer: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(answer) and bool(answer.isna().any())


soal_3 = Question(
    title="Soal 3: tanggal lapor sebagai tanggal",
    expected=lambda: _typed()["tanggal_lapor"],
    hints=(
        'Ubah dulu tanggal bergaya 03/02/2026: `pd.to_datetime(rekap["tanggal_lapor"], '
        'format="%d/%m/%Y", errors="coerce")`. Tanggal berformat lain menjadi `NaT`.',
        'Lakukan hal yang sama dengan `format="%Y-%m-%d"` untuk tanggal bergaya 2026-02-03.',
        "Gabungkan keduanya: `hasil_pertama.fillna(hasil_kedua)` mengisi setiap `NaT` dari hasil "
        "pertama dengan tanggal dari hasil kedua.",
    ),
    solution_code="""\
tanggal_1 = pd.to_datetime(rekap["tanggal_lapor"], format="%d/%m/%Y", errors="coerce")
tanggal_2 = pd.to_datetime(rekap["tanggal_lapor"], format="%Y-%m-%d", errors="coerce")
tanggal_bersih = tanggal_1.fillna(tanggal_2)""",
    mistakes=(
        Mistake(
            _KEY_MESSAGES + "month_first",
            wrong=lambda: pd.to_datetime(_raw()["tanggal_lapor"], format="mixed"),
        ),
        Mistake(
            _KEY_MESSAGES + "iso_dayfirst",
            wrong=lambda: pd.to_datetime(_raw()["tanggal_lapor"], format="mixed", dayfirst=True),
        ),
        Mistake(_KEY_MESSAGES + "dates_missing", applies=_dates_missing),
        Mistake(_KEY_MESSAGES + "still_text", applies=_is_text),
    ),
)


# -- Soal 4: numbers typed as text ---------------------------------------------------------------


soal_4 = Question(
    title="Soal 4: jumlah berkas sebagai angka",
    expected=lambda: _typed()["jumlah"],
    hints=(
        "Bagi pandas, titik adalah tanda desimal: teks `1.250` akan menjadi 1,25. Hapus dulu "
        'titiknya: `rekap["jumlah"].str.replace(".", "", regex=False)`.',
        "Sesudah itu ubah teks menjadi angka dengan `pd.to_numeric(...)`.",
    ),
    solution_code=(
        'jumlah_bersih = pd.to_numeric(rekap["jumlah"].str.replace(".", "", regex=False))'
    ),
    mistakes=(
        Mistake(_KEY_MESSAGES + "decimal_point", wrong=lambda: pd.to_numeric(_raw()["jumlah"])),
        Mistake(_KEY_MESSAGES + "still_text", applies=_is_text),
    ),
)


# -- Soal 5: duplicate and revised reports ----------------------------------------------------


def _sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _compare_rows(answer: object, expected: object) -> None:
    """Same rows as ``expected``, in any order and whatever the index."""
    if not isinstance(answer, pd.DataFrame):
        compare_answers(answer, expected)
        return
    assert isinstance(expected, pd.DataFrame)
    if len(answer) > len(expected):
        raise _wrong("duplicates_left")
    if len(answer) < len(expected):
        raise _wrong("dropped_all")
    compare_answers(_sorted_rows(answer), _sorted_rows(expected))


soal_5 = Question(
    title="Soal 5: rekap tanpa baris ganda, revisi yang berlaku",
    expected=lambda: _raw().drop_duplicates(subset=KUNCI_REKAP, keep="last"),
    compare=_compare_rows,
    hints=(
        "`.drop_duplicates()` tanpa pilihan hanya menghapus baris yang sama persis; revisi "
        "berbeda di kolom `jumlah` (dan `tanggal_lapor`), jadi tidak terhapus.",
        "Dengan `subset=kunci_rekap` pandas hanya membandingkan kolom bulan, kelurahan dan "
        'layanan. `keep="last"` menyimpan baris yang paling bawah, yaitu revisinya.',
    ),
    solution_code='rekap_tanpa_ganda = rekap.drop_duplicates(subset=kunci_rekap, keep="last")',
    mistakes=(
        Mistake(_KEY_MESSAGES + "revisions_left", wrong=lambda: _raw().drop_duplicates()),
        Mistake(
            _KEY_MESSAGES + "kept_first",
            wrong=lambda: _raw().drop_duplicates(subset=KUNCI_REKAP, keep="first"),
        ),
    ),
)


# -- Soal 6: join with the staff table ----------------------------------------------------------


def _per_clerk(*, staff_column: str = "petugas_adminduk", join_first: bool = False) -> pd.DataFrame:
    """Documents per clerk in each kelurahan; the keyword arguments reproduce typical mistakes."""
    recap, staff = load("rekap_layanan"), load("pegawai_unit")
    if join_first:
        joined = recap.merge(staff, on="kelurahan", how="left")
        table = joined.groupby("kelurahan", as_index=False)[["jumlah", staff_column]].sum()
    else:
        total = recap.groupby("kelurahan", as_index=False)["jumlah"].sum()
        table = total.merge(staff, on="kelurahan", how="left")
    table["berkas_per_petugas"] = (table["jumlah"] / table[staff_column]).round(1)
    return table


def _compare_per_kelurahan(answer: object, expected: object) -> None:
    """``berkas_per_petugas`` for each kelurahan, whatever the row order and other columns."""
    if not isinstance(answer, pd.DataFrame):
        compare_answers(answer, expected)
        return
    assert isinstance(expected, pd.DataFrame)
    if not {"kelurahan", "berkas_per_petugas"} <= set(answer.columns):
        raise _wrong("summary_columns")
    values = answer.set_index("kelurahan")["berkas_per_petugas"]
    wanted = expected.set_index("kelurahan")["berkas_per_petugas"]
    compare_answers(values, wanted, tolerance=_ROUNDED)


def _unmatched_rows(answer: pd.DataFrame) -> bool:
    return not set(answer["kelurahan"]) <= set(KELURAHAN)


soal_6 = Question(
    title="Soal 6: berkas per petugas adminduk di setiap kelurahan",
    expected=_per_clerk,
    compare=_compare_per_kelurahan,
    hints=(
        '`total.merge(pegawai, on="kelurahan", how="left")` menempelkan data pegawai pada '
        "setiap baris `total`, dengan kolom `kelurahan` sebagai kunci.",
        'Buat kolom baru: `ringkasan["berkas_per_petugas"] = ringkasan["jumlah"] / '
        'ringkasan["petugas_adminduk"]`, lalu bulatkan dengan `.round(1)`.',
    ),
    solution_code="""\
ringkasan = total.merge(pegawai, on="kelurahan", how="left")
ringkasan["berkas_per_petugas"] = (ringkasan["jumlah"] / ringkasan["petugas_adminduk"]).round(1)""",
    mistakes=(
        Mistake(_KEY_MESSAGES + "unmatched_rows", applies=_unmatched_rows),
        Mistake(
            _KEY_MESSAGES + "all_staff", wrong=lambda: _per_clerk(staff_column="jumlah_pegawai")
        ),
        Mistake(_KEY_MESSAGES + "joined_before_sum", wrong=lambda: _per_clerk(join_first=True)),
    ),
)


# -- Soal 7: save back to Excel -------------------------------------------------------------


def _compare_saved_file(answer: object, expected: object) -> None:
    """The file at ``answer`` has a sheet ``Rekap`` holding exactly ``expected``."""
    if not isinstance(answer, (str, Path)):
        raise _wrong("not_a_path")
    path = Path(answer)
    if not path.is_file():
        raise _wrong("file_missing", path=path)
    sheets = pd.read_excel(path, sheet_name=None)
    if "Rekap" not in sheets:
        raise _wrong("sheet_name", sheets=", ".join(map(str, sheets)))
    saved = sheets["Rekap"]
    if any(str(column).startswith("Unnamed") for column in saved.columns):
        raise _wrong("index_saved")
    compare_answers(saved, expected)


soal_7 = Question(
    title="Soal 7: menyimpan rekap bersih ke Excel",
    expected=lambda: load("rekap_layanan"),
    compare=_compare_saved_file,
    hints=(
        'Tentukan lokasinya dulu: `berkas_laporan = folder_latihan / "rekap_bersih.xlsx"`.',
        'Simpan dengan `rekap_bersih.to_excel(berkas_laporan, sheet_name="Rekap", '
        "index=False)`. `index=False` mencegah nomor baris ikut tersimpan sebagai kolom.",
    ),
    solution_code="""\
berkas_laporan = folder_latihan / "rekap_bersih.xlsx"
rekap_bersih.to_excel(berkas_laporan, sheet_name="Rekap", index=False)""",
)
