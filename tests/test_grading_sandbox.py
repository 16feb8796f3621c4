"""The learner-kernel sandbox holds: real kernels run hostile snippets, the host stays intact.

Every kernel test runs twice: with the kernel exec'd through the launcher, and forked from a
zygote (``kit.grading.zygote``); the sandbox must be the same either way.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from nbclient import NotebookClient

import kit.grading.sandbox as sandbox_module
from kit.grading.capabilities import LAUNCHER, probe_capabilities
from kit.grading.limits import Limits
from kit.grading.processes import UID_BASE, UID_SLOTS
from kit.grading.sandbox import (
    SandboxedKernelManager,
    SandboxUnavailable,
    kill_sandbox,
    start_zygote,
)
from kit.grading.zygote import Zygote
from tests.ci import skip_or_fail

pytestmark = pytest.mark.slow

CAPS = probe_capabilities()
LIMITS = Limits(processes=48, file_size_mb=4)
SECRET = "KIT_TEST_GRADER_SECRET"

# Skipped where the machine cannot provide them, but failed when CI=true (CI runs as root).
needs_root = pytest.mark.requires(
    CAPS.uid_dropped, reason="dropping to a sandbox uid needs root (probe: uid_dropped=False)"
)
needs_isolation = pytest.mark.requires(
    CAPS.network_isolated,
    reason="no network/mount namespace here (probe: network_isolated=False): "
    + CAPS.isolation_error,
)
needs_cgroups = pytest.mark.requires(
    CAPS.cgroups, reason="cgroup v1 pids+memory not writable here (probe: cgroups=False)"
)


def make_course(top: Path) -> dict[str, Path]:
    """A course tree laid out like nbgrader's, owned by root and world-readable (the usual)."""
    files = {
        "gradebook": top / "gradebook.db",
        "source": top / "source" / "ps1" / "ps1.ipynb",
        "peer": top / "submitted" / "peer" / "ps1" / "ps1.ipynb",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("ORIGINAL SOLUTION")
    for folder, _, names in os.walk(top):
        os.chmod(folder, 0o755)
        for name in names:
            os.chmod(os.path.join(folder, name), 0o644)
    return files


def public_tempdir() -> Path:
    """A folder any uid may enter (pytest's tmp_path sits under a 0700 folder)."""
    top = Path(tempfile.mkdtemp(prefix="kit-sandbox-test-"))
    top.chmod(0o755)
    return top


def run(kc: BlockingKernelClient, code: str, timeout: float = 60) -> tuple[str, str]:
    """Execute ``code``; return (status, stdout + error name)."""
    out: list[str] = []

    def keep(msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] == "stream":
            out.append(content["text"])
        elif msg["msg_type"] == "error":
            out.append(content["ename"])

    reply = kc.execute_interactive(code, output_hook=keep, timeout=timeout)
    return reply["content"]["status"], "".join(out)


def run_json(kc: BlockingKernelClient, code: str) -> Any:
    """Execute ``code`` whose last line prints one JSON document; return it."""
    status, out = run(kc, code)
    assert status == "ok", out
    return json.loads(out.strip().splitlines()[-1])


class Sandbox:
    """One started sandboxed kernel with a blocking client, driven from a private event loop."""

    def __init__(
        self,
        limits: Limits,
        hidden: list[Path],
        sandbox: bool = True,
        zygote: Zygote | None = None,
    ) -> None:
        if sandbox and CAPS.shortfalls():
            skip_or_fail("the sandbox cannot be set up here: " + "; ".join(CAPS.shortfalls()))
        self.top = public_tempdir()
        self.workdir = self.top / "learner"
        self.workdir.mkdir()
        (self.workdir / "ps1.ipynb").write_text("{}")
        self.loop = asyncio.new_event_loop()
        self.km = SandboxedKernelManager(
            limits=limits, workdir=self.workdir, sandbox=sandbox, hidden_paths=hidden, zygote=zygote
        )
        started = time.perf_counter()
        self.loop.run_until_complete(self.km.start_kernel())
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=30)
        self.start_seconds = time.perf_counter() - started
        assert self.km.forked == (zygote is not None and zygote.alive and sandbox)

    def close(self) -> None:
        self.kc.stop_channels()
        # Also when the kernel already died: shutdown is what removes cgroups and runtime files.
        self.loop.run_until_complete(self.km.shutdown_kernel(now=True))
        self.loop.close()
        shutil.rmtree(self.top, ignore_errors=True)


