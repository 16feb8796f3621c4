"""Checkers of the lesson ``courses/05_otomasi``: letters, letter files, a zip and an Excel recap.

The lesson's case: the Kantor Camat invites the kelurahan officials and the kepala lingkungan to
two events (``load("undangan_rapat")``) and brings a recap of the complaints
(``load("pengaduan")``) to the meeting. Expected answers are computed from those tables when first
needed. This module declares the questions; how an answer is read is in :mod:`.letters`
(letter numbers, letters, folders of letter files, the zip) and :mod:`.recap` (the Excel recap).
"""

from __future__ import annotations

import re

import pandas as pd

from kit.core import KELURAHAN
from kit.datasets import BULAN, BULAN_ROMAWI, HARI, SAPAAN, load
from kit.practice.core import Mistake, Question, ____
from kit.practice.otomasi.letters import (
    LetterSpec,
    NumberSpec,
    check_archive,
    check_letter,
    check_letter_folder,
    check_letter_number,
    wrong,
)
from kit.practice.otomasi.recap import RecapSpec, check_recap

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
        Mistake(wrong.key("leading_zero"), wrong=_with_leading_zero),
        Mistake(
            wrong.key("english_names"),
            applies=lambda answer: bool(_ENGLISH_ONLY.search(answer)),
        ),
        Mistake(
            wrong.key("month_shifted"),
            applies=lambda answer: any(_meeting_day_variants(answer, shift=s) for s in (-1, 1)),
        ),
        Mistake(wrong.key("weekday_shifted"), wrong=_iso_weekday),
        Mistake(
            wrong.key("day_name_missing"),
            wrong=lambda: _date_text(_first()["tanggal_rapat"]),
        ),
        Mistake(
            wrong.key("letter_date_not_meeting_date"),
            applies=lambda answer: _date_text(_first()["tanggal_surat"]) in answer,
        ),
    ),
)


# -- Soal 2: the letter number -------------------------------------------------------------------


def _number_spec() -> NumberSpec:
    row = _first()
    return NumberSpec(
        _letter_number(row),
        int(row["nomor_agenda"]),
        row["tanggal_surat"],
        row["tanggal_rapat"],
    )


soal_2 = Question(
    title="Soal 2: nomor surat undangan",
    expected=_number_spec,
    compare=check_letter_number,
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


def _letter_spec(position: int = 0) -> LetterSpec:
    data = _undangan()
    row = data.iloc[position]
    others = tuple(name for name in data["nama"] if name != row["nama"])
    return LetterSpec(_letter_parts(row), others)


soal_3 = Question(
    title="Soal 3: surat undangan untuk penerima pertama",
    expected=_letter_spec,
    compare=check_letter,
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


soal_4 = Question(
    title="Soal 4: satu berkas surat untuk setiap penerima",
    expected=_letters_by_file,
    compare=check_letter_folder,
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


soal_5 = Question(
    title="Soal 5: arsip zip berisi semua surat",
    expected=_letters_by_file,
    compare=check_archive,
    hints=(
        '`shutil.make_archive(nama_dasar, "zip", folder)` mengarsipkan isi `folder` ke berkas '
        "`nama_dasar.zip`, lalu mengembalikan alamat berkas itu.",
        'Simpan arsipnya di luar folder surat: `nama_dasar = folder_kerja / "undangan"`, lalu '
        '`arsip = shutil.make_archive(nama_dasar, "zip", folder_surat)`.',
    ),
    solution_code='arsip = shutil.make_archive(folder_kerja / "undangan", "zip", folder_surat)',
)


# -- Soal 6: the Excel recap ---------------------------------------------------------------------


def _recap_spec() -> RecapSpec:
    data = load("pengaduan")
    rows = {}
    for kelurahan in KELURAHAN:
        here = data[data["kelurahan"] == kelurahan]
        done = int((here["status"] == "Selesai").sum())
        rows[kelurahan] = (len(here), done, done / len(here))
    done = int((data["status"] == "Selesai").sum())
    total = (len(data), done, done / len(data))
    return RecapSpec(LEMBAR_REKAP, JUDUL_REKAP, LEBAR_KOLOM, rows, total)


soal_6 = Question(
    title="Soal 6: rekap pengaduan per kelurahan dalam Excel yang rapi",
    expected=_recap_spec,
    compare=check_recap,
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
