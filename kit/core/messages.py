"""The message catalogue: user-facing text in Bahasa Indonesia (default) and English."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

import yaml

__all__ = ["message", "current_language"]

LANGUAGES = ("id", "en")


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    """``data/messages.yml`` plus one file per module in ``data/messages.d/``."""
    data = resources.files("kit").joinpath("data")
    files = [data.joinpath("messages.yml")]
    extra = data.joinpath("messages.d")
    if extra.is_dir():
        files += sorted((f for f in extra.iterdir() if f.name.endswith(".yml")), key=str)
    catalogue: dict[str, dict[str, str]] = {}
    for file in files:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for key, entry in raw.items():
            missing = [lang for lang in LANGUAGES if lang not in entry]
            if missing:
                raise ValueError(f"{file.name}: '{key}' lacks the language(s) {missing}")
            if key in catalogue:
                raise ValueError(f"{file.name}: message '{key}' is already defined")
            catalogue[key] = entry
    return catalogue


def current_language() -> str:
    """The language chosen by ``KIT_LANG`` (``id`` unless set to ``en``)."""
    lang = os.environ.get("KIT_LANG", "id").lower()
    return lang if lang in LANGUAGES else "id"


def message(key: str, lang: str | None = None, **values: object) -> str:
    """Return the catalogue text for ``key`` with ``values`` filled in."""
    entry = _catalogue()[key]
    return entry[lang or current_language()].format(**values)
