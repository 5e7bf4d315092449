"""The plan in people: who must be on duty each hour of a typical week, the week of shifts
that covers it, the bench that keeps it staffed through leave and sickness, and the
headcount by role (small roles counted together, to combine or contract).

Each function reads a :class:`~estimator.engine.result.Result`, whose methods of the same
names call them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS_PER_WEEK, WEEKS
from estimator.engine.roster import RosterWeek, roster_week, with_bench

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any

#: Roles planned under this many FTE are candidates to combine with another or contract.
COMBINE_BELOW_FTE = 0.5


def on_duty_required(result: Result) -> dict[str, NDArray[np.int64]]:
    """(168,) whole people each role with on-duty hours needs on duty in a typical week,
    Monday 00:00 first.

    The median over runs of each hour of the week's mean people on duty, rounded to
    whole people; at least ``coverage.min_on_duty`` for the on-duty role in the hours the
    coverage covers in most weeks (crisis hours outside them round away)."""
    by_role = result.arrays["on_duty_by_role_hour_of_week"]  # float16
    median = np.empty(by_role.shape[1:], np.float32)  # (hourly roles, 168)
    for i in range(by_role.shape[1]):  # a day's hours at a time: no float32 copy of it all
        for day in range(0, HOURS_PER_WEEK, 24):
            median[i, day : day + 24] = np.median(
                by_role[:, i, day : day + 24].astype(np.float32), axis=0)
    weeks = result.model.covered.reshape(WEEKS, HOURS_PER_WEEK)
    typical = weeks.mean(axis=0) > 0.5
    out = {}
    for i, r in enumerate(result.model.hourly_roles):
        need = np.floor(median[i] + 0.5).astype(np.int64)
        need[~typical] = np.where(median[i][~typical] >= 0.5, need[~typical], 0)
        if r == result.model.on_duty_role:
            need[typical] = np.maximum(need[typical], result.model.min_on_duty)
        out[result.roles[r]] = need
    return out


def roster_weeks(result: Result) -> dict[str, RosterWeek]:
    """Each on-duty role's week of shifts (:func:`estimator.engine.roster.roster_week`) for
    the people :func:`on_duty_required` puts on duty."""
    cap = result.model.scenario.capacity
    return {
        role: roster_week(need, max_shift_hours=cap.max_shift_hours,
                          days_per_week=cap.days_per_week,
                          hours_per_week=cap.hours_per_week)
        for role, need in result.on_duty_required().items()
    }


def bench_days(result: Result) -> tuple[float, float]:
    """(working days a year to cover, days a person is away in them), means over runs.

    Leave and sickness always need cover; public holidays only where they are covered."""
    cap = result.model.scenario.capacity
    days = cap.days_per_week * WEEKS
    away = float(result.inputs["capacity.vacation_days"].mean()
                 + result.inputs["capacity.sick_days"].mean())
    if result.model.scenario.coverage.holidays == "none":
        days -= result.model.holiday_workdays
    else:
        away += result.model.holiday_workdays
    return float(days), away


def headcount(result: Result) -> dict[str, dict[str, Any]]:
    """People by role: ``rostered`` (the roster's people), ``bench`` (more people to keep
    it staffed through leave and sickness), ``plan_fte`` and ``people``: the larger of
    rostered + bench and the plan's FTE rounded up to whole people.

    A role under half an FTE with no shifts to staff is not a person of its own
    (``combined``: true, ``people`` 0): such roles are counted together by
    :meth:`combined_headcount`, as one or more people who combine them, or a contract.
    """
    days, away = result.bench_days()
    rosters = result.rosters()
    out = {}
    for r, fte in result.recommended_fte().items():
        roster = rosters.get(r)
        rostered = roster.people if roster is not None else 0
        staffed = with_bench(rostered, days, away)
        combined = not rostered and 0 < fte < COMBINE_BELOW_FTE
        out[r] = {
            "rostered": rostered,
            "bench": staffed - rostered,
            "plan_fte": fte,
            "people": 0 if combined else max(staffed, math.ceil(fte - 1e-9)),
            "combined": combined,
        }
    return out


def combined_headcount(result: Result) -> dict[str, Any] | None:
    """The roles under half an FTE with no shifts, together: ``roles``, their ``fte``
    and the ``people`` it takes if one person combines them (or a contract for that many
    FTE); None when there are none."""
    small = {r: d["plan_fte"] for r, d in result.headcount().items() if d["combined"]}
    if not small:
        return None
    fte = round(sum(small.values()), 6)
    return {"roles": list(small), "fte": fte, "people": math.ceil(fte - 1e-9)}


def roster_rows(result: Result) -> list[dict[str, Any]]:
    """A typical week's shifts: ``person``, ``role``, ``day`` (Mon..Sun), ``start`` and
    ``end`` (HH:MM), ``hours``."""
    rows = []
    for role, week in result.rosters().items():
        label = result.model.scenario.role_label(role)
        for s in week.shifts:
            start, end = s.clock()
            rows.append({"person": f"{label} {s.person + 1}", "role": role, "day": s.day,
                         "start": start, "end": end, "hours": s.hours})
    return rows
