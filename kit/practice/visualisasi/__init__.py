"""Checkers of the lesson ``courses/04_visualisasi``: charts of public complaints for managers
and a small interactive report.

This module declares the questions (expected answers computed from ``load("pengaduan")`` when
first needed, never typed in; hints; solutions; typical mistakes). How an answer is read, plotly
figures and ipywidgets without a browser, is in :mod:`.charts`. The module also holds the
lesson's ready-made report functions (``laporan_kelurahan``, ``grafik_laporan``,
``tampilkan_laporan``): lessons define no functions of their own.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown, display
from plotly.basedatatypes import BaseFigure

from kit.datasets import load
from kit.practice.core import Mistake, Question, ____
from kit.practice.toolkit import Incorrect, LessonMessages, choice_comparison, chose
from kit.practice.visualisasi.charts import (
    compare_bar_chart,
    compare_count_table,
    compare_dropdown,
    compare_line_chart,
    compare_stacked_chart,
    compare_wiring,
    line_points,
    numbers,
)

__all__ = [
    "KELURAHAN_CONTOH",
    "LABEL_BULAN",
    "LABEL_JUMLAH",
    "LABEL_KATEGORI",
    "LABEL_KELURAHAN",
    "PALET_AMAN",
    "____",
    "grafik_laporan",
    "laporan_kelurahan",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
    "soal_6",
    "soal_7",
    "soal_8",
    "tampilkan_laporan",
]

KELURAHAN_CONTOH = "Terjun"
"""The kelurahan of the report exercises (the slowest to forward complaints in module 3)."""
LABEL_KELURAHAN = "Kelurahan"
LABEL_KATEGORI = "Kategori"
LABEL_JUMLAH = "Jumlah pengaduan"
LABEL_BULAN = "Bulan"
PALET_AMAN: tuple[str, ...] = tuple(px.colors.qualitative.Safe)
"""Plotly's colour-blind-safe qualitative palette, the one the lesson asks for."""

_KEY = "practice.m04_visualisasi."
_messages = LessonMessages(_KEY)


def _pengaduan() -> pd.DataFrame:
    return load("pengaduan")


# -- the lesson's ready-made report --------------------------------------------------------------


def laporan_kelurahan(df: pd.DataFrame, kelurahan: str) -> pd.DataFrame:
    """Complaints of one kelurahan per category, most frequent first (``kategori``, ``jumlah``)."""
    bagian = df[df["kelurahan"] == kelurahan]
    return bagian["kategori"].value_counts().reset_index(name="jumlah")


def grafik_laporan(df: pd.DataFrame, kelurahan: str) -> go.Figure:
    """Bar chart of :func:`laporan_kelurahan`, titled and labelled for a manager."""
    fig = px.bar(
        laporan_kelurahan(df, kelurahan),
        x="kategori",
        y="jumlah",
        title=_messages.text("report_title", kelurahan=kelurahan),
        labels={"kategori": LABEL_KATEGORI, "jumlah": LABEL_JUMLAH},
    )
    return fig


def tampilkan_laporan(df: pd.DataFrame, kelurahan: str | None) -> None:
    """Show the report of one kelurahan: a heading, its table and its chart.

    Nothing is shown while no kelurahan is chosen (``None``, a Dropdown's empty choice).
    """
    if kelurahan is None:
        return
    tabel = laporan_kelurahan(df, kelurahan)
    total = int(tabel["jumlah"].sum())
    display(Markdown(_messages.text("report_heading", kelurahan=kelurahan, count=total)))
    display(tabel)
    display(grafik_laporan(df, kelurahan))


# -- count tables --------------------------------------------------------------------------------


def _count_table(counts: pd.Series, label: str) -> pd.DataFrame:
    """A count Series as the two-column table a chart is drawn from, most first."""
    return counts.rename_axis(label).reset_index(name="jumlah")


def _proportion_table(column: str) -> pd.DataFrame:
    counts = _pengaduan()[column].value_counts(normalize=True)
    return counts.rename_axis(column).reset_index(name="jumlah")


def _has_count_column(answer: pd.DataFrame) -> bool:
    return "count" in answer.columns and "jumlah" not in answer.columns


# -- Soal 1: the table behind a chart ------------------------------------------------------------


def _per_kelurahan() -> pd.DataFrame:
    return _count_table(_pengaduan()["kelurahan"].value_counts(), "kelurahan")


soal_1 = Question(
    title="Soal 1: tabel jumlah pengaduan per kelurahan",
    expected=_per_kelurahan,
    compare=compare_count_table,
    hints=(
        'Mulailah seperti contoh kanal: `pengaduan["kelurahan"].value_counts()` menghitung '
        "pengaduan setiap kelurahan, sudah urut dari yang terbanyak.",
        '`.reset_index(name="jumlah")` mengubah hasil hitungan itu menjadi tabel dengan kolom '
        "`kelurahan` dan `jumlah`.",
    ),
    solution_code=(
        'tabel_kelurahan = pengaduan["kelurahan"].value_counts().reset_index(name="jumlah")'
    ),
    mistakes=(
        Mistake(_KEY + "proportion_not_count", wrong=lambda: _proportion_table("kelurahan")),
        Mistake(_KEY + "count_column", applies=_has_count_column),
    ),
)


