"""The Result's aggregates on a hand-made result whose answers are worked out by hand: the
risk curve, the typical and the crisis week, FTE and cost. The chart and brief read these, so
a change to any of them shows here, not only in a picture."""

from __future__ import annotations

import numpy as np
import pytest

from estimator.engine.calendar import WEEKS
from estimator.engine.compile import KINDS, compile_model
from estimator.engine.result import Result
from tests.conftest import minimal, scenario_of

HOURS_PER_FTE = 1040.0  # productive hours a year: 20 a week


@pytest.fixture
def hand_made() -> Result:
    """Four runs, two roles, 20 productive hours a week per FTE.

    Weekly work (both roles together): run r needs 20 * (r + 1) hours every week, except that
    in run 3 weeks 0 and 1 have a crisis and need 100 hours. The community manager does 3/4
    of every week's work, the writer 1/4.
    """
    model = compile_model(scenario_of(minimal(current_staff={"community_manager": 1.0})))
    runs = 4
    weekly = np.array([[20.0 * (r + 1)] * WEEKS for r in range(runs)])
    crisis_weeks = np.zeros((runs, WEEKS), bool)
    crisis_weeks[3, :2] = True
    weekly[3, :2] = 100.0
    by_role = np.stack([weekly * 0.75, weekly * 0.25], axis=1)  # (runs, roles, weeks)
    kinds = np.zeros((runs, 2, len(KINDS)))
    kinds[:, :, KINDS.index("content")] = by_role.sum(axis=2)
    arrays = {
        "hours_by_role_kind": kinds,
        "weekly_hours_by_role": by_role.astype(np.float32),
        "crisis_weeks": crisis_weeks,
        "crisis_count": np.array([0.0, 0, 0, 1]),
    }
    inputs = {"productive_hours_per_fte": np.full(runs, HOURS_PER_FTE)}
    return Result(model=model, runs=runs, seed=0, inputs=inputs, arrays=arrays)


def test_fte_and_cost_by_hand(hand_made):
    # run 0: 20 h a week for 52 weeks over 1,040 h = 1 FTE; run 3: 80 h + 2 crisis weeks
    expected = np.array([1.0, 2.0, 3.0, (80 * 50 + 200) / HOURS_PER_FTE])
    np.testing.assert_allclose(hand_made.fte_total(), expected)
    cost = expected * (0.75 * 50000 + 0.25 * 60000)
    np.testing.assert_allclose(hand_made.cost(), cost)


def test_typical_week_is_the_median_of_weeks_without_a_crisis(hand_made):
    # 206 weeks without a crisis: 52 of 20 h, 52 of 40 h, 52 of 60 h, 50 of 80 h; sorted, the
    # middle pair (the 103rd and 104th) are both 40 h. A mean would say 49.4.
    assert hand_made.typical_week_hours() == pytest.approx(40.0)
    # the two crisis weeks need 100 h each
    assert hand_made.typical_week_hours(crisis=True) == pytest.approx(100.0)


def test_risk_curve_by_hand(hand_made):
    curve = hand_made.risk_curve(np.array([0.9, 1.0, 2.0, 3.0, 5.0]))
    # the year's work fits a team of T FTE in the runs whose FTE total is at most T
    np.testing.assert_allclose(curve["chance_year_met"], [0, 0.25, 0.5, 0.75, 1.0])
    # a week fits when its hours / 20 is at most T; 208 weeks: 52 need 1, 52 need 2, 52 need
    # 3, 50 need 4 and 2 need 5
    np.testing.assert_allclose(curve["share_weeks_met"],
                               [0, 52 / 208, 104 / 208, 156 / 208, 1.0])


def test_crisis_week_of_todays_team_by_hand(hand_made):
    hand_made.arrays.update({
        "current_capacity_per_week": np.full(4, 20.0),
        "current_weeks_overloaded": hand_made.weekly_demand_hours() > 20,
        "current_overtime_weekly": np.maximum(hand_made.weekly_demand_hours() - 20, 0),
        "current_replies_weekly": np.ones((4, WEEKS), np.float32),
        "current_replies_within_weekly": np.full((4, WEEKS), 0.5, np.float32),
        # today's one community manager cannot write: the writer's quarter is unstaffed
        "current_unstaffed_hours": hand_made.hours_by_role() * [0, 1],
        "current_done_hours": np.minimum(hand_made.hours_by_role() * [1, 0], HOURS_PER_FTE),
    })
    summary = hand_made.current_staff_summary()
    assert summary["unstaffed_hours_by_role"]["writer"] == pytest.approx(
        hand_made.hours_by_role()[:, 1].mean())
    assert summary["chance_enough"] == 0.0  # nobody writes, so no year's work is all done
    assert summary["people"] == [
        {"name": "Community manager", "fte": 1.0, "roles": ["community_manager"]}]
    week = summary["crisis_week"]
    assert week["weeks_with_crisis_mean"] == pytest.approx(0.5)
    assert week["demand_hours_p50"] == pytest.approx(100.0)
    assert week["typical_week_demand_hours_p50"] == pytest.approx(40.0)
    assert week["overtime_hours_mean"] == pytest.approx(80.0)
    assert week["replies_within_target_share"] == pytest.approx(0.5)
