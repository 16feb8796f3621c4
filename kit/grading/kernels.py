"""Which kernel manager runs a learner's notebook: the sandbox, or a clearly marked fallback.

The sandbox (``kit.grading.sandbox``) is the real thing: its own uid, network and mount
namespace, rlimits and cgroups. Until it is importable (or when ``sandbox=False`` is asked for),
kernels run under a plain ``AsyncKernelManager`` wrapped by ``prlimit`` so that memory, file size
and CPU time are still bounded; nothing else is isolated and every result carries the note.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

__all__ = ["Limits", "SandboxCapabilities", "make_kernel_manager", "kill_kernel", "sandbox_status"]

try:  # the sandbox engineer's module; see the module docstring
    from kit.grading.sandbox import Limits, SandboxCapabilities  # type: ignore[attr-defined]
    from kit.grading.sandbox import SandboxedKernelManager as _SandboxedKernelManager
    from kit.grading.sandbox import kill_sandbox as _kill_sandbox
    from kit.grading.sandbox import probe_capabilities as _probe_capabilities

    SANDBOX_AVAILABLE = True
except ImportError:  # pragma: no cover - only while the sandbox is being written
    SANDBOX_AVAILABLE = False
    _SandboxedKernelManager = None
    _kill_sandbox = None
    _probe_capabilities = None

    @dataclass(frozen=True)
    class Limits:  # type: ignore[no-redef]
        """Resource limits of one learner's kernel (same fields as the sandbox's)."""

        cell_timeout: float = 30.0
        notebook_timeout: float = 300.0
        memory_mb: int = 1024
        processes: int = 64
        file_size_mb: int = 16
        output_bytes: int = 1_000_000
        cpu_seconds: int = 600

    @dataclass(frozen=True)
    class SandboxCapabilities:  # type: ignore[no-redef]
        root: bool
        network_isolated: bool
        uid_dropped: bool
        cgroups: bool
        process_limit: bool
        notes: tuple[str, ...] = ()


class _PrlimitKernelManager(AsyncKernelManager):
    """FALLBACK ONLY: a plain kernel under ``prlimit`` (memory, file size, CPU, processes).

    No uid drop, no namespaces: learner code can read and write what the grader can. Used when
    the sandbox module is missing or ``sandbox=False`` is asked for (tests of the engine itself).
    """

    limits: Limits | None = None

    def format_kernel_cmd(self, extra_arguments=None):  # noqa: D102 - jupyter_client hook
        cmd = super().format_kernel_cmd(extra_arguments)
        prlimit = shutil.which("prlimit")
        if prlimit is None or self.limits is None:
            return cmd
        limits = self.limits
        return [
            prlimit,
            f"--as={limits.memory_mb * 1024 * 1024}",
            f"--fsize={limits.file_size_mb * 1024 * 1024}",
            f"--cpu={int(limits.cpu_seconds)}",
            # RLIMIT_NPROC counts per uid: it bounds a flood only for a non-root grader.
            f"--nproc={limits.processes + 256}",
            "--",
            *cmd,
        ]


def make_kernel_manager(
    *,
    limits: Limits,
    workdir: Path,
    kernel_name: str,
    hidden_paths: list[Path],
    sandbox: bool,
) -> AsyncKernelManager:
    """A kernel manager for one submission (not started yet)."""
    if sandbox and SANDBOX_AVAILABLE:
        return _SandboxedKernelManager(
            limits=limits,
            workdir=Path(workdir),
            kernel_name=kernel_name,
            sandbox=True,
            hidden_paths=[Path(p) for p in hidden_paths],
        )
    km = _PrlimitKernelManager(kernel_name=kernel_name, transport="ipc")
    km.limits = limits
    return km


def kill_kernel(km: AsyncKernelManager) -> None:
    """Kill every process of that kernel, whatever it did (swallowed signals, children)."""
    if SANDBOX_AVAILABLE and _SandboxedKernelManager and isinstance(km, _SandboxedKernelManager):
        _kill_sandbox(km)
        return
    # The fallback kernel leads its own session (jupyter_client starts it with
    # start_new_session), so its children, e.g. a learner's sleeping processes, share its group.
    process = getattr(getattr(km, "provisioner", None), "process", None)
    pid = getattr(process, "pid", None)
    if pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def sandbox_status(sandbox: bool) -> tuple[bool, tuple[str, ...]]:
    """Whether kernels really run sandboxed, and the notes to show the instructor."""
    if not sandbox:
        return False, ("sandbox disabled by the caller",)
    if not SANDBOX_AVAILABLE:
        return False, ("kit.grading.sandbox not available: prlimit fallback only",)
    caps = _probe_capabilities()
    return True, tuple(caps.notes)
