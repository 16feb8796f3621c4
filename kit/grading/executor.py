"""Run one sanitized notebook in a (sandboxed) kernel, with the limits the engine owns.

Time per cell (interrupt, as nbgrader does), time per notebook (kill the sandbox), output bytes
(truncated while they arrive, so a flood never grows the grader's memory), the guard before every
test cell, and nbgrader's own rule that a failed ``execute_reply`` is an error even when the
learner suppressed the traceback. Built on nbclient, as nbgrader's ``Execute`` is.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils

from kit.core import message
from kit.grading.guard import GUARD_EXPRESSION, SNAPSHOT_EXPRESSION
from kit.grading.kernels import kill_kernel
from kit.grading.limits import Limits

__all__ = ["ExecutionOutcome", "execute_notebook", "is_test_cell", "fail_cell"]

# nbgrader's Execute preprocessor uses these for a cell that times out.
_TIMEOUT_ERROR = {
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
}
_GUARD_TIMEOUT = 10.0
_PROBE_GRACE = 5.0


@dataclass
class ExecutionOutcome:
    """What happened to one notebook's execution."""

    state: str = "completed"  # completed | kernel_died | timed_out | error
    flags: list[str] = field(default_factory=list)
    cells_run: int = 0
    guard_repairs: list[str] = field(default_factory=list)
    detail: str = ""


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograded test cell (code grade cell that is not an answer)."""
    return (
        cell.get("cell_type") == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell)
    )


def fail_cell(cell: NotebookNode, ename: str, evalue: str) -> None:
    """Give a test cell an error output: nbgrader then scores it 0."""
    cell.outputs = [
        NotebookNode(
            output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
        )
    ]


class _BoundedClient(NotebookClient):
    """nbclient that keeps at most ``output_budget`` bytes of output per notebook.

    Errors and ``execute_result`` are always kept (they decide the score); a cut stream keeps a
    short stub of the same name, because an ``stderr`` stream alone fails a test cell in nbgrader.
    """

    output_budget: int = 1_000_000
    output_seen: int = 0
    truncated: bool = False

    def output(self, outs, msg, display_id, cell_index):  # noqa: D102 - nbclient hook
        msg_type = msg["msg_type"]
        content = msg.get("content", {})
        if msg_type == "stream":
            size = len(content.get("text", "").encode("utf-8", "replace"))
        elif msg_type in ("display_data", "update_display_data"):
            size = len(json.dumps(content.get("data", {}), default=str))
        elif msg_type == "error":
            tb = content.get("traceback") or []
            if sum(len(line) for line in tb) > 20_000:
                content["traceback"] = [line[:2_000] for line in tb[:20]] + ["..."]
                self.truncated = True
            return super().output(outs, msg, display_id, cell_index)
        elif msg_type == "execute_result":
            data = content.get("data", {})
            for mime in list(data):
                if mime != "text/plain" and len(str(data[mime])) > 100_000:
                    del data[mime]
                    self.truncated = True
            if len(str(data.get("text/plain", ""))) > 100_000:
                data["text/plain"] = str(data["text/plain"])[:100_000]
                self.truncated = True
            return super().output(outs, msg, display_id, cell_index)
        else:
            return super().output(outs, msg, display_id, cell_index)
        remaining = self.output_budget - self.output_seen
        if size <= remaining:
            self.output_seen += size
            return super().output(outs, msg, display_id, cell_index)
        self.truncated = True
        self.output_seen = self.output_budget
        if msg_type != "stream":
            return None
        name = content.get("name", "stdout")
        note = message("grading.output.truncated")
        if any(
            o.get("output_type") == "stream" and o.get("name") == name and note in o.get("text", "")
            for o in outs
        ):
            return None
        text = content.get("text", "")
        content["text"] = text[: max(remaining, 0)] + f"\n{note}\n"
        return super().output(outs, msg, display_id, cell_index)

    def on_cell_executed_hook(self, cell: NotebookNode, reply: dict) -> None:
        """nbgrader's Execute.on_cell_executed: an error reply always leaves an error output."""
        content = reply["content"]
        if content.get("status") != "error":
            return
        for output in cell.outputs:
            if output.output_type == "error" and output.get("ename") == content.get("ename"):
                return
        traceback = content.get("traceback") or [
            "ERROR: An error occurred while showtraceback was disabled"
        ]
        cell.outputs.append(
            NotebookNode(
                output_type="error",
                ename=content.get("ename", "Error"),
                evalue=content.get("evalue", ""),
                traceback=traceback,
            )
        )


