"""The manager dashboard's rewards-and-needs tab: reward candidates, the nearly eligible, and
training needs per competency and per person, with the modules that train them.

The rules are ``kit.competency``'s pure functions (``reward_candidates``, ``training_needs``,
...); this module only words their results in Indonesian and lays them out.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from kit.apps.pages import PagedTable, html_table
from kit.competency import (
    CompetencyFramework,
    RewardRules,
    needs_by_competency,
    needs_by_person,
    reward_candidates,
    suggested_modules,
    training_need_below,
    training_needs,
)
from kit.core import message, unit_names
from kit.course import Module
from kit.reports import HrReport

__all__ = ["RewardsAndNeeds"]


class RewardsAndNeeds(widgets.VBox):
    """Candidates and the nearly eligible (paged), the rules' note, and the training needs.

    ``learners`` (username, nama, unit) names the people of the report; ``show`` redraws every
    part for a report already cut to the chosen unit.
    """

    def __init__(
        self,
        learners: pd.DataFrame,
        framework: CompetencyFramework,
        rules: RewardRules,
        modules: list[Module],
        page_size: int,
    ) -> None:
        self.learners = learners.set_index("username")
        self.rules = rules
        self.modules = modules
        self.need_below = training_need_below(framework)
        name = message("dashboard_manajer.col.name")
        self.reward_heading = widgets.HTML()
        self.reward_heading.add_class("marelan-reward-table")
        self.candidates = PagedTable(
            page_size, search_columns=[name], empty_text=message("dashboard_manajer.no_candidates")
        )
        self.near = PagedTable(
            page_size, search_columns=[name], empty_text=message("dashboard_manajer.no_near")
        )
        self.candidates.add_class("marelan-candidates")
        self.near.add_class("marelan-near-candidates")
        self.reward_note = widgets.HTML()
        self.needs_heading = widgets.HTML()
        self.needs_heading.add_class("marelan-needs-table")
        self.needs_summary = widgets.HTML()
        self.needs_summary.add_class("marelan-needs-summary")
        self.needs_people = PagedTable(
            page_size,
            search_columns=[name, message("dashboard_manajer.col.competency")],
            empty_text=message("dashboard_manajer.no_needs"),
        )
        self.needs_people.add_class("marelan-needs-people")
        super().__init__(
            [
                self.reward_heading,
                self.candidates,
                _subheading("dashboard_manajer.near_heading"),
                self.near,
                self.reward_note,
                self.needs_heading,
                self.needs_summary,
                _subheading("dashboard_manajer.needs_people_heading"),
                self.needs_people,
            ]
        )

    def show(self, report: HrReport, scope: str) -> None:
        """Redraw every part for ``report`` (already cut to the unit named ``scope``)."""
        self._show_rewards(report, scope)
        self._show_needs(report, scope)

    # --- rewards ---

    def reward_candidates(self, report: HrReport) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(eligible, nearly eligible) standings of ``report``, best first (the rules')."""
        return reward_candidates(report.standing, self.rules)

    def _standing_table(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.name"): frame["username"].map(self.learners["nama"]),
                message("dashboard_manajer.col.tier"): frame["tier"].replace("", "-"),
                message("dashboard_manajer.col.score"): frame["score"].round(1),
                message("dashboard_manajer.col.explanation"): frame["explanation"],
            }
        )

    def _show_rewards(self, report: HrReport, scope: str) -> None:
        candidates, near = self.reward_candidates(report)
        heading = message("dashboard_manajer.rewards_heading", unit=scope)
        self.reward_heading.value = (
            f'<div class="marelan-dash"><h3>{html.escape(heading)}</h3>'
            f"<h4>{html.escape(message('dashboard_manajer.candidates_heading'))}</h4></div>"
        )
        self.candidates.set_frame(self._standing_table(candidates))
        self.near.set_frame(self._standing_table(near))
        note = message(
            "dashboard_manajer.rewards_note",
            version=report.meta.rule_version,
            gap=f"{self.rules.near_candidate_gap:g}",
        )
        self.reward_note.value = f'<div class="marelan-dash muted">{html.escape(note)}</div>'

    # --- training needs ---

    def training_needs(self, report: HrReport) -> pd.DataFrame:
        """Per learner and competency in need: name, competency, level and modules."""
        needs = training_needs(report.competencies, self.need_below)
        no_evidence = message("dashboard_manajer.no_evidence")
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.name"): needs["username"].map(self.learners["nama"]),
                message("dashboard_manajer.col.competency"): needs["competency_name"],
                message("dashboard_manajer.col.level"): [
                    no_evidence if pd.isna(m) else str(int(level))
                    for m, level in zip(needs["mastery"], needs["level"], strict=True)
                ],
                message("dashboard_manajer.col.modules"): needs["competency"].map(self._modules),
            }
        )

    def training_needs_by_competency(self, report: HrReport) -> pd.DataFrame:
        """Per competency: how many people need it (with or without evidence), and its modules."""
        grouped = needs_by_competency(training_needs(report.competencies, self.need_below))
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.competency"): grouped["competency_name"],
                message("dashboard_manajer.col.people_in_need"): grouped["people"],
                message("dashboard_manajer.col.without_evidence"): grouped["without_evidence"],
                message("dashboard_manajer.col.modules"): grouped["competency"].map(self._modules),
            }
        )

    def training_needs_by_person(self, report: HrReport) -> pd.DataFrame:
        """One row per person in need: their competencies to raise and the modules that do it."""
        needs = training_needs(report.competencies, self.need_below)
        name, count = message("dashboard_manajer.col.name"), message("dashboard_manajer.col.count")
        unit = message("dashboard.unit_filter")
        competency = message("dashboard_manajer.col.competency")
        modules = message("dashboard_manajer.col.modules")
        people = needs_by_person(needs)
        if people.empty:
            return pd.DataFrame(columns=[name, unit, count, competency, modules])
        names = dict(zip(needs["competency"], needs["competency_name"], strict=True))
        no_evidence = message("dashboard_manajer.no_evidence").lower()
        frame = pd.DataFrame(
            {
                name: people["username"].map(self.learners["nama"]),
                unit: people["username"].map(self.learners["unit"]).map(unit_names()),
                count: people["count"].to_numpy(),
                competency: [
                    "; ".join(
                        f"{names[code]} ({no_evidence if level is None else f'level {level}'})"
                        for code, level in zip(codes, levels, strict=True)
                    )
                    for codes, levels in zip(people["competencies"], people["levels"], strict=True)
                ],
                modules: [self._modules(*codes) for codes in people["competencies"]],
            }
        )
        return frame.sort_values([count, name], ascending=[False, True], ignore_index=True)

    def _modules(self, *codes: str) -> str:
        titles = [m.title for m in suggested_modules(self.modules, codes)]
        return "; ".join(titles) or message("dashboard_manajer.no_module")

    def _show_needs(self, report: HrReport, scope: str) -> None:
        heading = message("dashboard_manajer.needs_heading", unit=scope)
        self.needs_heading.value = (
            f'<div class="marelan-dash"><h3>{html.escape(heading)}</h3></div>'
        )
        summary = self.training_needs_by_competency(report)
        if summary.empty:
            self.needs_summary.value = (
                f'<div class="marelan-dash"><p>'
                f"{html.escape(message('dashboard_manajer.no_needs'))}</p></div>"
            )
        else:
            note = message("dashboard_manajer.needs_note", level=self.need_below)
            self.needs_summary.value = (
                '<div class="marelan-dash">'
                + html_table(summary, [])
                + f'<div class="muted">{html.escape(note)}</div></div>'
            )
        self.needs_people.set_frame(self.training_needs_by_person(report))


def _subheading(key: str) -> widgets.HTML:
    return widgets.HTML(f'<div class="marelan-dash"><h4>{html.escape(message(key))}</h4></div>')
