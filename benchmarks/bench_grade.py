"""`make bench`: ``kit grade`` against ``nbgrader autograde`` on copies of one course.

A course with the real assignment ``tugas03_pengaduan`` and N varied submissions (the answer
bank of ``kit.demo``) is built once (cached under ``build/bench/grade``); one copy is graded by
``nbgrader autograde``, another by ``kit grade``, in the same run, and their per-cell scores must
be identical. Then the kit's time per submission is measured with 50 and with 1,000 learners
already in the gradebook (the other learners' rows are bulk-copied in SQL), and the start time
of one sandboxed kernel, exec'd and forked from the zygote. Results are printed and written to
``build/bench/grade.json``.

    python -m benchmarks.bench_grade [--submissions 200] [--jobs N] [--skip-nbgrader]
        [--skip-scaling] [--kernel-starts 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
import uuid
from pathlib import Path

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit.core import project_root  # noqa: E402
from kit.course import Course, nbgrader_env  # noqa: E402
from kit.demo import load_answer_bank, simulate_cohort  # noqa: E402

__all__ = ["build_course", "copy_course", "cell_scores", "main", "ASSIGNMENT"]

ASSIGNMENT = "tugas03_pengaduan"
MIN_SPEEDUP = 4.0
CACHE = project_root() / "build" / "bench" / "grade"


def build_course(root: Path, submissions: int, seed: int = 2026) -> Course:
    """A fresh nbgrader course at ``root``: the project's config, one assignment, N learners."""
    project = project_root()
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    shutil.copytree(project / "assessments" / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(project / "assessments" / "nbgrader_config.py", root / "nbgrader_config.py")
    course = Course(root)
    course.generate_assignment(ASSIGNMENT)
    bank = load_answer_bank(project / "assessments" / "simulation" / f"{ASSIGNMENT}.yml")
    students = [f"peserta{i:04d}" for i in range(submissions)]
    # Learner 0 answers everything right, learner 1 leaves everything blank, the next ones use
    # every variant; the rest answer at random: the quality varies as in a real class.
    best, *others = bank.covering_plans()
    plans = [best, {g: "kosong" for g in bank.answers}, *others]
    simulate_cohort(
        course, bank, students, seed=seed, plans=dict(zip(students, plans, strict=False))
    )
    return course


def copy_course(source: Path, target: Path) -> Course:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True)
    return Course(target)


def cell_scores(course: Course, assignment: str = ASSIGNMENT) -> dict[tuple[str, str], float]:
    """``(student, grade_id) -> score`` as nbgrader defines it, straight from the gradebook."""
    query = """
        SELECT student.id, base_cell.name,
               CASE WHEN grade.manual_score IS NOT NULL
                    THEN grade.manual_score + COALESCE(grade.extra_credit, 0)
                    WHEN grade.auto_score IS NOT NULL
                    THEN grade.auto_score + COALESCE(grade.extra_credit, 0)
                    ELSE 0 END
        FROM grade
        JOIN base_cell ON base_cell.id = grade.cell_id
        JOIN submitted_notebook ON submitted_notebook.id = grade.notebook_id
        JOIN submitted_assignment ON submitted_assignment.id = submitted_notebook.assignment_id
        JOIN assignment ON assignment.id = submitted_assignment.assignment_id
        JOIN student ON student.id = submitted_assignment.student_id
        WHERE assignment.name = ?
    """
    with sqlite3.connect(course.gradebook_path) as db:
        return {(s, g): float(v) for s, g, v in db.execute(query, (assignment,))}


def _nbgrader_autograde(course: Course) -> float:
    import subprocess

    start = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT, "--force"],
        cwd=course.root,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-3000:])
    return time.perf_counter() - start


def _kit_grade(course: Course, jobs: int | None, students: list[str] | None = None) -> float:
    import subprocess

    command = [
        str(Path(sys.executable).parent / "kit"),
        "grade",
        ASSIGNMENT,
        "--course",
        str(course.root),
        "--json",
    ]
    if jobs:
        command += ["--jobs", str(jobs)]
    for student in students or []:
        command += ["--student", student]
    start = time.perf_counter()
    result = subprocess.run(command, env=nbgrader_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-3000:])
    seconds = time.perf_counter() - start
    statuses = {r["status"] for r in json.loads(result.stdout)["results"]}
    if statuses != {"graded"}:
        raise RuntimeError(f"kit grade statuses: {statuses}")
    return seconds


