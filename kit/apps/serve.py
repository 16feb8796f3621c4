"""How the kit serves its pages: Voila for managers' dashboards, JupyterLab for everyone else.

Both listen on 127.0.0.1 only, on a fixed port that must be free (no silent move to another
port; ``check_ports`` says which is taken before anything is built), and open no browser. They
never outlive the kit that started them: on Linux each is told by the kernel to stop when the kit
dies, however it dies (``prctl(PR_SET_PDEATHSIG)``), and its kernels follow their server
(ipykernel's parent poller). Voila uses the kit's own page template (``kit/apps/voila_templates``),
which makes no request to any other host, and loads only the JupyterLab extensions that
widgets need.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from kit.core import SetupError, message
from kit.course import nbgrader_env

__all__ = [
    "PortInUseError",
    "check_ports",
    "VOILA_EXTENSIONS",
    "VOILA_READY_PATH",
    "ensure_port_free",
    "lab_command",
    "lab_env",
    "serve_demo",
    "stop",
    "stop_all",
    "voila_command",
    "voila_env",
    "wait_for_http",
]

HOST = "127.0.0.1"
VOILA_TEMPLATE = "marelan"
# A Jupyter data directory (put on JUPYTER_PATH) holding voila/templates/marelan.
JUPYTER_DATA_DIR = Path(__file__).resolve().parent / "voila_templates"
# The only JupyterLab extensions a dashboard page loads: ipywidgets, Voila's widget manager and
# plotly's renderer (it ships plotly.js, so charts draw offline). Everything else installed
# (nbgrader's, notebook's, pygments...) stays out of the page.
VOILA_EXTENSIONS = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "jupyterlab-plotly",
)
# A small static file: a readiness probe that does not start a kernel, unlike a dashboard page.
VOILA_READY_PATH = "/voila/static/voila.js"
# JupyterLab user settings the kit sets: Indonesian interface, and no question about (or fetching
# of) Jupyter's news feed, which would reach the internet.
LAB_SETTINGS = {
    "@jupyterlab/translation-extension/plugin": {"locale": "id_ID"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


class PortInUseError(SetupError, RuntimeError):
    """The fixed port a server must use is taken (or asked for twice)."""


def _jupyter_answers(port: int, host: str) -> bool:
    """Whether a Jupyter server (Lab or Voila, e.g. left by an earlier demo) answers there."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api", timeout=1) as response:
            return b'"version"' in response.read(200)
    except (OSError, ValueError):
        return False


