"""The HR report: competencies, learning hours (JP) and reward standing in one structure.

``build_report`` is the one front door the ``kit rewards`` / ``kit export`` commands and the
dashboards use; exporters (Excel, CSV, badges, certificates) only format an ``HrReport``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pandas as pd

from kit.competency import (
    CompetencyFramework,
    CourseSummary,
    FrameworkError,
    RewardRules,
    competency_levels,
    compute_standing,
    evidence_trail,
    jp_ledger,
    jp_per_learner,
    latest_confirmations,
    load_rules,
    load_summary,
    module_completions,
    read_external,
)
from kit.core import message, project_root, unit_names
from kit.course import Course, load_modules
from kit.people import read_unit_history, unit_on

__all__ = ["HrReport", "ReportMeta", "build_report", "restrict_report"]


@dataclass(frozen=True)
class ReportMeta:
    rule_version: str  # reward rules file version (every export carries it)
    framework_version: str  # competency framework version
    generated_at: dt.datetime  # timezone-aware
    year: int  # the year the JP ledger and standing are computed for
    course_id: str
    course_root: Path  # the course folder: every export of this report is audited there


@dataclass
class HrReport:
    """All tables use the roster ``username`` as key and carry ``nip`` in full.

    Exporters decide how a person is identified (masked NIP, keyed pseudonym, or full identity).

    - ``learners``: username, nip, nama, unit, unit_name, jabatan, email
    - ``competencies``: one row per learner x competency: username, unit, competency,
      competency_name, pillar, digcomp, mastery (0-1 or NaN), level (0-5; 0 = not reached),
      evidence_cells, pending_cells
    - ``evidence``: one row per learner x graded cell x competency: username, competency,
      assignment, notebook, grade_id, score, max_score, weight, cell_level, timestamp
    - ``jp_ledger``: one row per JP record: username, year, date, source ("modul" or
      "eksternal"), module_id, title, organiser, jp
    - ``jp_per_learner``: username, unit, year, jp_modules, jp_external, jp_total, target, met
    - ``modules_completed``: username, module_id, module_title, assignment, jp, score,
      max_score, passed_at (datetime)
    - ``units``: unit, unit_name, learners, jp_compliance (share meeting the target),
      mean_mastery, reward_eligible
    - ``standing``: username, unit, score (0-100), tier (str or ""), eligible (bool),
      explanation (Indonesian text), one column per reward component (its points), rule_version
    """

    meta: ReportMeta
    learners: pd.DataFrame
    competencies: pd.DataFrame
    evidence: pd.DataFrame
    jp_ledger: pd.DataFrame
    jp_per_learner: pd.DataFrame
    modules_completed: pd.DataFrame
    units: pd.DataFrame
    standing: pd.DataFrame


def build_report(
    course: Course,
    rules: RewardRules | None = None,
    framework: CompetencyFramework | None = None,
    year: int | None = None,
    courses_dir: Path | None = None,
    summary: CourseSummary | None = None,
) -> HrReport:
    """Compute competencies, JP and reward standing of ``course`` from one gradebook read.

    A ``summary`` already loaded (``kit.competency.load_summary``) of the same course is reused
    instead of reading the gradebook again.
    """
    rules = rules or load_rules()
    framework = framework or CompetencyFramework.load()
    generated_at = dt.datetime.now().astimezone()
    year = year or generated_at.year
    summary = summary or load_summary(course, framework)
    learners = summary.learners.assign(unit_name=summary.learners["unit"].map(unit_names()))

    evidence = evidence_trail(summary.grades, summary.cell_map)
    rule = framework.level_rule
    if rule is None:
        raise FrameworkError(message("framework.no_level_rule"))
    levels = competency_levels(evidence, rule.thresholds, rule.min_evidence_cells)
    competencies = summary.per_learner.merge(levels, on=["username", "competency"], how="left")
    competencies["level"] = competencies["level"].fillna(0).astype(int)
    by_code = {c.code: c for c in framework.competencies}
    competencies["competency_name"] = competencies["competency"].map(
        lambda code: by_code[code].name_id
    )
    competencies["pillar"] = competencies["competency"].map(lambda code: by_code[code].pillar)
    competencies["digcomp"] = competencies["competency"].map(lambda code: by_code[code].digcomp)
    competencies = competencies[
        ["username", "unit", "competency", "competency_name", "pillar", "digcomp", "mastery",
         "level", "evidence_cells", "pending_cells"]
    ]  # fmt: skip

    modules = load_modules(courses_dir or project_root() / "courses")
    completions = module_completions(summary.assignment_scores, modules, rules.module_pass_share)
    ledger = jp_ledger(completions, read_external(course.root / "jp_external.csv"))
    history = read_unit_history(course.root)
    # JP records stay with the unit the learner was in when earned; a learner counts for the
    # unit they belong to at the end of the year (today, for the current year).
    ledger.insert(1, "unit", unit_on(history, learners, ledger["username"], ledger["date"]))
    year_end = min(dt.date(year, 12, 31), generated_at.date())
    learners_in_year = learners.assign(
        unit=unit_on(
            history, learners, learners["username"], pd.Series(year_end, index=learners.index)
        )
    )
    per_learner_jp = jp_per_learner(ledger, learners_in_year, year, rules.jp_target)

    standing = compute_standing(
        _standing_inputs(course, learners, competencies, per_learner_jp, rules), rules
    )

    unit_rows = []
    for code, name in unit_names().items():
        members = learners_in_year[learners_in_year["unit"] == code]["username"]
        if members.empty:
            continue
        jp_part = per_learner_jp[per_learner_jp["username"].isin(members)]
        mastery = competencies[competencies["username"].isin(members)]["mastery"]
        unit_rows.append(
            {
                "unit": code,
                "unit_name": name,
                "learners": len(members),
                "jp_compliance": float(jp_part["met"].mean()),
                "mean_mastery": float(mastery.mean()) if mastery.notna().any() else float("nan"),
                "reward_eligible": int(
                    standing["eligible"][standing["username"].isin(members)].sum()
                ),
            }
        )
    meta = ReportMeta(
        rule_version=rules.version,
        framework_version=framework.version,
        generated_at=generated_at,
        year=year,
        course_id=_course_id(course),
        course_root=course.root,
    )
    return HrReport(
        meta=meta,
        learners=learners,
        competencies=competencies,
        evidence=evidence,
        jp_ledger=ledger,
        jp_per_learner=per_learner_jp,
        modules_completed=completions,
        units=pd.DataFrame(unit_rows),
        standing=standing,
    )


def restrict_report(report: HrReport, usernames: set[str]) -> HrReport:
    """``report`` with every per-person table cut to ``usernames`` and its units to theirs.

    A new report: the one given (often a cached snapshot's) is left as it is.
    """
    tables = {}
    for field in fields(report):
        frame = getattr(report, field.name)
        if isinstance(frame, pd.DataFrame) and "username" in frame.columns:
            tables[field.name] = frame[frame["username"].isin(usernames)].reset_index(drop=True)
    kept_units = set(report.learners[report.learners["username"].isin(usernames)]["unit"])
    units = report.units
    if "unit" in units.columns:
        units = units[units["unit"].isin(kept_units)].reset_index(drop=True)
    return replace(report, units=units, **tables)


def _standing_inputs(
    course: Course,
    learners: pd.DataFrame,
    competencies: pd.DataFrame,
    per_learner_jp: pd.DataFrame,
    rules: RewardRules,
) -> pd.DataFrame:
    impl_code = rules.implementation_competency
    general = competencies[competencies["competency"] != impl_code]
    mastery = general.groupby("username")["mastery"].mean()
    impl = competencies[competencies["competency"] == impl_code].set_index("username")["mastery"]
    confirmations = latest_confirmations(course.root).set_index("username")
    inputs = learners[["username", "unit"]].copy()
    inputs["mastery"] = inputs["username"].map(mastery)
    inputs["jp_total"] = (
        inputs["username"].map(per_learner_jp.set_index("username")["jp_total"]).fillna(0.0)
    )
    inputs["implementation_share"] = inputs["username"].map(impl)
    status = inputs["username"].map(confirmations["status"]) if len(confirmations) else None
    inputs["confirmed"] = (status == "confirmed") if status is not None else False
    for column in ("confirmed_by", "confirmed_at"):
        inputs[column] = (
            inputs["username"].map(confirmations[column]).fillna("") if len(confirmations) else ""
        )
    # Explanations name the confirming manager as people know them: name and position.
    people = learners.set_index("username")
    known = {
        username: f"{row.nama} ({row.jabatan})"
        if isinstance(row.jabatan, str) and row.jabatan
        else row.nama
        for username, row in people[["nama", "jabatan"]].iterrows()
    }
    inputs["confirmed_by"] = inputs["confirmed_by"].map(lambda by: known.get(by, by))
    return inputs


def _course_id(course: Course) -> str:
    config = course.root / "nbgrader_config.py"
    if config.exists():
        for line in config.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("c.CourseDirectory.course_id"):
                return line.split("=", 1)[1].strip().strip("\"'")
    return course.root.name
