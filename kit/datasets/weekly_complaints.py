"""One week of complaints at the Kantor Camat Medan Marelan front desk, small enough to read whole.

The orientation lesson (module 1) turns its columns into plain Python lists; every row can be
checked by eye, and the forwarding time is already given in working days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.core import KELURAHAN
from kit.datasets.complaints import CATEGORIES

__all__ = ["generate_weekly_complaints", "WEEKDAYS", "FIRST_TICKET"]

WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat")
FIRST_TICKET = 481
"""The week follows the 480 complaints of ``load("pengaduan")``, so its numbering goes on."""

# How often each kelurahan brings a complaint, and how many working days its office usually
# takes to forward one (around the 3-day deadline, so some are late).
_KELURAHAN_WEIGHT = np.array([0.24, 0.17, 0.21, 0.22, 0.16])
_KELURAHAN_DELAY = np.array([1.8, 2.8, 2.0, 2.4, 3.4])
_MOST_DAYS = 8


def generate_weekly_complaints(seed: int) -> pd.DataFrame:
    """Twelve to sixteen complaints of one working week, in order of arrival.

    Columns: ``no_tiket``, ``hari_masuk`` (weekday received), ``kelurahan``, ``kategori`` and
    ``hari_kerja`` (working days until the complaint was forwarded, a plain integer).
    """
    rng = np.random.default_rng(seed + 11)
    rows = int(rng.integers(12, 17))
    day = np.sort(rng.integers(0, len(WEEKDAYS), rows))
    kelurahan = rng.choice(len(KELURAHAN), size=rows, p=_KELURAHAN_WEIGHT)
    category = rng.choice(list(CATEGORIES), size=rows, p=list(CATEGORIES.values()))
    days = np.minimum(rng.poisson(_KELURAHAN_DELAY[kelurahan]), _MOST_DAYS)
    return pd.DataFrame(
        {
            "no_tiket": [f"MRL-2026-{FIRST_TICKET + i:05d}" for i in range(rows)],
            "hari_masuk": [WEEKDAYS[d] for d in day],
            "kelurahan": [KELURAHAN[k] for k in kelurahan],
            "kategori": [str(c) for c in category],
            "hari_kerja": days.astype("int64"),
        }
    )


DATASETS = {"pengaduan_sepekan": generate_weekly_complaints}
