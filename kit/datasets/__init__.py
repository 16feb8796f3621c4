"""Seeded, reproducible local data sets of Medan Marelan: ``load("pengaduan")`` and friends.

Every call with the same name and seed returns the same rows, so lessons, assignments and
tests all see the same data.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache

import lazy_loader as _lazy
import pandas as pd

# Constants and helpers that lessons and checkers share with the generators that use them.
__getattr__, __dir__, _shared = _lazy.attach(
    __name__,
    submod_attrs={
        "complaints": ["CHANNELS", "STATUSES"],
        "office_letters": ["BULAN", "BULAN_ROMAWI", "HARI", "SAPAAN"],
        "office_sheets": ["RECAP_KEY", "recap_as_typed", "write_practice_files"],
        "people": ["generate_roster"],
        "security": [
            "AKHIRAN_RESMI",
            "AMBANG_PHISHING",
            "BOBOT_TANDA",
            "POLA_MENDESAK",
            "POLA_RAHASIA",
        ],
    },
)
__all__ = ["load", "available", "DEFAULT_SEED", *_shared]

DEFAULT_SEED = 2026


@cache
def _generators() -> dict[str, Callable[[int], pd.DataFrame]]:
    """Every module of this package declares ``DATASETS = {name: generator(seed)}``."""
    found: dict[str, Callable[[int], pd.DataFrame]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, generator in getattr(module, "DATASETS", {}).items():
            if name in found:
                raise ValueError(f"data set '{name}' is declared twice ({info.name})")
            found[name] = generator
    return found


def available() -> list[str]:
    """Names accepted by :func:`load`."""
    return sorted(_generators())


def load(name: str, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Return a fresh copy of data set ``name`` generated with ``seed``.

    >>> pengaduan = load("pengaduan")
    """
    if name not in _generators():
        raise KeyError(
            f"Data set '{name}' tidak dikenal. Pilihan yang tersedia: {', '.join(available())}"
        )
    return _cached(name, seed).copy()


@cache
def _cached(name: str, seed: int) -> pd.DataFrame:
    return _generators()[name](seed)
