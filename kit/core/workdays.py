"""Working-day (hari kerja) arithmetic for service deadlines: weekdays minus public holidays."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from kit.core.schema import read_data_file, read_kit_data

__all__ = ["holidays", "working_days_between", "add_working_days"]


@cache
def holidays(path: Path | None = None) -> np.ndarray:
    """Public holidays as sorted ``datetime64[D]`` (``kit/data/holidays.yml`` when ``path`` is
    None); a file that breaks ``holidays.schema.yml`` raises :class:`kit.core.DataFileError`."""
    if path is None:
        doc = read_kit_data("holidays.yml", "holidays")
    else:
        doc = read_data_file(path, "holidays")
    # The schema checked every entry is a real date, written once; dates arrive as ISO text.
    return np.array(sorted(doc.data["holidays"]), dtype="datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from ``start`` to ``end`` (start day not counted); NaN where one is missing.

    A complaint received on Friday and forwarded on Monday took 1 working day.
    """
    start = pd.to_datetime(pd.Series(start))
    end = pd.to_datetime(pd.Series(end))
    both = start.notna() & end.notna()
    result = pd.Series(np.nan, index=start.index, dtype="float64")
    if both.any():
        s = start[both].to_numpy().astype("datetime64[D]")
        e = end[both].to_numpy().astype("datetime64[D]")
        # busday_count counts [s, e); shifting both by one day counts (s, e].
        counts = np.busday_count(s + 1, e + 1, holidays=holidays())
        result[both] = counts
    return result


def add_working_days(start: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The date ``days`` working days after each ``start`` (``datetime64[D]`` arrays)."""
    first = np.busday_offset(start, 0, roll="forward", holidays=holidays())
    return np.busday_offset(first, days, roll="forward", holidays=holidays())
