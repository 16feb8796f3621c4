"""How the checkers of ``courses/04_visualisasi`` read an answer: plotly figures, the count
tables they are drawn from, and ipywidgets, without rendering anything.

A figure is read from its Figure object (trace type, x and y values, title, axis titles, bar
mode, colours), a widget from its options and value and from what the function it calls
returns. Every ``compare_*`` function raises :class:`~kit.practice.toolkit.Incorrect` with the
lesson's catalogue messages; the lesson module (``__init__``) passes its own labels and values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd
from plotly.basedatatypes import BaseFigure

from kit.practice.toolkit import (
    Incorrect,
    LessonMessages,
    differences,
    incorrect,
    listing,
    raise_all,
)

__all__ = [
    "compare_bar_chart",
    "compare_count_table",
    "compare_dropdown",
    "compare_line_chart",
    "compare_stacked_chart",
    "compare_wiring",
    "line_points",
    "numbers",
]

_wrong = LessonMessages("practice.m04_visualisasi.")


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
    return _wrong.text("kind_" + kind) if kind in known else kind


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


def numbers(values: object) -> list[float]:
    """Plotted values as floats (anything not a number becomes NaN)."""
    if values is None:
        return []
    return pd.to_numeric(pd.Series(list(values)), errors="coerce").astype("float64").tolist()


def _points(trace: Any) -> list[tuple[str, float]]:
    """(x label, y value) of every bar or point of a trace, in drawing order."""
    labels = [] if trace.x is None else [str(label) for label in trace.x]
    values = numbers(trace.y)
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
                got=shown or _wrong.text("label_missing"),
                expected=expected,
            )


def _compare_label_sets(got: Iterable[str], wanted: Iterable[str]) -> None:
    """Raise with every missing and every unexpected label, if any."""
    raise_all(
        differences(
            got, wanted, missing=_wrong.key("labels_missing"), extra=_wrong.key("labels_extra")
        )
    )


def _compare_values(got: dict[str, float], expected: pd.Series, key: str) -> None:
    """Label sets first, then values; ``key`` is the catalogue key for wrong values."""
    wanted = {str(label): float(value) for label, value in expected.items()}
    _compare_label_sets(got, wanted)
    differing = [label for label, value in wanted.items() if abs(got[label] - value) > 1e-9]
    if differing:
        raise incorrect(key, labels=listing(differing))


# -- count tables --------------------------------------------------------------------------------


def compare_count_table(answer: object, expected: pd.DataFrame) -> None:
    """Same rows (label, jumlah) in any index, ordered from the largest count down."""
    label = expected.columns[0]
    if isinstance(answer, pd.Series):
        raise _wrong("series_not_table")
    if not isinstance(answer, pd.DataFrame):
        raise incorrect("practice.wrong_type", got=type(answer).__name__, expected="DataFrame")
    columns = [str(column) for column in answer.columns]
    if "count" in columns and "jumlah" not in columns:
        raise _wrong("count_column")
    raise_all(
        differences(
            columns,
            expected.columns,
            missing="practice.missing_columns",
            extra="practice.extra_columns",
            field="columns",
        )
    )
    labels = [str(value) for value in answer[label]]
    repeated = sorted({value for value in labels if labels.count(value) > 1})
    if repeated:
        raise _wrong("rows_repeated", labels=listing(repeated))
    _compare_values(
        dict(zip(labels, numbers(answer["jumlah"]), strict=True)),
        expected.set_index(label)["jumlah"],
        _wrong.key("table_values"),
    )
    if not answer["jumlah"].reset_index(drop=True).is_monotonic_decreasing:
        raise _wrong("rows_not_sorted")


# -- bar and line charts -------------------------------------------------------------------------


def compare_bar_chart(answer: object, expected: pd.Series, *, x_title: str, y_title: str) -> None:
    """One bar per label of ``expected``, upright, tallest first, titled and labelled."""
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
    _compare_values(dict(points), expected, _wrong.key("bar_values"))
    values = [value for _, value in points]
    if any(later > earlier for earlier, later in zip(values, values[1:], strict=False)):
        raise _wrong("bars_not_sorted")
    _check_title(fig)
    _check_axis_titles(fig, x_title, y_title)


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


def line_points(answer: object, expected: pd.Series) -> list[tuple[str, float]]:
    """(``YYYY-MM``, value) of the first line of ``answer``; ``expected`` gives the year."""
    trace = _traces(_figure(answer), "line")[0]
    months = _month_labels([] if trace.x is None else trace.x, expected)
    if months is None:
        raise _wrong("x_not_months")
    return list(zip(months, numbers(trace.y), strict=True))


def compare_line_chart(answer: object, expected: pd.Series, *, x_title: str, y_title: str) -> None:
    """One line through every month of ``expected``, in order, with its y axis from zero."""
    fig = _figure(answer)
    traces = _traces(fig, "line")
    if len(traces) > 1:
        raise _wrong("one_line", count=len(traces))
    points = line_points(fig, expected)
    months = [month for month, _ in points]
    if len(set(months)) != len(months):
        raise _wrong("raw_rows")
    _compare_values(dict(points), expected, _wrong.key("line_values"))
    if months != sorted(months):
        raise _wrong("months_not_in_order")
    _check_title(fig)
    _check_axis_titles(fig, x_title, y_title)
    axis = fig.layout.yaxis
    if axis.rangemode != "tozero" and not (axis.range is not None and axis.range[0] <= 0):
        raise _wrong("axis_not_from_zero")


# -- stacked bars --------------------------------------------------------------------------------


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


def compare_stacked_chart(
    answer: object, expected: pd.Series, *, x_title: str, y_title: str, palette: Sequence[str]
) -> None:
    """Bars per first index level stacked by the second, in colours of ``palette``."""
    fig = _figure(answer)
    traces = _traces(fig, "bar")
    if len(traces) == 1:
        raise _wrong("stack_needs_colour")
    if any(trace.orientation == "h" for trace in traces):
        raise _wrong("horizontal")
    if fig.layout.barmode in ("group", "overlay"):
        raise _wrong("not_stacked", mode=fig.layout.barmode)
    groups = set(expected.index.get_level_values(0))
    stacks = set(expected.index.get_level_values(1))
    names = [str(trace.name) for trace in traces]
    if set(names) <= groups:
        raise _wrong("stack_swapped")
    if not set(names) <= stacks:
        raise _wrong("stack_colour_column", labels=listing(names))
    cells = _stacked_cells(traces)
    # a category missing from a kelurahan has no bar there: a count of 0
    wanted = pd.Series(
        {f"{g} / {s}": float(expected.get((g, s), 0)) for g in groups for s in names}
    )
    cells = {key: cells.get(key, 0.0) for key in wanted.index} | cells
    _compare_values(cells, wanted, _wrong.key("stack_values"))
    missing = sorted(stacks - set(names))
    if missing:
        raise _wrong("labels_missing", labels=listing(missing))
    _check_title(fig)
    _check_axis_titles(fig, x_title, y_title)
    safe = {colour.replace(" ", "") for colour in palette}
    colours = [str(trace.marker.color).replace(" ", "") for trace in traces]
    if not all(colour in safe for colour in colours):
        raise _wrong("palette")


# -- widgets -------------------------------------------------------------------------------------


def _option_values(control: widgets.Dropdown) -> list[object]:
    """The values a selection widget offers; ``(label, value)`` pairs give their value."""
    return [
        option[1] if isinstance(option, tuple) and len(option) == 2 else option
        for option in control.options
    ]


def compare_dropdown(answer: object, expected: list[str], *, value: str, described_as: str) -> None:
    """A Dropdown offering ``expected`` in order, set to ``value``, described as such."""
    if isinstance(answer, (list, tuple)):
        raise _wrong("list_not_dropdown")
    if not isinstance(answer, widgets.Dropdown):
        raise _wrong("not_dropdown", got=type(answer).__name__)
    options = [str(option) for option in _option_values(answer)]
    repeated = sorted({option for option in options if options.count(option) > 1})
    if repeated:
        raise _wrong("options_repeated", labels=listing(repeated))
    _compare_label_sets(options, expected)
    if options != sorted(options):
        raise _wrong("options_not_sorted")
    if answer.value != value:
        raise _wrong("dropdown_value", got=answer.value, expected=value)
    if described_as.casefold() not in str(answer.description).casefold():
        raise _wrong("dropdown_description")


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


def compare_wiring(answer: object, expected: dict[str, pd.DataFrame]) -> None:
    """An ``interact`` whose Dropdown offers every key of ``expected`` and, for each choice,
    makes the wired function return that key's count table."""
    widget = _interactive(answer)
    controls = [w for w in widget.kwargs_widgets if isinstance(w, widgets.Dropdown)]
    if len(controls) != 1:
        raise _wrong("no_dropdown_control")
    control = controls[0]
    offered = {str(option) for option in _option_values(control)}
    missing = sorted(set(expected) - offered)
    if missing:
        raise _wrong("labels_missing", labels=listing(missing))
    name = getattr(control, "_kwarg", "kelurahan")
    wrong = []
    for choice, report in expected.items():
        try:
            result = widget.f(**{**widget.kwargs, name: choice})
        except Exception as error:  # the learner's wiring fails for this choice
            raise _wrong("function_error", error=f"{type(error).__name__}: {error}") from None
        if not isinstance(result, pd.DataFrame):
            raise _wrong("result_not_table", got=type(result).__name__)
        try:
            compare_count_table(result, report)
        except Incorrect:
            wrong.append(choice)
    if wrong:
        raise _wrong("wrong_reports", labels=listing(wrong))
