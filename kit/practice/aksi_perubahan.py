"""Checkers of the lesson ``courses/08_aksi_perubahan``: measuring a change project before/after.

The lesson's case: from ``TANGGAL_PERUBAHAN`` Kelurahan ``KELURAHAN_AKSI`` triages complaints
through WhatsApp. Expected answers are computed from ``load("pengaduan")`` when first needed.
Hints and solutions use the lesson's own variables (``diteruskan``, ``terjun``,
``kelurahan_aksi``), which the lesson builds in its example cells.
"""

from __future__ import annotations

import pandas as pd

from kit.core import working_days_between
from kit.datasets import load
from kit.practice.core import Mistake, Question, ____
from kit.practice.pengaduan import BATAS_DITERUSKAN
from kit.practice.toolkit import fraction_not_percent

__all__ = [
    "BATAS_DITERUSKAN",
    "KELURAHAN_AKSI",
    "TANGGAL_PERUBAHAN",
    "____",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
]

KELURAHAN_AKSI = "Terjun"
"""The kelurahan whose office introduced the change (the slowest to forward in module 3)."""
TANGGAL_PERUBAHAN = pd.Timestamp("2026-06-01")
"""First day of the change: complaints received from this day on fall in the "sesudah" period."""

# Half of the last decimal place, so an answer rounded to one decimal (or not) is accepted.
_ROUNDED = 0.05
# A difference of two rounded percentages may be off by two half-decimals.
_ROUNDED_DIFFERENCE = 0.1


def _forwarded(*, calendar_days: bool = False, only_forwarded: bool = True) -> pd.DataFrame:
    """Complaints with their forwarding time and period; the flags reproduce typical mistakes."""
    data = load("pengaduan")
    if calendar_days:
        data["hari"] = (data["tanggal_diteruskan"] - data["tanggal_masuk"]).dt.days
    else:
        data["hari"] = working_days_between(data["tanggal_masuk"], data["tanggal_diteruskan"])
    data["periode"] = "sebelum"
    data.loc[data["tanggal_masuk"] >= TANGGAL_PERUBAHAN, "periode"] = "sesudah"
    if only_forwarded:
        data = data[data["tanggal_diteruskan"].notna()]
    return data


def _percent_on_time(days: pd.Series, *, strictly: bool = False) -> float:
    """Share (0-100) of ``days`` within the deadline; a missing value counts as not on time."""
    on_time = days < BATAS_DITERUSKAN if strictly else days <= BATAS_DITERUSKAN
    return float(on_time.mean() * 100)


def _percent_per_kelurahan_and_period(**variant: bool) -> pd.DataFrame:
    """Percent forwarded on time, one row per kelurahan and one column per period."""
    strictly = variant.pop("strictly", False)
    data = _forwarded(**variant)
    table = data.groupby(["kelurahan", "periode"])["hari"].agg(_percent_on_time, strictly=strictly)
    return table.unstack("periode")


def _change_per_kelurahan(**variant: bool) -> pd.Series:
    table = _percent_per_kelurahan_and_period(**variant)
    return table["sesudah"] - table["sebelum"]


# -- Soal 1: the baseline -----------------------------------------------------------------------


def _percent_before(**variant: bool) -> float:
    table = _percent_per_kelurahan_and_period(**variant)
    return round(float(table.at[KELURAHAN_AKSI, "sebelum"]), 1)


soal_1 = Question(
    title="Soal 1: kondisi awal, persen tepat waktu sebelum perubahan",
    expected=_percent_before,
    tolerance=_ROUNDED,
    hints=(
        "Pilih baris kelurahan aksi dan periode sebelum perubahan: "
        '`diteruskan[(diteruskan["kelurahan"] == kelurahan_aksi) & '
        '(diteruskan["periode"] == "sebelum")]`.',
        "Kolom `tepat_waktu` berisi True/False. Rata-ratanya (`.mean()`) adalah proporsinya; "
        "kalikan 100 dan bulatkan dengan `round(nilai, 1)`.",
    ),
    solution_code="""\
awal = diteruskan[
    (diteruskan["kelurahan"] == kelurahan_aksi) & (diteruskan["periode"] == "sebelum")
]
persen_sebelum = round(awal["tepat_waktu"].mean() * 100, 1)""",
    mistakes=(
        Mistake(
            "practice.pengaduan.calendar_days",
            wrong=lambda: _percent_before(calendar_days=True),
        ),
        Mistake("practice.pengaduan.strictly_less", wrong=lambda: _percent_before(strictly=True)),
        Mistake("practice.pengaduan.fraction_not_percent", applies=fraction_not_percent),
    ),
)


