"""The Voila apps: stored thin and clean, executed against the demo course, served for real.

The browser test serves ``voila_apps/`` with ``kit.apps.voila_command`` exactly as ``kit demo``
does, opens the manager dashboard in headless Chromium, filters by unit, and checks that the page
asked nothing of any host but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kit.apps import serve
from kit.core.organisation import unit_names
from kit.reports.report import build_report
from tests.browser import (
    APPS_DIR,
    ARTIFACTS,
    chromium_page,
    foreign_requests,
    save_screenshot,
    served_voila,
)

APPS = sorted(APPS_DIR.glob("*.ipynb"))
DASHBOARD = "dashboard_manajer.ipynb"
apps = pytest.mark.parametrize("path", APPS, ids=lambda p: p.name)


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


# --- kit.apps.serve -------------------------------------------------------------------------------


def test_voila_command_is_local_fixed_port_and_allowlisted():
    command = serve.voila_command(APPS_DIR, 9123)
    assert "--port=9123" in command and "--Voila.port_retries=0" in command
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command
    assert "--template=marelan" in command and "--strip_sources=True" in command
    allowed = [c.split("=", 1)[1] for c in command if "extension_allowlist" in c]
    assert allowed == [
        "@jupyter-widgets/jupyterlab-manager",
        "@voila-dashboards/widgets-manager8",
        "jupyterlab-plotly",
    ]
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
        with pytest.raises(serve.PortInUseError, match=f"port {port} untuk Voila .* sudah dipakai"):
            serve.ensure_port_free(port, service="Voila", option="--voila-port")
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


@pytest.fixture
def voila_server(demo_course, isolated_jupyter_env, tmp_path):
    """``voila_apps/`` served as ``kit demo`` serves it (preheated kernels), for the camat."""
    with served_voila(
        APPS_DIR, demo_course.root, _camat(demo_course), tmp_path, preheat=True
    ) as server:
        yield server


@pytest.mark.browser
@pytest.mark.slow
def test_dashboard_in_the_browser(sync_playwright, voila_server, demo_course, tmp_path):
    roster = {row["username"]: row for row in _roster(demo_course)}
    names = unit_names()
    kec = sorted(r["nama"] for r in roster.values() if r["unit"] == "KEC")
    pps = sorted(r["nama"] for r in roster.values() if r["unit"] == "PPS")
    assert kec and pps
    report = build_report(demo_course)

    with chromium_page(sync_playwright, tmp_path) as browser:
        page = browser.page
        opened = time.perf_counter()
        page.goto(f"{voila_server.base}/voila/render/{DASHBOARD}")
        page.wait_for_selector(".widget-dropdown select")
        page.wait_for_selector(".marelan-unit-table table")
        page.wait_for_selector(".marelan-person-table table")
        ready = time.perf_counter()

        assert page.title() == "Dasbor Kompetensi Digital ASN Marelan"
        body = page.inner_text("body")
        assert "Dasbor Kompetensi Digital ASN Kecamatan Medan Marelan" in body
        assert "Loading widget" not in body and "Traceback" not in body
        overview = page.inner_text(".marelan-unit-table")
        for code in {r["unit"] for r in roster.values()}:
            assert names[code] in overview
        people = page.inner_text(".marelan-person-table")
        assert kec[0] in people and pps[0] in people

        save_screenshot(page, "dashboard_manajer.png")

        # The charts tab: three plotly charts, drawn from the kit's own plotly.js (no CDN).
        _open_tab(page, "Grafik dan perkembangan")
        page.wait_for_function(
            "document.querySelectorAll('.marelan-chart .js-plotly-plot').length === 3",
        )
        legend = page.inner_text(".marelan-jp-trend")
        assert all(names[code] in legend for code in {r["unit"] for r in roster.values()})
        assert "Target 20 JP" in legend
        assert "Sebaran level kompetensi" in page.inner_text(".marelan-level-chart")
        save_screenshot(page, "dashboard_manajer_grafik.png")

        # Rewards and training needs, with the report's explanations.
        _open_tab(page, "Penghargaan dan kebutuhan pelatihan")
        page.wait_for_selector(".marelan-reward-table h3", state="visible")
        rewards = page.inner_text(".marelan-reward-table")
        assert "Kandidat penghargaan: Semua unit" in rewards
        near = report.standing[~report.standing["eligible"]].sort_values("score").tail(1)
        shown = page.inner_text(".marelan-candidates") + page.inner_text(".marelan-near-candidates")
        eligible = report.standing[report.standing["eligible"]]
        for username in eligible["username"]:
            assert roster[username]["nama"] in shown
        assert "Kebutuhan pelatihan: Semua unit" in page.inner_text(".marelan-needs-table")
        needs = page.inner_text(".marelan-needs-summary")
        assert "Modul" in needs or "modul" in needs
        save_screenshot(page, "dashboard_manajer_penghargaan.png")

        # Search the person table: only the matching person is left.
        _open_tab(page, "Peserta dan unduhan")
        target = pps[0]
        page.fill(".marelan-person-table .marelan-search input", target)
        page.press(".marelan-person-table .marelan-search input", "Enter")
        page.wait_for_function(
            "document.querySelectorAll('.marelan-person-table tbody tr').length === "
            f"{sum(1 for r in roster.values() if target in r['nama'])}"
        )
        assert target in page.inner_text(".marelan-person-table tbody")
        page.fill(".marelan-person-table .marelan-search input", "")
        page.press(".marelan-person-table .marelan-search input", "Enter")

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
        save_screenshot(page, "dashboard_manajer_unit.png")

        # The Excel download is made in the kernel and saved by the browser, for PPS only.
        page.click(".marelan-manager-dashboard button:has-text('Unduh laporan Excel')")
        page.wait_for_selector(".marelan-download a[download]")
        with page.expect_download() as download_info:
            page.click(".marelan-download a[download]")
        download = download_info.value
        assert download.suggested_filename == "laporan_PPS.xlsx"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        standing_units = _standing_units(saved)
        assert standing_units and set(standing_units) == {"PPS"}

        # The charts follow the unit: the trend draws one line, the chosen unit's.
        _open_tab(page, "Grafik dan perkembangan")
        page.wait_for_function(
            "document.querySelectorAll('.marelan-jp-trend .scatterlayer .trace').length === 1",
        )
        assert names["KEC"] not in page.inner_text(".marelan-jp-trend")
        _open_tab(page, "Penghargaan dan kebutuhan pelatihan")
        page.wait_for_selector(".marelan-needs-people", state="visible")
        assert not any(name in page.inner_text(".marelan-needs-people") for name in kec)

        # Voila's other page (the list of dashboards) must stay local too.
        page.goto(f"{voila_server.base}/")
        page.wait_for_selector(f"text={DASHBOARD}")
        requests = browser.requests

    assert foreign_requests(requests) == [], "the dashboard must not contact any other host"
    assert not [url for url in requests if "@jupyter/nbgrader" in url], "nbgrader's lab extension"
    timings = {
        "voila_listening_s": round(voila_server.listening, 2),
        "page_ready_after_open_s": round(ready - opened, 2),
        "voila_start_to_page_ready_s": round(ready - voila_server.started, 2),
        "unit_filter_update_s": round(filtered - ready, 2),
        "requests": len(requests),
        "nearest_not_eligible_score": float(near["score"].iloc[0]) if len(near) else None,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "voila_timings.json").write_text(json.dumps(timings, indent=2) + "\n")


def _open_tab(page, title: str) -> None:
    page.click(f".marelan-tabs .lm-TabBar-tab:has-text({json.dumps(title)})")


def _standing_units(workbook_path: Path) -> list[str]:
    from openpyxl import load_workbook

    from kit.reports.excel import HEADER_ROW, SHEETS

    sheet = load_workbook(workbook_path)[SHEETS[3]]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    column = header.index("Unit")
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return [row[column] for row in rows if row[column]]


def _roster(course) -> list[dict[str, str]]:
    import csv

    with course.roster_path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _camat(course):
    return next(row["username"] for row in _roster(course) if row["jabatan"] == "Camat")
