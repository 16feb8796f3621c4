"""Interactive charts of the kit's pages: plotly, one look for every page, rendered offline.

Figures are built as ``plotly.graph_objects.Figure`` (testable without a browser) and shown in an
``ipywidgets.Output`` as plotly's own MIME bundle, which the ``jupyterlab-plotly`` extension draws
in Voila with the plotly.js it ships: no CDN, no internet.
"""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

__all__ = [
    "LEVEL_COLOURS",
    "PALETTE",
    "chart_output",
    "page_figure",
    "show_figure",
    "warm_up",
]

# Colour-blind-safe qualitative colours (Okabe and Ito), one per series.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
# Competency levels 0 (not reached) to 5: one sequential blue scale, light to dark.
LEVEL_COLOURS = ("#d9e2ec", "#bcccdc", "#9fb3c8", "#627d98", "#334e68", "#102a43")
# What the viewer may do with a chart: zoom, hover, save as PNG; no plotly logo or lasso tools.
# A small template of our own: plotly's named templates embed about 12 KB of settings for every
# trace type into each figure sent to the page.
_AXIS = {
    "showline": True,
    "linecolor": "#52606d",
    "ticks": "outside",
    "gridcolor": "#e4e7eb",
    "zeroline": False,
    "automargin": True,
}
TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "xaxis": {**_AXIS, "showgrid": False},
        "yaxis": {**_AXIS, "showgrid": True},
    }
)
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}


def page_figure(title: str, height: int = 360) -> go.Figure:
    """An empty figure with the pages' look: white, readable font, Indonesian number format."""
    figure = go.Figure()
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        template=TEMPLATE,
        colorway=list(PALETTE),
        height=height,
        margin={"l": 60, "r": 20, "t": 56, "b": 110},
        font={"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#1f2933"},
        # Indonesian writes 1.234,5: decimal comma, thousands dot.
        separators=",.",
        # Under the plot whatever its height: the legend is placed against the whole figure.
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        hoverlabel={"font": {"size": 13}},
    )
    return figure


def chart_output(css_class: str = "") -> widgets.Output:
    """An ``Output`` widget to hold one chart (``show_figure`` fills it)."""
    output = widgets.Output()
    output.add_class("marelan-chart")
    if css_class:
        output.add_class(css_class)
    return output


def show_figure(output: widgets.Output, figure: go.Figure) -> None:
    """Replace what ``output`` shows with ``figure`` as plotly's MIME bundle.

    Outside a kernel (a script, a test) there is no page to draw on and nothing is printed.
    """
    if not _in_kernel():
        return
    output.clear_output(wait=True)
    with output:
        figure.show(renderer="plotly_mimetype", config=CONFIG)


def warm_up() -> None:
    """Build and serialise a small figure once, so plotly's lazily loaded parts are ready.

    A preheated kernel calls this before anyone opens the page.
    """
    figure = page_figure("")
    figure.add_bar(x=[1], y=["a"], orientation="h", marker={"color": PALETTE[0]})
    figure.add_scatter(x=["a"], y=[1], mode="lines+markers")
    figure.add_hline(y=1, annotation_text="a")
    figure.to_plotly_json()


def _in_kernel() -> bool:
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None
