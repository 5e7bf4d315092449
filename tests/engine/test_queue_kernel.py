"""The compiled queue model against its numpy statement (queue_model.py): the same numbers.

The engine judges every team through :mod:`estimator.engine.queue_kernel`; the whole-array
numpy passes of :mod:`estimator.engine.queue_model` are the reference. The shares are the
same arithmetic in the same order; the counts are summed in float64 (the reference sums
float32 products), so they agree to the seventh digit.
"""

from __future__ import annotations

import numpy as np
import pytest

from estimator.engine.arrivals import Arrivals
from estimator.engine.calendar import DAYS, HOURS, WEEKS
from estimator.engine.compile import QueueSpec, compile_model
from estimator.engine.service import (
    Inbox,
    _Search,
    on_time_messages,
    on_time_messages_reference,
)
from estimator.scenario import load_scenario
from tests.conftest import ROOT


def _inbox(rng, runs, targets_hours, levels=None):
    """A queue of len(targets_hours) channels with busy, uneven days: two hour-of-week
    profiles (office-heavy and flatter), and an hourly factor on top (kept where the engine
    keeps the crisis surge) so that no two hours are alike."""
    n = len(targets_hours)
    office = np.tile(np.r_[np.full(8, 0.2), np.full(10, 1.5), np.full(6, 0.6)], 7)
    profiles = np.stack([office, np.sqrt(office)]).astype(np.float32) / 24
    arrivals = Arrivals(
        day=rng.gamma(4.0, 6.0, (n, runs, DAYS)).astype(np.float32),
        profile=np.arange(n) % 2, profiles=profiles,
        surge=(rng.gamma(2.0, 0.5, (runs, HOURS)) - 1).astype(np.float32))
    work = (arrivals.hourly() * np.float32(4 / 60)).sum(axis=0)
    spec = QueueSpec(role=0, channels=tuple(range(n)), handle_minutes=4.0, table=None,
                     spread_hours=3)
    return Inbox(spec=spec, work=work, arrivals=arrivals, targets_hours=list(targets_hours),
                 levels=levels or [0.9] * n, handle_minutes=4.0)


def _office_hours(runs):
    hod = np.arange(HOURS) % 24
    covered = (hod >= 8) & (hod < 18)
    return np.broadcast_to(covered, (runs, HOURS))


@pytest.mark.parametrize("by_week", [False, True])
@pytest.mark.parametrize("targets", [[4.0], [4.0, 4.0, 24.0], [1.5, 0.25, 30.75], [0.5]])
def test_compiled_queue_model_gives_the_reference_counts(targets, by_week):
    rng = np.random.default_rng(len(targets))
    runs = 6
    inbox = _inbox(rng, runs, targets)
    covered = _office_hours(runs)
    # capacity a little short some days and ample on others; people for the live levels
    scale = rng.uniform(0.7, 2.5, (runs, 1)).astype(np.float32)
    capacity = np.where(covered, inbox.work.mean(axis=1, keepdims=True) * scale * 2.4, 0)
    capacity = capacity.astype(np.float32)
    people = capacity / np.float32(0.85)
    got = on_time_messages(inbox, capacity, people, by_week=by_week)
    want = on_time_messages_reference(inbox, capacity, people, by_week=by_week)
    assert got.shape == ((runs, len(targets), WEEKS) if by_week else (runs, len(targets)))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-3)
    # and the model does discriminate: shares between none and all on target
    share = got.sum(axis=-1) if by_week else got
    total = inbox.messages.sum(axis=2, dtype=np.float64).T
    assert np.all(share <= total * (1 + 1e-6)) and np.any(share < 0.99 * total)


@pytest.mark.parametrize("levels", [[0.5, 0.9], [0.9, 0.99]])
def test_compiled_search_finds_the_reference_least_capacity(levels):
    rng = np.random.default_rng(7)
    runs = 8
    inbox = _inbox(rng, runs, [4.0, 8.5], levels)
    covered = _office_hours(runs)
    from estimator.engine.backlog import released_backlog

    in_hours = np.where(covered, inbox.work, np.float32(0))
    release = released_backlog(inbox.work, covered, 3)
    total = inbox.messages.sum(axis=2, dtype=np.float64).T
    level = np.array(levels)[None, :] * 0.95  # what office hours let any team reach, about
    search = _Search(inbox, in_hours, release, level, total, np.float32(0.85))
    k_compiled, within_compiled = search.least_k()
    k_numpy, within_numpy = search.least_k(compiled=False)
    np.testing.assert_array_equal(k_compiled, k_numpy)
    np.testing.assert_allclose(within_compiled, within_numpy, rtol=2e-6)
    assert np.all(k_compiled > 1.0)  # k = 1 misses here: the search did its work


