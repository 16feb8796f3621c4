"""One learner's record: their own rows of the HR report and what comes next for them.

``record_for`` narrows a course's ``HrReport`` to one learner before any page is built, so the
learner's page never receives another learner's data; it is a pure function of the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kit.competency import RewardRules
from kit.core import message
from kit.course import Module
from kit.people import AccessError
from kit.reports.report import HrReport

__all__ = ["LearnerRecord", "next_module", "record_for"]


@dataclass(frozen=True)
class LearnerRecord:
    """One learner's rows of an ``HrReport`` plus what the page needs besides.

    Every table holds this learner's rows only; ``record_for`` guarantees it.
    """

    username: str
    name: str
    unit_name: str
    position: str
    masked_nip: str
    year: int
    generated_at: dt.datetime
    rule_version: str
    jp_target: float
    pass_share: float
    jp: pd.Series  # one jp_per_learner row: jp_modules, jp_external, jp_total, target, met
    jp_ledger: pd.DataFrame  # this year's JP records
    competencies: pd.DataFrame
    evidence: pd.DataFrame
    modules_completed: pd.DataFrame
    standing: pd.Series  # one standing row: score, tier, eligible, explanation
    next_module: Module | None  # None when every module is passed


def record_for(
    report: HrReport, username: str, modules: list[Module], rules: RewardRules
) -> LearnerRecord:
    """The rows of ``report`` that belong to ``username``; ``AccessError`` if not a learner.

    ``masked_nip`` is the report's NIP as it stands: mask the report's learners first
    (``kit.people.scope_learners``) when the record is for the learner's own page.
    """
    person = report.learners[report.learners["username"] == username]
    if person.empty:
        raise AccessError(message("rapor.not_learner", username=username))
    row = person.iloc[0]

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["username"] == username].reset_index(drop=True)

    ledger = own(report.jp_ledger)
    completed = own(report.modules_completed)
    return LearnerRecord(
        username=username,
        name=str(row["nama"]),
        unit_name=str(row["unit_name"]),
        position=str(row["jabatan"]),
        masked_nip=str(row["nip"]),
        year=report.meta.year,
        generated_at=report.meta.generated_at,
        rule_version=report.meta.rule_version,
        jp_target=float(rules.jp_target),
        pass_share=float(rules.module_pass_share),
        jp=own(report.jp_per_learner).iloc[0],
        jp_ledger=ledger[ledger["year"] == report.meta.year].reset_index(drop=True),
        competencies=own(report.competencies),
        evidence=own(report.evidence),
        modules_completed=completed,
        standing=own(report.standing).iloc[0],
        next_module=next_module(modules, set(completed["assignment"])),
    )


def next_module(modules: list[Module], passed_assignments: set[str]) -> Module | None:
    """The first module of the curriculum whose assignment is not passed yet."""
    return next((m for m in modules if m.assignment not in passed_assignments), None)
