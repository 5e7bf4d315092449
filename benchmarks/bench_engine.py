"""Speed and memory of the engine, run on demand (``make benchmark``); results go in the README.

Measures, on the largest shipped scenario:

- 10,000 runs with two worker processes (target: 3 s wall on 2 cores), against numpy
  drawing one Poisson count per run-hour (10,000 x 8,736) on one core, as a yardstick;
- 1,000 runs, the dashboard's preview (target: 0.4 s);
- peak memory at 100,000 runs (target: under 1 GB), in a child process;
- a straightforward per-hour Python loop of the same on-duty model on a few runs, which
  must give the same on-duty hours as the engine (a cross-check as much as a yardstick).

    python benchmarks/bench_engine.py [--scenario PATH] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.reference_loop import naive_on_duty_hours  # noqa: E402
from estimator import __version__, load_scenario  # noqa: E402
from estimator.engine.calendar import HOURS  # noqa: E402
from estimator.engine.runner import simulate  # noqa: E402


def largest_scenario() -> Path:
    """The shipped scenario with the most channels (then the most content formats)."""
    paths = sorted((ROOT / "data" / "scenarios").glob("*.toml"))
    return max(paths, key=lambda p: (len(load_scenario(p).channels), len(load_scenario(p).content)))


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def poisson_yardstick(runs: int) -> float:
    rng = np.random.default_rng(0)
    lam = np.full(HOURS, 2.0)

    def draw() -> None:
        for start in range(0, runs, 500):  # chunked like the engine, one core
            rng.poisson(lam, size=(min(500, runs - start), HOURS))

    return best_of(2, draw)


def peak_memory_mb(scenario_path: Path, runs: int) -> dict[str, float]:
    code = (
        f"import resource, sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
        "from estimator import load_scenario, simulate\n"
        "t = time.perf_counter()\n"
        f"r = simulate(load_scenario({str(scenario_path)!r}), runs={runs}, seed=1, jobs=2)\n"
        "s = r.summary(); el = time.perf_counter() - t\n"
        "from estimator.engine.runner import shutdown_workers; shutdown_workers()\n"
        "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(me, kids, el)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    parent, worker, seconds = (float(x) for x in out.stdout.split())
    return {"parent_peak_mb": parent, "worker_peak_mb": worker, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-run memory test")
    args = parser.parse_args()
    path = args.scenario or largest_scenario()
    scenario = load_scenario(path)
    simulate(scenario, runs=64, seed=1, jobs=2)  # warm the worker pool and the imports

    report: dict[str, object] = {
        "scenario": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}",
        "version": __version__,
    }
    t10k = best_of(3, lambda: simulate(scenario, runs=10_000, seed=1, jobs=2))
    poisson = poisson_yardstick(10_000)
    report["10k_runs_2_jobs_s"] = round(t10k, 3)
    report["runs_per_second"] = round(10_000 / t10k)
    report["poisson_10k_x_8736_one_core_s"] = round(poisson, 3)
    report["ratio_to_poisson"] = round(t10k / poisson, 2)
    report["10k_runs_1_job_s"] = round(
        best_of(1, lambda: simulate(scenario, runs=10_000, seed=1, jobs=1)), 3
    )
    report["1k_runs_1_job_s"] = round(
        best_of(5, lambda: simulate(scenario, runs=1000, seed=1, jobs=1)), 3
    )
    report["1k_runs_2_jobs_s"] = round(
        best_of(5, lambda: simulate(scenario, runs=1000, seed=1, jobs=2)), 3
    )
    loop, engine, loop_seconds = naive_on_duty_hours(path, seed=1, run=0)
    loop_seconds /= 2  # the loop walks the year twice (the first pass finds last night's work)
    per_run_engine = t10k / 10_000
    report["naive_loop_seconds_per_run"] = round(loop_seconds, 2)
    report["naive_loop_on_duty_hours"] = round(loop, 1)
    report["engine_on_duty_hours"] = round(engine, 1)
    report["engine_speedup_over_loop"] = round(loop_seconds / per_run_engine)
    if not args.quick:
        report["100k_runs"] = peak_memory_mb(path, 100_000)
    report["own_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
