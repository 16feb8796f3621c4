"""The ``kit`` command for instructors and HR: thin sub-commands over the library."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kit.course import Course, NbgraderError, put_scripts_on_path
from kit.messages import message
from kit.project import project_root
from kit.roster import RosterError

__all__ = ["main"]


def _course(args: argparse.Namespace) -> Course:
    return Course(Path(args.course).resolve())


def cmd_roster_import(args: argparse.Namespace) -> int:
    from kit.roster import import_roster

    course = _course(args)
    try:
        added = import_roster(course.root, Path(args.file))
    except RosterError as error:
        print(error.summary, file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(message("roster.imported", count=len(added), path=course.roster_path))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from kit.summary import load_summary, unit_table

    summary = load_summary(_course(args))
    if args.json:
        per_learner = summary.per_learner.astype(object).where(summary.per_learner.notna(), None)
        print(
            json.dumps(
                {
                    "framework_version": summary.framework.version,
                    "generated_at": summary.generated_at.isoformat(),
                    "per_learner": per_learner.to_dict("records"),
                    "per_unit": summary.per_unit.astype(object)
                    .where(summary.per_unit.notna(), None)
                    .to_dict("records"),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(unit_table(summary).to_string(index=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kit.demo import build_demo
    from kit.summary import load_summary, unit_table

    workspace = Path(args.workspace).resolve()
    print(f"Menyiapkan demo di {workspace} / building the demo in {workspace}")
    started = time.perf_counter()
    course = build_demo(workspace, learners=args.learners, report=print)
    summary = load_summary(course)
    print("\nRingkasan per unit kerja / summary per work unit:")
    print(unit_table(summary).to_string(index=False))
    print(f"\nDemo siap dalam {time.perf_counter() - started:.1f} s / demo ready.")
    if args.no_serve:
        return 0
    from kit.serve import serve_demo

    return serve_demo(
        workspace=workspace,
        course_dir=course.root,
        apps_dir=project_root() / "voila_apps",
        voila_port=args.voila_port,
        lab_port=args.lab_port,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kit",
        description="Kit kompetensi digital ASN Marelan / Marelan digital-competency kit",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    default_course = str(project_root() / "assessments")

    demo = sub.add_parser(
        "demo", help="bangun, nilai dan tampilkan demo / build, grade and serve the demo"
    )
    demo.add_argument(
        "--no-serve", action="store_true", help="jangan jalankan server / do not serve"
    )
    demo.add_argument("--workspace", default=str(project_root() / ".demo"))
    demo.add_argument("--learners", type=int, default=30)
    demo.add_argument("--voila-port", type=int, default=8866)
    demo.add_argument("--lab-port", type=int, default=8888)
    demo.set_defaults(func=cmd_demo)

    roster = sub.add_parser("roster", help="daftar peserta / roster")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    importer = roster_sub.add_parser("import", help="impor peserta dari CSV / import from CSV")
    importer.add_argument("file", help="CSV: username,nip,nama,unit[,jabatan,email]")
    importer.add_argument("--course", default=default_course)
    importer.set_defaults(func=cmd_roster_import)

    summary = sub.add_parser("summary", help="ringkasan kompetensi / competency summary")
    summary.add_argument("--course", default=default_course)
    summary.add_argument("--json", action="store_true")
    summary.set_defaults(func=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    put_scripts_on_path()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except NbgraderError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
