"""The learner's own record: only the viewer's rows, JP as reported, and the Voila app for real.

The data-layer tests build the widget against the graded demo course and read every text the
widget tree would send to the page, and check the charts' figures against the report; the
browser test serves ``voila_apps/rapor_saya.ipynb`` as one learner and checks that the charts
are drawn, nobody else's name reaches the page and no other host is asked.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import time

import ipywidgets as widgets
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from kit.apps.charts import LEVEL_COLOURS
from kit.apps.learner_record import LearnerRecordView, jp_figure, learner_record, mastery_figure
from kit.competency import CompetencyFramework
from kit.competency.rewards import load_rules
from kit.core.project import project_root
from kit.course.curriculum import load_modules
from kit.course.nbgrader_course import Course
from kit.people.roster import read_roster
from kit.reports import snapshot as snapshot_module
from kit.reports.record import next_module, record_for
from kit.reports.report import build_report
from kit.reports.snapshot import course_snapshot
from tests.browser import (
    APPS_DIR,
    ARTIFACTS,
    chromium_page,
    foreign_requests,
    save_screenshot,
    served_voila,
)

APP = APPS_DIR / "rapor_saya.ipynb"


def widget_texts(widget: widgets.Widget) -> list[str]:
    """Every text a widget tree sends to the page: HTML values, labels, options, descriptions."""
    texts = []
    for name in ("value", "description"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            texts.append(value)
    texts += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        texts += widget_texts(child)
    return texts


@pytest.fixture(scope="module")
def report(demo_course):
    return build_report(demo_course)


@pytest.fixture(scope="module")
def learner(report) -> dict[str, str]:
    """A learner with a passed module and evidence for two competencies, and a unique name."""
    names = report.learners["nama"]
    evidenced = report.competencies[report.competencies["evidence_cells"] > 0]
    per_learner = evidenced.groupby("username")["competency"].nunique()
    for row in report.learners.itertuples():
        if (
            (names == row.nama).sum() == 1
            and per_learner.get(row.username, 0) >= 2
            and row.username in set(report.modules_completed["username"])
        ):
            return {"username": row.username, "nama": row.nama}
    pytest.fail("the demo course has no learner with a passed module and evidence")


def other_names(report, learner) -> list[str]:
    names = report.learners["nama"]
    return sorted(set(names[names != learner["nama"]]))


@pytest.fixture(scope="module")
def framework() -> CompetencyFramework:
    return CompetencyFramework.load()


@pytest.fixture(scope="module")
def record(report, learner):
    """The learner's record, built from the full (unmasked, unscoped) course report."""
    modules = load_modules(project_root() / "courses")
    return record_for(report, learner["username"], modules, load_rules())


# --- data layer ------------------------------------------------------------------------------


def test_record_shows_only_the_viewers_own_data(demo_course, report, learner):
    page = learner_record(learner["username"], demo_course)
    assert isinstance(page, LearnerRecordView)
    record = page.record
    for frame in (record.competencies, record.evidence, record.modules_completed, record.jp_ledger):
        assert set(frame["username"]) <= {learner["username"]}
    assert not record.evidence.empty and not record.modules_completed.empty
    text = "\n".join(widget_texts(page))
    assert learner["nama"] in text
    leaked = [name for name in other_names(report, learner) if name in text]
    assert leaked == []
    full_nip = report.learners.set_index("username").loc[learner["username"], "nip"]
    assert full_nip not in text and record.masked_nip in text


def test_jp_figures_equal_the_report(demo_course, report, learner):
    page = learner_record(learner["username"], demo_course)
    jp = report.jp_per_learner.set_index("username").loc[learner["username"]]
    assert page.record.jp["jp_total"] == jp["jp_total"]
    assert page.jp_bar.max == jp["target"] == 20
    assert page.jp_bar.value == min(jp["jp_total"], jp["target"])
    total = f"{jp['jp_total']:g}".replace(".", ",")
    heading = "\n".join(widget_texts(page.children[1]))
    assert f"{total} dari 20 JP" in heading
    gap = 20 - jp["jp_total"]
    if gap > 0:
        assert f"Kurang {gap:g}".replace(".", ",") in heading
    else:
        assert "sudah tercapai" in heading