@pytest.fixture(scope="module")
def course() -> Iterator[dict[str, Path]]:
    top = public_tempdir()
    files = make_course(top / "course")
    files["root"] = top / "course"
    yield files
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    os.environ[SECRET] = "hunter2"  # must not reach the zygote either
    try:
        started = start_zygote(["pandas"])
    finally:
        del os.environ[SECRET]
    started.wait_ready()
    yield started
    started.close()


@pytest.fixture(scope="module", params=["exec", "zygote"])
def launch(request: pytest.FixtureRequest) -> Zygote | None:
    """How kernels start: exec'd through the launcher (None), or forked from the zygote."""
    return request.getfixturevalue("zygote") if request.param == "zygote" else None


@pytest.fixture(scope="module")
def box(course: dict[str, Path], launch: Zygote | None) -> Iterator[Sandbox]:
    os.environ[SECRET] = "hunter2"
    try:
        sandbox = Sandbox(LIMITS, hidden=[course["root"]], zygote=launch)
    finally:
        del os.environ[SECRET]
    yield sandbox
    sandbox.close()


def running(uid: int | None) -> set[int]:
    """Live processes of ``uid``; a zombie has ended and only waits for init to reap it."""
    pids = set()
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    pids.add(int(entry))
        except OSError:
            continue
    return pids


@needs_root
def test_probe_reports_everything_enforced_as_root() -> None:
    assert CAPS.root and CAPS.uid_dropped and CAPS.network_isolated
    assert CAPS.cgroups and CAPS.process_limit
    assert CAPS.dedicated_uid and CAPS.shortfalls() == ()
    assert any("Jaringan diputus" in note for note in CAPS.notes)
    assert any("uid tersendiri" in note for note in CAPS.notes)


@needs_root
def test_runs_as_sandbox_uid_in_workdir_with_clean_environment(box: Sandbox) -> None:
    seen = run_json(
        box.kc,
        "import os, json, resource\n"
        "print(json.dumps([os.getuid(), os.geteuid(), os.getgid(), os.getgroups(), os.getcwd(),"
        " dict(os.environ), resource.getrlimit(resource.RLIMIT_CORE),"
        " sorted(int(p) for p in os.listdir('/proc') if p.isdigit())]))",
    )
    uid, euid, gid, groups, cwd, env, core, visible_pids = seen
    assert uid == euid == box.km.sandbox_uid and uid not in (0, os.getuid())
    assert gid == uid and groups == []
    assert cwd == env["HOME"] == str(box.workdir)
    assert SECRET not in env
    assert env["MPLBACKEND"] == "Agg" and env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["IPYTHONDIR"].startswith(str(box.workdir))
    assert env["JUPYTER_CONFIG_DIR"].startswith(str(box.workdir))
    assert core == [0, 0]
    assert box.km.provisioner is not None
    assert visible_pids == [box.km.provisioner.pid]  # the host's processes are hidden from /proc
    assert box.workdir.stat().st_uid == uid


def try_course(kc: BlockingKernelClient, course: dict[str, Path]) -> dict[str, Any]:
    """From inside the kernel: list the course root, read and append to each course file."""
    return run_json(
        kc,
        "import os, json\n"
        f"paths = {json.dumps({k: str(v) for k, v in course.items()})}\n"
        "try:\n    result = {'listing': os.listdir(paths.pop('root'))}\n"
        "except OSError as e:\n    result = {'listing': type(e).__name__}\n"
        "for name, path in paths.items():\n"
        "    for mode in ('r', 'a'):\n"
        "        try:\n"
        "            with open(path, mode) as f:\n"
        "                result[name + mode] = f.read() if mode == 'r' else f.write('HACKED')\n"
        "        except OSError as e:\n"
        "            result[name + mode] = type(e).__name__\n"
        "print(json.dumps(result))",
    )


