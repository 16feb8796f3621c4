"""Confine the current process, then exec a learner's kernel in it (the sandbox's last step).

Run by :class:`kit.grading.sandbox.SandboxedKernelManager` as
``python -I -S .../_launch.py [options] -- <kernel argv>`` (``python -m kit.grading._launch``
works too). It uses only the standard library and imports nothing heavy: it sits on the
critical path of every kernel start. The kernel zygote (:mod:`kit.grading.zygote`) parses the
same options and calls the same :func:`confine` in each forked child, so both ways of starting
a kernel go through one sandbox.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import signal
import sys

# From <sched.h>, <sys/mount.h> and <linux/prctl.h>; Python 3.11 has no os.unshare or os.mount.
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
PR_SET_NO_NEW_PRIVS = 38

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def isolate(*, private: list[str], hidden: list[str], keep: list[str]) -> None:
    """New network, IPC and mount namespaces; tmpfs over ``private`` and ``hidden`` paths.

    As root the namespaces are created directly. Otherwise an unprivileged user namespace that
    maps only our own uid is created first: it grants the capabilities needed for the other
    namespaces and mounts, and they are all dropped again when the kernel is exec'd.
    ``keep`` are folders (workdir, runtime folder) that must stay reachable at the same path
    even if they lie under a private or hidden path: they are bound back from open handles.
    """
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC
    if os.geteuid() != 0:
        uid, gid = os.geteuid(), os.getegid()
        _unshare(CLONE_NEWUSER | flags)
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    else:
        _unshare(flags)
    # Opened now, not before unshare: a bind mount's source must be in our own mount namespace.
    handles = {
        path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in keep if os.path.isdir(path)
    }
    # Without this, mounts made here would propagate back to the host's shared mounts.
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    for path in private:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    for path in hidden:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
        elif os.path.lexists(path):
            _mount("/dev/null", path, None, MS_BIND, None)
    if os.geteuid() == 0:
        _hide_other_processes()
    for path, handle in handles.items():
        wanted = os.fstat(handle)
        try:
            seen = os.stat(path)
            covered = (seen.st_dev, seen.st_ino) != (wanted.st_dev, wanted.st_ino)
        except FileNotFoundError:
            covered = True
        if covered:
            # New parent folders live in a tmpfs and are 0755: the sandbox user can walk them.
            os.makedirs(path, mode=0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{handle}", path, None, MS_BIND | MS_REC, None)
        os.close(handle)


def _hide_other_processes() -> None:
    """A /proc of our own in which the sandbox user sees only its own processes.

    Without a PID namespace the host's processes (and their command lines) would be listed.
    Each proc mount is its own instance with its own options since Linux 5.8; an older kernel
    simply keeps the full /proc. An unprivileged user namespace may not mount proc at all.
    """
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    for option in ("hidepid=invisible", "hidepid=2"):
        try:
            _mount("proc", "/proc", "proc", flags, option)
            return
        except OSError:
            continue


def _user_tasks(uid: int) -> int:
    """Processes and threads of ``uid`` now (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return count


def set_limits(args: argparse.Namespace, *, own_uid: bool) -> None:
    """Apply the per-process rlimits; they survive exec and are inherited by every child."""
    mib = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size_mb * mib,) * 2)
    # The soft limit sends SIGXCPU (Python dies of it); the hard one SIGKILLs a process ignoring it.
    resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_seconds, args.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (args.memory_mb * mib,) * 2)
    if own_uid:
        nproc = args.processes
    else:
        # RLIMIT_NPROC counts every task of the (namespaced) uid: outside a fresh user namespace
        # that includes the grader's own processes, so allow those on top of the kernel's budget.
        nproc = args.processes + (0 if args.counts_per_namespace else _user_tasks(os.getuid()))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kit.grading._launch")
    parser.add_argument("--probe", action="store_true", help="try isolating, report as JSON")
    parser.add_argument("--isolate", action="store_true", help="new net/IPC/mount namespaces")
    parser.add_argument("--uid", type=int, help="run as this uid (root only)")
    parser.add_argument("--gid", type=int)
    parser.add_argument("--workdir", default=".")
    parser.add_argument("--cgroup", action="append", default=[], help="cgroup folder to join")
    parser.add_argument("--private", action="append", default=[], help="fresh tmpfs here")
    parser.add_argument("--hide", action="append", default=[], help="empty tmpfs over this")
    parser.add_argument("--keep", action="append", default=[], help="folder to keep reachable")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--processes", type=int, default=64)
    parser.add_argument("--file-size-mb", type=int, default=16)
    parser.add_argument("--cpu-seconds", type=int, default=600)
    parser.add_argument("command", nargs="*")
    args = parser.parse_args(argv)
    args.counts_per_namespace = False
    return args


def probe() -> int:
    """Report whether :func:`isolate` works for the current user (run in a throwaway process)."""
    try:
        isolate(private=["/tmp"], hidden=[], keep=[])
    except OSError as error:
        print(json.dumps({"isolated": False, "error": str(error)}))
    else:
        print(json.dumps({"isolated": True, "error": ""}))
    return 0


class ConfinementError(Exception):
    """The sandbox could not be entered; ``code`` is the exit status to report."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code


def confine(args: argparse.Namespace) -> None:
    """Confine the current process as ``args`` say: what every kernel goes through.

    Shared by :func:`main` (which then execs the kernel) and the zygote's forked children
    (:mod:`kit.grading.zygote`, which then start the kernel in-process). The process must be
    single-threaded (unshare and setuid act on the calling thread only).
    """
    # An oversized write must fail with EFBIG, not kill the writer. Python ignores SIGXFSZ by
    # itself; this covers non-Python kernels and programs started through os.system or a shell
    # (an ignored signal stays ignored over exec; subprocess.Popen resets it for its children).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # Join the cgroups first, so everything that follows (and every child) is accounted there.
    for cgroup in args.cgroup:
        _write(os.path.join(cgroup, "cgroup.procs"), str(os.getpid()))
    root = os.geteuid() == 0
    if args.isolate:
        keep = [os.path.realpath(p) for p in [args.workdir, *args.keep]]
        hidden = [os.path.realpath(p) for p in args.hide]
        isolate(private=args.private, hidden=hidden, keep=keep)
        # Since Linux 5.14 the NPROC count of a new user namespace starts from zero.
        args.counts_per_namespace = not root
    own_uid = root and args.uid is not None
    set_limits(args, own_uid=own_uid)
    if own_uid:
        drop_privileges(args.uid, args.gid if args.gid is not None else args.uid)
    # No setuid program (su, ping, ...) can hand the learner's code privileges back.
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    os.umask(0o077)
    try:
        os.chdir(args.workdir)
    except PermissionError:
        raise ConfinementError(
            126,
            f"kit.grading._launch: uid {os.getuid()} cannot enter {args.workdir}; "
            "every parent folder must be searchable (o+x) by the sandbox user",
        ) from None


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.probe:
        return probe()
    if not args.command:
        print("kit.grading._launch: no kernel command after --", file=sys.stderr)
        return 2
    try:
        confine(args)
    except ConfinementError as error:
        print(error, file=sys.stderr)
        return error.code
    os.execv(args.command[0], args.command)
    return 127  # not reached


if __name__ == "__main__":
    sys.exit(main())
