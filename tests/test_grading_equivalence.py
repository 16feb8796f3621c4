"""`kit grade` on a real assignment: same scores as `nbgrader autograde`, and nothing lost.

Six learners of ``tugas03_pengaduan`` (answer bank of ``kit.demo.cohort``) in copies of one course:
equivalence with nbgrader, two concurrent runs, SIGKILL mid-run and re-run, regrade after a
manual grade, and nbgrader's own feedback and export commands on the result.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.bench_grade import ASSIGNMENT, build_course, cell_scores, copy_course
from kit.course.nbgrader_course import Course, nbgrader_env

pytestmark = pytest.mark.slow
LEARNERS = 6


def kit_grade(course: Course, *extra: str, wait: bool = True):
    command = [
        str(Path(sys.executable).parent / "kit"),
        "grade",
        ASSIGNMENT,
        "--course",
        str(course.root),
        *extra,
    ]
    if not wait:
        return subprocess.Popen(
            command,
            env=nbgrader_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    return subprocess.run(command, env=nbgrader_env(), capture_output=True, text=True)


def rows(course: Course) -> dict[str, int]:
    with sqlite3.connect(course.gradebook_path) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "student",
                "submitted_assignment",
                "submitted_notebook",
                "grade",
                "comment",
            )
        }


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    base = build_course(tmp_path_factory.mktemp("tugas03") / "base", LEARNERS)
    reference = copy_course(base.root, base.root.parent / "nbgrader")
    reference.autograde(ASSIGNMENT)
    graded = copy_course(base.root, base.root.parent / "kit")
    result = kit_grade(graded, "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    return base, reference, graded, json.loads(result.stdout)


def test_same_scores_as_nbgrader_autograde(courses):
    _, reference, graded, payload = courses
    theirs = cell_scores(reference)
    assert len(theirs) == LEARNERS * 5
    assert cell_scores(graded) == theirs
    assert rows(graded) == rows(reference)
    assert {r["status"] for r in payload["results"]} == {"graded"}
    first = payload["results"][0]
    assert set(first) >= {"student", "status", "score", "max_score", "flags", "reason"}
    assert all(r["flags"] == [] for r in payload["results"])  # honest answers are not flagged
    totals = {}
    for (student, _), score in theirs.items():
        totals[student] = totals.get(student, 0) + score
    assert {r["student"]: r["score"] for r in payload["results"]} == pytest.approx(totals)


def test_nbgrader_commands_still_work_on_the_result(courses, tmp_path):
    _, _, graded, _ = courses
    course = copy_course(graded.root, tmp_path / "after-kit")
    course.generate_feedback(ASSIGNMENT)
    feedback = list((course.root / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"))
    assert len(feedback) == LEARNERS
    out = tmp_path / "nilai.csv"
    course.nbgrader("export", f"--to={out}")
    assert len(out.read_text().strip().splitlines()) == LEARNERS + 1
    # The kit's own feedback carries the Indonesian header.
    page = graded.root / "feedback" / "peserta0000" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert "Umpan balik penilaian otomatis" in page.read_text(encoding="utf-8")


def test_two_concurrent_runs_neither_lock_nor_duplicate(courses, tmp_path):
    base, reference, _, _ = courses
    course = copy_course(base.root, tmp_path / "concurrent")
    first, second = kit_grade(course, "--json", wait=False), kit_grade(course, "--json", wait=False)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    for process, (out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert "database is locked" not in err
        assert {r["status"] for r in json.loads(out)["results"]} == {"graded"}
    assert rows(course) == rows(reference)
    assert cell_scores(course) == cell_scores(reference)


def test_sigkill_mid_run_keeps_earlier_grades_and_the_rerun_completes(courses, tmp_path):
    base, reference, _, _ = courses
    course = copy_course(base.root, tmp_path / "killed")
    process = kit_grade(course, "--jobs", "1", wait=False)
    deadline = time.monotonic() + 120
    graded_dirs: list[Path] = []
    while time.monotonic() < deadline:
        graded_dirs = list((course.root / "autograded").glob("*/" + ASSIGNMENT))
        if len(graded_dirs) >= 2:
            break
        time.sleep(0.2)
    time.sleep(0.5)  # let the second submission's transaction finish
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    with sqlite3.connect(course.gradebook_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    before = cell_scores(course)
    expected = cell_scores(reference)
    done = {s for (s, _), v in before.items()}
    assert len(done) >= 2
    for key, value in before.items():
        graded_cells = [k for k in before if k[0] == key[0]]
        if len(graded_cells) == 5 and key[0] in {p.parent.name for p in graded_dirs[:1]}:
            assert value == expected[key]
    result = kit_grade(course, "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert cell_scores(course) == expected
    assert rows(course) == rows(reference)


def test_regrade_keeps_manual_grades_and_is_idempotent(courses, tmp_path):
    from nbgrader.api import Gradebook

    _, reference, graded, _ = courses
    course = copy_course(graded.root, tmp_path / "manual")
    with Gradebook(course.gradebook_url) as gradebook:
        grade = gradebook.find_grade(
            "rekomendasi_untuk_lurah", ASSIGNMENT, ASSIGNMENT, "peserta0000"
        )
        grade.manual_score = 2.5
        grade.needs_manual_grade = False
        comment = gradebook.find_comment(
            "rekomendasi_untuk_lurah", ASSIGNMENT, ASSIGNMENT, "peserta0000"
        )
        comment.manual_comment = "Bagus, sebutkan angkanya."
        override = gradebook.find_grade(
            "test_persen_tepat_waktu", ASSIGNMENT, ASSIGNMENT, "peserta0001"
        )
        override.manual_score = 1.0
        gradebook.db.commit()
    before_rows = rows(course)
    # A second run on an already graded course: the regrade is also the idempotency check.
    result = kit_grade(course, "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    scores = cell_scores(course)
    assert scores[("peserta0000", "rekomendasi_untuk_lurah")] == 2.5
    assert scores[("peserta0001", "test_persen_tepat_waktu")] == 1.0
    expected = dict(cell_scores(reference))
    expected[("peserta0000", "rekomendasi_untuk_lurah")] = 2.5
    expected[("peserta0001", "test_persen_tepat_waktu")] = 1.0
    assert scores == expected
    assert rows(course) == before_rows
    with Gradebook(course.gradebook_url) as gradebook:
        comment = gradebook.find_comment(
            "rekomendasi_untuk_lurah", ASSIGNMENT, ASSIGNMENT, "peserta0000"
        )
        assert comment.manual_comment == "Bagus, sebutkan angkanya."
    backups = sorted((course.root / ".kit" / "backups").glob("gradebook-*.db"))
    assert 1 <= len(backups) <= 5
    with sqlite3.connect(backups[-1]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_usage_errors_are_clear_and_non_zero(courses, tmp_path, capsys):
    from kit.cli import main

    base, _, _, _ = courses
    assert main(["grade", ASSIGNMENT, "--course", str(tmp_path / "tidak-ada")]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err
    assert main(["grade", "tugas99", "--course", str(base.root)]) == 2
    assert "tugas99" in capsys.readouterr().err
    assert main(["grade", ASSIGNMENT, "--course", str(base.root), "--jobs", "0"]) == 2
