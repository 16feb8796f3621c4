"""`make bench`: ``kit grade`` against ``nbgrader autograde`` on copies of one course.

A course with the real assignment ``tugas03_pengaduan`` and N varied submissions (the answer
bank of ``kit.cohort``) is built once (cached under ``build/bench/grade``); one copy is graded by
``nbgrader autograde``, another by ``kit grade``, in the same run, and their per-cell scores must
be identical. Then the kit's time per submission is measured with 50 and with 1,000 learners
already in the gradebook. Results are printed and written to ``build/bench/grade.json``.

    python -m benchmarks.bench_grade [--submissions 200] [--jobs N] [--skip-nbgrader]
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
from pathlib import Path

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit.cohort import load_answer_bank, simulate_cohort  # noqa: E402
from kit.course import Course, nbgrader_env  # noqa: E402
from kit.project import project_root  # noqa: E402

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


def _gradebook_with_learners(total: int, jobs: int | None) -> tuple[Path, list[str]]:
    """A course whose gradebook already holds ``total`` graded learners (graded by the kit)."""
    root = CACHE / f"prefilled-{total}"
    stamp = root / ".bench-complete"
    if not stamp.exists():
        print(f"prefilling a gradebook with {total} learners (graded by the kit) ...", flush=True)
        course = build_course(root, total + 20)
        probe = sorted(p.name for p in course.submitted_dir.iterdir())[-20:]
        others = [
            s for s in sorted(p.name for p in course.submitted_dir.iterdir()) if s not in probe
        ]
        for batch in range(0, len(others), 250):
            _kit_grade(course, jobs, others[batch : batch + 250])
        (root / "probe.json").write_text(json.dumps(probe))
        stamp.write_text("ok")
    return root, json.loads((root / "probe.json").read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-nbgrader", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args(argv)
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}

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