def _cached(submissions: int) -> Path:
    root = CACHE / f"course-{submissions}"
    stamp = root / ".bench-complete"
    if not stamp.exists():
        print(f"building a course with {submissions} submissions in {root} ...", flush=True)
        build_course(root, submissions)
        stamp.write_text("ok")
    return root


PROBES = 20  # submissions timed in a gradebook that already holds many learners


def _clone_learners(course: Course, template: str, count: int) -> None:
    """``count`` more graded learners in the gradebook: copies of ``template``'s rows.

    Plain SQL in one transaction into nbgrader's schema (new uuid4 ids, as nbgrader makes):
    seconds for a thousand learners, where grading them would take a quarter of an hour. The
    tables, indexes and row counts per learner are what ``kit grade`` sees in a real class.
    """
    with sqlite3.connect(course.gradebook_path, isolation_level=None) as db:
        db.execute("BEGIN")
        student = db.execute("SELECT * FROM student WHERE id = ?", (template,)).fetchone()
        submissions = db.execute(
            "SELECT * FROM submitted_assignment WHERE student_id = ?", (template,)
        ).fetchall()
        for number in range(count):
            new_student = f"terisi{number:04d}"
            db.execute(
                f"INSERT INTO student VALUES ({', '.join('?' * len(student))})",
                (new_student, *student[1:]),
            )
            for submission in submissions:
                submission_id = uuid.uuid4().hex
                db.execute(
                    "INSERT INTO submitted_assignment VALUES (?, ?, ?, ?, ?)",
                    (submission_id, submission[1], new_student, *submission[3:]),
                )
                notebooks = db.execute(
                    "SELECT * FROM submitted_notebook WHERE assignment_id = ?", (submission[0],)
                ).fetchall()
                for notebook in notebooks:
                    notebook_id = uuid.uuid4().hex
                    db.execute(
                        "INSERT INTO submitted_notebook VALUES (?, ?, ?, ?, ?)",
                        (notebook_id, submission_id, *notebook[2:]),
                    )
                    for table in ("grade", "comment"):
                        rows = db.execute(
                            f"SELECT * FROM {table} WHERE notebook_id = ?", (notebook[0],)
                        ).fetchall()
                        db.executemany(
                            f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})",
                            [(uuid.uuid4().hex, notebook_id, *row[2:]) for row in rows],
                        )
        db.execute("COMMIT")


def _gradebook_with_learners(total: int, jobs: int | None) -> tuple[Path, list[str]]:
    """A course whose gradebook already holds ``total`` graded learners, and the probes to time.

    One learner is graded by the kit; the other ``total - 1`` are copies of its gradebook rows.
    """
    root = CACHE / f"prefilled-{total}"
    stamp = root / ".bench-complete"
    if not stamp.exists():
        print(f"prefilling a gradebook with {total} learners ...", flush=True)
        course = build_course(root, PROBES + 1)
        learners = sorted(p.name for p in course.submitted_dir.iterdir())
        probe, template = learners[:PROBES], learners[PROBES]
        _kit_grade(course, jobs, [template])
        _clone_learners(course, template, total - 1)
        (root / "probe.json").write_text(json.dumps(probe))
        stamp.write_text("ok")
    return root, json.loads((root / "probe.json").read_text())


