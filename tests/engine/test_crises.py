"""Crisis triage: the surge a team staffs to its targets has a ceiling; the rest is reported."""

import numpy as np
import pytest

from estimator.engine.compile import CRISIS, ENGAGEMENT
from estimator.engine.runner import simulate
from estimator.scenario import ScenarioError, load_scenario
from tests.conftest import SHIPPED, minimal, scenario_of

CM = 0
FLAT_HALF_LIFE = 1e12  # the surge does not decay within the crisis's day


def _inbox(surge: float, cap: float, seconds: float = 0, per_year: float = 1) -> dict:
    """240 messages a day, 10 an hour (flat profile, no day-to-day variation), around the
    clock; crises of exactly one day with a constant surge."""
    return minimal(
        coverage={"weekdays": "00:00-24:00", "weekends": "00:00-24:00", "holidays": "weekdays",
                  "min_on_duty": 0},
        channels=[{"platform": "Instagram", "kind": "DMs", "per_day": 240, "daily_cv": 0,
                   "handle_minutes": 6, "reply_within_minutes": 60, "service_level": 0.8,
                   "role": "community_manager", "profile": "flat"}],
        crises={"per_year": per_year, "severity": [{
            "name": "viral", "share": 1, "days": 1, "surge": surge,
            "half_life_hours": FLAT_HALF_LIFE}],
            "triage": {"staffed_surge_max": cap, "holding_reply_seconds": seconds}},
    )


def test_messages_beyond_the_ceiling_are_triaged_by_hand():
    r = simulate(scenario_of(_inbox(surge=20, cap=5)), runs=256, seed=2)
    count = r.arrays["crisis_count"]
    triaged = r.arrays["crisis_triaged_messages"]
    one = count == 1
    assert one.sum() > 50 and (count == 0).sum() > 50
    # 10 messages an hour x (20 - 5) x 24 hours for one crisis; none without
    np.testing.assert_allclose(triaged[one], 10 * 15 * 24, rtol=1e-5)
    np.testing.assert_array_equal(triaged[count == 0], 0)
    summary = r.summary()["crisis_triaged_messages"]
    assert summary["mean"] == pytest.approx(triaged.mean())
    assert set(summary) == {"mean", "p90"}


def test_the_queue_sees_only_the_staffed_surge():
    capped = simulate(scenario_of(_inbox(surge=20, cap=5)), runs=64, seed=2)
    at_cap = simulate(scenario_of(_inbox(surge=5, cap=5)), runs=64, seed=2)
    for key in ("hours_by_role_kind", "weekly_hours_by_role", "replies", "covered_hours"):
        np.testing.assert_array_equal(capped.arrays[key], at_cap.arrays[key], err_msg=key)
    # a surge at the ceiling is triaged only where two crises overlap
    alone = at_cap.arrays["crisis_count"] <= 1
    np.testing.assert_array_equal(at_cap.arrays["crisis_triaged_messages"][alone], 0)
    # without a ceiling the same surge needs more people
    uncapped = simulate(scenario_of(_inbox(surge=20, cap=20)), runs=64, seed=2)
    hours = uncapped.arrays["hours_by_role_kind"][:, CM, [ENGAGEMENT, CRISIS]].sum(axis=1)
    base = capped.arrays["hours_by_role_kind"][:, CM, [ENGAGEMENT, CRISIS]].sum(axis=1)
    busy = capped.arrays["crisis_count"] > 0
    assert (hours[busy] > base[busy]).all()
    np.testing.assert_array_equal(uncapped.arrays["crisis_triaged_messages"][alone], 0)


def test_overlapping_crises_share_one_ceiling():
    r = simulate(scenario_of(_inbox(surge=3, cap=5, per_year=40)), runs=64, seed=9)
    # a surge of 3 is under the ceiling alone; two or more at once (excess 2 + 2 + ...) are not
    triaged = r.arrays["crisis_triaged_messages"]
    assert (triaged > 0).any()
    # excess over the ceiling comes in whole multiples of 10 messages an hour
    np.testing.assert_allclose(triaged / 10, np.round(triaged / 10), atol=1e-3)


