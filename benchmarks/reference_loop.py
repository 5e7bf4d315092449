"""A straightforward hour-by-hour Python loop of the engine's on-duty model, for one run.

It shares nothing with the vectorised engine but the random draws and the scenario's
compiled constants: it walks the year hour by hour, keeps each queue's backlog in a list and
calls the public scalar ``erlang_c_agents`` for every queue and hour. The benchmark times it
against the engine; a test checks that the two agree.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from estimator import load_scenario
from estimator.engine.calendar import HOURS
from estimator.engine.compile import compile_model
from estimator.engine.crises import draw_crises
from estimator.engine.inputs import draw_inputs
from estimator.engine.queueing import erlang_c_agents
from estimator.engine.runner import simulate
from estimator.engine.streams import BLOCK_RUNS
from estimator.engine.volumes import daily_messages


def naive_on_duty_hours(scenario_path: Path, seed: int, run: int) -> tuple[float, float, float]:
    """(loop on-duty hours, engine on-duty hours, loop seconds) for one run.

    The loop walks the year hour by hour in Python on the engine's own random draws. It
    takes from the engine only what its search chose for the run (each queue's ``k`` and
    the hours over which it releases the night's backlog) and recomputes the rest: each
    queue's backlog waiting for coverage, its release, the people on the queue
    (``(work in the hour + k x released backlog) / max_occupancy``, at least the public
    scalar ``erlang_c_agents`` for live targets) and ``max(min_on_duty, people +
    monitoring)``.
    """
    scenario = load_scenario(scenario_path)
    model = compile_model(scenario)
    runs = run + 1
    values = draw_inputs(model, seed, runs)
    blocks = range(0, -(-runs // BLOCK_RUNS))
    daily = daily_messages(model, values, seed, blocks, 0, runs)[run]
    crises = draw_crises(model, values, seed, blocks, 0, runs)
    surge = np.zeros(HOURS) if crises is None else crises.surge[run].astype(np.float64)
    active = np.zeros(HOURS, bool) if crises is None else crises.active[run]
    monitoring = 0.0
    if model.monitoring_minutes is not None:
        monitoring = values[model.monitoring_minutes][run] * model.platforms_watched / 60
    occupancy = scenario.capacity.max_occupancy
    engine = simulate(scenario, runs=runs, seed=seed, jobs=1)
    factor = engine.arrays["reply_capacity_factor"][run]
    spread = engine.arrays["reply_backlog_spread_hours"][run]
    started = time.perf_counter()

    def year(waiting: list[float]) -> tuple[float, list[float]]:
        """On-duty hours of the year, given the work waiting from last year's last night."""
        total = 0.0
        released: list[dict[int, float]] = [{} for _ in model.queues]
        for h in range(HOURS):
            day, hour = divmod(h, 24)
            covered = bool(model.covered[h] or (model.crisis_coverage and active[h]))
            people_now = 0.0
            for qi, q in enumerate(model.queues):
                load = 0.0
                for c in q.channels:
                    ch = model.channels[c]
                    rate = daily[c, day] / 24 * model.profiles[ch.profile][day % 7, hour]
                    load += rate * ch.handle_minutes / 60 * (1 + surge[h])
                if not covered:
                    waiting[qi] += load
                    continue
                if waiting[qi] > 0:  # the first covered hour after a gap releases the backlog
                    released[qi][h] = waiting[qi]
                    waiting[qi] = 0.0
                k = int(spread[qi])  # ... cleared evenly over the next k hours
                backlog = sum(released[qi].get(j, 0.0) for j in range(h - k + 1, h + 1)) / k
                people = (load + factor[qi] * backlog) / occupancy
                if q.table is not None and load + backlog > 0:
                    rate_per_hour = (load + backlog) * 60 / q.handle_minutes
                    people = max(people, max(
                        float(erlang_c_agents(rate_per_hour, q.handle_minutes, t, s, occupancy))
                        for t, s in q.table.targets))
                people_now += people
            if covered and model.on_duty_role is not None:
                total += max(model.min_on_duty, people_now + monitoring)
        return total, waiting

    _, tail = year([0.0] * len(model.queues))  # the year is a circle: last night carries over
    total, _ = year(tail)
    seconds = time.perf_counter() - started
    engine_hours = float(engine.arrays["on_duty_by_hour_of_week"][run].sum(dtype=np.float64) * 52)
    return total, engine_hours, seconds
