"""Compile the engine's kernels once, at set-up, so that no one's first run pays for it.

The queue model, the backlog and the queue's arrivals are compiled by numba on first use
and cached beside their modules (:mod:`estimator.engine.queue_kernel`): about 15 s once per
machine, then about half a second to load in each new process. ``make setup`` runs::

    python -m estimator.engine.warm data/scenarios/*.toml

which simulates a few runs of each scenario given, so that every kind of queue (coverage
with and without crises extending it, live and deferred targets) is compiled.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from estimator.engine.runner import simulate
from estimator.engine.streams import BLOCK_RUNS
from estimator.scenario import load_scenario


def compile_kernels(paths: list[Path]) -> float:
    """Simulate one block of runs of each scenario; returns the seconds it took."""
    t0 = time.perf_counter()
    for path in paths:
        simulate(load_scenario(path), runs=BLOCK_RUNS, seed=1)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    seconds = compile_kernels(paths)
    print(f"engine compiled and cached in {seconds:.1f} s ({len(paths)} scenarios)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
