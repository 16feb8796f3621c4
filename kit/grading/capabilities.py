"""What the sandbox can enforce on this machine, measured once: :func:`probe_capabilities`.

The probe runs the launcher (:mod:`kit.grading._launch`) in a throwaway process that tries to
isolate itself, checks the dedicated uid block and the cgroups, and says in plain Indonesian
what each kernel will get (:attr:`SandboxCapabilities.notes`) and what the sandbox lacks to be
set up at all (:meth:`SandboxCapabilities.shortfalls`).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kit.core import message
from kit.grading.cgroups import cgroup_roots, cgroups_work
from kit.grading.processes import NOBODY, UID_BASE, uid_range_mapped

__all__ = ["LAUNCHER", "SandboxCapabilities", "launcher_argv", "probe_capabilities"]

LAUNCHER = Path(__file__).with_name("_launch.py")


def launcher_argv() -> list[str]:
    """How to run the launcher: ``-I -S``, it needs only the standard library.

    Skipping site-packages makes it start faster, and nothing from the environment or the
    current folder is imported as root.
    """
    return [sys.executable, "-I", "-S", str(LAUNCHER)]


@dataclass(frozen=True)
class SandboxCapabilities:
    """What the sandbox can enforce on this machine, as measured by :func:`probe_capabilities`.

    ``notes`` are Indonesian, for the instructor. ``isolation_error`` says why the network and
    mount namespaces could not be made (empty when they can).
    """

    root: bool
    network_isolated: bool
    uid_dropped: bool
    cgroups: bool
    process_limit: bool
    notes: tuple[str, ...] = field(default=())
    dedicated_uid: bool = False
    isolation_error: str = ""

    def shortfalls(self) -> tuple[str, ...]:
        """What the sandbox needs and this machine lacks (Indonesian); empty: it can run.

        Required: the launcher, and namespaces that cut the network and hide the course (made
        directly as root, otherwise through an unprivileged user namespace whose uid mapping
        and mounts must succeed). The rest (a uid per kernel, cgroups) makes the sandbox
        stronger where the machine allows it, and the notes say which of it applies.
        """
        if not LAUNCHER.is_file():
            return (message("grading.isolation.missing.launcher", lang="id", path=LAUNCHER),)
        if not self.network_isolated:
            return (
                message(
                    "grading.isolation.missing.namespaces",
                    lang="id",
                    detail=self.isolation_error or "?",
                ),
            )
        return ()


def _try_isolation() -> tuple[bool, str]:
    """Run the launcher's ``--probe``: whether it could isolate itself, and why not."""
    if not LAUNCHER.is_file():
        return False, f"{LAUNCHER} is missing"
    try:
        answer = subprocess.run(
            [*launcher_argv(), "--probe"], capture_output=True, text=True, timeout=10
        )
        isolation = json.loads(answer.stdout)
        return bool(isolation["isolated"]), str(isolation.get("error", ""))
    except subprocess.TimeoutExpired:
        return False, "the launcher's probe did not answer within 10 s"
    except OSError as error:
        return False, str(error)
    except (ValueError, KeyError, TypeError):
        tail = (answer.stderr or answer.stdout).strip().splitlines()[-1:] or ["no output"]
        return False, f"the launcher's probe failed ({answer.returncode}): {tail[0]}"


@functools.lru_cache(maxsize=1)
def probe_capabilities() -> SandboxCapabilities:
    """Measure once what the sandbox can enforce here (about 50 ms, then cached)."""
    root = os.geteuid() == 0
    isolated, error = _try_isolation()
    dedicated_uid = root and uid_range_mapped()
    cgroups = root and cgroups_work(cgroup_roots())
    return SandboxCapabilities(
        root=root,
        network_isolated=isolated,
        uid_dropped=root,
        cgroups=cgroups,
        process_limit=root or cgroups or isolated,
        notes=_notes(root, isolated, dedicated_uid, cgroups),
        dedicated_uid=dedicated_uid,
        isolation_error="" if isolated else error,
    )


def _notes(root: bool, isolated: bool, dedicated_uid: bool, cgroups: bool) -> tuple[str, ...]:
    """What each kernel gets here, in the instructor's words (one sentence per layer)."""

    def note(key: str, **values: object) -> str:
        return message(f"grading.isolation.note.{key}", lang="id", **values)

    if dedicated_uid:
        notes = [note("own_uid", uid=UID_BASE)]
    elif root:
        notes = [note("nobody_uid", uid=NOBODY)]
    else:
        notes = [note("grader_uid")]
    if isolated:
        notes.append(note("namespaces_root" if root else "namespaces_userns"))
    else:
        notes.append(note("no_namespaces"))
    if cgroups:
        notes.append(note("cgroups"))
    else:
        notes.append(note("no_cgroups_uid" if dedicated_uid else "no_cgroups"))
    if dedicated_uid or cgroups or isolated:
        notes.append(note("processes_bounded"))
    else:
        notes.append(note("processes_loose"))
    notes.append(note("rlimits"))
    return tuple(notes)
