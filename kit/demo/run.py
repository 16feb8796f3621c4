"""``kit demo`` from start to end: check the request and the ports, build, summarise, serve.

Everything that can make the demo fail without the machine's fault (an unknown assignment, a
busy port) is checked before anything is built, so a mistake costs seconds, not minutes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kit.apps import check_ports
from kit.core import KitError, message, project_root
from kit.course import Course, choose_course
from kit.demo.request import DEFAULT_DEMO_ASSIGNMENTS, DemoError, check_demo_request

__all__ = ["demo_viewer", "run_demo"]


def demo_viewer(course: Course) -> str | None:
    """Who the demo's pages are opened as: ``KIT_VIEWER``, else the camat of the roster."""
    from kit.people import read_roster

    chosen = os.environ.get("KIT_VIEWER")
    if chosen:
        return chosen
    return next((e.username for e in read_roster(course.roster_path) if e.jabatan == "Camat"), None)


def _is_default(course: Course) -> bool:
    try:
        return choose_course().root == course.root
    except KitError:
        return False


def run_demo(
    workspace: Path,
    *,
    learners: int = 30,
    assignments: Sequence[str] | None = DEFAULT_DEMO_ASSIGNMENTS,
    serve: bool = True,
    reuse: bool = False,
    voila_port: int = 8866,
    lab_port: int = 8888,
    report: Callable[[str], None] = print,
    isolation: str | None = None,
) -> int:
    """Build the demo in ``workspace`` (or ``reuse`` the one built there), print the summary per
    unit, then, with ``serve``, serve the pages and JupyterLab until stopped. Returns the exit
    code.

    The checks come first and import little: a refused request or a busy port is said in a
    second or two, before the minutes of building.
    """
    workspace = Path(workspace).resolve()
    project = project_root()
    course = Course(workspace / "course")
    if serve:
        check_ports(voila_port, lab_port)
    if reuse:
        if not course.gradebook_path.exists():
            raise DemoError(
                message("demo.nothing_to_reuse", path=workspace),
                hint=message("demo.nothing_to_reuse_hint"),
            )
    else:
        check_demo_request(learners, assignments, project)

    from kit.apps import serve_demo
    from kit.competency import load_summary, unit_table
    from kit.demo.workspace import build_demo

    if not reuse:
        report(message("demo.building", path=workspace))
        started = time.perf_counter()
        course = build_demo(
            workspace,
            learners=learners,
            report=report,
            assignments=assignments,
            isolation=isolation,
        )
    report("\n" + message("demo.summary_heading"))
    report(unit_table(load_summary(course)).to_string(index=False))
    if not reuse:
        report("\n" + message("demo.ready", seconds=f"{time.perf_counter() - started:.1f}"))
    if not _is_default(course):
        # `make demo` builds the default course; another workspace, or a saved choice, does not.
        report(message("demo.use_course_hint", path=course.root))
    if not serve:
        return 0
    return serve_demo(
        workspace=workspace,
        course_dir=course.root,
        apps_dir=project / "voila_apps",
        voila_port=voila_port,
        lab_port=lab_port,
        viewer=demo_viewer(course),
    )
