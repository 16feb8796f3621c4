"""The processes and uids of sandboxes: which are alive, which uid is free, killing them all.

Each sandboxed kernel runs under a uid of its own from a dedicated block, so its processes can
be found by uid even when they leave the kernel's process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = [
    "NOBODY",
    "UID_BASE",
    "UID_SLOTS",
    "alive",
    "claim_uid",
    "kill_all",
    "kill_until_gone",
    "pids_of_uid",
    "release_uid",
    "uid_range_mapped",
]

# A block of uids far from system users, /etc/subuid allocations (newusers stops at 600100000)
# and systemd's container ranges; each kernel gets one, so kernels cannot touch one another's
# files or processes and RLIMIT_NPROC counts only that kernel's tasks.
UID_BASE = 0x7B00_0000
UID_SLOTS = 65536
NOBODY = 65534

_uid_lock = threading.Lock()
_uids_claimed: set[int] = set()


def uid_range_mapped() -> bool:
    """Whether our user namespace maps the dedicated uid block (containers often map 64k)."""
    try:
        lines = Path("/proc/self/uid_map").read_text().splitlines()
    except OSError:
        return False
    for line in lines:
        inside, _, count = (int(x) for x in line.split())
        if inside <= UID_BASE and inside + count >= UID_BASE + UID_SLOTS:
            return True
    return False


def _uids_running() -> set[int]:
    uids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                uids.add(os.stat(f"/proc/{entry}").st_uid)
    return uids


def claim_uid() -> int:
    """A uid of the block that no process (of this or another grader) is using now."""
    with _uid_lock:
        busy = _uids_running() | _uids_claimed
        # Start from a pid-dependent slot so two graders running at once rarely meet.
        start = (os.getpid() * 7919) % UID_SLOTS
        for step in range(UID_SLOTS):
            uid = UID_BASE + (start + step) % UID_SLOTS
            if uid not in busy:
                _uids_claimed.add(uid)
                return uid
    raise RuntimeError("no free sandbox uid")


def release_uid(uid: int) -> None:
    with _uid_lock:
        _uids_claimed.discard(uid)


def pids_of_uid(uid: int) -> set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.add(int(entry))
            except OSError:
                pass
    return pids


def alive(pid: int) -> bool:
    """Whether any thread of ``pid`` still runs.

    A zombie has finished and only waits to be reaped, but a thread-group leader shows as a
    zombie while its other threads are still exiting (and still hold memory and cgroup slots).
    """
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for task in tasks:
        try:
            stat = Path(f"/proc/{pid}/task/{task}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
            return True
    return False


def kill_all(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def kill_until_gone(find: Callable[[], set[int]], seconds: float = 5) -> None:
    """SIGKILL whatever ``find`` returns until nothing alive is left (forks race the kill)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        survivors = {p for p in find() if alive(p)}
        if not survivors:
            return
        kill_all(survivors)
        time.sleep(0.01)
