"""Item analysis for instructors (Voila): difficulty and discrimination of every grade cell.

All logic lives here; ``voila_apps/analisis_butir.ipynb`` only builds and displays it. Only
counts are shown, never a learner's name or NIP, and only to the course's instructors and HR;
the one exception is the learner id of a submission the grader flagged or could not grade, so
that the instructor can follow it up.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import sqlalchemy.exc

from kit.apps.charts import PALETTE, chart_output, page_figure, show_figure
from kit.apps.pages import (
    PAGE_CSS,
    NoDataError,
    PagedTable,
    html_table,
    percent_text,
    wait_for_viewer,
)
from kit.competency import course_from_env
from kit.core import message, read_events, wib_label
from kit.course import Course
from kit.grading import read_grades
from kit.people import AccessError, current_viewer_name, resolve_viewer

__all__ = [
    "ALLOWED_ROLES",
    "GRADING_FLAGS",
    "GRADING_STATUSES",
    "GradingRun",
    "ItemAnalysis",
    "difficulty_figure",
    "distribution_figure",
    "grading_history",
    "hardest_items",
    "item_analysis_app",
    "item_statistics",
    "latest_grading_run",
    "learner_totals",
    "needs_attention",
    "flag_label",
    "score_distribution",
    "status_label",
]

ALLOWED_ROLES = frozenset({"instructor", "hr"})
ITEM_KEYS = ["assignment", "notebook", "grade_id"]
# "Nobody or almost nobody gets it right": at most this share of graded answers has full marks.
ALMOST_NOBODY = 0.10
# Below this corrected item-total correlation an item separates learners poorly (a common rule
# of thumb in classical test theory).
WEAK_DISCRIMINATION = 0.20
# Fewer answers than this give no meaningful correlation.
MIN_FOR_DISCRIMINATION = 3
HARD_BELOW, EASY_FROM = 40.0, 70.0  # mean score share in %, for the colour cues
# The same cues in the table (row borders, see _CSS) and in the difficulty chart.
LEVEL_CUES = {"hard": "#d64545", "medium": "#f0b429", "easy": "#3f9142", "unknown": "#9aa5b1"}
# What ``kit grade`` records per submission in a ``grading.done`` event (its ``results``); each
# has an ``analisis_butir.status.*`` / ``analisis_butir.flag.*`` message. Others show their id.
GRADING_STATUSES = ("graded", "not_gradable", "timed_out", "error")
GRADING_FLAGS = (
    "edited_test",
    "deleted_test",
    "retyped_cell",
    "duplicated_cell",
    "renamed_grade_id",
    "points_changed",
    "checksum_forged",
    "kernelspec_changed",
    "suspicious_code",
    "kernel_died",
    "output_truncated",
    "timed_out",
)
_EPSILON = 1e-9

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
</style>
"""


# --- statistics --------------------------------------------------------------------------------


def learner_totals(grades: pd.DataFrame) -> pd.DataFrame:
    """Per learner and assignment: graded points, graded maximum and pending cells.

    Cells awaiting manual grading count neither as points nor as maximum: they are not zero.
    """
    graded = ~grades["needs_manual_grade"].astype(bool)
    return (
        grades.assign(
            graded_score=grades["score"].where(graded, 0.0),
            graded_max=grades["max_score"].where(graded, 0.0),
            pending=(~graded).astype(int),
        )
        .groupby(["assignment", "student_id"], as_index=False)
        .agg(
            graded_score=("graded_score", "sum"),
            graded_max=("graded_max", "sum"),
            pending=("pending", "sum"),
        )
    )


