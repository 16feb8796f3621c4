"""Which kernel manager runs a learner's notebook: the sandbox, or a clearly marked fallback.

The sandbox (``kit.grading.sandbox``) is the real thing: its own uid, network and mount
namespace, rlimits and cgroups. Until it is importable (or when ``sandbox=False`` is asked for),
kernels run under a plain ``AsyncKernelManager`` wrapped by ``prlimit`` so that memory, file size
and CPU time are still bounded; nothing else is isolated and every result carries the note.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import shutil
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager

__all__ = [
    "Limits",
    "SandboxCapabilities",
    "kill_kernel",
    "make_kernel_manager",
    "notebook_imports",
    "ready_zygote",
    "close_zygote",
    "sandbox_status",
    "start_kernel_zygote",
]

log = logging.getLogger("kit.grading")

try:  # the sandbox engineer's module; see the module docstring
    from kit.grading.sandbox import Limits, SandboxCapabilities  # type: ignore[attr-defined]
    from kit.grading.sandbox import SandboxedKernelManager as _SandboxedKernelManager
    from kit.grading.sandbox import kill_sandbox as _kill_sandbox
    from kit.grading.sandbox import probe_capabilities as _probe_capabilities
    from kit.grading.sandbox import start_zygote as _start_zygote
    from kit.grading.zygote import Zygote, ZygoteError

    SANDBOX_AVAILABLE = True
except ImportError:  # pragma: no cover - only while the sandbox is being written
    SANDBOX_AVAILABLE = False
    _SandboxedKernelManager = None
    _kill_sandbox = None
    _probe_capabilities = None
    _start_zygote = None
    Zygote = None  # type: ignore[assignment,misc]
    ZygoteError = RuntimeError  # type: ignore[assignment,misc]

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
    zygote: Zygote | None = None,
) -> AsyncKernelManager:
    """A kernel manager for one submission (not started yet).

    With a ready ``zygote`` (:func:`start_kernel_zygote`) the sandboxed kernel is forked from
    it rather than exec'd; the sandbox is the same either way.
    """
    if sandbox and SANDBOX_AVAILABLE:
        return _SandboxedKernelManager(
            limits=limits,
            workdir=Path(workdir),
            kernel_name=kernel_name,
            sandbox=True,
            hidden_paths=[Path(p) for p in hidden_paths],
            zygote=zygote,
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


def notebook_imports(notebooks: Iterable[Path]) -> list[str]:
    """Modules imported by the code cells of ``notebooks`` (the instructor's, never a learner's)."""
    found: dict[str, None] = {}
    for path in notebooks:
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:  # noqa: BLE001 - an unreadable notebook just preloads nothing
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            # Magics and shell escapes are not Python; the rest of the cell still is.
            lines = cell.source.splitlines()
            python = [line for line in lines if not line.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(python))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found[node.module] = None
    return list(found)


def start_kernel_zygote(sandbox: bool, preload: Iterable[str] = ()) -> Zygote | None:
    """Start the run's kernel zygote (it imports in the background); None without a sandbox."""
    if not (sandbox and SANDBOX_AVAILABLE):
        return None
    try:
        return _start_zygote(list(preload))
    except ZygoteError as error:
        log.warning("%s", error)
        return None


def ready_zygote(zygote: Zygote | None, sandbox: bool) -> tuple[Zygote | None, tuple[str, ...]]:
    """Wait for the zygote to finish importing: it, or None with the note saying why not."""
    if not (sandbox and SANDBOX_AVAILABLE):
        return None, ()
    if zygote is None:
        return None, (_EXEC_NOTE.format(reason="it could not be started"),)
    try:
        zygote.wait_ready()
    except ZygoteError as error:
        zygote.close()
        return None, (_EXEC_NOTE.format(reason=error),)
    return zygote, (
        "Kernels are forked from a zygote that imported ipykernel, IPython, numpy, pandas and "
        "the assignment's modules once and never runs learner code: each kernel is a fresh "
        "process, confined exactly as above, started in milliseconds.",
    )


def close_zygote(zygote: Zygote | None) -> tuple[str, ...]:
    """End the run's zygote; a note if it failed during the run (kernels went back to exec)."""
    if zygote is None:
        return ()
    failed = zygote.error
    zygote.close()
    return (_EXEC_NOTE.format(reason=f"it failed during the run: {failed}"),) if failed else ()


_EXEC_NOTE = (
    "The kernel zygote is not used ({reason}): every kernel starts a fresh Python (slower, "
    "equally sandboxed)."
)
