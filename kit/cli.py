"""The ``kit`` command for instructors and HR: thin sub-commands over the library."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from kit.competency import TagError
from kit.core import DataFileError, message, project_root
from kit.course import Course, NbgraderError, put_scripts_on_path
from kit.grading import GradingError
from kit.people import RosterError

__all__ = ["main"]


def _course(args: argparse.Namespace) -> Course:
    return Course(Path(args.course).resolve())


def cmd_roster_import(args: argparse.Namespace) -> int:
    from kit.people import import_roster

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
    from kit.competency import load_summary, unit_table

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
    from kit.competency import load_summary, unit_table
    from kit.demo import build_demo

    workspace = Path(args.workspace).resolve()
    print(f"Menyiapkan demo di {workspace} / building the demo in {workspace}")
    started = time.perf_counter()
    from kit.demo import DEFAULT_DEMO_ASSIGNMENTS

    if args.assignments == "all":
        assignments = None
    else:
        assignments = args.assignments.split(",") if args.assignments else DEFAULT_DEMO_ASSIGNMENTS
    course = build_demo(
        workspace,
        learners=args.learners,
        report=print,
        assignments=assignments,
        isolation=args.isolation,
    )
    summary = load_summary(course)
    print("\nRingkasan per unit kerja / summary per work unit:")
    print(unit_table(summary).to_string(index=False))
    print(f"\nDemo siap dalam {time.perf_counter() - started:.1f} s / demo ready.")
    if args.no_serve:
        return 0
    from kit.apps import serve_demo
    from kit.people import read_roster

    # On one machine the dashboards are opened as the camat unless KIT_VIEWER says otherwise.
    camat = next(
        (e.username for e in read_roster(course.roster_path) if e.jabatan == "Camat"), None
    )
    return serve_demo(
        workspace=workspace,
        course_dir=course.root,
        apps_dir=project_root() / "voila_apps",
        voila_port=args.voila_port,
        lab_port=args.lab_port,
        viewer=os.environ.get("KIT_VIEWER") or camat,
    )


def _print_problems(summary: str, problems: list) -> None:
    print(summary, file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def cmd_roster_move(args: argparse.Namespace) -> int:
    import datetime as dt

    from kit.people import move_learner

    try:
        since = dt.date.fromisoformat(args.since)
    except ValueError:
        print(message("jp.bad_date", value=args.since), file=sys.stderr)
        return 1
    try:
        moved = move_learner(_course(args).root, args.username, args.unit, since)
    except RosterError as error:
        _print_problems(error.summary, error.problems)
        return 1
    print(message("roster.moved", username=moved.username, unit=moved.unit, since=since))
    return 0


def cmd_jp_import(args: argparse.Namespace) -> int:
    from kit.competency import JpImportError, import_external
    from kit.people import read_roster

    course = _course(args)
    users = [e.username for e in read_roster(course.roster_path)]
    try:
        added = import_external(course.root, Path(args.file), users)
    except JpImportError as error:
        print(error, file=sys.stderr)
        return 1
    print(message("jp.imported", count=len(added), path=course.root / "jp_external.csv"))
    return 0


def cmd_implementation(args: argparse.Namespace) -> int:
    from kit.competency import ConfirmationError, load_rules, record_confirmation
    from kit.people import read_roster

    course = _course(args)
    rules = load_rules(Path(args.rules) if args.rules else None)
    status = "confirmed" if args.implementation_command == "confirm" else "revoked"
    try:
        entry = record_confirmation(
            course.root,
            read_roster(course.roster_path),
            args.username,
            args.by,
            confirmers=list(rules.confirmers),
            district_wide=list(rules.district_wide),
            status=status,
            note=args.note,
        )
    except ConfirmationError as error:
        print(error, file=sys.stderr)
        return 1
    word = "dikonfirmasi" if status == "confirmed" else "dicabut"
    print(
        message(
            "impl.recorded",
            username=entry.username,
            status=word,
            by=entry.confirmed_by,
            at=entry.confirmed_at,
        )
    )
    return 0


def cmd_rewards(args: argparse.Namespace) -> int:
    from kit.competency import load_rules
    from kit.reports import build_report

    rules = load_rules(Path(args.rules) if args.rules else None)
    report = build_report(_course(args), rules=rules, year=args.year)
    standing = report.standing.merge(report.learners[["username", "nama"]], on="username")
    standing = standing.sort_values(["eligible", "score"], ascending=False)
    if args.json:
        payload = {
            "rule_version": report.meta.rule_version,
            "framework_version": report.meta.framework_version,
            "year": report.meta.year,
            "generated_at": report.meta.generated_at.isoformat(),
            "standing": standing.to_dict("records"),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(message("reward.header", version=report.meta.rule_version, year=report.meta.year))
    for row in standing.itertuples(index=False):
        tier = row.tier or "-"
        print(f"\n{row.nama} ({row.unit}) - {tier} - {row.score:g}")
        print(f"  {row.explanation}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kit.competency import load_rules
    from kit.people import IdentityMode, PseudonymKeyError, load_pseudonym_key
    from kit.reports import (
        BadgeIssuer,
        build_report,
        export_badges,
        export_certificates,
        export_csv,
        export_excel,
    )

    course = _course(args)
    mode = IdentityMode(args.identity)
    key = None
    if mode is IdentityMode.pseudonym or args.key_file:
        try:
            key = load_pseudonym_key(Path(args.key_file) if args.key_file else None)
        except PseudonymKeyError as error:
            print(error, file=sys.stderr)
            return 1
    rules = load_rules(Path(args.rules) if args.rules else None)
    report = build_report(course, rules=rules, year=args.year)
    out = Path(args.out)
    try:
        if args.format == "excel":
            paths = [export_excel(report, out, mode=mode, key=key, purpose=args.purpose)]
        elif args.format == "csv":
            paths = export_csv(report, out, mode=mode, key=key, sep=args.sep, purpose=args.purpose)
        elif args.format == "badges":
            issuer = BadgeIssuer(
                name=args.issuer_name,
                url=args.issuer_url,
                email=args.issuer_email,
                base_url=args.base_url or args.issuer_url.rstrip("/") + "/lencana",
            )
            paths = export_badges(
                report, out, issuer=issuer, mode=mode, key=key, purpose=args.purpose
            )
        else:
            paths = export_certificates(report, out, mode=mode, key=key, purpose=args.purpose)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(message("export.done", count=len(paths), out=out, version=report.meta.rule_version))
    return 0


def cmd_curriculum(args: argparse.Namespace) -> int:
    from kit.authoring import programme

    data = programme(project_root())
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for module in data["modules"]:
        print(f"{module['id']:<22} {module['jp']:>4g} JP  {module['title']}")
        print(f"{'':<22}         tugas {module['assignment']}: {', '.join(module['competencies'])}")
    print(message("curriculum.total", jp=f"{data['total_jp']:g}", count=len(data["modules"])))
    return 0


def cmd_module_new(args: argparse.Namespace) -> int:
    from kit.authoring import AuthoringError, scaffold_module

    try:
        written = scaffold_module(project_root(), args.folder, args.title, args.jp)
    except AuthoringError as error:
        print(error, file=sys.stderr)
        return 1
    root = project_root()
    print(message("module.created", count=len(written)))
    for path in written:
        print(f"  {path.relative_to(root)}")
    print(message("module.next", folder=args.folder))
    return 0


def cmd_module_check(args: argparse.Namespace) -> int:
    from kit.authoring import check_module

    report = check_module(
        project_root(), args.module, execute=not args.quick, isolation=args.isolation
    )
    for line in report.passed:
        print(f"  [ok] {line}")
    for line in report.problems:
        print(f"  [MASALAH] {line}", file=sys.stderr)
    key = "module.check_ok" if report.ok else "module.check_failed"
    print(message(key, module=report.module, count=len(report.problems)))
    return 0 if report.ok else 1


def cmd_grade(args: argparse.Namespace) -> int:
    from kit.grading import ProgressBar, grade_assignment, run_to_json, summary_table

    if args.jobs is not None and args.jobs < 1:
        print(message("grading.error.bad_jobs"), file=sys.stderr)
        return 2
    try:
        run = grade_assignment(
            Path(args.course).resolve(),
            args.assignment,
            jobs=args.jobs,
            students=args.student or (),
            progress=ProgressBar(),
            isolation=args.isolation,
            feedback=not args.no_feedback,
        )
    except GradingError as error:
        print(error, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(run_to_json(run), ensure_ascii=False, indent=2))
    else:
        print(summary_table(run))
    return 0


def _add_isolation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--isolation",
        choices=["sandbox", "limits-only"],
        default=None,
        help="isolasi kode peserta (bawaan: c.KitGrade.isolation kursus, lalu sandbox); "
        "limits-only = TANPA isolasi / learner-code isolation",
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
    demo.add_argument(
        "--assignments",
        default=None,
        help="tugas yang disimulasikan dan dinilai (bawaan: tugas03 dan tugas08; 'all' = semua)",
    )
    demo.add_argument("--voila-port", type=int, default=8866)
    demo.add_argument("--lab-port", type=int, default=8888)
    _add_isolation_option(demo)
    demo.set_defaults(func=cmd_demo)

    roster = sub.add_parser("roster", help="daftar peserta / roster")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    importer = roster_sub.add_parser("import", help="impor peserta dari CSV / import from CSV")
    importer.add_argument("file", help="CSV: username,nip,nama,unit[,jabatan,email]")
    importer.add_argument("--course", default=default_course)
    importer.set_defaults(func=cmd_roster_import)

    move = roster_sub.add_parser("move", help="pindah unit kerja / transfer to another unit")
    move.add_argument("username")
    move.add_argument("unit", help="kode unit baru / new unit code")
    move.add_argument("--since", required=True, help="TTTT-BB-HH")
    move.add_argument("--course", default=default_course)
    move.set_defaults(func=cmd_roster_move)

    jp = sub.add_parser("jp", help="buku jam pelajaran / learning-hour ledger")
    jp_sub = jp.add_subparsers(dest="jp_command", required=True)
    jp_import = jp_sub.add_parser("import", help="impor pelatihan luar / import outside learning")
    jp_import.add_argument(
        "file", help="CSV: username,tanggal_mulai,tanggal_selesai,penyelenggara,judul,jp[,jenis]"
    )
    jp_import.add_argument("--course", default=default_course)
    jp_import.set_defaults(func=cmd_jp_import)

    impl = sub.add_parser("implementation", help="konfirmasi implementasi / confirm use at work")
    impl_sub = impl.add_subparsers(dest="implementation_command", required=True)
    for name in ("confirm", "revoke"):
        action = impl_sub.add_parser(name)
        action.add_argument("username", help="peserta / learner")
        action.add_argument("--by", required=True, help="username atasan / manager's username")
        action.add_argument("--note", default="")
        action.add_argument("--course", default=default_course)
        action.add_argument("--rules", default=None)
        action.set_defaults(func=cmd_implementation)

    rewards = sub.add_parser("rewards", help="status penghargaan / reward standing")
    rewards.add_argument("--course", default=default_course)
    rewards.add_argument("--year", type=int, default=None)
    rewards.add_argument("--rules", default=None, help="berkas aturan / rules file (YAML)")
    rewards.add_argument("--json", action="store_true")
    rewards.set_defaults(func=cmd_rewards)

    export = sub.add_parser("export", help="ekspor untuk BKPSDM / exports for HR")
    export.add_argument("format", choices=["excel", "csv", "badges", "certificates"])
    export.add_argument("--out", required=True, help="berkas .xlsx atau folder / file or folder")
    export.add_argument("--course", default=default_course)
    export.add_argument("--year", type=int, default=None)
    export.add_argument("--rules", default=None)
    export.add_argument(
        "--identity",
        choices=["masked", "pseudonym", "full"],
        default="masked",
        help="masked: NIP disamarkan; pseudonym: pseudonim berkunci; full: identitas lengkap",
    )
    export.add_argument("--key-file", default=None, help="kunci pseudonim (di luar repo)")
    export.add_argument(
        "--purpose",
        default=message("export.default_purpose"),
        help="tujuan ekspor, dicatat di log audit / purpose, recorded in the audit log",
    )
    export.add_argument("--sep", default=",", help="pemisah CSV / CSV separator")
    export.add_argument("--issuer-name", default="Kecamatan Medan Marelan")
    export.add_argument("--issuer-url", default="https://kit.marelan.example")
    export.add_argument("--issuer-email", default="pelatihan@kit.marelan.example")
    export.add_argument("--base-url", default=None, help="alamat publik lencana / badge base URL")
    export.set_defaults(func=cmd_export)

    curriculum = sub.add_parser("curriculum", help="daftar modul / the programme")
    curriculum.add_argument("--json", action="store_true")
    curriculum.set_defaults(func=cmd_curriculum)

    module = sub.add_parser("module", help="menulis modul / module authoring")
    module_sub = module.add_subparsers(dest="module_command", required=True)
    new = module_sub.add_parser("new", help="buat modul baru dari templat / scaffold a module")
    new.add_argument("folder", help="mis. 09_arsip_digital")
    new.add_argument("--title", required=True)
    new.add_argument("--jp", type=float, required=True)
    new.set_defaults(func=cmd_module_new)
    check = module_sub.add_parser("check", help="periksa modul / check a module")
    check.add_argument("module", help="id modul atau nama folder / module id or folder")
    check.add_argument("--quick", action="store_true", help="tanpa menjalankan notebook")
    _add_isolation_option(check)
    check.set_defaults(func=cmd_module_check)

    summary = sub.add_parser("summary", help="ringkasan kompetensi / competency summary")
    summary.add_argument("--course", default=default_course)
    summary.add_argument("--json", action="store_true")
    summary.set_defaults(func=cmd_summary)

    grade = sub.add_parser(
        "grade", help="nilai otomatis kiriman (cepat, ber-sandbox) / autograde submissions"
    )
    grade.add_argument("assignment", help="nama tugas / assignment name")
    grade.add_argument("--course", default=default_course, help="folder kursus nbgrader")
    grade.add_argument("--jobs", type=int, default=None, help="kernel sekaligus / kernels at once")
    grade.add_argument(
        "--student", action="append", help="hanya peserta ini (boleh berulang) / only these"
    )
    grade.add_argument("--json", action="store_true", help="keluaran JSON / JSON output")
    grade.add_argument(
        "--no-feedback", action="store_true", help="tanpa umpan balik HTML / skip feedback"
    )
    _add_isolation_option(grade)
    grade.set_defaults(func=cmd_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    put_scripts_on_path()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except NbgraderError as error:
        print(error, file=sys.stderr)
        return 2
    # An invalid data file (rules, framework, modules, roles, reference data: all DataFileError)
    # or bad competency tags: the Indonesian message alone, no traceback.
    except (DataFileError, TagError, GradingError) as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