# -- Soal 2: a sorted bar chart ------------------------------------------------------------------


def _kelurahan_counts() -> pd.Series:
    return _pengaduan()["kelurahan"].value_counts()


def _bars_are_proportions(answer: BaseFigure) -> bool:
    values = numbers(answer.data[0].y)
    return abs(sum(values) - 1) < 1e-6 and all(0 <= value <= 1 for value in values)


soal_2 = Question(
    title="Soal 2: grafik batang jumlah pengaduan per kelurahan",
    expected=_kelurahan_counts,
    compare=partial(compare_bar_chart, x_title=LABEL_KELURAHAN, y_title=LABEL_JUMLAH),
    hints=(
        'Buat grafik dari tabel Latihan 1: `px.bar(tabel_kelurahan, x="kelurahan", y="jumlah", '
        "...)`. Tabel itu sudah urut, jadi batangnya ikut urut.",
        'Tambahkan judul dengan `title="..."` dan label sumbu dengan `labels={"kelurahan": '
        '"Kelurahan", "jumlah": "Jumlah pengaduan"}`.',
        "Simpan grafiknya di variabel `grafik_kelurahan` tanpa `.show()`; tampilkan di baris "
        "terakhir sel dengan menulis nama variabelnya.",
    ),
    solution_code="""\
grafik_kelurahan = px.bar(
    tabel_kelurahan,
    x="kelurahan",
    y="jumlah",
    title="Jumlah pengaduan per kelurahan, Januari-Oktober 2026",
    labels={"kelurahan": "Kelurahan", "jumlah": "Jumlah pengaduan"},
)""",
    mistakes=(Mistake(_KEY + "proportion_not_count", applies=_bars_are_proportions),),
)


# -- Soal 3: choosing the chart ------------------------------------------------------------------

soal_3 = Question(
    title="Soal 3: memilih jenis grafik",
    expected=lambda: "B",
    compare=choice_comparison("ABCD", not_a_choice=_KEY + "choice_invalid"),
    hints=(
        "Pertanyaan camat tentang *perubahan dari waktu ke waktu*: bulan demi bulan.",
        "Grafik yang menghubungkan titik-titik berurutan waktu memperlihatkan naik dan turun.",
    ),
    solution_code='jenis_grafik = "B"',
    mistakes=(
        Mistake(_KEY + "choice_bar", applies=chose("A")),
        Mistake(_KEY + "choice_pie", applies=chose("C")),
        Mistake(_KEY + "choice_table", applies=chose("D")),
    ),
)


# -- Soal 4: a line chart of the monthly trend -----------------------------------------------------


def _monthly(column: str = "tanggal_masuk") -> pd.Series:
    """Complaints per month of ``column``, labelled ``YYYY-MM``, in calendar order."""
    months = _pengaduan()[column].dropna().dt.strftime("%Y-%m")
    return months.value_counts().sort_index()


def _counted_by_forwarding(answer: object) -> bool:
    wrong = _monthly("tanggal_diteruskan")
    return dict(line_points(answer, wrong)) == {k: float(v) for k, v in wrong.items()}


soal_4 = Question(
    title="Soal 4: grafik garis tren pengaduan per bulan",
    expected=_monthly,
    compare=partial(compare_line_chart, x_title=LABEL_BULAN, y_title=LABEL_JUMLAH),
    hints=(
        "Ikuti contoh SP4N-LAPOR!, tetapi untuk semua pengaduan: "
        '`per_bulan = pengaduan.groupby("bulan").size().reset_index(name="jumlah")`.',
        'Gambar dengan `px.line(per_bulan, x="bulan", y="jumlah", markers=True, title="...", '
        'labels={"bulan": "Bulan", "jumlah": "Jumlah pengaduan"})`.',
        'Sumbu y dimulai dari nol dengan `grafik_tren.update_yaxes(rangemode="tozero")`.',
    ),
    solution_code="""\
per_bulan = pengaduan.groupby("bulan").size().reset_index(name="jumlah")
grafik_tren = px.line(
    per_bulan,
    x="bulan",
    y="jumlah",
    markers=True,
    title="Jumlah pengaduan yang masuk per bulan, 2026",
    labels={"bulan": "Bulan", "jumlah": "Jumlah pengaduan"},
)
grafik_tren.update_yaxes(rangemode="tozero")""",
    mistakes=(Mistake(_KEY + "month_of_forwarding", applies=_counted_by_forwarding),),
)


# -- Soal 5: a stacked bar chart by category ------------------------------------------------------


def _per_kelurahan_kategori() -> pd.Series:
    return _pengaduan().groupby(["kelurahan", "kategori"]).size()


