"""``grade_assignment``: concurrent, isolated, tamper-checked nbgrader autograde of one assignment.

Pipeline, in this order:
1. the isolation is resolved (:mod:`kit.grading.isolation`): the sandbox, unless the weaker
   ``limits_only`` mode is asked for; a sandbox that cannot be set up stops the run here, before
   anything is read or written (a ``grading.refused`` audit event says why);
2. back up the gradebook (SQLite online backup, last five kept);
3. per submission, in the single gradebook thread (:class:`~kit.grading.session.GradebookSession`):
   intake (not gradable?), tamper detection, metadata restored from the gradebook, nbgrader's
   sanitize steps with missing cells added back, deleted tests failed;
4. execution in isolated kernels, ``jobs`` at a time, in one asyncio loop (kernel start-up of
   one submission overlaps the execution of the others);
5. in the same single gradebook thread: nbgrader's post-execution steps, ``autograded/`` written
   atomically, the grades of the submission committed in one transaction, feedback written.
The audit events ``grading.start`` and ``grading.done`` carry the isolation of the run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kit.core import message, record_event
from kit.course import put_scripts_on_path
from kit.grading import nbgrader_steps as steps
from kit.grading.backup import BACKUPS_KEPT, backup_gradebook
from kit.grading.course_files import AssignmentFolders
from kit.grading.executor import ExecutionOutcome, execute_notebook
from kit.grading.intake import MAX_NOTEBOOK_MB
from kit.grading.isolation import Isolation, IsolationUnavailable, resolve_isolation
from kit.grading.kernels import (
    close_zygote,
    make_kernel_manager,
    notebook_imports,
    ready_zygote,
    start_kernel_zygote,
)
from kit.grading.limits import Limits
from kit.grading.results import STATUSES, GradingError, GradingRun, SubmissionResult
from kit.grading.session import GradebookSession

__all__ = [
    "BACKUPS_KEPT",
    "GradingError",
    "GradingRun",
    "STATUSES",
    "SubmissionResult",
    "backup_gradebook",
    "default_jobs",
    "grade_assignment",
]

log = logging.getLogger("kit.grading")


def default_jobs() -> int:
    """Kernels at once: one more than the cores, so a kernel starts while the others run."""
    return (os.cpu_count() or 1) + 1


def grade_assignment(
    course_root: Path,
    assignment: str,
    *,
    jobs: int | None = None,
    students: Sequence[str] = (),
    limits: Limits | None = None,
    progress: Callable[[int, int, SubmissionResult], None] | None = None,
    isolation: str | None = None,
    feedback: bool = True,
    max_file_mb: float = MAX_NOTEBOOK_MB,
) -> GradingRun:
    """Grade every submission of ``assignment`` (or only ``students``) in ``course_root``.

    The course is any standard nbgrader course (its own ``nbgrader_config.py``); the assignment
    must have been generated (it is in the gradebook). ``isolation`` is ``"sandbox"`` or
    ``"limits_only"`` (``"limits-only"`` too); None takes the course's
    ``c.KitGrade.isolation``, else the sandbox. ``progress(done, total, result)`` is called
    after each learner. Raises :class:`GradingError` when the run cannot start, among others
    when the sandbox cannot be set up: then nothing is graded and no stored grade changes.
    """
    put_scripts_on_path()
    # nbgrader warns on every submission it adds; the scores are right (see FIELD-NOTES).
    warnings.filterwarnings("ignore", message=".*not in session.*")
    root = Path(course_root).resolve()
    if not root.is_dir():
        raise GradingError(
            message("grading.error.no_course", path=root), message("grading.hint.no_course")
        )
    config, coursedir = steps.load_course_config(root)
    coursedir.assignment_id = assignment
    try:
        chosen = resolve_isolation(isolation, config)
    except IsolationUnavailable as refused:
        record_event(
            root,
            "grading.refused",
            assignment=assignment,
            isolation=refused.mode,
            isolation_source=refused.source,
            isolation_notes=list(refused.missing),
            reason=str(refused),
            engine="kit",
        )
        raise
    grader = _Grader(
        AssignmentFolders(root, config, coursedir, assignment),
        chosen,
        jobs=max(1, int(jobs or default_jobs())),
        students=list(students),
        limits=limits or _course_limits(config),
        progress=progress,
        feedback=feedback,
        max_file_mb=max_file_mb,
    )
    return asyncio.run(grader.run())


def _course_limits(config) -> Limits:
    # The course's own per-cell timeout (nbgrader's Execute/ExecutePreprocessor.timeout).
    for section in ("Execute", "ExecutePreprocessor"):
        if section in config and "timeout" in config[section]:
            value = config[section]["timeout"]
            if value and value > 0:
                return Limits(cell_timeout=float(value))
    return Limits()


class _Grader:
    """One run's event loop: the gradebook thread, the kernels, the audit events."""

    def __init__(
        self,
        folders: AssignmentFolders,
        isolation: Isolation,
        *,
        jobs: int,
        students: list[str],
        limits: Limits,
        progress: Callable[[int, int, SubmissionResult], None] | None,
        feedback: bool,
        max_file_mb: float,
    ) -> None:
        self.folders = folders
        self.root = folders.root
        self.assignment = folders.assignment
        self.isolation = isolation
        self.jobs = jobs
        self.only = students
        self.limits = limits
        self.progress = progress
        self.session = GradebookSession(
            folders,
            notebook_timeout=limits.notebook_timeout,
            feedback=feedback,
            max_file_mb=max_file_mb,
        )
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-gradebook")
        self.zygote = None

    def _isolation_fields(self, notes: tuple[str, ...]) -> dict:
        return {
            "isolation": self.isolation.mode,
            "isolation_source": self.isolation.source,
            "isolation_notes": list(notes),
            "sandboxed": self.isolation.sandboxed,
        }

    async def run(self) -> GradingRun:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        mode = self.isolation.mode
        notes = self.isolation.notes
        # Started first: its imports run while the gradebook is opened.
        preload = notebook_imports(self.folders.instructor_notebooks())
        self.zygote = start_kernel_zygote(mode, preload)
        try:
            students = await loop.run_in_executor(self.writer, self.session.open, self.only)
            self.zygote, zygote_notes = await loop.run_in_executor(
                None, ready_zygote, self.zygote, mode
            )
            notes = (*notes, *zygote_notes)
            record_event(
                self.root,
                "grading.start",
                assignment=self.assignment,
                students=students,
                jobs=self.jobs,
                **self._isolation_fields(notes),
                engine="kit",
            )
            results = await self._grade_all(loop, students)
            await loop.run_in_executor(self.writer, self.session.close)
        finally:
            notes = (*notes, *close_zygote(self.zygote))
            self.writer.shutdown(wait=True)
        order = {s: i for i, s in enumerate(students)}
        results.sort(key=lambda r: order[r.student])
        run = GradingRun(
            assignment=self.assignment,
            course_root=self.root,
            results=results,
            seconds=time.perf_counter() - started,
            jobs=self.jobs,
            isolation=mode,
            isolation_source=self.isolation.source,
            isolation_notes=tuple(notes),
            backup=self.session.backup,
        )
        record_event(
            self.root,
            "grading.done",
            assignment=self.assignment,
            students=[r.student for r in results],
            results=[
                {
                    "student": r.student,
                    "status": r.status,
                    "score": r.score,
                    "max_score": r.max_score,
                    "flags": r.flags,
                }
                for r in results
            ],
            counts=run.counts(),
            seconds=round(run.seconds, 1),
            **self._isolation_fields(run.isolation_notes),
            engine="kit",
        )
        return run

    async def _grade_all(self, loop, students: list[str]) -> list[SubmissionResult]:
        slots = asyncio.Semaphore(self.jobs)
        results: list[SubmissionResult] = []
        total = len(students)

        async def one(student: str) -> None:
            begun = time.perf_counter()
            result = await self._grade_one(loop, slots, student)
            result.seconds = time.perf_counter() - begun
            results.append(result)
            if self.progress:
                self.progress(len(results), total, result)

        await asyncio.gather(*(one(s) for s in students))
        return results

    async def _grade_one(self, loop, slots: asyncio.Semaphore, student: str) -> SubmissionResult:
        try:
            prepared = await loop.run_in_executor(self.writer, self.session.prepare, student)
            if prepared.result is not None:
                return prepared.result
            outcomes: dict[str, ExecutionOutcome] = {}
            workdir = Path(tempfile.mkdtemp(prefix="kit-grade-"))
            try:
                self.folders.copy_extra_files(prepared.folder, workdir)
                async with slots:
                    for name, nb in prepared.notebooks.items():
                        kernel_name = (nb.metadata.get("kernelspec") or {}).get("name", "python3")
                        km = make_kernel_manager(
                            limits=self.limits,
                            workdir=workdir,
                            kernel_name=kernel_name,
                            hidden_paths=self.folders.hidden_paths(self.session.db_url),
                            isolation=self.isolation.mode,
                            zygote=self.zygote,
                        )
                        outcomes[name] = await execute_notebook(
                            nb,
                            km=km,
                            limits=self.limits,
                            workdir=workdir,
                            skip=prepared.skip.get(name, set()),
                        )
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            return await loop.run_in_executor(self.writer, self.session.save, prepared, outcomes)
        except Exception as error:  # noqa: BLE001 - the batch goes on
            log.exception("grading %s failed", student)
            return SubmissionResult(
                student,
                "error",
                reason=message(
                    "grading.reason.error",
                    lang="id",
                    detail=f"{type(error).__name__}: {error}"[:300],
                ),
            )
