"""Working-day (hari kerja) arithmetic for service deadlines: weekdays minus public holidays."""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

__all__ = ["holidays", "working_days_between", "add_working_days"]


@cache
def holidays() -> np.ndarray:
    """Public holidays from ``kit/data/holidays.yml`` as ``datetime64[D]``."""
    text = resources.files("kit").joinpath("data/holidays.yml").read_text(encoding="utf-8")
    days = yaml.safe_load(text)["holidays"]
    return np.array(sorted(str(d) for d in days), dtype="datetime64[D]")


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