def assert_course_safe(seen: dict[str, Any], course: dict[str, Path]) -> None:
    seen = dict(seen)
    seen.pop("listing")
    assert set(seen.values()) <= {"FileNotFoundError", "PermissionError"}, seen
    for name in ("gradebook", "source", "peer"):
        assert course[name].read_text() == "ORIGINAL SOLUTION"


@needs_isolation
def test_course_under_tmp_is_invisible_and_untouched(box: Sandbox, course: dict[str, Path]) -> None:
    seen = try_course(box.kc, course)
    # The kernel has a private /tmp: the course (made under the host's /tmp) is not there at all.
    assert seen["listing"] == "FileNotFoundError"
    assert_course_safe(seen, course)


@needs_isolation
def test_hidden_paths_are_empty_and_untouched(
    course: dict[str, Path], monkeypatch: pytest.MonkeyPatch, launch: Zygote | None
) -> None:
    # Keep the host's /tmp visible, so that only hidden_paths stands between kernel and course.
    monkeypatch.setattr(sandbox_module, "PRIVATE_PATHS", ("/var/tmp", "/dev/shm"))
    box = Sandbox(LIMITS, hidden=[course["root"]], zygote=launch)
    try:
        seen = try_course(box.kc, course)
        learner_files = run_json(box.kc, "import os, json; print(json.dumps(os.listdir()))")
    finally:
        box.close()
    assert seen["listing"] == []
    assert_course_safe(seen, course)
    assert "ps1.ipynb" in learner_files


@needs_root
def test_sandbox_uid_alone_cannot_write_course(course: dict[str, Path]) -> None:
    """Even where no mount namespace hides it, the uid owns nothing of the course."""
    python = _unprivileged_python()
    if python is None:
        skip_or_fail("no Python interpreter executable by an unprivileged uid outside /root")
    targets = [str(course[name]) for name in ("gradebook", "source", "peer")]
    targets.append(str(course["peer"].parent / "new.ipynb"))
    code = (
        "import json, sys\nresult = []\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n        open(path, 'a').write('HACKED'); result.append('written')\n"
        "    except OSError as e:\n        result.append(type(e).__name__)\n"
        "print(json.dumps(result))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(LAUNCHER), f"--uid={UID_BASE + UID_SLOTS - 1}",
         "--workdir=/", "--", python, "-I", "-S", "-c", code, *targets],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["PermissionError"] * 4
    assert course["gradebook"].read_text() == "ORIGINAL SOLUTION"


@needs_isolation
def test_network_is_cut_off(box: Sandbox) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        port = server.getsockname()[1]
        seen = run_json(
            box.kc,
            "import socket, json\nresult = []\n"
            f"for address in [('1.1.1.1', 53), ('127.0.0.1', {port})]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=2).close(); result.append('open')\n"
            "    except OSError as e:\n        result.append(type(e).__name__)\n"
            "print(json.dumps(result))",
        )
        assert "open" not in seen, seen
        with pytest.raises(BlockingIOError):
            server.accept()


def test_memory_bomb_fails_and_kernel_survives(box: Sandbox) -> None:
    status, out = run(box.kc, "b = bytearray(4 * 1024**3)")
    assert status == "error" and "MemoryError" in out
    status, out = run(
        box.kc,
        "chunks = []\ntry:\n    for _ in range(256):\n"
        "        chunks.append(bytearray(64 * 1024**2))\n"
        "except MemoryError:\n    print('stopped at', len(chunks) * 64, 'MB')\n"
        "del chunks",
    )
    assert status == "ok" and "stopped at" in out
    assert int(out.split()[2]) < LIMITS.memory_mb
    assert run(box.kc, "print(1 + 1)") == ("ok", "2\n")