def item_statistics(grades: pd.DataFrame) -> pd.DataFrame:
    """One row per assignment and grade cell (``kit.grading.gradebook.read_grades`` rows as input).

    Columns:

    - ``submissions``: learners with an answer to the item (graded or not);
    - ``graded``: of those, answers already graded; the next three are over graded answers only;
    - ``mean_share``: mean of score / max_score (0..1), the classical difficulty index *p*;
    - ``pass_rate``: share with full marks; ``zero_share``: share with score 0;
    - ``awaiting_manual``: answers waiting for manual grading;
    - ``discrimination``: the corrected item-total correlation, i.e. the Pearson correlation
      (point-biserial when the item is scored right/wrong) between a learner's score share on the
      item and their graded points on the *other* items of the same assignment. NaN with fewer
      than three graded answers or when either side has no variance.
    """
    columns = [
        *ITEM_KEYS,
        "max_score",
        "submissions",
        "graded",
        "mean_share",
        "pass_rate",
        "zero_share",
        "awaiting_manual",
        "discrimination",
    ]
    if grades.empty:
        return pd.DataFrame(columns=columns)
    frame = grades.copy()
    frame["needs_manual_grade"] = frame["needs_manual_grade"].astype(bool)
    graded = ~frame["needs_manual_grade"]
    share = (frame["score"] / frame["max_score"].where(frame["max_score"] > 0)).clip(0, 1)
    frame["share"] = share.where(graded)
    frame["full"] = (frame["score"] >= frame["max_score"] - _EPSILON).astype(float).where(graded)
    frame["zero"] = (frame["score"] <= _EPSILON).astype(float).where(graded)
    frame["graded_score"] = frame["score"].where(graded, 0.0)
    totals = learner_totals(grades).set_index(["assignment", "student_id"])["graded_score"]
    frame["rest"] = (
        totals.reindex(pd.MultiIndex.from_frame(frame[["assignment", "student_id"]])).to_numpy()
        - frame["graded_score"].to_numpy()
    )
    stats = (
        frame.groupby(ITEM_KEYS, as_index=False, sort=True)
        .agg(
            max_score=("max_score", "max"),
            submissions=("student_id", "nunique"),
            graded=("share", "count"),
            mean_share=("share", "mean"),
            pass_rate=("full", "mean"),
            zero_share=("zero", "mean"),
            awaiting_manual=("needs_manual_grade", "sum"),
        )
        .astype({"awaiting_manual": int})
    )
    discrimination = {
        key: _correlation(group["share"], group["rest"])
        for key, group in frame[graded].groupby(ITEM_KEYS, sort=False)
    }
    stats["discrimination"] = [
        discrimination.get(tuple(row), math.nan) for row in stats[ITEM_KEYS].itertuples(index=False)
    ]
    return stats[columns]