def _kernel_starts(count: int) -> dict[str, float]:
    """Median seconds from ``start_kernel`` to a ready kernel: exec'd, and forked by the zygote."""
    import asyncio
    import statistics
    import tempfile

    from kit.grading import Limits, SandboxedKernelManager, start_zygote

    def cpu_seconds(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def once(workdir: Path, zygote) -> tuple[float, float, float]:
        """Seconds to ready, the kernel process's CPU seconds then, seconds to ``import pandas``."""
        km = SandboxedKernelManager(limits=Limits(), workdir=workdir, zygote=zygote)
        started = time.perf_counter()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            ready = time.perf_counter() - started
            cpu = cpu_seconds(km.provisioner.pid)
            await kc.execute_interactive("import pandas", timeout=60)
            return ready, cpu, time.perf_counter() - started
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    async def measure(top: Path) -> dict[str, float]:
        zygote = start_zygote(["pandas"])
        zygote.wait_ready()
        try:
            seconds: dict[str, list[tuple[float, float, float]]] = {"exec": [], "zygote": []}
            for index in range(count):
                for name, launch in (("exec", None), ("zygote", zygote)):
                    workdir = top / f"{name}-{index}"
                    workdir.mkdir()
                    seconds[name].append(await once(workdir, launch))
        finally:
            zygote.close()
        return {
            f"{name}_{measure}": round(statistics.median(v[column] for v in values), 3)
            for name, values in seconds.items()
            for column, measure in enumerate(("ready", "cpu", "pandas"))
        }

    top = Path(tempfile.mkdtemp(prefix="kit-bench-kernels-"))
    top.chmod(0o755)  # the sandbox uid must be able to walk into its working folder
    try:
        return asyncio.run(measure(top))
    finally:
        shutil.rmtree(top, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-nbgrader", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument(
        "--kernel-starts", type=int, default=5, help="kernel starts timed per launch path (0: none)"
    )
    args = parser.parse_args(argv)
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}

    if args.kernel_starts:
        starts = _kernel_starts(args.kernel_starts)
        report["kernel_start_seconds"] = starts
        for name, label in (("exec", "exec'd"), ("zygote", "forked from the zygote")):
            print(
                f"sandboxed kernel, {label} (median of {args.kernel_starts}): ready after "
                f"{starts[f'{name}_ready']:.3f} s using {starts[f'{name}_cpu']:.2f} s CPU; "
                f"`import pandas` done after {starts[f'{name}_pandas']:.3f} s",
                flush=True,
            )

    base = _cached(args.submissions)
    kit_copy = copy_course(base, CACHE / "run-kit")
    kit_seconds = _kit_grade(kit_copy, args.jobs)
    report["kit_seconds"] = round(kit_seconds, 1)
    print(
        f"kit grade, {args.submissions} submissions: {kit_seconds:.1f} s "
        f"({kit_seconds / args.submissions:.2f} s each)",
        flush=True,
    )
    if not args.skip_nbgrader:
        nb_copy = copy_course(base, CACHE / "run-nbgrader")
        nb_seconds = _nbgrader_autograde(nb_copy)
        ours, theirs = cell_scores(kit_copy), cell_scores(nb_copy)
        differing = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
        report.update(
            nbgrader_seconds=round(nb_seconds, 1),
            cells=len(theirs),
            differing_cells=len(differing),
            ratio=round(nb_seconds / kit_seconds, 2),
        )
        print(
            f"nbgrader autograde, {args.submissions} submissions: {nb_seconds:.1f} s "
            f"({nb_seconds / args.submissions:.2f} s each)"
        )
        print(f"per-cell scores compared: {len(theirs)}, differing: {len(differing)}")
        print(
            f"speed-up kit vs nbgrader: {nb_seconds / kit_seconds:.2f}x (target {MIN_SPEEDUP:g}x)"
        )
        if differing:
            print("first differences:", differing[:10], file=sys.stderr)
            return 1
    if not args.skip_scaling:
        for prefilled in (50, 1000):
            root, probe = _gradebook_with_learners(prefilled, args.jobs)
            run = copy_course(root, CACHE / f"run-prefilled-{prefilled}")
            seconds = _kit_grade(run, args.jobs, probe)
            report[f"per_submission_with_{prefilled}"] = round(seconds / len(probe), 3)
            print(
                f"kit grade of {len(probe)} submissions with {prefilled} learners already in "
                f"the gradebook: {seconds / len(probe):.2f} s each",
                flush=True,
            )
    out = CACHE.parent / "grade.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
