"""The course's audit log (kit.core.audit): who, what, when; robust to a line cut short."""

from __future__ import annotations

import datetime as dt

from kit.core import read_events, record_event


def test_event_names_the_actor_given_else_the_operator(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "dosen.usu")
    first = record_event(tmp_path, "export.csv", by="nur.ginting", people=3)
    second = record_event(tmp_path, "grading.done", people=30)
    assert (first["by"], second["by"]) == ("nur.ginting", "dosen.usu")
    assert dt.datetime.fromisoformat(first["at"]).tzinfo is not None
    assert read_events(tmp_path) == [first, second]


def test_a_line_cut_short_by_a_crash_hides_no_other_event(tmp_path):
    record_event(tmp_path, "roster.import", added=2)
    with open(tmp_path / "audit.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"at": "2026-12-04T10:00:00+07:00", "event": "expo')
    with open(tmp_path / "audit.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")
    record_event(tmp_path, "jp.import", added=1)
    assert [e["event"] for e in read_events(tmp_path)] == ["roster.import", "jp.import"]
