"""Skips that fail on CI: a test that cannot run where CI could run it must not pass silently.

CI sets ``CI=true`` and runs as root, with a browser and user namespaces: there, every missing
capability is a failure. Elsewhere (a developer's laptop without root) the test is skipped with
its reason. Use :func:`skip_or_fail` inside a test or fixture, and the ``requires`` marker
(``@pytest.mark.requires(condition, reason="...")``, applied by ``conftest.py``) on a test.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["on_ci", "skip_or_fail"]


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> None:
    """Skip the current test, or fail it when ``CI=true``."""
    if on_ci():
        pytest.fail(f"cannot run on CI (CI=true): {reason}", pytrace=False)
    pytest.skip(reason)
