"""Item analysis: exact statistics on hand-made grades, the app on the demo course, and the page
served by Voila in headless Chromium (``voila_apps/analisis_butir.ipynb``)."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from kit import serve
from kit.access import write_course_roles
from kit.course import Course
from kit.gradebook import GRADE_COLUMNS, read_grades
from kit.item_analysis import (
    ItemAnalysis,
    grading_history,
    hardest_items,
    item_analysis_app,
    item_statistics,
    needs_attention,
    score_distribution,
)
from kit.roster import read_roster

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "voila_apps" / "analisis_butir.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
INSTRUCTOR, HR = "dosen.usu", "bkpsdm"

# Four learners x three items of "tugas01" (max 2, 1 and 3 points); None: awaiting manual grading.
# q2 is failed by everyone; q3 is graded by hand and budi's answer is not graded yet.
POINTS = {
    "ani": (2, 0, 3),
    "budi": (2, 0, None),
    "citra": (1, 0, 0),
    "dedi": (0, 0, 1),
}
ITEMS = [("q1", 2.0, "autograded answer"), ("q2", 1.0, "autograded test"), ("q3", 3.0, "manual")]


def hand_grades() -> pd.DataFrame:
    rows = []
    for student, points in POINTS.items():
        for (grade_id, max_score, cell_type), score in zip(ITEMS, points, strict=True):
            pending = score is None
            rows.append(
                (student, "tugas01", "tugas01", grade_id, cell_type, max_score,
                 None if pending else float(score), None, None, pending,
                 0.0 if pending else float(score), pd.Timestamp("2026-11-20 10:00"))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)


@pytest.fixture
def stats() -> pd.DataFrame:
    return item_statistics(hand_grades()).set_index("grade_id")


# --- statistics ----------------------------------------------------------------------------------


def test_counts_and_shares(stats):
    assert stats["submissions"].tolist() == [4, 4, 4]
    assert stats["graded"].tolist() == [4, 4, 3]
    assert stats["awaiting_manual"].tolist() == [0, 0, 1]
    # q1: shares 1, 1, 0.5, 0
    assert stats.loc["q1", "mean_share"] == pytest.approx(0.625)
    assert stats.loc["q1", "pass_rate"] == pytest.approx(0.5)
    assert stats.loc["q1", "zero_share"] == pytest.approx(0.25)
    # q2: everyone fails
    assert (stats.loc["q2", "mean_share"], stats.loc["q2", "pass_rate"]) == (0.0, 0.0)
    assert stats.loc["q2", "zero_share"] == 1.0
    # q3: over the three graded answers only (3, 0, 1 of 3); budi's pending answer is not a 0
    assert stats.loc["q3", "mean_share"] == pytest.approx(4 / 9)
    assert stats.loc["q3", "pass_rate"] == pytest.approx(1 / 3)
    assert stats.loc["q3", "zero_share"] == pytest.approx(1 / 3)


def test_discrimination_is_the_corrected_item_total_correlation(stats):
    # q1 against the graded points on q2 + q3: ani 3, budi 0 (q3 pending), citra 0, dedi 1.
    expected_q1 = statistics.correlation([1, 1, 0.5, 0], [3, 0, 0, 1])
    assert stats.loc["q1", "discrimination"] == pytest.approx(expected_q1)
    # q3 over its graded answers: shares 1, 0, 1/3 against q1 + q2 = 2, 1, 0.
    expected_q3 = statistics.correlation([1, 0, 1 / 3], [2, 1, 0])
    assert stats.loc["q3", "discrimination"] == pytest.approx(expected_q3)
    # No variance (everyone fails q2): undefined, not 0.
    assert math.isnan(stats.loc["q2", "discrimination"])


def test_discrimination_needs_three_answers():
    grades = hand_grades()
    two = item_statistics(grades[grades["student_id"].isin(["ani", "citra"])])
    assert two["discrimination"].isna().all()


def test_hardest_items_and_attention(stats):
    frame = stats.reset_index()
    assert hardest_items(frame, 2)["grade_id"].tolist() == ["q2", "q3"]
    hard, pending = needs_attention(frame)
    assert hard["grade_id"].tolist() == ["q2"]
    assert pending["grade_id"].tolist() == ["q3"]
    assert pending["awaiting_manual"].tolist() == [1]


def test_score_distribution_counts_learners_by_graded_total():
    # ani 5/6, budi 2/3 (q3 pending), citra 1/6, dedi 1/6
    bands = score_distribution(hand_grades(), "tugas01")
    assert bands["learners"].sum() == 4
    assert dict(zip(bands["low"], bands["learners"], strict=True)) == {
        0: 0, 10: 2, 20: 0, 30: 0, 40: 0, 50: 0, 60: 1, 70: 0, 80: 1, 90: 0
    }  # fmt: skip
    full = hand_grades().assign(score=lambda f: f["max_score"], needs_manual_grade=False)
    assert score_distribution(full, "tugas01")["learners"].tolist()[-1] == 4  # 100 % in the top


def test_grading_history_keeps_grading_runs_newest_first():
    events = [
        {"at": "2026-11-20T09:00:00+07:00", "event": "roster.import", "by": "admin"},
        {"at": "2026-11-20T10:00:00+07:00", "event": "grading.start", "assignment": "tugas01",
         "students": [], "by": "admin"},
        {"at": "2026-11-20T10:05:00+07:00", "event": "grading.done", "assignment": "tugas01",
         "students": ["ani", "budi"], "by": "admin"},
    ]  # fmt: skip
    history = grading_history(events)
    assert history["event"].tolist() == ["grading.done", "grading.start"]
    assert history["learners"].tolist() == [2, 0]


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
    assert "20-11-2026 10.05 WIB" in app.history_view.value
    assert "Penilaian selesai" in app.history_view.value
    for name in POINTS:  # counts only, never a learner
        assert name not in "".join(child.value for child in app.children[2:])


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
    before = app.items_view.value

    app.assignment.value = second

    assert app.items_view.value != before
    assert all(f"<td>{item}</td>" in app.items_view.value for item in items[second])
    assert not any(
        f"<td>{item}</td>" in app.items_view.value for item in items[first] - items[second]
    )
    page = "".join(child.value for child in app.children if hasattr(child, "value"))
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.browser
@pytest.mark.slow
def test_item_analysis_in_the_browser(sync_playwright, course_copy, isolated_jupyter_env, tmp_path):
    stats = item_statistics(read_grades(course_copy.gradebook_path))
    first, second = sorted(stats["assignment"].unique())[:2]
    second_items = sorted(set(stats.loc[stats["assignment"] == second, "grade_id"]))
    port = _free_port()
    log_path = tmp_path / "voila.log"
    env = serve.voila_env(course_copy.root)
    env["KIT_VIEWER"] = INSTRUCTOR
    env.pop("JUPYTERHUB_USER", None)
    requests: list[str] = []
    chromium_home = tmp_path / "chromium-home"
    chromium_home.mkdir()
    ARTIFACTS.mkdir(exist_ok=True)
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
    try:
        base = f"http://127.0.0.1:{port}"
        serve.wait_for_http(base + serve.VOILA_READY_PATH, process, timeout=60)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync"],
                env={**os.environ, "HOME": str(chromium_home)},
            )  # fmt: skip
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="id-ID")
                page.on("request", lambda request: requests.append(request.url))
                page.on("websocket", lambda socket_: requests.append(socket_.url))
                page.goto(base + "/")
                page.wait_for_selector(".widget-dropdown select", timeout=90_000)
                page.wait_for_selector(".marelan-items-view table", timeout=60_000)
                ready = time.perf_counter()
                assert page.title() == "Analisis Butir Soal"
                body = page.inner_text("body")
                assert "Analisis Butir Soal untuk Instruktur" in body
                assert "Loading widget" not in body
                assert "Perlu perhatian" in body and "Riwayat penilaian otomatis" in body
                assert page.eval_on_selector(".widget-dropdown select", "s => s.value") == first
                assert page.query_selector_all(".marelan-hist-row")

                page.select_option(".widget-dropdown select", label=second)
                page.wait_for_function(
                    "document.querySelector('.marelan-items-view').textContent"
                    f".includes({json.dumps(second_items[0])})",
                    timeout=30_000,
                )
                updated = time.perf_counter()
                shown = page.inner_text(".marelan-items-view")
                assert all(item in shown for item in second_items)
                height = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
                page.set_viewport_size({"width": 1400, "height": max(1000, int(height) + 40)})
                page.screenshot(path=str(ARTIFACTS / "analisis_butir.png"), full_page=True)
            finally:
                browser.close()
    finally:
        serve.stop(process)
        shutil.copy(log_path, ARTIFACTS / "voila_analisis_butir.log")

    foreign = [url for url in requests if urlparse(url).hostname != "127.0.0.1"]
    assert foreign == [], "the page must not contact any other host"
    print(
        json.dumps(
            {
                "start_to_ready_s": round(ready - started, 2),
                "assignment_switch_s": round(updated - ready, 2),
                "requests": len(requests),
            }
        )
    )