def _correlation(item: pd.Series, rest: pd.Series) -> float:
    if len(item) < MIN_FOR_DISCRIMINATION:
        return math.nan
    x, y = item.to_numpy(float), rest.to_numpy(float)
    if np.ptp(x) <= _EPSILON or np.ptp(y) <= _EPSILON:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def hardest_items(stats: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` items with the lowest mean score share; items with no graded answer last."""
    order = stats.sort_values(
        ["mean_share", "pass_rate", "grade_id"], na_position="last", kind="stable"
    )
    return order.head(n).reset_index(drop=True)


def needs_attention(stats: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(items that nobody or almost nobody gets fully right, items awaiting manual grading)."""
    hard = stats[(stats["graded"] > 0) & (stats["pass_rate"] <= ALMOST_NOBODY + _EPSILON)]
    pending = stats[stats["awaiting_manual"] > 0]
    return hardest_items(hard, len(hard)), pending.reset_index(drop=True)


def score_distribution(grades: pd.DataFrame, assignment: str, bins: int = 10) -> pd.DataFrame:
    """Learners per total-score band (``bins`` equal bands of 0-100 %; 100 % is in the last).

    Columns ``low``, ``high`` (percent) and ``learners``; learners with nothing graded yet are
    left out.
    """
    totals = learner_totals(grades[grades["assignment"] == assignment])
    totals = totals[totals["graded_max"] > 0]
    percent = totals["graded_score"] / totals["graded_max"] * 100
    width = 100 / bins
    band = np.minimum((percent.to_numpy() / width).astype(int), bins - 1)
    counts = np.bincount(band, minlength=bins) if len(band) else np.zeros(bins, dtype=int)
    return pd.DataFrame(
        {
            "low": [i * width for i in range(bins)],
            "high": [(i + 1) * width for i in range(bins)],
            "learners": counts.astype(int),
        }
    )


def grading_history(events: list[dict], limit: int = 10) -> pd.DataFrame:
    """The latest ``limit`` grading runs of the audit log, newest first."""
    rows = [
        {
            "at": pd.Timestamp(e["at"]),
            "event": e["event"],
            "assignment": e.get("assignment", ""),
            "learners": len(e.get("students") or []),
            "by": e.get("by", ""),
        }
        for e in events
        if str(e.get("event", "")).startswith("grading.")
    ]
    frame = pd.DataFrame(rows, columns=["at", "event", "assignment", "learners", "by"])
    return frame.iloc[::-1].head(limit).reset_index(drop=True)


_RESULT_COLUMNS = ["student", "status", "score", "max_score", "flags", "reason"]


@dataclass(frozen=True)
class GradingRun:
    """What one ``grading.done`` event of ``kit grade`` says about each submission it handled.

    ``results`` has one row per submission: ``student``, ``status`` (see ``GRADING_STATUSES``),
    ``score`` and ``max_score`` (NaN when not graded), ``flags`` (a tuple of flag ids, see
    ``GRADING_FLAGS``) and ``reason`` (the grader's own words, may be empty).
    """

    assignment: str
    at: pd.Timestamp
    by: str
    results: pd.DataFrame

    def status_counts(self) -> dict[str, int]:
        """Submissions per status: known statuses in ``GRADING_STATUSES`` order, then others."""
        counts = self.results["status"].value_counts()
        known = [s for s in GRADING_STATUSES if s in counts.index]
        others = sorted(s for s in counts.index if s not in GRADING_STATUSES)
        return {status: int(counts[status]) for status in [*known, *others]}

    def needing_review(self) -> pd.DataFrame:
        """The submissions with at least one flag or a status other than ``graded``."""
        results = self.results
        keep = (results["status"] != "graded") | (results["flags"].map(len) > 0)
        return results[keep].reset_index(drop=True)


def latest_grading_run(events: list[dict], assignment: str) -> GradingRun | None:
    """The latest ``grading.done`` event of ``assignment`` that lists per-submission results.

    Events written before the grader recorded ``results`` are passed over; ``None`` when no
    event of the assignment has them.
    """
    for event in reversed(events):
        results = event.get("results")
        if (
            event.get("event") == "grading.done"
            and event.get("assignment") == assignment
            and isinstance(results, list)
        ):
            return GradingRun(
                assignment=assignment,
                at=pd.Timestamp(event["at"]),
                by=str(event.get("by", "")),
                results=_results_frame(results),
            )
    return None


def _results_frame(results: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "student": str(entry.get("student", "")),
            "status": str(entry.get("status") or "error"),
            "score": _float_or_nan(entry.get("score")),
            "max_score": _float_or_nan(entry.get("max_score")),
            "flags": tuple(str(flag) for flag in entry.get("flags") or ()),
            "reason": str(entry.get("reason") or ""),
        }
        for entry in results
        if isinstance(entry, dict)
    ]
    return pd.DataFrame(rows, columns=_RESULT_COLUMNS)


def _float_or_nan(value: object) -> float:
    try:
        return math.nan if value is None else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


# --- charts --------------------------------------------------------------------------------------


def distribution_figure(bands: pd.DataFrame, assignment: str) -> go.Figure:
    """Learners per total-score band (``score_distribution`` rows) as bars, one per band."""
    labels = [
        f"{low:.0f}–{high:.0f}%" for low, high in zip(bands["low"], bands["high"], strict=True)
    ]
    counts = [int(n) for n in bands["learners"]]
    hover = [
        message("analisis_butir.chart.distribution_hover", count=n, band=label)
        for n, label in zip(counts, labels, strict=True)
    ]
    figure = page_figure(message("analisis_butir.chart.distribution_title", assignment=assignment))
    figure.add_trace(
        go.Bar(
            x=labels,
            y=counts,
            name=message("analisis_butir.chart.learners"),
            marker={"color": PALETTE[0]},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    figure.update_layout(bargap=0.08, showlegend=False)
    figure.update_xaxes(type="category", title_text=message("analisis_butir.distribution_bin"))
    figure.update_yaxes(
        title_text=message("analisis_butir.chart.learners"),
        rangemode="tozero",
        dtick=_count_step(max(counts, default=0)),
    )
    return figure


def difficulty_figure(stats: pd.DataFrame, assignment: str) -> go.Figure:
    """The items of one assignment from the hardest down: mean score share as bars coloured
    hard / medium / easy (as in the table), full-marks rate as a marker on the same row.

    Items nobody has been graded on yet get the words "not graded yet" instead of a bar.
    """
    order = hardest_items(stats, len(stats))
    several_notebooks = order["notebook"].nunique() > 1
    order = order.assign(
        label=[
            f"{item.grade_id} ({item.notebook})" if several_notebooks else str(item.grade_id)
            for item in order.itertuples(index=False)
        ],
        level=[_level(share) for share in order["mean_share"]],
    )
    figure = page_figure(
        message("analisis_butir.chart.difficulty_title", assignment=assignment),
        height=140 + 30 * max(len(order), 1),
    )
    for level in ("hard", "medium", "easy"):
        rows = order[order["level"] == level]
        if rows.empty:
            continue
        figure.add_trace(
            go.Bar(
                x=(rows["mean_share"] * 100).tolist(),
                y=rows["label"].tolist(),
                orientation="h",
                name=message(f"analisis_butir.level.{level}"),
                marker={"color": LEVEL_CUES[level]},
                hovertext=[_item_hover(item) for item in rows.itertuples(index=False)],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    graded = order[order["level"] != "unknown"]
    if len(graded):
        figure.add_trace(
            go.Scatter(
                x=(graded["pass_rate"] * 100).tolist(),
                y=graded["label"].tolist(),
                mode="markers",
                name=message("analisis_butir.chart.pass_rate"),
                marker={"symbol": "diamond", "size": 11, "color": "#102a43"},
                hovertext=[_item_hover(item) for item in graded.itertuples(index=False)],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    unknown = order[order["level"] == "unknown"]
    if len(unknown):
        not_graded = message("analisis_butir.level.unknown")
        figure.add_trace(
            go.Scatter(
                x=[0.0] * len(unknown),
                y=unknown["label"].tolist(),
                mode="text",
                text=[not_graded] * len(unknown),
                textposition="middle right",
                textfont={"color": LEVEL_CUES["unknown"]},
                name=not_graded,
                hoverinfo="skip",
            )
        )
    figure.update_layout(barmode="overlay")
    figure.update_xaxes(
        range=[0, 100], ticksuffix="%", title_text=message("analisis_butir.chart.share_axis")
    )
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=order["label"].tolist(),
        autorange="reversed",
        automargin=True,
    )
    return figure


def _item_hover(item: object) -> str:
    return message(
        "analisis_butir.chart.item_hover",
        item=item.label,
        level=message(f"analisis_butir.level.{item.level}"),
        mean=percent_text(item.mean_share * 100),
        passed=percent_text(item.pass_rate * 100),
        graded=int(item.graded),
    )


def _count_step(most: int) -> int:
    # Whole learners only: a tick step of 1, 2, 5, 10, 20, 50, ... giving at most 8 ticks.
    base = 1
    while True:
        for step in (base, 2 * base, 5 * base):
            if most <= 8 * step:
                return step
        base *= 10


# --- widgets -----------------------------------------------------------------------------------


def item_analysis_app(
    viewer_name: str | None = None, course: Course | None = None
) -> widgets.Widget:
    """The app for the viewer (default: ``current_viewer_name()``), or a message and no data."""
    if course is None:
        wait_for_viewer()
        course = course_from_env()
    name = viewer_name or current_viewer_name()
    try:
        viewer = resolve_viewer(course, name)
    except AccessError as error:
        return _notice(message("analisis_butir.access_heading"), str(error))
    if not viewer.roles & ALLOWED_ROLES:
        return _notice(
            message("analisis_butir.access_heading"),
            message("analisis_butir.no_access", username=name),
        )
    try:
        grades = _load_grades(course)
    except NoDataError as error:
        return _notice(message("nodata.heading"), str(error))
    return ItemAnalysis(grades, read_events(course.root))


def _load_grades(course: Course) -> pd.DataFrame:
    if not course.gradebook_path.exists():
        raise NoDataError(message("nodata.no_gradebook"))
    try:
        grades = read_grades(course.gradebook_path)
    except (sqlalchemy.exc.SQLAlchemyError, pd.errors.DatabaseError) as error:
        raise NoDataError(message("nodata.bad_gradebook")) from error
    if grades.empty:
        raise NoDataError(message("nodata.no_grades"))
    return grades


def _notice(heading: str, reason: str) -> widgets.HTML:
    page = widgets.HTML(
        PAGE_CSS
        + '<div class="marelan-dash">'
        + f"<h2>{html.escape(message('analisis_butir.title'))}</h2>"
        + f'<div class="marelan-nodata"><h3>{html.escape(heading)}</h3>'
        + f"<p>{html.escape(reason)}</p>"
        + f'<p class="muted">{html.escape(message("nodata.contact"))}</p></div></div>'
    )
    page.add_class("marelan-nodata-message")
    return page


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

    def _render_grading(self, run: GradingRun | None) -> None:
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


def _grading_summary_html(run: GradingRun | None) -> str:
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
        f'<div class="muted">{html.escape(source)}</div>'
        f'<div class="marelan-figures">{cards}</div>{review}</div>'
    )


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


def _level(mean_share: float) -> str:
    if mean_share is None or math.isnan(mean_share):
        return "unknown"
    percent = mean_share * 100
    return "hard" if percent < HARD_BELOW else "easy" if percent >= EASY_FROM else "medium"


def _items_html(stats: pd.DataFrame) -> str:
    col = {k: message(f"analisis_butir.col.{k}") for k in _ITEM_COLUMNS}
    several_notebooks = stats["notebook"].nunique() > 1
    rows = []
    for item in stats.itertuples(index=False):
        row = {col["item"]: item.grade_id}
        if several_notebooks:
            row[col["notebook"]] = item.notebook
        row |= {
            col["level"]: message(f"analisis_butir.level.{_level(item.mean_share)}"),
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
    table = html_table(frame, percent, row_classes=[_level(s) for s in stats["mean_share"]])
    # Flag weak discrimination in red: the cell text is escaped, so mark it after rendering.
    for value in stats["discrimination"]:
        if not math.isnan(value) and value < WEAK_DISCRIMINATION:
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
