"""Where the project's content lives (courses, assessments, voila apps)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["APP_NAME", "project_root"]

# The kit's name in the user's configuration and log folders (platformdirs).
APP_NAME = "marelan-kit"


def project_root() -> Path:
    """The checkout holding ``assessments/`` and ``courses/``.

    ``KIT_PROJECT_ROOT`` wins; otherwise the folder above the ``kit`` package (an editable
    install, as ``make`` does it), else the current directory.
    """
    if os.environ.get("KIT_PROJECT_ROOT"):
        return Path(os.environ["KIT_PROJECT_ROOT"]).resolve()
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "assessments").is_dir():
        return candidate
    return Path.cwd().resolve()
