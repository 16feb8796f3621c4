"""The item analysis' charts: learners per total-score band, and items from the hardest down.

Each returns a ``plotly`` figure built from ``kit.grading``'s item statistics, so it is tested on
its data without a browser; ``kit.apps.item_analysis`` shows them.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit.apps.charts import PALETTE, page_figure
from kit.apps.pages import percent_text
from kit.core import message
from kit.grading import difficulty_level, hardest_items

__all__ = ["LEVEL_CUES", "difficulty_figure", "distribution_figure"]

# The colour of each difficulty level (``kit.grading.difficulty_level``), in the items table's
# row borders and in the difficulty chart alike.
LEVEL_CUES = {"hard": "#d64545", "medium": "#f0b429", "easy": "#3f9142", "unknown": "#9aa5b1"}


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
        level=[difficulty_level(share) for share in order["mean_share"]],
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
