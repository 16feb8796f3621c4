"""The Voila apps: stored thin and clean, executed against the demo course, served for real.

The browser test serves ``voila_apps/`` with ``kit.serve.voila_command`` exactly as ``kit demo``
does, opens the manager dashboard in headless Chromium, filters by unit, and checks that the page
asked nothing of any host but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from nbclient import NotebookClient

from kit import serve
from kit.organisation import unit_names

ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = ROOT / "voila_apps"
APPS = sorted(APPS_DIR.glob("*.ipynb"))
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
DASHBOARD = "dashboard_manajer.ipynb"
apps = pytest.mark.parametrize("path", APPS, ids=lambda p: p.name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return nb


# --- stored form -------------------------------------------------------------------------------


def test_apps_are_discovered():
    assert DASHBOARD in [p.name for p in APPS]


@apps
def test_app_is_thin_and_stored_clean(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert (raw["nbformat"], raw["nbformat_minor"]) == (4, 5)
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert 1 <= len(code) <= 3, "a Voila app only imports, builds and displays"
    for cell in code:
        assert cell.id and cell.outputs == [] and cell.execution_count is None
        assert "def " not in cell.source and "class " not in cell.source, "logic belongs in kit/"


# --- executed with nbclient ------------------------------------------------------------------


@pytest.mark.slow
@apps
def test_app_runs_against_the_demo_course(path, demo_course, isolated_jupyter_env, monkeypatch):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    monkeypatch.setenv("KIT_VIEWER", _camat(demo_course))
    nb = execute(path)
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert [out for out in outputs if out.output_type == "error"] == []
    assert any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in outputs)


@pytest.mark.slow
def test_dashboard_without_a_course_shows_the_friendly_message(
    tmp_path, isolated_jupyter_env, monkeypatch
):
    monkeypatch.setenv("KIT_COURSE_DIR", str(tmp_path / "kursus-kosong"))
    nb = execute(APPS_DIR / DASHBOARD)
    state = json.dumps(nb.metadata.widgets, ensure_ascii=False)
    assert "Belum ada data nilai untuk ditampilkan" in state
    assert "Traceback" not in state


# --- kit.serve -------------------------------------------------------------------------------


def test_voila_command_is_local_fixed_port_and_allowlisted():
    command = serve.voila_command(APPS_DIR, 9123)
    assert "--port=9123" in command and "--Voila.port_retries=0" in command
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command
    assert "--template=marelan" in command and "--strip_sources=True" in command
    allowed = [c.split("=", 1)[1] for c in command if "extension_allowlist" in c]
    assert allowed == ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
    assert not any("preheat" in c for c in command)
    assert "--preheat_kernel=True" in serve.voila_command(APPS_DIR, 9123, preheat=True)


def test_voila_env_finds_the_kit_template(tmp_path):
    env = serve.voila_env(tmp_path, base={"JUPYTER_PATH": "/elsewhere"})
    first, rest = env["JUPYTER_PATH"].split(os.pathsep, 1)
    assert (Path(first) / "voila" / "templates" / "marelan" / "index.html.j2").is_file()
    assert rest == "/elsewhere"
    assert env["KIT_COURSE_DIR"] == str(tmp_path.resolve())


def test_busy_port_fails_loudly():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(serve.PortInUseError, match=f"Port {port} .* sudah dipakai"):
            serve.ensure_port_free(port)
    serve.ensure_port_free(port)  # closed again: free


def test_lab_command_and_settings(tmp_path):
    command = serve.lab_command(tmp_path, 9124, "rahasia")
    assert "--ServerApp.ip=127.0.0.1" in command and "--ServerApp.port_retries=0" in command
    assert "--IdentityProvider.token=rahasia" in command and "--no-browser" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    env = serve.lab_env(tmp_path, base={})
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    assert settings == tmp_path.resolve() / ".jupyterlab-settings"
    translation = settings / "@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    assert json.loads(translation.read_text()) == {"locale": "id_ID"}


# --- served by Voila, opened in Chromium ---------------------------------------------------


@pytest.fixture(scope="session")
def sync_playwright():
    """Playwright, or a skip (a failure when CI=true) when it or the system Chromium is missing.

    Session-scoped so that it is set up, and skips, before the demo course is built.
    """
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


@pytest.fixture
def voila_server(demo_course, isolated_jupyter_env, tmp_path):
    """``voila_apps/`` served as ``kit demo`` serves it (preheated kernels) on a free port."""
    port = free_port()
    log_path = tmp_path / "voila.log"
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            serve.voila_command(APPS_DIR, port, preheat=True),
            env={**serve.voila_env(demo_course.root), "KIT_VIEWER": _camat(demo_course)},
            cwd=APPS_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        serve.wait_for_http(base + serve.VOILA_READY_PATH, process, timeout=60)
        yield {"base": base, "started": started, "listening": time.perf_counter() - started}
    except RuntimeError:
        print(log_path.read_text())
        raise
    finally:
        serve.stop(process)
        assert process.returncode is not None
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log_path, ARTIFACTS / "voila.log")


@pytest.mark.browser
@pytest.mark.slow
def test_dashboard_in_the_browser(sync_playwright, voila_server, demo_course, tmp_path):
    roster = {row["username"]: row for row in _roster(demo_course)}
    names = unit_names()
    kec = sorted(r["nama"] for r in roster.values() if r["unit"] == "KEC")
    pps = sorted(r["nama"] for r in roster.values() if r["unit"] == "PPS")
    assert kec and pps
    requests: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    chromium_home = tmp_path / "chromium-home"
    chromium_home.mkdir()

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
            page.goto(f"{voila_server['base']}/voila/render/{DASHBOARD}")
            page.wait_for_selector(".widget-dropdown select", timeout=60_000)
            page.wait_for_selector(".marelan-unit-table table", timeout=60_000)
            page.wait_for_selector(".marelan-person-table table", timeout=60_000)
            ready = time.perf_counter()

            assert page.title() == "Dasbor Kompetensi Digital ASN Marelan"
            body = page.inner_text("body")
            assert "Dasbor Kompetensi Digital ASN Kecamatan Medan Marelan" in body
            assert "Loading widget" not in body
            overview = page.inner_text(".marelan-unit-table")
            for code in {r["unit"] for r in roster.values()}:
                assert names[code] in overview
            people = page.inner_text(".marelan-person-table")
            assert kec[0] in people and pps[0] in people
            _screenshot(page, ARTIFACTS / "dashboard_manajer.png")

            page.select_option(".widget-dropdown select", label=names["PPS"])
            page.wait_for_function(
                "document.querySelector('.marelan-person-table h3').textContent"
                f".includes({json.dumps(names['PPS'])})"
            )
            filtered = time.perf_counter()
            people = page.inner_text(".marelan-person-table")
            assert all(name in people for name in pps)
            assert not any(name in people for name in kec)
            unit_column = page.eval_on_selector_all(
                ".marelan-person-table tbody tr",
                "rows => rows.map(r => r.cells[2].textContent)",
            )
            assert unit_column and set(unit_column) == {names["PPS"]}
            assert page.inner_text(".marelan-unit-table tr.selected").startswith(names["PPS"])
            _screenshot(page, ARTIFACTS / "dashboard_manajer_unit.png")

            # Voila's other page (the list of dashboards) must stay local too.
            page.goto(f"{voila_server['base']}/")
            page.wait_for_selector(f"text={DASHBOARD}", timeout=30_000)
        finally:
            browser.close()

    foreign = [url for url in requests if urlparse(url).hostname != "127.0.0.1"]
    assert foreign == [], "the dashboard must not contact any other host"
    assert not [url for url in requests if "@jupyter/nbgrader" in url], "nbgrader's lab extension"
    timings = {
        "voila_listening_s": round(voila_server["listening"], 2),
        "page_ready_after_open_s": round(ready - opened, 2),
        "voila_start_to_page_ready_s": round(ready - voila_server["started"], 2),
        "unit_filter_update_s": round(filtered - ready, 2),
        "requests": len(requests),
    }
    (ARTIFACTS / "voila_timings.json").write_text(json.dumps(timings, indent=2) + "\n")


def _roster(course) -> list[dict[str, str]]:
    import csv

    with course.roster_path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _screenshot(page, path: Path) -> None:
    # Voila's page scrolls inside its own container: grow the viewport to the whole dashboard.
    height = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, int(height) + 40)})
    page.screenshot(path=str(path), full_page=True)


def _camat(course):
    return next(row["username"] for row in _roster(course) if row["jabatan"] == "Camat")
