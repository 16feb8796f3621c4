"""A pre-imported kernel "zygote": sandboxed kernels forked in milliseconds instead of exec'd.

A plain kernel start execs a fresh Python that imports ipykernel, IPython and then pandas: about
a second of CPU per learner. The zygote is one process per ``kit grade`` run (root, started by
the grader) that imports all of that once, starts no thread and no zmq context, and then only
forks. Each child confines itself exactly as the exec launcher does (:func:`_launch.confine`:
cgroups, namespaces, hidden paths, rlimits, its own uid) and only then starts the IPython kernel
in-process on its connection file. Learner code runs only in children, never in the zygote, and
every child is a fresh copy of a zygote that never ran any: nothing passes between learners.

Grader side: :class:`Zygote` (start, :meth:`Zygote.spawn`, close) and :class:`ForkedKernel`,
the ``Popen``-like handle jupyter_client keeps. Zygote side: this file run as a script by path
(``python -P zygote.py``), so that importing it loads neither ``kit.grading`` (nbgrader) nor
anything else not asked for. Only the standard library is imported at module level.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

__all__ = ["BASE_PRELOAD", "NOT_PRELOADED", "ForkedKernel", "Zygote", "ZygoteError"]

# What every kernel imports before running a cell, plus the numeric stack of the assignments.
BASE_PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "ipykernel.debugger",
    "IPython.core.completer",
    "numpy",
    "pandas",
)
# Never preloaded: matplotlib fixes its config and cache folders (MPLCONFIGDIR) when imported,
# and would keep the zygote's, which no kernel can reach: the warnings it then prints on stderr
# would fail test cells. Each kernel imports it itself, into its own folders.
NOT_PRELOADED = ("matplotlib",)
_MAX_MESSAGE = 1 << 20
_LAUNCHER = Path(__file__).with_name("_launch.py")


class ZygoteError(RuntimeError):
    """The zygote did not start, died, or refused a request: launch kernels by exec instead."""


# ---------------------------------------------------------------------------------------------
# Grader side


def _send(sock: socket.socket, payload: dict, fds: Sequence[int] = ()) -> None:
    data = json.dumps(payload).encode()
    if fds:
        socket.send_fds(sock, [data], list(fds))
    else:
        sock.send(data)


class ForkedKernel:
    """What jupyter_client keeps of a kernel forked by the zygote (``Popen``'s interface).

    The zygote is the kernel's parent and reaps it; it reports the exit status on a socket of
    this kernel's own, so ``poll``/``wait`` never guess from a pid that could be reused. If the
    zygote itself is gone, liveness falls back to the pid.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, status: socket.socket, args: list[str]) -> None:
        self.pid = pid
        self.args = args
        self.returncode: int | None = None
        self._status: socket.socket | None = status
        status.setblocking(False)

    def _take_status(self) -> None:
        if self._status is None:
            return
        try:
            data = self._status.recv(_MAX_MESSAGE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self.returncode = os.waitstatus_to_exitcode(json.loads(data)["exit"])
        else:  # the zygote died: it can no longer report
            from kit.grading.processes import alive

            if alive(self.pid):
                return
            self.returncode = -signal.SIGKILL
        self._status.close()
        self._status = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._take_status()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            if self._status is not None:
                select.select([self._status], [], [], 0.1 if left is None else min(left, 0.1))
            else:
                time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """The grader's handle on one zygote process.

    ``Zygote.start(preload=[...], env={...})`` returns at once (the imports run meanwhile);
    :meth:`wait_ready` blocks until the zygote can fork; :meth:`spawn` forks one sandboxed
    kernel; :meth:`close` ends the zygote and whatever it still has running. Not thread-safe:
    one event loop owns it.
    """

    def __init__(
        self, process: subprocess.Popen, control: socket.socket, scratch: Path | None = None
    ) -> None:
        self.process = process
        self._control = control
        self._scratch = scratch
        self._ready = False
        self.error = ""
        self.preloaded: list[str] = []

    @classmethod
    def start(
        cls, *, preload: Iterable[str], env: Mapping[str, str], scratch: Path | None = None
    ) -> Zygote:
        """Launch the zygote; ``scratch`` (its HOME, say) is removed by :meth:`close`."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            process = subprocess.Popen(
                # -P: nothing from the grader's folder (or this one) lands on sys.path.
                [
                    sys.executable,
                    "-P",
                    __file__,
                    str(theirs.fileno()),
                    str(scratch or ""),
                    *preload,
                ],
                pass_fds=[theirs.fileno()],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                # Ctrl-C in the grader's terminal must not reach it; the grader closes it.
                start_new_session=True,
            )
        except OSError as error:
            mine.close()
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            raise ZygoteError(f"cannot start the zygote: {error}") from error
        finally:
            theirs.close()
        return cls(process, mine, scratch)

    def wait_ready(self, timeout: float = 120) -> None:
        """Block until the zygote has imported everything; :class:`ZygoteError` if it failed."""
        if self._ready:
            return
        if self.error:
            raise ZygoteError(self.error)
        self._control.settimeout(timeout)
        try:
            data = self._control.recv(_MAX_MESSAGE)
        except OSError as error:
            data = json.dumps({"error": f"no answer from the zygote: {error}"}).encode()
        reply = json.loads(data) if data else {"error": "the zygote exited while importing"}
        if "error" in reply:
            self.error = str(reply["error"])
            self.close()
            raise ZygoteError(self.error)
        self.preloaded = list(reply.get("preloaded", []))
        self._ready = True

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.error

    @staticmethod
    def can_run(kernel_cmd: Sequence[str]) -> bool:
        """Whether ``kernel_cmd`` is this interpreter's ipykernel (the only kernel it forks)."""
        return (
            len(kernel_cmd) >= 3
            and kernel_cmd[0] == sys.executable
            and list(kernel_cmd[1:3]) == ["-m", "ipykernel_launcher"]
        )

    def spawn(
        self, *, launch_options: Sequence[str], kernel_cmd: Sequence[str], env: Mapping[str, str]
    ) -> ForkedKernel:
        """Fork a kernel confined by ``launch_options`` (the exec launcher's own options)."""
        self.wait_ready()
        if not self.alive:
            raise ZygoteError(self.error or "the zygote is not running")
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        request = {
            "launch": list(launch_options),
            "kernel": list(kernel_cmd[3:]),
            "env": dict(env),
        }
        try:
            _send(self._control, request, [theirs.fileno()])
            theirs.close()
            mine.settimeout(30)
            data = mine.recv(_MAX_MESSAGE)
        except OSError as error:
            mine.close()
            self.error = f"the zygote did not answer: {error}"
            raise ZygoteError(self.error) from error
        finally:
            theirs.close()
        reply = json.loads(data) if data else {"error": "the zygote closed the request"}
        if "pid" not in reply:
            mine.close()
            raise ZygoteError(str(reply.get("error")))
        return ForkedKernel(int(reply["pid"]), mine, [*kernel_cmd])

    def close(self, timeout: float = 5) -> None:
        """End the zygote; it SIGKILLs any kernel of its own still running first."""
        with contextlib.suppress(OSError):
            self._control.close()
        if not self._ready:  # still importing, no kernel yet: nothing to wait for
            self.process.kill()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


# ---------------------------------------------------------------------------------------------
# Zygote side (this file run as a script)


def _load_launcher():
    """``_launch.py`` by path, not as ``kit.grading._launch`` (that would import nbgrader)."""
    spec = importlib.util.spec_from_file_location("kit_sandbox_launch", _LAUNCHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _preload(names: Iterable[str]) -> list[str]:
    """Import what the kernels will need; an unknown or broken module is simply skipped.

    A package of the kit itself comes with its submodules: ``kit.datasets`` imports its data
    set generators (and openpyxl with them) only on the first ``load()``, in every kernel.
    """
    done = []
    for name in names:
        if name.split(".")[0] in NOT_PRELOADED:
            continue
        if not all(part.isidentifier() for part in name.split(".")):
            continue
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the kernel will import (and fail on) it itself
            continue
        done.append(name)
        if name.split(".")[0] == "kit" and hasattr(module, "__path__"):
            import pkgutil

            submodules = [f"{name}.{info.name}" for info in pkgutil.iter_modules(module.__path__)]
            done += _preload(sorted(submodules))
    return done


def _single_threaded() -> bool:
    """No Python thread and no native one (BLAS pools, zmq I/O threads) may be forked."""
    return threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1


def _become_kernel(launch, request: dict, parent: int, inherited: list[socket.socket]) -> int:
    """In the forked child: confine, then run the IPython kernel; returns the exit status."""
    os.setsid()  # own session and process group, as jupyter_client starts kernels
    for sock in inherited:
        os.close(sock.detach())  # detach: no stale object may later close a reused fd number
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    # ipykernel exits when this pid stops being its parent: the zygote's end is the kernel's.
    os.environ.clear()
    os.environ.update(request["env"], JPY_PARENT_PID=str(parent))
    args = launch.parse(request["launch"])
    try:
        launch.confine(args)
    except launch.ConfinementError as error:
        print(error, file=sys.stderr)
        return error.code
    # The zygote's seeds are every child's: draw fresh ones (random reseeds itself at fork).
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()
    sys.dont_write_bytecode = True  # PYTHONDONTWRITEBYTECODE of the exec'd kernels
    importlib.invalidate_caches()
    sys.argv = ["ipykernel_launcher", *request["kernel"]]
    from ipykernel.kernelapp import IPKernelApp

    # Its default was read from JPY_PARENT_PID when the zygote imported ipykernel.
    IPKernelApp.launch_instance(argv=request["kernel"], parent_handle=parent)
    return 0


def _run_child(launch, request: dict, parent: int, inherited: list[socket.socket]) -> None:
    code = 1
    try:
        code = _become_kernel(launch, request, parent, inherited)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - report, then leave without unwinding into the loop
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(control_fd: int, preload: Sequence[str]) -> int:
    """The zygote's loop: fork a kernel per request, report each child's exit, end on EOF."""
    control = socket.socket(fileno=control_fd)
    try:
        launch = _load_launcher()
        preloaded = _preload([*BASE_PRELOAD, *preload])
    except Exception as error:  # noqa: BLE001 - told to the grader, which falls back to exec
        _send(control, {"error": f"zygote import failed: {error}"})
        return 1
    if not _single_threaded():
        _send(control, {"error": "a preloaded module started a thread; forking is unsafe"})
        return 1
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd is written
    children: dict[int, socket.socket] = {}
    _send(control, {"ready": True, "pid": os.getpid(), "preloaded": preloaded})
    try:
        while True:
            readable, _, _ = select.select([control, wake_read], [], [])
            if wake_read in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_read, 4096)
                _reap(children)
            if control not in readable:
                continue
            data, fds, _, _ = socket.recv_fds(control, _MAX_MESSAGE, 1)
            if not data:
                return 0  # the grader closed (or died): the finally kills what is left
            reply = socket.socket(fileno=fds[0]) if fds else None
            request = json.loads(data)
            if reply is None:
                continue
            if not _single_threaded():
                _send(reply, {"error": "the zygote is no longer single-threaded"})
                reply.close()
                continue
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_read)
                os.close(wake_write)
                inherited = [control, reply, *children.values()]
                children.clear()
                _run_child(launch, request, os.getppid(), inherited)
            del request
            children[pid] = reply
            with contextlib.suppress(OSError):
                _send(reply, {"pid": pid})
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for _ in children:
            with contextlib.suppress(ChildProcessError):
                os.wait()


def _reap(children: dict[int, socket.socket]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        reply = children.pop(pid, None)
        if reply is not None:
            with contextlib.suppress(OSError):
                _send(reply, {"exit": status})
            reply.close()


def main(argv: Sequence[str]) -> int:
    """``zygote.py CONTROL_FD SCRATCH MODULE...``; SCRATCH ("" for none) is removed at the end.

    The zygote removes it itself too, so nothing is left when the grader was SIGKILLed.
    """
    try:
        return serve(int(argv[0]), argv[2:])
    finally:
        if argv[1]:
            shutil.rmtree(argv[1], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
