"""Replies as a planner means them: targets and levels move the FTE where they bind, the needed
team's share is measured and meets its target where any team could, unreachable targets are
flagged with the coverage that fixes them, and every team is judged by the same queue model."""

from __future__ import annotations

import numpy as np
import pytest

from estimator import with_values
from estimator.engine.compile import ENGAGEMENT
from estimator.engine.runner import simulate
from estimator.scenario import load_scenario
from tests.conftest import SHIPPED, minimal, scenario_of

CM = 0


def _inbox(coverage: dict, runs: int = 32, seed: int = 3, **channel):
    ch = {"platform": "Instagram", "per_day": 400, "daily_cv": 0.3, "handle_minutes": 5,
          "reply_within_minutes": 240, "service_level": 0.9, "role": "community_manager",
          "profile": "default"}
    ch.update(channel)
    s = scenario_of(minimal(
        coverage={"min_on_duty": 1, **coverage},
        monitoring={"platforms": ["Instagram"], "minutes_per_covered_hour": 2,
                    "role": "community_manager"},
        channels=[ch],
    ))
    return simulate(s, runs=runs, seed=seed)


BUSY = {"weekdays": "08:00-18:00", "weekends": "10:00-14:00"}


def test_longer_targets_never_need_more_and_higher_levels_never_fewer():
    grid = {}
    for minutes in (60, 120, 240, 480, 1440):
        for level in (0.5, 0.8, 0.9, 0.95):
            r = _inbox(BUSY, reply_within_minutes=minutes, service_level=level)
            grid[minutes, level] = r.fte_total()
    for (minutes, level), fte in grid.items():
        for (m2, l2), other in grid.items():
            if m2 >= minutes and l2 <= level:  # a laxer target: never more staff, run by run
                assert np.all(other <= fte + 1e-4), ((minutes, level), (m2, l2))


def test_the_target_and_the_level_move_the_fte_where_they_bind():
    """A live target needs whole people at hand every hour (Erlang C); a deferred one only
    the work, plus clearing the night's backlog fast enough: with a 4 h target at 90% the
    morning backlog has to be cleared in a burst above the one person on duty anyway, with
    24 h (or at 50%) it can be spread under them."""
    day = {"weekdays": "07:00-22:00", "weekends": "07:00-22:00"}
    p50 = {}
    for minutes, level in [(15, 0.9), (240, 0.9), (1440, 0.9), (240, 0.5)]:
        r = _inbox(day, per_day=150, reply_within_minutes=minutes, service_level=level)
        p50[minutes, level] = float(np.median(r.fte_total()))
    assert p50[15, 0.9] > p50[240, 0.9] + 0.5, p50
    assert p50[240, 0.9] > p50[1440, 0.9] + 0.02, p50
    assert p50[240, 0.9] > p50[240, 0.5] + 0.02, p50


def test_a_small_async_inbox_costs_a_fraction_of_a_seat():
    """20 messages a day, 3 minutes each, a 24 h target, weekdays 08:00-18:00, nobody obliged
    to sit on the inbox: 1 hour of replies a day, not a person."""
    s = scenario_of(minimal(
        coverage={"weekdays": "08:00-18:00", "weekends": "", "min_on_duty": 0},
        channels=[{"platform": "Facebook", "per_day": 20, "daily_cv": 0.3, "handle_minutes": 3,
                   "reply_within_minutes": 1440, "service_level": 0.9,
                   "role": "community_manager", "profile": "default"}],
    ))
    r = simulate(s, runs=64, seed=1)
    work = 20 * 364 * 3 / 60  # reply work a year
    productive = r.productive_hours_per_fte
    engagement_fte = r.hours_by_kind()[:, ENGAGEMENT] / productive
    np.testing.assert_allclose(r.hours_by_kind()[:, ENGAGEMENT].mean(), work / 0.85, rtol=0.05)
    assert engagement_fte.max() < 0.3  # well under half an FTE
    assert np.median(r.fte_total()) < 0.35
    # no weekend cover: Friday evening's messages wait past 24 h, so no team answers 90%
    (row,) = r.summary()["replies_by_channel"]
    assert not row["reachable"]
    assert row["within_target_share"] >= 0.9 * row["best_share"] - 0.01


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_needed_team_meets_every_reachable_target_of_the_shipped_scenarios(path):
    r = simulate(load_scenario(path), runs=32, seed=2)
    rows = r.summary()["replies_by_channel"]
    assert rows
    for row in rows:
        assert 0 <= row["within_target_share"] <= row["best_share"] + 1e-6, row
        if row["reachable"]:
            assert row["within_target_share"] >= row["service_level"] - 1e-6, row
        else:  # staffed to the same share of what any team could answer on time
            level = row["service_level"] * row["best_share"]
            assert row["within_target_share"] >= level - 0.01, row
    reachable = all(row["reachable"] for row in rows)
    assert (r.summary()["coverage_fix"] is None) == reachable


