"""The manager dashboard's rewards, training needs and Excel download, scoped to the viewer;
the download audited in the course's log, checked in a real browser."""

from __future__ import annotations

import base64
import io
import re
import shutil

import pytest
from openpyxl import load_workbook

from kit.apps.dashboard import ManagerDashboard, manager_dashboard
from kit.core.audit import read_events
from kit.core.messages import message
from kit.core.organisation import unit_names
from kit.course.nbgrader_course import Course
from kit.demo.workspace import DEMO_HR
from kit.people.roster import read_roster
from kit.reports.excel import HEADER_ROW, SHEETS
from kit.reports.report import build_report
from tests.browser import APPS_DIR, chromium_page, foreign_requests, save_screenshot, served_voila

pytestmark = pytest.mark.slow


@pytest.fixture
def scoped(demo_course, monkeypatch):
    """Build a dashboard for a named viewer of the demo course."""
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    people = read_roster(demo_course.roster_path)

    def build(jabatan: str, unit: str | None = None) -> ManagerDashboard:
        viewer = next(e for e in people if e.jabatan == jabatan and unit in (None, e.unit))
        board = manager_dashboard(viewer_name=viewer.username)
        assert isinstance(board, ManagerDashboard)
        return board

    return build, people


def _rewards_text(board: ManagerDashboard) -> str:
    tab = board.rewards
    parts = (tab.reward_heading, tab.candidates.view, tab.near.view, tab.reward_note)
    return "\n".join(part.value for part in parts)


def _needs_text(board: ManagerDashboard) -> str:
    tab = board.rewards
    parts = (tab.needs_heading, tab.needs_summary, tab.needs_people.view)
    return "\n".join(part.value for part in parts)


def _standing_units(board: ManagerDashboard) -> tuple[list[str], str]:
    board.download_button.click()
    link = board.download_link.value
    match = re.search(r'href="data:([^;]+);base64,([^"]+)" download="([^"]+)"', link)
    assert match, link
    assert match.group(1) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(base64.b64decode(match.group(2))))
    sheet = workbook[SHEETS[3]]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    column = header.index("Unit")
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return [row[column] for row in rows if row[column]], match.group(3)


def test_lurah_sees_own_candidates_matching_the_report(scoped, demo_course):
    build, people = scoped
    board = build("Lurah", "PPS")
    own = {e.username for e in people if e.unit == "PPS"}
    report = build_report(Course(demo_course.root))
    expected = report.standing[report.standing["username"].isin(own)]
    shown = board.selected_report().standing
    assert set(shown["username"]) == own
    merged = shown.merge(expected, on="username", suffixes=("", "_full"))
    assert (merged["score"] == merged["score_full"]).all()
    assert (merged["tier"] == merged["tier_full"]).all()
    assert (merged["eligible"] == merged["eligible_full"]).all()
    text = _rewards_text(board)
    assert "Kandidat penghargaan" in text
    for row in expected[expected["eligible"]].itertuples():
        name = next(e.nama for e in people if e.username == row.username)
        assert name in text
        assert row.tier in text
    # Every explanation shown comes from the report; at least one appears.
    explanations = [e for e in expected["explanation"] if e.split(".")[0] in text]
    assert explanations
    others = [e.nama for e in people if e.unit != "PPS" and e.username not in own]
    assert not [n for n in others if n in text or n in _needs_text(board)]


def test_training_needs_name_the_module(scoped):
    build, _people = scoped
    board = build("Lurah", "PPS")
    report = board.selected_report()
    needs = board.rewards.training_needs(report)
    assert not needs.empty
    modules = needs["Modul yang disarankan"]
    titles = {m.title for m in board.rewards.modules}
    assert any(any(title in text for title in titles) for text in modules)
    assert "Kebutuhan pelatihan" in _needs_text(board)
    by_person = board.rewards.training_needs_by_person(report)
    assert set(by_person["Nama"]) == set(needs["Nama"])


def test_excel_download_holds_only_the_lurah_unit(scoped):
    build, people = scoped
    board = build("Lurah", "PPS")
    units, filename = _standing_units(board)
    assert filename == "laporan_semua_unit.xlsx"
    assert units and set(units) == {"PPS"}
    assert len(units) == sum(1 for e in people if e.unit == "PPS")
    board.unit_filter.value = "PPS"
    units, filename = _standing_units(board)
    assert filename == "laporan_PPS.xlsx" and set(units) == {"PPS"}


