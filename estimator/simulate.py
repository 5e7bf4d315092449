"""The Monte Carlo engine: a planning year, hour by hour, for many runs at once.

Arrays are (runs, hours) over a chunk of runs; no Python loop runs over runs or hours.
Chunks are whole blocks of :data:`~estimator.streams.BLOCK_RUNS` runs and their random
numbers are keyed by block, so a chunk size or a number of worker processes never changes
a result. Memory is bounded by the chunk: a few dozen (chunk x 8,736) float32 arrays.

What one run computes (MODEL.md, "The work the model counts"):

1. each channel's messages per day: the run's volume, its growth over the year and a
   gamma day-to-day factor (mean 1, CV ``daily_cv``); spread over the hours of each day by
   the channel's hour-of-week profile; times the crisis surge;
2. each role's pooled queue: offered load in erlangs per hour (volume x handle time); work
   that arrives outside covered hours is carried to the next covered hour and cleared over
   ``coverage.backlog_hours`` (at most the shortest covered stretch); the agents needed each
   covered hour come from the queue's Erlang C table (every channel's target and the
   occupancy cap met);
3. on duty: ``max(min_on_duty, agents + monitoring)`` in every covered hour (all hours of
   a crisis, where coverage becomes 24/7);
4. crisis work: what the crises add over the same hours without them (surge replies,
   on-duty hours of extended coverage) and their extra hours by role;
5. flexible work by the week: content production, recurring work and listening reports.

Message volumes come from :mod:`estimator.volumes`, crises from :mod:`estimator.crises`, and
the replies-on-target measures from :mod:`estimator.service`.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from estimator import distributions as dist
from estimator.calendar import HOURS, HOURS_PER_WEEK, WEEKS
from estimator.capacity import productive_hours
from estimator.crises import draw_crises
from estimator.model import (
    CONTENT,
    CRISIS,
    ENGAGEMENT,
    KINDS,
    MONITORING,
    RECURRING,
    Model,
    compile_model,
)
from estimator.result import Result
from estimator.scenario import Scenario, ScenarioError
from estimator.service import current_staff, messages_by_target, replies_within_target
from estimator.streams import BLOCK_RUNS, scalar_uniforms
from estimator.volumes import FLOAT, daily_messages, hourly, weekly

DEFAULT_CHUNK_RUNS = 128


def simulate(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
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
    bounds = chunk_bounds(runs, chunk_runs)
    model = compile_model(scenario)
    values = draw_inputs(model, seed, runs)
    jobs = (os.cpu_count() or 1) if jobs is None else max(1, int(jobs))
    arrays: dict[str, NDArray] = {}
    for (a, b), part in zip(bounds, _map_chunks(model, values, seed, bounds, jobs), strict=True):
        place(arrays, runs, a, b, part)
        if progress is not None:
            progress(b - a)
    return Result(model=model, runs=runs, seed=seed, inputs=values, arrays=arrays)


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


def shutdown_workers() -> None:
    """Stop the worker processes kept between simulations (they restart when needed)."""
    while _POOLS:
        _POOLS.popitem()[1].shutdown(wait=True, cancel_futures=True)


def check_arguments(*, runs: int, seed: int) -> None:
    """Reject a run count or seed a person could mistype, with a one-line message."""
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise ScenarioError(f"runs: expected a whole number >= 1, got {runs!r}", field="runs")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ScenarioError(f"seed: expected a whole number >= 0, got {seed!r}", field="seed")


def _map_chunks(
    model: Model, values: dict[str, NDArray], seed: int, bounds: list[tuple[int, int]], jobs: int
) -> Iterator[dict[str, NDArray]]:
    def args(a: int, b: int) -> tuple:
        return (model, {k: v[a:b] for k, v in values.items()}, seed, a, b)

    if jobs == 1 or len(bounds) == 1:
        for a, b in bounds:
            yield simulate_chunk(*args(a, b))
        return
    pool = worker_pool(jobs)
    # A bounded window of tasks in flight, taken in order: a finished chunk is handed on
    # and dropped here, so memory does not grow with the number of runs.
    window: deque = deque()
    todo = iter(bounds)
    try:
        for a, b in itertools.islice(todo, 2 * jobs):
            window.append(pool.submit(simulate_chunk, *args(a, b)))
        while window:
            part = window.popleft().result()
            for a, b in itertools.islice(todo, 1):
                window.append(pool.submit(simulate_chunk, *args(a, b)))
            yield part
    finally:
        for f in window:
            f.cancel()


_POOLS: dict[int, ProcessPoolExecutor] = {}


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
        pool = _POOLS[jobs] = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


def draw_inputs(model: Model, seed: int, runs: int) -> dict[str, NDArray[np.float64]]:
    """Every run's value of every uncertain input, plus the derived per-run capacity."""
    values: dict[str, NDArray[np.float64]] = {}
    for d in model.draws:
        if dist.is_uncertain(d.quantity):
            values[d.path] = dist.ppf(d.quantity, scalar_uniforms(seed, d.key, runs))
        else:
            values[d.path] = np.full(runs, dist.mean(d.quantity))
    values["crises.count"] = poisson_ppf(
        scalar_uniforms(seed, "crises:count", runs), values["crises.per_year"]
    )
    cap = model.scenario.capacity
    hours = productive_hours(
        cap.hours_per_week,
        cap.days_per_week,
        holiday_days=model.holiday_workdays,
        vacation_days=values["capacity.vacation_days"],
        sick_days=values["capacity.sick_days"],
        training_hours_per_week=values["capacity.training_hours_per_week"],
        admin_share=values["capacity.admin_share"],
    )
    values["productive_hours_per_fte"] = hours.productive
    return values


