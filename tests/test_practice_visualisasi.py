"""The visualisation lesson: figures and widgets built without the checker, with plotly's graph
objects (for the contract every lesson checker keeps, tests/test_lesson_checkers.py); right
answers however they were built and typical wrong ones, read without a browser; the lesson's
ready-made report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

import kit.practice.visualisasi as lesson
from kit.core.messages import message
from kit.datasets import load
from tests.practice_harness import answers_from_data_set

KEY = "practice.m04_visualisasi."
SAFE = list(px.colors.qualitative.Safe)


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent answers: plain Python counting over the rows, figures built with plotly's
# -- graph objects rather than plotly express ----------------------------------------------------


def rows(data: pd.DataFrame) -> list[dict[str, object]]:
    return data.to_dict("records")


def most_first(counts: Counter[str], label: str) -> pd.DataFrame:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return pd.DataFrame({label: [k for k, _ in ordered], "jumlah": [n for _, n in ordered]})


def table_per_kelurahan(data: pd.DataFrame) -> pd.DataFrame:
    return most_first(Counter(str(row["kelurahan"]) for row in rows(data)), "kelurahan")


def bar_per_kelurahan(data: pd.DataFrame) -> go.Figure:
    table = table_per_kelurahan(data)
    fig = go.Figure(go.Bar(x=table["kelurahan"].tolist(), y=table["jumlah"].tolist()))
    return fig.update_layout(
        title="Pengaduan per kelurahan",
        xaxis_title="Kelurahan",
        yaxis_title="Jumlah pengaduan",
    )


def chosen_chart(data: pd.DataFrame) -> str:
    return "B"


def monthly(data: pd.DataFrame, column: str = "tanggal_masuk") -> dict[str, int]:
    counts = Counter(
        f"{row[column].year}-{row[column].month:02d}"
        for row in rows(data)
        if not pd.isna(row[column])
    )
    return dict(sorted(counts.items()))


def line_per_month(data: pd.DataFrame) -> go.Figure:
    counts = monthly(data)
    fig = go.Figure(go.Scatter(x=list(counts), y=list(counts.values()), mode="lines+markers"))
    return fig.update_layout(
        title="Tren pengaduan",
        xaxis_title="Bulan",
        yaxis_title="Jumlah pengaduan",
        yaxis_rangemode="tozero",
    )


def stacked_per_category(data: pd.DataFrame) -> go.Figure:
    cells = Counter((str(row["kelurahan"]), str(row["kategori"])) for row in rows(data))
    categories = sorted({kategori for _, kategori in cells})
    kelurahan = sorted({name for name, _ in cells})
    fig = go.Figure(
        [
            go.Bar(
                name=kategori,
                x=kelurahan,
                y=[cells[(name, kategori)] for name in kelurahan],
                marker_color=SAFE[index],
            )
            for index, kategori in enumerate(categories)
        ]
    )
    return fig.update_layout(
        barmode="stack",
        title="Kategori pengaduan",
        xaxis_title="Kelurahan",
        yaxis_title="Jumlah pengaduan",
    )


def kelurahan_dropdown(data: pd.DataFrame) -> widgets.Dropdown:
    names = sorted({str(row["kelurahan"]) for row in rows(data)})
    return widgets.Dropdown(options=names, value=lesson.KELURAHAN_CONTOH, description="Kelurahan")


def report(data: pd.DataFrame, kelurahan: str) -> pd.DataFrame:
    counts = Counter(str(row["kategori"]) for row in rows(data) if row["kelurahan"] == kelurahan)
    return most_first(counts, "kategori")


def report_of_example(data: pd.DataFrame) -> pd.DataFrame:
    return report(data, lesson.KELURAHAN_CONTOH)


def wired_report(data: pd.DataFrame) -> widgets.interactive:
    return widgets.interactive(report, data=widgets.fixed(data), kelurahan=kelurahan_dropdown(data))


INDEPENDENT: dict[str, Callable[[pd.DataFrame], object]] = {
    "soal_1": table_per_kelurahan,
    "soal_2": bar_per_kelurahan,
    "soal_3": chosen_chart,
    "soal_4": line_per_month,
    "soal_5": stacked_per_category,
    "soal_6": kelurahan_dropdown,
    "soal_7": report_of_example,
    "soal_8": wired_report,
}
# Soal 3 asks for a kind of chart; soal 6 offers the five kelurahan, as in every seed.
SAME_FOR_EVERY_SEED = {"soal_3", "soal_6"}


independent_answers = answers_from_data_set("pengaduan", INDEPENDENT)


# -- plausible wrong answers, as a learner would write them ---------------------------------------


@pytest.fixture(scope="module")
def pengaduan() -> pd.DataFrame:
    data = load("pengaduan")
    data["bulan"] = data["tanggal_masuk"].dt.strftime("%Y-%m")
    return data


LABELS = {
    "kelurahan": "Kelurahan",
    "jumlah": "Jumlah pengaduan",
    "bulan": "Bulan",
    "kategori": "Kategori",
}


def test_soal_1_other_shapes_of_a_right_table_and_wrong_ones(pengaduan):
    q = lesson.soal_1
    right = table_per_kelurahan(pengaduan)
    q.assert_check_passed(right.set_index(pd.Index([7, 3, 1, 0, 9])))
    q.assert_check_passed(right[["jumlah", "kelurahan"]])
    q.assert_check_failed(right.iloc[::-1], because=KEY + "rows_not_sorted")
    q.assert_check_failed(right.head(4), because=KEY + "labels_missing")
    q.assert_check_failed(pd.concat([right, right.head(1)]), because=KEY + "rows_repeated")
    q.assert_check_failed(
        right.rename(columns={"jumlah": "total"}), because="practice.extra_columns"
    )
    q.assert_check_failed(right["jumlah"].tolist(), because="practice.wrong_type")


def test_soal_2_figures_a_learner_might_hand_in(pengaduan):
    q = lesson.soal_2
    table = table_per_kelurahan(pengaduan)
    q.assert_check_passed(
        px.bar(table, x="kelurahan", y="jumlah", title="Pengaduan", labels=LABELS)
    )
    counts = pengaduan["kelurahan"].value_counts()
    series_bar = px.bar(counts, title="Pengaduan per kelurahan")
    feedback = q.evaluate(series_bar)
    assert feedback.keys == (KEY + "axis_title",)
    assert '"value"' in feedback.details[0]  # lower-case "kelurahan" on x is accepted
    q.assert_check_passed(
        series_bar.update_layout(xaxis_title="kelurahan ", yaxis_title="jumlah  pengaduan")
    )
    q.assert_check_failed(
        px.bar(table, x="jumlah", y="kelurahan", title="P", labels=LABELS),
        because=KEY + "horizontal",
    )
    q.assert_check_failed(
        px.pie(table, names="kelurahan", values="jumlah", title="P"), because=KEY + "not_bar"
    )
    q.assert_check_failed(
        px.bar(pengaduan, x="kelurahan", title="P", labels=LABELS), because=KEY + "raw_rows"
    )
    shares = pengaduan["kelurahan"].value_counts(normalize=True).reset_index(name="jumlah")
    q.assert_check_failed(
        px.bar(shares, x="kelurahan", y="jumlah", title="P", labels=LABELS),
        because=KEY + "proportion_not_count",
    )
    q.assert_check_failed(go.Figure(), because=KEY + "no_data")
    q.assert_check_failed("grafik", because=KEY + "not_a_figure")


def test_soal_3_accepts_one_letter_in_any_case():
    q = lesson.soal_3
    q.assert_check_passed("b")
    q.assert_check_failed(2, because="practice.wrong_type")
    q.assert_check_failed("B. garis", because=KEY + "choice_invalid")


def test_soal_4_lines_a_learner_might_draw(pengaduan):
    q = lesson.soal_4
    per_month = pengaduan.groupby("bulan").size().reset_index(name="jumlah")
    right = px.line(per_month, x="bulan", y="jumlah", title="Tren", labels=LABELS)
    q.assert_check_passed(right.update_yaxes(rangemode="tozero"))
    feedback = q.evaluate(
        px.line(per_month, x="bulan", y="jumlah", labels=LABELS).update_yaxes(rangemode="tozero")
    )
    assert feedback.keys == (KEY + "no_title",)
    q.assert_check_failed(
        px.scatter(per_month, x="bulan", y="jumlah", title="Tren", labels=LABELS),
        because=KEY + "not_line",
    )
    by_channel = pengaduan.groupby(["bulan", "kanal"]).size().reset_index(name="jumlah")
    q.assert_check_failed(
        px.line(by_channel, x="bulan", y="jumlah", color="kanal", title="Tren"),
        because=KEY + "one_line",
    )
    month_names = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]
    names = per_month.assign(bulan=[*month_names, "September", "Oktober"])
    q.assert_check_failed(
        px.line(names, x="bulan", y="jumlah", title="Tren", labels=LABELS),
        because=KEY + "x_not_months",
    )
    q.assert_check_failed(
        px.line(per_month.head(9), x="bulan", y="jumlah", title="Tren", labels=LABELS),
        because=KEY + "labels_missing",
    )


def test_soal_5_stacked_bars_a_learner_might_draw(pengaduan):
    q = lesson.soal_5
    table = pengaduan.groupby(["kelurahan", "kategori"]).size().reset_index(name="jumlah")
    safe = {"color_discrete_sequence": SAFE}
    q.assert_check_passed(
        px.bar(
            table,
            x="kelurahan",
            y="jumlah",
            color="kategori",
            title="Kategori pengaduan",
            labels=LABELS,
            **safe,
        )
    )
    q.assert_check_failed(
        px.bar(
            table,
            x="kelurahan",
            y="jumlah",
            color="kategori",
            title="Kategori pengaduan",
            labels=LABELS,
            barmode="overlay",
            **safe,
        ),
        because=KEY + "not_stacked",
    )
    by_channel = pengaduan.groupby(["kelurahan", "kanal"]).size().reset_index(name="jumlah")
    q.assert_check_failed(
        px.bar(
            by_channel, x="kelurahan", y="jumlah", color="kanal", title="Kategori pengaduan", **safe
        ),
        because=KEY + "stack_colour_column",
    )
    wrong_counts = table.assign(jumlah=table["jumlah"] + 1)
    q.assert_check_failed(
        px.bar(
            wrong_counts,
            x="kelurahan",
            y="jumlah",
            color="kategori",
            title="Kategori pengaduan",
            **safe,
        ),
        because=KEY + "stack_values",
    )
    q.assert_check_failed(
        px.bar(
            table, x="kelurahan", y="jumlah", color="kategori", title="Kategori pengaduan", **safe
        ),
        because=KEY + "axis_title",
    )


def test_soal_6_dropdowns_a_learner_might_build(pengaduan):
    q = lesson.soal_6
    names = sorted(pengaduan["kelurahan"].unique())
    pairs = [(name.upper(), name) for name in names]
    q.assert_check_passed(widgets.Dropdown(options=pairs, value="Terjun", description="Kelurahan"))
    q.assert_check_failed(
        widgets.Dropdown(options=[*names, "Semua"], value="Terjun", description="Kelurahan"),
        because=KEY + "labels_extra",
    )
    q.assert_check_failed(
        widgets.RadioButtons(options=names, value="Terjun", description="Kelurahan"),
        because=KEY + "not_dropdown",
    )


def test_soal_7_other_kelurahan_is_named(pengaduan):
    q = lesson.soal_7
    q.assert_check_failed(report(pengaduan, "Paya Pasir"), because=KEY + "other_kelurahan")
    right = report_of_example(pengaduan)
    q.assert_check_failed(right.assign(jumlah=right["jumlah"] * 2), because=KEY + "table_values")


def test_soal_8_wiring_a_learner_might_do(pengaduan):
    q = lesson.soal_8
    dropdown = kelurahan_dropdown(pengaduan)
    interacted = widgets.interact(report, data=widgets.fixed(pengaduan), kelurahan=dropdown)
    q.assert_check_passed(interacted)  # interact returns the function, its widget attached
    q.assert_check_failed(
        widgets.interactive(lesson.grafik_laporan, df=widgets.fixed(pengaduan), kelurahan=dropdown),
        because=KEY + "result_not_table",
    )
    q.assert_check_failed(
        widgets.interactive(report, data=widgets.fixed(pengaduan), kelurahan=["Terjun"]),
        because=KEY + "labels_missing",
    )
    q.assert_check_failed(
        widgets.interactive(report, data=widgets.fixed(None), kelurahan=dropdown),
        because=KEY + "function_error",
    )
    q.assert_check_failed(
        widgets.interactive(report, data=widgets.fixed(pengaduan), kelurahan="Terjun"),
        because=KEY + "no_dropdown_control",
    )
    # A function never passed to interact (interact leaves its widget on the function it wires).
    q.assert_check_failed(table_per_kelurahan, because=KEY + "not_interact")


# -- the lesson's ready-made report ---------------------------------------------------------------


@pytest.mark.parametrize("kelurahan", ["Labuhan Deli", "Terjun"])
def test_report_functions_follow_the_chosen_kelurahan(pengaduan, kelurahan):
    table = lesson.laporan_kelurahan(pengaduan, kelurahan)
    expected = report(pengaduan, kelurahan)
    assert dict(zip(table["kategori"], table["jumlah"], strict=True)) == dict(
        zip(expected["kategori"], expected["jumlah"], strict=True)
    )
    assert table["jumlah"].is_monotonic_decreasing
    fig = lesson.grafik_laporan(pengaduan, kelurahan)
    assert fig.data[0].type == "bar"
    assert kelurahan in fig.layout.title.text
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == (
        lesson.LABEL_KATEGORI,
        lesson.LABEL_JUMLAH,
    )


def test_report_shows_heading_table_and_chart_and_nothing_without_a_choice(pengaduan, monkeypatch):
    shown: list[object] = []
    monkeypatch.setattr(lesson, "display", shown.append)
    lesson.tampilkan_laporan(pengaduan, None)
    assert shown == []
    lesson.tampilkan_laporan(pengaduan, "Terjun")
    heading, table, chart = shown
    assert "Terjun" in heading.data and "89" in heading.data
    assert isinstance(table, pd.DataFrame) and isinstance(chart, go.Figure)


# -- the message catalogue ------------------------------------------------------------------------


def test_report_heading_reads_in_english_when_asked():
    assert message(KEY + "report_heading", lang="en", kelurahan="Terjun", count=3)
