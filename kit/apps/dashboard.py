"""The manager dashboard (Voila): competency per work unit and per person, filtered by unit.

``voila_apps/dashboard_manajer.ipynb`` only calls ``manager_dashboard()``. The page layer
(``kit.apps.page``) resolves the viewer and loads the course once per change; the data are cut
to the viewer's units before any widget exists, so a page never receives another unit's rows.
The rules behind the rewards and training-needs tab are ``kit.competency``'s.
"""

from __future__ import annotations

import base64
import html
import math
import tempfile
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from kit.apps.charts import chart_output, show_figure
from kit.apps.charts import warm_up as warm_up_charts
from kit.apps.dashboard_charts import jp_trend_chart, level_chart, score_trend_chart
from kit.apps.dashboard_needs import RewardsAndNeeds
from kit.apps.page import PageData, PageSpec, build_page, debug_enabled, technical_detail
from kit.apps.pages import PAGE_CSS, PagedTable, html_table, percent_text
from kit.competency import CourseSummary, load_rules, person_table, restrict_summary, unit_table
from kit.core import load_units, message, project_root, unit_names, wib_label
from kit.course import Course, load_modules
from kit.people import Viewer
from kit.reports import HrReport, export_excel, monthly_jp, monthly_scores, restrict_report

__all__ = ["DASHBOARD", "ManagerDashboard", "manager_dashboard"]

ALL_UNITS = ""
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per page of the person, candidate and training-need tables: what a manager reads at once,
# and what keeps a 2,000-person page light in the browser.
PAGE_SIZE = 25
# Tabs under the headline figures: people (and the download), charts, rewards and needs.
CHARTS_TAB = 1

DASHBOARD = PageSpec(
    title="dashboard.title",
    allowed_roles=frozenset({"manager", "hr", "instructor"}),
    denied="access.not_manager",
    access_heading="dashboard.access_heading",
    requires=("learners", "grades"),
    warm_up=warm_up_charts,
)


def manager_dashboard(
    summary: CourseSummary | None = None,
    viewer_name: str | None = None,
    report: HrReport | None = None,
    *,
    course: Course | None = None,
) -> widgets.Widget:
    """The dashboard scoped to the viewer's units, or a message instead of data.

    With no ``summary`` given, the page layer takes the course from the environment (or
    ``course``) and the viewer from ``JUPYTERHUB_USER``/``KIT_VIEWER`` (or ``viewer_name``): a
    manager sees their own unit(s), the camat, HR and instructors every unit; anyone else a
    message and no data. A ``summary`` (and ``report``) passed in is shown as it is (the caller
    has scoped it); without a report the reward, training-need, trend and download sections are
    left out.
    """
    if summary is not None:
        return ManagerDashboard(summary, report=report)
    return build_page(DASHBOARD, _render, course=course, viewer_name=viewer_name)


def _render(viewer: Viewer, data: PageData) -> ManagerDashboard:
    # Scoped before any widget exists: other units' rows never reach the page.
    scoped = restrict_summary(data.summary, viewer.units)
    return ManagerDashboard(
        scoped,
        units=viewer.units,
        report=restrict_report(data.report, set(scoped.learners["username"])),
        full_nip=viewer.sees_full_nip,
        viewer=viewer.username,
    )


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
        # The rewards-and-needs tab (only with a report).
        self.rewards: RewardsAndNeeds | None = None
        if report is None:
            children.append(self.people)
        else:
            self.rewards = RewardsAndNeeds(
                summary.learners,
                summary.framework,
                self._rules,
                load_modules(project_root() / "courses"),
                PAGE_SIZE,
            )
            overview = widgets.VBox(
                [self.people, widgets.HBox([self.download_button, self.download_link])]
            )
            charts = widgets.VBox(
                [self.level_chart, self.trends_heading, self.jp_chart, self.score_chart]
            )
            self.tabs.children = [overview, charts, self.rewards]
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
            self.rewards.show(report, self._unit_title(unit))
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
        try:
            data = base64.b64encode(self.excel_bytes()).decode("ascii")
        except Exception as error:  # noqa: BLE001 - a failed export is said, in Indonesian
            # Nothing is offered: a workbook whose export was not audited must not leave.
            detail = f" ({technical_detail(error)})" if debug_enabled() else ""
            failed = message("dashboard_manajer.download_failed") + detail
            self.download_link.value = f'<span class="muted">{html.escape(failed)}</span>'
            return
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

    def _jp_target(self) -> float:
        targets = self.report.jp_per_learner["target"] if self.report is not None else []
        return float(targets.iloc[0]) if len(targets) else self._rules.jp_target

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
