"""The one front door of every Voila page: who is looking, what they may see, the course's
data loaded once, and every failure turned into a plain Indonesian message.

``build_page(spec, render)`` waits for the viewer in a preheated kernel, takes the course from
``KIT_COURSE_DIR`` and the viewer from ``JUPYTERHUB_USER``/``KIT_VIEWER``, checks the page's
roles, loads the course through ``kit.reports.course_snapshot`` (computed once per change of
its inputs: gradebook, roster, JP imports, rules...) and only then calls ``render(viewer,
data)``, which builds widgets and nothing else. Whatever goes wrong on the way (a missing
folder, no or a corrupt gradebook, a malformed roster or data file, no access, an unexpected
exception) becomes one message widget saying what happened and what to do; never a traceback.
The technical detail (exception types and texts, no traceback) is added only when ``KIT_DEBUG``
is ``1``.
"""

from __future__ import annotations

import contextlib
import csv
import html
import os
import sqlite3
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import ipywidgets as widgets
import pandas as pd
import sqlalchemy.exc
import yaml

from kit.apps.pages import PAGE_CSS, wait_for_viewer
from kit.competency import (
    ConfirmationError,
    CourseSummary,
    FrameworkError,
    JpImportError,
    RuleError,
    TagError,
    course_from_env,
)
from kit.core import message, read_events
from kit.course import Course, CurriculumError
from kit.people import (
    REQUIRED_COLUMNS,
    AccessError,
    AccessFileError,
    RosterError,
    Viewer,
    current_viewer_name,
    resolve_viewer,
)
from kit.reports import CourseSnapshot, HrReport, course_snapshot

__all__ = [
    "DEBUG_ENV",
    "PROBLEMS",
    "PageData",
    "PageProblem",
    "PageSpec",
    "Problem",
    "build_page",
    "debug_enabled",
    "load_page_data",
    "page_message",
    "page_viewer",
    "technical_detail",
]

DEBUG_ENV = "KIT_DEBUG"
# A heading key that stands for the page's own access heading (``PageSpec.access_heading``).
_ACCESS = "access"


@dataclass(frozen=True)
class Problem:
    """How the page words one problem: message keys of the heading, the reason, what to do.

    A ``reason`` of ``None`` takes the words the problem was raised with (an ``AccessError``'s).
    """

    heading: str
    reason: str | None
    todo: str | None = None


PROBLEMS: Mapping[str, Problem] = MappingProxyType(
    {
        "no_course": Problem("nodata.heading", "page.no_course", "page.todo.no_course"),
        "no_gradebook": Problem("nodata.heading", "nodata.no_gradebook"),
        "no_roster": Problem("nodata.heading", "nodata.no_roster", "page.todo.import_roster"),
        "no_grades": Problem("nodata.heading", "nodata.no_grades"),
        "bad_gradebook": Problem(
            "page.heading.broken", "nodata.bad_gradebook", "page.todo.bad_gradebook"
        ),
        "bad_roster": Problem("page.heading.broken", "page.bad_roster", "page.todo.import_roster"),
        "bad_roles": Problem("page.heading.broken", "page.bad_roles", "page.todo.bad_roles"),
        "bad_tags": Problem("page.heading.broken", "nodata.bad_tags", "page.todo.bad_tags"),
        "bad_rules": Problem("page.heading.broken", "nodata.bad_rules", "page.todo.check_data"),
        "bad_data": Problem("page.heading.broken", "page.bad_data", "page.todo.check_data"),
        "no_viewer": Problem(_ACCESS, "page.no_viewer"),
        "unknown_viewer": Problem(_ACCESS, None),
        "denied": Problem(_ACCESS, None),
        "unexpected": Problem("page.heading.unexpected", "page.unexpected", "page.todo.unexpected"),
    }
)


class PageProblem(Exception):
    """A known reason why a page shows a message instead of its data (a key of ``PROBLEMS``).

    ``words`` (Indonesian) replace the problem's default reason, e.g. an ``AccessError``'s.
    """

    def __init__(self, problem: str, words: str | None = None) -> None:
        if problem not in PROBLEMS:
            raise ValueError(f"unknown page problem {problem!r}")
        super().__init__(words or problem)
        self.problem = problem
        self.words = words


