"""The HR report on a small hand-built course: exact levels, JP totals and reward standings."""

from __future__ import annotations

import datetime as dt
import math

import nbformat
import pytest
from nbgrader.api import Gradebook

from kit.competency.implementation import record_confirmation
from kit.competency.jp import ExternalRecord, write_external
from kit.competency.rewards import load_rules
from kit.course.nbgrader_course import Course, put_scripts_on_path
from kit.people.roster import RosterEntry, move_learner, write_roster
from kit.reports.report import build_report

WIB = dt.timezone(dt.timedelta(hours=7))
RULES = load_rules()


def _cell(grade_id, points, tags, markdown=False):
    if markdown:
        cell = nbformat.v4.new_markdown_cell("jawaban")
        cell.metadata["nbgrader"] = {"grade": True, "solution": True, "grade_id": grade_id,
                                     "points": points}  # fmt: skip
    else:
        cell = nbformat.v4.new_code_cell("assert True")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": points}
    cell.metadata["marelan"] = {
        "competencies": [{"code": c, "weight": 1.0, "level": lvl} for c, lvl in tags]
    }
    return cell


@pytest.fixture(scope="module")
def report_course(tmp_path_factory):
    put_scripts_on_path()
    root = tmp_path_factory.mktemp("kursus")
    course = Course(root)
    source = root / "source" / "tugas_a"
    source.mkdir(parents=True)
    cells = [
        _cell("a1", 2, [("DATA.OLAH", 2)]),
        _cell("a2", 2, [("DATA.OLAH", 2), ("DATA.ANALISIS", 1)]),
        _cell("a3", 4, [("INOVASI.IMPLEMENTASI", 3)], markdown=True),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), source / "nb.ipynb")
    modules = root / "courses" / "m_a"
    modules.mkdir(parents=True)
    (modules / "module.yml").write_text(
        "id: m_a\ntitle: Modul A\njp: 12\nassignment: tugas_a\n", encoding="utf-8"
    )
    roster = [
        RosterEntry("ani", "198501012010012001", "Ani", "LBD", "Staf Pelayanan"),
        RosterEntry("budi", "198601012010011002", "Budi", "LBD", "Staf Pelayanan"),
        RosterEntry("cici", "198701012010012003", "Cici", "TJN", "Staf Pelayanan"),
        RosterEntry("lurah", "197001012000011004", "Bu Lurah", "LBD", "Lurah"),
        RosterEntry("dedi", "198801012010011005", "Dedi", "KEC", "Analis Data"),
    ]
    write_roster(course.roster_path, roster)
    may = dt.datetime(2026, 5, 4, 10, 0)
    with Gradebook(course.gradebook_url) as gb:
        gb.add_assignment("tugas_a")
        gb.add_notebook("nb", "tugas_a")
        gb.add_grade_cell("a1", "nb", "tugas_a", max_score=2, cell_type="code")
        gb.add_grade_cell("a2", "nb", "tugas_a", max_score=2, cell_type="code")
        gb.add_grade_cell("a3", "nb", "tugas_a", max_score=4, cell_type="markdown")
        gb.add_solution_cell("a3", "nb", "tugas_a")
        for entry in roster:
            gb.add_student(entry.username)
        scores = {
            # learner: (a1 auto, a2 auto, a3 manual or None = awaiting manual grading)
            "ani": (2, 2, 3),
            "budi": (2, 1, None),
            "cici": (2, 2, 2),
        }
        for student, (a1, a2, a3) in scores.items():
            gb.add_submission("tugas_a", student, timestamp=may)
            for cell, points in (("a1", a1), ("a2", a2)):
                grade = gb.find_grade(cell, "nb", "tugas_a", student)
                grade.auto_score = points
                grade.needs_manual_grade = False  # as autograde leaves a passing code cell
            manual = gb.find_grade("a3", "nb", "tugas_a", student)
            if a3 is not None:
                manual.manual_score = a3
                manual.needs_manual_grade = False
        # Regraded: the instructor lowered budi's a1 by hand; manual overrides auto.
        gb.find_grade("a1", "nb", "tugas_a", "budi").manual_score = 1
        gb.db.commit()
    write_external(
        root / "jp_external.csv",
        [
            ExternalRecord("ani", "2026-03-02", "2026-03-02", "USU", "Workshop", 8.0),
            ExternalRecord("cici", "2026-09-01", "2026-09-01", "BSSN", "Siber", 10.0),
            ExternalRecord("budi", "2025-11-03", "2025-11-03", "USU", "Tahun lalu", 9.0),
        ],
    )
    record_confirmation(
        root, roster, "ani", "lurah", list(RULES.confirmers), list(RULES.district_wide),
        now=dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB),
    )  # fmt: skip
    # cici worked in Terjun until the end of June, then moved to Labuhan Deli.
    move_learner(root, "cici", "LBD", dt.date(2026, 7, 1))
    return build_report(course, year=2026, courses_dir=root / "courses")


