"""Real ``estimator`` processes stopped by SIGTERM, SIGINT and SIGHUP at random moments:
nothing half-written is left in the output's parent folder and no worker outlives the run.

Each try is bounded (a few seconds of running, then the signal), so the whole file takes
about a minute on two cores.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from estimator.report import files
from tests.conftest import EXAMPLE, ROOT

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _descendants(pid: int) -> list:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(procs: list) -> list:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def _in_session(sid: int) -> list[int]:
    pids = []
    for pid in psutil.pids():
        try:
            if os.getsid(pid) == sid and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                pids.append(pid)
        except (OSError, psutil.NoSuchProcess):
            pass
    return pids


def _stop_at_random(argv: list[str], sig: int, rnd: random.Random, parent: Path,
                    wait_for_workers: bool) -> tuple[int, str, list, int]:
    """Start the command, wait until it is busy, wait a random moment, send ``sig``."""
    proc = subprocess.Popen([sys.executable, "-m", "estimator.app.cli", *argv], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    seen: list = []
    try:
        deadline = time.monotonic() + 30
        # busy: its worker pool is up (signal handlers are installed before it starts)
        while time.monotonic() < deadline and proc.poll() is None:
            kids = _descendants(proc.pid)
            seen += [k for k in kids if k.pid not in {s.pid for s in seen}]
            if kids or not wait_for_workers:
                break
            time.sleep(0.05)
        if not wait_for_workers:
            time.sleep(1.5)  # past the imports, where the handlers are installed
        end = time.monotonic() + rnd.uniform(0.0, 8.0)
        while time.monotonic() < end and proc.poll() is None:
            seen += [k for k in _descendants(proc.pid) if k.pid not in {s.pid for s in seen}]
            time.sleep(0.05)
        if proc.poll() is None:
            os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, err, seen, proc.pid


def _check_nothing_half_written(parent: Path, out: Path) -> None:
    leftovers = [p.name for p in parent.iterdir()
                 if p.name.endswith(".partial") or ".old-" in p.name]
    assert leftovers == []
    if out.exists():  # finished before the signal, or an earlier complete output
        assert (out / files.MANIFEST).exists()
        assert files.foreign_files(out) == []


def _check_no_process_left(pid: int, seen: list) -> None:
    """No process seen under the command, and none in its session (it led a new one)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (_alive(seen) or _in_session(pid)):
        time.sleep(0.1)
    assert _alive(seen) == [], [p.pid for p in _alive(seen)]
    assert _in_session(pid) == []


SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP]


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_run_stopped_by_a_signal_leaves_nothing(sig, tmp_path):
    rnd = random.Random(int(sig) * 7919)
    out = tmp_path / "out"
    argv = ["run", str(EXAMPLE), "--runs", "3000", "--jobs", "2", "--quiet", "--out", str(out)]
    status, err, seen, pid = _stop_at_random(argv, sig, rnd, tmp_path, wait_for_workers=True)
    assert seen, "the run never started its workers"
    assert status in (0, 128 + sig), err
    if status:
        lines = err.strip().splitlines()
        assert lines == [f"estimator: stopped by {signal.Signals(sig).name}; workers stopped, "
                         "no partial output left"], err
        assert not out.exists()
    _check_nothing_half_written(tmp_path, out)
    _check_no_process_left(pid, seen)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP],
                         ids=lambda s: signal.Signals(s).name)
def test_a_compare_stopped_while_writing_keeps_the_earlier_output(sig, tmp_path):
    """A compare into a folder that holds an earlier complete output: after the signal the
    earlier output is still there, whole, and nothing else is."""
    rnd = random.Random(int(sig) * 104729)
    busier = tmp_path / "busier.toml"
    busier.write_text(EXAMPLE.read_text().replace('name = "Mid-size university"',
                                                  'name = "Busier university"', 1))
    out = tmp_path / "cmp"
    argv = ["compare", str(EXAMPLE), str(busier), "--runs", "1000", "--jobs", "2", "--quiet",
            "--out", str(out)]
    first = subprocess.run([sys.executable, "-m", "estimator.app.cli", "compare", str(EXAMPLE),
                            str(busier), "--runs", "64", "--jobs", "1", "--quiet", "--out",
                            str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
              if p.is_file()}
    status, err, seen, pid = _stop_at_random(argv, sig, rnd, tmp_path, wait_for_workers=True)
    assert status in (0, 128 + sig), err
    if status:
        now = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
               if p.is_file()}
        assert now == before
    _check_nothing_half_written(tmp_path, out)
    _check_no_process_left(pid, seen)


def test_a_stale_partial_folder_of_a_killed_run_is_cleaned_up(tmp_path):
    """SIGKILL cannot be caught: its partial folder stays, and the next run removes it."""
    out = tmp_path / "out"
    argv = ["run", str(EXAMPLE), "--runs", "500", "--jobs", "1", "--quiet", "--out", str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "estimator.app.cli", *argv], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(tmp_path.glob(".out.*.partial")):
            assert proc.poll() is None, "finished before its folder could be seen"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    (stale,) = tmp_path.glob(".out.*.partial")
    assert (stale / files.PARTIAL_MARKER).exists()
    done = subprocess.run([sys.executable, "-m", "estimator.app.cli", "run", str(EXAMPLE),
                           "--runs", "32", "--jobs", "1", "--quiet", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert not stale.exists()
    _check_nothing_half_written(tmp_path, out)
