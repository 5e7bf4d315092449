"""The dashboard in a real browser: Voila serves notebooks/02_dashboard.ipynb on localhost,
headless Chromium (Debian's ``chromium`` package, driven by Playwright) opens it, changes
controls as a person would, and sees the headline follow. Screenshots are saved in
``test-artifacts/`` (git-ignored) for a person to look at.

Needs /usr/bin/chromium (``make browser`` installs it); skipped with the reason otherwise.
Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("ESTIMATOR_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url() -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run `make browser` (Debian's chromium package)")
    pytest.importorskip("playwright.sync_api")
    voila = Path(sys.executable).parent / "voila"
    if not voila.exists():
        pytest.skip("voila is not installed in this environment (the notebook extra)")
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "voila.log").open("w")
    proc = subprocess.Popen(
        [str(voila), str(ROOT / "notebooks" / "02_dashboard.ipynb"), "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}; see {ARTIFACTS / 'voila.log'}")
            try:
                urllib.request.urlopen(url + "voila/static/", timeout=2)  # noqa: S310
                break
            except OSError as exc:
                if getattr(exc, "code", None) is not None:  # an HTTP answer: it serves
                    break
                if time.monotonic() > deadline:
                    pytest.fail("voila did not start serving within 90 s")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def test_dashboard_in_a_real_browser(voila_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(voila_url, timeout=120_000)
            headline = page.locator(".sse-headline .sse-fte-p50")
            headline.wait_for(timeout=120_000)  # the kernel started and the preview ran
            dash = page.locator(".sse-dashboard")
            assert page.locator(".jupyter-widgets-error-widget").count() == 0, (
                "every widget rendered")
            first = float(headline.inner_text())
            assert "Preview of" in page.locator(".sse-status").inner_text()
            page.screenshot(path=str(ARTIFACTS / "dashboard-start.png"))

            # Two people on duty: move the slider with the keyboard.
            handle = dash.locator(".sse-coverage-min-on-duty .noUi-handle")
            dash.get_by_text("Coverage and crises", exact=True).click()
            handle.focus()
            handle.press("ArrowRight")
            page.wait_for_function(
                "(before) => { const e = document.querySelector('.sse-headline .sse-fte-p50');"
                " return e && parseFloat(e.textContent) !== before; }",
                arg=first, timeout=60_000)
            more = float(headline.inner_text())
            assert more > first, "more people on duty: more FTE"

            # Stop covering weekends: tick the box off, as a person would. (With blending the
            # weekend's on-duty hours cost little and Monday clears the weekend's messages,
            # so the total may move either way: the page must answer, not move one way.)
            # Each answer numbers itself (data-update): its words may repeat to the letter
            # (the same noise, seed and seconds), so the page is watched for a new number.
            answered = int(page.locator(".sse-status .sse-preview").get_attribute("data-update"))
            weekends = dash.locator(".sse-coverage-weekends input[type=checkbox]")
            weekends.click()
            page.wait_for_function(
                "() => document.querySelector('.sse-coverage-weekends')"
                ".textContent.includes('not covered')", timeout=60_000)
            page.wait_for_function(
                "(before) => { const e = document.querySelector('.sse-status .sse-preview');"
                " return e && parseInt(e.dataset.update) > before; }",
                arg=answered, timeout=60_000)
            assert page.locator(".sse-message").inner_text().strip() == "", "no error shown"
            page.wait_for_timeout(500)  # let the browser paint the new chart
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))

            # The full run (worker processes forked from the kernel) answers too.
            dash.get_by_role("button", name="Full run").click()
            page.wait_for_function(
                "() => document.querySelector('.sse-status').textContent.includes('Full run of')",
                timeout=120_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard-full-run.png"))
        finally:
            browser.close()
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