def _competency(report, username, code):
    table = report.competencies.set_index(["username", "competency"])
    return table.loc[(username, code)]


def test_levels_follow_the_rule(report_course):
    report = report_course
    ani = _competency(report, "ani", "DATA.OLAH")
    assert ani["mastery"] == 1.0 and ani["level"] == 2  # two level-2 cells, full marks
    # one cell only: below the minimum evidence, so no level despite full marks
    only_one = _competency(report, "ani", "DATA.ANALISIS")
    assert only_one["mastery"] == 1.0 and only_one["level"] == 0
    # budi: a1 regraded to 1 by hand + a2 = 1 -> 2/4 = 0.5, exactly the level-1 threshold
    budi = _competency(report, "budi", "DATA.OLAH")
    assert budi["mastery"] == 0.5 and budi["level"] == 1
    # budi's project awaits manual grading: no evidence, pending counted
    pending = _competency(report, "budi", "INOVASI.IMPLEMENTASI")
    assert math.isnan(pending["mastery"]) and pending["pending_cells"] == 1
    dedi = _competency(report, "dedi", "DATA.OLAH")
    assert math.isnan(dedi["mastery"]) and dedi["level"] == 0 and dedi["evidence_cells"] == 0


def test_evidence_trail_traces_every_number(report_course):
    trail = report_course.evidence
    budi = trail[(trail["username"] == "budi") & (trail["competency"] == "DATA.OLAH")]
    assert budi[["grade_id", "score", "max_score"]].values.tolist() == [
        ["a1", 1.0, 2.0],
        ["a2", 1.0, 2.0],
    ]
    assert (budi["timestamp"] == "2026-05-04 10:00").all()
    assert "a3" not in set(trail.loc[trail["username"] == "budi", "grade_id"])


def test_jp_totals(report_course):
    jp = report_course.jp_per_learner.set_index("username")
    assert jp.at["ani", "jp_modules"] == 12.0 and jp.at["ani", "jp_external"] == 8.0
    assert jp.at["ani", "jp_total"] == 20.0 and bool(jp.at["ani", "met"]) is True  # exactly 20
    assert jp.at["budi", "jp_total"] == 0.0  # 2/8 fails the module; last year's JP not counted
    assert jp.at["cici", "jp_total"] == 22.0 and bool(jp.at["cici", "met"]) is True
    assert jp.at["dedi", "jp_total"] == 0.0


def test_learner_in_two_units_over_the_year(report_course):
    ledger = report_course.jp_ledger
    cici = ledger[ledger["username"] == "cici"].set_index("source")
    assert cici.at["modul", "unit"] == "TJN"  # earned in May, in Terjun
    assert cici.at["eksternal", "unit"] == "LBD"  # earned in September, in Labuhan Deli
    units = report_course.units.set_index("unit")
    # at the end of the year cici counts for Labuhan Deli: ani and cici met 20 JP of four
    assert units.at["LBD", "learners"] == 4
    assert units.at["LBD", "jp_compliance"] == 0.5
    assert "TJN" not in units.index
    assert units.at["KEC", "jp_compliance"] == 0.0


def test_reward_standing_and_explanations(report_course):
    standing = report_course.standing.set_index("username")
    ani = standing.loc["ani"]
    # mastery mean (DATA.OLAH 1.0, DATA.ANALISIS 1.0) * 40 + 20/20 * 20 + 3/4 * 40 = 90
    assert ani["score"] == 90.0 and ani["tier"] == "Emas"
    # The confirming manager by name and position, not by login.
    assert "dikonfirmasi oleh Bu Lurah (Lurah) pada 2026-10-01" in ani["explanation"]
    cici = standing.loc["cici"]
    # graded project (2/4) but nobody confirmed it in use: implementation earns nothing
    assert cici["implementasi"] == 0.0 and cici["tier"] == ""
    assert "belum dikonfirmasi atasan" in cici["explanation"]
    budi = standing.loc["budi"]
    assert "aksi perubahan belum dinilai instruktur" in budi["explanation"]
    assert "JP tahun ini baru 0 dari 20" in budi["explanation"]
    assert set(standing["rule_version"]) == {"2026.1"}
    assert report_course.meta.rule_version == "2026.1"
    assert report_course.units.set_index("unit").at["LBD", "reward_eligible"] == 1
