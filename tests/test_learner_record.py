"""The learner's own record: only the viewer's rows, JP as reported, and the Voila app for real.

The data-layer tests build the widget against the graded demo course and read every text the
widget tree would send to the page; the browser test serves ``voila_apps/rapor_saya.ipynb`` as
one learner and checks that nobody else's name reaches the page and no other host is asked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import ipywidgets as widgets
import nbformat
import pytest
from nbclient import NotebookClient

from kit import serve
from kit.curriculum import load_modules
from kit.learner_record import LearnerRecordView, learner_record, next_module
from kit.project import project_root
from kit.reporting import build_report

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "voila_apps" / "rapor_saya.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def test_course_without_gradebook_gets_a_message(tmp_path):
    from kit.course import Course

    page = learner_record("siapa.saja", Course(tmp_path / "kosong"))
    assert "Data kursus belum tersedia" in page.value


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


@pytest.fixture(scope="session")
def sync_playwright():
    """Playwright, or a skip (a failure when CI=true) when it or the system Chromium is missing."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the playwright Python package is not installed"
    if reason is None and not CHROMIUM.exists():
        reason = f"no system Chromium at {CHROMIUM}"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test cannot run on CI: {reason}")
        pytest.skip(reason)
    return sync_playwright


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.browser
@pytest.mark.slow
def test_record_in_the_browser(
    sync_playwright, demo_course, report, learner, isolated_jupyter_env, tmp_path
):
    port = free_port()
    env = serve.voila_env(demo_course.root)
    env["KIT_VIEWER"] = learner["username"]
    env.pop("JUPYTERHUB_USER", None)
    log_path = tmp_path / "voila.log"
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            serve.voila_command(APP, port),
            env=env,
            cwd=APP.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    requests: list[str] = []
    base = f"http://127.0.0.1:{port}"
    jp = report.jp_per_learner.set_index("username").loc[learner["username"], "jp_total"]
    own = report.competencies[
        (report.competencies["username"] == learner["username"])
        & (report.competencies["evidence_cells"] > 0)
    ]
    chromium_home = tmp_path / "chromium-home"
    chromium_home.mkdir()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        serve.wait_for_http(base + serve.VOILA_READY_PATH, process, timeout=60)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                env={**os.environ, "HOME": str(chromium_home)},
            )
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="id-ID")
                page.on("request", lambda request: requests.append(request.url))
                page.on("websocket", lambda socket_: requests.append(socket_.url))
                opened = time.perf_counter()
                page.goto(base + "/")
                page.wait_for_selector(".marelan-rapor-evidence table", timeout=90_000)
                page.wait_for_selector(".widget-dropdown select", timeout=30_000)
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

                # Choose another competency: its evidence replaces the first one's.
                target = own.iloc[-1]
                # ipywidgets writes labels with non-breaking spaces: choose by position.
                codes = list(
                    report.competencies.loc[
                        report.competencies["username"] == learner["username"], "competency"
                    ]
                )
                page.select_option(
                    ".widget-dropdown select", index=codes.index(target["competency"])
                )
                heading = f"Bukti untuk: {target['competency_name']}"
                page.wait_for_function(
                    "document.querySelector('.marelan-rapor-evidence h3').textContent"
                    f" === {json.dumps(heading)}",
                    timeout=30_000,
                )
                evidence = page.inner_text(".marelan-rapor-evidence")
                cells = report.evidence[
                    (report.evidence["username"] == learner["username"])
                    & (report.evidence["competency"] == target["competency"])
                ]
                assert all(grade_id in evidence for grade_id in cells["grade_id"])
                chosen = time.perf_counter()
                _screenshot(page, ARTIFACTS / "rapor_saya.png")
            finally:
                browser.close()
    except RuntimeError:
        print(log_path.read_text())
        raise
    finally:
        serve.stop(process)

    foreign = [url for url in requests if urlparse(url).hostname != "127.0.0.1"]
    assert foreign == [], "the record page must not contact any other host"
    timings = {
        "page_ready_after_open_s": round(ready - opened, 2),
        "voila_start_to_page_ready_s": round(ready - started, 2),
        "competency_choice_update_s": round(chosen - ready, 2),
        "requests": len(requests),
    }
    (ARTIFACTS / "rapor_saya_timings.json").write_text(json.dumps(timings, indent=2) + "\n")


def _screenshot(page, path: Path) -> None:
    # Voila's page scrolls inside its own container: grow the viewport to the whole record.
    height = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, int(height) + 40)})
    page.screenshot(path=str(path), full_page=True)
