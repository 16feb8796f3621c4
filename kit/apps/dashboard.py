"""The manager dashboard (Voila): competency per work unit and per person, filtered by unit.

All logic lives here; ``voila_apps/dashboard_manajer.ipynb`` only builds and displays it. Data
come from ``kit.reports`` (computed once per change of the course) and are cut to the viewer's
units before any widget exists, so a page never receives another unit's rows.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import math
import os
import tempfile
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
import sqlalchemy.exc

from kit.apps.charts import LEVEL_COLOURS, PALETTE, chart_output, page_figure, show_figure
from kit.apps.charts import warm_up as warm_up_charts
from kit.apps.pages import (
    PAGE_CSS,
    NoDataError,
    PagedTable,
    html_table,
    percent_text,
    wait_for_viewer,
)
from kit.competency import (
    CourseSummary,
    FrameworkError,
    RuleError,
    TagError,
    course_from_env,
    load_rules,
    person_table,
    restrict_summary,
    unit_table,
)
from kit.core import MONTHS, load_units, message, project_root, unit_names, wib_label
from kit.course import Course, CurriculumError, Module, load_modules
from kit.people import AccessError, current_viewer_name, resolve_viewer
from kit.reports import (
    CourseSnapshot,
    HrReport,
    course_snapshot,
    export_excel,
    monthly_jp,
    monthly_scores,
)

__all__ = [
    "ManagerDashboard",
    "NoDataError",
    "html_table",
    "level_chart",
    "load_dashboard_data",
    "load_dashboard_summary",
    "manager_dashboard",
    "no_data_message",
    "restrict_report",
    "jp_trend_chart",
    "score_trend_chart",
    "wait_for_viewer",
]

ALL_UNITS = ""
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per page of the person, candidate and training-need tables: what a manager reads at once,
# and what keeps a 2,000-person page light in the browser.
PAGE_SIZE = 25
# Tabs under the headline figures: people (and the download), charts, rewards and needs.
CHARTS_TAB = 1


def load_dashboard_data(course: Course | None = None) -> CourseSnapshot:
    """The course's summary and report (``course_from_env()`` by default), or ``NoDataError``.

    Computed once per change of the course's inputs (``kit.reports``); the error messages are
    for a manager, in Indonesian.
    """
    course = course or course_from_env()
    if not course.gradebook_path.exists():
        raise NoDataError(message("nodata.no_gradebook"))
    try:
        snapshot = course_snapshot(course)
    except (sqlalchemy.exc.SQLAlchemyError, pd.errors.DatabaseError) as error:
        raise NoDataError(message("nodata.bad_gradebook")) from error
    except TagError as error:
        raise NoDataError(message("nodata.bad_tags")) from error
    except (RuleError, FrameworkError, CurriculumError) as error:
        raise NoDataError(message("nodata.bad_rules")) from error
    if snapshot.summary.learners.empty:
        raise NoDataError(message("nodata.no_roster"))
    if snapshot.summary.grades.empty:
        raise NoDataError(message("nodata.no_grades"))
    return snapshot


def load_dashboard_summary(course: Course | None = None) -> CourseSummary:
    """The summary part of ``load_dashboard_data``."""
    return load_dashboard_data(course).summary


def manager_dashboard(
    summary: CourseSummary | None = None,
    viewer_name: str | None = None,
    report: HrReport | None = None,
) -> widgets.Widget:
    """The dashboard scoped to the viewer's units, or a friendly message instead of data.

    With no ``summary`` given, the course comes from the environment and the viewer from
    ``JUPYTERHUB_USER``/``KIT_VIEWER`` (or ``viewer_name``): a manager sees their own unit(s),
    the camat every unit; anyone else sees a message and no data. A ``summary`` (and ``report``)
    passed in is shown as it is (the caller has scoped it); without a report the reward,
    training-need, trend and download sections are left out.
    """
    if summary is not None:
        return ManagerDashboard(summary, report=report)
    course = course_from_env()
    _prefetch(course)
    wait_for_viewer()
    try:
        snapshot = load_dashboard_data(course)
        viewer = resolve_viewer(course, viewer_name or current_viewer_name())
    except NoDataError as error:
        return no_data_message(str(error), detail=_debug_detail(error))
    except AccessError as error:
        return no_data_message(str(error))
    if not viewer.roles & {"manager", "hr", "instructor"}:
        return no_data_message(message("access.not_manager", username=viewer.username))
    # Scoped before any widget exists: other units' rows never reach the page.
    scoped = restrict_summary(snapshot.summary, viewer.units)
    return ManagerDashboard(
        scoped,
        units=viewer.units,
        report=restrict_report(snapshot.report, set(scoped.learners["username"])),
        full_nip=viewer.sees_full_nip,
        viewer=viewer.username,
    )


def _prefetch(course: Course) -> None:
    """In a preheated kernel, compute or load the course's data before anyone opens the page.

    After the request the data are checked against the course's files again (a few ``stat``
    calls), so what the viewer sees is current; errors surface then, with the friendly message.
    """
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    try:
        load_dashboard_data(course)
    except Exception:  # noqa: BLE001 - shown to the viewer after the request, not here
        return
    warm_up_charts()


def restrict_report(report: HrReport, usernames: set[str]) -> HrReport:
    """``report`` with every per-person table cut to ``usernames`` and units to theirs."""
    tables = {}
    for field in dataclasses.fields(report):
        frame = getattr(report, field.name)
        if isinstance(frame, pd.DataFrame) and "username" in frame.columns:
            tables[field.name] = frame[frame["username"].isin(usernames)].reset_index(drop=True)
    kept_units = set(report.learners[report.learners["username"].isin(usernames)]["unit"])
    units = report.units
    if "unit" in units.columns:
        units = units[units["unit"].isin(kept_units)].reset_index(drop=True)
    return dataclasses.replace(report, units=units, **tables)


def no_data_message(reason: str, detail: str = "") -> widgets.HTML:
    """The message shown instead of tables (never a traceback)."""
    extra = f"<pre>{html.escape(detail)}</pre>" if detail else ""
    page = widgets.HTML(
        PAGE_CSS
        + '<div class="marelan-dash">'
        + f"<h2>{html.escape(message('dashboard.title'))}</h2>"
        + '<div class="marelan-nodata">'
        + f"<h3>{html.escape(message('nodata.heading'))}</h3>"
        + f"<p>{html.escape(reason)}</p>"
        + f'<p class="muted">{html.escape(message("nodata.contact"))}</p>{extra}</div></div>'
    )
    page.add_class("marelan-nodata-message")
    return page


# --- charts ------------------------------------------------------------------------------------


def level_chart(competencies: pd.DataFrame) -> go.Figure:
    """How many people stand at each level of each competency (stacked bars, one per competency).

    ``competencies`` is the report's table (one row per learner and competency); people without
    evidence for a competency form their own segment rather than counting as level 0.
    """
    figure = page_figure(message("dashboard_manajer.chart.levels"), height=560)
    names = list(dict.fromkeys(competencies["competency_name"]))[::-1]
    no_evidence = competencies["mastery"].isna()
    segments = [(message("dashboard_manajer.no_evidence"), no_evidence, "#f5f7fa")]
    for level in range(0, 6):
        label = message("dashboard_manajer.chart.level", level=level)
        segments.append((label, ~no_evidence & (competencies["level"] == level), None))
    for index, (label, mask, colour) in enumerate(segments):
        counts = competencies[mask].groupby("competency_name").size().reindex(names, fill_value=0)
        figure.add_bar(
            y=names,
            x=counts.to_list(),
            orientation="h",
            name=label,
            marker={
                "color": colour or LEVEL_COLOURS[index - 1],
                "line": {"color": "#9aa5b1", "width": 0.5},
            },
            hovertemplate=f"%{{y}}<br>{html.escape(label)}: %{{x}}<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        xaxis_title=message("dashboard_manajer.chart.people"),
        margin={"l": 330},
    )
    return figure


def jp_trend_chart(trend: pd.DataFrame, target: float) -> go.Figure:
    """Mean cumulative JP per person, month by month, one line per unit, with the target."""
    figure = page_figure(message("dashboard_manajer.chart.jp_trend"), height=340)
    names = unit_names()
    for index, (unit, part) in enumerate(trend.groupby("unit", sort=True)):
        figure.add_scatter(
            x=[MONTHS[m - 1] for m in part["month"]],
            y=part["jp_per_learner"].round(1).to_list(),
            mode="lines+markers",
            name=names.get(unit, unit),
            line={"color": PALETTE[index % len(PALETTE)], "width": 2.5},
            customdata=(part["met_share"] * 100).round(0).to_list(),
            hovertemplate=(
                "%{x}: %{y} JP per pegawai<br>%{customdata}% memenuhi target<extra>"
                + html.escape(names.get(unit, unit))
                + "</extra>"
            ),
        )
    figure.add_hline(
        y=target,
        line={"dash": "dash", "color": "#cb6e17"},
        annotation_text=message("dashboard_manajer.chart.target", target=f"{target:g}"),
        annotation_position="top left",
    )
    figure.update_layout(
        yaxis_title=message("dashboard_manajer.chart.jp_axis"), yaxis_rangemode="tozero"
    )
    return figure


def score_trend_chart(trend: pd.DataFrame) -> go.Figure:
    """Mean assignment score (graded cells) by month of submission, one line per unit."""
    figure = page_figure(message("dashboard_manajer.chart.score_trend"), height=340)
    names = unit_names()
    for index, (unit, part) in enumerate(trend.groupby("unit", sort=True)):
        figure.add_scatter(
            x=[f"{MONTHS[m.month - 1]} {m.year}" for m in part["month"]],
            y=part["mean_score"].round(0).to_list(),
            mode="lines+markers",
            name=names.get(unit, unit),
            line={"color": PALETTE[index % len(PALETTE)], "width": 2.5},
            customdata=part["submissions"].to_list(),
            hovertemplate=(
                "%{x}: %{y}%<br>%{customdata} pengumpulan<extra>"
                + html.escape(names.get(unit, unit))
                + "</extra>"
            ),
        )
    figure.update_layout(
        yaxis_title=message("dashboard_manajer.chart.score_axis"), yaxis_range=[0, 100]
    )
    return figure


# --- the page ----------------------------------------------------------------------------------


class ManagerDashboard(widgets.VBox):
    """Title, figures, charts, the per-unit overview and the paged per-person tables.

    Choosing a unit in ``unit_filter`` redraws every section for that unit and highlights its
    row in the overview.
    """

    def __init__(
        self,
        summary: CourseSummary,
        units: frozenset[str] | None = None,
        report: HrReport | None = None,
        full_nip: bool = False,
        viewer: str | None = None,
    ) -> None:
        self.summary = summary
        # Who downloads: the audit log names the viewer, not the server's account.
        self.viewer = viewer
        self.report = report
        # HR sees NIPs in full, on the page and in the workbook; everyone else masked.
        self.full_nip = full_nip
        self._units = unit_table(summary)
        self._rules = load_rules()
        # A scoped dashboard offers only the viewer's units.
        options = [(message("dashboard.all_units"), ALL_UNITS)] + [
            (u.name, u.code) for u in load_units() if units is None or u.code in units
        ]
        self.unit_filter = widgets.Dropdown(
            options=options,
            value=ALL_UNITS,
            description=message("dashboard.unit_filter"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        header = widgets.HTML(
            PAGE_CSS
            + '<div class="marelan-dash">'
            + f"<h2>{html.escape(message('dashboard.title'))}</h2>"
            + f'<div class="muted">{html.escape(self._updated_text())}</div></div>'
        )
        self.figures = widgets.HTML()
        self.unit_view = widgets.HTML()
        self.unit_view.add_class("marelan-unit-table")
        # Competency columns are shares: every one the framework names.
        percent = [summary.framework.display_name(code) for code in summary.framework.codes]
        self.people = PagedTable(
            PAGE_SIZE,
            search_columns=["Nama", "NIP", "Unit kerja"],
            percent_columns=percent,
            empty_text=message("dashboard.no_people"),
        )
        self.people.add_class("marelan-person-table")
        # The table's HTML (the page's per-person rows); kept under this name for callers.
        self.person_view = self.people.view

        children = [header, self.unit_filter, self.figures, self.unit_view]
        # The figures last drawn, by name (what the charts on the page show).
        self.shown_figures: dict[str, go.Figure] = {}
        self.level_chart = chart_output("marelan-level-chart")
        self.jp_chart = chart_output("marelan-jp-trend")
        self.score_chart = chart_output("marelan-score-trend")

        name = message("dashboard_manajer.col.name")
        self.reward_heading = widgets.HTML()
        self.reward_heading.add_class("marelan-reward-table")
        self.candidates = PagedTable(
            PAGE_SIZE,
            search_columns=[name],
            empty_text=message("dashboard_manajer.no_candidates"),
        )
        self.near = PagedTable(
            PAGE_SIZE, search_columns=[name], empty_text=message("dashboard_manajer.no_near")
        )
        self.candidates.add_class("marelan-candidates")
        self.near.add_class("marelan-near-candidates")
        self.reward_note = widgets.HTML()
        self.needs_heading = widgets.HTML()
        self.needs_heading.add_class("marelan-needs-table")
        self.needs_summary = widgets.HTML()
        self.needs_summary.add_class("marelan-needs-summary")
        self.needs_people = PagedTable(
            PAGE_SIZE,
            search_columns=[name, message("dashboard_manajer.col.competency")],
            empty_text=message("dashboard_manajer.no_needs"),
        )
        self.needs_people.add_class("marelan-needs-people")
        self.trends_heading = widgets.HTML()
        self.download_button = widgets.Button(
            description=message("dashboard_manajer.download_button"),
            icon="download",
            layout=widgets.Layout(width="240px"),
        )
        self.download_link = widgets.HTML()
        self.download_link.add_class("marelan-download")
        self.download_button.on_click(lambda _button: self.prepare_download())
        # Charts are drawn when their tab is first opened: plotly's renderer is a large script,
        # and a manager should not wait for it to read the tables.
        self.charts_drawn = False
        self.tabs = widgets.Tab()
        self.tabs.add_class("marelan-tabs")
        if report is None:
            children.append(self.people)
        else:
            self._modules = load_modules(project_root() / "courses")
            overview = widgets.VBox(
                [self.people, widgets.HBox([self.download_button, self.download_link])]
            )
            charts = widgets.VBox(
                [self.level_chart, self.trends_heading, self.jp_chart, self.score_chart]
            )
            people = widgets.VBox(
                [
                    self.reward_heading,
                    self.candidates,
                    self._subheading("dashboard_manajer.near_heading"),
                    self.near,
                    self.reward_note,
                    self.needs_heading,
                    self.needs_summary,
                    self._subheading("dashboard_manajer.needs_people_heading"),
                    self.needs_people,
                ]
            )
            self.tabs.children = [overview, charts, people]
            self.tabs.titles = [
                message("dashboard_manajer.tab.people"),
                message("dashboard_manajer.tab.charts"),
                message("dashboard_manajer.tab.rewards"),
            ]
            self.tabs.selected_index = 0
            self.tabs.observe(lambda _change: self._tab_opened(), names="selected_index")
            children.append(self.tabs)
        super().__init__(children=children)
        self.add_class("marelan-manager-dashboard")
        self.unit_filter.observe(lambda _change: self.render(), names="value")
        self.render()

    @property
    def selected_unit(self) -> str | None:
        return self.unit_filter.value or None

    def render(self) -> None:
        """Redraw everything that depends on the chosen unit."""
        unit = self.selected_unit
        self.figures.value = self._figures_html(unit)
        self.unit_view.value = self._unit_overview_html(unit)
        self.people.set_frame(
            self.person_frame(),
            note=message(
                "dashboard.people_note_full" if self.full_nip else "dashboard.people_note"
            ),
            title=message("dashboard.people_heading", unit=self._unit_title(unit)),
        )
        # An offered file belongs to the unit it was made for.
        self.download_link.value = ""
        if self.report is not None:
            report = self.selected_report()
            self._render_rewards(report, unit)
            self._render_needs(report, unit)
            if self.charts_drawn:
                self._render_charts(report, unit)

    def selected_report(self) -> HrReport | None:
        """The report cut to the chosen unit (all of the viewer's units when none is chosen)."""
        if self.report is None:
            return None
        learners = self.summary.learners
        if self.selected_unit:
            learners = learners[learners["unit"] == self.selected_unit]
        return restrict_report(self.report, set(learners["username"]))

    def excel_bytes(self) -> bytes:
        """The HR workbook of the chosen unit(s), identities masked."""
        report = self.selected_report()
        if report is None:
            raise ValueError("this dashboard was built without a report")
        with tempfile.TemporaryDirectory() as folder:
            mode = "full" if self.full_nip else "masked"
            path = export_excel(
                report,
                Path(folder) / "laporan.xlsx",
                mode=mode,
                purpose=message(
                    "dashboard_manajer.download_purpose",
                    unit=self.selected_unit or message("dashboard.all_units"),
                ),
                actor=self.viewer,
            )
            return path.read_bytes()

    def prepare_download(self) -> None:
        """Offer the workbook as a data: link, so the download needs no server round trip."""
        filename = f"laporan_{self.selected_unit or 'semua_unit'}.xlsx"
        data = base64.b64encode(self.excel_bytes()).decode("ascii")
        label = html.escape(message("dashboard_manajer.download_link", filename=filename))
        note = html.escape(
            message(
                "dashboard_manajer.download_note_full"
                if self.full_nip
                else "dashboard_manajer.download_note"
            )
        )
        self.download_link.value = (
            f'<a href="data:{XLSX_MIME};base64,{data}" download="{filename}">{label}</a>'
            f' <span class="muted">{note}</span>'
        )

    def person_frame(self) -> pd.DataFrame:
        """The per-person table of the chosen unit (every page of it)."""
        return person_table(self.summary, unit=self.selected_unit, full_nip=self.full_nip)

    def _selected_learners(self) -> pd.DataFrame:
        learners = self.summary.learners
        if self.selected_unit:
            learners = learners[learners["unit"] == self.selected_unit]
        return learners

    def _updated_text(self) -> str:
        return message("dashboard.updated", when=wib_label(self.summary.generated_at))

    def _figures_html(self, unit: str | None) -> str:
        learners = self._selected_learners()
        scores = self.summary.assignment_scores
        if unit:
            scores = scores[scores["username"].isin(learners["username"])]
        # As in the unit overview: over graded cells only (awaiting manual grading is not 0).
        graded_max = scores["graded_max"].sum()
        mean = scores["graded_score"].sum() / graded_max * 100 if graded_max > 0 else math.nan
        figures = [
            (message("dashboard.figure.learners"), str(len(learners))),
            (message("dashboard.figure.submitted"), str(scores["username"].nunique())),
            (message("dashboard.figure.mean_score"), percent_text(mean)),
            (message("dashboard.figure.pending"), str(int(scores["pending_cells"].sum()))),
        ]
        per_learner = self.summary.per_learner
        if unit:
            per_learner = per_learner[per_learner["username"].isin(learners["username"])]
        # Over competencies with evidence, as in the overview: no evidence is not 0.
        mastery = (
            per_learner["mastery"].mean() * 100
            if per_learner["mastery"].notna().any()
            else math.nan
        )
        figures.insert(3, (message("dashboard.figure.mean_mastery"), percent_text(mastery)))
        if self.report is not None:
            jp = self.report.jp_per_learner
            if unit:
                jp = jp[jp["username"].isin(learners["username"])]
            label = message(
                "dashboard_manajer.figure.jp_compliance",
                target=f"{self._jp_target():g}",
                year=self.report.meta.year,
            )
            share = float(jp["met"].mean()) * 100 if len(jp) else math.nan
            figures.append((label, percent_text(share)))
        cards = "".join(
            f'<div class="marelan-figure"><b>{html.escape(value)}</b>{html.escape(label)}</div>'
            for label, value in figures
        )
        return f'<div class="marelan-dash"><div class="marelan-figures">{cards}</div></div>'

    def _unit_overview_html(self, unit: str | None) -> str:
        selected_name = unit_names().get(unit or "")
        marks = None
        if selected_name:
            marks = [
                "selected" if n == selected_name else "dimmed" for n in self._units["Unit kerja"]
            ]
        return (
            '<div class="marelan-dash">'
            + f"<h3>{html.escape(message('dashboard.units_heading'))}</h3>"
            + html_table(self._units, self._percent_columns(self._units), row_classes=marks)
            + f'<div class="muted">{html.escape(message("dashboard.units_note"))}</div></div>'
        )

    def _unit_title(self, unit: str | None) -> str:
        return self.unit_filter.label if unit else message("dashboard.all_units")

    def _names(self) -> pd.Series:
        return self.summary.learners.set_index("username")["nama"]

    def _jp_target(self) -> float:
        targets = self.report.jp_per_learner["target"] if self.report is not None else []
        return float(targets.iloc[0]) if len(targets) else self._rules.jp_target

    @staticmethod
    def _subheading(key: str) -> widgets.HTML:
        return widgets.HTML(f'<div class="marelan-dash"><h4>{html.escape(message(key))}</h4></div>')

    # --- rewards ---

    def reward_candidates(
        self, report: HrReport | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(eligible, nearly eligible) standings of the chosen unit, best first.

        Nearly eligible: not eligible yet, but within the rules' ``near_candidate_gap`` points of
        the lowest tier.
        """
        report = report or self.selected_report()
        standing = report.standing.sort_values("score", ascending=False)
        lowest = min((t.min_score for t in self._rules.tiers), default=math.inf)
        near = ~standing["eligible"] & (
            standing["score"] >= lowest - self._rules.near_candidate_gap
        )
        return standing[standing["eligible"]], standing[near]

    def _standing_table(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.name"): frame["username"].map(self._names()),
                message("dashboard_manajer.col.tier"): frame["tier"].replace("", "-"),
                message("dashboard_manajer.col.score"): frame["score"].round(1),
                message("dashboard_manajer.col.explanation"): frame["explanation"],
            }
        )

    def _render_rewards(self, report: HrReport, unit: str | None) -> None:
        candidates, near = self.reward_candidates(report)
        heading = message("dashboard_manajer.rewards_heading", unit=self._unit_title(unit))
        self.reward_heading.value = (
            f'<div class="marelan-dash"><h3>{html.escape(heading)}</h3>'
            f"<h4>{html.escape(message('dashboard_manajer.candidates_heading'))}</h4></div>"
        )
        self.candidates.set_frame(self._standing_table(candidates))
        self.near.set_frame(self._standing_table(near))
        note = message(
            "dashboard_manajer.rewards_note",
            version=report.meta.rule_version,
            gap=f"{self._rules.near_candidate_gap:g}",
        )
        self.reward_note.value = f'<div class="marelan-dash muted">{html.escape(note)}</div>'

    # --- training needs ---

    def _need_rows(self, report: HrReport) -> pd.DataFrame:
        competencies = report.competencies
        below = self.summary.framework.level_rule
        need_below = below.training_need_below if below is not None else 2
        return competencies[(competencies["level"] < need_below) | competencies["mastery"].isna()]

    def training_needs(self, report: HrReport | None = None) -> pd.DataFrame:
        """Per learner of the chosen unit: competencies below the need level, and modules."""
        needs = self._need_rows(report or self.selected_report())
        no_evidence = message("dashboard_manajer.no_evidence")
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.name"): needs["username"].map(self._names()),
                message("dashboard_manajer.col.competency"): needs["competency_name"],
                message("dashboard_manajer.col.level"): [
                    no_evidence if pd.isna(m) else str(int(level))
                    for m, level in zip(needs["mastery"], needs["level"], strict=True)
                ],
                message("dashboard_manajer.col.modules"): needs["competency"].map(
                    lambda code: _modules_for(self._modules, code)
                ),
            }
        ).reset_index(drop=True)

    def training_needs_by_competency(self, report: HrReport | None = None) -> pd.DataFrame:
        """Per competency: how many people need it (with or without evidence), and its modules."""
        needs = self._need_rows(report or self.selected_report())
        grouped = needs.groupby(["competency", "competency_name"], as_index=False).agg(
            people=("username", "nunique"),
            without_evidence=("mastery", lambda m: int(m.isna().sum())),
        )
        grouped = grouped.sort_values(["people", "competency_name"], ascending=[False, True])
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.competency"): grouped["competency_name"],
                message("dashboard_manajer.col.people_in_need"): grouped["people"],
                message("dashboard_manajer.col.without_evidence"): grouped["without_evidence"],
                message("dashboard_manajer.col.modules"): grouped["competency"].map(
                    lambda code: _modules_for(self._modules, code)
                ),
            }
        ).reset_index(drop=True)

    def training_needs_by_person(self, report: HrReport | None = None) -> pd.DataFrame:
        """One row per person in need: their competencies to raise and the modules that do it."""
        needs = self._need_rows(report or self.selected_report())
        name = message("dashboard_manajer.col.name")
        count = message("dashboard_manajer.col.count")
        if needs.empty:
            return pd.DataFrame(
                columns=[
                    name,
                    message("dashboard.unit_filter"),
                    count,
                    message("dashboard_manajer.col.competency"),
                    message("dashboard_manajer.col.modules"),
                ]
            )
        no_evidence = message("dashboard_manajer.no_evidence").lower()
        levels = needs["level"].astype(int).astype(str)
        labels = needs["competency_name"] + (" (level " + levels + ")").where(
            needs["mastery"].notna(), f" ({no_evidence})"
        )
        titles = {
            code: _module_titles(self._modules, code) for code in needs["competency"].unique()
        }
        grouped = (
            needs.assign(label=labels)
            .groupby("username", sort=False)
            .agg(count=("label", "size"), labels=("label", "; ".join), codes=("competency", list))
        )
        modules = [
            "; ".join(dict.fromkeys(t for code in codes for t in titles[code]))
            or message("dashboard_manajer.no_module")
            for codes in grouped["codes"]
        ]
        learners = self.summary.learners.set_index("username")
        frame = pd.DataFrame(
            {
                name: grouped.index.map(learners["nama"]),
                message("dashboard.unit_filter"): grouped.index.map(learners["unit"]).map(
                    unit_names()
                ),
                count: grouped["count"].to_numpy(),
                message("dashboard_manajer.col.competency"): grouped["labels"].to_numpy(),
                message("dashboard_manajer.col.modules"): modules,
            }
        )
        return frame.sort_values([count, name], ascending=[False, True], ignore_index=True)

    def _render_needs(self, report: HrReport, unit: str | None) -> None:
        heading = message("dashboard_manajer.needs_heading", unit=self._unit_title(unit))
        rule = self.summary.framework.level_rule
        level = rule.training_need_below if rule is not None else 2
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
            note = message("dashboard_manajer.needs_note", level=level)
            self.needs_summary.value = (
                '<div class="marelan-dash">'
                + html_table(summary, [])
                + f'<div class="muted">{html.escape(note)}</div></div>'
            )
        self.needs_people.set_frame(self.training_needs_by_person(report))

    # --- charts ---

    def trends(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(monthly JP per person, monthly mean score) per unit of the chosen scope."""
        learners = self._selected_learners()
        return (
            monthly_jp(self.report, learners[["username", "unit"]]),
            monthly_scores(self.summary.assignment_scores, learners),
        )

    def show_charts(self) -> None:
        """Open the charts tab (drawing the charts if they are not drawn yet)."""
        self.tabs.selected_index = CHARTS_TAB

    def _tab_opened(self) -> None:
        if self.tabs.selected_index == CHARTS_TAB and not self.charts_drawn:
            self.charts_drawn = True
            self._render_charts(self.selected_report(), self.selected_unit)

    def _render_charts(self, report: HrReport, unit: str | None) -> None:
        scope = self._unit_title(unit)
        heading = message("dashboard_manajer.trends_heading", unit=scope)
        self.trends_heading.value = (
            f'<div class="marelan-dash"><h3>{html.escape(heading)}</h3>'
            f'<div class="muted">{html.escape(message("dashboard_manajer.trends_note"))}</div>'
            "</div>"
        )
        jp, scores = self.trends()
        self.shown_figures = {
            "levels": level_chart(report.competencies),
            "jp_trend": jp_trend_chart(jp, self._jp_target()),
            "score_trend": score_trend_chart(scores),
        }
        for output, name in (
            (self.level_chart, "levels"),
            (self.jp_chart, "jp_trend"),
            (self.score_chart, "score_trend"),
        ):
            show_figure(output, self.shown_figures[name])

    def _percent_columns(self, frame: pd.DataFrame) -> list[str]:
        names = {self.summary.framework.display_name(code) for code in self.summary.framework.codes}
        return [c for c in frame.columns if c in names or str(c).endswith("(%)")]


def _module_titles(modules: list[Module], code: str) -> list[str]:
    return [m.title for m in modules if code in m.competencies]


def _modules_for(modules: list[Module], code: str) -> str:
    return "; ".join(_module_titles(modules, code)) or message("dashboard_manajer.no_module")


def _debug_detail(error: BaseException) -> str:
    # Technical detail only on request (KIT_DEBUG=1): managers never see a traceback.
    if os.environ.get("KIT_DEBUG") not in ("1", "true", "True"):
        return ""
    cause = error.__cause__
    return f"{type(cause).__name__}: {cause}" if cause else ""
