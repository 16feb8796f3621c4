"""Seeded, reproducible local data sets of Medan Marelan: ``load("pengaduan")`` and friends.

Every call with the same name and seed returns the same rows, so lessons, assignments and
tests all see the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandas as pd

from kit.datasets.complaints import generate_complaints
from kit.datasets.people import generate_roster
from kit.datasets.training import generate_external_training

__all__ = ["load", "available", "DEFAULT_SEED"]

DEFAULT_SEED = 2026

_GENERATORS: dict[str, Callable[[int], pd.DataFrame]] = {
    "pengaduan": generate_complaints,
    "peserta_demo": generate_roster,
    "pelatihan_eksternal_demo": generate_external_training,
}


def available() -> list[str]:
    """Names accepted by :func:`load`."""
    return sorted(_GENERATORS)


def load(name: str, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Return a fresh copy of data set ``name`` generated with ``seed``.

    >>> pengaduan = load("pengaduan")
    """
    if name not in _GENERATORS:
        raise KeyError(
            f"Data set '{name}' tidak dikenal. Pilihan yang tersedia: {', '.join(available())}"
        )
    return _cached(name, seed).copy()


@cache
def _cached(name: str, seed: int) -> pd.DataFrame:
    return _GENERATORS[name](seed)
