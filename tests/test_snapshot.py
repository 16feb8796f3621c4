"""The cached course snapshot: recomputed exactly when an input changes, never stale or lost."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from kit.course.nbgrader_course import Course
from kit.reports import snapshot as snapshot_module
from kit.reports.report import build_report
from kit.reports.snapshot import CACHE_DIR, CACHE_NAME, course_fingerprint, course_snapshot

pytestmark = pytest.mark.slow


@pytest.fixture
def course(demo_course, tmp_path, monkeypatch) -> Course:
    """A private copy of the graded demo course, with an empty in-memory cache."""
    root = tmp_path / "course"
    shutil.copytree(
        demo_course.root, root, ignore=shutil.ignore_patterns(".kit", "autograded", "feedback")
    )
    monkeypatch.setattr(snapshot_module, "_memory", {})
    return Course(root)


@pytest.fixture
def computations(monkeypatch) -> list[str]:
    """Count the gradebook reads the snapshot makes."""
    calls: list[str] = []
    real = snapshot_module.load_summary

    def counting(course):
        calls.append(str(course.root))
        return real(course)

    monkeypatch.setattr(snapshot_module, "load_summary", counting)
    return calls


def _bump(path):
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))


def test_snapshot_equals_a_fresh_report(course, computations):
    held = course_snapshot(course)
    fresh = build_report(course)
    assert computations == [str(course.root)]
    assert held.report.standing[["username", "score", "tier", "eligible"]].equals(
        fresh.standing[["username", "score", "tier", "eligible"]]
    )
    assert (
        held.report.jp_per_learner["jp_total"].tolist() == fresh.jp_per_learner["jp_total"].tolist()
    )
    assert set(held.summary.learners["username"]) == set(fresh.learners["username"])


def test_unchanged_course_is_read_once_then_from_memory_and_disk(course, computations, monkeypatch):
    first = course_snapshot(course)
    assert course_snapshot(course) is first
    assert (course.root / CACHE_DIR / CACHE_NAME).is_file()
    # A new kernel (empty memory) reads the disk copy instead of the gradebook.
    monkeypatch.setattr(snapshot_module, "_memory", {})
    again = course_snapshot(course)
    assert len(computations) == 1
    assert again.fingerprint == first.fingerprint
    assert again.report.standing.equals(first.report.standing)


@pytest.mark.parametrize("name", ["gradebook.db", "roster.csv", "implementation_log.csv"])
def test_any_changed_input_is_recomputed(course, computations, name):
    first = course_snapshot(course)
    path = course.root / name
    if not path.exists():
        path.write_text("username,status,confirmed_by,confirmed_at,note\n", encoding="utf-8")
    _bump(path)
    second = course_snapshot(course)
    assert second.fingerprint != first.fingerprint
    assert len(computations) == 2


def test_new_grade_shows_up(course, computations):
    import sqlite3

    first = course_snapshot(course)
    with sqlite3.connect(course.gradebook_path) as db:
        db.execute("UPDATE grade SET manual_score = 0 WHERE manual_score IS NOT NULL")
        changed = db.total_changes
    _bump(course.gradebook_path)
    second = course_snapshot(course)
    assert changed > 0
    assert second.summary.grades["score"].sum() <= first.summary.grades["score"].sum()
    assert len(computations) == 2


def test_audit_log_and_cache_are_not_inputs(course):
    before = course_fingerprint(course)
    (course.root / "audit.jsonl").write_text('{"event": "export"}\n', encoding="utf-8")
    course_snapshot(course)  # writes the cache folder
    assert course_fingerprint(course) == before


def test_the_day_is_an_input(course):
    # JP years and units on a date depend on today: a new day recomputes.
    assert course_fingerprint(course, today=dt.date(2026, 11, 29)) != course_fingerprint(
        course, today=dt.date(2026, 11, 30)
    )


def test_corrupt_cache_is_recomputed(course, computations, monkeypatch):
    course_snapshot(course)
    (course.root / CACHE_DIR / CACHE_NAME).write_bytes(b"not a pickle")
    monkeypatch.setattr(snapshot_module, "_memory", {})
    held = course_snapshot(course)
    assert len(computations) == 2
    assert not held.report.standing.empty


def test_unwritable_cache_folder_still_works(course, computations, monkeypatch):
    (course.root / ".kit").write_text("a file where the cache folder would go", encoding="utf-8")
    held = course_snapshot(course)
    assert not held.summary.learners.empty
    assert course_snapshot(course) is held  # from memory
    assert not list(course.root.glob(".snapshot-*"))
