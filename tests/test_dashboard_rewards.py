"""The manager dashboard's rewards, training needs and Excel download, scoped to the viewer."""

from __future__ import annotations

import base64
import io
import re

import pytest
from openpyxl import load_workbook

from kit.apps.dashboard import ManagerDashboard, manager_dashboard
from kit.course.nbgrader_course import Course
from kit.people.roster import read_roster
from kit.reports.excel import HEADER_ROW, SHEETS
from kit.reports.report import build_report

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
    from kit.demo.workspace import DEMO_HR

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
