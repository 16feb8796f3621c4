"""Per-kernel cgroups (v1 pids, memory, freezer): found, made with their limits, frozen, removed.

Nested under the grader's own cgroup, so the kernels stay inside whatever memory or pids budget
the grader itself was given by systemd or a container.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from kit.grading.limits import Limits

__all__ = [
    "CGROUP_CONTROLLERS",
    "CGROUP_GROUP",
    "cgroup_pids",
    "cgroup_roots",
    "cgroups_work",
    "freeze",
    "make_cgroups",
    "remove_cgroups",
]

CGROUP_GROUP = "kit-grade"
# pids bounds the process flood, memory the whole sandbox's RAM, freezer makes a kill race-free.
CGROUP_CONTROLLERS = ("pids", "memory", "freezer")


def cgroup_roots() -> dict[str, Path]:
    """Per v1 controller: the folder of our own cgroup, under which the sandboxes' are made."""
    mounts: dict[str, Path] = {}
    try:
        for line in Path("/proc/self/mounts").read_text().splitlines():
            _, where, fstype, options, *_ = line.split()
            if fstype == "cgroup":
                for controller in CGROUP_CONTROLLERS:
                    if controller in options.split(","):
                        mounts.setdefault(controller, Path(where))
        own: dict[str, str] = {}
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(","):
                own[controller] = path
    except (OSError, ValueError):
        return {}
    return {
        c: mounts[c] / own[c].lstrip("/") / CGROUP_GROUP
        for c in CGROUP_CONTROLLERS
        if c in mounts and c in own
    }


def cgroups_work(roots: dict[str, Path]) -> bool:
    """Whether a pids and a memory cgroup can be made under ``roots`` (tried, then removed)."""
    if not {"pids", "memory"} <= roots.keys():
        return False
    try:
        for root in roots.values():
            probe = root / f"probe-{os.getpid()}"
            probe.mkdir(parents=True, exist_ok=True)
            probe.rmdir()
    except OSError:
        return False
    return True


def make_cgroups(name: str, limits: Limits) -> list[Path]:
    """Create this kernel's cgroups with their limits; OSError (and none left) if any step fails."""
    made: list[Path] = []
    roots = cgroup_roots()
    if not {"pids", "memory"} <= roots.keys():
        raise OSError("the pids and memory cgroup controllers are not mounted")
    _sweep_stale_cgroups(roots)
    try:
        for controller, root in roots.items():
            folder = root / name
            folder.mkdir(parents=True, exist_ok=True)
            made.append(folder)
            if controller == "pids":
                (folder / "pids.max").write_text(str(limits.processes))
            elif controller == "memory":
                limit = str(limits.memory_mb * 1024 * 1024)
                (folder / "memory.limit_in_bytes").write_text(limit)
                # Swap counts too, or a memory hog just moves to swap; absent without swapaccount.
                swap = folder / "memory.memsw.limit_in_bytes"
                if swap.exists():
                    swap.write_text(limit)
    except OSError:
        remove_cgroups(made)
        raise
    return made


def cgroup_pids(folders: Sequence[Path]) -> set[int]:
    pids: set[int] = set()
    for folder in folders:
        with contextlib.suppress(OSError, ValueError):
            pids.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
    return pids


def remove_cgroups(folders: Sequence[Path]) -> None:
    for folder in folders:
        # A cgroup can only be removed once empty; just-killed processes take a moment to go.
        for _ in range(50):
            try:
                folder.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.02)


def freeze(folder: Path, state: str) -> bool:
    """Write ``FROZEN`` or ``THAWED`` to a freezer cgroup; whether it worked."""
    try:
        (folder / "freezer.state").write_text(state)
    except OSError:
        return False
    return True


def _sweep_stale_cgroups(roots: dict[str, Path]) -> None:
    """Remove empty sandbox cgroups left by a grader that was killed before its cleanup.

    A live sandbox's cgroup is empty only for the milliseconds between its creation and the
    launcher joining it, and rmdir refuses a cgroup that still has processes: this is safe.
    """
    stale_before = time.time() - 60
    for root in roots.values():
        with contextlib.suppress(OSError):
            for folder in root.iterdir():
                if folder.is_dir() and folder.stat().st_mtime < stale_before:
                    with contextlib.suppress(OSError):
                        folder.rmdir()
