"""Item analysis: the widget and charts on hand-made grades, grading results and isolation from
the audit log, the app on the demo course, and the page served by Voila in headless Chromium
(``voila_apps/analisis_butir.ipynb``). The statistics themselves: ``test_item_stats.py``."""

from __future__ import annotations

import json
import shutil
import time

import ipywidgets as widgets
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from kit.apps.item_analysis import ItemAnalysis, flag_label, item_analysis_app, status_label
from kit.apps.item_charts import LEVEL_CUES, difficulty_figure, distribution_figure
from kit.core.audit import read_events, record_event
from kit.course.nbgrader_course import Course
from kit.grading.gradebook import read_grades
from kit.grading.history import GRADING_FLAGS, GRADING_STATUSES
from kit.grading.item_stats import item_statistics, score_distribution
from kit.people.access import write_course_roles
from kit.people.roster import read_roster
from tests.browser import APPS_DIR, chromium_page, foreign_requests, save_screenshot, served_voila
from tests.test_item_stats import POINTS, RESULTS, graded_event, hand_grades

APP = APPS_DIR / "analisis_butir.ipynb"
INSTRUCTOR, HR = "dosen.usu", "bkpsdm"


@pytest.fixture
def stats() -> pd.DataFrame:
    return item_statistics(hand_grades()).set_index("grade_id")


def widget_texts(widget: widgets.Widget) -> str:
    """Every HTML text a widget tree sends to the page (charts are checked on their figures)."""
    texts = [widget.value] if isinstance(getattr(widget, "value", None), str) else []
    for child in getattr(widget, "children", ()):
        texts.append(widget_texts(child))
    return "\n".join(texts)


# --- widgets -------------------------------------------------------------------------------------


def test_widget_shows_readable_table_attention_and_history():
    events = [
        {"at": "2026-11-20T03:05:00+00:00", "event": "grading.done", "assignment": "tugas01",
         "students": [], "by": "admin"}
    ]  # fmt: skip
    app = ItemAnalysis(hand_grades(), events)
    table = app.items_view.value
    assert table.index("<td>q2</td>") < table.index("<td>q3</td>") < table.index("<td>q1</td>")
    assert '<tr class="hard"><td>q2</td><td>Sulit</td>' in table
    assert ">62%</td>" in table and ">44%</td>" in table
    assert "0,25" in table and "nan" not in table.lower()
    assert "Butir q2: hanya 0 dari 4 jawaban benar penuh (0%)." in app.attention_view.value
    assert "Butir q3: 1 jawaban menunggu penilaian manual." in app.attention_view.value
    assert "<b>4</b>Peserta yang mengumpulkan" in app.figures.value
    assert "20 November 2026, pukul 10.05 WIB" in app.history_view.value
    assert "Penilaian selesai" in app.history_view.value
    # An old event without per-submission results: the section says so, kindly.
    assert "Belum ada hasil penilaian per pengumpulan" in app.grading_summary.value
    assert app.grading_table.layout.display == "none"
    for name in POINTS:  # counts only, never a learner
        assert name not in widget_texts(app)


# --- charts --------------------------------------------------------------------------------------


def test_distribution_figure_is_the_score_distribution():
    bands = score_distribution(hand_grades(), "tugas01")
    figure = distribution_figure(bands, "tugas01")
    (bar,) = figure.data
    assert bar.type == "bar"
    assert list(bar.y) == bands["learners"].tolist()
    assert bar.x[0] == "0–10%" and bar.x[-1] == "90–100%" and len(bar.x) == 10
    assert "2 peserta dengan nilai total 10–20%" in bar.hovertext[1]
    assert figure.layout.title.text == "Sebaran nilai total peserta: tugas01"
    assert figure.layout.yaxis.dtick == 1  # whole learners


def test_difficulty_figure_orders_items_from_the_hardest(stats):
    frame = stats.reset_index()
    figure = difficulty_figure(frame, "tugas01")
    assert list(figure.layout.yaxis.categoryarray) == ["q2", "q3", "q1"]
    assert figure.layout.yaxis.autorange == "reversed"  # the hardest on top
    bars = {trace.name: trace for trace in figure.data if trace.type == "bar"}
    # q2: 0 % (hard), q3: 44 % and q1: 62,5 % (medium): the table's cues and colours.
    assert set(bars) == {"Sulit", "Sedang"}
    assert bars["Sulit"].marker.color == LEVEL_CUES["hard"] == "#d64545"
    assert bars["Sedang"].marker.color == LEVEL_CUES["medium"]
    assert list(bars["Sulit"].y) == ["q2"] and list(bars["Sulit"].x) == [0]
    assert list(bars["Sedang"].y) == ["q3", "q1"]
    assert list(bars["Sedang"].x) == pytest.approx([400 / 9, 62.5])
    (passed,) = [trace for trace in figure.data if trace.type == "scatter"]
    assert passed.name == "Benar penuh (%)"
    assert dict(zip(passed.y, passed.x, strict=True)) == pytest.approx(
        {"q2": 0, "q3": 100 / 3, "q1": 50}
    )
    assert "Benar penuh: 33%" in passed.hovertext[1]
    assert figure.layout.title.text == "Butir soal dari yang tersulit: tugas01"


