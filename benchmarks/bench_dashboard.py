"""`make bench`: time the manager dashboard in a real browser at 2,000 learners, and its memory.

A synthetic course (``benchmarks.synthetic``, cached under ``build/bench``) is served with
``kit.apps.voila_command`` on ``voila_apps/dashboard_manajer.ipynb``, opened as the camat (who sees
the whole kecamatan) in headless Chromium driven by Playwright, twice:

- cold: Voila without a kernel pool; the page starts its kernel on request;
- preheated: Voila with ``preheat=True`` (pool of one kernel), once the pool kernel has finished
  its imports and waits for a viewer.

Each time it measures, from ``page.goto``, the time until the per-unit table and the unit filter
(``.widget-dropdown select``) are visible, the time a unit change takes to update the per-person
table, the time the charts tab takes to draw its three plotly charts, and the resident memory
(RSS, with its child processes) of the viewer's kernel. Results are
printed with the targets and written to ``build/bench/dashboard.json``.

    python -m benchmarks.bench_dashboard [--learners 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import SCHEMA_VERSION, ensure_course  # noqa: E402
from kit.apps import serve  # noqa: E402
from kit.competency import CompetencyFramework  # noqa: E402
from kit.core import (
    project_root,  # noqa: E402
    unit_names,  # noqa: E402
)

__all__ = ["main"]

DEFAULT_LEARNERS = 2_000
ASSIGNMENTS = 12
DASHBOARD = "dashboard_manajer.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
# As tests/test_voila_app.py launches it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The tab holding the charts (kit/data/messages.d/dashboard_manajer.yml).
CHARTS_TAB = "Grafik dan perkembangan"
# The unit chosen in the filter (a full unit of about a fifth of the class).
FILTER_UNIT = "PPS"
# The targets the dashboard is held to.
MAX_PREHEATED_SECONDS = 3.0
MAX_KERNEL_MB = 400.0
PAGE_TIMEOUT_MS = 180_000
# The pool kernel counts as warm once it has used no CPU for this long.
QUIET_SECONDS = 2.0
_ISOLATED = ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _camat(roster_path: Path) -> str:
    with roster_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["jabatan"] == "Camat":
                return row["username"]
    raise SystemExit(f"no Camat in {roster_path}: the dashboard would not show the kecamatan")


def _isolated_env(root: Path) -> dict[str, str]:
    """HOME and the Jupyter/IPython folders in ``root``, as the tests' fixtures do."""
    env = {}
    for variable in _ISOLATED:
        folder = root / variable.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


