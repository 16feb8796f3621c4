"""Kernels forked from one zygote share nothing, and the zygote never runs learner code.

The sandbox itself (uid, network, hidden paths, limits, clean-up) is checked for forked kernels
by ``test_grading_sandbox.py``, which runs each of its kernel tests with both launch paths.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kit.grading.kernels import notebook_imports, ready_zygote
from kit.grading.limits import Limits
from kit.grading.processes import alive as _alive
from kit.grading.sandbox import start_zygote
from kit.grading.zygote import Zygote
from tests.test_grading_sandbox import Sandbox, run, run_json

pytestmark = pytest.mark.slow
LIMITS = Limits(processes=48, file_size_mb=4)

# Everything a learner could leave behind in a kernel's memory, environment or private /tmp.
LEAVE_TRACES = """
import os, sys, types, tabnanny
import numpy as np, pandas as pd
secret_answer = 42
sys.modules['learner_helper'] = types.ModuleType('learner_helper')
pd.LEARNER_MARK = 1
pd.set_option('display.max_rows', 3)
os.environ['LEARNER'] = '1'
open('/tmp/learner.txt', 'w').write('jawaban')
print(np.random.randint(0, 2**31))
"""
LOOK_FOR_TRACES = """
import json, os, sys
import pandas as pd
print(json.dumps({
    'variable': 'secret_answer' in globals(),
    'stdlib_module': 'tabnanny' in sys.modules,
    'fake_module': 'learner_helper' in sys.modules,
    'patched_pandas': hasattr(pd, 'LEARNER_MARK'),
    'pandas_option': pd.get_option('display.max_rows'),
    'environment': 'LEARNER' in os.environ,
    'tmp_file': os.path.exists('/tmp/learner.txt'),
}))
"""
CLEAN = {
    "variable": False,
    "stdlib_module": False,
    "fake_module": False,
    "patched_pandas": False,
    "pandas_option": 60,
    "environment": False,
    "tmp_file": False,
}


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    started = start_zygote(["pandas"])
    started.wait_ready()
    yield started
    started.close()


def threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def test_kernels_forked_from_one_zygote_share_nothing(zygote: Zygote) -> None:
    first = Sandbox(LIMITS, hidden=[], zygote=zygote)
    try:
        status, drawn = run(first.kc, LEAVE_TRACES)
        assert status == "ok", drawn
        seen = run_json(first.kc, LOOK_FOR_TRACES)
        assert seen["variable"] and seen["fake_module"] and seen["patched_pandas"]
        # A second learner while the first kernel still runs, a third once it has gone.
        second = Sandbox(LIMITS, hidden=[], zygote=zygote)
        try:
            assert run_json(second.kc, LOOK_FOR_TRACES) == CLEAN
            # Random state is drawn afresh in each child, not copied from the zygote.
            assert run(second.kc, LEAVE_TRACES)[1] != drawn
        finally:
            second.close()
    finally:
        first.close()
    third = Sandbox(LIMITS, hidden=[], zygote=zygote)
    try:
        assert run_json(third.kc, LOOK_FOR_TRACES) == CLEAN
    finally:
        third.close()
    # The zygote ran none of it: still one thread, still root, still forking.
    assert zygote.alive and threads(zygote.process.pid) == 1
    assert os.stat(f"/proc/{zygote.process.pid}").st_uid == os.getuid()


def test_forked_kernel_holds_nothing_of_the_zygote(zygote: Zygote) -> None:
    box = Sandbox(LIMITS, hidden=[], zygote=zygote)
    try:
        seen = run_json(
            box.kc,
            "import json, os, socket\nkinds = []\n"
            "for fd in map(int, os.listdir('/proc/self/fd')):\n"
            "    try:\n        s = socket.socket(fileno=os.dup(fd))\n"
            "    except OSError:\n        continue\n"
            "    kinds.append(int(s.type)); s.close()\n"
            "print(json.dumps([os.getppid(), os.getsid(0) == os.getpid(), kinds,"
            " os.environ.get('JPY_PARENT_PID')]))",
        )
    finally:
        box.close()
    parent, leads_session, socket_kinds, parent_env = seen
    assert parent == zygote.process.pid == int(parent_env)
    assert leads_session  # its own session: signals to its group reach no other kernel
    # The zygote's control and status channels are SEQPACKET sockets; the kernel has only zmq's.
    assert socket_kinds and 5 not in socket_kinds  # 5: SOCK_SEQPACKET


def test_closing_the_zygote_ends_its_kernels() -> None:
    own = start_zygote()
    box = Sandbox(LIMITS, hidden=[], zygote=own)
    try:
        pid = box.km.provisioner.pid
        own.close()
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid)
    finally:
        box.close()
    assert box.km.sandbox_pids() == set()


def test_a_grader_that_dies_leaves_no_zygote_behind() -> None:
    own = start_zygote()
    own.wait_ready()
    box = Sandbox(LIMITS, hidden=[], zygote=own)
    try:
        pid, scratch = box.km.provisioner.pid, own._scratch
        own._control.close()  # what the zygote sees of a SIGKILLed grader: its socket closes
        own.process.wait(timeout=10)
        assert scratch is not None and not scratch.exists()
        assert not _alive(pid)
    finally:
        box.close()
        own.close()


def test_a_dead_zygote_falls_back_to_exec_with_a_note() -> None:
    dead = start_zygote()
    dead.process.kill()
    dead.process.wait()
    ready, notes = ready_zygote(dead, "sandbox")
    assert ready is None and "tidak dipakai" in notes[0]
    # A manager still holding it starts its kernel the old way.
    box = Sandbox(LIMITS, hidden=[], zygote=dead)
    try:
        assert not box.km.forked
        assert run(box.kc, "print(1 + 1)") == ("ok", "2\n")
    finally:
        box.close()


def test_both_launch_paths_give_a_working_confined_kernel(zygote: Zygote) -> None:
    """Exec and fork both end in a kernel that answers, under the sandbox's own uid.

    How fast each starts is measured side by side by ``benchmarks/bench_grade.py
    --kernel-starts``, not asserted here.
    """
    for launch in (None, zygote):
        box = Sandbox(LIMITS, hidden=[], zygote=launch)
        try:
            assert run(box.kc, "print(1 + 1)") == ("ok", "2\n")
            uid = run_json(box.kc, "import os, json; print(json.dumps(os.getuid()))")
            assert uid not in (0, os.getuid())
        finally:
            box.close()


def test_preload_comes_from_the_instructors_notebooks(tmp_path: Path) -> None:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("import nothing_from_markdown"),
        new_code_cell(
            "%matplotlib inline\nimport pandas as pd, numpy\nfrom kit.datasets import load"
        ),
        new_code_cell("!pip list\nfrom os import path\nfrom . import local"),
        new_code_cell("def broken(:\n    import never_parsed"),
    ]
    nbformat.write(nb, tmp_path / "tugas.ipynb")
    (tmp_path / "rusak.ipynb").write_text("{not json")
    found = notebook_imports([tmp_path / "tugas.ipynb", tmp_path / "rusak.ipynb"])
    assert found == ["pandas", "numpy", "kit.datasets", "os"]
