"""Checkers of the lesson ``courses/04_visualisasi``: charts of public complaints for managers
and a small interactive report.

Charts are checked on the plotly Figure object (trace type, x and y values, title, axis
titles, bar mode, colours), widgets on their options and value and on what the function they
call returns. Nothing is rendered, so no browser is needed. Expected answers are computed from
``load("pengaduan")`` when first needed, never typed in. The module also holds the lesson's
ready-made report functions (``laporan_kelurahan``, ``grafik_laporan``, ``tampilkan_laporan``):
lessons define no functions of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown, display
from plotly.basedatatypes import BaseFigure

from kit.core import message
from kit.datasets import load
from kit.practice.core import Incorrect, Mistake, Question, ____

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
# How many labels a message lists before it elides the middle ones.
_LABELS_SHOWN = 6


def _wrong(key: str, **values: object) -> Incorrect:
    """The :class:`Incorrect` carrying this module's catalogue message ``key``."""
    return Incorrect([message(_KEY + key, **values)], [_KEY + key])


def _core_wrong(key: str, **values: object) -> Incorrect:
    return Incorrect([message(key, **values)], [key])


def _listing(labels: Iterable[object]) -> str:
    texts = [str(label) for label in labels]
    if len(texts) > _LABELS_SHOWN:
        texts = [*texts[: _LABELS_SHOWN - 1], "…", texts[-1]]
    return ", ".join(texts)


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
        title=message(_KEY + "report_title", kelurahan=kelurahan),
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
    display(Markdown(message(_KEY + "report_heading", kelurahan=kelurahan, count=total)))
    display(tabel)
    display(grafik_laporan(df, kelurahan))


# -- reading a figure ----------------------------------------------------------------------------


def _figure(answer: object) -> BaseFigure:
    """``answer`` if it is a plotly figure; otherwise say what it is instead."""
    if isinstance(answer, BaseFigure):
        return answer
    if answer is None:
        raise _wrong("figure_none")
    if isinstance(answer, (pd.DataFrame, pd.Series)):
        raise _wrong("table_not_figure")
    raise _wrong("not_a_figure", got=type(answer).__name__)


def _kind(trace: Any) -> str:
    """``bar``, ``line``, ``markers``, ``histogram``, ``pie``... of one trace."""
    if trace.type in ("scatter", "scattergl"):
        # plotly draws lines when ``mode`` is unset (with markers for fewer than 20 points)
        return "line" if "lines" in (trace.mode or "lines") else "markers"
    return str(trace.type)


def _kind_name(kind: str) -> str:
    known = ("bar", "line", "markers", "histogram", "pie")
    return message(_KEY + "kind_" + kind) if kind in known else kind


def _traces(fig: BaseFigure, kind: str) -> list[Any]:
    """The figure's traces, all of ``kind``, or the reason they are not."""
    traces = list(fig.data)
    if not traces:
        raise _wrong("no_data")
    for trace in traces:
        found = _kind(trace)
        if found == kind:
            continue
        if found == "histogram":
            raise _wrong("histogram")
        raise _wrong("not_" + kind, kind=_kind_name(found))
    return traces


def _numbers(values: object) -> list[float]:
    if values is None:
        return []
    return pd.to_numeric(pd.Series(list(values)), errors="coerce").astype("float64").tolist()


def _points(trace: Any) -> list[tuple[str, float]]:
    """(x label, y value) of every bar or point of a trace, in drawing order."""
    labels = [] if trace.x is None else [str(label) for label in trace.x]
    values = _numbers(trace.y)
    if not labels or len(values) != len(labels):
        raise _wrong("raw_rows")
    return list(zip(labels, values, strict=True))


def _same_label(got: object, expected: str) -> bool:
    return isinstance(got, str) and " ".join(got.split()).casefold() == expected.casefold()


def _check_title(fig: BaseFigure) -> None:
    title = fig.layout.title.text
    if not isinstance(title, str) or len(title.strip()) < 3:
        raise _wrong("no_title")


def _check_axis_titles(fig: BaseFigure, x: str, y: str) -> None:
    for axis, expected in (("x", x), ("y", y)):
        got = fig.layout[f"{axis}axis"].title.text
        if not _same_label(got, expected):
            shown = f'"{got}"' if isinstance(got, str) and got.strip() else None
            raise _wrong(
                "axis_title",
                axis=axis,
                got=shown or message(_KEY + "label_missing"),
                expected=expected,
            )


