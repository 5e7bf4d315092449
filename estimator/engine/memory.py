"""Whether a simulation's arrays fit in memory, checked before anything is allocated.

A simulation keeps a few kilobytes per run (per-run arrays of hours by role and week, the
drawn inputs); the summaries and tables built from them take about as much again, twice.
A run count that cannot fit is refused in one line with the number of runs that do.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from estimator.engine.chunk import simulate_chunk
from estimator.engine.compile import Model
from estimator.engine.inputs import draw_inputs
from estimator.engine.streams import BLOCK_RUNS
from estimator.scenario import ScenarioError

#: Peak memory over the bytes a Result keeps: measured 14.8 kB a run at the peak of
#: simulate + summary + tables for the enterprise scenario, which keeps 5.4 kB a run.
PEAK_FACTOR = 3.0
#: Above any scenario's bytes a run (the largest shipped one keeps 5.4 kB): below this, no
#: measurement is needed.
GENEROUS_RUN_BYTES = 64 * 1024
#: The share of the free memory a simulation may take.
MEMORY_SHARE = 0.5


def available_bytes() -> int | None:
    """Memory free for a new allocation (Linux MemAvailable, else free pages), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def bytes_per_run(model: Model) -> int:
    """Bytes a Result keeps for each run of ``model``, measured on one block of runs."""
    values = draw_inputs(model, 0, BLOCK_RUNS)
    part = simulate_chunk(model, values, 0, 0, BLOCK_RUNS)
    kept = sum(a.nbytes for a in part.values()) + sum(a.nbytes for a in values.values())
    return math.ceil(kept / BLOCK_RUNS)


def _size(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.0f} MB"


def check_memory(models: Sequence[Model], runs: int, *, free: int | None = None) -> None:
    """Refuse ``runs`` when the simulation of ``models`` would not fit in memory.

    Raises
    ------
    ScenarioError
        ``runs: ... need about X GB of memory and Y GB is free; at most N runs fit``.
    """
    free = available_bytes() if free is None else free
    if free is None or runs * len(models) * GENEROUS_RUN_BYTES <= free * MEMORY_SHARE:
        return
    per_run = PEAK_FACTOR * sum(bytes_per_run(m) for m in models)
    need = runs * per_run
    budget = free * MEMORY_SHARE
    if need <= budget:
        return
    fit = int(budget // per_run)
    raise ScenarioError(
        f"runs: expected a number of runs that fits in memory: {runs:,} runs need about "
        f"{_size(need)} and {_size(free)} is free; at most {fit:,} runs fit",
        field="runs")
