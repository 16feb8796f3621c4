"""Item analysis for instructors (Voila): difficulty and discrimination of every grade cell.

All logic lives here; ``voila_apps/analisis_butir.ipynb`` only builds and displays it. Only
counts are shown, never a learner's name or NIP, and only to the course's instructors and HR.
"""

from __future__ import annotations

import datetime as dt
import html
import math

import ipywidgets as widgets
import numpy as np
import pandas as pd
import sqlalchemy.exc

from kit.access import AccessError, current_viewer_name, resolve_viewer
from kit.audit import read_events
from kit.course import Course
from kit.dashboard import _CSS as DASHBOARD_CSS
from kit.dashboard import DISPLAY_TIMEZONE, NoDataError, html_table, wait_for_viewer
from kit.gradebook import read_grades
from kit.messages import message
from kit.summary import course_from_env

__all__ = [
    "ALLOWED_ROLES",
    "ItemAnalysis",
    "grading_history",
    "hardest_items",
    "item_analysis_app",
    "item_statistics",
    "learner_totals",
    "needs_attention",
    "score_distribution",
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
_EPSILON = 1e-9

_CSS = """
<style>
.marelan-items tr.hard td:first-child { border-left: 6px solid #d64545; }
.marelan-items tr.medium td:first-child { border-left: 6px solid #f0b429; }
.marelan-items tr.easy td:first-child { border-left: 6px solid #3f9142; }
.marelan-items tr.unknown td:first-child { border-left: 6px solid #9aa5b1; }
.marelan-items td.weak { color: #d64545; font-weight: 600; }
.marelan-hist { margin: 4px 0 8px 0; font-size: 0.95em; }
.marelan-hist-row { display: flex; align-items: center; gap: 8px; margin: 2px 0; }
.marelan-hist-label { width: 7em; text-align: right; font-variant-numeric: tabular-nums; }
.marelan-hist-bar { background: #486581; height: 18px; border-radius: 2px; min-width: 1px; }
.marelan-hist-count { color: #52606d; white-space: nowrap; }
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
    """One row per assignment and grade cell (``kit.gradebook.read_grades`` rows as input).

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
        DASHBOARD_CSS
        + '<div class="marelan-dash">'
        + f"<h2>{html.escape(message('analisis_butir.title'))}</h2>"
        + f'<div class="marelan-nodata"><h3>{html.escape(heading)}</h3>'
        + f"<p>{html.escape(reason)}</p>"
        + f'<p class="muted">{html.escape(message("nodata.contact"))}</p></div></div>'
    )
    page.add_class("marelan-nodata-message")
    return page


class ItemAnalysis(widgets.VBox):
    """Assignment chooser, headline figures, items table, score distribution, attention panel
    and grading history. Choosing an assignment re-renders everything but the history."""

    def __init__(self, grades: pd.DataFrame, events: list[dict] | None = None) -> None:
        self.grades = grades
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
            DASHBOARD_CSS
            + _CSS
            + '<div class="marelan-dash">'
            + f"<h2>{html.escape(message('analisis_butir.title'))}</h2>"
            + f'<div class="muted">{html.escape(message("analisis_butir.subtitle"))}</div></div>'
        )
        self.figures = widgets.HTML()
        self.items_view = widgets.HTML()
        self.distribution_view = widgets.HTML()
        self.attention_view = widgets.HTML()
        self.history_view = widgets.HTML(_history_html(grading_history(events or [])))
        for view, name in [
            (self.items_view, "items"),
            (self.distribution_view, "distribution"),
            (self.attention_view, "attention"),
            (self.history_view, "history"),
        ]:
            view.add_class(f"marelan-{name}-view")
        self.assignment.observe(lambda _change: self.render(), names="value")
        super().__init__(
            children=[
                header,
                self.assignment,
                self.figures,
                self.items_view,
                self.distribution_view,
                self.attention_view,
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
        stats = self.selected_stats()
        grades = self.grades[self.grades["assignment"] == self.assignment.value]
        self.figures.value = _figures_html(grades, stats)
        self.items_view.value = _items_html(stats)
        self.distribution_view.value = _distribution_html(
            score_distribution(self.grades, self.assignment.value)
        )
        self.attention_view.value = _attention_html(stats)


def _figures_html(grades: pd.DataFrame, stats: pd.DataFrame) -> str:
    totals = learner_totals(grades)
    graded_max = totals["graded_max"].sum()
    mean = totals["graded_score"].sum() / graded_max * 100 if graded_max > 0 else math.nan
    figures = [
        (message("analisis_butir.figure.submissions"), str(totals["student_id"].nunique())),
        (message("analisis_butir.figure.items"), str(len(stats))),
        (message("analisis_butir.figure.mean"), _percent_text(mean)),
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
            col["zero_share"]: _percent_text(item.zero_share * 100),
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


def _distribution_html(bands: pd.DataFrame) -> str:
    # Plain HTML bars: plotly's renderer is not among the JupyterLab extensions Voila loads (see
    # kit.serve.VOILA_EXTENSIONS), and a chart must not need a CDN.
    most = max(int(bands["learners"].max()), 1)
    rows = []
    for band in bands.itertuples(index=False):
        label = f"{band.low:.0f}–{band.high:.0f}%"
        width = band.learners / most * 100
        count = message("analisis_butir.distribution_count", count=int(band.learners))
        rows.append(
            '<div class="marelan-hist-row">'
            f'<span class="marelan-hist-label">{html.escape(label)}</span>'
            f'<span class="marelan-hist-bar" style="width: {width * 4:.0f}px"></span>'
            f'<span class="marelan-hist-count">{html.escape(count)}</span></div>'
        )
    return (
        '<div class="marelan-dash">'
        + f"<h3>{html.escape(message('analisis_butir.distribution_heading'))}</h3>"
        + '<div class="marelan-hist" role="img" aria-label="'
        + html.escape(message("analisis_butir.distribution_heading"))
        + f'">{"".join(rows)}</div>'
        + f'<div class="muted">{html.escape(message("analisis_butir.distribution_note"))}</div>'
        + "</div>"
    )


def _attention_html(stats: pd.DataFrame) -> str:
    hard, pending = needs_attention(stats)
    lines = [
        message(
            "analisis_butir.attention_hard",
            item=item.grade_id,
            passed=round(item.pass_rate * item.graded),
            graded=item.graded,
            rate=_percent_text(item.pass_rate * 100),
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
                message("analisis_butir.history.at"): [_when(t) for t in history["at"]],
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


def _when(moment: pd.Timestamp) -> str:
    stamp: dt.datetime = moment.to_pydatetime()
    if stamp.tzinfo:
        stamp = stamp.astimezone(DISPLAY_TIMEZONE)
    return f"{stamp:%d-%m-%Y %H.%M} WIB" if stamp.tzinfo else f"{stamp:%d-%m-%Y %H.%M}"


def _percent_text(value: float) -> str:
    if value is None or math.isnan(value):
        return message("dashboard.no_value")
    return f"{value:.0f}%"


def _decimal_text(value: float) -> str:
    # Indonesian decimal comma.
    if value is None or math.isnan(value):
        return message("dashboard.no_value")
    return f"{value:.2f}".replace(".", ",")