def _compare_label_sets(got: Iterable[str], wanted: Iterable[str]) -> None:
    """Raise with every missing and every unexpected label, if any."""
    got, wanted = list(got), list(wanted)
    missing = [label for label in wanted if label not in got]
    extra = [label for label in got if label not in wanted]
    reasons = []
    if missing:
        reasons.append(_wrong("labels_missing", labels=_listing(missing)))
    if extra:
        reasons.append(_wrong("labels_extra", labels=_listing(extra)))
    if reasons:
        raise Incorrect(
            [r for i in reasons for r in i.reasons], [k for i in reasons for k in i.keys]
        )


def _compare_values(got: dict[str, float], expected: pd.Series, key: str) -> None:
    """Label sets first, then values; ``key`` names the message for wrong values."""
    wanted = {str(label): float(value) for label, value in expected.items()}
    _compare_label_sets(got, wanted)
    differing = [label for label, value in wanted.items() if abs(got[label] - value) > 1e-9]
    if differing:
        raise _wrong(key, labels=_listing(differing))


# -- count tables --------------------------------------------------------------------------------


def _count_table(counts: pd.Series, label: str) -> pd.DataFrame:
    """A count Series as the two-column table a chart is drawn from, most first."""
    return counts.rename_axis(label).reset_index(name="jumlah")


def _compare_count_table(answer: object, expected: pd.DataFrame) -> None:
    """Same rows (label, jumlah) in any index, ordered from the largest count down."""
    label = expected.columns[0]
    if isinstance(answer, pd.Series):
        raise _wrong("series_not_table")
    if not isinstance(answer, pd.DataFrame):
        raise _core_wrong("practice.wrong_type", got=type(answer).__name__, expected="DataFrame")
    columns = [str(column) for column in answer.columns]
    if "count" in columns and "jumlah" not in columns:
        raise _wrong("count_column")
    extra = [c for c in columns if c not in expected.columns]
    missing = [c for c in expected.columns if c not in columns]
    if extra or missing:
        reasons = []
        if extra:
            reasons.append(_core_wrong("practice.extra_columns", columns=_listing(extra)))
        if missing:
            reasons.append(_core_wrong("practice.missing_columns", columns=_listing(missing)))
        raise Incorrect(
            [r for i in reasons for r in i.reasons], [k for i in reasons for k in i.keys]
        )
    labels = [str(value) for value in answer[label]]
    repeated = sorted({value for value in labels if labels.count(value) > 1})
    if repeated:
        raise _wrong("rows_repeated", labels=_listing(repeated))
    _compare_values(
        dict(zip(labels, _numbers(answer["jumlah"]), strict=True)),
        expected.set_index(label)["jumlah"],
        "table_values",
    )
    if not answer["jumlah"].reset_index(drop=True).is_monotonic_decreasing:
        raise _wrong("rows_not_sorted")


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
    compare=_compare_count_table,
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


def _compare_bar_chart(answer: object, expected: pd.Series) -> None:
    fig = _figure(answer)
    traces = _traces(fig, "bar")
    if len(traces) > 1:
        raise _wrong("one_colour", count=len(traces))
    trace = traces[0]
    if trace.orientation == "h":
        raise _wrong("horizontal")
    points = _points(trace)
    if len({label for label, _ in points}) != len(points):
        raise _wrong("raw_rows")
    _compare_values(dict(points), expected, "bar_values")
    values = [value for _, value in points]
    if any(later > earlier for earlier, later in zip(values, values[1:], strict=False)):
        raise _wrong("bars_not_sorted")
    _check_title(fig)
    _check_axis_titles(fig, LABEL_KELURAHAN, LABEL_JUMLAH)


def _bars_are_proportions(answer: BaseFigure) -> bool:
    values = _numbers(answer.data[0].y)
    return abs(sum(values) - 1) < 1e-6 and all(0 <= value <= 1 for value in values)