soal_5 = Question(
    title="Soal 5: grafik batang bertumpuk menurut kategori",
    expected=_per_kelurahan_kategori,
    compare=partial(
        compare_stacked_chart, x_title=LABEL_KELURAHAN, y_title=LABEL_JUMLAH, palette=PALET_AMAN
    ),
    hints=(
        "Hitung dulu pengaduan per pasangan kelurahan dan kategori: "
        '`pengaduan.groupby(["kelurahan", "kategori"]).size().reset_index(name="jumlah")`.',
        'Di `px.bar`, `color="kategori"` memberi satu warna untuk setiap kategori; batangnya '
        "otomatis bertumpuk.",
        "Tambahkan `color_discrete_sequence=px.colors.qualitative.Safe`, judul, dan label "
        'sumbu `"Kelurahan"` dan `"Jumlah pengaduan"`.',
    ),
    solution_code="""\
per_kategori = pengaduan.groupby(["kelurahan", "kategori"]).size().reset_index(name="jumlah")
grafik_kategori = px.bar(
    per_kategori,
    x="kelurahan",
    y="jumlah",
    color="kategori",
    color_discrete_sequence=px.colors.qualitative.Safe,
    title="Pengaduan per kelurahan menurut kategori, Januari-Oktober 2026",
    labels={"kelurahan": "Kelurahan", "jumlah": "Jumlah pengaduan", "kategori": "Kategori"},
)""",
)


# -- Soal 6: a dropdown of the kelurahan -----------------------------------------------------------


soal_6 = Question(
    title="Soal 6: daftar pilihan kelurahan",
    expected=lambda: sorted(str(k) for k in _pengaduan()["kelurahan"].unique()),
    compare=partial(compare_dropdown, value=KELURAHAN_CONTOH, described_as="kelurahan"),
    hints=(
        '`pengaduan["kelurahan"].unique()` memberi setiap nama kelurahan satu kali; '
        "`sorted(...)` mengurutkannya menurut abjad.",
        "`widgets.Dropdown(options=..., value=..., description=...)`: `options` daftar pilihan, "
        f'`value` pilihan awal (`"{KELURAHAN_CONTOH}"`), `description` keterangan di depannya.',
    ),
    solution_code=f"""\
pilihan_kelurahan = widgets.Dropdown(
    options=sorted(pengaduan["kelurahan"].unique()),
    value="{KELURAHAN_CONTOH}",
    description="Kelurahan",
)""",
)


# -- Soal 7: the report of one kelurahan ----------------------------------------------------------


def _whole_kecamatan() -> pd.DataFrame:
    return _count_table(_pengaduan()["kategori"].value_counts(), "kategori")


def _other_kelurahan(answer: object) -> bool:
    """Whether ``answer`` is the report of a kelurahan other than the chosen one."""
    data = _pengaduan()
    for kelurahan in data["kelurahan"].unique():
        if kelurahan == KELURAHAN_CONTOH:
            continue
        try:
            compare_count_table(answer, laporan_kelurahan(data, str(kelurahan)))
        except Incorrect:
            continue
        return True
    return False


soal_7 = Question(
    title=f"Soal 7: laporan pengaduan Kelurahan {KELURAHAN_CONTOH} per kategori",
    expected=lambda: laporan_kelurahan(_pengaduan(), KELURAHAN_CONTOH),
    compare=compare_count_table,
    hints=(
        "Saring dulu baris kelurahan yang dipilih: "
        '`bagian = pengaduan[pengaduan["kelurahan"] == kelurahan_dipilih]`.',
        'Lalu hitung seperti Latihan 1, tetapi kolom `kategori`: `bagian["kategori"]'
        '.value_counts().reset_index(name="jumlah")`.',
    ),
    solution_code="""\
bagian = pengaduan[pengaduan["kelurahan"] == kelurahan_dipilih]
laporan_terjun = bagian["kategori"].value_counts().reset_index(name="jumlah")""",
    mistakes=(
        Mistake(_KEY + "whole_kecamatan", wrong=_whole_kecamatan),
        Mistake(_KEY + "other_kelurahan", applies=_other_kelurahan),
        Mistake(_KEY + "count_column", applies=_has_count_column),
    ),
)


# -- Soal 8: wiring the dropdown to the report ----------------------------------------------------


def _reports() -> dict[str, pd.DataFrame]:
    data = _pengaduan()
    return {str(k): laporan_kelurahan(data, str(k)) for k in sorted(data["kelurahan"].unique())}


soal_8 = Question(
    title="Soal 8: menghubungkan pilihan kelurahan dengan laporan",
    expected=_reports,
    compare=compare_wiring,
    hints=(
        "`widgets.interact(fungsi, ...)` memanggil `fungsi` lagi setiap kali pilihan berubah, "
        "dan menampilkan hasilnya.",
        "Nama setelah `interact(` adalah nama parameter fungsinya: `df=` dan `kelurahan=`. "
        "Data tidak boleh berubah, jadi tulis `df=widgets.fixed(pengaduan)`; kelurahan diambil "
        "dari Dropdown: `kelurahan=pilihan_kelurahan`.",
    ),
    solution_code="""\
laporan_interaktif = widgets.interact(
    laporan_kelurahan, df=widgets.fixed(pengaduan), kelurahan=pilihan_kelurahan
)""",
)