def test_difficulty_figure_marks_items_not_graded_yet():
    grades = hand_grades()
    grades.loc[grades["grade_id"] == "q3", ["needs_manual_grade", "score"]] = [True, None]
    figure = difficulty_figure(item_statistics(grades), "tugas01")
    bars = [y for trace in figure.data if trace.type == "bar" for y in trace.y]
    assert "q3" not in bars
    (text,) = [trace for trace in figure.data if trace.type == "scatter" and trace.mode == "text"]
    assert list(text.y) == ["q3"] and list(text.text) == ["Belum dinilai"]
    assert figure.layout.yaxis.categoryarray[-1] == "q3"  # no graded answer: last


def test_choosing_an_assignment_redraws_both_charts():
    second = hand_grades().assign(assignment="tugas02", grade_id=lambda f: f["grade_id"] + "b")
    app = ItemAnalysis(pd.concat([hand_grades(), second], ignore_index=True))
    first_titles = {name: fig.layout.title.text for name, fig in app.shown_figures.items()}
    app.assignment.value = "tugas02"
    figures = app.shown_figures
    assert figures["distribution"].layout.title.text.endswith("tugas02")
    assert figures["difficulty"].layout.title.text.endswith("tugas02")
    assert {n: f.layout.title.text for n, f in figures.items()} != first_titles
    assert list(figures["difficulty"].layout.yaxis.categoryarray) == ["q2b", "q3b", "q1b"]
    for chart in (app.difficulty_chart, app.distribution_chart):
        assert "marelan-chart" in chart._dom_classes and chart in app.children


# --- grading results (kit grade's audit events) --------------------------------------------------


def test_every_known_status_and_flag_has_indonesian_words():
    assert status_label("not_gradable") == "Tidak dapat dinilai"
    assert flag_label("edited_test") == "Sel uji diubah"
    for flag in GRADING_FLAGS:
        assert flag_label(flag) != flag
    for status in GRADING_STATUSES:
        assert status_label(status) != status
    assert flag_label("mystery_flag") == "mystery_flag"  # unknown: shown by its id
    assert status_label("skipped") == "skipped"


def test_grading_section_in_indonesian(tmp_path):
    root = tmp_path / "kursus"
    record_event(root, "grading.done", assignment="tugas01", students=[])  # old style
    graded_event(root, "tugas01", RESULTS)
    app = ItemAnalysis(hand_grades(), read_events(root))
    summary = app.grading_summary.value
    assert "Hasil penilaian terakhir per pengumpulan" in summary
    for count, label in [(2, "Dinilai"), (1, "Tidak dapat dinilai"),
                         (1, "Melebihi batas waktu"), (1, "Galat saat menilai"),
                         (3, "Diberi tanda")]:  # fmt: skip
        assert f"<b>{count}</b>{label}</div>" in summary
    assert "5 pengumpulan" in summary and "WIB" in summary
    table = app.grading_table.view.value
    assert "<td>ani</td>" not in table  # graded without flags: nothing to check
    assert (
        "<tr><td>budi</td><td>Dinilai</td><td>Sel uji diubah; Poin sel diubah</td>"
        "<td>sel uji q2 diubah, dipulihkan</td></tr>"
    ) in table
    assert "<td>Tidak dapat dinilai</td><td>Checksum sel dipalsukan; mystery_flag</td>" in table
    assert "<td>dedi</td><td>Melebihi batas waktu</td><td>Melebihi batas waktu</td>" in table
    assert "<td>eka</td><td>Galat saat menilai</td><td>–</td><td>–</td>" in table
    # Both runs are still in the history, the old one included.
    assert app.history_view.value.count("Penilaian selesai") == 2
    assert "<td>semua</td>" in app.history_view.value and "<td>5</td>" in app.history_view.value