soal_2 = Question(
    title="Soal 2: grafik batang jumlah pengaduan per kelurahan",
    expected=_kelurahan_counts,
    compare=_compare_bar_chart,
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

_CHOICES = ("A", "B", "C", "D")


def _choice(answer: object) -> str:
    return answer.strip().upper() if isinstance(answer, str) else ""


def _compare_choice(answer: object, expected: object) -> None:
    if not isinstance(answer, str):
        raise _core_wrong(
            "practice.wrong_type",
            got=type(answer).__name__,
            expected=message("practice.type_text"),
        )
    if _choice(answer) not in _CHOICES:
        raise _wrong("choice_invalid")
    if _choice(answer) != expected:
        raise _core_wrong("practice.wrong_text", answer=answer)


def _chose(letter: str) -> Callable[[object], bool]:
    return lambda answer: _choice(answer) == letter


soal_3 = Question(
    title="Soal 3: memilih jenis grafik",
    expected=lambda: "B",
    compare=_compare_choice,
    hints=(
        "Pertanyaan camat tentang *perubahan dari waktu ke waktu*: bulan demi bulan.",
        "Grafik yang menghubungkan titik-titik berurutan waktu memperlihatkan naik dan turun.",
    ),
    solution_code='jenis_grafik = "B"',
    mistakes=(
        Mistake(_KEY + "choice_bar", applies=_chose("A")),
        Mistake(_KEY + "choice_pie", applies=_chose("C")),
        Mistake(_KEY + "choice_table", applies=_chose("D")),
    ),
)


# -- Soal 4: a line chart of the monthly trend -----------------------------------------------------


def _monthly(column: str = "tanggal_masuk") -> pd.Series:
    """Complaints per month of ``column``, labelled ``YYYY-MM``, in calendar order."""
    months = _pengaduan()[column].dropna().dt.strftime("%Y-%m")
    return months.value_counts().sort_index()


def _month_labels(values: Sequence[object], expected: pd.Series) -> list[str] | None:
    """``YYYY-MM`` labels of x values given as month numbers, dates or month texts."""
    series = pd.Series(list(values))
    if pd.api.types.is_integer_dtype(series) and series.between(1, 12).all():
        year = str(expected.index[0])[:4]
        return [f"{year}-{int(month):02d}" for month in series]
    try:
        return pd.to_datetime(series.astype(str), format="mixed").dt.strftime("%Y-%m").tolist()
    except (ValueError, TypeError):
        return None


def _line_points(answer: object, expected: pd.Series) -> list[tuple[str, float]]:
    trace = _traces(_figure(answer), "line")[0]
    months = _month_labels([] if trace.x is None else trace.x, expected)
    if months is None:
        raise _wrong("x_not_months")
    return list(zip(months, _numbers(trace.y), strict=True))


def _compare_line_chart(answer: object, expected: pd.Series) -> None:
    fig = _figure(answer)
    traces = _traces(fig, "line")
    if len(traces) > 1:
        raise _wrong("one_line", count=len(traces))
    points = _line_points(fig, expected)
    months = [month for month, _ in points]
    if len(set(months)) != len(months):
        raise _wrong("raw_rows")
    _compare_values(dict(points), expected, "line_values")
    if months != sorted(months):
        raise _wrong("months_not_in_order")
    _check_title(fig)
    _check_axis_titles(fig, LABEL_BULAN, LABEL_JUMLAH)
    axis = fig.layout.yaxis
    if axis.rangemode != "tozero" and not (axis.range is not None and axis.range[0] <= 0):
        raise _wrong("axis_not_from_zero")


def _counted_by_forwarding(answer: object) -> bool:
    wrong = _monthly("tanggal_diteruskan")
    return dict(_line_points(answer, wrong)) == {k: float(v) for k, v in wrong.items()}


soal_4 = Question(
    title="Soal 4: grafik garis tren pengaduan per bulan",
    expected=_monthly,
    compare=_compare_line_chart,
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


def _stacked_cells(traces: Sequence[Any]) -> dict[str, float]:
    """``kelurahan / kategori`` -> bar height, one trace (colour) per category."""
    cells: dict[str, float] = {}
    for trace in traces:
        for label, value in _points(trace):
            key = f"{label} / {trace.name}"
            if key in cells:
                raise _wrong("raw_rows")
            cells[key] = value
    return cells


def _compare_stacked_chart(answer: object, expected: pd.Series) -> None:
    fig = _figure(answer)
    traces = _traces(fig, "bar")
    if len(traces) == 1:
        raise _wrong("stack_needs_colour")
    if any(trace.orientation == "h" for trace in traces):
        raise _wrong("horizontal")
    if fig.layout.barmode in ("group", "overlay"):
        raise _wrong("not_stacked", mode=fig.layout.barmode)
    kelurahan = set(expected.index.get_level_values(0))
    kategori = set(expected.index.get_level_values(1))
    names = [str(trace.name) for trace in traces]
    if set(names) <= kelurahan:
        raise _wrong("stack_swapped")
    if not set(names) <= kategori:
        raise _wrong("stack_colour_column", labels=_listing(names))
    cells = _stacked_cells(traces)
    # a category missing from a kelurahan has no bar there: a count of 0
    wanted = pd.Series(
        {f"{kel} / {kat}": float(expected.get((kel, kat), 0)) for kel in kelurahan for kat in names}
    )
    cells = {key: cells.get(key, 0.0) for key in wanted.index} | cells
    _compare_values(cells, wanted, "stack_values")
    missing = sorted(kategori - set(names))
    if missing:
        raise _wrong("labels_missing", labels=_listing(missing))
    _check_title(fig)
    _check_axis_titles(fig, LABEL_KELURAHAN, LABEL_JUMLAH)
    safe = {colour.replace(" ", "") for colour in PALET_AMAN}
    colours = [str(trace.marker.color).replace(" ", "") for trace in traces]
    if not all(colour in safe for colour in colours):
        raise _wrong("palette")


soal_5 = Question(
    title="Soal 5: grafik batang bertumpuk menurut kategori",
    expected=_per_kelurahan_kategori,
    compare=_compare_stacked_chart,
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


def _option_values(control: widgets.Dropdown) -> list[object]:
    """The values a selection widget offers; ``(label, value)`` pairs give their value."""
    return [
        option[1] if isinstance(option, tuple) and len(option) == 2 else option
        for option in control.options
    ]


def _compare_dropdown(answer: object, expected: list[str]) -> None:
    if isinstance(answer, (list, tuple)):
        raise _wrong("list_not_dropdown")
    if not isinstance(answer, widgets.Dropdown):
        raise _wrong("not_dropdown", got=type(answer).__name__)
    options = [str(option) for option in _option_values(answer)]
    repeated = sorted({option for option in options if options.count(option) > 1})
    if repeated:
        raise _wrong("options_repeated", labels=_listing(repeated))
    _compare_label_sets(options, expected)
    if options != sorted(options):
        raise _wrong("options_not_sorted")
    if answer.value != KELURAHAN_CONTOH:
        raise _wrong("dropdown_value", got=answer.value, expected=KELURAHAN_CONTOH)
    if "kelurahan" not in str(answer.description).casefold():
        raise _wrong("dropdown_description")


soal_6 = Question(
    title="Soal 6: daftar pilihan kelurahan",
    expected=lambda: sorted(str(k) for k in _pengaduan()["kelurahan"].unique()),
    compare=_compare_dropdown,
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
            _compare_count_table(answer, laporan_kelurahan(data, str(kelurahan)))
        except Incorrect:
            continue
        return True
    return False


soal_7 = Question(
    title=f"Soal 7: laporan pengaduan Kelurahan {KELURAHAN_CONTOH} per kategori",
    expected=lambda: laporan_kelurahan(_pengaduan(), KELURAHAN_CONTOH),
    compare=_compare_count_table,
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


def _interactive(answer: object) -> widgets.interactive:
    """The ``interactive`` widget behind ``answer`` (``widgets.interact`` returns the function)."""
    widget = getattr(answer, "widget", answer)
    if isinstance(widget, widgets.interactive):
        return widget
    if isinstance(answer, widgets.Output):
        raise _wrong("interactive_output_used")
    if isinstance(answer, widgets.Dropdown):
        raise _wrong("dropdown_only")
    raise _wrong("not_interact", got=type(answer).__name__)


def _reports() -> dict[str, pd.DataFrame]:
    data = _pengaduan()
    return {str(k): laporan_kelurahan(data, str(k)) for k in sorted(data["kelurahan"].unique())}


def _compare_wiring(answer: object, expected: dict[str, pd.DataFrame]) -> None:
    widget = _interactive(answer)
    controls = [w for w in widget.kwargs_widgets if isinstance(w, widgets.Dropdown)]
    if len(controls) != 1:
        raise _wrong("no_dropdown_control")
    control = controls[0]
    offered = {str(option) for option in _option_values(control)}
    missing = sorted(set(expected) - offered)
    if missing:
        raise _wrong("labels_missing", labels=_listing(missing))
    name = getattr(control, "_kwarg", "kelurahan")
    wrong = []
    for kelurahan, report in expected.items():
        try:
            result = widget.f(**{**widget.kwargs, name: kelurahan})
        except Exception as error:  # the learner's wiring fails for this choice
            raise _wrong("function_error", error=f"{type(error).__name__}: {error}") from None
        if not isinstance(result, pd.DataFrame):
            raise _wrong("result_not_table", got=type(result).__name__)
        try:
            _compare_count_table(result, report)
        except Incorrect:
            wrong.append(kelurahan)
    if wrong:
        raise _wrong("wrong_reports", labels=_listing(wrong))


soal_8 = Question(
    title="Soal 8: menghubungkan pilihan kelurahan dengan laporan",
    expected=_reports,
    compare=_compare_wiring,
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