def test_office_hours_with_a_one_hour_target_is_unreachable_and_says_what_fixes_it():
    r = _inbox({"weekdays": "09:00-17:00", "weekends": ""}, reply_within_minutes=60,
               service_level=0.9, runs=32)
    s = r.summary()
    (row,) = s["replies_by_channel"]
    assert not row["reachable"]
    assert row["best_share"] < 0.9
    fix = s["coverage_fix"]
    assert fix is not None
    start, end = (int(x[:2]) for x in fix["weekdays"].split("-"))
    assert start <= 9 and end >= 17 and (start, end) != (9, 17) or fix["weekends"]
    # its cost can go either way: a longer day may spare the morning burst that chasing an
    # unreachable target needs; it is measured on the same runs
    assert np.isfinite(fix["fte_p50_extra"]) and fix["added_covered_hours_per_year"] > 0
    # the fix does what it says: with that coverage the target is reachable and met
    fixed = _inbox({"weekdays": fix["weekdays"], "weekends": fix["weekends"]},
                   reply_within_minutes=60, service_level=0.9, runs=32)
    (row,) = fixed.summary()["replies_by_channel"]
    assert row["reachable"] and row["within_target_share"] >= 0.9 - 1e-6
    assert fixed.summary()["coverage_fix"] is None


@pytest.mark.parametrize("weekdays", ["24/7", "08:00-12:00, 13:00-17:00", "18:00-02:00"])
def test_the_coverage_fix_keeps_a_day_it_cannot_widen_as_it_is(weekdays):
    """Round the clock, split or overnight weekdays (the scenario fuzzer found '24/7' made
    the fix fail): the fix widens the weekend only and says the weekdays as written, or
    finds none where the weekdays' own gaps keep the target out of reach."""
    r = _inbox({"weekdays": weekdays, "weekends": "10:00-14:00"}, reply_within_minutes=60,
               service_level=0.9, runs=32)
    fix = r.summary()["coverage_fix"]
    (row,) = r.summary()["replies_by_channel"]
    assert not row["reachable"]  # four weekend hours leave most weekend messages late
    if weekdays == "24/7":  # the weekend alone is short: widening it is the fix
        assert fix is not None
    if fix is not None:
        assert fix["weekdays"] == weekdays
        assert fix["weekends"] != "10:00-14:00" and fix["added_covered_hours_per_year"] > 0


def _university_without_crises():
    # A fixed team against the plan's claim: the plan meets 9 weeks in 10 and leaves the
    # calendar's peaks to temporary help, and a crisis surge leaves any fixed team's
    # oldest-first inbox behind for weeks; so both are left out here.
    s = load_scenario(SHIPPED[[p.stem for p in SHIPPED].index("university")])
    sources = {k: v for k, v in s.sources.items() if not k.startswith("calendar")}
    return s.model_copy(update={"crises": s.crises.model_copy(update={"per_year": 0}),
                                "calendar": [], "sources": sources})


def _with_staff(s, staff: dict[str, float], runs: int = 32):
    return simulate(with_values(s, {"current_staff": staff}), runs=runs, seed=4)


def test_todays_team_set_to_the_plan_meets_the_targets_and_half_of_it_does_worse():
    path = _university_without_crises()
    need = simulate(path, runs=32, seed=4)
    plan = need.recommended_fte()
    planned = _with_staff(path, plan).summary()
    needed_share = planned["replies_within_target_share"]
    cur = planned["current_staff"]
    assert cur["replies_within_target_share"] >= needed_share - 0.01
    assert cur["weeks_overloaded_share"] < 0.15
    half = _with_staff(path, {r: x / 2 for r, x in plan.items()}).summary()["current_staff"]
    assert half["replies_within_target_share"] < needed_share - 0.05
    assert half["weeks_overloaded_share"] > 0.5
