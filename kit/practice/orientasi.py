"""Checkers of the lesson ``courses/01_orientasi``: first steps in Python with office examples.

Expected answers come from ``load("pengaduan_sepekan")`` (one week of complaints),
``load("peserta_demo")`` (the roster, for NIPs) and the learning-hours facts below, never from
numbers typed into the lesson. Hints and solutions use the lesson's own variables
(``daftar_hari_kerja``, ``daftar_kelurahan``, ``nip_pertama``, ``target_jp`` ...).
"""

from __future__ import annotations

from collections.abc import Mapping

from kit.datasets import load
from kit.practice.core import Mistake, Question, ____
from kit.practice.pengaduan import BATAS_DITERUSKAN
from kit.practice.toolkit import LessonMessages, differences, incorrect, listing, raise_all

__all__ = [
    "JP_BIMTEK_LAPOR",
    "JP_MODUL_ORIENTASI",
    "MENIT_PER_JP",
    "TARGET_JP",
    "____",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
]

TARGET_JP = 20
"""Yearly learning hours every ASN is entitled to (``jp.target_per_year`` of the reward rules)."""
JP_MODUL_ORIENTASI = 2
"""Learning hours of this module (``courses/01_orientasi/module.yml``)."""
JP_BIMTEK_LAPOR = 10
"""Learning hours of the SP4N-LAPOR! technical guidance (``kit.datasets.training.WORKSHOPS``)."""
MENIT_PER_JP = 45
"""One JP (jam pelajaran) lasts 45 minutes."""

_wrong = LessonMessages("practice.m01_orientasi.")


def _week() -> dict[str, list]:
    """The week's complaints as the plain Python lists the lesson builds."""
    data = load("pengaduan_sepekan")
    return {
        "hari_kerja": [int(days) for days in data["hari_kerja"]],
        "kelurahan": [str(name) for name in data["kelurahan"]],
    }


# -- Soal 1: arithmetic with variables --------------------------------------------------------


def _remaining_minutes(*, minutes_per_jp: int = MENIT_PER_JP, precedence: bool = False) -> int:
    """Minutes of learning still needed this year; the flags reproduce typical mistakes."""
    if precedence:
        return TARGET_JP - JP_MODUL_ORIENTASI - JP_BIMTEK_LAPOR * minutes_per_jp
    return (TARGET_JP - JP_MODUL_ORIENTASI - JP_BIMTEK_LAPOR) * minutes_per_jp


soal_1 = Question(
    title="Soal 1: sisa waktu belajar tahun ini, dalam menit",
    expected=_remaining_minutes,
    hints=(
        "Hitung dulu sisa JP: `target_jp - jp_modul_1 - jp_bimtek`.",
        "Satu JP lamanya 45 menit. Bungkus pengurangan dengan tanda kurung, lalu kalikan: "
        "`(...) * 45`.",
    ),
    solution_code="sisa_menit = (target_jp - jp_modul_1 - jp_bimtek) * 45",
    mistakes=(
        Mistake(
            "practice.m01_orientasi.jp_not_minutes",
            wrong=lambda: _remaining_minutes(minutes_per_jp=1),
        ),
        Mistake(
            "practice.m01_orientasi.hour_not_jp",
            wrong=lambda: _remaining_minutes(minutes_per_jp=60),
        ),
        Mistake(
            "practice.m01_orientasi.precedence", wrong=lambda: _remaining_minutes(precedence=True)
        ),
        Mistake("practice.m01_orientasi.whole_target", wrong=lambda: TARGET_JP * MENIT_PER_JP),
    ),
)


# -- Soal 2: sum, len and round on a list ---------------------------------------------------


def _mean_days(*, divisor: int | None = None, digits: int | None = 1) -> float:
    days = _week()["hari_kerja"]
    mean = sum(days) / (divisor or len(days))
    return mean if digits is None else round(mean, digits)


soal_2 = Question(
    title="Soal 2: rata-rata hari kerja sampai pengaduan diteruskan, pekan ini",
    expected=_mean_days,
    tolerance=1e-9,
    hints=(
        "`sum(daftar_hari_kerja)` menjumlahkan semua isi daftar; `len(daftar_hari_kerja)` "
        "memberi banyaknya pengaduan.",
        "Bagi jumlahnya dengan banyaknya, lalu bulatkan: `round(nilai, 1)`.",
    ),
    solution_code="rata_rata_hari = round(sum(daftar_hari_kerja) / len(daftar_hari_kerja), 1)",
    mistakes=(
        Mistake("practice.m01_orientasi.not_rounded", wrong=lambda: _mean_days(digits=None)),
        Mistake("practice.m01_orientasi.rounded_to_whole", wrong=lambda: _mean_days(digits=0)),
        Mistake("practice.m01_orientasi.divided_by_weekdays", wrong=lambda: _mean_days(divisor=5)),
        Mistake(
            "practice.m01_orientasi.sum_not_mean", wrong=lambda: float(sum(_week()["hari_kerja"]))
        ),
    ),
)


# -- Soal 3: a NIP is text; slicing --------------------------------------------------------


def _first_nip() -> str:
    return str(load("peserta_demo")["nip"].iloc[0])


