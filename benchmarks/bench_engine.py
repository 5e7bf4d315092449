"""Speed and memory of the engine, run on demand (``make benchmark``); results go in the README.

Hosts differ by about 2x from day to day and the project's machine is shared, so every time
is reported as a ratio to a yardstick measured in the same process, in the same rounds:
numpy drawing one Poisson count per run-hour (10,000 x 8,736, chunked, one core). Each round
measures the yardstick, then the model; the report gives the median ratio over the rounds
and the ratio of the fastest times, with the load average before and after.

Measured, on the largest shipped scenario and on ``benchmarks/full_programme.toml`` (a
full programme larger than any shipped scenario):

- 10,000 runs in one process (target: at most 1.0x the yardstick) and on 2 worker
  processes (target: 0.5x);
- 1,000 runs in one process (target: 0.25 s on a quiet 2-core machine);
- peak memory at 100,000 runs (target: under 1 GB), in a child process, with and without
  ``--out`` (``--full`` only: several minutes);
- ``estimator run data/scenarios/university.toml --runs 5000 --out DIR``: the simulation and
  the files of ``--out`` (2 workers), each timed (target: the files in a few seconds);
- a straightforward per-hour Python loop of the same on-duty model on one run, which must
  give the same on-duty hours as the engine (a cross-check as much as a yardstick).

    python benchmarks/bench_engine.py [--scenario PATH ...] [--rounds N] [--full] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.reference_loop import naive_on_duty_hours  # noqa: E402
from estimator import __version__, load_scenario  # noqa: E402
from estimator.engine.calendar import HOURS  # noqa: E402
from estimator.engine.runner import simulate  # noqa: E402

#: A full programme larger than any shipped scenario (12+ roles, 4 pooled queues, 3 crisis
#: classes, today's staff, coverage that is not 24/7).
FULL_PROGRAMME = ROOT / "benchmarks" / "full_programme.toml"


def largest_scenario() -> Path:
    """The shipped scenario with the most channels (then the most content formats)."""
    paths = sorted((ROOT / "data" / "scenarios").glob("*.toml"))
    return max(paths, key=lambda p: (len(load_scenario(p).channels), len(load_scenario(p).content)))


def seconds(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def poisson_yardstick(runs: int = 10_000) -> None:
    """numpy drawing one Poisson count per run-hour, chunked like the engine, one core."""
    rng = np.random.default_rng(0)
    lam = np.full(HOURS, 2.0)
    for start in range(0, runs, 500):
        rng.poisson(lam, size=(min(500, runs - start), HOURS))


def ratios(rounds: int, measures: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Each round: the yardstick, then every measure; ratios to that round's yardstick."""
    times: dict[str, list[float]] = {"yardstick": [], **{k: [] for k in measures}}
    for _ in range(rounds):
        times["yardstick"].append(seconds(poisson_yardstick))
        for name, fn in measures.items():
            times[name].append(seconds(fn))
    out: dict[str, object] = {"yardstick_s": [round(t, 3) for t in times["yardstick"]]}
    for name in measures:
        per_round = [m / y for m, y in zip(times[name], times["yardstick"], strict=True)]
        out[name] = {
            "seconds": [round(t, 3) for t in times[name]],
            "ratio_median": round(statistics.median(per_round), 3),
            "ratio_of_fastest": round(min(times[name]) / min(times["yardstick"]), 3),
        }
    return out


def peak_memory_mb(scenario_path: Path, runs: int, out: bool) -> dict[str, float]:
    """Peak resident memory of a child process that simulates (and writes ``--out``)."""
    folder = tempfile.mkdtemp(prefix="bench-out-")
    code = (
        f"import resource, sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
        "from estimator import load_scenario, simulate\n"
        "from estimator.engine.runner import shutdown_workers\n"
        "t = time.perf_counter()\n"
        f"r = simulate(load_scenario({str(scenario_path)!r}), runs={runs}, seed=1, jobs=2)\n"
        "shutdown_workers()\n"
        "s = r.summary(); el = time.perf_counter() - t\n"
        + ("from estimator.report.outputs import write_run_outputs\n"
           f"write_run_outputs(r, {folder + '/out'!r}, jobs=2)\n" if out else "")
        + "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(me, kids, el, time.perf_counter() - t)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    parent, child, simulate_s, total_s = (float(x) for x in res.stdout.split())
    return {"parent_peak_mb": round(parent), "largest_child_peak_mb": round(child),
            "simulate_s": round(simulate_s, 1), "total_s": round(total_s, 1)}


def bench_scenario(path: Path, rounds: int, full: bool) -> dict[str, object]:
    scenario = load_scenario(path)
    simulate(scenario, runs=64, seed=1, jobs=2)  # warm the worker pool and the imports
    simulate(scenario, runs=64, seed=1, jobs=1)
    rel = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    report: dict[str, object] = {"scenario": rel}
    report.update(ratios(rounds, {
        "10k_runs_1_process": lambda: simulate(scenario, runs=10_000, seed=1, jobs=1),
        "10k_runs_2_workers": lambda: simulate(scenario, runs=10_000, seed=1, jobs=2),
    }))
    one_k = [seconds(lambda: simulate(scenario, runs=1000, seed=1, jobs=1)) for _ in range(5)]
    report["1k_runs_1_process_s"] = {"fastest": round(min(one_k), 3),
                                     "median": round(statistics.median(one_k), 3)}
    if full:
        report["100k_runs"] = peak_memory_mb(path, 100_000, out=False)
        report["100k_runs_with_out"] = peak_memory_mb(path, 100_000, out=True)
    return report


def out_folder_seconds(runs: int = 5000) -> dict[str, float]:
    """The main command's ``--out`` on university.toml: simulate, then write every file."""
    from estimator.report.outputs import write_run_outputs

    scenario = load_scenario(ROOT / "data" / "scenarios" / "university.toml")
    t = time.perf_counter()
    result = simulate(scenario, runs=runs, seed=1, jobs=2)
    simulated = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        write_run_outputs(result, Path(folder) / "out", jobs=2)
        written = time.perf_counter() - t
    return {"runs": runs, "simulate_s": round(simulated, 2), "files_s": round(written, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, action="append", default=None,
                        help="scenario(s) to measure (default: the largest shipped one and "
                        "benchmarks/full_programme.toml)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--full", action="store_true",
                        help="also the 100,000-run memory peaks (several minutes)")
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    paths = args.scenario or [largest_scenario(), FULL_PROGRAMME]
    report: dict[str, object] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}",
        "version": __version__,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "scenarios": [bench_scenario(p, args.rounds, args.full) for p in paths],
    }
    report["university_5000_runs_out"] = out_folder_seconds()
    loop, engine, loop_seconds = naive_on_duty_hours(paths[0], seed=1, run=0)
    report["naive_loop"] = {"seconds_per_run": round(loop_seconds / 2, 2),
                            "on_duty_hours": round(loop, 1),
                            "engine_on_duty_hours": round(engine, 1)}
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(report, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
