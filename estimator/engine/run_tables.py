"""The tidy tables of a simulation, one row per role, per run and per week, for the CSV and
workbook files (:mod:`estimator.report.tables`, :mod:`estimator.report.workbook`).

Each function reads a :class:`~estimator.engine.result.Result`, whose methods of the same
names call them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from estimator.engine.calendar import WEEKS
from estimator.engine.compile import KINDS
from estimator.scenario import quantities as dist

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any


def by_role_table(result: Result) -> list[dict[str, Any]]:
    """One row per role: FTE percentiles, recommendation, cost and hours by kind."""
    fte = result.fte_by_role()
    hours = result.arrays["hours_by_role_kind"].mean(axis=0)
    recommended = result.recommended_fte()
    headcount = result.headcount()
    rows = []
    for i, r in enumerate(result.roles):
        row: dict[str, Any] = {
            "role": r,
            "label": result.role_labels[i],
            "salary": float(result.salaries[i]),
            "fte_mean": float(fte[:, i].mean()),
            "fte_p50": float(np.percentile(fte[:, i], 50)),
            "fte_p90": float(np.percentile(fte[:, i], 90)),
            "fte_p95": float(np.percentile(fte[:, i], 95)),
            "recommended_fte": recommended[r],
            "recommended_cost": recommended[r] * float(result.salaries[i]),
            "headcount": headcount[r]["people"],
            "headcount_combined": headcount[r]["combined"],
            "current_fte": result.current_staff_fte().get(r, 0.0),
        }
        row.update({f"hours_{k}_mean": float(hours[i, j]) for j, k in enumerate(KINDS)})
        rows.append(row)
    return rows


def runs_columns(result: Result) -> list[str]:
    """The columns of :meth:`Result.runs_table`, in order."""
    uncertain = [d.path for d in result.model.draws if dist.is_uncertain(d.quantity)]
    return (["run", "fte_total", "cost"] + [f"fte_{r}" for r in result.roles]
            + [f"hours_{k}" for k in KINDS] + ["crises", "productive_hours_per_fte"]
            + [f"input:{p}" for p in uncertain])


def iter_runs(result: Result) -> Iterator[dict[str, Any]]:
    """The rows of :meth:`Result.runs_table` one at a time, so that a file of 100,000 runs is
    written without holding every row."""
    fte = result.fte_by_role()
    kinds = result.hours_by_kind()
    total = fte.sum(axis=1)
    cost = result.cost()
    uncertain = [d.path for d in result.model.draws if dist.is_uncertain(d.quantity)]
    for n in range(result.runs):
        row: dict[str, Any] = {"run": n, "fte_total": total[n], "cost": cost[n]}
        row.update({f"fte_{r}": fte[n, i] for i, r in enumerate(result.roles)})
        row.update({f"hours_{k}": kinds[n, j] for j, k in enumerate(KINDS)})
        row["crises"] = int(result.arrays["crisis_count"][n])
        row["productive_hours_per_fte"] = result.productive_hours_per_fte[n]
        row.update({f"input:{p}": result.inputs[p][n] for p in uncertain})
        yield row


def weekly_table(result: Result) -> list[dict[str, Any]]:
    """One row per week: demand hours P10/P50/P90, crisis hours, capacity of today's team."""
    demand = result.weekly_demand_hours()
    lo, mid, hi = np.percentile(demand, [10, 50, 90], axis=0)
    crisis = result.arrays["weekly_crisis_hours"].mean(axis=0)
    share = result.arrays["crisis_weeks"].mean(axis=0)
    start = result.model.year.start
    rows = []
    for w in range(WEEKS):
        row = {
            "week": w + 1,
            "week_start": (start + np.timedelta64(7 * w, "D").astype(object)).isoformat(),
            "demand_hours_p10": float(lo[w]),
            "demand_hours_p50": float(mid[w]),
            "demand_hours_p90": float(hi[w]),
            "crisis_hours_mean": float(crisis[w]),
            "chance_of_crisis": float(share[w]),
            "calendar": ", ".join(p.name for p in result.model.periods if p.weeks[w]),
        }
        if result.has_current_staff:
            row["current_capacity_hours"] = float(
                result.arrays["current_capacity_per_week"].mean()
            )
        rows.append(row)
    return rows
