"""Checkers of the lesson ``courses/03_pengaduan``: public complaints and their service deadlines.

Expected answers are computed from ``load("pengaduan")`` when first needed, never typed in.
"""

from __future__ import annotations

import pandas as pd

from kit.core import KELURAHAN, working_days_between
from kit.datasets import CHANNELS, STATUSES, load
from kit.practice.core import Mistake, Question, ____
from kit.practice.toolkit import fraction_not_percent

__all__ = [
    "BATAS_DITERUSKAN",
    "BATAS_DITINDAKLANJUTI",
    "TANGGAL_ACUAN",
    "____",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
]

BATAS_DITERUSKAN = 3
"""Working days within which a complaint must be forwarded to the unit that handles it."""
BATAS_DITINDAKLANJUTI = 5
"""Working days after forwarding within which the unit must follow the complaint up."""
TANGGAL_ACUAN = pd.Timestamp("2026-10-31")
"""The lesson's "today": the end of the period the complaint data cover."""


def _pengaduan() -> pd.DataFrame:
    return load("pengaduan")


# -- Soal 1: complaints per kelurahan --------------------------------------------------------


def _counted_another_column(answer: pd.Series) -> bool:
    data = _pengaduan()
    labels = set(answer.index)
    return any(labels <= set(data[column]) for column in ("kategori", "kanal", "status"))


soal_1 = Question(
    title="Soal 1: jumlah pengaduan per kelurahan",
    expected=lambda: _pengaduan()["kelurahan"].value_counts(),
    hints=(
        'Pilih kolom `kelurahan` dengan `pengaduan["kelurahan"]`.',
        "Metode `.value_counts()` menghitung berapa kali setiap nilai muncul dalam satu kolom.",
    ),
    solution_code='jumlah_per_kelurahan = pengaduan["kelurahan"].value_counts()',
    mistakes=(
        Mistake("practice.pengaduan.other_column", applies=_counted_another_column),
        Mistake(
            "practice.pengaduan.proportion_not_count",
            wrong=lambda: _pengaduan()["kelurahan"].value_counts(normalize=True),
        ),
    ),
)


# -- Soal 2: most common category ------------------------------------------------------------


def _not_a_category(answer: str) -> bool:
    return answer in KELURAHAN or answer in CHANNELS or answer in STATUSES


soal_2 = Question(
    title="Soal 2: kategori pengaduan terbanyak",
    expected=lambda: str(_pengaduan()["kategori"].value_counts().idxmax()),
    hints=(
        'Mulailah dengan `pengaduan["kategori"].value_counts()`: hasilnya urut dari yang '
        "terbanyak.",
        "`.idxmax()` mengambil label (indeks) dengan nilai terbesar; hasilnya teks, bukan Series.",
    ),
    solution_code='kategori_terbanyak = pengaduan["kategori"].value_counts().idxmax()',
    mistakes=(
        Mistake(
            "practice.pengaduan.least_not_most",
            wrong=lambda: str(_pengaduan()["kategori"].value_counts().idxmin()),
        ),
        Mistake("practice.pengaduan.not_a_category", applies=_not_a_category),
    ),
)


# -- Soal 3: share forwarded within 3 working days ---------------------------------------------


def _forwarded() -> pd.DataFrame:
    data = _pengaduan()
    return data[data["tanggal_diteruskan"].notna()]


def _percent(flags: pd.Series, out_of: int) -> float:
    return round(float(flags.sum()) / out_of * 100, 1)


def _forwarded_on_time_percent() -> float:
    data = _forwarded()
    days = working_days_between(data["tanggal_masuk"], data["tanggal_diteruskan"])
    return _percent(days <= BATAS_DITERUSKAN, len(data))


def _forwarded_on_time_calendar_days() -> float:
    data = _forwarded()
    days = (data["tanggal_diteruskan"] - data["tanggal_masuk"]).dt.days
    return _percent(days <= BATAS_DITERUSKAN, len(data))


def _forwarded_strictly_within() -> float:
    data = _forwarded()
    days = working_days_between(data["tanggal_masuk"], data["tanggal_diteruskan"])
    return _percent(days < BATAS_DITERUSKAN, len(data))


def _forwarded_on_time_of_all() -> float:
    data = _pengaduan()
    days = working_days_between(data["tanggal_masuk"], data["tanggal_diteruskan"])
    return _percent(days <= BATAS_DITERUSKAN, len(data))


