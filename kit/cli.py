"""The ``kit`` command for instructors and HR: it parses arguments and calls the library.

Every sub-command reads its arguments and hands them to a front door (``kit.<stage>``). An error
the user can fix reaches ``main`` as a ``kit.core.KitError`` and is printed as one line,
``Kesalahan: … Coba: …``, with exit code 1 (input refused) or 2 (course or set-up not usable);
anything else is a defect: one line naming the log file that holds the traceback (``KIT_DEBUG=1``
shows it instead).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import textwrap
from pathlib import Path

from kit.core import (
    DEBUG_ENV,
    as_expected,
    error_lines,
    message,
    project_root,
    report_unexpected,
    usage_error,
)
from kit.course import default_course_label, open_course, put_scripts_on_path

__all__ = ["build_parser", "main"]

# Exit code of an interrupted command (Ctrl-C), as shells report it: 128 + SIGINT.
INTERRUPTED = 130
# Exit code of a defect (an error the kit did not expect).
DEFECT = 3


class KitHelpFormatter(argparse.HelpFormatter):
    """Wraps help at spaces only: a folder path such as ``/srv/kursus-2026`` stays whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(
            " ".join(text.split()), width, break_on_hyphens=False, break_long_words=False
        )

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))


class KitArgumentParser(argparse.ArgumentParser):
    """argparse whose complaints are ``UsageError``s, said like every other error."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", KitHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help=message("cli.help"))

    def error(self, message_text: str):  # type: ignore[override]
        raise usage_error(message_text, self.prog)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(message("cli.positive_int", value=text))
    return value


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message("cli.bad_date", value=text)) from None


def _rules(args: argparse.Namespace):
    from kit.competency import load_rules

    return load_rules(Path(args.rules) if args.rules else None)


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --- sub-commands -------------------------------------------------------------------------
# Each checks the course before importing the heavy parts of the library (nbformat alone takes
# seconds to import here), so that a wrong folder is said at once.


def cmd_course_show(args: argparse.Namespace) -> int:
    from kit.course import choose_course

    choice = choose_course()
    print(message("course.show", choice=choice.describe()))
    key = "course.has_gradebook" if choice.course.gradebook_path.exists() else "course.no_book"
    print(message(key, path=choice.course.gradebook_path))
    return 0


def cmd_course_use(args: argparse.Namespace) -> int:
    from kit.course import settings_file, use_course

    choice = use_course(args.folder)
    print(message("course.used", path=choice.root, file=settings_file()))
    return 0


def cmd_course_forget(args: argparse.Namespace) -> int:
    from kit.course import forget_course

    forgotten = forget_course()
    key = "course.forgotten" if forgotten else "course.nothing_saved"
    print(message(key, path=forgotten, choice=default_course_label()))
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    course = open_course(args.course, write=True)
    from kit.people import import_roster

    added = import_roster(course.root, Path(args.file))
    print(message("roster.imported", count=len(added), path=course.roster_path))
    return 0


def cmd_roster_move(args: argparse.Namespace) -> int:
    course = open_course(args.course, write=True)
    from kit.people import move_learner

    moved = move_learner(course.root, args.username, args.unit, args.since)
    print(message("roster.moved", username=moved.username, unit=moved.unit, since=args.since))
    return 0


def cmd_jp_import(args: argparse.Namespace) -> int:
    course = open_course(args.course, write=True)
    from kit.competency import import_external
    from kit.people import read_roster

    users = [e.username for e in read_roster(course.roster_path)]
    added = import_external(course.root, Path(args.file), users)
    print(message("jp.imported", count=len(added), path=course.root / "jp_external.csv"))
    return 0


def cmd_implementation(args: argparse.Namespace) -> int:
    course = open_course(args.course, write=True)
    from kit.competency import confirm_implementation

    status = "confirmed" if args.implementation_command == "confirm" else "revoked"
    entry = confirm_implementation(
        course.root,
        args.username,
        args.by,
        status=status,
        note=args.note,
        rules=_rules(args),
    )
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


def cmd_summary(args: argparse.Namespace) -> int:
    course = open_course(args.course, gradebook=True)
    from kit.competency import load_summary, summary_json, unit_table

    summary = load_summary(course)
    if args.json:
        _print_json(summary_json(summary))
    else:
        print(unit_table(summary).to_string(index=False))
    return 0


def cmd_rewards(args: argparse.Namespace) -> int:
    rules = _rules(args)  # a bad --rules file is said before the course is looked at
    course = open_course(args.course, gradebook=True)
    from kit.reports import build_report, standing_json, standing_text

    report = build_report(course, rules=rules, year=args.year)
    if args.json:
        _print_json(standing_json(report))
    else:
        print(standing_text(report))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    course = open_course(args.course, gradebook=True, write=True)
    from kit.people import export_key
    from kit.reports import BadgeIssuer, build_report, export_report

    # The key first: a refused pseudonym export costs no report.
    key = export_key(args.identity, Path(args.key_file) if args.key_file else None)
    report = build_report(course, rules=_rules(args), year=args.year)
    paths = export_report(
        report,
        args.format,
        Path(args.out),
        mode=args.identity,
        key=key,
        purpose=args.purpose,
        sep=args.sep,
        issuer=BadgeIssuer.at(args.issuer_name, args.issuer_url, args.issuer_email, args.base_url),
    )
    print(message("export.done", count=len(paths), out=args.out, version=report.meta.rule_version))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    course = open_course(args.course, write=True)
    from kit.grading import ProgressBar, grade_assignment, run_to_json, summary_table

    run = grade_assignment(
        course.root,
        args.assignment,
        jobs=args.jobs,
        students=args.student or (),
        progress=ProgressBar(),
        isolation=args.isolation,
        feedback=not args.no_feedback,
    )
    if args.json:
        _print_json(run_to_json(run))
    else:
        print(summary_table(run))
    return 0


def cmd_curriculum(args: argparse.Namespace) -> int:
    from kit.authoring import programme, programme_text

    data = programme(project_root())
    if args.json:
        _print_json(data)
    else:
        print(programme_text(data))
    return 0


def cmd_module_new(args: argparse.Namespace) -> int:
    from kit.authoring import scaffold_module

    root = project_root()
    written = scaffold_module(root, args.folder, args.title, args.jp)
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


def cmd_demo(args: argparse.Namespace) -> int:
    from kit.demo import demo_assignments, run_demo

    return run_demo(
        Path(args.workspace),
        learners=args.learners,
        assignments=demo_assignments(args.assignments),
        serve=not args.no_serve,
        reuse=args.reuse,
        voila_port=args.voila_port,
        lab_port=args.lab_port,
        isolation=args.isolation,
    )


# --- the parser -------------------------------------------------------------------------


def _add_isolation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--isolation",
        choices=["sandbox", "limits-only"],
        default=None,
        help="isolasi kode peserta (bawaan: c.KitGrade.isolation kursus, lalu sandbox); "
        "limits-only = TANPA isolasi / learner-code isolation",
    )


def build_parser() -> argparse.ArgumentParser:
    default = default_course_label()
    parser = KitArgumentParser(
        prog="kit",
        description="Kit kompetensi digital ASN Marelan / Marelan digital-competency kit. "
        + message("cli.default_course", choice=default),
        epilog=message("cli.epilog"),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    course_help = message("cli.course_help", choice=default)

    def with_course(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument("--course", default=None, metavar="FOLDER", help=course_help)
        return command

    demo = sub.add_parser(
        "demo", help="bangun, nilai dan tampilkan demo / build, grade and serve the demo"
    )
    demo.add_argument(
        "--no-serve", action="store_true", help="jangan jalankan server / do not serve"
    )
    demo.add_argument(
        "--reuse",
        action="store_true",
        help="pakai demo yang sudah dibangun di --workspace, langsung tampilkan / serve the "
        "demo already built there",
    )
    demo.add_argument("--workspace", default=str(project_root() / ".demo"))
    demo.add_argument("--learners", type=int, default=30, help="jumlah peserta (1-30)")
    demo.add_argument(
        "--assignments",
        default=None,
        help="tugas yang disimulasikan dan dinilai (bawaan: tugas03 dan tugas08; 'all' = semua)",
    )
    demo.add_argument("--voila-port", type=int, default=8866)
    demo.add_argument("--lab-port", type=int, default=8888)
    _add_isolation_option(demo)
    demo.set_defaults(func=cmd_demo)

    course = sub.add_parser("course", help="kursus bawaan / the default course")
    course_sub = course.add_subparsers(dest="course_command", required=True, metavar="PERINTAH")
    show = course_sub.add_parser("show", help="kursus bawaan sekarang dan alasannya / show it")
    show.set_defaults(func=cmd_course_show)
    use = course_sub.add_parser("use", help="jadikan kursus bawaan / make it the default")
    use.add_argument("folder", help="folder kursus nbgrader / nbgrader course folder")
    use.set_defaults(func=cmd_course_use)
    forget = course_sub.add_parser("forget", help="hapus pilihan tersimpan / forget the choice")
    forget.set_defaults(func=cmd_course_forget)

    roster = sub.add_parser("roster", help="daftar peserta / roster")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True, metavar="PERINTAH")
    importer = with_course(roster_sub.add_parser("import", help="impor peserta dari CSV"))
    importer.add_argument("file", help="CSV: username,nip,nama,unit[,jabatan,email]")
    importer.set_defaults(func=cmd_roster_import)
    move = with_course(roster_sub.add_parser("move", help="pindah unit kerja / transfer"))
    move.add_argument("username")
    move.add_argument("unit", help="kode unit baru / new unit code")
    move.add_argument("--since", required=True, type=_iso_date, help="TTTT-BB-HH")
    move.set_defaults(func=cmd_roster_move)

    jp = sub.add_parser("jp", help="buku jam pelajaran / learning-hour ledger")
    jp_sub = jp.add_subparsers(dest="jp_command", required=True, metavar="PERINTAH")
    jp_import = with_course(jp_sub.add_parser("import", help="impor pelatihan luar"))
    jp_import.add_argument(
        "file", help="CSV: username,tanggal_mulai,tanggal_selesai,penyelenggara,judul,jp[,jenis]"
    )
    jp_import.set_defaults(func=cmd_jp_import)

    impl = sub.add_parser("implementation", help="konfirmasi implementasi / confirm use at work")
    impl_sub = impl.add_subparsers(dest="implementation_command", required=True, metavar="AKSI")
    for name in ("confirm", "revoke"):
        action = with_course(impl_sub.add_parser(name))
        action.add_argument("username", help="peserta / learner")
        action.add_argument("--by", required=True, help="username atasan / manager's username")
        action.add_argument("--note", default="")
        action.add_argument("--rules", default=None)
        action.set_defaults(func=cmd_implementation)

    rewards = with_course(sub.add_parser("rewards", help="status penghargaan / reward standing"))
    rewards.add_argument("--year", type=int, default=None)
    rewards.add_argument("--rules", default=None, help="berkas aturan / rules file (YAML)")
    rewards.add_argument("--json", action="store_true")
    rewards.set_defaults(func=cmd_rewards)

    export = with_course(sub.add_parser("export", help="ekspor untuk BKPSDM / exports for HR"))
    export.add_argument("format", choices=["excel", "csv", "badges", "certificates"])
    export.add_argument("--out", required=True, help="berkas .xlsx atau folder / file or folder")
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
    module_sub = module.add_subparsers(dest="module_command", required=True, metavar="PERINTAH")
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

    summary = with_course(sub.add_parser("summary", help="ringkasan kompetensi / summary"))
    summary.add_argument("--json", action="store_true")
    summary.set_defaults(func=cmd_summary)

    grade = with_course(
        sub.add_parser(
            "grade", help="nilai otomatis kiriman (cepat, ber-sandbox) / autograde submissions"
        )
    )
    grade.add_argument("assignment", help="nama tugas / assignment name")
    grade.add_argument(
        "--jobs", type=_positive_int, default=None, help="kernel sekaligus / kernels at once"
    )
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
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except KeyboardInterrupt:
        print(message("cli.interrupted"), file=sys.stderr)
        return INTERRUPTED
    except Exception as error:  # the one place an error becomes what the user reads
        expected = as_expected(error)
        if expected is not None:
            for line in error_lines(expected):
                print(line, file=sys.stderr)
            return expected.exit_code
        if os.environ.get(DEBUG_ENV):
            raise
        log = report_unexpected(error)
        if log is None:
            print(message("cli.defect_unlogged", kind=type(error).__name__), file=sys.stderr)
        else:
            print(message("cli.defect", kind=type(error).__name__, log=log), file=sys.stderr)
        return DEFECT


if __name__ == "__main__":
    sys.exit(main())
