"""An nbgrader course directory and the nbgrader commands the kit runs in it.

nbgrader stays the grading engine: every step here is a real ``nbgrader`` command run with the
course directory as working directory, so the course's own ``nbgrader_config.py`` applies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kit.core import SetupError, message

__all__ = ["Course", "NbgraderError", "nbgrader_env", "put_scripts_on_path"]


class NbgraderError(SetupError, RuntimeError):
    """An nbgrader command failed; ``details`` carry the end of its log."""


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for nbgrader subprocesses: this interpreter's scripts first on PATH.

    nbgrader runs ``alembic`` as a program when it creates a gradebook, so the venv's ``bin``
    must be on PATH even when the kit was started by absolute path.
    """
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = scripts + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if extra:
        env.update(extra)
    return env


def put_scripts_on_path() -> None:
    """Let in-process nbgrader calls find ``alembic`` (it creates new gradebooks with it)."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


@dataclass(frozen=True)
class Course:
    """An nbgrader course rooted at ``root`` (the folder holding ``nbgrader_config.py``)."""

    root: Path

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def release_dir(self) -> Path:
        return self.root / "release"

    @property
    def submitted_dir(self) -> Path:
        return self.root / "submitted"

    @property
    def gradebook_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def gradebook_url(self) -> str:
        return f"sqlite:///{self.gradebook_path}"

    @property
    def roster_path(self) -> Path:
        return self.root / "roster.csv"

    def assignments(self) -> list[str]:
        """Assignment names found in ``source/``."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for p in self.source_dir.iterdir() if p.is_dir())

    def nbgrader(self, *args: str, timeout: float | None = None) -> str:
        """Run ``nbgrader ARGS`` in the course directory and return its combined output."""
        command = [str(Path(sys.executable).parent / "nbgrader"), *args]
        result = subprocess.run(
            command,
            cwd=self.root,
            env=nbgrader_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0:
            tail = [line for line in output.strip().splitlines() if line.strip()][-8:]
            raise NbgraderError(
                message(
                    "nbgrader.failed",
                    command=" ".join(args),
                    code=result.returncode,
                    folder=self.root,
                ),
                hint=message("nbgrader.failed_hint", folder=self.root),
                details=tail,
            )
        return output

    def generate_assignment(self, assignment: str) -> None:
        """Build the learner version in ``release/`` (and register it in the gradebook)."""
        self.nbgrader("generate_assignment", assignment, "--force")

    def autograde(self, assignment: str, students: Sequence[str] = ()) -> str:
        """Grade every submission of ``assignment`` (or only ``students``) with nbgrader."""
        from kit.core import record_event

        args = ["autograde", assignment, "--force"]
        for student in students:
            args += ["--student", student]
        record_event(self.root, "grading.start", assignment=assignment, students=list(students))
        output = self.nbgrader(*args)
        record_event(self.root, "grading.done", assignment=assignment, students=list(students))
        return output

    def generate_feedback(self, assignment: str) -> None:
        self.nbgrader("generate_feedback", assignment, "--force")

    def release_to_exchange(self, assignment: str) -> None:
        """Publish the release through nbgrader's exchange (the learners' Assignments tab)."""
        self.nbgrader("release_assignment", assignment, "--force")
