"""What the browser tests share: Voila served as ``kit demo`` serves it, and headless Chromium.

Each Voila page is served for real with ``kit.apps.serve.voila_command`` and opened in the system
Chromium through Playwright; every request the page makes is recorded so a test can prove the
page stayed on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from kit.apps import serve
from tests.ci import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = ROOT / "voila_apps"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
NAVIGATION_TIMEOUT_MS = 180_000
ACTION_TIMEOUT_MS = 90_000


def playwright_or_skip():
    """Playwright's ``sync_playwright``, or a skip (a failure when CI=true) without a browser."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the playwright Python package is not installed"
    if reason is None and not CHROMIUM.exists():
        reason = f"no system Chromium at {CHROMIUM}"
    if reason:
        skip_or_fail(f"browser test: {reason}")
    return sync_playwright


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


def foreign_requests(urls: list[str]) -> list[str]:
    """The URLs that left 127.0.0.1. ``blob:`` and ``data:`` URLs are the page's own memory
    (plotly and the Excel download make them); a blob still names its origin, which must be
    local."""
    foreign = []
    for url in urls:
        if url.startswith("data:"):
            continue
        target = url.removeprefix("blob:")
        if urlparse(target).hostname != LOCAL_HOST:
            foreign.append(url)
    return foreign


@dataclass
class VoilaServer:
    base: str
    started: float
    listening: float
    log: Path


@contextlib.contextmanager
def served_voila(
    notebook: Path,
    course_root: Path,
    viewer: str,
    tmp_path: Path,
    *,
    preheat: bool = False,
    artifact_log: str = "voila.log",
    extra_env: dict[str, str] | None = None,
) -> Iterator[VoilaServer]:
    """Serve ``notebook`` (or a folder of them) for ``viewer`` on a free port, then stop it.

    The server's log is printed when it fails to start and kept under ``test-artifacts/``.
    """
    port = free_port()
    env = {**serve.voila_env(course_root), "KIT_VIEWER": viewer, **(extra_env or {})}
    env.pop("JUPYTERHUB_USER", None)
    log_path = tmp_path / artifact_log
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            serve.voila_command(notebook, port, preheat=preheat),
            env=env,
            cwd=notebook if notebook.is_dir() else notebook.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://{LOCAL_HOST}:{port}"
        serve.wait_for_http(base + serve.VOILA_READY_PATH, process, timeout=60)
        yield VoilaServer(base, started, time.perf_counter() - started, log_path)
    except RuntimeError:
        print(log_path.read_text())
        raise
    finally:
        serve.stop(process)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log_path, ARTIFACTS / artifact_log)


@dataclass
class BrowserPage:
    page: object  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)


@contextlib.contextmanager
def chromium_page(sync_playwright, tmp_path: Path, width: int = 1400) -> Iterator[BrowserPage]:
    """A fresh headless Chromium page recording every request and websocket it opens."""
    home = tmp_path / "chromium-home"
    home.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": str(home)},
        )
        try:
            page = browser.new_page(
                viewport={"width": width, "height": 1000}, locale="id-ID", accept_downloads=True
            )
            # A cold Voila page returns only once its kernel has run the notebook: on a busy
            # shared machine that can take far longer than Playwright's 30 s default. These
            # tests check behaviour; speed is measured in benchmarks/.
            page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
            page.set_default_timeout(ACTION_TIMEOUT_MS)
            opened = BrowserPage(page)
            page.on("request", lambda request: opened.requests.append(request.url))
            page.on("websocket", lambda socket_: opened.requests.append(socket_.url))
            yield opened
        finally:
            browser.close()


def save_screenshot(page, name: str, width: int = 1400) -> Path:
    """A full-page screenshot under ``test-artifacts/`` (Voila scrolls in its own container)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    height = page.evaluate(
        "(document.querySelector('#rendered_cells') || document.body).scrollHeight"
    )
    page.set_viewport_size({"width": width, "height": max(1000, int(height) + 40)})
    page.screenshot(path=str(path), full_page=True)
    return path
