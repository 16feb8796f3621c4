"""A sandbox for learners' kernels: own uid, no network, hidden course files, bounded resources.

:class:`SandboxedKernelManager` is a ``jupyter_client`` kernel manager whose kernel is started
through :mod:`kit.grading._launch`, which confines itself and then execs the kernel. As root the
kernel runs under a uid of its own (:mod:`kit.grading.processes`), in new network, IPC and
mount namespaces (private ``/tmp``, the course and the grader's home hidden under empty tmpfs),
in its own cgroups (:mod:`kit.grading.cgroups`), with rlimits. Without root it keeps what an
unprivileged user namespace allows; :func:`~kit.grading.capabilities.probe_capabilities` says
which. A sandbox that cannot be set up is refused (:class:`SandboxUnavailable`), never weakened
in silence. Given a :class:`~kit.grading.zygote.Zygote` (:func:`start_zygote`), the manager
forks the kernel from it instead of exec'ing a new Python; the confinement is the launcher's own
either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from kit.grading.capabilities import LAUNCHER, launcher_argv, probe_capabilities
from kit.grading.cgroups import cgroup_pids, freeze, make_cgroups, remove_cgroups
from kit.grading.limits import Limits
from kit.grading.processes import (
    NOBODY,
    claim_uid,
    kill_all,
    kill_until_gone,
    pids_of_uid,
    release_uid,
    uid_range_mapped,
)
from kit.grading.processes import alive as _alive
from kit.grading.zygote import Zygote, ZygoteError

__all__ = [
    "LAUNCHER",
    "SandboxUnavailable",
    "SandboxedKernelManager",
    "kill_sandbox",
    "start_zygote",
]

log = logging.getLogger("kit.grading")

# Fresh, empty, world-writable tmpfs in the sandbox: no learner sees another's (or the host's)
# temporary files, and nothing written there outlives the kernel.
PRIVATE_PATHS = ("/tmp", "/var/tmp", "/dev/shm")
# Host folders never needed by a kernel but possibly sensitive (sockets, credentials).
ALWAYS_HIDDEN = ("/run",)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here; the kernel is not started (never run unconfined)."""


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
        pids = cgroup_pids(self.cgroups)
        if self.uid is not None and self.uid != NOBODY:
            pids |= pids_of_uid(self.uid)
        return pids

    def release(self) -> None:
        if self.cgroups or (self.uid is not None and self.uid != NOBODY):
            kill_until_gone(self.pids)
        remove_cgroups(self.cgroups)
        self.cgroups = []
        if self.runtime is not None:
            shutil.rmtree(self.runtime, ignore_errors=True)
            self.runtime = None
        if self.uid is not None and self.uid != NOBODY:
            release_uid(self.uid)
        self.uid = None


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
    fresh folder holding only that learner's files. Starting it raises
    :class:`SandboxUnavailable` when the machine cannot isolate kernels. With ``sandbox=False``
    it behaves like a plain ``AsyncKernelManager`` (own uid, network, no namespaces) but still
    applies the rlimits through the launcher.
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
        missing = caps.shortfalls() if self.sandbox else ()
        if missing:
            raise SandboxUnavailable("; ".join(missing))
        res = self._resources
        if res.runtime is None:
            # Connection file and IPC sockets in a folder of their own that the kernel user
            # owns (it must create the sockets), outside the learner's working folder.
            res.runtime = Path(tempfile.mkdtemp(prefix="kit-kernel-"))
            self.connection_file = str(res.runtime / "kernel.json")
            if self.transport == "ipc":
                self.ip = str(res.runtime / "ipc")
        if self.sandbox and caps.uid_dropped and res.uid is None:
            res.uid = claim_uid() if uid_range_mapped() else NOBODY
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
            # loop is busy with the other kernels' messages meanwhile. The probe found cgroups
            # working: if they fail now the kernel is not started without them (OSError).
            res.cgroups = await asyncio.to_thread(make_cgroups, self.kernel_id, self.limits)
        options += [f"--cgroup={folder}" for folder in res.cgroups]
        if self.sandbox:
            options += self._isolation_options(res.runtime)
        self._launch_options, self._kernel_cmd = options, list(kernel_cmd)
        return [*launcher_argv(), *options, "--", *kernel_cmd], kw

    def _isolation_options(self, runtime: Path) -> list[str]:
        """Launcher options for the namespaces: private folders, hidden ones, ones kept."""
        options = ["--isolate", *(f"--private={path}" for path in PRIVATE_PATHS)]
        # The grader's home may hold credentials (~/.ssh, tokens) readable by others.
        grader_home = pwd.getpwuid(os.getuid()).pw_dir
        homes = [grader_home] if grader_home != "/" else []
        hidden = [*map(str, self.hidden_paths), *homes, *ALWAYS_HIDDEN]
        options += [f"--hide={path}" for path in hidden]
        # The Python installation and the kit may sit under a hidden home (pyenv in /root).
        needed = {sys.prefix, sys.base_prefix, str(Path(__file__).parents[1]), runtime}
        options += [f"--keep={path}" for path in sorted(map(str, needed))]
        return options

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

    def kill_processes(self) -> None:
        """SIGKILL every process of this sandbox (what the engine calls after a timeout)."""
        kill_sandbox(self)

    def sandbox_pids(self) -> set[int]:
        """Every live process of this sandbox that can be found (cgroup, uid, kernel pid)."""
        pids = self._resources.pids()
        pid = getattr(self.provisioner, "pid", None)
        if pid is not None:
            pids.add(pid)
        return {p for p in pids if _alive(p)}


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
        frozen = [f for f in freezer if freeze(f, "FROZEN")]
        if frozen:
            kill_all(cgroup_pids(frozen))
            for folder in frozen:
                freeze(folder, "THAWED")  # the SIGKILLs are delivered on thaw
        if pgid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        kill_until_gone(km.sandbox_pids)
    elif pgid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    # Reap the kernel so it does not linger as a zombie (jupyter_client would later, too).
    process = getattr(provisioner, "process", None)
    if process is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1)
