"""What every Voila page of the kit shares on screen: its look, escaped HTML tables and paged
tables. (How a page is built, from the viewer to the data or a message, is ``kit.apps.page``.)

The manager dashboard, the learner's record and the item analysis build on these, so a table
reads the same on each page.
"""

from __future__ import annotations

import html
import math
import numbers
import os
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from kit.core import message

__all__ = [
    "PAGE_CSS",
    "PagedTable",
    "html_table",
    "percent_text",
    "wait_for_viewer",
]

PAGE_CSS = """
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
.marelan-pager { align-items: center; gap: 8px; }
/* Tab titles in full: ipywidgets gives every tab a fixed, narrow width. */
.marelan-tabs .lm-TabBar-tab { flex: 0 0 auto !important; max-width: none !important;
  min-width: 0 !important; padding: 0 14px; }
.marelan-pager .marelan-page-label { color: #52606d; }
</style>
"""


def wait_for_viewer() -> None:
    """In a preheated Voila kernel, wait until someone opens the page, so data are read fresh.

    Voila's kernel pool runs a page before anyone asks for it; without this pause a viewer would
    see grades as they were when the kernel was started.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import wait_for_request

        wait_for_request()


def percent_text(value: float | None) -> str:
    """``"73%"``, or the "no value" dash for a missing share."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return message("dashboard.no_value")
    return f"{value:.0f}%"


def _percent_cell(value: float) -> str:
    text = percent_text(value)
    if text == message("dashboard.no_value"):
        return f'<td class="num">{text}</td>'
    width = max(0.0, min(100.0, float(value)))
    bar = f"background: linear-gradient(90deg, #c8e6d0 {width:.0f}%, transparent {width:.0f}%)"
    return f'<td class="num" style="{bar}">{text}</td>'


def html_table(
    frame: pd.DataFrame, percent_columns: Sequence[str], row_classes: Sequence[str] | None = None
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


class PagedTable(widgets.VBox):
    """A table shown one page at a time, with a search box over chosen columns.

    Only the rows of the current page are turned into HTML and sent to the browser, so a table of
    thousands of people opens as fast as one of twenty-five. ``view`` is the HTML widget holding
    the table (give it a CSS class to find it in a page).
    """

    def __init__(
        self,
        page_size: int = 25,
        search_columns: Sequence[str] = (),
        percent_columns: Sequence[str] = (),
        empty_text: str = "",
    ) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        self.page_size = page_size
        self.search_columns = list(search_columns)
        self.percent_columns = list(percent_columns)
        self.empty_text = empty_text
        self.note = ""
        self._frame = pd.DataFrame()
        self._shown = pd.DataFrame()
        self._page = 0
        self.title = widgets.HTML()
        self.view = widgets.HTML()
        self.search_box = widgets.Text(
            placeholder=message("pages.search_placeholder"),
            continuous_update=False,
            layout=widgets.Layout(width="320px"),
        )
        self.search_box.add_class("marelan-search")
        self.previous_button = widgets.Button(
            description=message("pages.previous"), icon="chevron-left"
        )
        self.next_button = widgets.Button(description=message("pages.next"), icon="chevron-right")
        self.previous_button.add_class("marelan-previous")
        self.next_button.add_class("marelan-next-page")
        self.page_label = widgets.HTML()
        self.page_label.add_class("marelan-page-label")
        self.pager = widgets.HBox([self.previous_button, self.page_label, self.next_button])
        self.pager.add_class("marelan-pager")
        self.previous_button.on_click(lambda _button: self.go_to(self._page - 1))
        self.next_button.on_click(lambda _button: self.go_to(self._page + 1))
        self.search_box.observe(lambda _change: self._filter(), names="value")
        children: list[widgets.Widget] = [self.title, self.view, self.pager]
        if self.search_columns:
            children.insert(1, self.search_box)
        super().__init__(children=children)

    @property
    def page(self) -> int:
        """The page shown, counted from 0."""
        return self._page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self._shown) / self.page_size))

    @property
    def shown_frame(self) -> pd.DataFrame:
        """Every row matching the search (all pages)."""
        return self._shown

    def set_frame(self, frame: pd.DataFrame, note: str = "", title: str = "") -> None:
        """Show ``frame`` from its first page under ``title``; the search text is kept."""
        self._frame = frame.reset_index(drop=True)
        self.note = note
        self._filter()
        # The title last: widget updates reach the browser in order, so a page (or a test)
        # that sees the new title sees the new rows too.
        self.title.value = (
            f'<div class="marelan-dash"><h3>{html.escape(title)}</h3></div>' if title else ""
        )

    def go_to(self, page: int) -> None:
        """Show page ``page`` (clamped to the pages there are)."""
        self._page = max(0, min(page, self.pages - 1))
        self._render()

    def _filter(self) -> None:
        words = self.search_box.value.strip().casefold().split()
        frame = self._frame
        if words and not frame.empty:
            haystack = frame[self.search_columns].astype(str).agg(" ".join, axis=1).str.casefold()
            keep = pd.Series(True, index=frame.index)
            for word in words:
                keep &= haystack.str.contains(word, regex=False)
            frame = frame[keep]
        self._shown = frame
        self._page = 0
        self._render()

    def _render(self) -> None:
        total = len(self._shown)
        if total == 0:
            empty = (
                message("pages.no_match", text=self.search_box.value.strip())
                if len(self._frame) and self.search_box.value.strip()
                else self.empty_text
            )
            self.view.value = f'<div class="marelan-dash"><p>{html.escape(empty)}</p></div>'
        else:
            start = self._page * self.page_size
            page = self._shown.iloc[start : start + self.page_size]
            note = f'<div class="muted">{html.escape(self.note)}</div>' if self.note else ""
            self.view.value = (
                f'<div class="marelan-dash">{html_table(page, self.percent_columns)}{note}</div>'
            )
        start = self._page * self.page_size
        self.page_label.value = html.escape(
            message(
                "pages.position",
                first=min(start + 1, total),
                last=min(start + self.page_size, total),
                total=total,
            )
        )
        self.previous_button.disabled = self._page == 0
        self.next_button.disabled = self._page >= self.pages - 1
        # One page needs no pager.
        self.pager.layout.display = "none" if total <= self.page_size else ""