# --- processes and memory --------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc; psutil when installed)."""
    try:
        import psutil

        try:
            return [p.pid for p in psutil.Process(pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
    except ImportError:
        pass
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kernels(server_pid: int) -> list[int]:
    """The ipykernel processes Voila started, oldest first."""
    pids = [p for p in _children(server_pid) if "ipykernel" in _cmdline(p)]
    return sorted(pids, key=lambda p: _start_ticks(p))


def _start_ticks(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def _tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` and all its children."""
    return _rss_mb(pid) + sum(_rss_mb(child) for child in _children(pid))


def _cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by Voila, its kernels and the browser (this process's others)."""
    server_tree = set(_children(server_pid))
    kernels = _kernels(server_pid)
    in_kernels = set(kernels)
    for kernel in kernels:
        in_kernels.update(_children(kernel))
    browser = [p for p in _children(os.getpid()) if p != server_pid and p not in server_tree]
    return {
        "voila_server": _cpu_seconds(server_pid),
        "kernels": sum(map(_cpu_seconds, in_kernels)),
        "browser_and_playwright": sum(map(_cpu_seconds, browser)),
    }


def _wait_for_warm_kernel(server_pid: int, timeout: float = 120) -> float:
    """Seconds until the pool kernel exists and has been idle for ``QUIET_SECONDS``."""
    started = time.perf_counter()
    last_cpu, quiet_since = None, None
    while time.perf_counter() - started < timeout:
        kernels = _kernels(server_pid)
        if kernels:
            cpu = sum(_cpu_seconds(p) + sum(map(_cpu_seconds, _children(p))) for p in kernels)
            now = time.perf_counter()
            if last_cpu is None or cpu - last_cpu > 0.02:
                quiet_since = now
            elif now - quiet_since >= QUIET_SECONDS:
                return now - started - QUIET_SECONDS
            last_cpu = cpu
        time.sleep(0.25)
    raise RuntimeError(f"the pool kernel was still busy after {timeout:.0f} s")


# --- one measured page view ------------------------------------------------------------------


def _measure(
    mode: str,
    course_dir: Path,
    viewer: str,
    env_root: Path,
    log_dir: Path,
    sync_playwright,
) -> dict:
    preheat = mode == "preheated"
    apps_dir = project_root() / "voila_apps"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    isolated = _isolated_env(env_root / mode)
    env = {**serve.voila_env(course_dir), **isolated, "KIT_VIEWER": viewer}
    log_path = log_dir / f"dashboard-voila-{mode}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    row: dict = {"mode": mode}
    started = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            serve.voila_command(apps_dir / DASHBOARD, port, preheat=preheat),
            env=env,
            cwd=apps_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    seen_kernels: set[int] = set()
    try:
        serve.wait_for_http(base + serve.VOILA_READY_PATH, process, timeout=90)
        row["voila_listening_s"] = round(time.perf_counter() - started, 2)
        if preheat:
            warm = _wait_for_warm_kernel(process.pid)
            row["pool_kernel_warm_after_listening_s"] = round(warm, 2)
        before = _kernels(process.pid)
        seen_kernels.update(before)
        row["server_rss_mb_before"] = round(_rss_mb(process.pid), 1)

        chromium_home = Path(isolated["HOME"]) / "chromium"
        chromium_home.mkdir(exist_ok=True)
        names = unit_names()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                env={**os.environ, "HOME": str(chromium_home)},
            )
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="id-ID")
                cpu_before = _cpu_split(process.pid)
                opened = time.perf_counter()
                page.goto(f"{base}/", timeout=PAGE_TIMEOUT_MS)
                row["goto_returned_s"] = round(time.perf_counter() - opened, 2)
                page.wait_for_selector(".marelan-unit-table table", timeout=PAGE_TIMEOUT_MS)
                page.wait_for_selector(".widget-dropdown select", timeout=PAGE_TIMEOUT_MS)
                interactive = time.perf_counter()
                page.wait_for_selector(".marelan-person-table table", timeout=PAGE_TIMEOUT_MS)
                people_shown = time.perf_counter()
                # Where the page load's CPU time went (2 cores shared by all of them).
                cpu_after = _cpu_split(process.pid)
                row["page_load_cpu_s"] = {
                    key: round(cpu_after.get(key, 0.0) - cpu_before.get(key, 0.0), 2)
                    for key in cpu_after
                }
                row["interactive_s"] = round(interactive - opened, 2)
                row["person_table_s"] = round(people_shown - opened, 2)
                row["voila_start_to_interactive_s"] = round(interactive - started, 2)
                row["person_rows_all_units"] = page.eval_on_selector_all(
                    ".marelan-person-table tbody tr", "rows => rows.length"
                )
                row["page_html_kb"] = round(len(page.content().encode()) / 1024, 1)

                kernels = _kernels(process.pid)
                seen_kernels.update(kernels)
                # Cold: the kernel started for this page. Preheated: the pool kernel handed to
                # the page (the pool then starts a replacement, which is reported apart).
                viewer_kernel = (
                    before[0]
                    if preheat and before
                    else ([k for k in kernels if k not in before] or kernels)[0]
                )
                row["viewer_kernel_rss_mb"] = round(_tree_rss_mb(viewer_kernel), 1)
                row["other_kernels_rss_mb"] = [
                    round(_tree_rss_mb(k), 1) for k in kernels if k != viewer_kernel
                ]
                row["server_rss_mb"] = round(_rss_mb(process.pid), 1)

                label = names[FILTER_UNIT]
                chosen = time.perf_counter()
                page.select_option(".widget-dropdown select", label=label)
                page.wait_for_function(
                    "document.querySelector('.marelan-person-table h3').textContent"
                    f".includes({json.dumps(label)})",
                    timeout=PAGE_TIMEOUT_MS,
                )
                row["unit_change_s"] = round(time.perf_counter() - chosen, 2)
                row["person_rows_one_unit"] = page.eval_on_selector_all(
                    ".marelan-person-table tbody tr", "rows => rows.length"
                )
                row["viewer_kernel_rss_mb_after_change"] = round(_tree_rss_mb(viewer_kernel), 1)
                # The charts tab: plotly draws the level chart and both trends on first opening.
                opening = time.perf_counter()
                page.click(f".marelan-tabs .lm-TabBar-tab:has-text({json.dumps(CHARTS_TAB)})")
                page.wait_for_function(
                    "document.querySelectorAll('.marelan-chart .js-plotly-plot').length === 3",
                    timeout=PAGE_TIMEOUT_MS,
                )
                row["charts_drawn_s"] = round(time.perf_counter() - opening, 2)
                row["viewer_kernel_rss_mb_after_charts"] = round(_tree_rss_mb(viewer_kernel), 1)
                body = page.inner_text("body")
                row["loading_widget_left"] = "Loading widget" in body
            finally:
                browser.close()
    except Exception as error:  # noqa: BLE001 - report what was measured so far
        row["error"] = f"{type(error).__name__}: {error}"
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        print(f"[{mode}] failed: {row['error']}\n" + "\n".join(tail), file=sys.stderr)
    finally:
        seen_kernels.update(_kernels(process.pid))
        serve.stop(process)
        _reap(seen_kernels)
    return row


def _reap(pids: set[int]) -> None:
    """Kill kernels this benchmark's Voila left behind (it normally stops them itself)."""
    deadline = time.monotonic() + 10
    for pid in pids:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if Path(f"/proc/{pid}").exists() and "ipykernel" in _cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


# --- report ----------------------------------------------------------------------------------


def _status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def _targets(rows: list[dict]) -> list[dict]:
    by_mode = {row["mode"]: row for row in rows}
    warm = by_mode.get("preheated", {}).get("interactive_s")
    memory = [
        row[key]
        for row in rows
        for key in (
            "viewer_kernel_rss_mb",
            "viewer_kernel_rss_mb_after_change",
            "viewer_kernel_rss_mb_after_charts",
        )
        if row.get(key) is not None
    ]
    peak = max(memory) if memory else None
    return [
        {
            "name": f"preheated: page interactive < {MAX_PREHEATED_SECONDS:.0f} s",
            "limit": MAX_PREHEATED_SECONDS,
            "value": warm,
            "measured": "not measured" if warm is None else f"{warm:.2f} s",
            "status": _status(None if warm is None else warm < MAX_PREHEATED_SECONDS),
        },
        {
            "name": f"viewer kernel RSS < {MAX_KERNEL_MB:.0f} MB (largest seen, cold/preheated)",
            "limit": MAX_KERNEL_MB,
            "value": peak,
            "measured": "not measured" if peak is None else f"{peak:.0f} MB",
            "status": _status(None if peak is None else peak < MAX_KERNEL_MB),
        },
    ]


def _print_table(rows: list[dict], targets: list[dict]) -> None:
    columns = [
        ("mode", "mode", "{}"),
        ("voila_listening_s", "listening s", "{:.2f}"),
        ("pool_kernel_warm_after_listening_s", "pool warm s", "{:.2f}"),
        ("interactive_s", "interactive s", "{:.2f}"),
        ("person_table_s", "people s", "{:.2f}"),
        ("unit_change_s", "unit change s", "{:.2f}"),
        ("viewer_kernel_rss_mb", "kernel MB", "{:.0f}"),
        ("charts_drawn_s", "charts s", "{:.2f}"),
        ("viewer_kernel_rss_mb_after_change", "after change MB", "{:.0f}"),
        ("viewer_kernel_rss_mb_after_charts", "after charts MB", "{:.0f}"),
        ("server_rss_mb", "voila MB", "{:.0f}"),
    ]
    header = " ".join(f"{title:>15}" for _, title, _ in columns)
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = []
        for key, _, fmt in columns:
            value = row.get(key)
            cells.append(f"{'-' if value is None else fmt.format(value):>15}")
        print(" ".join(cells))
        if "error" in row:
            print(f"{'':>15} error: {row['error']}")
    print()
    for target in targets:
        print(f"{target['status']:>4}  {target['name']}: {target['measured']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_dashboard", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--learners", type=int, default=DEFAULT_LEARNERS, help="class size (default 2000)"
    )
    parser.add_argument(
        "--modes",
        default="cold,preheated",
        help="comma-separated: cold, preheated (default both)",
    )
    parser.add_argument(
        "--out", type=Path, default=project_root() / "build" / "bench", help="cache and results"
    )
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"cold", "preheated"}:
        parser.error("--modes takes cold and/or preheated")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("the playwright Python package is not installed", file=sys.stderr)
        return 2
    if not CHROMIUM.exists():
        print(f"no system Chromium at {CHROMIUM}", file=sys.stderr)
        return 2

    size = args.learners
    print(f"[{size:,} learners] preparing the course ...", flush=True)
    framework = CompetencyFramework.load()
    synthetic, build_seconds = ensure_course(args.out, size, ASSIGNMENTS, framework=framework)
    note = "cached" if build_seconds is None else f"built in {build_seconds:.1f} s"
    print(f"[{size:,} learners] {note}: {synthetic.course.gradebook_path}", flush=True)
    course_dir = synthetic.course.root
    viewer = _camat(synthetic.course.roster_path)

    rows = []
    env_root = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    # Playwright's driver and Chromium too stay out of the real home folder.
    saved = {k: os.environ.get(k) for k in (*_ISOLATED, "JUPYTER_PLATFORM_DIRS")}
    os.environ.update(_isolated_env(env_root / "benchmark"))
    try:
        for mode in modes:
            print(f"[{size:,} learners] {mode}: serving and opening the dashboard ...", flush=True)
            row = _measure(mode, course_dir, viewer, env_root, args.out, sync_playwright)
            print(f"[{size:,} learners] {mode}: {json.dumps(row)}", flush=True)
            rows.append(row)
    finally:
        for variable, value in saved.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value
        shutil.rmtree(env_root, ignore_errors=True)

    targets = _targets(rows)
    _print_table(rows, targets)
    result = {
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "learners": size,
        "assignments": ASSIGNMENTS,
        "gradebook_mb": round(synthetic.gradebook_mb, 1),
        "viewer": viewer,
        "filter_unit": FILTER_UNIT,
        "environment": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **{name: version(name) for name in ("voila", "playwright", "pandas", "ipykernel")},
        },
        "runs": rows,
        "targets": targets,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "dashboard.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nResults: {path}")
    failed = any("error" in row for row in rows) or any(t["status"] == "FAIL" for t in targets)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
