"""Item analysis for instructors (Voila): difficulty and discrimination of every grade cell,
the latest grading run's results and isolation, and the grading history.

``voila_apps/analisis_butir.ipynb`` only calls ``item_analysis_app()``. The page layer
(``kit.apps.page``) admits the course's instructors and HR and hands over the course's cached
grades; the statistics are ``kit.grading``'s pure functions, and this module only renders them.
Only counts are shown, never a learner's name or NIP; the one exception is the learner id of a
submission the grader flagged or could not grade, so that the instructor can follow it up.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from kit.apps.charts import chart_output, show_figure
from kit.apps.charts import warm_up as warm_up_charts
from kit.apps.item_charts import difficulty_figure, distribution_figure
from kit.apps.page import PageData, PageSpec, build_page
from kit.apps.pages import PAGE_CSS, PagedTable, html_table, percent_text
from kit.core import message, wib_label
from kit.course import Course
from kit.grading import (
    RecordedGradingRun,
    difficulty_level,
    grading_history,
    hardest_items,
    item_statistics,
    latest_grading_run,
    learner_totals,
    needs_attention,
    score_distribution,
    weak_discrimination,
)
from kit.people import Viewer

__all__ = [
    "ALLOWED_ROLES",
    "ITEM_ANALYSIS",
    "ItemAnalysis",
    "flag_label",
    "item_analysis_app",
    "isolation_html",
    "status_label",
]

ALLOWED_ROLES = frozenset({"instructor", "hr"})
ITEM_ANALYSIS = PageSpec(
    title="analisis_butir.title",
    allowed_roles=ALLOWED_ROLES,
    denied="analisis_butir.no_access",
    access_heading="analisis_butir.access_heading",
    requires=("grades",),
    warm_up=warm_up_charts,
)

_CSS = """
<style>
.marelan-items tr.hard td:first-child { border-left: 6px solid #d64545; }
.marelan-items tr.medium td:first-child { border-left: 6px solid #f0b429; }
.marelan-items tr.easy td:first-child { border-left: 6px solid #3f9142; }
.marelan-items tr.unknown td:first-child { border-left: 6px solid #9aa5b1; }
.marelan-items td.weak { color: #d64545; font-weight: 600; }
.marelan-grading .marelan-figure.warn { background: #fff8e1; }
.marelan-attention { background: #fff8e1; border-left: 5px solid #f0b429; padding: 8px 16px; }
.marelan-attention ul { margin: 4px 0; padding-left: 20px; }
.marelan-isolation { border-left: 5px solid #9aa5b1; background: #f0f4f8; padding: 8px 16px;
  margin: 6px 0; }
.marelan-isolation.limits-only { border-color: #d64545; background: #ffeeee; }
.marelan-isolation.sandbox { border-color: #3f9142; background: #e3f9e5; }
.marelan-isolation ul { margin: 4px 0; padding-left: 20px; }
</style>
"""


def item_analysis_app(
    viewer_name: str | None = None, course: Course | None = None
) -> widgets.Widget:
    """The app for the viewer (default: ``current_viewer_name()``), or a message and no data."""
    return build_page(ITEM_ANALYSIS, _render, course=course, viewer_name=viewer_name)


def _render(_viewer: Viewer, data: PageData) -> ItemAnalysis:
    return ItemAnalysis(data.summary.grades, data.events())


class ItemAnalysis(widgets.VBox):
    """Assignment chooser, headline figures, difficulty chart and items table, score
    distribution chart, attention panel, the latest grading results and the grading history.

    Choosing an assignment re-renders everything but the history (charts included).
    """

    def __init__(self, grades: pd.DataFrame, events: list[dict] | None = None) -> None:
        self.grades = grades
        self.events = list(events or [])
        self.stats = item_statistics(grades)
        assignments = sorted(self.stats["assignment"].unique())
        self.assignment = widgets.Dropdown(
            options=assignments,
            value=assignments[0] if assignments else None,
            description=message("analisis_butir.assignment"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        header = widgets.HTML(
            PAGE_CSS
            + _CSS
            + '<div class="marelan-dash">'
            + f"<h2>{html.escape(message('analisis_butir.title'))}</h2>"
            + f'<div class="muted">{html.escape(message("analisis_butir.subtitle"))}</div></div>'
        )
        self.figures = widgets.HTML()
        self.difficulty_chart = chart_output("marelan-difficulty-chart")
        self.items_view = widgets.HTML()
        self.distribution_chart = chart_output("marelan-distribution-chart")
        self.distribution_view = widgets.HTML(
            f'<div class="marelan-dash"><div class="muted">'
            f"{html.escape(message('analisis_butir.distribution_note'))}</div></div>"
        )
        self.attention_view = widgets.HTML()
        self.grading_summary = widgets.HTML()
        self.grading_table = PagedTable(
            page_size=20, empty_text=message("analisis_butir.grading.all_clean")
        )
        self.grading_view = widgets.VBox([self.grading_summary, self.grading_table])
        self.history_view = widgets.HTML(_history_html(grading_history(self.events)))
        # The figures last shown, by chart ("difficulty", "distribution").
        self.shown_figures: dict[str, go.Figure] = {}
        for view, name in [
            (self.items_view, "items"),
            (self.distribution_view, "distribution"),
            (self.attention_view, "attention"),
            (self.grading_view, "grading"),
            (self.history_view, "history"),
        ]:
            view.add_class(f"marelan-{name}-view")
        self.assignment.observe(lambda _change: self.render(), names="value")
        super().__init__(
            children=[
                header,
                self.assignment,
                self.figures,
                self.difficulty_chart,
                self.items_view,
                self.distribution_chart,
                self.distribution_view,
                self.attention_view,
                self.grading_view,
                self.history_view,
            ]
        )
        self.add_class("marelan-item-analysis")
        self.render()

    def selected_stats(self) -> pd.DataFrame:
        """Statistics of the chosen assignment's items, hardest first."""
        chosen = self.stats[self.stats["assignment"] == self.assignment.value]
        return hardest_items(chosen, len(chosen))

    def render(self) -> None:
        assignment = self.assignment.value
        stats = self.selected_stats()
        grades = self.grades[self.grades["assignment"] == assignment]
        self.figures.value = _figures_html(grades, stats)
        self.items_view.value = _items_html(stats)
        self.attention_view.value = _attention_html(stats)
        self._render_grading(latest_grading_run(self.events, assignment))
        self.shown_figures = {
            "difficulty": difficulty_figure(stats, assignment),
            "distribution": distribution_figure(
                score_distribution(self.grades, assignment), assignment
            ),
        }
        show_figure(self.difficulty_chart, self.shown_figures["difficulty"])
        show_figure(self.distribution_chart, self.shown_figures["distribution"])

    def _render_grading(self, run: RecordedGradingRun | None) -> None:
        self.grading_summary.value = _grading_summary_html(run)
        if run is None:
            self.grading_table.set_frame(pd.DataFrame())
            self.grading_table.layout.display = "none"
            return
        review = run.needing_review()
        frame = pd.DataFrame(
            {
                message("analisis_butir.grading.col.student"): review["student"],
                message("analisis_butir.grading.col.status"): [
                    status_label(s) for s in review["status"]
                ],
                message("analisis_butir.grading.col.flags"): [
                    "; ".join(flag_label(f) for f in flags) or message("dashboard.no_value")
                    for flags in review["flags"]
                ],
                message("analisis_butir.grading.col.reason"): [
                    r or message("dashboard.no_value") for r in review["reason"]
                ],
            }
        )
        self.grading_table.layout.display = ""
        self.grading_table.set_frame(frame)


def status_label(status: str) -> str:
    """A grading status (``GRADING_STATUSES``) in words; an unknown one as its id."""
    return _label_or_id(status, "analisis_butir.status", "grading.status")


def flag_label(flag: str) -> str:
    """A grader's flag (``GRADING_FLAGS``) in words; an unknown one as its id."""
    return _label_or_id(flag, "analisis_butir.flag", "grading.flag")


def _label_or_id(key: str, *prefixes: str) -> str:
    # The grader's own catalogue (grading.*) covers flags it adds later than this page's list.
    for prefix in prefixes:
        try:
            return message(f"{prefix}.{key}")
        except KeyError:
            continue
    return key


def _grading_summary_html(run: RecordedGradingRun | None) -> str:
    heading = f"<h3>{html.escape(message('analisis_butir.grading.heading'))}</h3>"
    if run is None:
        body = f"<p>{html.escape(message('analisis_butir.grading.none'))}</p>"
        return f'<div class="marelan-dash marelan-grading">{heading}{body}</div>'
    source = message(
        "analisis_butir.grading.source",
        when=wib_label(run.at),
        by=run.by or message("dashboard.no_value"),
        count=len(run.results),
    )
    cards = "".join(
        f'<div class="marelan-figure{"" if status == "graded" else " warn"}">'
        f"<b>{count}</b>{html.escape(status_label(status))}</div>"
        for status, count in run.status_counts().items()
    )
    flagged = int((run.results["flags"].map(len) > 0).sum())
    cards += (
        f'<div class="marelan-figure{" warn" if flagged else ""}"><b>{flagged}</b>'
        f"{html.escape(message('analisis_butir.grading.flagged'))}</div>"
    )
    review = (
        f"<h3>{html.escape(message('analisis_butir.grading.review_heading'))}</h3>"
        if len(run.needing_review())
        else ""
    )
    return (
        f'<div class="marelan-dash marelan-grading">{heading}'
        f'<div class="muted">{html.escape(source)}</div>{isolation_html(run)}'
        f'<div class="marelan-figures">{cards}</div>{review}</div>'
    )


def isolation_html(run: RecordedGradingRun) -> str:
    """How the run isolated learners' code: a warning for resource limits only (with the
    grader's notes), the sandbox status otherwise; an older log's silence is "unknown"."""
    css = {"limits_only": "limits-only", "sandbox": "sandbox"}.get(run.isolation, "unknown")
    text = message(f"analisis_butir.isolation.{css.replace('-', '_')}")
    notes = ""
    if run.isolation_notes:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in run.isolation_notes)
        label = html.escape(message("analisis_butir.isolation.notes"))
        notes = f"<div>{label}</div><ul>{items}</ul>"
    return f'<div class="marelan-isolation {css}"><b>{html.escape(text)}</b>{notes}</div>'


def _figures_html(grades: pd.DataFrame, stats: pd.DataFrame) -> str:
    totals = learner_totals(grades)
    graded_max = totals["graded_max"].sum()
    mean = totals["graded_score"].sum() / graded_max * 100 if graded_max > 0 else math.nan
    figures = [
        (message("analisis_butir.figure.submissions"), str(totals["student_id"].nunique())),
        (message("analisis_butir.figure.items"), str(len(stats))),
        (message("analisis_butir.figure.mean"), percent_text(mean)),
        (message("analisis_butir.figure.pending"), str(int(stats["awaiting_manual"].sum()))),
    ]
    cards = "".join(
        f'<div class="marelan-figure"><b>{html.escape(value)}</b>{html.escape(label)}</div>'
        for label, value in figures
    )
    return f'<div class="marelan-dash"><div class="marelan-figures">{cards}</div></div>'


def _items_html(stats: pd.DataFrame) -> str:
    col = {k: message(f"analisis_butir.col.{k}") for k in _ITEM_COLUMNS}
    several_notebooks = stats["notebook"].nunique() > 1
    rows = []
    for item in stats.itertuples(index=False):
        row = {col["item"]: item.grade_id}
        if several_notebooks:
            row[col["notebook"]] = item.notebook
        row |= {
            col["level"]: message(f"analisis_butir.level.{difficulty_level(item.mean_share)}"),
            col["max_score"]: item.max_score,
            col["submissions"]: item.submissions,
            col["mean_share"]: item.mean_share * 100,
            col["pass_rate"]: item.pass_rate * 100,
            col["zero_share"]: percent_text(item.zero_share * 100),
            col["awaiting"]: item.awaiting_manual,
            col["discrimination"]: _decimal_text(item.discrimination),
        }
        rows.append(row)
    frame = pd.DataFrame(rows)
    # Bars only where more is better; the zero-score share is plain text.
    percent = [col["mean_share"], col["pass_rate"]]
    table = html_table(
        frame, percent, row_classes=[difficulty_level(s) for s in stats["mean_share"]]
    )
    # Flag weak discrimination in red: the cell text is escaped, so mark it after rendering.
    for value in stats["discrimination"]:
        if weak_discrimination(value):
            text = _decimal_text(value)
            table = table.replace(f"<td>{text}</td>", f'<td class="num weak">{text}</td>')
    table = table.replace('class="marelan-table"', 'class="marelan-table marelan-items"', 1)
    return (
        '<div class="marelan-dash">'
        + f"<h3>{html.escape(message('analisis_butir.items_heading'))}</h3>"
        + table
        + f'<div class="muted">{html.escape(message("analisis_butir.items_note"))}</div></div>'
    )


_ITEM_COLUMNS = (
    "item",
    "notebook",
    "level",
    "max_score",
    "submissions",
    "mean_share",
    "pass_rate",
    "zero_share",
    "awaiting",
    "discrimination",
)


def _attention_html(stats: pd.DataFrame) -> str:
    hard, pending = needs_attention(stats)
    lines = [
        message(
            "analisis_butir.attention_hard",
            item=item.grade_id,
            passed=round(item.pass_rate * item.graded),
            graded=item.graded,
            rate=percent_text(item.pass_rate * 100),
        )
        for item in hard.itertuples(index=False)
    ] + [
        message("analisis_butir.attention_pending", item=item.grade_id, count=item.awaiting_manual)
        for item in pending.itertuples(index=False)
    ]
    if lines:
        body = "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
    else:
        body = f"<p>{html.escape(message('analisis_butir.attention_none'))}</p>"
    return (
        '<div class="marelan-dash">'
        + f"<h3>{html.escape(message('analisis_butir.attention_heading'))}</h3>"
        + f'<div class="marelan-attention">{body}</div></div>'
    )


def _history_html(history: pd.DataFrame) -> str:
    heading = f"<h3>{html.escape(message('analisis_butir.history_heading'))}</h3>"
    if history.empty:
        body = f"<p>{html.escape(message('analisis_butir.history_none'))}</p>"
    else:
        everyone = message("analisis_butir.history.all_learners")
        frame = pd.DataFrame(
            {
                message("analisis_butir.history.at"): [wib_label(t) for t in history["at"]],
                message("analisis_butir.history.event"): [
                    _event_label(e) for e in history["event"]
                ],
                message("analisis_butir.history.assignment"): history["assignment"],
                message("analisis_butir.history.learners"): [
                    str(n) if n else everyone for n in history["learners"]
                ],
                message("analisis_butir.history.by"): history["by"],
            }
        )
        body = html_table(frame, [])
    return f'<div class="marelan-dash">{heading}{body}</div>'


def _event_label(event: str) -> str:
    key = f"analisis_butir.event.{event}"
    try:
        return message(key)
    except KeyError:
        return event


def _decimal_text(value: float) -> str:
    # Indonesian decimal comma.
    if value is None or math.isnan(value):
        return message("dashboard.no_value")
    return f"{value:.2f}".replace(".", ",")