def test_the_shipped_university_queue_gets_the_same_k_either_way():
    model = compile_model(load_scenario(ROOT / "data" / "scenarios" / "university.toml"))
    assert not model.covered.all()
    rng = np.random.default_rng(3)
    q = model.queues[0]
    inbox = _inbox(rng, 4, [model.channels[c].within_minutes / 60 for c in q.channels])
    covered = np.broadcast_to(model.covered, (4, HOURS))
    from estimator.engine.backlog import released_backlog

    release = released_backlog(inbox.work, covered, q.spread_hours)
    total = inbox.messages.sum(axis=2, dtype=np.float64).T
    search = _Search(inbox, np.where(covered, inbox.work, np.float32(0)), release,
                     np.full_like(total, 0.5), total, np.float32(0.85))
    np.testing.assert_array_equal(search.least_k()[0], search.least_k(compiled=False)[0])


def _university_draws(runs=8, seed=2):
    from estimator.engine.chunk import draw_chunk
    from estimator.engine.inputs import draw_inputs

    model = compile_model(load_scenario(ROOT / "data" / "scenarios" / "university.toml"))
    values = draw_inputs(model, seed, runs)
    return model, draw_chunk(model, values, seed, 0, runs)


def test_compiled_arrivals_are_the_numpy_messages_and_work_to_the_bit():
    """queue_arrivals against volumes.hourly, the sum over channels and the surge."""
    from estimator.engine.queue_kernel import queue_arrivals, split_targets
    from estimator.engine.service import rows_of
    from estimator.engine.volumes import hourly

    model, draws = _university_draws()
    assert draws.crises is not None and draws.crises.surge.any()
    q = model.queues[0]
    ones = [1.0] * len(model.channels)
    want_m = np.stack([hourly(model, draws.daily, (c,), ones) for c in q.channels])
    want_base = sum(m * np.float32(model.channels[c].handle_minutes / 60)
                    for m, c in zip(want_m, q.channels, strict=True))
    factor = 1 + draws.crises.surge
    targets = [model.channels[c].within_minutes / 60 for c in q.channels]
    index, _, _ = split_targets(targets)
    names = list(model.profiles)
    profile = np.array([names.index(model.channels[c].profile) for c in q.channels])
    profiles = np.stack([model.profiles[n].astype(np.float32).reshape(168) for n in names])
    day_24, got_work, got_base, total, best, uncovered, weekly = queue_arrivals(
        draws.daily, np.array(q.channels, np.int64), profile, profiles,
        np.array([model.channels[c].handle_minutes / 60 for c in q.channels], np.float32),
        draws.crises.surge, rows_of(draws.next_covered), rows_of(draws.covered), index,
        np.array(list(dict.fromkeys(targets))))
    np.testing.assert_array_equal(got_base, want_base)
    np.testing.assert_array_equal(got_work, want_base * factor)
    # the messages are kept by day: made by hour again, they are volumes' to the bit
    got_m = Arrivals(day=day_24, profile=profile, profiles=profiles,
                     surge=draws.crises.surge).hourly()
    np.testing.assert_array_equal(got_m, want_m * factor[None])
    # the counts, against plain numpy sums
    from estimator.engine.queue_model import best_share

    np.testing.assert_allclose(total, got_m.sum(axis=2, dtype=np.float64).T, rtol=1e-9)
    np.testing.assert_allclose(weekly, got_m.reshape(len(q.channels), -1, WEEKS, 168)
                               .sum(axis=(0, 3), dtype=np.float64), rtol=1e-9)
    outside = (got_m * ~draws.covered[None]).sum(axis=(0, 2), dtype=np.float64)
    np.testing.assert_allclose(uncovered, outside, rtol=1e-9)
    for j, t in enumerate(targets):
        reach = best_share(draws.next_covered, t)
        np.testing.assert_allclose(best[:, j], (got_m[j] * reach).sum(axis=1, dtype=np.float64),
                                   rtol=1e-6)


def test_compiled_hours_when_sums_the_masked_hours():
    from estimator.engine.chunk import DAY_STARTS, EVENING_STARTS, hours_when

    model, _ = _university_draws()
    people = np.random.default_rng(0).random((3, HOURS)).astype(np.float32)
    hour = np.arange(HOURS)
    day, hod = hour // 24, hour % 24
    masks = [np.ones(HOURS, bool), hod >= EVENING_STARTS, hod < DAY_STARTS, day % 7 >= 5,
             model.year.holiday[day]]
    want = np.stack([people[:, m].sum(axis=1, dtype=np.float64) for m in masks], axis=1)
    np.testing.assert_allclose(hours_when(people, model), want, rtol=1e-9)
    assert model.year.holiday.any()


