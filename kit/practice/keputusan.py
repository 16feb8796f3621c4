"""Checkers of the lesson ``courses/07_keputusan``: data for public-service decisions.

Service queues (``load("antrian_layanan")``): waiting times, the 15-minute service standard and
the counter load per hour; budget realisation (``load("realisasi_anggaran")``): percentages per
programme and the lines at risk. Expected answers are computed from the data when first needed.
Hints and solutions use the lesson's own variables (``antrian``, ``anggaran``, ``senin``,
``jumlah_senin``, ``standar_tunggu``, ``unit_kecamatan``, ``batas_realisasi``) and the columns
the lesson adds (``tunggu``, ``lama_layanan``, ``jam``, ``hari``, ``realisasi``, ``persen``).
"""

from __future__ import annotations

import pandas as pd

from kit.datasets import load
from kit.practice.core import Mistake, Question, ____
from kit.practice.toolkit import (
    LessonMessages,
    boolean_mask,
    differences,
    fraction_not_percent,
    incorrect,
    listing,
    raise_all,
)

__all__ = [
    "BATAS_REALISASI",
    "NAMA_HARI",
    "STANDAR_TUNGGU",
    "UNIT_KECAMATAN",
    "____",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
]

STANDAR_TUNGGU = 15
"""Service standard: a visitor is called to the counter at most this many minutes after arriving."""
UNIT_KECAMATAN = "Kantor Camat Medan Marelan"
"""The kecamatan office, whose three counters also record KTP-el for the whole district."""
BATAS_REALISASI = 50
"""A budget line realised below this percentage by the end of Q3 is at risk."""
NAMA_HARI = {0: "Senin", 1: "Selasa", 2: "Rabu", 3: "Kamis", 4: "Jumat", 5: "Sabtu", 6: "Minggu"}
"""Indonesian weekday names by ``.dt.day_of_week`` number (0 is Monday)."""
_BUSIEST_DAY = "Senin"
_wrong = LessonMessages("practice.m07_keputusan.")
# Budget lines are named by their row number; a message lists up to this many.
_ROWS_SHOWN = 8

# Half of the last decimal place, so an answer rounded to one decimal (or not) is accepted.
_ROUNDED = 0.05
_QUARTERS = ("realisasi_tw1", "realisasi_tw2", "realisasi_tw3")


def _minutes(start: pd.Series, end: pd.Series) -> pd.Series:
    return (end - start).dt.total_seconds() / 60


def _queue() -> pd.DataFrame:
    """The visits with the columns the lesson adds."""
    data = load("antrian_layanan")
    data["tunggu"] = _minutes(data["jam_datang"], data["jam_dilayani"])
    data["lama_layanan"] = _minutes(data["jam_dilayani"], data["jam_selesai"])
    data["jam"] = data["jam_datang"].dt.hour
    data["hari"] = data["tanggal"].dt.day_of_week.map(NAMA_HARI)
    return data


# -- Soal 1: mean waiting time per service ---------------------------------------------------


def _mean_wait_per_service(*, since: str = "jam_datang", until: str = "jam_dilayani") -> pd.Series:
    data = _queue()
    return _minutes(data[since], data[until]).groupby(data["layanan"]).mean()


soal_1 = Question(
    title="Soal 1: rata-rata waktu tunggu (menit) per jenis layanan",
    expected=_mean_wait_per_service,
    tolerance=_ROUNDED,
    hints=(
        "Kolom `tunggu` sudah berisi menit menunggu setiap kunjungan. Kelompokkan menurut "
        'layanan dengan `antrian.groupby("layanan")`.',
        'Pilih kolom `["tunggu"]`, lalu ambil `.mean()`. Kunjungan yang ditunda bernilai kosong '
        "(`NaN`) dan dilewati `.mean()` dengan sendirinya.",
    ),
    solution_code='rata_tunggu_per_layanan = antrian.groupby("layanan")["tunggu"].mean()',
    mistakes=(
        Mistake(
            "practice.m07_keputusan.service_not_wait",
            wrong=lambda: _mean_wait_per_service(since="jam_dilayani", until="jam_selesai"),
        ),
        Mistake(
            "practice.m07_keputusan.total_not_wait",
            wrong=lambda: _mean_wait_per_service(until="jam_selesai"),
        ),
        Mistake(
            "practice.m07_keputusan.seconds_not_minutes",
            wrong=lambda: _mean_wait_per_service() * 60,
        ),
        Mistake(
            "practice.m07_keputusan.hours_not_minutes",
            wrong=lambda: _mean_wait_per_service() / 60,
        ),
        Mistake(
            "practice.m07_keputusan.median_not_mean",
            wrong=lambda: _queue().groupby("layanan")["tunggu"].median(),
        ),
        Mistake(
            "practice.m07_keputusan.postponed_as_zero",
            wrong=lambda: _queue().fillna({"tunggu": 0}).groupby("layanan")["tunggu"].mean(),
        ),
    ),
)