@needs_cgroups
def test_kernel_sits_in_its_own_limited_cgroups(box: Sandbox) -> None:
    assert box.km.provisioner is not None
    pid = box.km.provisioner.pid
    by_controller = {folder.parts[4]: folder for folder in box.km.cgroups}
    assert {"pids", "memory"} <= by_controller.keys()
    for folder in box.km.cgroups:
        assert str(pid) in (folder / "cgroup.procs").read_text().split()
    assert (by_controller["pids"] / "pids.max").read_text().strip() == str(LIMITS.processes)
    memory = int((by_controller["memory"] / "memory.limit_in_bytes").read_text())
    assert memory == LIMITS.memory_mb * 1024**2


@needs_cgroups
def test_memory_of_the_whole_sandbox_is_bounded(launch: Zygote | None) -> None:
    """RLIMIT_AS is per process; the memory cgroup bounds the kernel and its children together."""
    box = Sandbox(Limits(memory_mb=512), hidden=[], zygote=launch)
    try:
        status, out = run(
            box.kc,
            "import subprocess, sys\n"
            "hog = 'import time; b = bytearray(300 * 2**20); time.sleep(2)'\n"
            "hogs = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(3)]\n"
            "print(sorted(p.wait() for p in hogs))",
        )
        assert status == "ok", out
        codes = json.loads(out)
        assert codes[0] == -9 and codes[-1] == 0  # the OOM killer took one or two, not all
        assert run(box.kc, "print(1 + 1)") == ("ok", "2\n")
    finally:
        box.close()


def test_process_flood_is_stopped_at_the_limit(box: Sandbox) -> None:
    # Bounded on purpose: at most 500 short-lived children, never an open-ended fork bomb.
    status, out = run(
        box.kc,
        "import subprocess\nchildren = []\nerror = None\n"
        "for _ in range(500):\n"
        "    try:\n        children.append(subprocess.Popen(['sleep', '30']))\n"
        "    except OSError as e:\n        error = type(e).__name__\n        break\n"
        "for child in children:\n    child.kill()\n    child.wait()\n"
        "print(len(children), error)",
    )
    assert status == "ok", out
    started, error = out.split()
    assert 0 < int(started) <= LIMITS.processes
    assert error == "BlockingIOError"
    assert run(box.kc, "print(1 + 1)") == ("ok", "2\n")


def test_file_size_is_limited(box: Sandbox) -> None:
    size = (LIMITS.file_size_mb + 1) * 1024**2
    status, out = run(
        box.kc,
        "import errno\ntry:\n"
        f"    open('big.bin', 'wb').write(bytes({size}))\n"
        "except OSError as e:\n    print(errno.errorcode[e.errno])",
    )
    assert (status, out) == ("ok", "EFBIG\n")
    assert (box.workdir / "big.bin").stat().st_size <= LIMITS.file_size_mb * 1024**2


def test_rlimits_apply_without_sandbox() -> None:
    plain = Sandbox(LIMITS, hidden=[], sandbox=False)
    try:
        seen = run_json(
            plain.kc,
            "import os, json, resource as r\nprint(json.dumps([os.getuid()] + [r.getrlimit(x)"
            " for x in (r.RLIMIT_AS, r.RLIMIT_FSIZE, r.RLIMIT_CPU, r.RLIMIT_CORE)]))",
        )
    finally:
        plain.close()
    mib = 1024**2
    assert seen[0] == os.getuid()
    assert seen[1:] == [
        [LIMITS.memory_mb * mib] * 2,
        [LIMITS.file_size_mb * mib] * 2,
        [LIMITS.cpu_seconds, LIMITS.cpu_seconds + 5],
        [0, 0],
    ]


