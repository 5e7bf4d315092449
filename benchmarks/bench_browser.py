"""The dashboard as a visitor meets it: Voila in headless Chromium (README, "Dashboard speed").

Serves a one-cell notebook that opens the dashboard on a scenario (the largest shipped one
by default) with Voila on localhost, opens it in Debian's /usr/bin/chromium driven by
Playwright, and measures:

- ``load_seconds``: from ``page.goto`` to the first headline, on a running server whose
  pre-heated kernel (``voila.json``: Voila runs the notebook in a pooled kernel before a
  visitor comes) is ready: the page, the widgets and their state; ``pool_ready_seconds``: how
  long the server takes to pre-heat it after it starts (what a visitor arriving then waits);
  ``second_visitor_load_seconds``: the same for a second visitor, once the pool has refilled;
- ``answer_seconds``: from a key press on a slider (people on duty, right then left) to the
  redrawn headline in the page (sent with the status line, whose update number changes);
- ``kernel_seconds``: the dashboard's own time for the same answers (from its status line),
  so the rest is widget traffic and the browser;
- ``memory_mb``: resident memory of Voila and its kernels (and their workers) before a
  visitor, with one visitor, and with two (the second page opened beside the first).

    python benchmarks/bench_browser.py [--scenario PATH] [--presses N]

Prints one JSON object. The machine is shared: run it once, on a quiet moment, and say the
load average with the numbers (it is in the output).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("ESTIMATOR_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": ["from estimator.app.dashboard import Dashboard\n",
                          "Dashboard(SCENARIO).widget"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}
STATUS = ".sse-status"
UPDATE = ".sse-status [data-update]"  # a number the dashboard bumps with every answer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 1e6


def _kernel_seconds(status: str) -> float | None:
    m = re.search(r"updated in ([\d.]+) s", status)
    return float(m[1]) if m else None


def _visit(browser, url: str) -> tuple:
    """A new visitor's page and its seconds from ``goto`` to the first headline (then two
    seconds for the memory to settle)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    t0 = time.perf_counter()
    page.goto(url, timeout=180_000)
    page.locator(".sse-headline .sse-fte-p50").wait_for(timeout=180_000)
    seconds = round(time.perf_counter() - t0, 2)
    time.sleep(2)
    return page, seconds


def _wait_for_pool(pid: int, log: Path, kernels: int = 1, timeout: float = 120) -> float:
    """Seconds until Voila has pre-heated its ``kernels``-th kernel (the log says the pool is
    filled) and the server's memory has settled (the notebook ran in it)."""
    t0 = time.monotonic()
    while log.read_text().count("is filled with") < kernels:
        if time.monotonic() - t0 > timeout:
            raise SystemExit("voila's kernel pool did not fill: is voila.json there?")
        time.sleep(0.25)
    last = -1.0
    while time.monotonic() - t0 < timeout:
        now = _tree_mb(pid)
        if abs(now - last) < 5:
            break
        last = now
        time.sleep(2)
    return round(time.monotonic() - t0, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "data" / "scenarios" / "enterprise.toml"))
    ap.add_argument("--presses", type=int, default=10, help="key presses to time")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    voila = Path(sys.executable).parent / "voila"
    with tempfile.TemporaryDirectory() as tmp:
        nb = Path(tmp) / "dashboard.ipynb"
        cell = NOTEBOOK["cells"][0]
        cell["source"] = [cell["source"][0], f"Dashboard({args.scenario!r}).widget"]
        nb.write_text(json.dumps(NOTEBOOK), encoding="utf-8")
        port = _free_port()
        log = (Path(tmp) / "voila.log").open("w")
        server = subprocess.Popen(
            [str(voila), str(nb), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        url = f"http://127.0.0.1:{port}/"
        out: dict = {}
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(url + "voila/static/", timeout=2)  # noqa: S310
                    break
                except OSError as exc:
                    if getattr(exc, "code", None) is not None:
                        break
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("voila did not start") from None
                    time.sleep(0.5)
            # voila.json pre-heats a kernel: a visitor meets the running server with its
            # pooled kernel ready (a visitor right after it starts would wait for the pool)
            out["pool_ready_seconds"] = _wait_for_pool(server.pid, Path(tmp) / "voila.log")
            out["memory_mb"] = {"no_visitor": round(_tree_mb(server.pid))}
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                page, out["load_seconds"] = _visit(browser, url)
                out["memory_mb"]["one_visitor"] = round(_tree_mb(server.pid))
                page.get_by_text("Coverage and crises", exact=True).click()
                handle = page.locator(".sse-coverage-min-on-duty .noUi-handle")
                answers, kernel = [], []
                for i in range(args.presses):
                    before = page.locator(UPDATE).get_attribute("data-update")
                    handle.focus()
                    t = time.perf_counter()
                    handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    page.wait_for_function(
                        "(b) => { const e = document.querySelector('.sse-status [data-update]');"
                        " return e && e.dataset.update !== b; }", arg=before, timeout=60_000)
                    answers.append(time.perf_counter() - t)
                    k = _kernel_seconds(page.locator(STATUS).inner_text())
                    if k is not None:
                        kernel.append(k)
                    page.wait_for_timeout(1500)  # let the chart after it arrive
                _wait_for_pool(server.pid, Path(tmp) / "voila.log", kernels=2)
                _, out["second_visitor_load_seconds"] = _visit(browser, url)
                out["memory_mb"]["two_visitors"] = round(_tree_mb(server.pid))
                browser.close()
            out["answer_seconds"] = {"median": round(statistics.median(answers), 3),
                                     "max": round(max(answers), 3),
                                     "all": [round(a, 3) for a in answers]}
            out["kernel_seconds_median"] = round(statistics.median(kernel), 3) if kernel else None
            mem = out["memory_mb"]
            out["memory_mb"]["per_visitor"] = round(mem["two_visitors"] - mem["one_visitor"])
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
    out.update(scenario=Path(args.scenario).name, targets={"answer_median_s": 0.5, "load_s": 5},
               cpus=os.cpu_count(), load_average_1min=round(os.getloadavg()[0], 2),
               machine=platform.processor() or platform.machine(),
               python=platform.python_version())
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