# -- Soal 2: median working days per period ------------------------------------------------------


def _median_per_period(**variant: bool) -> pd.Series:
    data = _forwarded(**variant)
    return data[data["kelurahan"] == KELURAHAN_AKSI].groupby("periode")["hari"].median()


soal_2 = Question(
    title="Soal 2: median hari kerja sampai diteruskan, sebelum dan sesudah",
    expected=_median_per_period,
    hints=(
        "Mulailah dari tabel `terjun`: pengaduan Kelurahan Terjun yang sudah diteruskan.",
        'Kelompokkan menurut periode dengan `.groupby("periode")`, pilih kolom `hari_kerja`, '
        "lalu ambil `.median()`.",
    ),
    solution_code='median_per_periode = terjun.groupby("periode")["hari_kerja"].median()',
    mistakes=(
        Mistake(
            "practice.pengaduan.calendar_days",
            wrong=lambda: _median_per_period(calendar_days=True),
        ),
    ),
)


# -- Soal 3: the effect in percentage points ------------------------------------------------------


def _change(**variant: bool) -> float:
    return float(_change_per_kelurahan(**variant)[KELURAHAN_AKSI])


soal_3 = Question(
    title="Soal 3: dampak, selisih persen tepat waktu (poin persen)",
    expected=_change,
    tolerance=_ROUNDED_DIFFERENCE,
    hints=(
        'Hitung persen tepat waktu per periode: `terjun.groupby("periode")["tepat_waktu"]'
        ".mean() * 100`.",
        'Dampaknya adalah nilai "sesudah" dikurangi nilai "sebelum". Ambil satu nilai dengan '
        '`persen["sesudah"]`.',
    ),
    solution_code="""\
persen = terjun.groupby("periode")["tepat_waktu"].mean() * 100
selisih_poin = persen["sesudah"] - persen["sebelum"]""",
    mistakes=(
        Mistake("practice.pengaduan.calendar_days", wrong=lambda: _change(calendar_days=True)),
        Mistake("practice.pengaduan.strictly_less", wrong=lambda: _change(strictly=True)),
        Mistake(
            "practice.pengaduan.all_complaints_denominator",
            wrong=lambda: _change(only_forwarded=False),
        ),
        Mistake("practice.pengaduan.fraction_not_percent", applies=fraction_not_percent),
    ),
)


# -- Soal 4: the same change in every kelurahan, as a comparison -----------------------------------


soal_4 = Question(
    title="Soal 4: selisih persen tepat waktu di setiap kelurahan (pembanding)",
    expected=_change_per_kelurahan,
    tolerance=_ROUNDED_DIFFERENCE,
    hints=(
        'Kelompokkan `diteruskan` menurut dua kolom sekaligus: `.groupby(["kelurahan", '
        '"periode"])`, lalu ambil rata-rata `tepat_waktu` dikali 100.',
        '`.unstack("periode")` mengubah periode menjadi kolom: satu baris per kelurahan, kolom '
        "`sebelum` dan `sesudah`.",
        'Kurangkan kolomnya: `tabel["sesudah"] - tabel["sebelum"]`.',
    ),
    solution_code="""\
persen = diteruskan.groupby(["kelurahan", "periode"])["tepat_waktu"].mean() * 100
tabel = persen.unstack("periode")
selisih_per_kelurahan = tabel["sesudah"] - tabel["sebelum"]""",
    mistakes=(
        Mistake(
            "practice.pengaduan.calendar_days",
            wrong=lambda: _change_per_kelurahan(calendar_days=True),
        ),
        Mistake(
            "practice.pengaduan.strictly_less",
            wrong=lambda: _change_per_kelurahan(strictly=True),
        ),
        Mistake(
            "practice.pengaduan.all_complaints_denominator",
            wrong=lambda: _change_per_kelurahan(only_forwarded=False),
        ),
    ),
)
