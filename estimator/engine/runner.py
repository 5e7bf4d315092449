"""The one runner: a simulation cut into chunks of runs, computed in this process or by
worker processes, and placed into the whole simulation's arrays as they arrive.

Chunks are whole blocks of :data:`~estimator.engine.streams.BLOCK_RUNS` runs and their random
numbers are keyed by block, so a chunk size or a number of worker processes never changes a
result. Memory is bounded by the chunk and by a window of chunks in flight.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine.chunk import simulate_chunk
from estimator.engine.compile import (
    Model,
    compile_model,
)
from estimator.engine.inputs import draw_inputs
from estimator.engine.memory import check_memory
from estimator.engine.result import Result
from estimator.engine.streams import BLOCK_RUNS
from estimator.scenario import Scenario, ScenarioError

DEFAULT_CHUNK_RUNS = 128
#: Runs and seed when none are given (the command line, the library and batches alike).
DEFAULT_RUNS = 2000
DEFAULT_SEED = 1


def simulate(
    scenario: Scenario,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    *,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    jobs: int | None = 1,
    progress: Callable[[int], Any] | None = None,
) -> Result:
    """Simulate ``runs`` planning years of a scenario.

    Parameters
    ----------
    scenario
        A validated scenario (:func:`estimator.load_scenario`).
    runs
        Monte Carlo runs (planning years).
    seed
        The one seed; the same seed gives the same numbers whatever ``chunk_runs`` and
        ``jobs`` are.
    chunk_runs
        Runs computed together, rounded up to a multiple of 32; bounds memory.
    jobs
        Worker processes (``None``: one per core).
    progress
        Called with the number of runs finished after each chunk (e.g. ``tqdm.update``).

    Examples
    --------
    >>> from estimator import load_scenario
    >>> result = simulate(load_scenario("data/scenarios/nonprofit.toml"), runs=64, seed=1)
    >>> result.fte_total().shape
    (64,)
    """
    check_arguments(runs=runs, seed=seed)
    model = compile_model(scenario)
    return simulate_models([model], runs, seed, chunk_runs=chunk_runs, jobs=jobs,
                           progress=progress)[0]


def simulate_models(
    models: Sequence[Model],
    runs: int,
    seed: int,
    *,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    jobs: int | None = 1,
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> list[Result]:
    """Simulate compiled models on one seed (common random numbers): the one runner.

    Chunks run in this process (``jobs=1``), in worker processes (``jobs > 1``, ``None``
    for one per core) or on a Dask cluster (``scheduler``: an address or a ``Client``).
    Every way gives the same numbers.
    """
    check_arguments(runs=runs, seed=seed)
    check_memory(models, runs)
    values = [draw_inputs(m, seed, runs) for m in models]
    arrays = _run_range(models, values, seed, 0, runs, chunk_runs=chunk_runs, jobs=jobs,
                        scheduler=scheduler, progress=progress)
    return [
        Result(model=model, runs=runs, seed=seed, inputs=values[i], arrays=arrays[i])
        for i, model in enumerate(models)
    ]


def _run_range(
    models: Sequence[Model],
    values: list[dict[str, NDArray[np.float64]]],
    seed: int,
    start: int,
    stop: int,
    *,
    chunk_runs: int,
    jobs: int | None,
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> list[dict[str, NDArray]]:
    """The outputs of runs ``start`` to ``stop`` (``start`` a whole number of blocks) of each
    model, with ``values`` each model's inputs for at least the first ``stop`` runs."""
    bounds = [(start + a, start + b) for a, b in chunk_bounds(stop - start, chunk_runs)]
    tasks = [(i, j) for i in range(len(models)) for j in range(len(bounds))]

    def args(task: tuple[int, int]) -> tuple:
        i, j = task
        a, b = bounds[j]
        return (models[i], {k: v[a:b] for k, v in values[i].items()}, seed, a, b)

    if scheduler is not None:
        done = _run_dask(scheduler, tasks, args, models)
    else:
        jobs = (os.cpu_count() or 1) if jobs is None else max(1, int(jobs))
        done = (_run_serial(tasks, args) if jobs == 1 or len(tasks) == 1
                else _run_pool(tasks, args, jobs))
    arrays: list[dict[str, NDArray]] = [{} for _ in models]
    for (i, j), part in done:
        a, b = bounds[j]
        place(arrays[i], stop - start, a - start, b - start, part)
        if progress is not None:
            progress(b - a)
    return arrays


#: Runs ``simulate_to_precision`` starts with (whole blocks of random numbers).
PRECISION_START_RUNS = 1024
#: The most runs ``simulate_to_precision`` makes: the memory measured for 100,000 runs
#: (0.7 GB at peak) is what a laptop affords.
PRECISION_MAX_RUNS = 100_000
#: The percentile of total FTE whose precision is asked for (the plan's P90).
PRECISION_PERCENTILE = 90.0