def test_choosing_a_competency_shows_its_evidence(demo_course, learner):
    page = learner_record(learner["username"], demo_course)
    evidenced = page.record.competencies[page.record.competencies["evidence_cells"] > 0]
    for row in evidenced.itertuples():
        page.competency_picker.value = row.competency
        shown = page.evidence_view.value
        assert f"Bukti untuk: {row.competency_name}" in shown
        cells = page.record.evidence[page.record.evidence["competency"] == row.competency]
        assert all(grade_id in shown for grade_id in cells["grade_id"])
    unevidenced = page.record.competencies[page.record.competencies["evidence_cells"] == 0]
    if len(unevidenced):
        page.competency_picker.value = unevidenced["competency"].iloc[0]
        assert "Belum ada sel tugas yang dinilai" in page.evidence_view.value


def test_reward_standing_and_badges_are_the_reports(demo_course, report, learner):
    page = learner_record(learner["username"], demo_course)
    standing = report.standing.set_index("username").loc[learner["username"]]
    text = "\n".join(widget_texts(page))
    assert standing["explanation"] in text
    passed = report.modules_completed[report.modules_completed["username"] == learner["username"]]
    assert all(title in text for title in passed["module_title"])


def test_next_module_is_the_first_not_passed(demo_course, learner):
    modules = load_modules(project_root() / "courses")
    page = learner_record(learner["username"], demo_course)
    passed = set(page.record.modules_completed["assignment"])
    expected = next(m for m in modules if m.assignment not in passed)
    assert page.record.next_module == expected
    assert expected.title in "\n".join(widget_texts(page))
    assert next_module(modules, {m.assignment for m in modules}) is None


@pytest.mark.parametrize("viewer", ["orang.asing", ""])
def test_unknown_viewer_gets_a_message_and_no_data(demo_course, report, viewer):
    page = learner_record(viewer, demo_course)
    assert not isinstance(page, LearnerRecordView)
    text = "\n".join(widget_texts(page))
    assert "Rapor Kompetensi Saya" in text and "tidak" in text
    assert [name for name in report.learners["nama"] if name in text] == []


def test_missing_course_folder_gets_a_message(tmp_path):
    page = learner_record("siapa.saja", Course(tmp_path / "kosong"))
    assert "Folder kursus untuk halaman ini belum ada di server." in page.value
    assert "Rapor Kompetensi Saya" in page.value
    # (A course without a gradebook, and every other broken course: test_page.py.)


@pytest.mark.slow
def test_report_is_computed_once_per_change_of_the_course(
    demo_course, learner, tmp_path, monkeypatch
):
    root = tmp_path / "kursus"
    shutil.copytree(
        demo_course.root, root, ignore=shutil.ignore_patterns(".kit", "autograded", "feedback")
    )
    course = Course(root)
    computed = []
    real = snapshot_module.load_summary
    monkeypatch.setattr(snapshot_module, "_memory", {})
    monkeypatch.setattr(
        snapshot_module, "load_summary", lambda c: computed.append(c.root) or real(c)
    )

    first = learner_record(learner["username"], course)
    second = learner_record(learner["username"], course)
    assert isinstance(first, LearnerRecordView) and isinstance(second, LearnerRecordView)
    assert len(computed) == 1, "the second open reuses the course's snapshot"
    assert second.record.jp["jp_total"] == first.record.jp["jp_total"]
    # The page narrowed and masked a copy: the cached report still has everyone, NIPs in full.
    cached = course_snapshot(course).report.learners
    assert len(computed) == 1 and len(cached) > 1
    assert set(cached["nip"]) == {e.nip for e in read_roster(course.roster_path)}

    later = course.gradebook_path.stat().st_mtime_ns + 5_000_000_000
    os.utime(course.gradebook_path, ns=(later, later))  # the gradebook changed
    assert isinstance(learner_record(learner["username"], course), LearnerRecordView)
    assert len(computed) == 2


# --- charts ----------------------------------------------------------------------------------


def test_mastery_figure_is_the_reports_mastery_by_level(report, learner, record, framework):
    figure = mastery_figure(record, framework)
    own = report.competencies[report.competencies["username"] == learner["username"]]
    evidenced = own[(own["evidence_cells"] > 0) & own["mastery"].notna()]
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert bars and all(trace.orientation == "h" for trace in bars)
    shown = {}
    for trace in bars:
        level = {int(evidenced.set_index("competency_name").loc[name, "level"]) for name in trace.y}
        assert len(level) == 1  # one trace per level, coloured by it
        assert trace.marker.color == LEVEL_COLOURS[level.pop()]
        shown |= dict(zip(trace.y, trace.x, strict=True))
        for name, text in zip(trace.y, trace.hovertext, strict=True):
            cells = int(evidenced.set_index("competency_name").loc[name, "evidence_cells"])
            assert f"Sel bukti: {cells}" in text and "Level: " in text
    expected = dict(zip(evidenced["competency_name"], evidenced["mastery"] * 100, strict=True))
    assert shown == pytest.approx(expected)
    assert figure.layout.xaxis.range == (0, 100)
    # Every competency has a row, in the table's order.
    assert list(figure.layout.yaxis.categoryarray) == own["competency_name"].tolist()


