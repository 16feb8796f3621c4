"""The gradebook side of a run, owned by one thread: open, prepare, save, score, close.

nbgrader's Gradebook is one SQLAlchemy session: only the engine's single writer thread calls
these methods, and every transaction runs under the course's file lock
(:func:`~kit.grading.nbgrader_steps.gradebook_lock`), so concurrent runs never lose a row.
"""

from __future__ import annotations

import logging
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from kit.core import message
from kit.grading import nbgrader_steps as steps
from kit.grading.backup import backup_gradebook
from kit.grading.course_files import AssignmentFolders
from kit.grading.executor import ExecutionOutcome
from kit.grading.feedback import write_feedback, write_not_gradable_page
from kit.grading.intake import read_submission
from kit.grading.results import GradingError, SubmissionResult
from kit.grading.submission import PreparedSubmission, judge, sanitize_notebooks
from kit.grading.tamper import NotebookSpec

__all__ = ["GradebookSession"]

log = logging.getLogger("kit.grading")


class GradebookSession:
    """One assignment's gradebook during a run (call from the writer thread only)."""

    def __init__(
        self,
        folders: AssignmentFolders,
        *,
        notebook_timeout: float,
        feedback: bool,
        max_file_mb: float,
    ) -> None:
        self.folders = folders
        self.root = folders.root
        self.assignment = folders.assignment
        self.config: Config = folders.config
        self.coursedir: CourseDirectory = folders.coursedir
        self.db_url: str = self.coursedir.db_url
        self.notebook_timeout = notebook_timeout
        self.feedback = feedback
        self.max_file_mb = max_file_mb
        self.gradebook = None
        self.specs: dict[str, NotebookSpec] = {}
        self.backup: Path | None = None

    def open(self, only: list[str]) -> list[str]:
        """Open the gradebook, back it up, cache the assignment's cells; the students to grade."""
        with steps.gradebook_lock(self.root):
            db_path = (
                Path(self.db_url.removeprefix("sqlite:///"))
                if self.db_url.startswith("sqlite:///")
                else None
            )
            if db_path is None or not db_path.is_file():
                raise GradingError(
                    message("grading.error.no_gradebook", path=self.root),
                    message("grading.hint.no_gradebook"),
                )
            self.backup = backup_gradebook(self.root, db_path)
            self.gradebook = steps.open_gradebook(self.db_url, self.coursedir.course_id)
            try:
                assignment = self.gradebook.find_assignment(self.assignment)
            except MissingEntry:
                raise GradingError(
                    message("grading.error.unknown_assignment", assignment=self.assignment),
                    message("grading.hint.unknown_assignment", assignment=self.assignment),
                ) from None
            for notebook in assignment.notebooks:
                self.specs[notebook.name] = NotebookSpec.from_gradebook(
                    notebook, self.folders.release_notebook(notebook.name)
                )
            self.gradebook.db.commit()
        if not self.specs:
            raise GradingError(
                message("grading.error.unknown_assignment", assignment=self.assignment),
                message("grading.hint.unknown_assignment", assignment=self.assignment),
            )
        found = self.folders.students()
        missing = [s for s in only if s not in found]
        if missing:
            raise GradingError(
                message(
                    "grading.error.no_submission",
                    students=", ".join(missing),
                    assignment=self.assignment,
                ),
                message("grading.hint.no_submission"),
            )
        return list(only) or found

    def prepare(self, student: str) -> PreparedSubmission:
        """Read, check and sanitize one submission; ``result`` is set if it stops here."""
        folder = self.folders.submitted(student)
        prepared = PreparedSubmission(student, folder)
        intake = read_submission(folder, list(self.specs), self.max_file_mb)
        if not intake.gradable:
            reason = message(intake.reason_key, lang="id", **(intake.reason_values or {}))
            return self._not_gradable(prepared, reason)
        try:
            with steps.gradebook_lock(self.root):
                try:
                    sanitize_notebooks(
                        prepared,
                        intake.notebooks,
                        self.specs,
                        gradebook=self.gradebook,
                        config=self.config,
                        db_url=self.db_url,
                        assignment=self.assignment,
                    )
                finally:
                    self.gradebook.db.rollback()
        except Exception as error:  # noqa: BLE001 - one bad notebook never stops the batch
            log.exception("sanitize failed for %s", student)
            reason = message("grading.not_gradable.corrupt", lang="id", detail=str(error)[:200])
            return self._not_gradable(prepared, reason)
        return prepared

    def _not_gradable(self, prepared: PreparedSubmission, reason: str) -> PreparedSubmission:
        prepared.result = SubmissionResult(prepared.student, "not_gradable", reason=reason)
        write_not_gradable_page(
            self.folders.feedback(prepared.student), assignment=self.assignment, reason=reason
        )
        return prepared

    def save(
        self, prepared: PreparedSubmission, outcomes: dict[str, ExecutionOutcome]
    ) -> SubmissionResult:
        """Commit one run submission's grades in one transaction; write autograded/, feedback."""
        result = judge(prepared, outcomes, notebook_timeout=self.notebook_timeout)
        if result.status == "error":
            return result  # nothing ran: the gradebook keeps what it had
        student = prepared.student
        notebooks = {
            name: steps.post_process(nb, config=self.config)
            for name, nb in prepared.notebooks.items()
        }
        with steps.gradebook_lock(self.root):
            try:
                self.folders.write_autograded(student, prepared.folder, notebooks)
                timestamp = self.coursedir.get_existing_timestamp(str(prepared.folder))
                self.gradebook.update_or_create_student(student)
                if timestamp:
                    self.gradebook.update_or_create_submission(
                        self.assignment, student, timestamp=timestamp
                    )
                else:
                    self.gradebook.update_or_create_submission(self.assignment, student)
                steps.save_grades(
                    self.gradebook,
                    config=self.config,
                    assignment=self.assignment,
                    student=student,
                    notebooks=notebooks,
                )
                result.score, result.max_score = self._score(student)
                if self.feedback:
                    self._write_feedback(result, notebooks)
                self.gradebook.db.commit()
            except Exception:
                self.gradebook.db.rollback()
                raise
        return result

    def _score(self, student: str) -> tuple[float, float]:
        # Per grade, not nbgrader's SubmittedAssignment.score: that property's subqueries scan
        # whole tables, so its cost grows with the class (see FIELD-NOTES).
        score = max_score = 0.0
        for name, spec in self.specs.items():
            notebook_score = 0.0
            for cell in spec.cells.values():
                if not cell.grade:
                    continue
                grade = self.gradebook.find_grade(cell.name, name, self.assignment, student)
                notebook_score += grade.score or 0.0
                max_score += grade.max_score or 0.0
            submitted = self.gradebook.find_submission_notebook(name, self.assignment, student)
            penalty = submitted.late_submission_penalty or 0.0
            score += max(notebook_score - penalty, 0.0)
        return round(score, 6), round(max_score, 6)

    def _write_feedback(self, result: SubmissionResult, notebooks: dict) -> None:
        pages = {
            name: steps.feedback_html(
                nb,
                config=self.config,
                gradebook=self.gradebook,
                db_url=self.db_url,
                assignment=self.assignment,
                student=result.student,
                notebook=name,
            )
            for name, nb in notebooks.items()
        }
        write_feedback(
            self.folders.feedback(result.student), pages, assignment=self.assignment, result=result
        )

    def close(self) -> None:
        if self.gradebook is not None:
            self.gradebook.close()
