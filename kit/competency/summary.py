"""Competency summary of a course: the one front door the CLI and the dashboards both use."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kit.competency.framework import CompetencyFramework
from kit.competency.mastery import cell_competency_map, mastery_by_learner, mastery_by_unit
from kit.core import unit_names
from kit.course import COURSE_ENV, Course, choose_course
from kit.grading import read_grades
from kit.people import mask_nip, read_roster

__all__ = [
    "CourseSummary",
    "load_summary",
    "course_from_env",
    "summary_json",
    "person_table",
    "unit_table",
    "restrict_summary",
]


@dataclass
class CourseSummary:
    """Everything a dashboard or report needs, computed from one read of the gradebook."""

    framework: CompetencyFramework
    learners: pd.DataFrame  # username, nip, nama, unit, jabatan, email
    grades: pd.DataFrame  # one row per learner and grade cell (kit.grading.gradebook.read_grades)
    cell_map: pd.DataFrame  # grade cell -> competency, weight, level
    per_learner: pd.DataFrame  # long: username, unit, competency, mastery, ...
    per_unit: pd.DataFrame  # long: unit, competency, learners, with_evidence, mean_mastery
    # username, assignment, score, max_score, graded_score, graded_max, pending_cells, timestamp
    assignment_scores: pd.DataFrame
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())


def course_from_env(default: Path | None = None) -> Course:
    """The course a dashboard shows: ``KIT_COURSE_DIR``, else ``default``, else the kit's
    default course (``kit.course.choose_course``), so pages and ``kit`` commands agree."""
    if default is not None and not os.environ.get(COURSE_ENV):
        return Course(Path(default).resolve())
    return choose_course().course


def load_summary(course: Course, framework: CompetencyFramework | None = None) -> CourseSummary:
    """Read roster, gradebook and tags of ``course`` and compute mastery per learner and unit."""
    framework = framework or CompetencyFramework.load()
    learners = pd.DataFrame(
        [vars(e) for e in read_roster(course.roster_path)],
        columns=["username", "nip", "nama", "unit", "jabatan", "email"],
    )
    grades = read_grades(course.gradebook_path)
    cell_map = cell_competency_map(course.source_dir, framework)
    per_learner = mastery_by_learner(grades, cell_map, learners)
    per_unit = mastery_by_unit(per_learner)
    graded = ~grades["needs_manual_grade"]
    scores = (
        grades.assign(
            pending=(~graded).astype(int),
            graded_score=grades["score"].where(graded, 0.0),
            graded_max=grades["max_score"].where(graded, 0.0),
        )
        .groupby(["student_id", "assignment"], as_index=False)
        .agg(
            score=("score", "sum"),
            max_score=("max_score", "sum"),
            graded_score=("graded_score", "sum"),
            graded_max=("graded_max", "sum"),
            pending_cells=("pending", "sum"),
            timestamp=("timestamp", "max"),
        )
        .rename(columns={"student_id": "username"})
    )
    return CourseSummary(framework, learners, grades, cell_map, per_learner, per_unit, scores)


def summary_json(summary: CourseSummary) -> dict:
    """The summary as ``kit summary --json`` prints it: versions, per learner, per unit
    (missing mastery as null)."""

    def records(frame: pd.DataFrame) -> list[dict]:
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    return {
        "framework_version": summary.framework.version,
        "generated_at": summary.generated_at.isoformat(),
        "per_learner": records(summary.per_learner),
        "per_unit": records(summary.per_unit),
    }


def restrict_summary(summary: CourseSummary, units: set[str] | frozenset[str]) -> CourseSummary:
    """The summary cut down to the learners of ``units``: what a scoped page may receive."""
    learners = summary.learners[summary.learners["unit"].isin(units)].reset_index(drop=True)
    people = set(learners["username"])
    return replace(
        summary,
        learners=learners,
        grades=summary.grades[summary.grades["student_id"].isin(people)].reset_index(drop=True),
        per_learner=summary.per_learner[summary.per_learner["username"].isin(people)],
        per_unit=summary.per_unit[summary.per_unit["unit"].isin(units)],
        assignment_scores=summary.assignment_scores[
            summary.assignment_scores["username"].isin(people)
        ],
    )


def _percent(values: pd.Series) -> pd.Series:
    return (values * 100).round(0)


def _score_texts(points: pd.DataFrame) -> pd.Series:
    """ "7 / 10" per username, with the cells still awaiting manual grading."""
    points = points.set_index("username")
    text = points["score"].map("{:g}".format) + " / " + points["max_score"].map("{:g}".format)
    pending = points["pending_cells"].astype(int)
    waiting = text + " (" + pending.astype(str) + " sel menunggu penilaian manual)"
    return text.where(pending == 0, waiting)


def person_table(
    summary: CourseSummary, unit: str | None = None, full_nip: bool = False
) -> pd.DataFrame:
    """One row per learner (optionally of one unit): NIP (masked unless ``full_nip``, for HR),
    scores and mastery in percent."""
    learners = summary.learners
    if unit:
        learners = learners[learners["unit"] == unit]
    table = pd.DataFrame(
        {
            "username": learners["username"].to_numpy(),
            "Nama": learners["nama"].to_numpy(),
            "NIP": learners["nip"].to_numpy()
            if full_nip
            else [mask_nip(n) for n in learners["nip"]],
            "Unit kerja": learners["unit"].map(unit_names()).to_numpy(),
        }
    )
    for assignment, part in summary.assignment_scores.groupby("assignment"):
        table[f"Nilai {assignment}"] = (
            table["username"].map(_score_texts(part)).fillna("belum mengumpulkan")
        )
    wide = summary.per_learner.pivot(index="username", columns="competency", values="mastery")
    for code in summary.framework.codes:
        if code in wide.columns:
            table[summary.framework.display_name(code)] = _percent(
                table["username"].map(wide[code])
            )
    return table.drop(columns="username").sort_values(["Unit kerja", "Nama"], ignore_index=True)


def unit_table(summary: CourseSummary) -> pd.DataFrame:
    """One row per unit: learners, submissions and mean mastery per competency in percent."""
    names = unit_names()
    submitted = summary.assignment_scores.merge(
        summary.learners[["username", "unit"]], on="username"
    )
    rows = []
    for code, name in names.items():
        members = summary.learners[summary.learners["unit"] == code]
        if members.empty:
            continue
        unit_scores = submitted[submitted["unit"] == code]
        row = {
            "Unit kerja": name,
            "Peserta": len(members),
            "Sudah mengumpulkan": unit_scores["username"].nunique(),
            # Over graded cells only: an answer awaiting manual grading is not a zero.
            "Rata-rata nilai (%)": round(
                float(unit_scores["graded_score"].sum() / unit_scores["graded_max"].sum() * 100), 0
            )
            if unit_scores["graded_max"].sum() > 0
            else float("nan"),
        }
        part = summary.per_unit[summary.per_unit["unit"] == code].set_index("competency")
        for competency in summary.framework.codes:
            if competency in part.index:
                row[summary.framework.display_name(competency)] = round(
                    float(part.at[competency, "mean_mastery"]) * 100, 0
                )
        rows.append(row)
    return pd.DataFrame(rows)
