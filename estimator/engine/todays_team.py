"""Today's team against the work: its FTE by role, its people, the chance it can do the
year's work (each person only in the roles they can do), and what it gets: the gap to the
FTE needed, overloaded weeks, overtime, replies on target, the work nobody on it can do, its
week (:mod:`estimator.engine.todays_week`) and its crisis weeks.

Each function reads a :class:`~estimator.engine.result.Result`, whose methods of the same
names call them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from estimator.engine.reply_targets import reply_share
from estimator.engine.staffing import allocate, fte_by_role
from estimator.engine.todays_week import todays_week

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any


def current_staff_fte(result: Result) -> dict[str, float]:
    """Today's FTE by role: each person's FTE split over their roles as their year's
    work goes (mean over runs, :func:`estimator.engine.staffing.fte_by_role`), adding up
    to today's total FTE."""
    team = result.model.current_staff
    if team is None:
        return {}
    hours, per_fte = result.hours_by_role(), result.productive_hours_per_fte
    # in blocks of runs: the flow of hours from people to roles is (runs, people, roles)
    total = np.zeros(len(result.roles))
    for start in range(0, result.runs, _BLOCK_RUNS):
        block = slice(start, start + _BLOCK_RUNS)
        total += fte_by_role(hours[block], per_fte[block], team).sum(axis=0)
    fte = total / max(result.runs, 1)
    return {r: round(float(x), 9) for r, x in zip(result.roles, fte, strict=True)}


#: Runs at a time in :func:`current_staff_fte` (about 8 MB of flows a block).
_BLOCK_RUNS = 8192


def current_people(result: Result) -> list[dict[str, Any]]:
    """Today's people: ``name``, ``fte`` and ``roles`` (a shorthand role = FTE is one
    entry named by its role)."""
    team = result.model.current_staff
    if team is None:
        return []
    return [
        {"name": n, "fte": float(f),
         "roles": [r for r, c in zip(result.roles, row, strict=True) if c]}
        for n, f, row in zip(team.names, team.fte, team.can, strict=True)
    ]


def chance_today_enough(result: Result) -> float:
    """Share of runs in which today's people can do the whole year's work, each person
    only in the roles they can do."""
    team = result.model.current_staff
    if team is None:
        return float("nan")
    fte, can = team.groups()
    demand = result.hours_by_role()
    done = allocate(demand, result.productive_hours_per_fte[:, None] * fte, can)
    return float(np.mean((demand - done).sum(axis=1) <= 1e-6 * (1 + demand.sum(axis=1))))


def current_staff_summary(result: Result) -> dict[str, Any]:
    """What today's team gets (see :mod:`estimator.engine.staffing`)."""
    a = result.arrays
    staff = result.model.current_staff.fte_total  # type: ignore[union-attr]
    overloaded = a["current_weeks_overloaded"]
    overtime = a["current_overtime_weekly"]
    replies = a["current_replies_weekly"]
    within = a["current_replies_within_weekly"]
    crisis_weeks = a["crisis_weeks"]
    gap = result.fte_total() - staff
    unstaffed = a["current_unstaffed_hours"].mean(axis=0)
    out: dict[str, Any] = {
        "people": result.current_people(),
        "fte": result.current_staff_fte(),
        "fte_total": staff,
        "capacity_hours_per_week_mean": float(a["current_capacity_per_week"].mean()),
        "gap_fte_p50": float(np.percentile(gap, 50)),
        "gap_fte_p90": float(np.percentile(gap, 90)),
        "chance_enough": result.chance_today_enough(),
        "weeks_overloaded_share": float(overloaded.mean()),
        "overtime_hours_mean": float(overtime.sum(axis=1, dtype=np.float64).mean()),
        "replies_within_target_share": reply_share(
            within.sum(dtype=np.float64), replies.sum(dtype=np.float64)
        ),
        "unstaffed_hours_by_role": {r: float(h) for r, h in
                                    zip(result.roles, unstaffed, strict=True)},
        "unstaffed_hours_total": float(unstaffed.sum()),
    }
    out["time_audit"] = todays_week(
        result, out["capacity_hours_per_week_mean"], out.get("unstaffed_hours_by_role"))
    if crisis_weeks.any():
        out["crisis_week"] = {
            "weeks_with_crisis_mean": float(crisis_weeks.sum(axis=1).mean()),
            "demand_hours_p50": result.typical_week_hours(crisis=True),
            "typical_week_demand_hours_p50": result.typical_week_hours(),
            "overtime_hours_mean": float(overtime[crisis_weeks].mean(dtype=np.float64)),
            "weeks_overloaded_share": float(overloaded[crisis_weeks].mean()),
            "replies_within_target_share": reply_share(
                within[crisis_weeks].sum(dtype=np.float64),
                replies[crisis_weeks].sum(dtype=np.float64),
            ),
        }
    return out
