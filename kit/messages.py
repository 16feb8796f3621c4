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
    text = resources.files("kit").joinpath("data/messages.yml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    for key, entry in raw.items():
        missing = [lang for lang in LANGUAGES if lang not in entry]
        if missing:
            raise ValueError(f"messages.yml: '{key}' lacks the language(s) {missing}")
    return raw


def current_language() -> str:
    """The language chosen by ``KIT_LANG`` (``id`` unless set to ``en``)."""
    lang = os.environ.get("KIT_LANG", "id").lower()
    return lang if lang in LANGUAGES else "id"


def message(key: str, lang: str | None = None, **values: object) -> str:
    """Return the catalogue text for ``key`` with ``values`` filled in."""
    entry = _catalogue()[key]
    return entry[lang or current_language()].format(**values)
