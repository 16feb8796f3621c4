"""The manager dashboard's widgets, on a small hand-built course summary.

How a page is built, and what it says when a course is broken: ``test_page.py``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kit.apps.dashboard import ALL_UNITS, ManagerDashboard, manager_dashboard
from kit.apps.pages import html_table
from kit.competency import CompetencyFramework, mastery_by_learner, mastery_by_unit
from kit.competency.summary import CourseSummary
from kit.core.organisation import load_units
from kit.grading.gradebook import GRADE_COLUMNS

LEARNERS = [
    # username, unit, name, points on test_olah (of 2), points on test_aduan (of 3); None: absent
    ("siti.aminah", "KEC", "Siti Aminah", 2, 3),
    ("budi.santoso", "KEC", "Budi Santoso", 1, 0),
    ("rina.harahap", "PPS", "Rina Harahap", 2, 2),
    ("joko.lubis", "TJN", "Joko Lubis", 0, 1),
    ("dewi.sari", "TJN", "Dewi Sari", None, None),
]
CELLS = [("test_olah", "DATA.OLAH", 2.0), ("test_aduan", "LAYANAN.PENGADUAN", 3.0)]


def make_summary(learners=LEARNERS) -> CourseSummary:
    """A CourseSummary computed by the kit's own functions from hand-written grades."""
    roster = pd.DataFrame(
        [
            (user, f"19800101200501100{i}", name, unit, "Staf", f"{user}@contoh.go.id")
            for i, (user, unit, name, *_) in enumerate(learners, start=1)
        ],
        columns=["username", "nip", "nama", "unit", "jabatan", "email"],
    )
    cell_map = pd.DataFrame(
        [("tugas01", "tugas01", grade_id, code, 1.0, 1) for grade_id, code, _ in CELLS],
        columns=["assignment", "notebook", "grade_id", "competency", "weight", "level"],
    )
    rows = []
    for user, _unit, _name, *points in learners:
        if points[0] is None:
            continue
        for (grade_id, _code, max_score), score in zip(CELLS, points, strict=True):
            rows.append(
                (user, "tugas01", "tugas01", grade_id, "code", max_score, float(score), None,
                 None, False, float(score), pd.Timestamp("2026-11-20 10:00"))
            )  # fmt: skip
    grades = pd.DataFrame(rows, columns=GRADE_COLUMNS)
    per_learner = mastery_by_learner(grades, cell_map, roster)
    scores = (
        grades.groupby(["student_id", "assignment"], as_index=False)
        .agg(score=("score", "sum"), max_score=("max_score", "sum"))
        .assign(graded_score=lambda f: f["score"], graded_max=lambda f: f["max_score"])
        .assign(pending_cells=0)
        .rename(columns={"student_id": "username"})
    )
    return CourseSummary(
        framework=CompetencyFramework.load(),
        learners=roster,
        grades=grades,
        cell_map=cell_map,
        per_learner=per_learner,
        per_unit=mastery_by_unit(per_learner),
        assignment_scores=scores,
        generated_at=dt.datetime(2026, 11, 29, 7, 48, tzinfo=dt.UTC),
    )


@pytest.fixture
def board() -> ManagerDashboard:
    widget = manager_dashboard(make_summary())
    assert isinstance(widget, ManagerDashboard)
    return widget


def test_unit_filter_offers_every_unit(board):
    labels = [label for label, _ in board.unit_filter.options]
    assert labels == ["Semua unit", *(unit.name for unit in load_units())]
    assert board.unit_filter.value == ALL_UNITS


def test_header_shows_title_and_time_in_wib(board):
    header = board.children[0].value
    assert "Dasbor Kompetensi Digital ASN Kecamatan Medan Marelan" in header
    assert "Data per 29 November 2026, pukul 14.48 WIB" in header


def test_choosing_a_unit_shows_only_its_people(board):
    everyone = board.person_view.value
    assert all(name in everyone for _, _, name, *_ in LEARNERS)

    board.unit_filter.value = "PPS"

    shown = board.person_view.value
    assert "Rina Harahap" in shown
    assert "Siti Aminah" not in shown and "Joko Lubis" not in shown
    assert "Peserta: Kelurahan Paya Pasir" in board.people.title.value
    assert board.person_frame()["Unit kerja"].unique().tolist() == ["Kelurahan Paya Pasir"]
    assert '<tr class="selected"><td>Kelurahan Paya Pasir</td>' in board.unit_view.value

    board.unit_filter.value = ALL_UNITS
    assert board.person_view.value == everyone
    assert 'class="selected"' not in board.unit_view.value


def test_unit_without_people_says_so(board):
    board.unit_filter.value = "RGP"
    assert "Belum ada peserta terdaftar dari unit ini." in board.person_view.value


def test_headline_figures_follow_the_unit(board):
    assert "<b>5</b>Peserta terdaftar" in board.figures.value
    assert "<b>4</b>Sudah mengumpulkan tugas" in board.figures.value
    board.unit_filter.value = "TJN"
    assert "<b>2</b>Peserta terdaftar" in board.figures.value
    assert "<b>1</b>Sudah mengumpulkan tugas" in board.figures.value
    assert "<b>20%</b>Rata-rata nilai tugas" in board.figures.value  # Joko: 1 of 5 points


def test_tables_show_percentages_and_mark_missing_values(board):
    units = board.unit_view.value
    # KEC: mastery of DATA.OLAH is the mean of 100% and 50%.
    assert ">75%</td>" in units
    board.unit_filter.value = "TJN"
    people = board.person_view.value
    assert "belum mengumpulkan" in people  # Dewi has no submission
    assert '<td class="num">–</td>' in people
    assert "nan" not in people.lower()


def test_html_table_escapes_text():
    frame = pd.DataFrame({"Nama": ["<script>alert(1)</script>"], "Skor (%)": [50.0]})
    table = html_table(frame, ["Skor (%)"])
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "<th>Skor</th>" in table and ">50%</td>" in table


def test_headline_average_mastery_ignores_missing_evidence(board):
    # Eight competency shares with evidence (Dewi has none): 1, 1, .5, 0, 1, 2/3, 0, 1/3.
    assert "<b>56%</b>Rata-rata penguasaan kompetensi" in board.figures.value
    board.unit_filter.value = "TJN"  # Joko 0 and 1/3; Dewi without evidence is left out
    assert "<b>17%</b>Rata-rata penguasaan kompetensi" in board.figures.value


def test_nip_is_masked_unless_the_viewer_is_hr():
    summary = make_summary()
    masked = ManagerDashboard(summary).person_frame()["NIP"].tolist()
    full = ManagerDashboard(summary, full_nip=True).person_frame()["NIP"].tolist()
    assert sorted(full) == sorted(summary.learners["nip"])
    assert all(n not in masked for n in full)
    assert all("*" in n or "x" in n.lower() or "•" in n for n in masked)
