"""A sandbox for learners' kernels: own uid, no network, hidden course files, bounded resources.

:class:`SandboxedKernelManager` is a ``jupyter_client`` kernel manager whose kernel is started
through :mod:`kit.grading._launch`, which confines itself and then execs the kernel. As root the
kernel runs under a uid of its own, in new network, IPC and mount namespaces (private ``/tmp``,
the course and the grader's home hidden under empty tmpfs), in its own cgroups, with rlimits.
Without root it keeps what an unprivileged user namespace allows; :func:`probe_capabilities`
says which in plain English. Given a :class:`~kit.grading.zygote.Zygote` (:func:`start_zygote`),
the manager forks the kernel from it instead of exec'ing a new Python; the confinement is the
launcher's own either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from kit.grading.zygote import Zygote, ZygoteError

__all__ = [
    "Limits",
    "SandboxCapabilities",
    "SandboxedKernelManager",
    "kill_sandbox",
    "probe_capabilities",
    "start_zygote",
]

LAUNCHER = Path(__file__).with_name("_launch.py")
log = logging.getLogger("kit.grading")

# A block of uids far from system users, /etc/subuid allocations (newusers stops at 600100000)
# and systemd's container ranges; each kernel gets one, so kernels cannot touch one another's
# files or processes and RLIMIT_NPROC counts only that kernel's tasks.
UID_BASE = 0x7B00_0000
UID_SLOTS = 65536
NOBODY = 65534

# Fresh, empty, world-writable tmpfs in the sandbox: no learner sees another's (or the host's)
# temporary files, and nothing written there outlives the kernel.
PRIVATE_PATHS = ("/tmp", "/var/tmp", "/dev/shm")
# Host folders never needed by a kernel but possibly sensitive (sockets, credentials).
ALWAYS_HIDDEN = ("/run",)

CGROUP_GROUP = "kit-grade"
# pids bounds the process flood, memory the whole sandbox's RAM, freezer makes a kill race-free.
CGROUP_CONTROLLERS = ("pids", "memory", "freezer")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one learner's kernel (and of everything it starts)."""

    cell_timeout: float = 30.0  # seconds of wall time per cell (enforced by the executor)
    notebook_timeout: float = 300.0  # seconds of wall time per notebook (enforced by the engine)
    memory_mb: int = 1024  # address space per process / cgroup memory of the whole sandbox
    processes: int = 64  # max processes+threads of the sandbox user/cgroup
    file_size_mb: int = 16  # RLIMIT_FSIZE: biggest file the learner code may write
    output_bytes: int = 1_000_000  # max bytes of outputs kept per notebook (enforced by the engine)
    cpu_seconds: int = 600  # RLIMIT_CPU hard stop


@dataclass(frozen=True)
class SandboxCapabilities:
    """What the sandbox can enforce on this machine, as measured by :func:`probe_capabilities`."""

    root: bool
    network_isolated: bool
    uid_dropped: bool
    cgroups: bool
    process_limit: bool
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# Probing


def _launcher_argv() -> list[str]:
    # -I -S: the launcher needs only the standard library, so skip site-packages (faster start,
    # and nothing from the environment or the current folder is imported as root).
    return [sys.executable, "-I", "-S", str(LAUNCHER)]


def _uid_range_mapped() -> bool:
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


def _cgroup_roots() -> dict[str, Path]:
    """Per v1 controller: the folder of our own cgroup, under which the sandboxes' are made.

    Nesting under our own cgroup (rather than the hierarchy's root) keeps the kernels inside
    whatever memory or pids budget the grader itself was given by systemd or a container.
    """
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


def _cgroups_work(roots: dict[str, Path]) -> bool:
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