def test_camat_sees_every_unit(scoped):
    build, people = scoped
    board = build("Camat")
    assert set(board.selected_report().standing["username"]) == {e.username for e in people}
    units, _ = _standing_units(board)
    assert set(units) == {e.unit for e in people}
    assert "Memenuhi target" in board.figures.value


def test_hr_sees_full_nip_on_the_page_and_in_the_workbook(demo_course, monkeypatch):
    monkeypatch.setenv("KIT_COURSE_DIR", str(demo_course.root))
    people = read_roster(demo_course.roster_path)
    hr = manager_dashboard(viewer_name=DEMO_HR[0])
    lurah = next(e for e in people if e.jabatan == "Lurah" and e.unit == "PPS")
    manager = manager_dashboard(viewer_name=lurah.username)
    assert isinstance(hr, ManagerDashboard) and isinstance(manager, ManagerDashboard)
    full = {e.nip for e in people}
    assert set(hr.person_frame()["NIP"]) == full
    assert not set(manager.person_frame()["NIP"]) & full
    hr.download_button.click()
    assert "NIP lengkap" in hr.download_link.value
    workbook = load_workbook(io.BytesIO(_workbook_bytes(hr)))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert full <= cells


def _workbook_bytes(board: ManagerDashboard) -> bytes:
    match = re.search(r'base64,([^"]+)"', board.download_link.value)
    assert match
    return base64.b64decode(match.group(1))


# --- the download in the browser, and its audit event ----------------------------------------


@pytest.fixture
def course_copy(demo_course, tmp_path) -> Course:
    """A copy of the graded demo course: its audit log is this test's alone."""
    root = tmp_path / "kursus"
    shutil.copytree(
        demo_course.root, root, ignore=shutil.ignore_patterns(".kit", "autograded", "feedback")
    )
    return Course(root)


@pytest.mark.browser
@pytest.mark.parametrize("who", ["lurah", "hr"])
def test_download_in_the_browser_is_audited(
    sync_playwright, course_copy, isolated_jupyter_env, tmp_path, who
):
    people = read_roster(course_copy.roster_path)
    if who == "hr":
        viewer, unit, identity = DEMO_HR[0], "TJN", "full"
    else:
        viewer = next(e.username for e in people if e.jabatan == "Lurah" and e.unit == "PPS")
        unit, identity = None, "masked"  # all of the lurah's units: PPS alone
    in_unit = sorted(e.username for e in people if e.unit == (unit or "PPS"))
    before = len(read_events(course_copy.root))
    with (
        served_voila(
            APPS_DIR / "dashboard_manajer.ipynb",
            course_copy.root,
            viewer,
            tmp_path,
            artifact_log=f"voila-download-{who}.log",
        ) as server,
        chromium_page(sync_playwright, tmp_path) as browser,
    ):
        page = browser.page
        page.goto(server.base + "/")
        page.wait_for_selector(".marelan-person-table table")
        if unit:
            page.select_option(".widget-dropdown select", label=unit_names()[unit])
            page.wait_for_function(
                "document.querySelector('.marelan-person-table h3').textContent"
                f".includes('{unit_names()[unit]}')"
            )
        assert read_events(course_copy.root)[before:] == []  # opening a page exports nothing
        page.click(".marelan-manager-dashboard button:has-text('Unduh laporan Excel')")
        link = page.wait_for_selector(".marelan-download a[download]")
        assert link.get_attribute("download") == f"laporan_{unit or 'semua_unit'}.xlsx"
        note = page.inner_text(".marelan-download")
        assert ("NIP lengkap" in note) == (identity == "full")
        with page.expect_download() as download_info:
            link.click()
        saved = tmp_path / download_info.value.suggested_filename
        download_info.value.save_as(saved)
        save_screenshot(page, f"dashboard_download_{who}.png")
    assert foreign_requests(browser.requests) == []

    sheet = load_workbook(saved)[SHEETS[3]]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    column = header.index("Unit")
    rows = [r for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[column]]
    assert {row[column] for row in rows} == {unit or "PPS"}
    (event,) = [e for e in read_events(course_copy.root)[before:] if e["event"] == "export.excel"]
    assert event["by"] == viewer
    scope = unit or message("dashboard.all_units")
    assert event["purpose"] == message("dashboard_manajer.download_purpose", unit=scope)
    assert event["people"] == len(in_unit) == len(rows)
    assert event["identity"] == identity
    assert event["files"] == 1