async def _user_expression(kc, expression: str, timeout: float) -> str | None:
    """Evaluate ``expression`` silently in the kernel; its repr, or None without a reply."""
    msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"kit": expression})
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            return None
        try:
            reply = await kc.get_shell_msg(timeout=left)
        except Exception:  # queue.Empty: no reply in time
            return None
        if reply["parent_header"].get("msg_id") != msg_id:
            continue
        value = reply["content"].get("user_expressions", {}).get("kit", {})
        if value.get("status") != "ok":
            return "guard_failed"
        text = value.get("data", {}).get("text/plain", "''")
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return text


async def execute_notebook(
    nb: NotebookNode,
    *,
    km: AsyncKernelManager,
    limits: Limits,
    workdir: Path,
    skip: set[int] = frozenset(),
    on_kernel_started: Callable[[], None] | None = None,
) -> ExecutionOutcome:
    """Execute ``nb`` in place (outputs filled as nbgrader's Execute would) and say how it went."""
    outcome = ExecutionOutcome()
    client = _BoundedClient(
        nb,
        km=km,
        timeout=max(1, int(limits.cell_timeout)),
        allow_errors=True,
        interrupt_on_timeout=True,
        raise_on_iopub_timeout=True,
        error_on_timeout=_TIMEOUT_ERROR,
        startup_timeout=60,
        extra_arguments=["--HistoryManager.hist_file=:memory:"],
        resources={"metadata": {"path": str(workdir)}},
    )
    client.output_budget = int(limits.output_bytes)
    executed: set[int] = set()

    async def run() -> None:
        await client.async_start_new_kernel(cwd=str(workdir))
        await client.async_start_new_kernel_client()
        if on_kernel_started:
            on_kernel_started()
        snapshot = await _user_expression(client.kc, SNAPSHOT_EXPRESSION, _GUARD_TIMEOUT)
        if snapshot != "ok":
            outcome.flags.append("guard_unavailable")
        for index, cell in enumerate(nb.cells):
            if index in skip or cell.get("cell_type") != "code":
                continue
            if is_test_cell(cell):
                repairs = await _user_expression(client.kc, GUARD_EXPRESSION, _GUARD_TIMEOUT)
                if repairs is None:
                    raise _Runaway()
                if repairs:
                    outcome.guard_repairs.extend(r for r in repairs.split(",") if r)
            try:
                await client.async_execute_cell(cell, index, store_history=True)
            except CellTimeoutError:
                # The interrupt did not bring the kernel back (KeyboardInterrupt swallowed).
                raise _Runaway() from None
            executed.add(index)
            outcome.cells_run += 1
            reply_error = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if any(o.get("ename") == "CellTimeoutError" for o in reply_error):
                if "cell_timeout" not in outcome.flags:
                    outcome.flags.append("cell_timeout")
                # Is the kernel idle again? If the learner swallows the interrupt it never is.
                probe = await _user_expression(client.kc, "'ok'", _PROBE_GRACE)
                if probe is None:
                    raise _Runaway()

    def patch_hook() -> None:
        async def hook(cell, cell_index, execute_reply, **_):
            client.on_cell_executed_hook(cell, execute_reply)

        client.on_cell_executed = hook

    patch_hook()
    try:
        await asyncio.wait_for(run(), timeout=limits.notebook_timeout)
    except TimeoutError:
        outcome.state = "timed_out"
        outcome.detail = "notebook_timeout"
    except _Runaway:
        outcome.state = "timed_out"
        outcome.detail = "interrupt_ignored"
    except DeadKernelError:
        outcome.state = "kernel_died" if outcome.cells_run else "error"
        outcome.detail = "kernel_died"
    except Exception as error:  # kernel failed to start, channel broken, ...
        outcome.state = "kernel_died" if outcome.cells_run else "error"
        outcome.detail = f"{type(error).__name__}: {error}"[:300]
    finally:
        await _stop(client, km)
    if client.truncated:
        outcome.flags.append("output_truncated")
    if outcome.state != "completed":
        # Tests that never ran score 0, with the reason in the learner's feedback.
        key = {
            "timed_out": "grading.cell.not_run_timeout",
            "kernel_died": "grading.cell.not_run_died",
            "error": "grading.cell.not_run_died",
        }[outcome.state]
        for index, cell in enumerate(nb.cells):
            if index not in executed and index not in skip and is_test_cell(cell):
                fail_cell(cell, "TidakDijalankan", message(key, lang="id"))
    return outcome


class _Runaway(Exception):
    """The kernel ignores interrupts: only killing its sandbox stops it."""


async def _stop(client: NotebookClient, km: AsyncKernelManager) -> None:
    # Kill first: a learner may have left processes behind, or be ignoring signals. Stopping
    # must never fail the batch, hence every step on its own.
    with contextlib.suppress(Exception):
        kill_kernel(km)
    if client.kc is not None:
        with contextlib.suppress(Exception):
            client.kc.stop_channels()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(km.shutdown_kernel(now=True), timeout=10)
