"""Which course a command or page works on when none is named, and why.

One order, used by every ``kit`` command and by the Voila pages (through
``kit.competency.course_from_env``):

1. the folder given on the command line (``--course DIR``);
2. the environment variable ``KIT_COURSE_DIR`` (the demo's servers set it for the pages);
3. the folder saved with ``kit course use DIR`` (``course:`` in ``config.yml`` of the user's
   configuration folder, e.g. ``~/.config/marelan-kit/config.yml``);
4. the demo's course, ``.demo/course`` in the project, once ``make demo`` has built it;
5. the project's own nbgrader course, ``assessments/``.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import yaml

from kit.core import APP_NAME, SetupError, message, project_root
from kit.course.nbgrader_course import Course

__all__ = [
    "COURSE_ENV",
    "CourseChoice",
    "choose_course",
    "default_course_label",
    "demo_course_dir",
    "forget_course",
    "open_course",
    "settings_file",
    "use_course",
]

COURSE_ENV = "KIT_COURSE_DIR"
SOURCES = ("option", "env", "setting", "demo", "project")
# Tables every nbgrader gradebook has: a database without them is some other file.
GRADEBOOK_TABLES = {"assignment", "student", "grade", "submitted_assignment"}


@dataclass(frozen=True)
class CourseChoice:
    """The course folder chosen and where the choice came from (one of ``SOURCES``)."""

    root: Path
    source: str

    @property
    def course(self) -> Course:
        return Course(self.root)

    @property
    def reason(self) -> str:
        """Why this folder: ``kursus demo``, ``dipilih dengan --course``..."""
        return message(f"course.source.{self.source}", env=COURSE_ENV, file=settings_file())

    def describe(self) -> str:
        """``/…/.demo/course (kursus demo)``: the folder and why it is the one used."""
        return f"{self.root} ({self.reason})"


def settings_file() -> Path:
    """The user's kit settings (``config.yml`` in the platform's configuration folder)."""
    return platformdirs.user_config_path(APP_NAME) / "config.yml"


def demo_course_dir() -> Path:
    """Where ``make demo`` (``kit demo`` with its default workspace) builds its course."""
    return project_root() / ".demo" / "course"


def _read_settings() -> dict:
    path = settings_file()
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        raw = ["unreadable"]  # said below, as for any other shape than a mapping
    if raw is None:  # an empty file
        raw = {}
    if not isinstance(raw, dict) or not isinstance(raw.get("course", ""), str):
        raise SetupError(
            message("course.bad_settings", file=path), hint=message("course.bad_settings_hint")
        )
    return raw


def choose_course(explicit: str | Path | None = None) -> CourseChoice:
    """The course to work on (see the module's docstring for the order); not checked here."""
    if explicit:
        return CourseChoice(Path(explicit).expanduser().resolve(), "option")
    if os.environ.get(COURSE_ENV):
        return CourseChoice(Path(os.environ[COURSE_ENV]).expanduser().resolve(), "env")
    saved = _read_settings().get("course")
    if saved:
        return CourseChoice(Path(saved).expanduser().resolve(), "setting")
    demo = demo_course_dir()
    if demo.is_dir():
        return CourseChoice(demo.resolve(), "demo")
    return CourseChoice((project_root() / "assessments").resolve(), "project")


def default_course_label() -> str:
    """The default course and why, for help texts; a broken setting is said, not raised."""
    try:
        return choose_course().describe()
    except SetupError as error:
        return str(error)


def _check_gradebook(path: Path) -> None:
    if not path.exists():
        raise SetupError(
            message("course.no_gradebook", folder=path.parent, name=path.name),
            hint=message("course.no_gradebook_hint"),
        )
    if not os.access(path, os.R_OK):
        raise SetupError(
            message("error.permission", path=path), hint=message("error.permission_hint")
        )
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error:  # not a database at all, or unreadable
        tables = set()
    if not tables >= GRADEBOOK_TABLES:
        raise SetupError(
            message("course.bad_gradebook", path=path),
            hint=message("course.bad_gradebook_hint", path=path),
        )


def open_course(
    explicit: str | Path | None = None, *, gradebook: bool = False, write: bool = False
) -> Course:
    """The chosen course, checked: its folder exists, may be written to (``write``: the command
    records something there, if only in the audit log) and holds a readable nbgrader gradebook
    (``gradebook``); otherwise a ``SetupError`` saying which folder and what to do."""
    choice = choose_course(explicit)
    root = choice.root
    hint = message(f"course.missing_hint.{choice.source}", env=COURSE_ENV)
    if not root.exists():
        raise SetupError(message("course.missing", path=root, why=choice.reason), hint=hint)
    if not root.is_dir():
        raise SetupError(message("course.not_folder", path=root), hint=hint)
    if not os.access(root, os.R_OK | os.X_OK):
        raise SetupError(
            message("error.permission", path=root), hint=message("error.permission_hint")
        )
    if write and not os.access(root, os.W_OK):
        raise SetupError(
            message("course.read_only", path=root), hint=message("error.permission_hint")
        )
    if gradebook:
        _check_gradebook(choice.course.gradebook_path)
    return choice.course


def use_course(folder: str | Path) -> CourseChoice:
    """Save ``folder`` as the user's default course; it must be an nbgrader course folder."""
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        raise SetupError(
            message("course.missing", path=root, why="kit course use"),
            hint=message("course.use_hint"),
        )
    markers = ("nbgrader_config.py", "gradebook.db", "source")
    if not any((root / marker).exists() for marker in markers):
        raise SetupError(message("course.not_a_course", path=root), hint=message("course.use_hint"))
    path = settings_file()
    settings = _read_settings()
    settings["course"] = str(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Setelan kit Marelan (ditulis oleh `kit course use`).\n"
        + yaml.safe_dump(settings, allow_unicode=True, sort_keys=True),
        encoding="utf-8",
    )
    return CourseChoice(root, "setting")


def forget_course() -> Path | None:
    """Drop the saved default course; return the folder it named (None when none was saved)."""
    settings = _read_settings()
    saved = settings.pop("course", None)
    path = settings_file()
    if saved is None:
        return None
    if settings:
        path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    else:
        path.unlink()
    return Path(saved)
