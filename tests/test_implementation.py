"""Managers' confirmations of technology in use: who may confirm, and an append-only log."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.competency.implementation import (
    ConfirmationError,
    latest_confirmations,
    read_confirmations,
    record_confirmation,
)
from kit.competency.rewards import load_rules
from kit.core import read_events
from kit.people.roster import RosterEntry

RULES = load_rules()
ROSTER = [
    RosterEntry("camat", "197001012000011001", "Pak Camat", "KEC", "Camat"),
    RosterEntry("lurah.lbd", "197101012000011002", "Bu Lurah", "LBD", "Lurah"),
    RosterEntry("lurah.tjn", "197201012000011003", "Pak Lurah", "TJN", "Lurah"),
    RosterEntry("ani", "198501012010012004", "Ani", "LBD", "Staf Pelayanan"),
    RosterEntry("budi", "198601012010011005", "Budi", "LBD", "Staf Pelayanan"),
]
WIB = dt.timezone(dt.timedelta(hours=7))


def confirm(tmp_path, username, by, status="confirmed", hour=9):
    return record_confirmation(
        tmp_path,
        ROSTER,
        username,
        by,
        confirmers=list(RULES.confirmers),
        district_wide=list(RULES.district_wide),
        status=status,
        note="dipakai tiap hari",
        now=dt.datetime(2026, 10, 1, hour, 0, tzinfo=WIB),
    )


def test_own_lurah_and_the_camat_may_confirm(tmp_path):
    first = confirm(tmp_path, "ani", "lurah.lbd")
    assert first.confirmed_at == "2026-10-01T09:00:00+07:00"
    confirm(tmp_path, "budi", "camat")
    log = read_confirmations(tmp_path)
    assert log[["username", "status", "confirmed_by"]].values.tolist() == [
        ["ani", "confirmed", "lurah.lbd"],
        ["budi", "confirmed", "camat"],
    ]
    events = read_events(tmp_path)
    assert [(e["event"], e["learner"], e["confirmed_by"]) for e in events] == [
        ("implementation.confirmed", "ani", "lurah.lbd"),
        ("implementation.confirmed", "budi", "camat"),
    ]


@pytest.mark.parametrize(
    ("username", "by", "expected"),
    [
        ("ani", "lurah.tjn", "'lurah.tjn' (unit TJN) bukan atasan 'ani' (unit LBD)"),
        ("ani", "budi", "'budi' (jabatan: Staf Pelayanan) tidak berwenang"),
        ("ani", "ani", "tidak dapat mengonfirmasi implementasinya sendiri"),
        ("zaki", "camat", "peserta 'zaki' tidak ada di daftar peserta"),
        ("ani", "orang.luar", "pemberi konfirmasi 'orang.luar' tidak ada"),
    ],
)
def test_confirmations_that_may_not_be_recorded(tmp_path, username, by, expected):
    with pytest.raises(ConfirmationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        confirm(tmp_path, username, by)
    assert read_confirmations(tmp_path).empty
    assert read_events(tmp_path) == []


def test_latest_entry_decides_and_history_is_kept(tmp_path):
    confirm(tmp_path, "ani", "lurah.lbd", hour=9)
    confirm(tmp_path, "ani", "camat", status="revoked", hour=10)
    assert len(read_confirmations(tmp_path)) == 2
    latest = latest_confirmations(tmp_path).set_index("username")
    assert latest.at["ani", "status"] == "revoked"
    assert latest.at["ani", "confirmed_by"] == "camat"