def simulate_to_precision(
    scenario: Scenario,
    half_width_fte: float,
    seed: int = 0,
    *,
    start_runs: int = PRECISION_START_RUNS,
    max_runs: int = PRECISION_MAX_RUNS,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    jobs: int | None = 1,
    progress: Callable[[int], Any] | None = None,
    on_step: Callable[[int, float, float], Any] | None = None,
) -> Result:
    """Simulate until the P90 of total FTE is known within ``+/- half_width_fte`` at 95%.

    Runs are added in whole blocks of :data:`~estimator.engine.streams.BLOCK_RUNS`: after
    each step the distribution-free 95% interval of the P90
    (:func:`estimator.engine.intervals.percentile_interval`) is measured and, while either
    of its ends lies further than ``half_width_fte`` from the estimate, the run count grows
    to what the interval's ``1 / sqrt(runs)`` shrinking predicts (at least 1.5 and at most 4
    times, rounded up to whole blocks), up to ``max_runs``. Run ``k`` is the same run
    whatever the final count, so the result is that of ``simulate(scenario,
    runs=result.runs, seed=seed)``.

    Parameters
    ----------
    scenario
        A validated scenario.
    half_width_fte
        The precision asked for: half the width of the P90's 95% interval, in FTE.
    seed
        The one seed.
    start_runs, max_runs
        The first step's runs and the cap (both rounded up to whole blocks).
    chunk_runs, jobs, progress
        As for :func:`simulate`.
    on_step
        Called after each step with ``(runs, p90_fte, half_width_fte)``.

    Returns
    -------
    Result
        With ``result.precision``: ``target_half_width_fte``, ``half_width_fte`` achieved,
        ``percentile``, ``runs``, ``reached`` (False when the cap stopped it) and
        ``max_runs``.

    Examples
    --------
    >>> from estimator import load_scenario
    >>> r = simulate_to_precision(load_scenario("data/scenarios/nonprofit.toml"), 0.5,
    ...                           seed=1, start_runs=64)
    >>> r.precision["reached"], r.runs % 32
    (True, 0)
    """
    from estimator.engine.intervals import half_width, percentile_interval

    check_arguments(runs=max(start_runs, 1), seed=seed)
    if (isinstance(half_width_fte, bool) or not isinstance(half_width_fte, int | float)
            or not math.isfinite(half_width_fte) or half_width_fte <= 0):
        raise ScenarioError(
            f"precision: expected a half-width in FTE above 0, got {half_width_fte!r}",
            field="precision",
        )
    check_arguments(runs=max_runs, seed=seed)
    whole = BLOCK_RUNS
    cap = whole * math.ceil(max_runs / whole)
    runs = min(cap, whole * math.ceil(max(start_runs, 2 * whole) / whole))
    model = compile_model(scenario)
    arrays: dict[str, NDArray] = {}
    done = 0
    while True:
        check_memory([model], runs)
        values = draw_inputs(model, seed, runs)
        (part,) = _run_range([model], [values], seed, done, runs, chunk_runs=chunk_runs,
                             jobs=jobs, progress=progress)
        arrays = part if not arrays else {
            k: np.concatenate([arrays[k], part[k]]) for k in arrays}
        done = runs
        result = Result(model=model, runs=runs, seed=seed, inputs=values, arrays=arrays)
        total = result.fte_total()
        estimate = float(np.percentile(total, PRECISION_PERCENTILE))
        achieved = half_width(percentile_interval(total, PRECISION_PERCENTILE), estimate)
        if on_step is not None:
            on_step(runs, estimate, achieved)
        if achieved <= half_width_fte or runs >= cap:
            break
        grow = (achieved / half_width_fte) ** 2 * 1.1 if math.isfinite(achieved) else 4.0
        runs = min(cap, whole * math.ceil(runs * min(4.0, max(1.5, grow)) / whole))
    result.precision = {
        "percentile": PRECISION_PERCENTILE,
        "target_half_width_fte": float(half_width_fte),
        "half_width_fte": achieved,
        "runs": runs,
        "reached": bool(achieved <= half_width_fte),
        "max_runs": cap,
    }
    return result


