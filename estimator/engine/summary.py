"""The summary of a simulation: the plain, JSON-ready dictionary that ``estimator run
--json`` prints and every output reads (the terminal, the files, the brief, the dashboard),
and the inputs the engine drew, as a reader would check them.

Each function reads a :class:`~estimator.engine.result.Result`, whose :meth:`summary` and
:meth:`assumptions` call them (the summary is computed once per set of percentiles).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine.compile import KINDS
from estimator.engine.headcount import COMBINE_BELOW_FTE
from estimator.engine.input_names import input_label
from estimator.engine.intervals import with_intervals
from estimator.engine.reply_targets import reply_share
from estimator.engine.role_profiles import role_profiles
from estimator.engine.sensitivity import risk_summary
from estimator.scenario import quantities as dist

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any


def _stats(x: NDArray, percentiles: tuple[float, ...]) -> dict[str, float]:
    out = {"mean": float(np.mean(x))}
    for p in percentiles:
        out[f"p{p:g}"] = float(np.percentile(x, p))
    return out


def build_summary(result: Result, percentiles: tuple[float, ...]) -> dict[str, Any]:
    """The summary at ``percentiles`` (:meth:`Result.summary` adds the default ones and
    keeps it): what the scenario is, the work needed, the plan, the replies, the inputs and
    what moves the answer, today's team, the calendar's peaks and the roles' profiles."""
    s = result.model.scenario
    recommended = result.recommended_fte()
    out: dict[str, Any] = {
        **_about(result),
        **_need(result, percentiles),
        **_plan(result),
        **_replies(result),
        "public_holidays": [f"{d.isoformat()} {n}" for d, n in result.model.year.holiday_names],
        "assumptions": result.assumptions(),
        "sensitivity": result.input_swing(5),
    }
    out.update(risk_summary(result, lambda path: input_label(s, path)))
    if result.has_current_staff:
        out["current_staff"] = result.current_staff_summary()
    out["calendar_peaks"] = result.calendar_peaks(recommended)
    out["role_profiles"] = role_profiles(result, out.get("headcount_by_role"))
    return out


def _about(result: Result) -> dict[str, Any]:
    """What was simulated: the scenario, its year and currency, runs, seed, version."""
    from estimator._version import __version__

    s = result.model.scenario
    return {
        "scenario": result.scenario_name,
        "year": s.scenario.year,
        "runs": result.runs,
        "seed": result.seed,
        "currency": s.scenario.currency,
        "role_labels": dict(zip(result.roles, result.role_labels, strict=True)),
        "version": __version__,
        "created": result.created,
    }


def _need(result: Result, percentiles: tuple[float, ...]) -> dict[str, Any]:
    """The work needed: one FTE's hours, FTE in all and by role, hours, and their cost."""
    fte = result.fte_by_role()
    hours_kind = result.hours_by_kind()
    cost = result.cost()
    return {
        "contracted_hours_per_fte": result.contracted_hours_per_fte,
        "productive_hours_per_fte": _stats(result.productive_hours_per_fte, (10, 50, 90)),
        "shrinkage": float(np.mean(result.shrinkage)),
        "shrinkage_percentiles": _stats(result.shrinkage, (10, 50, 90)),
        "fte_total": with_intervals(_stats(result.fte_total(), percentiles),
                                    result.fte_total(), percentiles),
        "fte_by_role": {r: _stats(fte[:, i], percentiles) for i, r in enumerate(result.roles)},
        "hours_by_work": {k: _stats(hours_kind[:, i], (10, 50, 90))
                          for i, k in enumerate(KINDS)},
        "hours_by_role": {r: _stats(h, (50, 90)) for r, h in
                          zip(result.roles, result.hours_by_role().T, strict=True)},
        "cost_total": {**with_intervals(_stats(cost, (50, 90)), cost, (50, 90)),
                       "plan": result.recommended_cost()},
    }


def _plan(result: Result) -> dict[str, Any]:
    """The recommended team: FTE by role, its cost, the weeks it covers, it in people."""
    recommended = result.recommended_fte()
    plan = result.plan()
    headcount = result.headcount()
    combined = result.combined_headcount()
    return {
        "plan_percentile": result.percentile,
        "recommended_fte": recommended,
        "recommended_fte_total": round(sum(recommended.values()), 6),
        "recommended_cost": result.recommended_cost(),
        "plan_weeks_covered_share": plan.weeks_covered_share,
        "plan_roles_own_percentiles_fte_total": plan.lower_bound_fte,
        "combine_or_contract": [r for r, x in recommended.items()
                                if 0 < x < COMBINE_BELOW_FTE],
        "headcount_by_role": {r: h["people"] for r, h in headcount.items()},
        "headcount_combined": combined,
        "headcount_total": sum(h["people"] for h in headcount.values())
        + (combined["people"] if combined else 0),
        "headcount_detail": headcount,
        "roster": result.roster_rows(),
    }


def _replies(result: Result) -> dict[str, Any]:
    """Coverage, crises and replies: on target, by channel, outside covered hours."""
    a = result.arrays
    return {
        "coverage_hours_per_year": int(result.model.covered.sum()),
        "coverage_hours_with_crises_mean": float(a["covered_hours"].mean()),
        "crises_per_year_mean": float(a["crisis_count"].mean()),
        # messages beyond the staffed surge (crises.triage): a holding reply, not the queue
        "crisis_triaged_messages": _stats(a["crisis_triaged_messages"], (90,)),
        "replies_per_year_mean": float(a["replies"].mean()),
        "replies_within_target_share": reply_share(
            a["replies_within_target"].sum(), a["replies"].sum()
        ),
        "replies_by_channel": result.replies_by_channel(),
        "coverage_fix": result.coverage_fix(),
        "replies_outside_coverage_share": 1.0 - reply_share(
            a["replies"].sum() - a["replies_outside_coverage"].sum(),
            a["replies"].sum(),
        ),
    }


def assumptions(result: Result) -> dict[str, str]:
    """Every uncertain or fixed input the engine drew, as a reader would check it."""
    s = result.model.scenario
    out = {d.path: dist.describe(d.quantity) for d in result.model.draws}
    for i, ch in enumerate(s.channels):  # per message: their means are used, not draws
        for name in ("handle_minutes", "reply_within_minutes", "service_level", "daily_cv"):
            out[f"channels[{i}].{name}"] = dist.describe(getattr(ch, name))
    for i, sev in enumerate(s.crises.severity):  # per crisis: drawn for each one
        for name in ("share", "days", "surge", "half_life_hours"):
            out[f"crises.severity[{i}].{name}"] = dist.describe(getattr(sev, name))
    cap = s.capacity
    cov = s.coverage
    out.update({
        "capacity.hours_per_week": f"{cap.hours_per_week:g}",
        "capacity.days_per_week": f"{cap.days_per_week}",
        "capacity.max_shift_hours": f"{cap.max_shift_hours}",
        "capacity.max_occupancy": f"{cap.max_occupancy:g}",
        "coverage.weekdays": cov.weekdays or "none",
        "coverage.weekends": cov.weekends or "none",
        "coverage.holidays": cov.holidays,
        "coverage.min_on_duty": f"{cov.min_on_duty}",
        "coverage.during_crisis": cov.during_crisis,
        "coverage.backlog_hours": f"{cov.backlog_hours}",
        "engagement.shared_day_share": f"{s.engagement.shared_day_share:g}",
        "crises.triage.staffed_surge_max": f"{s.crises.triage.staffed_surge_max:g}",
        "crises.triage.holding_reply_seconds": f"{s.crises.triage.holding_reply_seconds:g}",
    })
    return out
