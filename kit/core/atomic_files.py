"""Replacing a whole file atomically: readers see the old file or the new one, never half of one.

The new content goes to a temporary file in the target's folder (a rename is only atomic within
one file system), is flushed to disk, takes the target's permission bits, and is renamed over
the target. If writing fails, the target is untouched and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_write", "atomic_writer"]


@contextlib.contextmanager
def atomic_writer(
    path: Path | str,
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    permissions: int | None = None,
) -> Iterator[IO]:
    """Open a handle whose content replaces ``path`` when the ``with`` block ends without error.

    Text is written with ``newline=""`` (what the csv module and pandas expect). A new file gets
    ``permissions`` or, by default, what ``open`` would give it under the current umask; an
    existing file keeps its permission bits unless ``permissions`` is given.
    """
    target = Path(path)
    mode = permissions if permissions is not None else _permissions_for(target)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        if binary:
            handle = os.fdopen(descriptor, "wb")
        else:
            handle = os.fdopen(descriptor, "w", encoding=encoding, newline="")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def atomic_write(
    path: Path | str,
    data: str | bytes,
    *,
    encoding: str = "utf-8",
    permissions: int | None = None,
) -> None:
    """Replace ``path`` with ``data`` (text in ``encoding``, or bytes) atomically."""
    with atomic_writer(
        path, binary=isinstance(data, bytes), encoding=encoding, permissions=permissions
    ) as handle:
        handle.write(data)


def _permissions_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # Linux reports the umask without changing it; elsewhere setting and restoring it is the
    # only way (a brief window another thread could observe).
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk, so a power cut cannot bring the old file back."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
