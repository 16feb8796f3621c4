"""`make bench`: time the kit's competency and reward summary against ``nbgrader export``.

For each class size a synthetic course in nbgrader's own schema is built once (cached under
``build/bench``), ``kit.reports.report.build_report`` is timed on it, and at one size ``nbgrader
export`` runs on the same gradebook, its totals checked against the kit's per learner and
assignment. Results are printed as a table and written to ``build/bench/summary.json``.

    python -m benchmarks.bench_summary [--sizes 500,2000,10000] [--skip-nbgrader]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import SCHEMA_VERSION, SyntheticCourse, ensure_course  # noqa: E402
from kit.competency import CompetencyFramework  # noqa: E402
from kit.core import project_root  # noqa: E402
from kit.course import Course, NbgraderError, nbgrader_env  # noqa: E402
from kit.grading import read_grades  # noqa: E402
from kit.reports import build_report  # noqa: E402

__all__ = ["main", "export_totals", "kit_totals", "compare_totals"]

DEFAULT_SIZES = (500, 2_000, 10_000)
ASSIGNMENTS = 12
# The targets the kit is held to.
SPEEDUP_AT = 500
MIN_SPEEDUP = 100.0
LARGE_SIZE = 10_000
MAX_LARGE_SECONDS = 10.0


def kit_totals(course: Course) -> pd.DataFrame:
    """Per learner and assignment: the kit's score and maximum (``read_grades`` summed)."""
    grades = read_grades(course.gradebook_path)
    return grades.groupby(["student_id", "assignment"], as_index=False).agg(
        score=("score", "sum"), max_score=("max_score", "sum")
    )


