"""Every ``kit`` command, run as a newcomer would run it wrong, answers in one Indonesian line.

The commands are discovered from ``kit.cli.build_parser()``: a new sub-command is swept without
anyone listing it. Each runs as a subprocess against an empty course folder and against one
that does not exist, with dummy values for its required arguments (an existing empty file where
it wants a file); it must fail with ``Kesalahan: … Coba: …`` on stderr and no traceback, or
succeed where success is right.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from kit import cli

# Commands for which running against an empty course is a success, not an error.
SUCCEEDS = {("curriculum",), ("course", "show"), ("course", "forget")}
# A real `kit demo` builds for minutes and serves: the sweep asks for one it must refuse, and
# checks that nothing was built.
SAFE_ARGS = {("demo",): ["--no-serve", "--assignments", "tidak_ada"]}


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable sub-command: (its words, its parser)."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        return [(path, parser)]
    found = []
    for name, child in subparsers[0].choices.items():
        found += leaf_commands(child, (*path, name))
    return found


COMMANDS = leaf_commands(cli.build_parser())


def _dummy(action: argparse.Action, empty_file: Path, folder: Path) -> str:
    """A value argparse accepts for ``action``, meaningless to the command."""
    if action.choices:
        return str(next(iter(action.choices)))
    if action.type is not None:
        for candidate in ("1", "2026-01-01"):
            try:
                action.type(candidate)
                return candidate
            except (ValueError, TypeError, argparse.ArgumentTypeError):
                continue
    if action.dest == "file":
        return str(empty_file)
    if action.dest == "folder":
        return str(folder)
    return "tidak_ada"


def command_line(
    words: tuple[str, ...], parser: argparse.ArgumentParser, course: Path, work: Path
) -> list[str]:
    empty_file = work / "kosong.csv"
    empty_file.touch()
    argv = [*words]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            argv.append(_dummy(action, empty_file, course))
        elif action.required:
            argv += [action.option_strings[0], _dummy(action, empty_file, course)]
        elif "--course" in action.option_strings:
            argv += ["--course", str(course)]
        elif "--out" in action.option_strings or "--workspace" in action.option_strings:
            argv += [action.option_strings[0], str(work / "keluaran")]
    return argv + SAFE_ARGS.get(words, [])


def kit_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, KIT_LANG="id", XDG_CONFIG_HOME=str(home / "config"))
    env["XDG_STATE_HOME"] = str(home / "state")
    for variable in ("KIT_COURSE_DIR", "KIT_DEBUG", "KIT_PSEUDONYM_KEY_FILE"):
        env.pop(variable, None)
    return env


def run_kit(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kit.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def assert_expected_error(result: subprocess.CompletedProcess, argv: list[str]) -> None:
    said = f"kit {' '.join(argv)}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr, said
    assert result.returncode in (1, 2), said
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, said
    assert lines[0].startswith("Kesalahan: ") and " Coba: " in lines[0], said
    # Indonesian, not argparse's or Python's English.
    assert not any(word in result.stderr for word in ("error:", "usage:", "Error")), said


@pytest.mark.parametrize("missing", [False, True], ids=["empty-course", "no-such-course"])
def test_every_command_fails_in_one_indonesian_line(missing, tmp_path):
    course = tmp_path / ("tidak-ada" if missing else "kursus-kosong")
    if not missing:
        course.mkdir()
    env = kit_env(tmp_path / "home")

    def sweep(item):
        index, (words, parser) = item
        work = tmp_path / f"kerja{index}"
        work.mkdir()
        argv = command_line(words, parser, course, work)
        return words, argv, work, run_kit(argv, env, work)

    commands = list(enumerate(COMMANDS))
    if missing:  # commands that never see the course folder ran in the other case already
        commands = [
            (i, (words, parser))
            for i, (words, parser) in commands
            if str(course) in command_line(words, parser, course, tmp_path)
        ]
    # Two at a time: about 30 interpreter start-ups on a shared 2-core machine.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(sweep, commands))
    assert len(results) >= (10 if missing else 15)  # the discovery found the commands
    for words, argv, work, result in results:
        if words in SUCCEEDS:
            assert result.returncode == 0, (argv, result.stderr)
            assert "Traceback" not in result.stdout + result.stderr
        else:
            assert_expected_error(result, argv)
        if words == ("demo",):
            assert not (work / "keluaran").exists(), "the refused demo built something"
    if course.exists():
        # kit grade takes its gradebook lock before it looks for the gradebook (kit.grading).
        written = {str(p.relative_to(course)) for p in course.rglob("*") if p.is_file()}
        assert written <= {".kit/gradebook.lock"}, f"a refused command wrote {written}"


def test_help_of_every_command_names_the_default_course(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("KIT_COURSE_DIR", raising=False)
    for words, parser in COMMANDS:
        with pytest.raises(SystemExit) as stopped:
            cli.main([*words, "--help"])
        assert stopped.value.code == 0
        shown = " ".join(capsys.readouterr().out.split())
        if any("--course" in a.option_strings for a in parser._actions):
            assert "bawaan: " in shown and "assessments" in shown, words


def test_a_bad_rules_file_and_a_bad_key_file_are_expected_errors(tmp_path):
    env = kit_env(tmp_path / "home")
    rules = tmp_path / "aturan.yml"
    rules.write_text("version: [tidak, selesai\n", encoding="utf-8")
    course = tmp_path / "kursus"
    course.mkdir()
    (course / "gradebook.db").write_text("bukan basis data", encoding="utf-8")
    # A gradebook with nbgrader's tables (empty): the key is checked before anything is read.
    graded = tmp_path / "kursus-dinilai"
    graded.mkdir()
    with closing(sqlite3.connect(graded / "gradebook.db")) as db:
        for table in ("assignment", "student", "grade", "submitted_assignment"):
            db.execute(f"CREATE TABLE {table} (id TEXT)")
    cases = {
        # A gradebook that is not an nbgrader database.
        ("summary", "--course", str(course)): "bukan buku nilai nbgrader",
        # A rules file that is not YAML.
        ("implementation", "confirm", "a", "--by", "b", "--rules", str(rules), "--course",
         str(course)): "bukan YAML yang sah",
        # A key file that does not exist.
        ("export", "csv", "--out", str(tmp_path / "csv"), "--identity", "pseudonym",
         "--key-file", str(tmp_path / "kunci.hex"), "--course", str(graded)): "kunci pseudonim",
        # A CSV that is a folder.
        ("roster", "import", str(tmp_path), "--course", str(course)): "tidak ditemukan",
    }  # fmt: skip
    for argv, said in cases.items():
        result = run_kit(list(argv), env, tmp_path)
        assert_expected_error(result, list(argv))
        assert said in result.stderr, result.stderr


def test_a_saved_course_that_disappeared_says_how_to_recover(tmp_path):
    env = kit_env(tmp_path / "home")
    course = tmp_path / "kursus"
    (course / "source").mkdir(parents=True)
    used = run_kit(["course", "use", str(course)], env, tmp_path)
    assert used.returncode == 0, used.stderr
    assert f"Kursus bawaan sekarang: {course}" in used.stdout
    shown = run_kit(["course", "show"], env, tmp_path)
    assert "dipilih dengan kit course use" in shown.stdout
    (course / "source").rmdir()
    course.rmdir()
    result = run_kit(["rewards"], env, tmp_path)
    assert_expected_error(result, ["rewards"])
    assert "kit course forget" in result.stderr
    forgot = run_kit(["course", "forget"], env, tmp_path)
    assert forgot.returncode == 0 and f"Pilihan kursus {course} dihapus" in forgot.stdout


def test_an_unexpected_error_is_one_line_naming_its_log(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("KIT_DEBUG", raising=False)

    def broken(args):
        raise RuntimeError("cacat di dalam kit")

    monkeypatch.setattr(cli, "cmd_curriculum", broken)
    assert cli.main(["curriculum"]) == cli.DEFECT
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Kesalahan tak terduga di kit (RuntimeError)" in lines[0]
    log = Path(lines[0].split("dicatat di ")[1].split(";")[0])
    assert log.is_relative_to(tmp_path / "state")
    assert "Traceback" in log.read_text() and "cacat di dalam kit" in log.read_text()
    monkeypatch.setenv("KIT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="cacat di dalam kit"):
        cli.main(["curriculum"])


def test_permission_denied_on_the_course_folder_is_an_expected_error(tmp_path):
    """Run as ``nobody`` (root ignores file modes) against a course it may read, not write."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        reason = "needs root and setpriv to run a command as another user"
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot run on CI: {reason}")
        pytest.skip(reason)
    shared = Path("/tmp") / f"kit-izin-{os.getpid()}"
    course = shared / "kursus"
    course.mkdir(parents=True)
    try:
        shared.chmod(0o755)
        home = shared / "rumah"
        home.mkdir()
        home.chmod(0o777)
        roster = shared / "peserta.csv"
        roster.write_text(
            "username,nip,nama,unit\nsiti.lubis,198507262010012003,Siti Lubis,LBD\n",
            encoding="utf-8",
        )
        env = kit_env(home)
        env["HOME"] = str(home)
        argv = ["roster", "import", str(roster), "--course", str(course)]
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-m", "kit.cli", *argv],
            capture_output=True, text=True, env=env, cwd=shared, timeout=120,
        )  # fmt: skip
        assert_expected_error(result, argv)
        assert "tidak ada izin" in result.stderr
        assert not (course / "roster.csv").exists()
    finally:
        shutil.rmtree(shared)