SPAWN_STRAYS = (
    "import subprocess, os\n"
    "subprocess.Popen(['sleep', '300'])\n"
    "subprocess.Popen(['sleep', '301'], start_new_session=True)\n"  # leaves the process group
    "subprocess.Popen(['sh', '-c', 'sleep 302 & exit'], start_new_session=True)\n"  # orphaned
)


@pytest.mark.parametrize("how", ["kill_sandbox", "shutdown"])
def test_nothing_of_the_sandbox_survives(how: str, launch: Zygote | None) -> None:
    box = Sandbox(LIMITS, hidden=[], zygote=launch)
    km = box.km
    uid, cgroups, runtime = km.sandbox_uid, km.cgroups, km.runtime_dir
    try:
        assert run(box.kc, SPAWN_STRAYS)[0] == "ok"
        time.sleep(0.3)  # let the orphaned shell exit and the sleeps start
        if uid is not None:
            assert len(running(uid)) >= 4  # kernel + three sleeps
        if how == "kill_sandbox":
            kill_sandbox(km)
            assert km.sandbox_pids() == set() and running(uid) == set()
            for folder in cgroups:
                assert (folder / "cgroup.procs").read_text() == ""
    finally:
        box.close()
    assert km.sandbox_pids() == set() and running(uid) == set()
    assert not any(folder.exists() for folder in cgroups)
    assert runtime is not None and not runtime.exists()


@needs_isolation
def test_notebook_client_runs_a_pandas_notebook_in_the_sandbox() -> None:
    """The engine's path: nbclient drives the manager in asyncio, with the default limits.

    A runaway cell is interrupted at its timeout (SIGINT reaches the sandbox uid) and the
    notebook goes on.
    """
    top = public_tempdir()
    workdir = top / "learner"
    workdir.mkdir()
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell(
            "import pandas as pd\n"
            "df = pd.DataFrame({'unit': list('abcab'), 'n': range(5)})\n"
            "df.groupby('unit').n.sum().to_csv('summary.csv')"
        ),
        cell("print(open('summary.csv').read().split())"),
        cell("while True:\n    pass"),
        cell("print('after')"),
    ]
    limits = Limits()
    km = SandboxedKernelManager(limits=limits, workdir=workdir, kernel_name="python3")

    async def grade() -> None:
        client = NotebookClient(
            nb,
            km=km,
            timeout_func=lambda c: 2 if "while" in c.source else limits.cell_timeout,
            interrupt_on_timeout=True,
            allow_errors=True,
            kernel_name="python3",
        )
        try:
            await client.async_execute()
        finally:
            # nbclient leaves a kernel manager it was given running: the caller stops it.
            await km.shutdown_kernel(now=True)

    try:
        asyncio.run(grade())
        assert nb.cells[1].outputs[0]["text"] == "['unit,n', 'a,3', 'b,5', 'c,2']\n"
        assert nb.cells[2].outputs[0]["ename"] == "KeyboardInterrupt"
        assert nb.cells[3].outputs[0]["text"] == "after\n"
        summary = workdir / "summary.csv"
        assert summary.stat().st_uid != 0 or not CAPS.uid_dropped
        assert stat.S_IMODE(summary.stat().st_mode) == 0o600
        assert km.cgroups == [] and km.sandbox_pids() == set()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _unprivileged_python() -> str | None:
    """A Python interpreter (stdlib only is enough) that the nobody user can execute."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate):
            done = subprocess.run(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", candidate, "-c",
                 "pass"], capture_output=True,
            )  # fmt: skip
            if done.returncode == 0:
                return candidate
    return None


@needs_root
def test_unprivileged_launcher_still_isolates(course: dict[str, Path]) -> None:
    """What a non-root grader gets: a user namespace without network, with hidden paths."""
    if shutil.which("setpriv") is None:
        skip_or_fail("setpriv (util-linux) is needed to run the launcher as nobody")
    python = _unprivileged_python()
    if python is None:
        skip_or_fail("no Python interpreter executable by nobody (the venv's lives under /root)")
    limit = 10
    code = (
        "import json, os, socket, subprocess\nresult = {}\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
        "except OSError as e:\n    result['net'] = e.errno\n"
        f"result['listing'] = os.listdir({str(course['root'])!r})\n"
        "children = []\n"
        "for _ in range(50):\n"
        "    try:\n        children.append(subprocess.Popen(['sleep', '30']))\n"
        "    except OSError:\n        break\n"
        "for child in children:\n    child.kill(); child.wait()\n"
        "result['children'] = len(children)\nresult['uid'] = os.getuid()\n"
        "print(json.dumps(result))"
    )
    workdir = public_tempdir()
    try:
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             python, "-I", "-S", str(LAUNCHER), "--isolate", f"--workdir={workdir}",
             f"--hide={course['root']}", f"--processes={limit}",
             "--", python, "-I", "-S", "-c", code],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["uid"] == 65534
    assert result["net"] in (101, 111)  # ENETUNREACH (loopback down) or ECONNREFUSED
    assert result["listing"] == []
    # The new user namespace counts its own tasks only: the launcher's python, then children.
    assert 0 < result["children"] < limit


# --- a sandbox that cannot be set up is refused, never weakened ---------------------------------

START_A_KERNEL = """
import asyncio, json, sys, tempfile
from pathlib import Path
from kit.grading.capabilities import probe_capabilities
from kit.grading.sandbox import SandboxedKernelManager

