"""Viewer identity and scoping: each person receives only the rows they may see."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.course.nbgrader_course import Course
from kit.people.access import (
    AccessError,
    current_viewer_name,
    resolve_viewer,
    scope_learners,
    write_course_roles,
)
from kit.people.roster import RosterEntry, write_roster

ROSTER = [
    RosterEntry("camat", "197001012000011001", "Pak Camat", "KEC", "Camat"),
    RosterEntry("lurah.lbd", "197101012000011002", "Bu Lurah", "LBD", "Lurah"),
    RosterEntry("ani", "198501012010012004", "Ani", "LBD", "Staf Pelayanan"),
    RosterEntry("budi", "198601012010011005", "Budi", "TJN", "Staf Pelayanan"),
]


@pytest.fixture
def course(tmp_path):
    course = Course(tmp_path)
    write_roster(course.roster_path, ROSTER)
    write_course_roles(course, instructors=["dosen.usu"], hr=["bkpsdm"])
    return course


def learners():
    return pd.DataFrame([vars(e) for e in ROSTER])


def test_viewer_comes_from_jupyterhub_first():
    assert current_viewer_name({"JUPYTERHUB_USER": "ani", "KIT_VIEWER": "budi"}) == "ani"
    assert current_viewer_name({"KIT_VIEWER": "budi"}) == "budi"
    assert current_viewer_name({}) is None


def test_lurah_sees_only_own_unit_with_masked_nip(course):
    viewer = resolve_viewer(course, "lurah.lbd")
    assert viewer.roles == {"learner", "manager"} and viewer.units == {"LBD"}
    rows = scope_learners(learners(), viewer, "manager")
    assert set(rows["username"]) == {"lurah.lbd", "ani"}
    assert "budi" not in set(rows["username"])
    assert rows["nip"].str.contains(r"\*").all()


def test_camat_sees_every_unit(course):
    rows = scope_learners(learners(), resolve_viewer(course, "camat"), "manager")
    assert set(rows["username"]) == {"camat", "lurah.lbd", "ani", "budi"}


def test_learner_sees_only_themself(course):
    viewer = resolve_viewer(course, "ani")
    assert viewer.roles == {"learner"}
    rows = scope_learners(learners(), viewer, "learner")
    assert rows["username"].tolist() == ["ani"]
    with pytest.raises(AccessError, match="tidak memiliki peran 'manager'"):
        scope_learners(learners(), viewer, "manager")


def test_hr_sees_full_nip_and_instructor_sees_masked(course):
    hr = scope_learners(learners(), resolve_viewer(course, "bkpsdm"), "hr")
    assert hr.set_index("username").at["ani", "nip"] == "198501012010012004"
    instructor = scope_learners(learners(), resolve_viewer(course, "dosen.usu"), "instructor")
    assert instructor.set_index("username").at["ani", "nip"] == "1985***********004"


@pytest.mark.parametrize("name", [None, "", "orang.asing"])
def test_unknown_viewer_sees_a_message_and_no_data(course, name):
    with pytest.raises(AccessError, match="data tidak ditampilkan"):
        resolve_viewer(course, name)
