"""``kit demo`` and its servers: a busy port is said before building; no server outlives the kit.

The second test starts the real demo servers (Voila with its preheated kernels, JupyterLab with a
kernel started through its API) on free ports over a built workspace, kills the kit as a service
manager or an impatient user would, and checks that every server and kernel is gone and both
ports are free again within seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest

# A server must be gone this long after the kit is (it shuts its kernels down first).
GONE_WITHIN = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kit_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, KIT_LANG="id", PYTHONUNBUFFERED="1")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env.pop("KIT_COURSE_DIR", None)
    return env


def test_a_busy_port_is_said_before_anything_is_built(tmp_path):
    voila_port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        lab_port = taken.getsockname()[1]
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "kit.cli", "demo", "--workspace", str(tmp_path / "demo"),
             "--voila-port", str(voila_port), "--lab-port", str(lab_port)],
            capture_output=True, text=True, env=kit_env(tmp_path), timeout=60,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"Kesalahan: port {lab_port} untuk JupyterLab di 127.0.0.1")
    assert "--lab-port" in lines[0] and f"sport = :{lab_port}" in lines[0]
    assert not (tmp_path / "demo").exists(), "the demo was built although it could not be served"
    assert seconds < 15, f"refused after {seconds:.1f} s"


class _JupyterLike(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = json.dumps({"version": "2.0.0"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_jupyter_server_left_on_the_port_is_named_as_such(tmp_path):
    from kit.apps import PortInUseError, ensure_port_free

    server = ThreadingHTTPServer(("127.0.0.1", 0), _JupyterLike)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(PortInUseError, match="server Jupyter lain") as caught:
            ensure_port_free(server.server_port, service="Voila", option="--voila-port")
        assert "--voila-port" in caught.value.hint
    finally:
        server.shutdown()
        server.server_close()


def test_the_same_port_twice_is_refused(tmp_path):
    from kit.apps import PortInUseError
    from kit.demo import run_demo

    port = free_port()
    with pytest.raises(PortInUseError, match="port yang sama"):
        run_demo(tmp_path / "demo", voila_port=port, lab_port=port)
    assert not (tmp_path / "demo").exists()


# --- the servers end with the kit ---------------------------------------------------------


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _listeners(port: int) -> list[int | None]:
    """Processes listening on ``port`` (None where the process cannot be told)."""
    return [
        c.pid
        for c in psutil.net_connections("tcp")
        if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
    ]


def _read_until(stream, needle: str, timeout: float, seen: list[str]) -> str:
    """The first line of ``stream`` holding ``needle``; every line read is kept in ``seen``."""
    found: list[str] = []

    def read():
        for line in stream:
            seen.append(line)
            if needle in line:
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert found, f"no line with {needle!r} within {timeout} s:\n{''.join(seen)}"
    return found[0]


def _start_lab_kernel(lab_port: int, token: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{lab_port}/api/kernels",
        data=json.dumps({"name": "python3"}).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201


@pytest.fixture(scope="module")
def demo_workspace(demo_course, tmp_path_factory):
    """A copy of a built demo workspace, for ``kit demo --reuse``."""
    target = tmp_path_factory.mktemp("demo-serve") / "demo"
    shutil.copytree(demo_course.root.parent, target, ignore=shutil.ignore_patterns("log"))
    return target


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["sigkill-kit", "sigterm-then-sigkill-group"])
def test_no_server_or_kernel_outlives_the_kit(ending, demo_workspace, tmp_path):
    voila_port, lab_port = free_port(), free_port()
    kit = subprocess.Popen(
        [sys.executable, "-m", "kit.cli", "demo", "--reuse", "--workspace", str(demo_workspace),
         "--voila-port", str(voila_port), "--lab-port", str(lab_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=kit_env(tmp_path),
        start_new_session=True,  # its own process group, as `make demo` has in a terminal
    )  # fmt: skip
    seen: list[str] = []
    family: list[psutil.Process] = []
    try:
        # Printed once both servers answer HTTP.
        line = _read_until(kit.stdout, f"127.0.0.1:{lab_port}/lab?token=", 180, seen)
        token = line.split("token=", 1)[1].strip()
        _start_lab_kernel(lab_port, token)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            family = psutil.Process(kit.pid).children(recursive=True)
            kernels = [p for p in family if "ipykernel_launcher" in " ".join(p.cmdline())]
            # Voila preheats one kernel per page; JupyterLab runs the one just started.
            if len(kernels) >= 2:
                break
            time.sleep(0.5)
        commands = [" ".join(p.cmdline()) for p in family]
        assert any("voila" in c for c in commands), commands
        assert any("jupyterlab" in c for c in commands), commands
        assert len(kernels) >= 2, commands

        if ending == "sigkill-kit":
            kit.kill()
        else:  # what stopping `make demo` hard does: TERM to the group, KILL 3 s later
            os.killpg(kit.pid, signal.SIGTERM)
            time.sleep(3)
            os.killpg(kit.pid, signal.SIGKILL)
        kit.wait(timeout=30)
        deadline = time.monotonic() + GONE_WITHIN
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.5)
        survivors = [" ".join(p.cmdline()) for p in family if _alive(p)]
        assert not survivors, f"outlived the kit ({ending}): {survivors}"
        # Nobody listens there any more. (A bind test could fail for a reason unrelated to the
        # kit: other programs' outgoing connections may take these ephemeral port numbers.) A
        # socket can outlast its process by a moment while the kernel tears the process down.
        while time.monotonic() < deadline and (_listeners(voila_port) or _listeners(lab_port)):
            time.sleep(0.5)
        assert not _listeners(voila_port) and not _listeners(lab_port)
    finally:
        for process in [*family, psutil.Process(kit.pid) if kit.poll() is None else None]:
            if process is not None and _alive(process):
                process.kill()
        kit.wait(timeout=30)