def ensure_port_free(
    port: int, host: str = HOST, service: str = "server", option: str = "--port"
) -> None:
    """Raise ``PortInUseError`` unless ``host:port`` can be listened on.

    The message names the ``service`` meant for the port and the command-line ``option`` that
    chooses another one.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers themselves do: a port left in TIME_WAIT by a stopped server is free,
        # one another program listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            return
        except OSError:
            pass
    key = "serve.port_busy_jupyter" if _jupyter_answers(port, host) else "serve.port_busy"
    raise PortInUseError(
        message(key, port=port, host=host, service=service),
        hint=message("serve.port_busy_hint", port=port, option=option),
    )


def check_ports(voila_port: int, lab_port: int, host: str = HOST) -> None:
    """Both demo ports usable, said before anything is built: ``PortInUseError`` otherwise."""
    if voila_port == lab_port:
        raise PortInUseError(
            message("serve.same_port", port=voila_port), hint=message("serve.same_port_hint")
        )
    ensure_port_free(voila_port, host, "Voila", "--voila-port")
    ensure_port_free(lab_port, host, "JupyterLab", "--lab-port")


def voila_command(notebook: Path, port: int, *, preheat: bool = False, ip: str = HOST) -> list[str]:
    """Command serving ``notebook`` (a file, or a folder of dashboards) with Voila.

    Run it with ``voila_env()`` as environment: the kit's template is found through
    ``JUPYTER_PATH``. ``preheat`` keeps one kernel per notebook started and its imports done, so a
    page opens quickly; the dashboards then wait for a viewer before reading data.
    """
    command = [
        sys.executable,
        "-m",
        "voila",
        str(Path(notebook).resolve()),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
        f"--template={VOILA_TEMPLATE}",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in VOILA_EXTENSIONS),
        "--VoilaExporter.language_code=id",
    ]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    return command


def voila_env(
    course_dir: Path | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for ``voila_command``: the kit's template path and the course to show."""
    env = dict(os.environ if base is None else base)
    paths = [str(JUPYTER_DATA_DIR), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    if course_dir is not None:
        env["KIT_COURSE_DIR"] = str(Path(course_dir).resolve())
    return env


def lab_command(root_dir: Path, port: int, token: str) -> list[str]:
    """Command starting JupyterLab on ``root_dir``; run it with ``cwd=root_dir`` (see lab_env)."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={Path(root_dir).resolve()}",
        "--no-browser",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        # Offline by default: no news feed, no update check, no extension search on PyPI.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab_env(workspace: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for JupyterLab: nbgrader's tools on PATH and the kit's user settings.

    The settings (``LAB_SETTINGS``) are written to ``workspace/.jupyterlab-settings``, and
    JUPYTERLAB_SETTINGS_DIR points there, so nothing goes to the user's home.
    """
    settings_dir = Path(workspace).resolve() / ".jupyterlab-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        if path.exists():  # a choice made later in the settings editor wins
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
    env = nbgrader_env() if base is None else dict(base)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
    return env


def wait_for_http(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> float:
    """Poll ``url`` until it answers HTTP 200; return the seconds waited.

    Raises ``RuntimeError`` when ``process`` exits first or the time runs out.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a server to shut down (SIGTERM: it stops its kernels), then kill it if it hangs."""
    stop_all([process], timeout)


def stop_all(processes: Iterable[subprocess.Popen], timeout: float = 15) -> None:
    """``stop`` several servers at once: all are asked together, so the waits do not add up."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# linux/prctl.h
_PR_SET_PDEATHSIG = 1


def _end_with_this_process() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child receive SIGTERM when this process dies (Linux).

    However the kit ends (Ctrl-C, SIGTERM, SIGKILL of the kit or of its process group), the
    kernel then stops the server, which shuts its kernels down. Elsewhere there is no such
    guarantee and the kit stops its servers itself on the way out.
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here: the child only calls into it
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the kit died between fork and prctl: nobody to serve
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _start(
    command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path
) -> subprocess.Popen:
    # A session of its own: Ctrl-C in the terminal reaches only the kit, which then stops the
    # server cleanly (JupyterLab would otherwise stop to ask "Shutdown this Jupyter server
    # (y/[n])?"). The session does not let the server outlive the kit: see
    # _end_with_this_process.
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as output:
        return subprocess.Popen(
            list(command),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_this_process(),
        )


def _tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def serve_demo(
    workspace: Path,
    course_dir: Path,
    apps_dir: Path,
    voila_port: int = 8866,
    lab_port: int = 8888,
    viewer: str | None = None,
) -> int:
    """Serve the dashboards in ``apps_dir`` and JupyterLab on ``workspace`` until Ctrl-C.

    On a single machine the dashboards show what ``viewer`` (``KIT_VIEWER``) may see.

    The servers' own output goes to ``workspace/log/`` so that the terminal shows only the
    addresses; the end of a log is printed when its server fails.
    """
    workspace, course_dir, apps_dir = (Path(p).resolve() for p in (workspace, course_dir, apps_dir))
    # Checked again: a port may have been taken while the demo was being built.
    check_ports(voila_port, lab_port)

    # A service manager stops the kit with SIGTERM: shut down the servers as for Ctrl-C.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    token = secrets.token_urlsafe(24)
    logs = {"Voila": workspace / "log" / "voila.log", "JupyterLab": workspace / "log" / "lab.log"}
    env = voila_env(course_dir)
    if viewer:
        env["KIT_VIEWER"] = viewer
    voila = _start(
        voila_command(apps_dir, voila_port, preheat=True),
        env,
        cwd=apps_dir,
        log=logs["Voila"],
    )
    # formgrader reads nbgrader_config.py from the folder the server was started in.
    lab = _start(
        lab_command(workspace, lab_port, token),
        lab_env(workspace),
        cwd=workspace,
        log=logs["JupyterLab"],
    )
    servers = {"Voila": voila, "JupyterLab": lab}
    try:
        wait_for_http(f"http://{HOST}:{voila_port}{VOILA_READY_PATH}", voila)
        wait_for_http(f"http://{HOST}:{lab_port}/api/status?token={token}", lab)
        print()
        for notebook in sorted(apps_dir.glob("*.ipynb")):
            print(f"Dasbor / dashboard:  http://{HOST}:{voila_port}/voila/render/{notebook.name}")
        print(f"JupyterLab:          http://{HOST}:{lab_port}/lab?token={token}")
        if viewer:
            print(f"Dasbor dibuka sebagai / viewer: {viewer} (KIT_VIEWER)")
        print(f"Log server / logs:   {logs['Voila'].parent}")
        print("Tekan Ctrl-C untuk berhenti. / Press Ctrl-C to stop.")
        while all(p.poll() is None for p in servers.values()):
            time.sleep(0.5)
        name = next(n for n, p in servers.items() if p.poll() is not None)
        print(f"{name} berhenti sendiri. / {name} stopped unexpectedly.", file=sys.stderr)
        print(_tail(logs[name]), file=sys.stderr)
        return 1
    except RuntimeError as error:
        print(f"Server gagal dimulai. / A server failed to start: {error}", file=sys.stderr)
        for log in logs.values():
            print(f"--- {log} ---\n{_tail(log)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nMenghentikan server... / stopping the servers...")
        return 0
    finally:
        # No second interruption while the servers shut their kernels down.
        for sig in handlers:
            signal.signal(sig, signal.SIG_IGN)
        try:
            stop_all(servers.values())
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
