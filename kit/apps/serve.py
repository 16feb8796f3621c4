"""How the kit serves its pages: Voila for managers' dashboards, JupyterLab for everyone else.

Both listen on 127.0.0.1 only, on a fixed port that must be free (no silent move to another
port), and open no browser. Voila uses the kit's own page template (``kit/apps/voila_templates``),
which makes no request to any other host, and loads only the JupyterLab extensions that
widgets need.
"""

from __future__ import annotations

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
from collections.abc import Mapping, Sequence
from pathlib import Path

from kit.course import nbgrader_env

__all__ = [
    "PortInUseError",
    "VOILA_EXTENSIONS",
    "VOILA_READY_PATH",
    "ensure_port_free",
    "lab_command",
    "lab_env",
    "serve_demo",
    "stop",
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


class PortInUseError(RuntimeError):
    """The fixed port a server must use is taken."""


def ensure_port_free(port: int, host: str = HOST) -> None:
    """Raise ``PortInUseError`` (bilingual message) unless ``host:port`` can be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers themselves do: a port left in TIME_WAIT by a stopped server is free,
        # one another program listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUseError(
                f"Port {port} di {host} sudah dipakai program lain; hentikan program itu atau "
                f"pilih port lain. / Port {port} on {host} is already in use ({error.strerror})."
            ) from None


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
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _start(
    command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path
) -> subprocess.Popen:
    # A session of its own: Ctrl-C reaches only the kit, which then stops the server cleanly
    # (JupyterLab would otherwise stop to ask "Shutdown this Jupyter server (y/[n])?").
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
    try:
        ensure_port_free(voila_port)
        ensure_port_free(lab_port)
    except PortInUseError as error:
        print(error, file=sys.stderr)
        return 1

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
            for process in servers.values():
                stop(process)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
