"""The manager dashboard's charts: competency levels per competency, JP and scores by month.

Each returns a ``plotly`` figure built from the report's tables or ``kit.reports``' trends, so
it is tested on its data without a browser; ``kit.apps.dashboard`` shows them.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from kit.apps.charts import LEVEL_COLOURS, PALETTE, page_figure
from kit.core import MONTHS, message, unit_names

__all__ = ["jp_trend_chart", "level_chart", "score_trend_chart"]


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