def test_mastery_figure_shows_missing_evidence_as_such(record, framework):
    competencies = record.competencies.copy()
    # One competency measured at 0 %, one without any graded cell.
    competencies.loc[0, ["mastery", "level", "evidence_cells"]] = [0.0, 0, 3]
    competencies.loc[1, ["mastery", "level", "evidence_cells"]] = [math.nan, 0, 0]
    figure = mastery_figure(dataclasses.replace(record, competencies=competencies), framework)
    zero, missing = competencies.loc[0, "competency_name"], competencies.loc[1, "competency_name"]
    bars = {}
    for trace in figure.data:
        if trace.type == "bar":
            bars |= dict(zip(trace.y, trace.x, strict=True))
    assert bars[zero] == 0.0 and missing not in bars
    (text,) = [trace for trace in figure.data if trace.type == "scatter"]
    assert missing in text.y and zero not in text.y
    assert set(text.text) == {"Belum ada bukti yang dinilai"}


def test_jp_figure_adds_up_the_ledger_by_month(report, learner, record):
    figure = jp_figure(record)
    line, target = figure.data
    ledger = report.jp_ledger[
        (report.jp_ledger["username"] == learner["username"])
        & (report.jp_ledger["year"] == report.meta.year)
    ]
    months = pd.to_datetime(ledger["date"]).dt.month
    assert line.x[0] == "Jan" and len(line.x) >= months.max()
    expected = [float(ledger.loc[months <= m, "jp"].sum()) for m in range(1, len(line.x) + 1)]
    assert list(line.y) == pytest.approx(expected)
    jp_total = report.jp_per_learner.set_index("username").loc[learner["username"], "jp_total"]
    assert line.y[-1] == pytest.approx(jp_total)
    assert set(target.y) == {20} and list(target.x) == list(line.x)
    assert target.name == "Target 20 JP"


def test_jp_figure_months_and_empty_year(record):
    ledger = pd.DataFrame(
        {
            "username": [record.username] * 3,
            "year": [2026] * 3,
            "date": pd.to_datetime(["2026-02-03", "2026-02-20", "2026-05-01"]).date,
            "jp": [2.0, 3.5, 6.0],
        }
    )
    past_year = dataclasses.replace(
        record, jp_ledger=ledger, year=2026, generated_at=pd.Timestamp("2027-01-05", tz="UTC")
    )
    line = jp_figure(past_year).data[0]
    assert list(line.x) == ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep",
                            "Okt", "Nov", "Des"]  # fmt: skip
    assert list(line.y[:6]) == [0, 5.5, 5.5, 5.5, 11.5, 11.5] and line.y[-1] == 11.5
    assert "Bulan ini: +5,5 JP" in line.hovertext[1]
    empty = dataclasses.replace(past_year, jp_ledger=ledger.iloc[0:0])
    assert set(jp_figure(empty).data[0].y) == {0}


def test_figures_hold_only_the_learners_own_data(report, learner, record, framework):
    figures = json.dumps(
        [mastery_figure(record, framework).to_plotly_json(), jp_figure(record).to_plotly_json()],
        ensure_ascii=False,
        default=str,
    )
    others = report.learners[report.learners["username"] != learner["username"]]
    assert [u for u in others["username"] if f'"{u}"' in figures] == []
    assert [n for n in other_names(report, learner) if n in figures] == []
    # A record carrying someone else's rows is refused, not charted.
    leaky = dataclasses.replace(record, jp_ledger=report.jp_ledger)
    assert set(report.jp_ledger["username"]) - {learner["username"]}
    with pytest.raises(ValueError, match="other learners"):
        jp_figure(leaky)
    with pytest.raises(ValueError, match="other learners"):
        mastery_figure(dataclasses.replace(record, competencies=report.competencies), framework)


def test_view_shows_both_charts(demo_course, learner):
    page = learner_record(learner["username"], demo_course)
    assert page.jp_chart in page.children[1].children
    assert page.mastery_chart in page.children[2].children
    for chart in (page.jp_chart, page.mastery_chart):
        assert "marelan-chart" in chart._dom_classes


# --- the notebook, executed ----------------------------------------------------------------


