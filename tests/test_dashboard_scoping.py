"""The manager dashboard receives only the viewer's units: data layer and real browser."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
from test_voila_app import APPS_DIR, CHROMIUM, CHROMIUM_ARGS, free_port

from kit import serve
from kit.dashboard import manager_dashboard
from kit.roster import read_roster

pytestmark = pytest.mark.slow


def _people(course):
    return read_roster(course.roster_path)


def _page_text(widget) -> str:
    """Every HTML string in a widget tree (what the page would receive)."""
    texts = []
    stack = [widget]
    while stack:
        item = stack.pop()
        texts.append(str(getattr(item, "value", "")))
        texts.extend(str(option) for option in getattr(item, "options", ()))
        stack.extend(getattr(item, "children", ()))
    return "\n".join(texts)


def test_lurah_receives_only_own_unit(demo_course, monkeypatch):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    people = _people(demo_course)
    lurah = next(e for e in people if e.jabatan == "Lurah" and e.unit == "PPS")
    text = _page_text(manager_dashboard(viewer_name=lurah.username))
    own = [e.nama for e in people if e.unit == "PPS"]
    others = [e.nama for e in people if e.unit != "PPS" and e.nama not in own]
    assert own and all(name in text for name in own)
    assert others and not [name for name in others if name in text]
    assert "Kelurahan Terjun" not in text  # not even other units in the filter


def test_camat_receives_every_unit(demo_course, monkeypatch):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    people = _people(demo_course)
    camat = next(e for e in people if e.jabatan == "Camat")
    text = _page_text(manager_dashboard(viewer_name=camat.username))
    assert all(e.nama in text for e in people)


@pytest.mark.parametrize("viewer", [None, "orang.asing", "staf"])
def test_others_get_a_message_and_no_names(demo_course, monkeypatch, viewer):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    monkeypatch.delenv("KIT_VIEWER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    people = _people(demo_course)
    if viewer == "staf":
        viewer = next(e.username for e in people if e.jabatan == "Analis Data")
    text = _page_text(manager_dashboard(viewer_name=viewer))
    assert not [e.nama for e in people if e.nama in text]
    assert "Belum ada data" in text or "Dasbor ini untuk atasan" in text


@pytest.mark.browser
def test_lurah_sees_no_other_unit_in_the_browser(
    demo_course, isolated_jupyter_env, tmp_path, monkeypatch
):
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("browser test cannot run on CI: /usr/bin/chromium is missing")
        pytest.skip("system Chromium is missing")
    from playwright.sync_api import sync_playwright

    people = _people(demo_course)
    lurah = next(e for e in people if e.jabatan == "Lurah" and e.unit == "TJN")
    port = free_port()
    env = {**serve.voila_env(demo_course.root), "KIT_VIEWER": lurah.username}
    process = subprocess.Popen(
        serve.voila_command(APPS_DIR / "dashboard_manajer.ipynb", port),
        env=env,
        cwd=APPS_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        serve.wait_for_http(base + serve.VOILA_READY_PATH, process, timeout=60)
        home = tmp_path / "chromium-home"
        home.mkdir()
        monkeypatch.setenv("HOME", str(home))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(base + "/", wait_until="domcontentloaded")
            page.wait_for_selector(".widget-dropdown select", timeout=60_000)
            page.wait_for_selector("table", timeout=60_000)
            content = page.content()
            browser.close()
        assert time.perf_counter() - started < 120
        own = [e.nama for e in people if e.unit == "TJN"]
        others = [e.nama for e in people if e.unit != "TJN" and e.nama not in own]
        assert all(name in content for name in own)
        assert [name for name in others if name in content] == []
        assert json.dumps(content).count("Kelurahan Paya Pasir") == 0
    finally:
        serve.stop(process)