def poisson_ppf(u: NDArray[np.float64], rate: NDArray[np.float64]) -> NDArray[np.float64]:
    """The least count ``k`` with ``P(N <= k) >= u`` for ``N ~ Poisson(rate)``, vectorised.

    >>> poisson_ppf(np.array([0.1, 0.5, 0.99]), np.array([0.0, 3.0, 3.0])).tolist()
    [0.0, 3.0, 8.0]
    """
    top = float(rate.max(initial=0.0))
    if top <= 0:
        return np.zeros_like(u)
    k = np.arange(int(top + 12 * np.sqrt(top) + 20))
    log_pmf = k[None, :] * np.log(np.maximum(rate, 1e-300))[:, None] - rate[:, None]
    log_pmf -= special.gammaln(k + 1)[None, :]
    cdf = np.cumsum(np.exp(log_pmf), axis=1)
    return np.where(rate > 0, (cdf < u[:, None]).sum(axis=1), 0).astype(np.float64)


# --------------------------------------------------------------------------- one chunk


_MALLOC_TUNED = False


def _keep_freed_memory() -> None:
    """Ask glibc to keep freed memory for reuse instead of handing each chunk's large
    temporaries back to the kernel and faulting them in again: a quarter of the engine's
    time on Linux. Elsewhere, or if it cannot, nothing changes."""
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return
    _MALLOC_TUNED = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 1 << 30)
        libc.mallopt(m_trim_threshold, 1 << 30)
    except (OSError, AttributeError):
        pass