caps = probe_capabilities()
top = Path(tempfile.mkdtemp(prefix="kit-sandbox-test-"))
top.chmod(0o755)
(top / "learner").mkdir()
km = SandboxedKernelManager(workdir=top / "learner")
seen = {"isolated": caps.network_isolated, "cgroups": caps.cgroups}
try:
    asyncio.run(km.start_kernel())
    seen["started"] = True
    asyncio.run(km.shutdown_kernel(now=True))
except Exception as error:
    seen.update(started=False, error=type(error).__name__ + ": " + str(error))
    seen["kernel_pid"] = getattr(km.provisioner, "pid", None)
print(json.dumps(seen))
"""


def _start_a_kernel(*wrapper: str, before: str = "") -> dict[str, Any]:
    done = subprocess.run(
        [*wrapper, sys.executable, "-c", before + START_A_KERNEL],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_root
def test_no_kernel_starts_when_namespaces_cannot_be_made() -> None:
    """Root without CAP_SYS_ADMIN (a default Docker container): unshare is refused for real."""
    if shutil.which("setpriv") is None:
        skip_or_fail("setpriv (util-linux) is needed to drop CAP_SYS_ADMIN")
    seen = _start_a_kernel("setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--")
    assert seen["isolated"] is False
    assert seen["started"] is False and seen["kernel_pid"] is None
    assert seen["error"].startswith(SandboxUnavailable.__name__)
    assert (
        "namespace jaringan dan mount" in seen["error"]
        and "Operation not permitted" in seen["error"]
    )


# Made read-only after the probe found them writable, in a mount namespace of the test's own.
CGROUPS_READ_ONLY = """
import subprocess
from pathlib import Path
from kit.grading.capabilities import probe_capabilities
assert probe_capabilities().cgroups
for line in Path("/proc/self/mounts").read_text().splitlines():
    _, where, fstype, options, *_ = line.split()
    if fstype == "cgroup" and {"pids", "memory"} & set(options.split(",")):
        subprocess.run(["mount", "-o", "remount,bind,ro", where], check=True)
"""


@needs_cgroups
def test_no_kernel_starts_without_its_cgroups() -> None:
    """The probe found cgroups, then making the kernel's fails: no kernel runs without them."""
    if shutil.which("unshare") is None:
        skip_or_fail("unshare (util-linux) is needed for a mount namespace of the test's own")
    seen = _start_a_kernel(
        "unshare", "--mount", "--propagation", "private", before=CGROUPS_READ_ONLY
    )
    assert seen["cgroups"] is True
    assert seen["started"] is False and seen["kernel_pid"] is None
    assert "Read-only file system" in seen["error"]
