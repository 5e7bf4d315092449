"""The fluid FIFO queue model against a plain discrete-event simulation of the same hours."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from estimator.engine.queue_model import (
    best_share,
    fluid_backlog,
    hours_to_next_covered,
    on_time_share,
    window_sums,
)


def _des_on_time(
    rate_per_hour: np.ndarray, capacity: np.ndarray, targets_hours: list[float],
    repeats: int, servers: int, seed: int, work_per_message: float,
) -> tuple[np.ndarray, np.ndarray]:
    """A plain event-by-event simulation: Poisson messages, each ``work_per_message``
    person-hours of work, answered oldest first by ``servers`` people who together do
    ``capacity[t]`` person-hours of replies in hour t (each at capacity / servers).

    Returns (messages, on time) per hour of the pattern and per channel (channel = message
    index mod number of targets), counted in the last repeat, so the queue has settled.
    """
    rng = np.random.default_rng(seed)
    period = rate_per_hour.size
    hours = period * repeats
    speed = np.tile(capacity, repeats + 2) / servers  # work a server does per hour

    def finish(start: float, work: float) -> float:
        t = start
        while True:
            h = int(t)
            end = h + 1.0
            can = speed[h] * (end - t)
            if can >= work:
                return t + work / speed[h]
            work -= can
            t = end

    arrivals = []
    for h in range(hours):
        n = rng.poisson(rate_per_hour[h % period])
        arrivals.extend(sorted(h + rng.random(n)))
    free = [0.0] * servers
    heapq.heapify(free)
    k = len(targets_hours)
    messages = np.zeros((k, period))
    on_time = np.zeros((k, period))
    for i, x in enumerate(arrivals):
        start = max(x, heapq.heappop(free))  # FIFO: the next message takes the first free person
        done = finish(start, work_per_message)
        heapq.heappush(free, done)
        if x >= period * (repeats - 1):
            ch = i % k
            h = int(x) % period
            messages[ch, h] += 1
            on_time[ch, h] += done - x <= targets_hours[ch]
    return messages, on_time


def _pattern():
    """Two days: busy days, a quiet night with nobody on, a morning backlog."""
    period = 48
    hour = np.arange(period) % 24
    rate = np.where((hour >= 8) & (hour < 20), 240.0, 60.0)
    covered = (hour >= 9) & (hour < 17)
    return rate, covered


@pytest.mark.parametrize("cap_factor", [1.3, 2.0, 4.0])
def test_fluid_queue_agrees_with_a_discrete_event_simulation(cap_factor):
    rate, covered = _pattern()
    work = 1 / 60  # one minute a message: small against an hour, so the fluid limit applies
    per_covered = rate.sum() * work / covered.sum()
    capacity = np.where(covered, cap_factor * per_covered, 0.0)
    targets = [1.0, 4.0, 2.5]
    messages, on_time = _des_on_time(rate, capacity, targets, repeats=6, servers=2,
                                     seed=1, work_per_message=work)
    a = (rate * work)[None, :]
    c = capacity[None, :]
    backlog = fluid_backlog(a, c)
    for ch, t in enumerate(targets):
        share = on_time_share(a, c, backlog, t)[0]
        fluid = float((share * rate).sum() / rate.sum())
        des = on_time[ch].sum() / messages[ch].sum()
        # Poisson noise on ~3,600 messages a channel and whole messages vs a fluid
        assert fluid == pytest.approx(des, abs=0.03), (t, fluid, des)


def test_a_team_without_limit_reaches_the_best_share_and_no_team_more():
    rate, covered = _pattern()
    a = (rate / 60)[None, :]
    best_by_hour = np.clip(4 + 1 - _next(covered), 0, 1)
    best = float((best_by_hour * a[0]).sum() / a.sum())
    for factor in (1.0, 3.0, 1e4):
        c = np.where(covered, factor * a.sum() / covered.sum(), 0.0)[None, :]
        share = on_time_share(a, c, fluid_backlog(a, c), 4.0)
        got = float((share * a).sum() / a.sum())
        assert got <= best + 1e-4
    assert got == pytest.approx(best, abs=2e-3)


def _next(covered: np.ndarray) -> np.ndarray:
    """Hours to the next covered hour on a circle, by a plain loop."""
    n = covered.size
    out = np.zeros(n)
    for s in range(n):
        k = 0
        while not covered[(s + k) % n]:
            k += 1
        out[s] = k
    return out


def test_hours_to_next_covered_on_the_circle():
    from estimator.engine.calendar import HOURS

    rng = np.random.default_rng(3)
    covered = rng.random((2, HOURS)) < 0.05
    got = hours_to_next_covered(covered)
    np.testing.assert_array_equal(got[0], _next(covered[0]))
    np.testing.assert_array_equal(best_share(got, 0.5)[0] > 0, _next(covered[0]) < 1.5)


def test_backlog_is_lindley_recursion_on_a_circle():
    rng = np.random.default_rng(0)
    a = rng.random((3, 200)) * 2
    c = np.where(rng.random((3, 200)) < 0.5, 2.2, 0.0)
    got = fluid_backlog(a, c)
    for r in range(3):
        b = 0.0
        for _ in range(2):  # the year after a year like it (the steady state when stable)
            out = []
            for t in range(200):
                b = max(b + a[r, t] - c[r, t], 0.0)
                out.append(b)
        np.testing.assert_allclose(got[r], out, atol=1e-4)


def test_window_sums_wrap_the_year():
    a = np.arange(6, dtype=float)[None, :]
    assert window_sums(a, 2).tolist() == [[1, 3, 5, 7, 9, 5]]


def test_more_capacity_never_answers_fewer_on_time():
    rate, covered = _pattern()
    a = (rate / 60)[None, :]
    shares = []
    for factor in (1.0, 1.1, 1.5, 2.0, 5.0):
        c = np.where(covered, factor * a.sum() / covered.sum(), 0.0)[None, :]
        s = on_time_share(a, c, fluid_backlog(a, c), 2.0)
        shares.append(float((s * a).sum() / a.sum()))
    assert shares == sorted(shares) and shares[-1] > shares[0]