def simulate_chunk(
    model: Model, values: dict[str, NDArray[np.float64]], seed: int, start: int, stop: int
) -> dict[str, NDArray]:
    """All results of runs ``start`` to ``stop`` (a whole number of blocks, or the tail)."""
    _keep_freed_memory()
    runs = stop - start
    n_roles = len(model.roles)
    blocks = range(start // BLOCK_RUNS, math.ceil(stop / BLOCK_RUNS))

    crises = draw_crises(model, values, seed, blocks, start, runs)
    daily = daily_messages(model, values, seed, blocks, start, runs)  # (runs, C, days)
    covered = np.broadcast_to(model.covered, (runs, HOURS))
    if crises is not None and model.crisis_coverage:
        covered = covered | crises.active

    always_covered = bool(model.covered.all())
    week_of_hour = np.arange(HOURS) // HOURS_PER_WEEK
    hours_kind = np.zeros((runs, n_roles, len(KINDS)))
    weekly_hours = np.zeros((runs, n_roles, WEEKS))
    weekly_crisis = np.zeros((runs, WEEKS))
    crisis_offhours = np.zeros((runs, WEEKS))

    # ---- engagement and monitoring: on duty, hour by hour
    agents_total = np.zeros((runs, HOURS), dtype=FLOAT)
    live_loads, spreads, agents_by_queue, arrivals_work = [], [], [], np.zeros((runs, HOURS), FLOAT)
    for q in model.queues:
        load = hourly(model, daily, q.channels, [c.handle_minutes / 60 for c in model.channels])
        surged = load if crises is None else load * (1 + crises.surge)
        arrivals_work += surged
        if always_covered:  # round the clock: nothing waits for coverage
            spread = np.zeros((1, 1), dtype=FLOAT)
            offered = surged
        else:
            spread = _backlog_spread(surged, covered, q.spread_hours)
            offered = np.where(covered, surged + spread, FLOAT(0))
        agents = q.table.agents(offered)
        agents_total += agents
        live_loads.append(load)
        spreads.append(spread)
        agents_by_queue.append(agents)
        hours_kind[:, q.role, ENGAGEMENT] += agents.sum(axis=1)
        weekly_hours[:, q.role] += weekly(agents)

    monitoring = np.zeros(runs)
    if model.monitoring_minutes is not None:
        monitoring = values[model.monitoring_minutes] * model.platforms_watched / 60.0
    on_duty = np.zeros((runs, HOURS), dtype=FLOAT)
    if model.on_duty_role is not None:
        on_duty = np.where(
            covered,
            np.maximum(model.min_on_duty, agents_total + monitoring[:, None].astype(FLOAT)),
            0,
        ).astype(FLOAT, copy=False)
        watching = on_duty - agents_total
        hours_kind[:, model.on_duty_role, MONITORING] += watching.sum(axis=1)
        weekly_hours[:, model.on_duty_role] += weekly(watching)

    # ---- crisis work: the difference crises make in the hours they are active
    if crises is not None:
        r, h = np.nonzero(crises.active)
        week_cells = r * WEEKS + week_of_hour[h]
        base_covered = model.covered[h]
        base_agents = np.zeros(r.size, dtype=FLOAT)
        added_total = np.zeros(r.size)
        for q, load, spread, agents in zip(
            model.queues, live_loads, spreads, agents_by_queue, strict=True
        ):
            backlog = 0 if always_covered else spread[r, h]
            base = q.table.agents(np.where(base_covered, load[r, h] + backlog, FLOAT(0)))
            added = agents[r, h] - base.astype(np.float64)
            base_agents += base
            _move_to_crisis(hours_kind, weekly_crisis, q.role, ENGAGEMENT, r, week_cells, added)
            added_total += added
        if model.on_duty_role is not None:
            base_on_duty = np.where(
                base_covered, np.maximum(model.min_on_duty, base_agents + monitoring[r]), 0
            )
            added = (on_duty[r, h] - agents_total[r, h]) - (base_on_duty - base_agents)
            _move_to_crisis(
                hours_kind, weekly_crisis, model.on_duty_role, MONITORING, r, week_cells, added
            )
            added_total += added
        off = ~model.normal[h]
        crisis_offhours += _bincount(week_cells[off], added_total[off], runs * WEEKS)
        # extra hours by role, spread evenly over the crisis's hours
        for role, extra in crises.extra_by_role.items():
            per_week = _bincount(crises.pair_week_cells, extra, runs * WEEKS)
            hours_kind[:, role, CRISIS] += per_week.sum(axis=1)
            weekly_hours[:, role] += per_week
            weekly_crisis += per_week
            crisis_offhours += _bincount(
                crises.pair_week_cells[crises.pair_offhours],
                extra[crises.pair_offhours],
                runs * WEEKS,
            )

    # ---- flexible work by the week
    flexible = _weekly_flexible(model, values, runs, n_roles)
    for kind in (CONTENT, MONITORING, RECURRING):
        hours_kind[:, :, kind] += flexible[kind] * WEEKS
        weekly_hours += flexible[kind][:, :, None]

    out: dict[str, NDArray] = {
        "hours_by_role_kind": hours_kind,
        "weekly_hours_by_role": weekly_hours.astype(np.float32),
        "weekly_crisis_hours": weekly_crisis.astype(np.float32),
        "on_duty_by_hour_of_week": on_duty.reshape(runs, WEEKS, HOURS_PER_WEEK)
        .mean(axis=1)
        .astype(np.float32),
        "covered_hours": covered.sum(axis=1).astype(np.float64),
        "crisis_count": np.zeros(runs) if crises is None else crises.count,
        "crisis_weeks": np.zeros((runs, WEEKS), bool) if crises is None else crises.weeks,
    }
    groups = messages_by_target(model, daily, crises)
    within, total, uncovered = replies_within_target(groups, covered)
    out["replies"] = total
    out["replies_within_target"] = within
    out["replies_outside_coverage"] = uncovered
    if model.current_staff is not None:
        out.update(
            current_staff(
                model, values, groups, covered, arrivals_work, weekly_hours, crisis_offhours
            )
        )
    return out


def _bincount(cells: NDArray[np.int64], weights: NDArray, size: int) -> NDArray[np.float64]:
    return np.bincount(cells, weights=weights, minlength=size).reshape(-1, WEEKS)


def _move_to_crisis(
    hours_kind: NDArray, weekly_crisis: NDArray, role: int, kind: int,
    run: NDArray, week_cells: NDArray, added: NDArray,
) -> None:
    """Re-label hours that crises added from their ordinary kind of work to crisis work."""
    per_run = np.bincount(run, weights=added, minlength=hours_kind.shape[0])
    hours_kind[:, role, kind] -= per_run
    hours_kind[:, role, CRISIS] += per_run
    weekly_crisis += _bincount(week_cells, added, weekly_crisis.size)


def _backlog_spread(
    arrivals: NDArray[np.float32], covered: NDArray[np.bool_], spread_hours: int
) -> NDArray[np.float32]:
    """Work that arrived in uncovered hours, landing in the covered hours that clear it.

    Each uncovered stretch's work is released at the next covered hour and cleared evenly
    over ``spread_hours`` hours from there. The year is a circle: the last night's work
    lands on the first morning.
    """
    runs = arrivals.shape[0]
    if covered.all() or not covered.any(axis=1).all():
        return np.zeros_like(arrivals)
    waiting = np.where(covered, 0, arrivals).cumsum(axis=1, dtype=np.float64)
    last_covered = np.where(covered, np.arange(HOURS), -1)
    np.maximum.accumulate(last_covered, axis=1, out=last_covered)
    at_last = np.take_along_axis(waiting, np.maximum(last_covered, 0), axis=1)
    backlog = waiting - np.where(last_covered >= 0, at_last, 0.0)  # waiting since last covered
    release = np.zeros((runs, HOURS))
    release[:, 1:] = np.where(covered[:, 1:], backlog[:, :-1], 0.0)
    # the tail of the year (after its last covered hour) carries over to the first opening
    release[np.arange(runs), np.argmax(covered, axis=1)] += backlog[:, -1]
    if spread_hours > 1:
        cum = release.cumsum(axis=1)
        shifted = np.zeros_like(cum)
        shifted[:, spread_hours:] = cum[:, :-spread_hours]
        release = (cum - shifted) / spread_hours
    return release.astype(FLOAT)


def _weekly_flexible(
    model: Model, values: dict[str, NDArray], runs: int, n_roles: int
) -> dict[int, NDArray[np.float64]]:
    """Hours a week by role of content, recurring work and listening reports."""
    out = {k: np.zeros((runs, n_roles)) for k in (CONTENT, MONITORING, RECURRING)}
    for c in model.content:
        pieces = values[c.per_week]
        platforms_factor = 1 + values[c.adapt_share] * (c.platforms - 1)
        for role, path in c.effort:
            out[CONTENT][:, role] += pieces * values[path] * platforms_factor
        if c.publish_role is not None:
            out[CONTENT][:, c.publish_role] += pieces * values[c.publish_minutes] / 60 * c.platforms
    for role, path, times in model.work:
        out[RECURRING][:, role] += values[path] * times
    if model.report_hours is not None and model.on_duty_role is not None:
        out[MONITORING][:, model.on_duty_role] += values[model.report_hours]
    return out


__all__ = [
    "place",
    "shutdown_workers",
    "check_arguments",
    "chunk_bounds",
    "compile_model",
    "draw_inputs",
    "simulate",
    "simulate_chunk",
    "worker_pool",
]
