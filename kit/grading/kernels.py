"""Which kernel manager runs a learner's notebook, as the run's isolation mode says.

``sandbox``: :class:`kit.grading.sandbox.SandboxedKernelManager`, optionally forked from the
run's zygote. ``limits_only`` (only when asked for, see :mod:`kit.grading.isolation`): a plain
``AsyncKernelManager`` wrapped by ``prlimit``, so that memory, file size, CPU time and
processes are bounded; nothing else is isolated. The sandbox modules are imported only in the
sandbox mode, so the limits-only mode needs none of them.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from jupyter_client.manager import AsyncKernelManager

from kit.core import message
from kit.grading.limits import Limits

if TYPE_CHECKING:
    from kit.grading.zygote import Zygote

__all__ = [
    "LimitsOnlyKernelManager",
    "close_zygote",
    "kill_kernel",
    "make_kernel_manager",
    "notebook_imports",
    "ready_zygote",
    "start_kernel_zygote",
]

log = logging.getLogger("kit.grading")


class LimitsOnlyKernelManager(AsyncKernelManager):
    """A plain kernel under ``prlimit`` (memory, file size, CPU, processes): NO isolation.

    Learner code can read and write what the grader can, and reach the network. Used only for
    the ``limits_only`` mode, which a run records and shows.
    """

    limits: Limits | None = None
    _runtime: Path | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self._runtime is None:
            # Connection file and IPC sockets at absolute paths of their own: jupyter_client's
            # default IPC path is relative, so kernel (in the learner's folder) and client (in
            # the grader's) would look for the sockets in different places.
            self._runtime = Path(tempfile.mkdtemp(prefix="kit-kernel-"))
            self.connection_file = str(self._runtime / "kernel.json")
            if self.transport == "ipc":
                self.ip = str(self._runtime / "ipc")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None

    def format_kernel_cmd(self, extra_arguments=None):  # noqa: D102 - jupyter_client hook
        cmd = super().format_kernel_cmd(extra_arguments)
        prlimit = shutil.which("prlimit")
        if prlimit is None or self.limits is None:
            # Never a kernel without its limits (the run checked for prlimit before starting).
            raise RuntimeError("prlimit is not available: the kernel would have no limits")
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

    def kill_processes(self) -> None:
        """SIGKILL the kernel's process group (jupyter_client starts it in its own session).

        A learner's child that calls setsid() escapes it: one of the reasons this mode is weak.
        """
        process = getattr(self.provisioner, "process", None)
        pid = getattr(process, "pid", None)
        if pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


def make_kernel_manager(
    *,
    limits: Limits,
    workdir: Path,
    kernel_name: str,
    hidden_paths: list[Path],
    isolation: str,
    zygote: Zygote | None = None,
) -> AsyncKernelManager:
    """A kernel manager for one submission (not started yet), isolated as ``isolation`` says.

    With a ready ``zygote`` (:func:`start_kernel_zygote`) the sandboxed kernel is forked from
    it rather than exec'd; the sandbox is the same either way.
    """
    if isolation == "sandbox":
        from kit.grading.sandbox import SandboxedKernelManager

        return SandboxedKernelManager(
            limits=limits,
            workdir=Path(workdir),
            kernel_name=kernel_name,
            sandbox=True,
            hidden_paths=[Path(p) for p in hidden_paths],
            zygote=zygote,
        )
    if isolation != "limits_only":
        raise ValueError(f"unknown isolation mode {isolation!r}")
    km = LimitsOnlyKernelManager(kernel_name=kernel_name, transport="ipc")
    km.limits = limits
    return km


def kill_kernel(km: AsyncKernelManager) -> None:
    """Kill every process of that kernel that its manager can find, whatever it did."""
    kill = getattr(km, "kill_processes", None)
    if kill is not None:
        kill()
        return
    process = getattr(getattr(km, "provisioner", None), "process", None)
    pid = getattr(process, "pid", None)
    if pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


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


def start_kernel_zygote(isolation: str, preload: Iterable[str] = ()) -> Zygote | None:
    """Start the run's kernel zygote (it imports in the background); None without a sandbox."""
    if isolation != "sandbox":
        return None
    from kit.grading.sandbox import start_zygote
    from kit.grading.zygote import ZygoteError

    try:
        return start_zygote(list(preload))
    except ZygoteError as error:
        log.warning("%s", error)
        return None


def ready_zygote(zygote: Zygote | None, isolation: str) -> tuple[Zygote | None, tuple[str, ...]]:
    """Wait for the zygote to finish importing: it, or None with the note saying why not.

    A zygote that fails only makes kernels slower to start (each execs the launcher): the
    sandbox is the same, so this is a note, not a refusal.
    """
    if isolation != "sandbox":
        return None, ()
    from kit.grading.zygote import ZygoteError

    if zygote is None:
        return None, (_exec_note("it could not be started"),)
    try:
        zygote.wait_ready()
    except ZygoteError as error:
        zygote.close()
        return None, (_exec_note(error),)
    return zygote, (message("grading.isolation.note.zygote", lang="id"),)


def close_zygote(zygote: Zygote | None) -> tuple[str, ...]:
    """End the run's zygote; a note if it failed during the run (kernels went back to exec)."""
    if zygote is None:
        return ()
    failed = zygote.error
    zygote.close()
    return (_exec_note(f"it failed during the run: {failed}"),) if failed else ()


def _exec_note(reason: object) -> str:
    return message("grading.isolation.note.no_zygote", lang="id", reason=reason)
