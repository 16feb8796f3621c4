"""The HR commands end to end on the graded demo course: rewards, confirmations, JP, exports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import openpyxl
import pytest

from kit.core.audit import read_events
from kit.people.roster import read_roster

pytestmark = pytest.mark.slow


def kit(*args):
    return subprocess.run(
        [sys.executable, "-m", "kit.cli", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture
def course_copy(demo_course, tmp_path):
    """A private copy: these tests write confirmations, JP records and audit entries."""
    target = tmp_path / "course"
    shutil.copytree(demo_course.root, target)
    return target


def test_rewards_json_carries_rule_version_and_every_learner(course_copy):
    result = kit("rewards", "--json", "--course", course_copy, "--year", 2026)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["rule_version"] == "2026.1"
    roster = {e.username for e in read_roster(course_copy / "roster.csv")}
    assert {row["username"] for row in payload["standing"]} == roster
    assert all(row["explanation"] for row in payload["standing"])


def test_confirmation_by_the_wrong_manager_is_refused_and_logged_only_when_accepted(course_copy):
    # The demo's own confirmations are in the log already.
    logged_before = len(read_events(course_copy))
    roster = read_roster(course_copy / "roster.csv")
    lurah = {e.unit: e.username for e in roster if e.jabatan == "Lurah"}
    learner = next(e for e in roster if e.unit == "PPS" and e.jabatan != "Lurah")
    wrong = kit("implementation", "confirm", learner.username, "--by", lurah["TJN"],
                "--course", course_copy)  # fmt: skip
    assert wrong.returncode == 1
    assert f"bukan atasan '{learner.username}'" in wrong.stderr
    right = kit("implementation", "confirm", learner.username, "--by", lurah["PPS"],
                "--note", "dipakai sejak Agustus", "--course", course_copy)  # fmt: skip
    assert right.returncode == 0, right.stderr
    assert f"implementasi {learner.username} dikonfirmasi oleh {lurah['PPS']}" in right.stdout
    events = [
        e
        for e in read_events(course_copy)[logged_before:]
        if e["event"].startswith("implementation.")
    ]
    assert [(e["event"], e["learner"]) for e in events] == [
        ("implementation.confirmed", learner.username)
    ]


def test_jp_import_rejects_a_bad_file_whole(course_copy, tmp_path):
    roster = read_roster(course_copy / "roster.csv")
    bad = tmp_path / "luar.csv"
    bad.write_text(
        "username,tanggal_mulai,tanggal_selesai,penyelenggara,judul,jp,jenis\n"
        f"{roster[0].username},2026-03-02,2026-03-02,USU,Data,6,universitas\n"
        "tidak.ada,2026-03-02,2026-03-02,USU,Data,6,universitas\n",
        encoding="utf-8",
    )
    before = (course_copy / "jp_external.csv").read_bytes()
    result = kit("jp", "import", bad, "--course", course_copy)
    assert result.returncode == 1
    assert "Baris 3: username 'tidak.ada' tidak ada di daftar peserta" in result.stderr
    assert (course_copy / "jp_external.csv").read_bytes() == before


def test_excel_export_and_audit(course_copy, tmp_path):
    out = tmp_path / "laporan.xlsx"
    result = kit("export", "excel", "--out", out, "--course", course_copy, "--year", 2026)
    assert result.returncode == 0, result.stderr
    assert "aturan penghargaan versi 2026.1" in result.stdout
    workbook = openpyxl.load_workbook(out)
    assert {"Ringkasan Unit", "Kompetensi per Orang", "Buku JP", "Status Penghargaan"} <= set(
        workbook.sheetnames
    )
    event = [e for e in read_events(course_copy) if e["event"] == "export.excel"][-1]
    assert event["identity"] == "masked" and event["rule_version"] == "2026.1"


def test_pseudonym_export_without_a_key_is_refused(course_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("KIT_PSEUDONYM_KEY_FILE", raising=False)
    result = kit("export", "csv", "--out", tmp_path / "csv", "--identity", "pseudonym",
                 "--course", course_copy)  # fmt: skip
    assert result.returncode == 1
    assert not (tmp_path / "csv").exists()


def test_grading_runs_are_in_the_audit_log(demo_course):
    events = [e["event"] for e in read_events(demo_course.root)]
    assert events.count("grading.start") == events.count("grading.done") >= 1