def export_totals(course: Course, destination: Path) -> tuple[pd.DataFrame, float]:
    """Run ``nbgrader export`` in the course folder; its CSV and the wall time it took."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.unlink(missing_ok=True)
    command = [str(Path(sys.executable).parent / "nbgrader"), "export", f"--to={destination}"]
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=course.root, env=nbgrader_env(), capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0 or not destination.exists():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise NbgraderError(f"`nbgrader export` failed ({result.returncode}):\n{tail}")
    frame = pd.read_csv(destination, dtype={"student_id": str}, keep_default_na=False)
    return frame, seconds


def compare_totals(export: pd.DataFrame, kit: pd.DataFrame) -> list[str]:
    """Every disagreement between nbgrader's export and the kit's totals (empty when equal).

    The export lists every learner x assignment pair, with an empty timestamp and 0 where nothing
    was submitted; the kit has rows for submissions only.
    """
    problems = []
    ours = kit.set_index(["student_id", "assignment"])
    submitted = export[export["timestamp"] != ""]
    for row in export[export["timestamp"] == ""].itertuples(index=False):
        if float(row.score) != 0.0:
            problems.append(f"{row.student_id}/{row.assignment}: unsubmitted but scored")
        if (row.student_id, row.assignment) in ours.index:
            problems.append(f"{row.student_id}/{row.assignment}: kit has grades, export none")
    seen = set()
    for row in submitted.itertuples(index=False):
        key = (row.student_id, row.assignment)
        seen.add(key)
        if key not in ours.index:
            problems.append(f"{key[0]}/{key[1]}: in the export, not in the kit")
            continue
        score, maximum = ours.loc[key, ["score", "max_score"]]
        if abs(float(row.raw_score) - score) > 1e-9 or abs(float(row.max_score) - maximum) > 1e-9:
            problems.append(
                f"{key[0]}/{key[1]}: nbgrader {row.raw_score}/{row.max_score}, "
                f"kit {score:g}/{maximum:g}"
            )
    missing = [key for key in ours.index if key not in seen]
    problems += [f"{u}/{a}: in the kit, not in the export" for u, a in missing]
    return problems


def _time_report(synthetic: SyntheticCourse, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        build_report(synthetic.course, year=synthetic.year, courses_dir=synthetic.courses_dir)
        runs.append(time.perf_counter() - start)
    return runs


def _row_counts(gradebook: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("student", "submitted_assignment", "grade", "comment")
        }
    finally:
        connection.close()


def _status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def _seconds(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _print_table(results: list[dict], targets: list[dict]) -> None:
    header = (
        f"{'learners':>9} {'gradebook MB':>13} {'build s':>9} {'kit best s':>11} "
        f"{'kit runs s':>22} {'nbgrader export s':>18} {'ratio':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in results:
        build = "cached" if row["build_seconds"] is None else f"{row['build_seconds']:.1f}"
        runs = ", ".join(f"{s:.2f}" for s in row["kit_seconds_runs"])
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.0f}x"
        print(
            f"{row['learners']:>9,} {row['gradebook_mb']:>13.1f} {build:>9} "
            f"{row['kit_seconds_best']:>11.2f} {runs:>22} "
            f"{_seconds(row['nbgrader_export_seconds'], 1):>18} {ratio:>8}"
        )
    print()
    for target in targets:
        print(f"{target['status']:>4}  {target['name']}: {target['measured']}")


def _targets(results: list[dict]) -> list[dict]:
    by_size = {row["learners"]: row for row in results}
    speed = by_size.get(SPEEDUP_AT)
    ratio = speed["ratio"] if speed else None
    large = by_size.get(LARGE_SIZE)
    large_best = large["kit_seconds_best"] if large else None
    return [
        {
            "name": f"kit >= {MIN_SPEEDUP:.0f}x faster than nbgrader export at {SPEEDUP_AT:,}",
            "limit": MIN_SPEEDUP,
            "value": ratio,
            "measured": "not measured" if ratio is None else f"{ratio:.0f}x",
            "status": _status(None if ratio is None else ratio >= MIN_SPEEDUP),
        },
        {
            "name": f"{LARGE_SIZE:,}-learner summary < {MAX_LARGE_SECONDS:.0f} s",
            "limit": MAX_LARGE_SECONDS,
            "value": large_best,
            "measured": "not measured" if large_best is None else f"{large_best:.2f} s",
            "status": _status(None if large_best is None else large_best < MAX_LARGE_SECONDS),
        },
    ]


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of sizes: {text}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_summary", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated class sizes (default 500,2000,10000)",
    )
    parser.add_argument(
        "--skip-nbgrader", action="store_true", help="do not time `nbgrader export` (quick run)"
    )
    parser.add_argument(
        "--nbgrader-at",
        type=int,
        default=SPEEDUP_AT,
        help=f"the size at which `nbgrader export` runs (default {SPEEDUP_AT})",
    )
    parser.add_argument("--repeat", type=int, default=3, help="build_report runs per size")
    parser.add_argument(
        "--out", type=Path, default=project_root() / "build" / "bench", help="cache and results"
    )
    args = parser.parse_args(argv)

    framework = CompetencyFramework.load()
    results = []
    failed_checks = []
    for size in args.sizes:
        print(f"[{size:,} learners] preparing the course ...", flush=True)
        synthetic, build_seconds = ensure_course(args.out, size, ASSIGNMENTS, framework=framework)
        note = "cached" if build_seconds is None else f"built in {build_seconds:.1f} s"
        print(f"[{size:,} learners] {note}: {synthetic.course.gradebook_path}", flush=True)
        runs = _time_report(synthetic, args.repeat)
        print(f"[{size:,} learners] build_report: {', '.join(f'{s:.2f}' for s in runs)} s")
        row = {
            "learners": size,
            "assignments": ASSIGNMENTS,
            "gradebook_mb": round(synthetic.gradebook_mb, 1),
            "rows": _row_counts(synthetic.course.gradebook_path),
            "build_seconds": None if build_seconds is None else round(build_seconds, 2),
            "kit_seconds_runs": [round(s, 3) for s in runs],
            "kit_seconds_best": round(min(runs), 3),
            "nbgrader_export_seconds": None,
            "ratio": None,
            "totals_checked": None,
        }
        if size == args.nbgrader_at and not args.skip_nbgrader:
            print(f"[{size:,} learners] nbgrader export (minutes at 500) ...", flush=True)
            export, seconds = export_totals(
                synthetic.course, synthetic.root / "nbgrader_export.csv"
            )
            problems = compare_totals(export, kit_totals(synthetic.course))
            row["nbgrader_export_seconds"] = round(seconds, 1)
            row["ratio"] = round(seconds / min(runs), 1)
            row["totals_checked"] = len(export)
            row["totals_mismatches"] = problems[:20]
            if problems:
                failed_checks.append(f"{size}: {len(problems)} totals differ")
                print("\n".join(["Totals differ:", *problems[:20]]), file=sys.stderr)
            print(
                f"[{size:,} learners] nbgrader export {seconds:.1f} s; "
                f"{len(export):,} learner x assignment totals, {len(problems)} differ",
                flush=True,
            )
        results.append(row)

    targets = _targets(results)
    _print_table(results, targets)
    summary = {
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "environment": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **{name: version(name) for name in ("nbgrader", "pandas", "SQLAlchemy")},
        },
        "sizes": results,
        "targets": targets,
        "failed_checks": failed_checks,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "summary.json"
    path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"\nResults: {path}")
    if failed_checks:
        print("nbgrader and the kit disagree: " + "; ".join(failed_checks), file=sys.stderr)
    return 1 if failed_checks or any(t["status"] == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