@functools.lru_cache(maxsize=1)
def probe_capabilities() -> SandboxCapabilities:
    """Measure once what the sandbox can enforce here (about 50 ms, then cached)."""
    root = os.geteuid() == 0
    try:
        answer = subprocess.run(
            [*_launcher_argv(), "--probe"], capture_output=True, text=True, timeout=10
        )
        isolation = json.loads(answer.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        isolation = {"isolated": False, "error": str(error)}
    isolated = bool(isolation["isolated"])
    uid_dropped = root
    dedicated_uid = root and _uid_range_mapped()
    cgroups = root and _cgroups_work(_cgroup_roots())
    notes: list[str] = []
    if dedicated_uid:
        notes.append(
            f"Each kernel runs under a uid of its own (from {UID_BASE}) with no supplementary "
            "groups; it owns only its working folder."
        )
    elif root:
        notes.append(
            f"Kernels run as nobody ({NOBODY}): the dedicated uid block is not mapped in this "
            "container, so concurrent kernels share a uid and could touch each other's folders."
        )
    else:
        notes.append(
            "Not root: kernels run under the grader's own uid and can read or write whatever "
            "the grader can, outside the hidden paths."
        )
    if isolated:
        notes.append(
            "Network cut off (new network namespace, loopback down); private /tmp; the course "
            "folders, the grader's home and /run are hidden under empty tmpfs"
            + (
                "; other users' processes are hidden from /proc."
                if root
                else " (through an unprivileged user namespace)."
            )
        )
    else:
        notes.append(
            "No namespaces (" + isolation["error"] + "): learner code HAS network access and "
            "CAN read the course's source/ solutions and gradebook if file permissions allow."
        )
    if cgroups:
        notes.append(
            "Each kernel has its own pids, memory and freezer cgroups (cgroup v1): the memory "
            "and process limits cover the whole sandbox and a kill reaches every process."
        )
    else:
        notes.append(
            "No cgroups: memory is limited per process (RLIMIT_AS) only, and a kill reaches "
            "the kernel's process group"
            + (
                " and its uid."
                if dedicated_uid
                else " only: a learner's process that calls setsid() survives the kernel."
            )
        )
    process_limit = uid_dropped or cgroups or isolated
    if dedicated_uid or cgroups:
        notes.append(
            "Processes and threads are bounded per kernel"
            + (" (pids cgroup" if cgroups else " (")
            + (" and RLIMIT_NPROC on the kernel's own uid)." if dedicated_uid else ").")
        )
    elif isolated:
        notes.append(
            "Processes and threads are bounded by RLIMIT_NPROC, which in the kernel's own user "
            "namespace counts only the kernel's tasks."
        )
    else:
        notes.append(
            "RLIMIT_NPROC is raised by the grader's own process count: it bounds a flood only "
            "loosely."
        )
    notes.append(
        "Every process has RLIMIT_AS, RLIMIT_FSIZE, RLIMIT_CPU and no core dumps; setuid "
        "programs cannot regain privileges (no_new_privs)."
    )
    return SandboxCapabilities(
        root=root,
        network_isolated=isolated,
        uid_dropped=uid_dropped,
        cgroups=cgroups,
        process_limit=process_limit,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# Dedicated uids and cgroups

_uid_lock = threading.Lock()
_uids_claimed: set[int] = set()


def _uids_running() -> set[int]:
    uids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                uids.add(os.stat(f"/proc/{entry}").st_uid)
    return uids


def _claim_uid() -> int:
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


def _release_uid(uid: int) -> None:
    with _uid_lock:
        _uids_claimed.discard(uid)


def _make_cgroups(name: str, limits: Limits) -> list[Path]:
    """Create this kernel's cgroups with their limits; [] if any step fails (then none)."""
    made: list[Path] = []
    roots = _cgroup_roots()
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
        _remove_cgroups(made)
        return []
    return made


def _cgroup_pids(folders: Sequence[Path]) -> set[int]:
    pids: set[int] = set()
    for folder in folders:
        with contextlib.suppress(OSError, ValueError):
            pids.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
    return pids


def _remove_cgroups(folders: Sequence[Path]) -> None:
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


def _pids_of_uid(uid: int) -> set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.add(int(entry))
            except OSError:
                pass
    return pids


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


@dataclass
class _SandboxResources:
    """What one kernel's sandbox holds on the host, released together.

    Kept apart from the kernel manager so that a finalizer can release it when a manager is
    dropped (or the grader exits) without a shutdown.
    """

    uid: int | None = None
    cgroups: list[Path] = field(default_factory=list)
    runtime: Path | None = None

    def pids(self) -> set[int]:
        pids = _cgroup_pids(self.cgroups)
        if self.uid is not None and self.uid != NOBODY:
            pids |= _pids_of_uid(self.uid)
        return pids

    def release(self) -> None:
        if self.cgroups or (self.uid is not None and self.uid != NOBODY):
            _kill_until_gone(self.pids)
        _remove_cgroups(self.cgroups)
        self.cgroups = []
        if self.runtime is not None:
            shutil.rmtree(self.runtime, ignore_errors=True)
            self.runtime = None
        if self.uid is not None and self.uid != NOBODY:
            _release_uid(self.uid)
        self.uid = None


# ---------------------------------------------------------------------------------------------
# The kernel manager


def _kernel_environment(workdir: Path, runtime: Path) -> dict[str, str]:
    """A clean environment: nothing of the grader's (tokens, proxies) reaches learner code."""
    keep = {name: os.environ[name] for name in ("LANG", "LC_ALL", "TZ") if name in os.environ}
    return {
        **keep,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin:/usr/bin:/bin"]),
        "HOME": str(workdir),
        "USER": "learner",
        "LOGNAME": "learner",
        "TMPDIR": "/tmp",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(workdir / ".config" / "matplotlib"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "JUPYTER_CONFIG_DIR": str(workdir / ".jupyter"),
        "JUPYTER_DATA_DIR": str(workdir / ".local" / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "IPYTHONDIR": str(workdir / ".ipython"),
        # One thread per numeric library and two malloc arenas: several kernels share 2 cores,
        # and every thread counts against the process limit and reserves address space.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
    }


def start_zygote(preload: Sequence[str] = ()) -> Zygote:
    """Start a kernel zygote (:mod:`kit.grading.zygote`) that also imports ``preload``.

    Its environment is a kernel's, with a scratch HOME of its own: imports run as root must
    not write into the grader's home, and nothing of the grader's environment is inherited.
    """
    scratch = Path(tempfile.mkdtemp(prefix="kit-zygote-"))
    # debugpy (imported by ipykernel) warns on import about frozen modules; kernels import it
    # only once their output is captured, the zygote before: keep its stderr quiet.
    env = {**_kernel_environment(scratch, scratch), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    return Zygote.start(preload=preload, env=env, scratch=scratch)


def _chown_tree(top: Path, uid: int, gid: int) -> None:
    os.chown(top, uid, gid, follow_symlinks=False)
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


class SandboxedKernelManager(AsyncKernelManager):
    """Starts an ipykernel inside the sandbox.

    Constructed by the engine as ``SandboxedKernelManager(limits=limits, workdir=Path,
    kernel_name="python3", sandbox=True, hidden_paths=[course_root])``, where ``workdir`` is a
    fresh folder holding only that learner's files. With ``sandbox=False`` it behaves like a
    plain ``AsyncKernelManager`` (own uid, network, no namespaces) but still applies the rlimits.
    """

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        workdir: Path,
        kernel_name: str = "python3",
        sandbox: bool = True,
        hidden_paths: Sequence[Path] = (),
        zygote: Zygote | None = None,
        **kwargs: Any,
    ) -> None:
        if sandbox:
            # TCP loopback cannot cross into the kernel's network namespace; Unix sockets can.
            kwargs.setdefault("transport", "ipc")
        super().__init__(kernel_name=kernel_name, **kwargs)
        self.limits = limits or Limits()
        self.workdir = Path(workdir).resolve()
        self.sandbox = sandbox
        self.hidden_paths = tuple(Path(p) for p in hidden_paths)
        self.zygote = zygote if sandbox else None
        # Set by each (re)start: how the kernel is confined, whichever way it is launched.
        self._launch_options: list[str] = []
        self._kernel_cmd: list[str] = []
        self.forked = False  # whether the running kernel came from the zygote
        self.capabilities = probe_capabilities()
        self._resources = _SandboxResources()
        # Safety net for a manager dropped without shutdown; a no-op after a normal cleanup.
        weakref.finalize(self, self._resources.release)

    @property
    def sandbox_uid(self) -> int | None:
        """The uid learner code runs as (None: the grader's own)."""
        return self._resources.uid

    @property
    def cgroups(self) -> list[Path]:
        """This kernel's cgroup folders (empty list: no cgroups)."""
        return list(self._resources.cgroups)

    @property
    def runtime_dir(self) -> Path | None:
        """Folder of the connection file and IPC sockets, owned by the sandbox uid."""
        return self._resources.runtime

    # jupyter_client calls this before each (re)start; it returns the command to Popen.
    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        caps = self.capabilities
        res = self._resources
        if res.runtime is None:
            # Connection file and IPC sockets in a folder of their own that the kernel user
            # owns (it must create the sockets), outside the learner's working folder.
            res.runtime = Path(tempfile.mkdtemp(prefix="kit-kernel-"))
            self.connection_file = str(res.runtime / "kernel.json")
            if self.transport == "ipc":
                self.ip = str(res.runtime / "ipc")
        if self.sandbox and caps.uid_dropped and res.uid is None:
            res.uid = _claim_uid() if _uid_range_mapped() else NOBODY
        kw["env"] = _kernel_environment(self.workdir, res.runtime)
        kw["cwd"] = str(self.workdir)
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)

        options = [
            f"--workdir={self.workdir}",
            f"--memory-mb={self.limits.memory_mb}",
            f"--processes={self.limits.processes}",
            f"--file-size-mb={self.limits.file_size_mb}",
            f"--cpu-seconds={self.limits.cpu_seconds}",
        ]
        if self.sandbox and res.uid is not None:
            _chown_tree(self.workdir, res.uid, res.uid)
            _chown_tree(res.runtime, res.uid, res.uid)
            self.workdir.chmod(0o700)
            options += [f"--uid={res.uid}", f"--gid={res.uid}"]
        # (Re)made on a restart too if a sweep removed them while the kernel was down.
        have_cgroups = bool(res.cgroups) and all(folder.is_dir() for folder in res.cgroups)
        if self.sandbox and caps.cgroups and not have_cgroups:
            assert self.kernel_id is not None
            # In a thread: cgroup mkdir and the sweep block for milliseconds, and the event
            # loop is busy with the other kernels' messages meanwhile.
            res.cgroups = await asyncio.to_thread(_make_cgroups, self.kernel_id, self.limits)
        options += [f"--cgroup={folder}" for folder in res.cgroups]
        if self.sandbox and caps.network_isolated:
            options.append("--isolate")
            options += [f"--private={path}" for path in PRIVATE_PATHS]
            # The grader's home may hold credentials (~/.ssh, tokens) readable by others.
            grader_home = pwd.getpwuid(os.getuid()).pw_dir
            homes = [grader_home] if grader_home != "/" else []
            hidden = [*map(str, self.hidden_paths), *homes, *ALWAYS_HIDDEN]
            options += [f"--hide={path}" for path in hidden]
            # The Python installation and the kit may sit under a hidden home (pyenv in /root).
            needed = {sys.prefix, sys.base_prefix, str(Path(__file__).parents[1]), res.runtime}
            options += [f"--keep={path}" for path in sorted(map(str, needed))]
        self._launch_options, self._kernel_cmd = options, list(kernel_cmd)
        return [*_launcher_argv(), *options, "--", *kernel_cmd], kw

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Fork the kernel from the zygote when there is one; exec the launcher otherwise."""
        self.forked = False
        zygote = self.zygote
        if (
            zygote is None
            or not zygote.alive
            or not zygote.can_run(self._kernel_cmd)
            or not isinstance(self.provisioner, LocalProvisioner)
        ):
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        try:
            process = zygote.spawn(
                launch_options=self._launch_options, kernel_cmd=self._kernel_cmd, env=kw["env"]
            )
        except ZygoteError as error:
            log.warning("zygote failed (%s): kernel started by exec instead", error)
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        provisioner = self.provisioner
        assert provisioner is not None
        # What LocalProvisioner.launch_kernel records for a Popen; the kernel leads its session.
        provisioner.process = process
        provisioner.pid = provisioner.pgid = process.pid
        provisioner.cwd = kw.get("cwd")
        self.forked = True
        self._reconcile_connection_info(provisioner.connection_info)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if not restart:
            # Whatever the learner left running (daemons, setsid children) goes with the kernel.
            kill_sandbox(self)
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            # rmdir of a cgroup takes milliseconds, more while its killed tasks exit.
            await asyncio.to_thread(self._resources.release)

    def sandbox_pids(self) -> set[int]:
        """Every live process of this sandbox that can be found (cgroup, uid, kernel pid)."""
        pids = self._resources.pids()
        pid = getattr(self.provisioner, "pid", None)
        if pid is not None:
            pids.add(pid)
        return {p for p in pids if _alive(p)}


def _alive(pid: int) -> bool:
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


def _kill_all(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _kill_until_gone(find: Callable[[], set[int]], seconds: float = 5) -> None:
    """SIGKILL whatever ``find`` returns until nothing alive is left (forks race the kill)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        survivors = {p for p in find() if _alive(p)}
        if not survivors:
            return
        _kill_all(survivors)
        time.sleep(0.01)


def _freeze(folder: Path, state: str) -> bool:
    try:
        (folder / "freezer.state").write_text(state)
    except OSError:
        return False
    return True


def kill_sandbox(km: AsyncKernelManager) -> None:
    """Best effort: SIGKILL every process of ``km``'s sandbox (used after timeouts).

    With cgroups the sandbox is frozen first, so nothing can fork while it is being killed;
    otherwise its processes are found by their dedicated uid and the kernel's process group.
    Works on a plain ``AsyncKernelManager`` too (process group only).
    """
    provisioner = km.provisioner
    pgid = getattr(provisioner, "pgid", None)
    if isinstance(km, SandboxedKernelManager):
        freezer = [f for f in km.cgroups if "freezer" in f.parts]
        frozen = [f for f in freezer if _freeze(f, "FROZEN")]
        if frozen:
            _kill_all(_cgroup_pids(frozen))
            for folder in frozen:
                _freeze(folder, "THAWED")  # the SIGKILLs are delivered on thaw
        if pgid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        _kill_until_gone(km.sandbox_pids)
    elif pgid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    # Reap the kernel so it does not linger as a zombie (jupyter_client would later, too).
    process = getattr(provisioner, "process", None)
    if process is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1)
