"""A test that cannot run here is skipped, but fails when CI=true (tests/ci.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent


def test_skip_or_fail_fails_on_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run on CI.*no sandbox"):
        skip_or_fail("no sandbox")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="no sandbox"):
        skip_or_fail("no sandbox")


def _run_requires(tmp_path: Path, ci: str) -> str:
    """Run a test marked ``requires(False, ...)`` with this project's conftest hooks."""
    tmp_path.mkdir()
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_configure, pytest_runtest_setup  # noqa: F401\n"
    )
    (tmp_path / "test_needs.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.requires(False, reason='needs user namespaces')\n"
        "def test_needs():\n    pass\n\n\n"
        "@pytest.mark.requires(True, reason='always there')\n"
        "def test_has():\n    pass\n"
    )
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def test_requires_marker_skips_here_and_fails_on_ci(tmp_path):
    here = _run_requires(tmp_path / "here", "false")
    assert "1 passed, 1 skipped" in here and "needs user namespaces" in here
    on_ci = _run_requires(tmp_path / "ci", "true")
    # Failed in set-up, so pytest counts it as an error: the run fails either way.
    assert "1 passed, 1 error" in on_ci
    assert "cannot run on CI (CI=true): needs user namespaces" in on_ci