def test_grading_section_when_every_submission_is_clean(tmp_path):
    root = tmp_path / "kursus"
    graded_event(root, "tugas01", [RESULTS[0]])
    app = ItemAnalysis(hand_grades(), read_events(root))
    assert "<b>1</b>Dinilai</div>" in app.grading_summary.value
    assert "Pengumpulan yang perlu diperiksa" not in app.grading_summary.value
    assert "Semua pengumpulan dinilai tanpa tanda apa pun" in app.grading_table.view.value


@pytest.mark.parametrize(
    ("fields", "css", "shown", "not_shown"),
    [
        (
            {"isolation": "limits_only",
             "isolation_notes": ["unshare -n gagal: <izin ditolak>", "berjalan sebagai root"]},
            "limits-only",
            ["Peringatan: penilaian ini berjalan TANPA sandbox", "Catatan penilai:",
             "<li>unshare -n gagal: &lt;izin ditolak&gt;</li>", "<li>berjalan sebagai root</li>"],
            ["dijalankan di sandbox (akun terpisah"],
        ),
        (
            {"isolation": "sandbox", "isolation_notes": []},
            "sandbox",
            ["Isolasi: kode peserta dijalankan di sandbox (akun terpisah, tanpa jaringan"],
            ["Peringatan", "Catatan penilai"],
        ),
        (
            {"sandboxed": True},  # an older log: no isolation field, whatever else it says
            "unknown",
            ["Isolasi tidak diketahui", "Jangan menganggapnya berjalan di sandbox"],
            ["Peringatan", "dijalankan di sandbox (akun terpisah"],
        ),
    ],
    ids=["limits-only", "sandbox", "older-log"],
)  # fmt: skip
def test_grading_section_says_how_the_latest_run_was_isolated(
    tmp_path, fields, css, shown, not_shown
):
    root = tmp_path / "kursus"
    graded_event(root, "tugas01", RESULTS, **fields)
    summary = ItemAnalysis(hand_grades(), read_events(root)).grading_summary.value
    assert summary.count("marelan-isolation") == 1
    assert f'<div class="marelan-isolation {css}">' in summary
    assert [text for text in shown if text not in summary] == []
    assert [text for text in not_shown if text in summary] == []


def test_no_grading_run_shows_no_isolation(tmp_path):
    app = ItemAnalysis(hand_grades(), [])
    assert "marelan-isolation" not in app.grading_summary.value


# --- the app on the demo course ------------------------------------------------------------------


@pytest.fixture
def course_copy(demo_course, tmp_path) -> Course:
    """A copy of the graded demo course with instructors and HR named (the fixture stays as is)."""
    root = tmp_path / "kursus"
    shutil.copytree(demo_course.root, root, symlinks=True)
    course = Course(root)
    write_course_roles(course, instructors=[INSTRUCTOR], hr=[HR])
    return course


@pytest.mark.slow
@pytest.mark.parametrize("viewer", [INSTRUCTOR, HR])
def test_app_follows_the_chosen_assignment(course_copy, viewer):
    app = item_analysis_app(viewer, course_copy)
    assert isinstance(app, ItemAnalysis)
    stats = item_statistics(read_grades(course_copy.gradebook_path))
    assignments = sorted(stats["assignment"].unique())
    assert list(app.assignment.options) == assignments and len(assignments) >= 2
    first, second = assignments[:2]
    items = {a: set(stats.loc[stats["assignment"] == a, "grade_id"]) for a in assignments}
    assert all(f"<td>{item}</td>" in app.items_view.value for item in items[first])
    assert set(app.shown_figures["difficulty"].layout.yaxis.categoryarray) == items[first]
    before = app.items_view.value

    app.assignment.value = second

    assert app.items_view.value != before
    assert all(f"<td>{item}</td>" in app.items_view.value for item in items[second])
    assert not any(
        f"<td>{item}</td>" in app.items_view.value for item in items[first] - items[second]
    )
    assert set(app.shown_figures["difficulty"].layout.yaxis.categoryarray) == items[second]
    bands = score_distribution(read_grades(course_copy.gradebook_path), second)
    assert list(app.shown_figures["distribution"].data[0].y) == bands["learners"].tolist()
    page = widget_texts(app) + json.dumps(
        [figure.to_plotly_json() for figure in app.shown_figures.values()], default=str
    )
    for entry in read_roster(course_copy.roster_path):
        assert entry.nip not in page and entry.nama not in page


