"""Role profiles (what each role does, hour by hour of its week) and today's week (the work
today's team is given against the hours it has), against arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimator import load_scenario, simulate, with_values
from estimator.engine.calendar import HOURS, WEEKS
from estimator.engine.role_profiles import role_profiles, role_tasks
from estimator.engine.todays_week import PRIORITY, todays_week
from tests.conftest import EXAMPLE, SHIPPED, coordinator_only, everyone, minimal, scenario_of

UNIVERSITY = next(p for p in SHIPPED if p.stem == "university")


@pytest.fixture(scope="module")
def university():
    return simulate(load_scenario(UNIVERSITY), runs=64, seed=1)


@pytest.fixture(scope="module")
def coordinator():
    """The "other duties as assigned" case: one coordinator at a quarter of their time."""
    s = with_values(load_scenario(EXAMPLE), {"current_staff": coordinator_only()})
    return simulate(s, runs=64, seed=2)


# --------------------------------------------------------------------------- tasks add up


@pytest.mark.parametrize("path", [EXAMPLE, *SHIPPED], ids=lambda p: p.stem)
def test_each_roles_tasks_add_up_to_its_hours(path):
    r = simulate(load_scenario(path), runs=48, seed=3)
    hours = r.hours_by_role()
    tasks = role_tasks(r)
    for i, role in enumerate(r.roles):
        mine = [t.hours_per_year for t in tasks if t.role == i]
        per_run = np.sum(mine, axis=0) if mine else np.zeros(r.runs)
        np.testing.assert_allclose(per_run, hours[:, i], rtol=1e-9, atol=1e-6, err_msg=role)
    profiles = r.summary()["role_profiles"]
    assert list(profiles) == list(r.roles)
    for i, role in enumerate(r.roles):
        p = profiles[role]
        assert p["hours_per_week"] == pytest.approx(hours[:, i].mean() / WEEKS, rel=1e-12)
        assert sum(t["hours_per_week"] for t in p["tasks"]) == pytest.approx(
            p["hours_per_week"], rel=1e-9, abs=1e-9)
        assert {t["kind"] for t in p["tasks"]} <= {"content", "engagement", "monitoring",
                                                   "crisis", "recurring"}
        # every hour is named: nothing is left to an "other ... work" bucket
        assert not [t["task"] for t in p["tasks"] if t["task"].startswith("other ")], role
        weekly = [t["hours_per_week"] for t in p["tasks"]]
        assert weekly == sorted(weekly, reverse=True)


def test_content_and_recurring_tasks_by_hand():
    s = scenario_of(minimal(
        content=[{"format": "carousel", "platforms": ["Instagram", "LinkedIn", "X"],
                  "per_week": 2, "adapt_share": 0.5, "publish_minutes": 6,
                  "publish_role": "community_manager", "effort_hours": {"writer": 3}}],
        work=[{"task": "strategy", "role": "writer", "hours_per_week": 5},
              {"task": "learning new platforms", "role": "community_manager",
               "hours_per_week": 1, "per_platform": True}],
    ))
    r = simulate(s, runs=16, seed=1)
    p = r.summary()["role_profiles"]
    writer = {t["task"]: t["hours_per_week"] for t in p["writer"]["tasks"]}
    cm = {t["task"]: t["hours_per_week"] for t in p["community_manager"]["tasks"]}
    # 2 pieces x 3 h x (1 + 0.5 x 2 further platforms) = 12 h; publishing 2 x 3 posts x 6 min
    assert writer == pytest.approx({"carousel: production": 12.0, "strategy": 5.0})
    assert cm == pytest.approx({"carousel: publishing": 0.6,
                                "learning new platforms (3 platforms)": 3.0})
    assert p["writer"]["tasks"][0]["share"] == pytest.approx(12 / 17)
    assert p["writer"]["platforms"] == ["Instagram", "LinkedIn", "X"]
    assert p["writer"]["crisis_on_call"] is False
    assert p["writer"]["on_duty_hours_per_week"] == 0
    assert p["writer"]["evening_share"] is None


def test_a_queue_is_split_over_its_channels_by_reply_work():
    s = scenario_of(minimal(
        coverage={"weekdays": "00:00-24:00", "weekends": "00:00-24:00", "min_on_duty": 0},
        channels=[
            {"platform": "Instagram", "kind": "DMs", "per_day": 300, "daily_cv": 0,
             "growth_per_year": 0, "handle_minutes": 2, "reply_within_minutes": 240,
             "service_level": 0.9,
             "role": "community_manager"},
            {"platform": "Facebook", "kind": "comments", "per_day": 100, "daily_cv": 0,
             "growth_per_year": 0, "handle_minutes": 3, "reply_within_minutes": 240,
             "service_level": 0.9,
             "role": "community_manager"},
        ]))
    r = simulate(s, runs=8, seed=1)
    tasks = {t["task"]: t["hours_per_week"]
             for t in r.summary()["role_profiles"]["community_manager"]["tasks"]}
    queue = r.hours_by_role()[:, 0].mean() / WEEKS
    # reply work 300 x 2 = 600 and 100 x 3 = 300 minutes a day: two thirds and one third
    assert tasks["Instagram DMs: replies"] == pytest.approx(queue * 2 / 3)
    assert tasks["Facebook comments: replies"] == pytest.approx(queue / 3)


def test_the_community_manager_names_each_channel_monitoring_and_crisis_work(university):
    s = university.model.scenario
    profile = university.summary()["role_profiles"]["community_manager"]
    names = [t["task"] for t in profile["tasks"]]
    for ch in s.channels:
        if ch.role == "community_manager":
            assert f"{ch.platform} {ch.kind}: replies" in names
    kinds = {t["kind"] for t in profile["tasks"]}
    assert {"engagement", "monitoring", "crisis"} <= kinds
    assert "social listening and reports" in names
    assert any(n.startswith("watching") for n in names)
    assert "crisis on-call: round-the-clock watch" in names
    assert profile["crisis_on_call"] is True
    assert profile["crisis_hours_per_year"] == pytest.approx(
        university.arrays["hours_by_role_kind"][:, 1, 3].mean())
    assert profile["fte"]["plan"] == university.recommended_fte()["community_manager"]
    assert profile["salary"] == s.roles["community_manager"].salary


def test_on_duty_shares_round_the_clock_by_hand():
    s = scenario_of(minimal(
        scenario={"name": "24/7", "year": 2027, "country": "US"},
        coverage={"weekdays": "00:00-24:00", "weekends": "00:00-24:00", "min_on_duty": 1},
        monitoring={"platforms": ["Instagram"], "minutes_per_covered_hour": 0,
                    "role": "community_manager"}))
    r = simulate(s, runs=8, seed=1)
    p = r.summary()["role_profiles"]["community_manager"]
    holidays = int(r.model.year.holiday.sum())
    assert p["on_duty_hours_per_week"] == pytest.approx(168)
    assert p["evening_share"] == pytest.approx(6 / 24)
    assert p["night_share"] == pytest.approx(8 / 24)
    assert p["weekend_share"] == pytest.approx(2 / 7)
    assert p["holiday_share"] == pytest.approx(holidays * 24 / HOURS)
    assert holidays > 5


def test_office_hours_have_no_evenings_or_weekends():
    s = scenario_of(minimal(
        coverage={"weekdays": "09:00-17:00", "weekends": "", "holidays": "none",
                  "min_on_duty": 1},
        monitoring={"platforms": ["Instagram"], "minutes_per_covered_hour": 0,
                    "role": "community_manager"}))
    p = simulate(s, runs=8, seed=1).summary()["role_profiles"]["community_manager"]
    assert p["on_duty_hours_per_week"] == pytest.approx(40)
    assert p["evening_share"] == p["night_share"] == p["weekend_share"] == 0


def test_headcount_is_kept_when_given(university):
    p = role_profiles(university, headcount={"community_manager": 6})
    assert p["community_manager"]["headcount"] == 6
    assert "headcount" not in p["writer"]


# --------------------------------------------------------------------------- today's week


def test_a_quarter_time_coordinator_needs_more_hours_than_it_has(coordinator):
    audit = coordinator.summary()["current_staff"]["time_audit"]
    have = coordinator.current_staff_summary()["capacity_hours_per_week_mean"]
    need = coordinator.hours_by_role().sum(axis=1).mean() / WEEKS
    assert audit["hours_available_per_week"] == pytest.approx(have)
    assert audit["hours_needed_per_week"] == pytest.approx(need, rel=1e-9)
    assert audit["hours_needed_per_week"] > 5 * audit["hours_available_per_week"]
    assert audit["hours_short_per_week"] == pytest.approx(need - have)
    assert audit["hours_undone_per_week"] == pytest.approx(need - have)
    undone = audit["left_undone"]
    assert undone, "a quarter-time coordinator leaves work undone"
    names = [u["task"] for u in undone]
    # recurring work goes first, then content; replies, if any, last
    assert undone[0]["kind"] == "recurring"
    assert "strategy and planning" in names
    assert "vertical video: production" in names
    tiers = [next(i for i, k in enumerate(PRIORITY) if u["kind"] in k) for u in undone]
    assert tiers == sorted(tiers, reverse=True)
    assert all(u["reason"] == "no hours left for it" for u in undone)
    for t in audit["tasks"]:
        assert t["hours_done_per_week"] + t["hours_undone_per_week"] == pytest.approx(
            t["hours_needed_per_week"])


def test_a_large_team_leaves_nothing_undone():
    s = with_values(load_scenario(EXAMPLE), {"current_staff": everyone(40)})
    audit = simulate(s, runs=32, seed=2).summary()["current_staff"]["time_audit"]
    assert audit["hours_available_per_week"] > audit["hours_needed_per_week"]
    assert audit["left_undone"] == []
    assert audit["hours_undone_per_week"] == 0
    assert audit["hours_short_per_week"] == 0


@settings(max_examples=40, deadline=None)
@given(hours=st.floats(min_value=0, max_value=400))
def test_the_hours_go_to_the_protected_work_first(coordinator, hours):
    audit = todays_week(coordinator, hours)
    tasks = audit["tasks"]
    done = sum(t["hours_done_per_week"] for t in tasks)
    assert done == pytest.approx(min(hours, audit["hours_needed_per_week"]), abs=1e-9)
    # no task is started while an earlier one in the order is unfinished
    unfinished = False
    for t in tasks:
        if unfinished:
            assert t["hours_done_per_week"] == 0
        unfinished = unfinished or t["hours_undone_per_week"] > 1e-9
    more = todays_week(coordinator, hours + 10)
    assert more["hours_undone_per_week"] <= audit["hours_undone_per_week"] + 1e-9


def test_work_nobody_can_do_is_left_undone_first(coordinator):
    writer = float(coordinator.hours_by_role()[:, coordinator.roles.index("writer")].mean())
    audit = todays_week(coordinator, 1000.0, {"writer": writer})
    undone = audit["left_undone"]
    assert undone and all(u["reason"] == "nobody on today's team does this work" for u in undone)
    assert sum(u["hours_per_week"] for u in undone) == pytest.approx(writer / WEEKS)
    assert "vertical video: production" in [u["task"] for u in undone]