# -- Soal 2: share of visits called within the standard, per unit --------------------------------


def _percent_within_standard(
    *, served_only: bool = False, strictly: bool = False, count: bool = False
) -> pd.Series:
    """Percent of visits called within the standard, per unit; flags reproduce typical mistakes."""
    data = _queue()
    if served_only:
        data = data[data["status"] == "selesai"]
    wait = data["tunggu"]
    within = wait < STANDAR_TUNGGU if strictly else wait <= STANDAR_TUNGGU
    grouped = within.groupby(data["unit"])
    return grouped.sum() if count else grouped.mean() * 100


soal_2 = Question(
    title="Soal 2: persen kunjungan yang dilayani paling lama 15 menit, per unit",
    expected=_percent_within_standard,
    tolerance=_ROUNDED,
    hints=(
        '`antrian["tunggu"] <= standar_tunggu` memberi True/False untuk setiap kunjungan. '
        "Kunjungan yang ditunda (tunggu kosong) bernilai False: warga itu memang tidak "
        "dilayani dalam 15 menit.",
        'Kelompokkan kolom True/False itu menurut unit: `.groupby(antrian["unit"])`, lalu '
        "`.mean()` memberi proporsinya. Kalikan 100.",
    ),
    solution_code="""\
memenuhi = antrian["tunggu"] <= standar_tunggu
persen_standar_per_unit = memenuhi.groupby(antrian["unit"]).mean() * 100""",
    mistakes=(
        Mistake(
            "practice.m07_keputusan.postponed_left_out",
            wrong=lambda: _percent_within_standard(served_only=True),
        ),
        Mistake(
            "practice.m07_keputusan.strictly_less",
            wrong=lambda: _percent_within_standard(strictly=True),
        ),
        Mistake(
            "practice.m07_keputusan.count_not_percent",
            wrong=lambda: _percent_within_standard(count=True),
        ),
        Mistake("practice.m07_keputusan.fraction_not_percent", applies=fraction_not_percent),
    ),
)


# -- Soal 3: counter load per hour on the busiest day at the kecamatan office ---------------------


def _counter_load(
    *,
    per_day: bool = True,
    per_counter: bool = True,
    only_busiest_day: bool = True,
    only_kecamatan: bool = True,
    hour_from: str = "jam_datang",
) -> pd.Series:
    """Counters kept fully busy, per hour of arrival; the flags reproduce typical mistakes."""
    data = _queue()
    if only_kecamatan:
        data = data[data["unit"] == UNIT_KECAMATAN]
    if only_busiest_day:
        data = data[data["hari"] == _BUSIEST_DAY]
    load_ = data.groupby(data[hour_from].dt.hour)["lama_layanan"].sum()
    if per_day:
        load_ = load_ / data["tanggal"].nunique()
    if per_counter:
        load_ = load_ / 60
    return load_


soal_3 = Question(
    title="Soal 3: beban loket Kantor Camat per jam pada hari Senin",
    expected=_counter_load,
    tolerance=_ROUNDED,
    hints=(
        "Tabel `senin` sudah berisi kunjungan Kantor Camat pada hari Senin saja. Kelompokkan "
        'menurut jam kedatangan: `senin.groupby("jam")`.',
        'Pilih kolom `["lama_layanan"]` lalu jumlahkan dengan `.sum()`: menit layanan yang '
        "datang pada setiap jam, dari semua hari Senin sekaligus.",
        "Bagi dengan `jumlah_senin` agar menjadi satu hari Senin, lalu bagi 60 agar menjadi "
        "banyaknya loket yang sibuk penuh.",
    ),
    solution_code="""\
beban_loket = senin.groupby("jam")["lama_layanan"].sum() / jumlah_senin / 60""",
    mistakes=(
        Mistake("practice.m07_keputusan.not_per_day", wrong=lambda: _counter_load(per_day=False)),
        Mistake(
            "practice.m07_keputusan.minutes_not_counters",
            wrong=lambda: _counter_load(per_counter=False),
        ),
        Mistake(
            "practice.m07_keputusan.all_weekdays",
            wrong=lambda: _counter_load(only_busiest_day=False),
        ),
        Mistake(
            "practice.m07_keputusan.all_units",
            wrong=lambda: _counter_load(only_kecamatan=False),
        ),
        Mistake(
            "practice.m07_keputusan.hour_served",
            wrong=lambda: _counter_load(hour_from="jam_dilayani"),
        ),
    ),
)


# -- Budget realisation ------------------------------------------------------------------------


def _budget(*, quarters: tuple[str, ...] = _QUARTERS) -> pd.DataFrame:
    """The budget lines with the columns the lesson adds (``realisasi``, ``persen``)."""
    data = load("realisasi_anggaran")
    data["realisasi"] = data[list(quarters)].sum(axis=1)
    data["persen"] = data["realisasi"] / data["pagu"] * 100
    return data


# -- Soal 4: percent realised per programme ------------------------------------------------------