def _birth_date_as_number(answer: object) -> bool:
    return not isinstance(answer, str) and str(answer) == _first_nip()[:8]


def _slice_off_by_one(answer: object) -> bool:
    nip = _first_nip()
    return answer in (nip[:7], nip[:9], nip[1:9])


soal_3 = Question(
    title="Soal 3: tanggal lahir dari NIP, sebagai teks",
    expected=lambda: _first_nip()[:8],
    hints=(
        "Delapan digit pertama NIP adalah tanggal lahir: tahun, bulan, tanggal (TTTTBBHH).",
        "Potong teks seperti memotong daftar: `nip_pertama[0:8]` mengambil karakter ke-0 sampai "
        "ke-7.",
    ),
    solution_code="tanggal_lahir = nip_pertama[0:8]",
    mistakes=(
        Mistake("practice.m01_orientasi.birth_date_as_number", applies=_birth_date_as_number),
        Mistake("practice.m01_orientasi.slice_off_by_one", applies=_slice_off_by_one),
        Mistake("practice.m01_orientasi.year_only", wrong=lambda: _first_nip()[:4]),
    ),
)


# -- Soal 4: for with if, counting the late complaints ---------------------------------------


def _late_count(*, from_deadline: bool = False, on_time: bool = False) -> int:
    """Complaints forwarded after the deadline; the flags reproduce typical mistakes."""
    days = _week()["hari_kerja"]
    if on_time:
        return sum(1 for d in days if d <= BATAS_DITERUSKAN)
    if from_deadline:
        return sum(1 for d in days if d >= BATAS_DITERUSKAN)
    return sum(1 for d in days if d > BATAS_DITERUSKAN)


soal_4 = Question(
    title="Soal 4: jumlah pengaduan yang terlambat diteruskan pekan ini",
    expected=_late_count,
    hints=(
        "Mulailah dengan `jumlah_terlambat = 0`, lalu ulangi untuk setiap isi daftar: "
        "`for hari_kerja in daftar_hari_kerja:`.",
        "Di dalam perulangan: `if hari_kerja > 3:` lalu, lebih menjorok lagi, "
        "`jumlah_terlambat = jumlah_terlambat + 1`.",
    ),
    solution_code="""\
jumlah_terlambat = 0
for hari_kerja in daftar_hari_kerja:
    if hari_kerja > 3:
        jumlah_terlambat = jumlah_terlambat + 1""",
    mistakes=(
        Mistake(
            "practice.m01_orientasi.counted_from_three",
            wrong=lambda: _late_count(from_deadline=True),
        ),
        Mistake("practice.m01_orientasi.counted_on_time", wrong=lambda: _late_count(on_time=True)),
        Mistake("practice.m01_orientasi.counted_all", wrong=lambda: len(_week()["hari_kerja"])),
    ),
)


# -- Soal 5: a dictionary of counts per kelurahan --------------------------------------------


def _counts(*, first: int = 1, add: bool = True) -> dict[str, int]:
    """Complaints per kelurahan counted with a loop; the flags reproduce typical mistakes."""
    counts: dict[str, int] = {}
    for name in _week()["kelurahan"]:
        if name in counts and add:
            counts[name] = counts[name] + 1
        elif name not in counts:
            counts[name] = first
    return counts


def _compare_counts(answer: object, expected: object) -> None:
    """Compare two {label: count} dictionaries; a label counted 0 may be left out or kept."""
    assert isinstance(expected, Mapping)
    if answer is None:
        raise incorrect("practice.answer_none")
    if not isinstance(answer, Mapping):
        raise _wrong("not_a_dict", got=type(answer).__name__)
    given = {k: v for k, v in answer.items() if v != 0}
    wanted = {k: v for k, v in expected.items() if v != 0}
    raise_all(
        differences(
            given,
            wanted,
            missing=_wrong.key("missing_keys"),
            extra=_wrong.key("extra_keys"),
            field="keys",
        )
    )
    off = [k for k in wanted if given[k] != wanted[k]]
    if off:
        raise _wrong("wrong_counts", keys=listing(off))


soal_5 = Question(
    title="Soal 5: jumlah pengaduan per kelurahan pekan ini, dalam sebuah kamus",
    expected=_counts,
    compare=_compare_counts,
    hints=(
        "Mulailah dengan kamus kosong `per_kelurahan = {}`, lalu ulangi "
        "`for kelurahan in daftar_kelurahan:`.",
        "Jika `kelurahan in per_kelurahan`, tambahkan 1 pada nilainya; jika belum ada "
        "(`else:`), isi `per_kelurahan[kelurahan] = 1`.",
        "Polanya sama dengan contoh `per_hari` di atas; hanya nama daftar dan kamusnya yang "
        "berbeda.",
    ),
    solution_code="""\
per_kelurahan = {}
for kelurahan in daftar_kelurahan:
    if kelurahan in per_kelurahan:
        per_kelurahan[kelurahan] = per_kelurahan[kelurahan] + 1
    else:
        per_kelurahan[kelurahan] = 1""",
    mistakes=(
        Mistake("practice.m01_orientasi.all_ones", wrong=lambda: _counts(add=False)),
        Mistake("practice.m01_orientasi.started_from_zero", wrong=lambda: _counts(first=0)),
    ),
)
