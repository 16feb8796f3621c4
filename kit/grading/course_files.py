"""The course's folders of one assignment, named as the course's nbgrader config names them.

Where submissions are found, what a learner's kernel gets to see (their files, then the
instructor's), and ``autograded/`` written atomically, as ``nbgrader autograde`` lays it out.
"""

from __future__ import annotations

import glob
import os
import shutil
from fnmatch import fnmatch
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from kit.grading import nbgrader_steps as steps

__all__ = ["AssignmentFolders"]


class AssignmentFolders:
    """``submitted/``, ``autograded/``, ``feedback/``, ``source/`` and ``release/`` of one
    assignment of the course at ``root``."""

    def __init__(
        self, root: Path, config: Config, coursedir: CourseDirectory, assignment: str
    ) -> None:
        self.root = root
        self.config = config
        self.coursedir = coursedir
        self.assignment = assignment

    def step_dir(self, step: str, student: str) -> Path:
        return Path(self.coursedir.format_path(step, student, self.assignment))

    def submitted(self, student: str) -> Path:
        return self.step_dir(self.coursedir.submitted_directory, student)

    def feedback(self, student: str) -> Path:
        return self.step_dir(self.coursedir.feedback_directory, student)

    def release_notebook(self, name: str) -> Path:
        release = self.step_dir(self.coursedir.release_directory, ".")
        return release / f"{name}.ipynb"

    def students(self) -> list[str]:
        """Every learner with a submission folder of the assignment, sorted."""
        pattern = self.submitted("*")
        return sorted(
            _student_of(Path(p), pattern) for p in glob.glob(str(pattern)) if Path(p).is_dir()
        )

    def instructor_notebooks(self) -> list[Path]:
        """The assignment's notebooks in ``source/`` and ``release/`` (never a learner's)."""
        folders = (self.coursedir.source_directory, self.coursedir.release_directory)
        return [
            path
            for folder in folders
            for path in sorted(self.step_dir(folder, ".").glob("*.ipynb"))
        ]

    def hidden_paths(self, db_url: str) -> list[Path]:
        """What a sandboxed kernel must not see: the course, and the gradebook's folder."""
        paths = [self.root]
        if db_url.startswith("sqlite:///"):
            paths.append(Path(db_url.removeprefix("sqlite:///")).parent)
        return sorted(set(paths))

    def copy_extra_files(self, submitted: Path, target: Path) -> None:
        """Learner's extra files, then the source's (they win), as nbgrader's autograde does."""
        ignore = list(self.coursedir.ignore) + ["*.ipynb"]
        source = self.step_dir(self.coursedir.source_directory, ".")
        excluded = set(
            self.config.get("Autograde", {}).get("exclude_overwriting", {}).get(self.assignment, [])
        )
        for base, skip_names in ((submitted, set()), (source, excluded)):
            if not base.is_dir():
                continue
            for path in base.rglob("*"):
                relative = path.relative_to(base)
                if (
                    not path.is_file()
                    or any(fnmatch(part, pattern) for part in relative.parts for pattern in ignore)
                    or str(relative) in skip_names
                ):
                    continue
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.unlink(missing_ok=True)
                shutil.copyfile(path, destination)

    def write_autograded(
        self, student: str, submitted: Path, notebooks: dict[str, NotebookNode]
    ) -> None:
        """``autograded/<student>/<assignment>/``, replaced whole (staged, then renamed)."""
        destination = self.step_dir(self.coursedir.autograded_directory, student)
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = destination.with_name(f".{destination.name}.kit-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        self.copy_extra_files(submitted, staging)
        stamp = submitted / "timestamp.txt"
        if stamp.is_file():
            shutil.copyfile(stamp, staging / "timestamp.txt")
        for name, nb in notebooks.items():
            nbformat.write(nb, staging / f"{name}.ipynb")
        steps.chmod_tree(staging, 0o664 if self.coursedir.groupshared else 0o444)
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        if destination.exists():
            destination.rename(old)
        staging.rename(destination)
        shutil.rmtree(old, ignore_errors=True)


def _student_of(path: Path, pattern: Path) -> str:
    """The part of ``path`` matched by the ``*`` standing for the student in ``pattern``."""
    for part, wanted in zip(path.parts, pattern.parts, strict=False):
        if wanted == "*":
            return part
    return path.name