def _percent_per_program(
    *, quarters: tuple[str, ...] = _QUARTERS, mean_of_lines: bool = False
) -> pd.Series:
    data = _budget(quarters=quarters)
    if mean_of_lines:
        return data.groupby("program")["persen"].mean()
    totals = data.groupby("program")[["realisasi", "pagu"]].sum()
    return totals["realisasi"] / totals["pagu"] * 100


soal_4 = Question(
    title="Soal 4: persen realisasi anggaran per program sampai triwulan III",
    expected=_percent_per_program,
    tolerance=_ROUNDED,
    hints=(
        'Jumlahkan dulu per program: `anggaran.groupby("program")[["realisasi", "pagu"]].sum()`. '
        "Hasilnya tabel dengan satu baris per program.",
        "Bagi kolom `realisasi` tabel itu dengan kolom `pagu`, lalu kalikan 100. Jangan "
        "merata-ratakan kolom `persen`: baris berpagu kecil akan sama beratnya dengan gaji.",
    ),
    solution_code="""\
per_program = anggaran.groupby("program")[["realisasi", "pagu"]].sum()
persen_per_program = per_program["realisasi"] / per_program["pagu"] * 100""",
    mistakes=(
        Mistake(
            "practice.m07_keputusan.mean_of_percentages",
            wrong=lambda: _percent_per_program(mean_of_lines=True),
        ),
        Mistake(
            "practice.m07_keputusan.quarter_not_cumulative",
            wrong=lambda: _percent_per_program(quarters=("realisasi_tw3",)),
        ),
        Mistake("practice.m07_keputusan.fraction_not_percent", applies=fraction_not_percent),
    ),
)


# -- Soal 5: lines at risk --------------------------------------------------------------------


def _lines_at_risk(
    *,
    quarters: tuple[str, ...] = _QUARTERS,
    up_to_limit: bool = False,
    over_budget: bool = True,
    both: bool = False,
) -> pd.DataFrame:
    """Lines below the limit or over their pagu; the flags reproduce typical mistakes."""
    data = _budget(quarters=quarters)
    low = data["persen"] <= BATAS_REALISASI if up_to_limit else data["persen"] < BATAS_REALISASI
    over = data["realisasi"] > data["pagu"]
    if both:
        return data[low & over]
    return data[low | over] if over_budget else data[low]


def _same_rows(answer: object, expected: object) -> None:
    """Compare the selected budget lines by their row labels; the columns are free."""
    assert isinstance(expected, pd.DataFrame)
    if not isinstance(answer, pd.DataFrame):
        got = "pandas Series" if isinstance(answer, pd.Series) else type(answer).__name__
        raise _wrong("rows_wanted", got=got)
    if answer.index.has_duplicates:
        labels = answer.index[answer.index.duplicated()].unique().tolist()
        raise incorrect("practice.duplicate_labels", labels=listing(labels, shown=_ROWS_SHOWN))
    renumbered = list(answer.index) == list(range(len(answer)))
    extra = answer.index.difference(expected.index)
    if len(answer) == len(expected) and len(extra) and renumbered:
        raise _wrong("index_reset")
    raise_all(
        differences(
            answer.index,
            expected.index,
            missing=_wrong.key("rows_missing"),
            extra=_wrong.key("rows_extra"),
            shown=_ROWS_SHOWN,
        )
    )


soal_5 = Question(
    title="Soal 5: baris anggaran yang berisiko (di bawah 50% atau melebihi pagu)",
    expected=_lines_at_risk,
    compare=_same_rows,
    hints=(
        'Dua syarat: `anggaran["persen"] < batas_realisasi` dan '
        '`anggaran["realisasi"] > anggaran["pagu"]`. Tulis setiap syarat di dalam kurung.',
        "Sebuah baris berisiko bila memenuhi salah satu syarat, jadi gabungkan dengan `|` "
        "(atau), bukan `&` (dan).",
        "Pilih barisnya dengan `anggaran[syarat]`; jangan memakai `reset_index()`, agar nomor "
        "baris asli tetap terlihat.",
    ),
    solution_code="""\
rendah = anggaran["persen"] < batas_realisasi
lebih = anggaran["realisasi"] > anggaran["pagu"]
berisiko = anggaran[rendah | lebih]""",
    mistakes=(
        Mistake(
            "practice.m07_keputusan.over_budget_missed",
            wrong=lambda: _lines_at_risk(over_budget=False),
        ),
        Mistake(
            "practice.m07_keputusan.boundary_fifty",
            wrong=lambda: _lines_at_risk(up_to_limit=True),
        ),
        Mistake("practice.m07_keputusan.and_not_or", wrong=lambda: _lines_at_risk(both=True)),
        Mistake(
            "practice.m07_keputusan.quarter_not_cumulative",
            wrong=lambda: _lines_at_risk(quarters=("realisasi_tw3",)),
        ),
        Mistake("practice.m07_keputusan.mask_not_rows", applies=boolean_mask),
    ),
)