@pytest.mark.slow
def test_app_notebook_runs_for_a_learner(
    demo_course, report, learner, isolated_jupyter_env, monkeypatch
):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    monkeypatch.setenv("KIT_VIEWER", learner["username"])
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    nb = nbformat.read(APP, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(APP.parent)}}
    ).execute()
    outputs = [out for cell in nb.cells for out in cell.get("outputs", [])]
    assert [out for out in outputs if out.output_type == "error"] == []
    assert any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in outputs)
    state = json.dumps(nb.metadata.widgets, ensure_ascii=False)
    assert learner["nama"] in state
    assert [name for name in other_names(report, learner) if name in state] == []


# --- served by Voila, opened in Chromium ---------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_record_in_the_browser(
    sync_playwright, demo_course, report, learner, isolated_jupyter_env, tmp_path
):
    jp = report.jp_per_learner.set_index("username").loc[learner["username"], "jp_total"]
    own = report.competencies[
        (report.competencies["username"] == learner["username"])
        & (report.competencies["evidence_cells"] > 0)
    ]
    with (
        served_voila(
            APP, demo_course.root, learner["username"], tmp_path, artifact_log="voila_rapor.log"
        ) as server,
        chromium_page(sync_playwright, tmp_path) as browser,
    ):
        page = browser.page
        opened = time.perf_counter()
        page.goto(server.base + "/")
        page.wait_for_selector(".marelan-rapor-evidence table")
        page.wait_for_selector(".widget-dropdown select")
        page.wait_for_function(
            "document.querySelectorAll('.marelan-chart .js-plotly-plot').length === 2",
        )
        ready = time.perf_counter()

        body = page.inner_text("body")
        assert "Loading widget" not in body
        assert f"Rapor Kompetensi Saya: {learner['nama']}" in body
        total = f"{jp:g}".replace(".", ",")
        assert f"{total} dari 20 JP" in body
        assert [name for name in other_names(report, learner) if name in body] == []
        bar = page.locator(".marelan-rapor-jp .widget-hprogress .progress-bar")
        assert bar.count() == 1
        width = bar.evaluate("b => b.getBoundingClientRect().width")
        track = bar.evaluate("b => b.parentElement.getBoundingClientRect().width")
        assert width == pytest.approx(track * min(jp, 20) / 20, abs=3)

        # The charts are drawn: the JP line with its target, one bar per evidenced competency.
        jp_chart = ".marelan-rapor-jp-chart .js-plotly-plot"
        mastery_chart = ".marelan-rapor-mastery-chart .js-plotly-plot"
        assert "JP terkumpul per bulan" in page.text_content(jp_chart + " .gtitle")
        assert page.locator(jp_chart + " .scatterlayer .trace").count() == 2
        ticks = page.locator(mastery_chart + " .ytick text").all_text_contents()
        names = report.competencies.loc[
            report.competencies["username"] == learner["username"], "competency_name"
        ]
        assert sorted(ticks) == sorted(names)
        drawn_bars = page.locator(mastery_chart + " .barlayer .point").count()
        assert drawn_bars == len(own[own["mastery"].notna()])

        # Choose another competency: its evidence replaces the first one's.
        target = own.iloc[-1]
        # ipywidgets writes labels with non-breaking spaces: choose by position.
        codes = list(
            report.competencies.loc[
                report.competencies["username"] == learner["username"], "competency"
            ]
        )
        page.select_option(".widget-dropdown select", index=codes.index(target["competency"]))
        heading = f"Bukti untuk: {target['competency_name']}"
        page.wait_for_function(
            "document.querySelector('.marelan-rapor-evidence h3').textContent"
            f" === {json.dumps(heading)}",
        )
        evidence = page.inner_text(".marelan-rapor-evidence")
        cells = report.evidence[
            (report.evidence["username"] == learner["username"])
            & (report.evidence["competency"] == target["competency"])
        ]
        assert all(grade_id in evidence for grade_id in cells["grade_id"])
        chosen = time.perf_counter()
        save_screenshot(page, "rapor_saya.png")

    assert foreign_requests(browser.requests) == [], "the page must not contact another host"
    timings = {
        "page_ready_after_open_s": round(ready - opened, 2),
        "voila_start_to_page_ready_s": round(ready - server.started, 2),
        "competency_choice_update_s": round(chosen - ready, 2),
        "requests": len(browser.requests),
    }
    (ARTIFACTS / "rapor_saya_timings.json").write_text(json.dumps(timings, indent=2) + "\n")