def test_the_search_finds_bisections_k_in_few_judgements_wherever_the_k_falls():
    """Levels from lax (k = 1.02 meets: the least j the grid allows) to out of reach (short
    at K_MAX), one per run: the model's guesses find bisection's j in every case, whether the
    slack at k = 1 is handed in or judged, in fewer judgements than bisection's doubling."""
    from estimator.engine.backlog import released_backlog
    from estimator.engine.queue_kernel import least_k_by_run, split_targets
    from estimator.engine.service import K_MAX, K_STEP

    rng = np.random.default_rng(11)
    runs = 12
    inbox = _inbox(rng, runs, [4.0, 8.0])
    covered = _office_hours(runs)
    in_hours = np.where(covered, inbox.work, np.float32(0))
    release = released_backlog(inbox.work, covered, 3)
    total = inbox.messages.sum(axis=2, dtype=np.float64).T
    level = np.linspace(0.2, 0.999, runs)[:, None] * np.ones((1, 2))
    search = _Search(inbox, in_hours, release, level, total, np.float32(0.85))
    k_numpy, _ = search.least_k(compiled=False)
    ok_1, within_1 = search.met(np.ones(runs))
    assert k_numpy.min() == K_STEP and k_numpy.max() == pytest.approx(K_MAX, rel=0.02)

    top = int(np.ceil(np.log(K_MAX) / np.log(K_STEP)))
    ks = K_STEP ** np.arange(top + 1, dtype=np.float64)
    index, wholes, parts = split_targets(inbox.targets_hours)
    every = np.arange(runs)
    for slack_0 in (np.full(runs, np.nan), search.slack(within_1)):
        j, within, short, judged = least_k_by_run(
            inbox.work, in_hours, release, np.float32(0.85), inbox.arrivals.kernel_args(),
            every, index, wholes, parts, search._need(), np.maximum(total, 1.0), ks, 36,
            slack_0, np.full(runs, top))
        np.testing.assert_array_equal(ks[j], k_numpy)
        assert judged.mean() < 7 and judged.max() <= 10
        assert list(short) == list(k_numpy >= K_MAX)  # short only where K_MAX is
    # and the messages on target are those at the k found
    np.testing.assert_allclose(within, search.met(ks[j])[1], rtol=1e-9)

    # some of the runs, read in place; with a limit on the on-duty hours: k where the least
    # k costs no more, NaN where it would cost more
    rows = np.array([1, 4, 6, 7, 9, 10])
    sub = _Search(inbox, in_hours, release, level[rows], total[rows], np.float32(0.85),
                  rows=rows)
    cost = sub.people(k_numpy[rows]).sum(axis=1, dtype=np.float64)
    limit = np.where(np.arange(rows.size) % 2 == 0, cost * 1.001, cost * 0.98)
    k_sub, within_sub = sub.least_k(cost_limit=limit)
    np.testing.assert_array_equal(k_sub[::2], k_numpy[rows][::2])
    assert np.isnan(k_sub[1::2]).all()
    np.testing.assert_allclose(within_sub[::2], within[rows][::2], rtol=1e-9)


def test_todays_team_rostered_in_the_needs_shape_gets_the_numpy_statements_counts():
    """current_staff's compiled roster-and-judge against _rostered + the numpy queue model."""
    from estimator.engine.queue_kernel import on_time_rostered, split_targets
    from estimator.engine.service import _rostered

    rng = np.random.default_rng(5)
    runs = 5
    inbox = _inbox(rng, runs, [1.0, 4.0, 24.0])
    covered = _office_hours(runs)
    shape = np.where(covered, inbox.work * np.float32(1.3), 0).astype(np.float32)
    shape[:, 1000:1200] = 0  # a stretch the need leaves empty: today's team still covers it
    hours = rng.uniform(20, 120, runs)  # short some weeks, ample in others
    occ = np.float32(0.85)
    index, wholes, parts = split_targets(inbox.targets_hours)
    got = on_time_rostered(inbox.work, shape, np.ascontiguousarray(covered[:1]), hours, occ,
                           inbox.arrivals.kernel_args(), index, wholes, parts)
    capacity, people = _rostered(shape, covered, hours, occ)
    want = on_time_messages_reference(inbox, capacity, people, by_week=True)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-3)
    total = inbox.messages.sum(axis=2, dtype=np.float64).T
    assert np.any(got.sum(axis=2) < 0.9 * total) and np.any(got.sum(axis=2) > 0.5 * total)