def test_a_manual_holding_reply_is_crisis_work_of_the_channels_role():
    free = simulate(scenario_of(_inbox(surge=20, cap=5, seconds=0)), runs=128, seed=2)
    manual = simulate(scenario_of(_inbox(surge=20, cap=5, seconds=36)), runs=128, seed=2)
    added = (manual.arrays["hours_by_role_kind"][:, CM, CRISIS]
             - free.arrays["hours_by_role_kind"][:, CM, CRISIS])
    # 36 seconds for each triaged message: 3,600 messages a crisis are 36 hours
    np.testing.assert_allclose(added, manual.arrays["crisis_triaged_messages"] * 36 / 3600,
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(
        manual.arrays["weekly_hours_by_role"].sum(axis=2), manual.hours_by_role(), rtol=1e-4
    )
    np.testing.assert_allclose(
        manual.arrays["weekly_crisis_hours"].sum(axis=1) - free.arrays["weekly_crisis_hours"]
        .sum(axis=1), added, rtol=1e-4, atol=1e-3,
    )


def _heavy_tailed(cap: float):
    """A campus-sized inbox with four viral crises a year, lognormal surge median 10, P90 50
    (the ~1,100x tail of issue 9)."""
    return scenario_of(minimal(
        coverage={"weekdays": "08:00-18:00", "weekends": "10:00-14:00", "min_on_duty": 1},
        channels=[{"platform": "Instagram", "kind": "comments",
                   "per_day": {"low": 60, "mode": 100, "high": 160}, "daily_cv": 0.4,
                   "handle_minutes": 5, "reply_within_minutes": 240, "service_level": 0.9,
                   "role": "community_manager"}],
        crises={"per_year": 4, "severity": [{
            "name": "viral", "share": 1, "days": {"median": 3, "p90": 10},
            "surge": {"median": 10, "p90": 50}, "half_life_hours": 48,
            "extra_hours_per_day": {"writer": 2}}],
            "triage": {"staffed_surge_max": cap}},
    ))


def _tail(cap: float) -> tuple[float, float]:
    total = simulate(_heavy_tailed(cap), runs=2000, seed=1).fte_total()
    p50, p999 = np.percentile(total, [50, 99.9])
    return p999 / p50, total.max() / p50


def test_a_heavy_tailed_surge_leaves_no_year_far_beyond_the_rest():
    # Bound: the worst years come from long crises (24/7 coverage for weeks), not from one
    # surge staffed to target: P99.9 within twice the median, the worst year within three
    # times (measured 1.54 and 2.18 at 2,000 runs, seed 1).
    p999, worst = _tail(5)
    assert p999 < 2
    assert worst < 3
    # the bound bites: staffing the whole surge (ceiling 1,000x) breaks it (3.4 and 5.5)
    p999, worst = _tail(1000)
    assert p999 > 2.5
    assert worst > 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_staff_at_most_the_published_viral_range(path):
    """docs/sources.md 1g: viral events multiply volume 10x-50x; the triage ceiling stays
    inside that range, at or under the lower end."""
    s = load_scenario(path)
    assert 2 <= s.crises.triage.staffed_surge_max <= 10


@pytest.mark.parametrize(("field", "bad"), [
    ("staffed_surge_max", 0.5), ("staffed_surge_max", "five"), ("holding_reply_seconds", -1),
])
def test_a_bad_triage_names_the_field(field, bad):
    data = _inbox(surge=2, cap=5)
    data["crises"]["triage"][field] = bad
    with pytest.raises(ScenarioError, match=rf"crises\.triage\.{field}"):
        scenario_of(data)


def test_the_peak_load_check_counts_only_the_staffed_surge():
    # the check bounds volume x 7 x surge x handle hours by 1e7: 240 x 7 x 1e7 x 0.1 is
    # beyond it, but only 5x reaches the queue (840); 240,000 a day at 1,000x is not
    scenario_of(_inbox(surge=1e7, cap=5))
    with pytest.raises(ScenarioError, match=r"channels\[0\]: .*staffed crisis surge"):
        scenario_of(_inbox(surge=1e7, cap=1000) | {"channels": [
            _inbox(1, 1)["channels"][0] | {"per_day": 240_000}]})


def test_a_lower_ceiling_never_needs_more_staff_and_triages_more():
    hours, triaged = [], []
    for cap in (2, 5, 50):
        r = simulate(_heavy_tailed(cap), runs=64, seed=6)
        hours.append(r.hours_by_role().sum(axis=1))
        triaged.append(r.arrays["crisis_triaged_messages"])
    assert (hours[0] <= hours[1] + 1e-6).all() and (hours[1] <= hours[2] + 1e-6).all()
    assert (triaged[0] >= triaged[1]).all() and (triaged[1] >= triaged[2]).all()
    assert triaged[0].sum() > triaged[1].sum() > triaged[2].sum()


def test_triage_is_the_same_whatever_the_chunking():
    s = _heavy_tailed(5)
    a = simulate(s, runs=100, seed=7, chunk_runs=32)
    b = simulate(s, runs=100, seed=7, chunk_runs=256)
    assert a.arrays["crisis_triaged_messages"].sum() > 0
    for key in a.arrays:
        np.testing.assert_array_equal(a.arrays[key], b.arrays[key], err_msg=key)