soal_3 = Question(
    title="Soal 3: persen pengaduan yang diteruskan paling lambat 3 hari kerja",
    expected=_forwarded_on_time_percent,
    # Half of the last decimal place: an unrounded answer is accepted as well.
    tolerance=0.05,
    hints=(
        "Ambil dulu pengaduan yang sudah diteruskan: "
        '`pengaduan[pengaduan["tanggal_diteruskan"].notna()]`.',
        "Hitung lamanya dengan `working_days_between(tanggal_mulai, tanggal_selesai)`, lalu "
        "bandingkan dengan `<= 3`. Hasilnya kolom True/False.",
        "Rata-rata kolom True/False adalah proporsinya: `.mean()`. Kalikan 100 dan bulatkan "
        "dengan `round(nilai, 1)`.",
    ),
    solution_code="""\
diteruskan = pengaduan[pengaduan["tanggal_diteruskan"].notna()]
hari_kerja = working_days_between(diteruskan["tanggal_masuk"], diteruskan["tanggal_diteruskan"])
persen_tepat_waktu = round((hari_kerja <= 3).mean() * 100, 1)""",
    mistakes=(
        Mistake("practice.pengaduan.calendar_days", wrong=_forwarded_on_time_calendar_days),
        Mistake("practice.pengaduan.strictly_less", wrong=_forwarded_strictly_within),
        Mistake("practice.pengaduan.all_complaints_denominator", wrong=_forwarded_on_time_of_all),
        Mistake("practice.pengaduan.fraction_not_percent", applies=fraction_not_percent),
    ),
)


# -- Soal 4: complaints overdue for follow-up, per kelurahan ------------------------------------


def _overdue_per_kelurahan(
    *, working_days: bool = True, since: str = "tanggal_diteruskan", count_open: bool = True
) -> pd.Series:
    """Overdue complaints per kelurahan; the keyword arguments reproduce typical mistakes."""
    data = _pengaduan()
    until = data["tanggal_ditindaklanjuti"]
    if count_open:
        # A complaint not yet followed up has been waiting until the reference date.
        until = until.fillna(TANGGAL_ACUAN)
    if working_days:
        days = working_days_between(data[since], until)
    else:
        days = (until - data[since]).dt.days
    overdue = data["tanggal_diteruskan"].notna() & (days > BATAS_DITINDAKLANJUTI)
    return data.loc[overdue, "kelurahan"].value_counts()


soal_4 = Question(
    title="Soal 4: pengaduan yang terlambat ditindaklanjuti, per kelurahan",
    expected=_overdue_per_kelurahan,
    missing_as_zero=True,
    hints=(
        "Pengaduan yang belum ditindaklanjuti dianggap menunggu sampai `TANGGAL_ACUAN`: "
        '`pengaduan["tanggal_ditindaklanjuti"].fillna(TANGGAL_ACUAN)`.',
        "Hitung hari kerja dari `tanggal_diteruskan` sampai tanggal itu, lalu pilih yang `> 5`. "
        "Pengaduan yang belum diteruskan tidak ikut dihitung.",
        'Dari baris yang terlambat, hitung per kelurahan dengan `["kelurahan"].value_counts()`.',
    ),
    solution_code="""\
sampai = pengaduan["tanggal_ditindaklanjuti"].fillna(TANGGAL_ACUAN)
hari_kerja = working_days_between(pengaduan["tanggal_diteruskan"], sampai)
terlambat = pengaduan[pengaduan["tanggal_diteruskan"].notna() & (hari_kerja > 5)]
terlambat_per_kelurahan = terlambat["kelurahan"].value_counts()""",
    mistakes=(
        Mistake(
            "practice.pengaduan.open_complaints_missed",
            wrong=lambda: _overdue_per_kelurahan(count_open=False),
        ),
        Mistake(
            "practice.pengaduan.calendar_days",
            wrong=lambda: _overdue_per_kelurahan(working_days=False),
        ),
        Mistake(
            "practice.pengaduan.counted_from_received",
            wrong=lambda: _overdue_per_kelurahan(since="tanggal_masuk"),
        ),
    ),
)


# -- Soal 5: monthly trend ----------------------------------------------------------------------


def _month_not_number(answer: pd.Series) -> bool:
    return isinstance(answer.index, (pd.PeriodIndex, pd.DatetimeIndex))


soal_5 = Question(
    title="Soal 5: jumlah pengaduan per bulan",
    expected=lambda: _pengaduan()["tanggal_masuk"].dt.month.value_counts().sort_index(),
    ordered=True,
    hints=(
        '`pengaduan["tanggal_masuk"].dt.month` memberi nomor bulan (1-12) setiap pengaduan.',
        "Hitung dengan `.value_counts()`, lalu urutkan menurut bulan dengan `.sort_index()`.",
    ),
    solution_code=(
        'pengaduan_per_bulan = pengaduan["tanggal_masuk"].dt.month.value_counts().sort_index()'
    ),
    mistakes=(
        Mistake(
            "practice.pengaduan.month_of_forwarding",
            wrong=lambda: _pengaduan()["tanggal_diteruskan"].dt.month.value_counts().sort_index(),
        ),
        Mistake("practice.pengaduan.month_not_number", applies=_month_not_number),
    ),
)