@dataclass(frozen=True)
class PageSpec:
    """What sets one page apart at the front door; every other step is the same for all.

    ``requires`` names what the page cannot do without: ``"learners"`` (a roster) and/or
    ``"grades"`` (graded submissions). ``wording`` replaces a problem's default reason by one of
    the page's own message keys; ``denied`` words a known viewer without an allowed role
    (``{username}``).
    """

    title: str
    allowed_roles: frozenset[str]
    denied: str
    access_heading: str = "page.heading.access"
    contact: str = "nodata.contact"
    requires: tuple[str, ...] = ()
    wording: Mapping[str, str] = field(default_factory=dict)
    warm_up: Callable[[], None] | None = None


@dataclass(frozen=True)
class PageData:
    """The course's data as a page receives them: one cached snapshot, shared, never changed.

    Renderers narrow it (``restrict_summary``, ``restrict_report``) into new objects.
    """

    course: Course
    snapshot: CourseSnapshot

    @property
    def summary(self) -> CourseSummary:
        return self.snapshot.summary

    @property
    def report(self) -> HrReport:
        return self.snapshot.report

    def events(self) -> list[dict]:
        """The course's audit log, read now (it is not an input of the snapshot)."""
        return read_events(self.course.root)


Renderer = Callable[[Viewer, PageData], widgets.Widget]


def build_page(
    spec: PageSpec,
    render: Renderer,
    *,
    course: Course | None = None,
    viewer_name: str | None = None,
) -> widgets.Widget:
    """The page ``render`` builds for the viewer, or the message saying why there is none.

    ``course`` defaults to ``KIT_COURSE_DIR``; ``viewer_name`` to ``JUPYTERHUB_USER`` /
    ``KIT_VIEWER`` (read after the viewer's request in a preheated kernel).
    """
    course = course or course_from_env()
    _prefetch(course, spec)
    wait_for_viewer()
    name = current_viewer_name() if viewer_name is None else viewer_name
    with warnings.catch_warnings():
        # Library warnings (SQLAlchemy, pandas) would print on the page; not for its readers.
        if not debug_enabled():
            warnings.simplefilter("ignore")
        try:
            viewer = page_viewer(course, name, spec.allowed_roles)
            return render(viewer, load_page_data(course, spec.requires))
        except Exception as error:  # noqa: BLE001 - every failure becomes the page's message
            return page_message(spec, error, username=name)


def page_viewer(course: Course, name: str | None, allowed_roles: frozenset[str]) -> Viewer:
    """The viewer, if the course exists and they hold one of ``allowed_roles``; else a
    ``PageProblem``. Checked before any data are read: a stranger costs nothing and learns
    nothing of the course's state."""
    if not course.root.is_dir():
        raise PageProblem("no_course")
    if not name:
        raise PageProblem("no_viewer")
    try:
        _check_roster_columns(course)
        viewer = resolve_viewer(course, name)
    except AccessFileError as error:
        # roles.yml (or access.yml) is invalid: it gives nobody a role, so nobody is let in.
        raise PageProblem("bad_roles", str(error)) from error
    except AccessError as error:
        if not course.roster_path.exists():
            raise PageProblem("no_roster") from error
        raise PageProblem("unknown_viewer", str(error)) from error
    except yaml.YAMLError as error:
        raise PageProblem("bad_roles") from error
    except (
        RosterError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        csv.Error,
        UnicodeDecodeError,
    ) as error:
        raise PageProblem("bad_roster") from error
    if not viewer.roles & allowed_roles:
        raise PageProblem("denied")
    return viewer


def _check_roster_columns(course: Course) -> None:
    # The roster reader fills a missing column with blanks: a roster saved with the wrong
    # separator would turn every viewer into a stranger. Say what is wrong instead.
    if not course.roster_path.exists():
        return
    header = pd.read_csv(course.roster_path, dtype=str, nrows=0).columns
    if any(column not in header for column in REQUIRED_COLUMNS):
        raise PageProblem("bad_roster")


