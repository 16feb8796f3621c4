"""The manager dashboard receives only the viewer's units: data layer and real browser."""

from __future__ import annotations

import pytest

from kit.apps.dashboard import manager_dashboard
from kit.people.roster import read_roster
from tests.browser import APPS_DIR, chromium_page, foreign_requests, save_screenshot, served_voila

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


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, "Identitas pengguna tidak diketahui"),
        ("orang.asing", "Pengguna &#x27;orang.asing&#x27; tidak terdaftar"),
        ("staf", "Dasbor ini untuk atasan"),
    ],
)
def test_others_get_a_message_and_no_names(demo_course, monkeypatch, viewer, expected):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    monkeypatch.delenv("KIT_VIEWER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    people = _people(demo_course)
    if viewer == "staf":
        viewer = next(e.username for e in people if e.jabatan == "Analis Data")
    text = _page_text(manager_dashboard(viewer_name=viewer))
    assert not [e.nama for e in people if e.nama in text]
    assert "Dasbor tidak dapat ditampilkan untuk akun Anda" in text and expected in text
    assert "<table" not in text


@pytest.mark.browser
def test_lurah_sees_no_other_unit_in_the_browser(
    sync_playwright, demo_course, isolated_jupyter_env, tmp_path
):
    people = _people(demo_course)
    lurah = next(e for e in people if e.jabatan == "Lurah" and e.unit == "TJN")
    notebook = APPS_DIR / "dashboard_manajer.ipynb"
    with (
        served_voila(
            notebook, demo_course.root, lurah.username, tmp_path, artifact_log="voila-lurah.log"
        ) as server,
        chromium_page(sync_playwright, tmp_path) as browser,
    ):
        page = browser.page
        page.goto(server.base + "/", wait_until="domcontentloaded")
        page.wait_for_selector(".widget-dropdown select")
        page.wait_for_selector(".marelan-person-table table")
        page.click(".marelan-tabs .lm-TabBar-tab:has-text('Grafik dan perkembangan')")
        page.wait_for_function(
            "document.querySelectorAll('.marelan-chart .js-plotly-plot').length === 3",
        )
        content = page.content()
        save_screenshot(page, "dashboard_manajer_lurah.png")
    own = [e.nama for e in people if e.unit == "TJN"]
    others = [e.nama for e in people if e.unit != "TJN" and e.nama not in own]
    assert all(name in content for name in own)
    assert [name for name in others if name in content] == []
    # Neither in the filter, the tables nor the charts' legends.
    assert content.count("Kelurahan Paya Pasir") == 0
    assert foreign_requests(browser.requests) == []
