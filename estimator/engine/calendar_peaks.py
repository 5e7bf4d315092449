"""The calendar's busy periods against the plan: for each ``[[calendar]]`` period, the extra
hours a week it brings, and whether the planned team covers its weeks or it needs temporary
help, and how much.

Read from a :class:`~estimator.engine.result.Result` (:meth:`Result.calendar_peaks`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from estimator.engine.calendar import WEEKS

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any


def calendar_peaks(result: Result,
                   recommended: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """Each calendar period: the extra hours a week it brings, and whether the planned
    team covers its weeks (the plan's percentile of demand within the team's productive
    hours) or it needs temporary help, and how much."""
    periods = result.model.periods
    if not periods:
        return []
    recommended = result.recommended_fte() if recommended is None else recommended
    demand = result.weekly_demand_hours()
    per_week = result.productive_hours_per_fte / WEEKS
    plan_hours = float(sum(recommended.values()) * per_week.mean())
    in_any = np.logical_or.reduce([p.weeks for p in periods])
    ordinary = demand[:, ~in_any].mean(axis=1) if (~in_any).any() else demand.mean(axis=1)
    start = result.model.year.start
    out = []
    for p in periods:
        weeks = np.flatnonzero(p.weeks)
        if weeks.size == 0:
            out.append({"name": p.name, "weeks": [], "in_planning_year": False})
            continue
        extra = float((demand[:, weeks].mean(axis=1) - ordinary).mean())
        at_plan = np.percentile(demand[:, weeks], result.percentile, axis=0)
        short = float(max(at_plan.max() - plan_hours, 0.0))
        days = np.flatnonzero(p.days)
        out.append({
            "name": p.name,
            "in_planning_year": True,
            "weeks": [int(w) + 1 for w in weeks],
            "first_day": (start + timedelta(days=int(days[0]))).isoformat(),
            "last_day": (start + timedelta(days=int(days[-1]))).isoformat(),
            "extra_hours_per_week": extra,
            "peak_week_hours_at_plan_percentile": float(at_plan.max()),
            "plan_hours_per_week": plan_hours,
            "covered_by_plan": short == 0.0,
            "temporary_help_hours_per_week": short,
            "temporary_help_fte_in_those_weeks": short / float(per_week.mean()),
        })
    return out
