"""Competency framework validation, cell tags and mastery computed from grades."""

from __future__ import annotations

import math

import nbformat
import pandas as pd
import pytest

from kit.competency import (
    CompetencyFramework,
    FrameworkError,
    TagError,
    cell_competency_map,
    mastery_by_learner,
    mastery_by_unit,
)
from kit.core.project import project_root

FRAMEWORK_OK = """
version: "t1"
name: Uji
competencies:
  - {code: A, name_id: Satu, name_en: One, pillar: Cakap Digital, digcomp: "1.1"}
  - {code: B, name_id: Dua, name_en: Two, pillar: Aman Digital, digcomp: "4.2"}
"""


def framework(tmp_path, text=FRAMEWORK_OK):
    path = tmp_path / "kerangka.yml"
    path.write_text(text)
    return CompetencyFramework.load(path)


def test_kit_framework_loads():
    kit_framework = CompetencyFramework.load()
    assert "DATA.OLAH" in kit_framework.codes
    assert kit_framework.display_name("DATA.OLAH") == "Mengolah data dengan pandas"


LINE = r" \(baris \d+\)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            FRAMEWORK_OK.replace("code: B", "code: A"),
            rf"competencies\[2\]\.code{LINE}: 'A' sudah dipakai oleh butir ke-1",
        ),
        (
            FRAMEWORK_OK.replace("Aman Digital", "Hebat Digital"),
            rf"competencies\[2\]\.pillar{LINE}: 'Hebat Digital' tidak dikenal",
        ),
        (
            FRAMEWORK_OK.replace('digcomp: "4.2"', "x: 1"),
            rf"competencies\[2\]\.digcomp{LINE}: wajib ada, tetapi tidak ditulis\n"
            rf"- competencies\[2\]\.x{LINE}: kunci tidak dikenal",
        ),
        ("version: 1\n", r"competencies: wajib ada, tetapi tidak ditulis"),
    ],
)
def test_framework_mistakes_get_precise_errors(tmp_path, text, message):
    with pytest.raises(FrameworkError, match=message):
        framework(tmp_path, text)


def make_source(tmp_path, tags_by_cell):
    cells = []
    for grade_id, tags in tags_by_cell.items():
        cell = nbformat.v4.new_code_cell("assert True")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 1}
        if tags is not None:
            cell.metadata["marelan"] = {"competencies": tags}
        cells.append(cell)
    folder = tmp_path / "source" / "tugas"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "nb.ipynb")
    return tmp_path / "source"


def test_cell_map_reads_string_and_weighted_tags(tmp_path):
    source = make_source(tmp_path, {"t1": ["A"], "t2": [{"code": "B", "weight": 0.5, "level": 3}]})
    table = cell_competency_map(source, framework(tmp_path))
    assert table.to_dict("records") == [
        {"assignment": "tugas", "notebook": "nb", "grade_id": "t1", "competency": "A",
         "weight": 1.0, "level": 1},
        {"assignment": "tugas", "notebook": "nb", "grade_id": "t2", "competency": "B",
         "weight": 0.5, "level": 3},
    ]  # fmt: skip


def test_bad_tags_are_all_reported(tmp_path):
    source = make_source(
        tmp_path,
        {
            "t1": None,
            "t2": ["Z"],
            "t3": [{"code": "A", "weight": "berat"}],
            "t4": [{"code": "B", "weight": 0}],
        },
    )
    with pytest.raises(TagError) as caught:
        cell_competency_map(source, framework(tmp_path))
    text = str(caught.value)
    assert "sel 't1': tidak ada tag kompetensi" in text
    assert "sel 't2': kompetensi 'Z' tidak ada di kerangka" in text
    assert "sel 't3': bobot/level kompetensi 'A' bukan angka" in text
    assert "sel 't4': bobot kompetensi 'B' harus lebih dari 0" in text


def test_every_committed_assignment_cell_is_tagged_with_known_competencies():
    table = cell_competency_map(
        project_root() / "assessments" / "source", CompetencyFramework.load()
    )
    assert len(table) > 0


def grade_rows(rows):
    columns = ["student_id", "assignment", "notebook", "grade_id", "max_score", "score",
               "needs_manual_grade"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


CELL_MAP = pd.DataFrame(
    [
        ("tugas", "nb", "t1", "A", 1.0, 2),
        ("tugas", "nb", "t2", "A", 0.5, 2),
        ("tugas", "nb", "t2", "B", 1.0, 2),
        ("tugas", "nb", "manual", "B", 1.0, 3),
    ],
    columns=["assignment", "notebook", "grade_id", "competency", "weight", "level"],
)
LEARNERS = pd.DataFrame({"username": ["ani", "budi", "cici"], "unit": ["LBD", "LBD", "KEC"]})


def test_mastery_is_weighted_share_of_graded_points():
    grades = grade_rows(
        [
            ("ani", "tugas", "nb", "t1", 2.0, 2.0, False),
            ("ani", "tugas", "nb", "t2", 4.0, 1.0, False),
            ("ani", "tugas", "nb", "manual", 3.0, 0.0, True),
            ("budi", "tugas", "nb", "t1", 2.0, 0.0, False),
            ("budi", "tugas", "nb", "t2", 4.0, 4.0, False),
            ("budi", "tugas", "nb", "manual", 3.0, 3.0, False),
        ]
    )
    result = mastery_by_learner(grades, CELL_MAP, LEARNERS).set_index(["username", "competency"])
    # ani, A: (2*1 + 1*0.5) / (2*1 + 4*0.5) = 2.5 / 4
    assert result.at[("ani", "A"), "mastery"] == pytest.approx(0.625)
    # ani, B: manual cell pending -> only t2 counts: 1/4
    assert result.at[("ani", "B"), "mastery"] == pytest.approx(0.25)
    assert result.at[("ani", "B"), "pending_cells"] == 1
    # budi, B: (4 + 3) / (4 + 3)
    assert result.at[("budi", "B"), "mastery"] == pytest.approx(1.0)
    assert result.at[("budi", "A"), "mastery"] == pytest.approx(2.0 / 4.0)
    # cici submitted nothing: present, but no evidence -> NaN, not 0
    assert math.isnan(result.at[("cici", "A"), "mastery"])
    assert result.at[("cici", "A"), "evidence_cells"] == 0

    units = mastery_by_unit(result.reset_index()).set_index(["unit", "competency"])
    assert units.at[("LBD", "A"), "mean_mastery"] == pytest.approx((0.625 + 0.5) / 2)
    assert units.at[("LBD", "A"), "learners"] == 2
    assert units.at[("KEC", "A"), "with_evidence"] == 0
    assert math.isnan(units.at[("KEC", "A"), "mean_mastery"])
