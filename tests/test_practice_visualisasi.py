"""The checkers of the visualisation lesson read plotly figures and ipywidgets without a browser,
accept right answers however they were built, explain typical wrong ones, and take their
expected values from the data rather than from numbers typed into the checker."""

from __future__ import annotations

import dataclasses
import re
import string
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest
import yaml

import kit.practice.visualisasi as lesson
from kit.core.messages import message
from kit.datasets import DEFAULT_SEED, load
from kit.practice.core import Question, ____
from kit.practice.learner_build import is_selftest_cell
from tests.practice_harness import mistake_cases

QUESTIONS: dict[str, Question] = {
    name: getattr(lesson, name)
    for name in lesson.__all__
    if isinstance(getattr(lesson, name), Question)
}
OTHER_SEED = 7
ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "courses" / "04_visualisasi" / "04_visualisasi.ipynb"
CATALOGUE = ROOT / "kit" / "data" / "messages.d" / "m04_visualisasi.yml"
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
# The variable each exercise cell of the lesson fills in.
ANSWER_NAMES = {
    "soal_1": "tabel_kelurahan",
    "soal_2": "grafik_kelurahan",
    "soal_3": "jenis_grafik",
    "soal_4": "grafik_tren",
    "soal_5": "grafik_kategori",
    "soal_6": "pilihan_kelurahan",
    "soal_7": "laporan_terjun",
    "soal_8": "laporan_interaktif",
}
DEPENDS_ON_DATA = ["soal_1", "soal_2", "soal_4", "soal_5", "soal_7", "soal_8"]


# -- the lesson as a whole ---------------------------------------------------------------------


def test_lesson_declares_its_exercises_with_an_independent_check():
    assert len(QUESTIONS) >= 4
    assert set(QUESTIONS) == set(INDEPENDENT) == set(ANSWER_NAMES)
    assert lesson.____ is ____


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_checker_has_hints_solution_and_reads_placeholder_as_not_attempted(name):
    q = QUESTIONS[name]
    assert len(q.hints) >= 2
    assert q.solution_code
    q.assert_check_unattempted(____)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_checker_accepts_an_independently_built_answer(name):
    QUESTIONS[name].assert_check_passed(INDEPENDENT[name](load("pengaduan")))


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED])
@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_expected_value_follows_the_data(name, seed, monkeypatch):
    """Fed other data, a fresh checker expects that data's answer: nothing is hard-coded."""
    monkeypatch.setattr(lesson, "load", lambda data_set: load(data_set, seed=seed))
    fresh = dataclasses.replace(QUESTIONS[name])
    fresh.assert_check_passed(INDEPENDENT[name](load("pengaduan", seed=seed)))


@pytest.mark.parametrize("name", DEPENDS_ON_DATA)
def test_answer_for_other_data_is_rejected(name):
    QUESTIONS[name].assert_check_failed(INDEPENDENT[name](load("pengaduan", seed=OTHER_SEED)))


@pytest.mark.parametrize(
    ("name", "index"),
    mistake_cases(QUESTIONS),
)
def test_each_typical_wrong_value_is_rejected_with_its_own_message(name, index):
    q = QUESTIONS[name]
    mistake = q.mistakes[index]
    q.assert_check_failed(mistake.wrong(), because=mistake.message)


def lesson_cells() -> list[nbformat.NotebookNode]:
    return nbformat.read(LESSON, as_version=4).cells


def test_a_learner_typing_every_solution_passes_every_check():
    """Run the learner's copy top to bottom with each exercise cell replaced by its solution."""
    namespace: dict[str, object] = {}
    checked = []
    for cell in lesson_cells():
        if cell.cell_type != "code" or is_selftest_cell(cell):
            continue
        match = re.search(r"(soal_\d+)\.check\(", cell.source)
        if match is None:
            exec(cell.source, namespace)
            continue
        name = match.group(1)
        exec(QUESTIONS[name].solution_code, namespace)
        QUESTIONS[name].assert_check_passed(namespace[ANSWER_NAMES[name]])
        checked.append(name)
    assert checked == sorted(QUESTIONS)


def test_exercise_cells_fill_the_variables_the_checks_read():
    for cell in lesson_cells():
        match = re.search(r"(soal_\d+)\.check\((\w+)\)", cell.source)
        if match:
            name, variable = match.groups()
            assert variable == ANSWER_NAMES[name]
            assert cell.source.startswith(f"{variable} = ____")


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


def catalogue() -> dict[str, dict[str, str]]:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def test_every_message_the_checker_names_is_in_the_catalogue():
    source = Path(lesson.__file__).read_text(encoding="utf-8")
    found = re.findall(r'_wrong\(\s*"(\w+)"', source) + re.findall(r'_KEY \+ "(\w+)"', source)
    found += re.findall(r'"(\w+_values)"', source)  # the key _compare_values raises with
    named = {key for key in found if not key.endswith("_")}  # "not_" + kind: the next line
    named |= {"not_bar", "not_line"}  # built as "not_" + kind
    named |= {f"kind_{kind}" for kind in ("bar", "line", "markers", "histogram", "pie")}
    keys = {key.removeprefix(KEY) for key in catalogue()}
    assert named <= keys
    assert keys <= named, "catalogue entries no checker uses"


def test_catalogue_entries_are_prefixed_and_both_languages_take_the_same_values():
    fields = string.Formatter()
    for key, entry in catalogue().items():
        assert key.startswith(KEY)
        assert set(entry) == {"id", "en"}
        names = [{f for _, f, _, _ in fields.parse(entry[lang]) if f} for lang in ("id", "en")]
        assert names[0] == names[1], key
    assert message(KEY + "report_heading", lang="en", kelurahan="Terjun", count=3)