def chunk_bounds(runs: int, chunk_runs: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk: whole blocks of random numbers, the last one cut short."""
    whole = isinstance(chunk_runs, int | np.integer) and not isinstance(chunk_runs, bool)
    if not whole or chunk_runs < 1:
        raise ScenarioError(f"chunk_runs: expected a whole number >= 1, got {chunk_runs!r}",
                            field="chunk_runs")
    chunk = BLOCK_RUNS * math.ceil(chunk_runs / BLOCK_RUNS)
    return [(a, min(a + chunk, runs)) for a in range(0, runs, chunk)]


def place(
    arrays: dict[str, NDArray], runs: int, start: int, stop: int, part: dict[str, NDArray]
) -> None:
    """Copy a chunk's outputs into the whole simulation's arrays (made on the first chunk),
    so that the chunks need not all be kept until the end."""
    for key, value in part.items():
        if key not in arrays:
            arrays[key] = np.empty((runs, *value.shape[1:]), dtype=value.dtype)
        arrays[key][start:stop] = value


def shutdown_workers(*, kill: bool = False) -> None:
    """Stop the worker processes kept between simulations (they restart when needed).

    ``kill``: do not wait for the chunks they are computing (after a signal or Ctrl-C):
    terminate them and collect them, so that no worker outlives the run.
    """
    while _POOLS:
        pool = _POOLS.popitem()[1]
        if not kill:
            pool.shutdown(wait=True, cancel_futures=True)
            continue
        # ProcessPoolExecutor has no public way to stop a busy worker
        workers = list((getattr(pool, "_processes", None) or {}).values())
        for proc in workers:
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


def check_arguments(*, runs: int, seed: int) -> None:
    """Reject a run count or seed a person could mistype, with a one-line message."""
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise ScenarioError(f"runs: expected a whole number >= 1, got {runs!r}", field="runs")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ScenarioError(f"seed: expected a whole number >= 0, got {seed!r}", field="seed")


Task = tuple[int, int]  # (model, chunk)


def _run_serial(tasks: list[Task], args: Callable[[Task], tuple]) -> Iterator[tuple[Task, dict]]:
    for task in tasks:
        yield task, simulate_chunk(*args(task))


def _run_pool(
    tasks: list[Task], args: Callable[[Task], tuple], jobs: int
) -> Iterator[tuple[Task, dict]]:
    pool = worker_pool(jobs)
    # A bounded window of tasks in flight: a finished chunk is handed on and dropped here,
    # so memory does not grow with the number of runs or of scenarios.
    pending: dict[Any, Task] = {}
    queue = iter(tasks)
    try:
        for task in itertools.islice(queue, 2 * jobs):
            pending[pool.submit(simulate_chunk, *args(task))] = task
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                task = pending.pop(fut)
                yield task, fut.result()
                for nxt in itertools.islice(queue, 1):
                    pending[pool.submit(simulate_chunk, *args(nxt))] = nxt
    except KeyboardInterrupt:  # Ctrl-C or a signal: the busy workers are stopped, not awaited
        shutdown_workers(kill=True)
        raise
    finally:
        for fut in pending:
            fut.cancel()


def _dask_client(scheduler: Any) -> tuple[Any, bool]:
    """(client, whether this call opened it) for an address or an existing Client."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise ScenarioError(
            "scheduler: running on a Dask cluster needs dask.distributed "
            "(pip install 'social-staffing-estimator[dask]')",
            field="scheduler",
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    if not isinstance(scheduler, str) or not scheduler:
        raise ScenarioError(
            f"scheduler: expected a Dask scheduler address or Client, got {scheduler!r}",
            field="scheduler",
        )
    from distributed.comm import resolve_address

    try:
        # checked before a Client exists: a Client that failed to start would try to close
        # itself when collected, and print a traceback a minute later
        resolve_address(scheduler)
    except (OSError, ValueError, TypeError) as exc:
        raise ScenarioError(
            f"scheduler: expected a Dask scheduler address like tcp://host:8786, got "
            f"{scheduler!r} ({exc})", field="scheduler") from None
    try:
        return Client(scheduler, set_as_default=False, timeout="10s"), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError(
            f"scheduler: cannot reach a Dask scheduler at {scheduler!r} ({exc})",
            field="scheduler",
        ) from None


def _run_dask(
    scheduler: Any, tasks: list[Task], args: Callable[[Task], tuple], models: Sequence[Model]
) -> Iterator[tuple[Task, dict]]:
    from dask.distributed import as_completed

    client, own = _dask_client(scheduler)
    futures: dict[Any, Task] = {}
    try:
        shared = [client.scatter(m, hash=False, broadcast=False) for m in models]
        for task in tasks:
            _, values, seed, a, b = args(task)
            fut = client.submit(simulate_chunk, shared[task[0]], values, seed, a, b, pure=False)
            futures[fut] = task
        for fut in as_completed(list(futures), loop=client.loop):
            yield futures[fut], fut.result()
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        if own:
            client.close()


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _worker_signals() -> None:
    """In a worker: Ctrl-C is for the parent, which stops the workers itself (no traceback
    from each worker); SIGTERM and SIGHUP end the worker at once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A worker pool kept for the life of the process: the dashboard reruns often, and
    starting workers costs more than a preview run."""
    pool = _POOLS.get(jobs)
    if pool is None:
        import atexit
        import multiprocessing

        # fork is fastest; from 3.12 Python warns about forking a threaded process (a
        # Jupyter kernel is one), so there a fork server starts the workers instead
        method = "spawn" if os.name != "posix" else (
            "forkserver" if sys.version_info >= (3, 12) else "fork")
        ctx = multiprocessing.get_context(method)
        pool = _POOLS[jobs] = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                                  initializer=_worker_signals)
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool



__all__ = [
    "check_arguments",
    "chunk_bounds",
    "place",
    "shutdown_workers",
    "simulate",
    "simulate_models",
    "simulate_to_precision",
    "worker_pool",
]
