"""Replacing a file atomically: the new content or, after a failure, the old file untouched and
no temporary file left behind."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest

from kit.core import atomic_write, atomic_writer


def test_text_and_bytes_replace_the_file(tmp_path: Path):
    path = tmp_path / "roster.csv"
    atomic_write(path, "username,nama\r\nsiti,Siti Lubis\n")
    # newline="" keeps line ends as written (csv writers choose their own).
    assert path.read_bytes() == b"username,nama\r\nsiti,Siti Lubis\n"
    atomic_write(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv"]


def test_encoding_is_honoured(tmp_path: Path):
    path = tmp_path / "x.csv"
    atomic_write(path, "René", encoding="cp1252")
    assert path.read_bytes() == b"Ren\xe9"


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text("lama\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk penuh"), atomic_writer(path) as handle:
        handle.write("baru, setengah")
        raise RuntimeError("disk penuh")
    assert path.read_text(encoding="utf-8") == "lama\n"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.csv"]


def test_a_value_that_cannot_be_written_leaves_the_old_file(tmp_path: Path):
    path = tmp_path / "cache.pickle"
    path.write_bytes(b"old")
    unpicklable = (pickle.PicklingError, TypeError, AttributeError)
    with pytest.raises(unpicklable), atomic_writer(path, binary=True) as handle:
        pickle.dump(lambda: None, handle)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.pickle"]


def test_a_failure_before_any_file_existed_leaves_nothing(tmp_path: Path):
    with pytest.raises(ValueError), atomic_writer(tmp_path / "baru.csv") as handle:
        handle.write("x")
        raise ValueError
    assert list(tmp_path.iterdir()) == []


def test_existing_permission_bits_are_kept(tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text("lama\n", encoding="utf-8")
    os.chmod(path, 0o640)
    atomic_write(path, "baru\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_follows_the_umask_unless_permissions_are_given(tmp_path: Path):
    previous = os.umask(0o027)
    try:
        atomic_write(tmp_path / "a.csv", "x")
        atomic_write(tmp_path / "b.csv", "x", permissions=0o644)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "b.csv").stat().st_mode) == 0o644


def test_the_target_is_never_seen_half_written(tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text("lama\n", encoding="utf-8")
    with atomic_writer(path) as handle:
        handle.write("baru\n")
        handle.flush()
        assert path.read_text(encoding="utf-8") == "lama\n", "replaced only at the end"
    assert path.read_text(encoding="utf-8") == "baru\n"


def test_a_missing_folder_is_an_error_not_a_silent_success(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "tidak-ada" / "x.csv", "x")