def test_domain_errors_are_expected_errors_without_a_wrapping_table():
    from kit.competency import JpImportError, RuleError, TagError
    from kit.core import KitError, as_expected
    from kit.grading import GradingError
    from kit.people import AccessError, RosterError, RowProblem

    bad_file = as_expected(RosterError("Impor dibatalkan", [RowProblem(2, "NIP salah")]))
    assert isinstance(bad_file, KitError) and bad_file.exit_code == 1
    assert bad_file.details == ("Baris 2: NIP salah",) and "baris" in bad_file.hint
    assert str(bad_file) == "Impor dibatalkan\nBaris 2: NIP salah"
    jp = as_expected(JpImportError("Impor JP dibatalkan", [(3, "tanggal salah")]))
    assert jp.details == ("Baris 3: tanggal salah",) and [tuple(p) for p in jp.problems] == [
        (3, "tanggal salah")
    ]
    # A PermissionError of the kit's own (who may see what) is not a file-system error.
    refused = as_expected(AccessError("bukan atasan"))
    assert str(refused) == "bukan atasan" and "roles.yml" in refused.hint
    for error in (RuleError("aturan salah"), TagError("tag salah"), GradingError("tugas?")):
        assert as_expected(error) is error and error.exit_code == 2
    missing = as_expected(FileNotFoundError(2, "No such file", "/tmp/tidak/ada.csv"))
    assert "/tmp/tidak/ada.csv tidak ditemukan" in str(missing)
    assert as_expected(ValueError("cacat")) is None
    assert as_expected(KeyError("x")) is None