@pytest.mark.slow
def test_unknown_viewer_and_plain_learner_see_a_message_only(course_copy, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("KIT_VIEWER", raising=False)
    learner = read_roster(course_copy.roster_path)[-1].username
    for viewer, text in [
        (None, "Identitas pengguna tidak diketahui"),
        ("orang.asing", "tidak terdaftar"),
        (learner, "tidak terdaftar sebagai instruktur atau BKPSDM"),
    ]:
        app = item_analysis_app(viewer, course_copy)
        assert not isinstance(app, ItemAnalysis)
        assert text in app.value and "Analisis butir soal tidak dapat ditampilkan" in app.value
        assert "<table" not in app.value and "tugas03" not in app.value


def test_course_without_gradebook_gives_the_friendly_message(tmp_path):
    course = Course(tmp_path)
    write_course_roles(course, instructors=[INSTRUCTOR], hr=[])
    app = item_analysis_app(INSTRUCTOR, course)
    assert "Belum ada data nilai untuk ditampilkan" in app.value
    assert "Traceback" not in app.value


@pytest.mark.slow
def test_notebook_runs_with_nbclient(course_copy, isolated_jupyter_env, monkeypatch):
    monkeypatch.setenv("KIT_COURSE_DIR", str(course_copy.root))
    monkeypatch.setenv("KIT_VIEWER", INSTRUCTOR)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    nb = nbformat.read(APP, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(APP.parent)}}
    ).execute()
    outputs = [out for cell in nb.cells for out in cell.get("outputs", [])]
    assert [out for out in outputs if out.output_type == "error"] == []
    state = json.dumps(nb.metadata.widgets, ensure_ascii=False)
    assert "Butir soal, dari yang tersulit" in state and "Perlu perhatian" in state


# --- served by Voila, opened in Chromium ---------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_item_analysis_in_the_browser(sync_playwright, course_copy, isolated_jupyter_env, tmp_path):
    stats = item_statistics(read_grades(course_copy.gradebook_path))
    first, second = sorted(stats["assignment"].unique())[:2]
    second_items = sorted(set(stats.loc[stats["assignment"] == second, "grade_id"]))
    with (
        served_voila(
            APP, course_copy.root, INSTRUCTOR, tmp_path, artifact_log="voila_analisis_butir.log"
        ) as server,
        chromium_page(sync_playwright, tmp_path) as browser,
    ):
        page = browser.page
        page.goto(server.base + "/")
        page.wait_for_selector(".widget-dropdown select")
        page.wait_for_selector(".marelan-items-view table")
        page.wait_for_function(
            "document.querySelectorAll('.marelan-chart .js-plotly-plot').length === 2",
        )
        ready = time.perf_counter()
        assert page.title() == "Analisis Butir Soal"
        body = page.inner_text("body")
        assert "Analisis Butir Soal untuk Instruktur" in body
        assert "Loading widget" not in body
        assert "Perlu perhatian" in body and "Riwayat penilaian otomatis" in body
        assert "Hasil penilaian terakhir per pengumpulan" in body
        assert page.eval_on_selector(".widget-dropdown select", "s => s.value") == first
        distribution = ".marelan-distribution-chart .js-plotly-plot"
        difficulty = ".marelan-difficulty-chart .js-plotly-plot"
        assert page.text_content(distribution + " .gtitle").endswith(first)
        assert page.locator(distribution + " .xtick text").count() == 10
        assert page.locator(difficulty + " .barlayer .trace").count() >= 1

        page.select_option(".widget-dropdown select", label=second)
        # Both charts are drawn again for the chosen assignment.
        page.wait_for_function(
            "[...document.querySelectorAll("
            f"{json.dumps(difficulty + ' .ytick text')})].map(t => t.textContent)"
            f".includes({json.dumps(second_items[0])})",
        )
        page.wait_for_function(
            f"document.querySelector({json.dumps(distribution + ' .gtitle')}).textContent"
            f".endsWith({json.dumps(second)})",
        )
        updated = time.perf_counter()
        assert page.locator(".marelan-chart .js-plotly-plot").count() == 2
        ticks = page.locator(difficulty + " .ytick text").all_text_contents()
        assert sorted(ticks) == second_items
        shown = page.inner_text(".marelan-items-view")
        assert all(item in shown for item in second_items)
        save_screenshot(page, "analisis_butir.png")

    assert foreign_requests(browser.requests) == [], "the page must not contact another host"
    print(
        json.dumps(
            {
                "start_to_ready_s": round(ready - server.started, 2),
                "assignment_switch_s": round(updated - ready, 2),
                "requests": len(browser.requests),
            }
        )
    )
