"""nbgrader's own autograde steps, run in-process against one shared gradebook connection.

``nbgrader autograde`` opens a new gradebook engine in every preprocessor of every notebook and
commits once per cell. Here the same preprocessors (or line-for-line equivalents where nbgrader
hard-wires its own connection) run on one connection owned by the single writer thread, and the
grades of a submission are committed in one transaction. Scores come from nbgrader's
``utils.determine_grade``, so they equal ``nbgrader autograde``'s.
"""

from __future__ import annotations

import fcntl
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
)
from sqlalchemy import event, text
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

__all__ = [
    "load_course_config",
    "open_gradebook",
    "gradebook_lock",
    "sanitize",
    "post_process",
    "save_grades",
    "feedback_html",
]

log = logging.getLogger("kit.grading")


def load_course_config(root: Path) -> tuple[Config, CourseDirectory]:
    """The course's ``nbgrader_config.py`` (if any) and its CourseDirectory rooted at ``root``."""
    config = Config()
    if (root / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(root)
    return config, coursedir


def open_gradebook(db_url: str, course_id: str) -> Gradebook:
    """nbgrader's Gradebook, waiting (not failing) when another process holds the SQLite lock."""
    gradebook = Gradebook(db_url, course_id)
    if db_url.startswith("sqlite"):

        @event.listens_for(gradebook.engine, "connect")
        def _busy_timeout(dbapi_connection, _record):  # pragma: no cover - per new connection
            dbapi_connection.execute("PRAGMA busy_timeout = 120000")

        gradebook.db.execute(text("PRAGMA busy_timeout = 120000"))
        gradebook.db.commit()
    return gradebook


@contextmanager
def gradebook_lock(root: Path):
    """Serialise gradebook transactions between ``kit grade`` processes on one course.

    SQLite detects a read-to-write upgrade deadlock by failing at once with "database is
    locked"; holding this lock around every transaction (and ending each one before release)
    means two runs never hold locks they wait on.
    """
    folder = root / ".kit"
    folder.mkdir(exist_ok=True)
    with open(folder / "gradebook.lock", "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class _SharedOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells on the shared connection (its own opens a new engine)."""

    shared: Gradebook | None = None

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = self.shared
        nb, resources = Preprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class _SharedGetGrades(GetGrades):
    """nbgrader's GetGrades (feedback) on the shared connection."""

    shared: Gradebook | None = None

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.student_id = resources["nbgrader"]["student"]
        self.gradebook = self.shared
        nb, resources = Preprocessor.preprocess(self, nb, resources)
        notebook = self.gradebook.find_submission_notebook(
            self.notebook_id, self.assignment_id, self.student_id
        )
        late_penalty = notebook.late_submission_penalty or 0
        resources["nbgrader"]["score"] = notebook.score - late_penalty
        resources["nbgrader"]["max_score"] = notebook.max_score
        resources["nbgrader"]["late_penalty"] = late_penalty
        return nb, resources


def _resources(db_url: str, assignment: str, student: str, notebook: str) -> dict:
    return {
        "unique_key": notebook,
        "output_files_dir": f"{notebook}_files",
        "nbgrader": {
            "student": student,
            "assignment": assignment,
            "notebook": notebook,
            "db_url": db_url,
        },
    }


def sanitize(
    nb: NotebookNode,
    *,
    config: Config,
    gradebook: Gradebook,
    db_url: str,
    assignment: str,
    student: str,
    notebook: str,
    kernelspec: dict | None,
) -> NotebookNode:
    """nbgrader's sanitize steps, with missing grade cells added back (``add_missing_cells``)."""
    resources = _resources(db_url, assignment, student, notebook)
    nb, resources = ClearOutput(config=config).preprocess(nb, resources)
    nb, resources = DeduplicateIds(config=config).preprocess(nb, resources)
    if kernelspec:  # OverwriteKernelspec, from the cached gradebook value
        nb.metadata["kernelspec"] = kernelspec
    overwrite = _SharedOverwriteCells(config=config)
    overwrite.add_missing_cells = True
    overwrite.shared = gradebook
    nb, resources = overwrite.preprocess(nb, resources)
    nb, resources = CheckCellMetadata(config=config).preprocess(nb, resources)
    return nb


def post_process(nb: NotebookNode, *, config: Config) -> NotebookNode:
    """nbgrader's post-execution steps that do not touch the gradebook."""
    resources: dict = {}
    ignore = IgnorePattern(config=config)
    if ignore.enabled:
        nb, resources = ignore.preprocess(nb, resources)
    nb, resources = LimitOutput(config=config).preprocess(nb, resources)
    nb, resources = CheckCellMetadata(config=config).preprocess(nb, resources)
    return nb


def save_grades(
    gradebook: Gradebook,
    *,
    config: Config,
    assignment: str,
    student: str,
    notebooks: dict[str, NotebookNode],
) -> None:
    """SaveAutoGrades and AssignLatePenalties for every notebook, committed once.

    Same rules as nbgrader: the auto score comes from ``determine_grade``; a manual score is
    never touched, but a grade that has one is marked for review again.
    """
    for notebook_id, nb in notebooks.items():
        for cell in nb.cells:
            if not (nbutils.is_grade(cell) or nbutils.is_solution(cell) or nbutils.is_task(cell)):
                continue
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            if nbutils.is_grade(cell):
                grade = gradebook.find_grade(grade_id, notebook_id, assignment, student)
                auto_score, _ = nbutils.determine_grade(cell, log)
                grade.auto_score = auto_score
                grade.needs_manual_grade = grade.manual_score is not None or auto_score is None
            if nbutils.is_solution(cell) or nbutils.is_task(cell):
                comment = gradebook.find_comment(grade_id, notebook_id, assignment, student)
                unchanged = cell.metadata.nbgrader.get("checksum") == nbutils.compute_checksum(cell)
                comment.auto_comment = (
                    "No response." if unchanged and not nbutils.is_task(cell) else None
                )
        gradebook.db.flush()
        late = AssignLatePenalties(config=config)
        late.init_plugin()
        submission = gradebook.find_submission(assignment, student)
        submitted = gradebook.find_submission_notebook(notebook_id, assignment, student)
        submitted.late_submission_penalty = None
        seconds_late = submission.total_seconds_late
        if seconds_late > 0:
            penalty = late.plugin_inst.late_submission_penalty(
                student, submitted.score, seconds_late
            )
            if penalty is not None:
                submitted.late_submission_penalty = late._check_late_penalty(submitted, penalty)
    gradebook.db.commit()


def feedback_html(
    nb: NotebookNode,
    *,
    config: Config,
    gradebook: Gradebook,
    db_url: str,
    assignment: str,
    student: str,
    notebook: str,
) -> tuple[str, dict]:
    """nbgrader's feedback page for one autograded notebook, and its resources (score...)."""
    import nbgrader.converters as converters
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

    base = Path(converters.__file__).resolve().parent.parent / "server_extensions" / "formgrader"
    c = Config()
    c.merge(config)
    if "template_name" not in c.HTMLExporter:
        c.HTMLExporter.template_name = "feedback"
    if "extra_template_basedirs" not in c.HTMLExporter:
        c.HTMLExporter.extra_template_basedirs = [str(base / "templates")]
    c.HTMLExporter.extra_template_paths = [
        str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")
    ]
    exporter = HTMLExporter(config=c)
    grades = _SharedGetGrades(config=c)
    grades.shared = gradebook
    exporter.register_preprocessor(grades, enabled=True)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(config=c), enabled=True)
    resources = _resources(db_url, assignment, student, notebook)
    html, resources = exporter.from_notebook_node(nb, resources=resources)
    return html, resources["nbgrader"]


def chmod_tree(folder: Path, mode: int) -> None:
    for dirname, _, filenames in os.walk(folder):
        for filename in filenames:
            os.chmod(os.path.join(dirname, filename), mode)
