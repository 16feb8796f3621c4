"""Dates as the people of Medan read them: Western Indonesian Time (WIB) and Indonesian months.

Formatting never depends on the server's locale or time zone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["WIB", "MONTHS", "to_wib", "date_label", "wib_label"]

# Medan keeps Western Indonesian Time (UTC+7, no daylight saving) whatever the server says.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def to_wib(value: object) -> dt.datetime | None:
    """A moment in WIB (timezone-aware); naive values are taken to be WIB already."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        return stamp.to_pydatetime().replace(tzinfo=WIB)
    return stamp.to_pydatetime().astimezone(WIB)


def date_label(value: object) -> str:
    """``16 November 2026``."""
    when = to_wib(value)
    return "" if when is None else f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def wib_label(value: object) -> str:
    """``16 November 2026, pukul 08.00 WIB``, as the dashboards print it."""
    when = to_wib(value)
    return "" if when is None else f"{date_label(when)}, pukul {when:%H.%M} WIB"
