"""What the speed work must not change: crises kept as cells give the dense arrays of the
straightforward construction, hourly volumes are the day totals times the profile, and the
benchmark's full-programme scenario loads and runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.engine.calendar import HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.compile import compile_model
from estimator.engine.crises import draw_crises
from estimator.engine.inputs import draw_inputs
from estimator.engine.runner import simulate
from estimator.engine.streams import BLOCK_RUNS
from estimator.engine.volumes import daily_messages, hourly
from estimator.scenario import load_scenario
from tests.conftest import ROOT

FULL_PROGRAMME = ROOT / "benchmarks" / "full_programme.toml"
SHIPPED = ROOT / "data" / "scenarios"


def _chunk(model, runs: int, seed: int):
    values = draw_inputs(model, seed, runs)
    blocks = range(0, math.ceil(runs / BLOCK_RUNS))
    return values, blocks


@pytest.mark.parametrize("name", ["enterprise", "university"])
def test_crisis_cells_give_the_dense_arrays(name):
    # many crises a year, so that they overlap and some hours are triaged
    scenario = load_scenario(SHIPPED / f"{name}.toml")
    model = compile_model(scenario)
    runs, seed = 96, 5
    values, blocks = _chunk(model, runs, seed)
    values["crises.count"] = np.full(runs, 12.0)
    crises = draw_crises(model, values, seed, blocks, 0, runs)
    assert crises is not None
    cells = crises.active_run * HOURS + crises.active_hour
    assert np.all(np.diff(cells) > 0), "cells are distinct and in row-major order"
    dense_active = np.zeros((runs, HOURS), bool)
    dense_active[crises.active_run, crises.active_hour] = True
    np.testing.assert_array_equal(crises.active, dense_active)
    r, h = np.nonzero(crises.active)
    np.testing.assert_array_equal(r, crises.active_run)
    np.testing.assert_array_equal(h, crises.active_hour)
    np.testing.assert_array_equal(crises.factor, 1 + crises.surge)
    assert crises.surge[~crises.active].max() == 0
    cap = scenario.crises.triage.staffed_surge_max - 1
    assert crises.surge.max() <= cap + 1e-6
    # triaged hours are active hours at the ceiling, in row-major order
    assert crises.triage_run.size > 0
    np.testing.assert_allclose(crises.surge[crises.triage_run, crises.triage_hour], cap,
                               rtol=1e-6)
    tri = crises.triage_run * HOURS + crises.triage_hour
    assert np.all(np.diff(tri) > 0)
    weeks = np.zeros((runs, WEEKS), bool)
    weeks[crises.active_run, crises.active_hour // HOURS_PER_WEEK] = True
    np.testing.assert_array_equal(crises.weeks, weeks)


def test_hourly_volumes_are_day_totals_times_the_profile():
    model = compile_model(load_scenario(SHIPPED / "university.toml"))
    runs = 32
    values, blocks = _chunk(model, runs, 3)
    daily = daily_messages(model, values, 3, blocks, 0, runs)
    channels = tuple(range(len(model.channels)))
    per_message = [0.5 + c for c in channels]
    got = hourly(model, daily, channels, per_message).astype(np.float64)
    want = np.zeros((runs, WEEKS * 7, 24))
    for c in channels:
        profile = model.profiles[model.channels[c].profile]
        day_of_week = np.arange(WEEKS * 7) % 7
        want += daily[:, c, :, None] * per_message[c] / 24 * profile[day_of_week][None]
    np.testing.assert_allclose(got, want.reshape(runs, HOURS), rtol=1e-5)
    assert hourly(model, daily, (), per_message).sum() == 0


def test_the_full_programme_benchmark_scenario_is_the_size_it_claims():
    scenario = load_scenario(FULL_PROGRAMME)
    model = compile_model(scenario)
    assert len(model.roles) >= 12
    assert len(model.queues) >= 4
    assert len(model.severities) == 3
    assert model.current_staff is not None
    assert not model.covered.all(), "coverage leaves a backlog from uncovered hours"
    result = simulate(scenario, runs=64, seed=1)
    assert np.all(result.fte_total() > 0)
    assert result.arrays["crisis_count"].sum() > 0


def _straightforward_backlog(arrivals, covered, spread_hours):
    """The backlog spread as the engine first built it: full (runs x hours) passes."""
    runs, hours = arrivals.shape
    covered = np.broadcast_to(covered, arrivals.shape)
    waiting = np.where(covered, 0, arrivals).cumsum(axis=1, dtype=np.float64)
    last_covered = np.where(covered, np.arange(hours), -1)
    np.maximum.accumulate(last_covered, axis=1, out=last_covered)
    at_last = np.take_along_axis(waiting, np.maximum(last_covered, 0), axis=1)
    backlog = waiting - np.where(last_covered >= 0, at_last, 0.0)
    release = np.zeros((runs, hours))
    release[:, 1:] = np.where(covered[:, 1:], backlog[:, :-1], 0.0)
    release[np.arange(runs), np.argmax(covered, axis=1)] += backlog[:, -1]
    if spread_hours > 1:
        cum = release.cumsum(axis=1)
        shifted = np.zeros_like(cum)
        shifted[:, spread_hours:] = cum[:, :-spread_hours]
        release = (cum - shifted) / spread_hours
    return release


@pytest.mark.parametrize("spread_hours", [1, 2, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_released_backlog_matches_the_straightforward_construction(spread_hours, seed):
    from estimator.engine.backlog import released_backlog

    rng = np.random.default_rng(seed)
    model = compile_model(load_scenario(SHIPPED / "university.toml"))
    runs = 40
    arrivals = rng.gamma(2.0, 1.0, (runs, HOURS)).astype(np.float32)
    covered = np.broadcast_to(model.covered, (runs, HOURS)).copy()
    # crises extend coverage in random blocks, some as short as an hour, some at the year's
    # edges, one run covered all year
    for r in range(runs):
        for _ in range(rng.integers(0, 4)):
            start, length = rng.integers(0, HOURS), rng.integers(1, 200)
            covered[r, start : start + length] = True
    covered[0, :5] = True
    covered[1, -3:] = True
    covered[2] = True
    got = released_backlog(arrivals, covered, spread_hours)
    want = _straightforward_backlog(arrivals, covered, spread_hours)
    # the compiled loop does the reference's arithmetic in the same order: the same bits
    np.testing.assert_array_equal(got, want.astype(np.float32))
    assert got.dtype == np.float32
    # the work released is the work that arrived uncovered (less what spreads past the end)
    uncovered = np.where(covered, 0, arrivals).sum(axis=1, dtype=np.float64)
    assert np.all(got.sum(axis=1, dtype=np.float64) <= uncovered * (1 + 1e-5) + 1e-3)
    # the same with the mask given once for all runs
    np.testing.assert_allclose(released_backlog(arrivals, model.covered, spread_hours),
                               _straightforward_backlog(arrivals, model.covered, spread_hours),
                               rtol=1e-5, atol=1e-3)
