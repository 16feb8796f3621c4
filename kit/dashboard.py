"""The manager dashboard (Voila): competency per work unit and per person, filtered by unit.

All logic lives here; ``voila_apps/dashboard_manajer.ipynb`` only builds and displays it.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import math
import numbers
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import ipywidgets as widgets
import pandas as pd
import sqlalchemy.exc

from kit.access import AccessError, current_viewer_name, resolve_viewer
from kit.competency import FrameworkError, TagError
from kit.course import Course
from kit.curriculum import CurriculumError, Module, load_modules
from kit.dates import wib_label
from kit.exports.excel import export_excel
from kit.messages import message
from kit.organisation import load_units, unit_names
from kit.project import project_root
from kit.reporting import HrReport, build_report
from kit.rewards import RuleError, load_rules
from kit.summary import (
    CourseSummary,
    course_from_env,
    load_summary,
    person_table,
    restrict_summary,
    unit_table,
)

__all__ = [
    "ManagerDashboard",
    "NoDataError",
    "html_table",
    "load_dashboard_summary",
    "manager_dashboard",
    "no_data_message",
    "restrict_report",
    "wait_for_viewer",
]

ALL_UNITS = ""
# Medan keeps Western Indonesian Time whatever the server's clock is set to.
DISPLAY_TIMEZONE = ZoneInfo("Asia/Jakarta")
# A competency below this level is a training need (level 2 is "can apply with guidance").
NEED_BELOW_LEVEL = 2
# Not yet eligible but within this many points of the lowest tier: worth encouraging now.
NEAR_CANDIDATE_GAP = 15.0
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_CSS = """
<style>
.marelan-dash { font-family: var(--jp-ui-font-family, sans-serif); color: #1f2933; }
.marelan-dash h2 { margin: 0 0 4px 0; font-size: 1.6em; }
.marelan-dash h3 { margin: 18px 0 6px 0; font-size: 1.15em; }
.marelan-dash .muted { color: #52606d; font-size: 0.92em; }
.marelan-figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.marelan-figure { background: #f0f4f8; border-radius: 6px; padding: 10px 16px; min-width: 160px; }
.marelan-figure b { display: block; font-size: 1.7em; color: #102a43; }
.marelan-table { border-collapse: collapse; font-size: 0.95em; margin: 4px 0 8px 0; }
.marelan-table th { background: #243b53; color: #fff; text-align: left; padding: 6px 8px;
  vertical-align: bottom; max-width: 11em; white-space: normal; }
.marelan-table td { padding: 5px 8px; border-bottom: 1px solid #d9e2ec; }
.marelan-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.marelan-table tr:nth-child(even) td { background-color: #f7f9fb; }
.marelan-table tr.selected td { background-color: #fff3c4; font-weight: 600; }
.marelan-table tr.dimmed td { color: #9aa5b1; }
.marelan-nodata { background: #fff8e1; border-left: 5px solid #f0b429; padding: 12px 18px; }
</style>
"""


class NoDataError(RuntimeError):
    """The course has nothing to show yet; the message is for a manager, in Indonesian."""


def load_dashboard_summary(course: Course | None = None) -> CourseSummary:
    """The summary of ``course`` (default: ``course_from_env()``), or ``NoDataError``."""
    course = course or course_from_env()
    if not course.gradebook_path.exists():
        raise NoDataError(message("nodata.no_gradebook"))
    try:
        summary = load_summary(course)
    except (sqlalchemy.exc.SQLAlchemyError, pd.errors.DatabaseError) as error:
        raise NoDataError(message("nodata.bad_gradebook")) from error
    except TagError as error:
        raise NoDataError(message("nodata.bad_tags")) from error
    if summary.learners.empty:
        raise NoDataError(message("nodata.no_roster"))
    if summary.grades.empty:
        raise NoDataError(message("nodata.no_grades"))
    return summary


def wait_for_viewer() -> None:
    """In a preheated Voila kernel, wait until someone opens the page, so data are read fresh.

    Voila's kernel pool runs a dashboard before anyone asks for it; without this pause a manager
    would see grades as they were when the kernel was started.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import wait_for_request

        wait_for_request()


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
    training-need and download sections are left out.
    """
    if summary is None:
        wait_for_viewer()
        course = course_from_env()
        try:
            summary = load_dashboard_summary(course)
            viewer = resolve_viewer(course, viewer_name or current_viewer_name())
        except NoDataError as error:
            return no_data_message(str(error), detail=_debug_detail(error))
        except AccessError as error:
            return no_data_message(str(error))
        if not viewer.roles & {"manager", "hr", "instructor"}:
            return no_data_message(message("access.not_manager", username=viewer.username))
        scoped = restrict_summary(summary, viewer.units)
        # Scoped before any widget exists: other units' rows never reach the page.
        try:
            full_report = build_report(course)
        except (RuleError, FrameworkError, CurriculumError) as error:
            return no_data_message(message("nodata.bad_rules"), detail=_debug_detail(error))
        return ManagerDashboard(
            scoped,
            units=viewer.units,
            report=restrict_report(full_report, set(scoped.learners["username"])),
        )
    return ManagerDashboard(summary, report=report)


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
        _CSS
        + '<div class="marelan-dash">'
        + f"<h2>{html.escape(message('dashboard.title'))}</h2>"
        + '<div class="marelan-nodata">'
        + f"<h3>{html.escape(message('nodata.heading'))}</h3>"
        + f"<p>{html.escape(reason)}</p>"
        + f'<p class="muted">{html.escape(message("nodata.contact"))}</p>{extra}</div></div>'
    )
    page.add_class("marelan-nodata-message")
    return page


class ManagerDashboard(widgets.VBox):
    """Title, headline figures, the per-unit overview and the per-person table of one course.

    Choosing a unit in ``unit_filter`` re-renders the figures and the per-person table for that
    unit and highlights its row in the overview.
    """

    def __init__(
        self,
        summary: CourseSummary,
        units: frozenset[str] | None = None,
        report: HrReport | None = None,
    ) -> None:
        self.summary = summary
        self.report = report
        self._units = unit_table(summary)
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
            _CSS
            + '<div class="marelan-dash">'
            + f"<h2>{html.escape(message('dashboard.title'))}</h2>"
            + f'<div class="muted">{html.escape(self._updated_text())}</div></div>'
        )
        self.figures = widgets.HTML()
        self.unit_view = widgets.HTML()
        self.person_view = widgets.HTML()
        self.unit_view.add_class("marelan-unit-table")
        self.person_view.add_class("marelan-person-table")
        self.reward_view = widgets.HTML()
        self.needs_view = widgets.HTML()
        self.reward_view.add_class("marelan-reward-table")
        self.needs_view.add_class("marelan-needs-table")
        self.download_button = widgets.Button(
            description=message("dashboard_manajer.download_button"),
            icon="download",
            layout=widgets.Layout(width="240px"),
        )
        self.download_link = widgets.HTML()
        self.download_link.add_class("marelan-download")
        self.download_button.on_click(lambda _button: self.prepare_download())
        self.unit_filter.observe(lambda _change: self.render(), names="value")
        children = [header, self.unit_filter, self.figures, self.unit_view, self.person_view]
        if report is not None:
            self._modules = load_modules(project_root() / "courses")
            children += [
                self.reward_view,
                self.needs_view,
                widgets.HBox([self.download_button, self.download_link]),
            ]
        super().__init__(children=children)
        self.add_class("marelan-manager-dashboard")
        self.render()

    @property
    def selected_unit(self) -> str | None:
        return self.unit_filter.value or None

    def render(self) -> None:
        """Redraw everything that depends on the chosen unit."""
        unit = self.selected_unit
        self.figures.value = self._figures_html(unit)
        self.unit_view.value = self._unit_overview_html(unit)
        self.person_view.value = self._people_html(unit)
        # An offered file belongs to the unit it was made for.
        self.download_link.value = ""
        if self.report is not None:
            self.reward_view.value = self._rewards_html(unit)
            self.needs_view.value = self._needs_html(unit)

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
            path = export_excel(report, Path(folder) / "laporan.xlsx", mode="masked")
            return path.read_bytes()

    def prepare_download(self) -> None:
        """Offer the workbook as a data: link, so the download needs no server round trip."""
        filename = f"laporan_{self.selected_unit or 'semua_unit'}.xlsx"
        data = base64.b64encode(self.excel_bytes()).decode("ascii")
        label = html.escape(message("dashboard_manajer.download_link", filename=filename))
        note = html.escape(message("dashboard_manajer.download_note"))
        self.download_link.value = (
            f'<a href="data:{XLSX_MIME};base64,{data}" download="{filename}">{label}</a>'
            f' <span class="muted">{note}</span>'
        )

    def person_frame(self) -> pd.DataFrame:
        """The per-person table currently shown."""
        return person_table(self.summary, unit=self.selected_unit)

    def _updated_text(self) -> str:
        return message("dashboard.updated", when=wib_label(self.summary.generated_at))

    def _figures_html(self, unit: str | None) -> str:
        learners = self.summary.learners
        scores = self.summary.assignment_scores
        if unit:
            learners = learners[learners["unit"] == unit]
            scores = scores[scores["username"].isin(learners["username"])]
        # As in the unit overview: over graded cells only (awaiting manual grading is not 0).
        graded_max = scores["graded_max"].sum()
        mean = scores["graded_score"].sum() / graded_max * 100 if graded_max > 0 else math.nan
        figures = [
            (message("dashboard.figure.learners"), str(len(learners))),
            (message("dashboard.figure.submitted"), str(scores["username"].nunique())),
            (message("dashboard.figure.mean_score"), _percent(mean)),
            (message("dashboard.figure.pending"), str(int(scores["pending_cells"].sum()))),
        ]
        if self.report is not None:
            jp = self.report.jp_per_learner
            if unit:
                jp = jp[jp["username"].isin(learners["username"])]
            target = f"{jp['target'].iloc[0]:g}" if len(jp) else "20"
            label = message(
                "dashboard_manajer.figure.jp_compliance", target=target, year=self.report.meta.year
            )
            share = float(jp["met"].mean()) * 100 if len(jp) else math.nan
            figures.append((label, _percent(share)))
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

    def _people_html(self, unit: str | None) -> str:
        people = self.person_frame()
        title = self.unit_filter.label if unit else message("dashboard.all_units")
        heading = html.escape(message("dashboard.people_heading", unit=title))
        if people.empty:
            body = f"<p>{html.escape(message('dashboard.no_people'))}</p>"
        else:
            body = html_table(people, self._percent_columns(people)) + (
                f'<div class="muted">{html.escape(message("dashboard.people_note"))}</div>'
            )
        return f'<div class="marelan-dash"><h3>{heading}</h3>{body}</div>'

    def _unit_title(self, unit: str | None) -> str:
        return self.unit_filter.label if unit else message("dashboard.all_units")

    def _names(self) -> pd.Series:
        return self.summary.learners.set_index("username")["nama"]

    def _rewards_html(self, unit: str | None) -> str:
        report = self.selected_report()
        standing = report.standing.sort_values("score", ascending=False)
        names = self._names()
        lowest = min((t.min_score for t in load_rules().tiers), default=math.inf)
        candidates = standing[standing["eligible"]]
        near = standing[~standing["eligible"] & (standing["score"] >= lowest - NEAR_CANDIDATE_GAP)]

        def table(frame: pd.DataFrame, empty_key: str) -> str:
            if frame.empty:
                return f"<p>{html.escape(message(empty_key))}</p>"
            shown = pd.DataFrame(
                {
                    message("dashboard_manajer.col.name"): frame["username"].map(names),
                    message("dashboard_manajer.col.tier"): frame["tier"].replace("", "-"),
                    message("dashboard_manajer.col.score"): frame["score"].round(1),
                    message("dashboard_manajer.col.explanation"): frame["explanation"],
                }
            )
            return html_table(shown, [])

        heading = message("dashboard_manajer.rewards_heading", unit=self._unit_title(unit))
        note = message("dashboard_manajer.rewards_note", version=report.meta.rule_version)
        return (
            f'<div class="marelan-dash"><h3>{html.escape(heading)}</h3>'
            f"<h4>{html.escape(message('dashboard_manajer.candidates_heading'))}</h4>"
            + table(candidates, "dashboard_manajer.no_candidates")
            + f"<h4>{html.escape(message('dashboard_manajer.near_heading'))}</h4>"
            + table(near, "dashboard_manajer.no_near")
            + f'<div class="muted">{html.escape(note)}</div></div>'
        )

    def training_needs(self) -> pd.DataFrame:
        """Per learner of the chosen unit: competencies below level 2, and modules training them."""
        competencies = self.selected_report().competencies
        needs = competencies[
            (competencies["level"] < NEED_BELOW_LEVEL) | competencies["mastery"].isna()
        ]
        names = self._names()
        no_evidence = message("dashboard_manajer.no_evidence")
        return pd.DataFrame(
            {
                message("dashboard_manajer.col.name"): needs["username"].map(names),
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

    def _needs_html(self, unit: str | None) -> str:
        needs = self.training_needs()
        heading = message("dashboard_manajer.needs_heading", unit=self._unit_title(unit))
        if needs.empty:
            body = f"<p>{html.escape(message('dashboard_manajer.no_needs'))}</p>"
        else:
            note = message("dashboard_manajer.needs_note", level=NEED_BELOW_LEVEL)
            body = html_table(needs, []) + f'<div class="muted">{html.escape(note)}</div>'
        return f'<div class="marelan-dash"><h3>{html.escape(heading)}</h3>{body}</div>'

    def _percent_columns(self, frame: pd.DataFrame) -> list[str]:
        names = {self.summary.framework.display_name(code) for code in self.summary.framework.codes}
        return [c for c in frame.columns if c in names or str(c).endswith("(%)")]


def html_table(
    frame: pd.DataFrame, percent_columns: list[str], row_classes: list[str] | None = None
) -> str:
    """A plain, escaped HTML table; percentages get a "%" sign and a light bar behind them."""
    percent = set(percent_columns)
    head = "".join(f"<th>{html.escape(str(c).removesuffix(' (%)'))}</th>" for c in frame.columns)
    rows = []
    for index, record in enumerate(frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            if column in percent:
                cells.append(_percent_cell(value))
            elif isinstance(value, numbers.Number) and not isinstance(value, bool):
                cells.append(f'<td class="num">{value:g}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        css = f' class="{row_classes[index]}"' if row_classes else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    return (
        f'<table class="marelan-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _modules_for(modules: list[Module], code: str) -> str:
    titles = [m.title for m in modules if code in m.competencies]
    return "; ".join(titles) or message("dashboard_manajer.no_module")


def _percent(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return message("dashboard.no_value")
    return f"{value:.0f}%"


def _percent_cell(value: float) -> str:
    text = _percent(value)
    if text == message("dashboard.no_value"):
        return f'<td class="num">{text}</td>'
    width = max(0.0, min(100.0, float(value)))
    bar = f"background: linear-gradient(90deg, #c8e6d0 {width:.0f}%, transparent {width:.0f}%)"
    return f'<td class="num" style="{bar}">{text}</td>'


def _debug_detail(error: BaseException) -> str:
    # Technical detail only on request (KIT_DEBUG=1): managers never see a traceback.
    if os.environ.get("KIT_DEBUG") not in ("1", "true", "True"):
        return ""
    cause = error.__cause__
    return f"{type(cause).__name__}: {cause}" if cause else ""