def load_page_data(course: Course, requires: tuple[str, ...] = ()) -> PageData:
    """The course's snapshot (computed once per change of its inputs), or a ``PageProblem``."""
    if not course.gradebook_path.is_file():
        raise PageProblem("no_gradebook")
    try:
        snapshot = course_snapshot(course)
    except (sqlalchemy.exc.SQLAlchemyError, pd.errors.DatabaseError, sqlite3.Error) as error:
        raise PageProblem("bad_gradebook") from error
    except TagError as error:
        raise PageProblem("bad_tags") from error
    except (RuleError, FrameworkError, CurriculumError, yaml.YAMLError) as error:
        raise PageProblem("bad_rules") from error
    except (
        RosterError,
        JpImportError,
        ConfirmationError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        csv.Error,
        UnicodeDecodeError,
    ) as error:
        raise PageProblem("bad_data") from error
    if "learners" in requires and snapshot.summary.learners.empty:
        raise PageProblem("no_roster")
    if "grades" in requires and snapshot.summary.grades.empty:
        raise PageProblem("no_grades")
    return PageData(course, snapshot)


def _prefetch(course: Course, spec: PageSpec) -> None:
    """In a preheated kernel, compute or load the course's data before anyone opens the page.

    After the request the data are checked against the course's files again (a few ``stat``
    calls), so the viewer sees them current; errors surface then, as the page's message.
    """
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(Exception):
            if course.gradebook_path.is_file():
                course_snapshot(course)
        if spec.warm_up is not None:
            with contextlib.suppress(Exception):
                spec.warm_up()


def page_message(spec: PageSpec, error: BaseException, username: str | None = None) -> widgets.HTML:
    """The message shown instead of the page: title, what happened, what to do, whom to ask.

    ``error`` is a ``PageProblem`` or anything else (an unexpected problem); its technical
    detail is shown only in debug mode (``KIT_DEBUG=1``), never a traceback.
    """
    if isinstance(error, PageProblem):
        problem = error.problem
    elif isinstance(error, AccessError):  # refused while rendering (e.g. not in the report)
        problem = "unknown_viewer"
    else:
        problem = "unexpected"
    wording = PROBLEMS[problem]
    heading = spec.access_heading if wording.heading == _ACCESS else wording.heading
    if problem == "denied":
        reason = message(spec.denied, username=username or "")
    elif problem in spec.wording:
        reason = message(spec.wording[problem], username=username or "")
    elif wording.reason is None:
        reason = str(getattr(error, "words", None) or error)
    else:
        reason = message(wording.reason)
    parts = [f"<h3>{html.escape(message(heading))}</h3>", f"<p>{html.escape(reason)}</p>"]
    if wording.todo:
        todo = html.escape(message(wording.todo))
        parts.append(f'<p class="marelan-todo"><b>{todo}</b></p>')
    parts.append(f'<p class="muted">{html.escape(message(spec.contact))}</p>')
    if debug_enabled():
        parts.append(f'<pre class="marelan-debug">{html.escape(technical_detail(error))}</pre>')
    page = widgets.HTML(
        PAGE_CSS
        + '<div class="marelan-dash">'
        + f"<h2>{html.escape(message(spec.title))}</h2>"
        + f'<div class="marelan-nodata">{"".join(parts)}</div></div>'
    )
    page.add_class("marelan-page-message")
    page.add_class(f"marelan-problem-{problem.replace('_', '-')}")
    return page


def debug_enabled() -> bool:
    """Whether ``KIT_DEBUG`` asks for technical detail on the pages."""
    return os.environ.get(DEBUG_ENV, "").lower() in ("1", "true", "yes")


def technical_detail(error: BaseException, depth: int = 4) -> str:
    """``Type: text`` of ``error`` and the errors behind it, one per line (no traceback)."""
    lines = []
    current: BaseException | None = error
    while current is not None and len(lines) < depth:
        lines.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return "\n".join(lines)
