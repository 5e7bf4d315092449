"""The outcome of a simulation: per-run arrays, percentiles, the summary and tidy tables.

Nothing here draws; :mod:`estimator.report.charts` reads a :class:`Result` to plot it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS_PER_WEEK, WEEKS
from estimator.engine.compile import KINDS
from estimator.engine.intervals import with_intervals
from estimator.engine.plan import Plan, least_team
from estimator.engine.role_profiles import role_profiles
from estimator.engine.roster import RosterWeek, roster_week, with_bench
from estimator.engine.sensitivity import risk_summary
from estimator.engine.staffing import allocate, fte_by_role
from estimator.engine.todays_week import todays_week
from estimator.scenario import quantities as dist

if TYPE_CHECKING:
    from estimator.engine.compile import Model

DEFAULT_PERCENTILES = (50, 90, 95)
#: Roles planned under this many FTE are candidates to combine with another or contract.
COMBINE_BELOW_FTE = 0.5


def _stats(x: NDArray, percentiles: tuple[float, ...] = DEFAULT_PERCENTILES) -> dict[str, float]:
    out = {"mean": float(np.mean(x))}
    for p in percentiles:
        out[f"p{p:g}"] = float(np.percentile(x, p))
    return out


def round_up(value: float, step: float) -> float:
    """``value`` rounded up to a whole number of ``step`` (0.1 FTE by default).

    >>> round_up(1.01, 0.1), round_up(0.3, 0.1), round_up(0.0, 0.25)
    (1.1, 0.3, 0.0)
    """
    return round(math.ceil(value / step - 1e-9) * step, 6)


@dataclass
class Result:
    """What :func:`estimator.engine.runner` returns.

    Attributes
    ----------
    model
        The compiled scenario (``model.scenario`` is the scenario itself).
    runs, seed
        As simulated.
    inputs
        Each run's draw of every uncertain input, by field path, e.g.
        ``inputs["channels[0].per_day"]``; and ``productive_hours_per_fte``.
    arrays
        Per-run results: ``hours_by_role_kind`` (runs, roles, kinds), ``weekly_hours_by_role``
        (runs, roles, 52), ``weekly_crisis_hours`` (runs, 52), ``on_duty_by_hour_of_week``
        (runs, 168, mean people on duty), ``crisis_count``, ``crisis_weeks`` (runs, 52),
        ``crisis_triaged_messages`` (messages beyond the staffed surge, given a holding reply),
        ``replies`` and ``replies_within_target`` (with the needed team), ``covered_hours``;
        with current staff, ``current_*``.
    """

    model: Model
    runs: int
    seed: int
    inputs: dict[str, NDArray[np.float64]]
    arrays: dict[str, NDArray]
    created: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    _plans: dict[float, Plan] = field(default_factory=dict, init=False, repr=False)
    _rosters: dict[str, RosterWeek] | None = field(default=None, init=False, repr=False)
    #: How a run to a precision ended (:func:`estimator.engine.runner.simulate_to_precision`).
    precision: dict[str, Any] | None = None
    _summaries: dict[tuple[float, ...], dict[str, Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # ------------------------------------------------------------------ basics
    @property
    def scenario_name(self) -> str:
        return self.model.scenario.scenario.name

    @property
    def roles(self) -> tuple[str, ...]:
        return self.model.roles

    @property
    def role_labels(self) -> list[str]:
        return [self.model.scenario.role_label(r) for r in self.roles]

    @property
    def kinds(self) -> tuple[str, ...]:
        return KINDS

    @property
    def salaries(self) -> NDArray[np.float64]:
        return np.array([self.model.scenario.roles[r].salary for r in self.roles])

    @property
    def percentile(self) -> float:
        """The percentile the scenario plans at (``[plan] percentile``)."""
        return self.model.scenario.plan.percentile

    @property
    def productive_hours_per_fte(self) -> NDArray[np.float64]:
        return self.inputs["productive_hours_per_fte"]

    @property
    def contracted_hours_per_fte(self) -> float:
        return self.model.scenario.capacity.hours_per_week * WEEKS

    @property
    def shrinkage(self) -> NDArray[np.float64]:
        return 1.0 - self.productive_hours_per_fte / self.contracted_hours_per_fte

    # ------------------------------------------------------------------ hours and FTE
    def hours_by_role(self) -> NDArray[np.float64]:
        """(runs, roles) hours a year."""
        return self.arrays["hours_by_role_kind"].sum(axis=2)

    def hours_by_kind(self) -> NDArray[np.float64]:
        """(runs, kinds) hours a year."""
        return self.arrays["hours_by_role_kind"].sum(axis=1)

    def fte_by_role(self) -> NDArray[np.float64]:
        """(runs, roles) FTE needed: annual hours over productive hours per FTE."""
        return self.hours_by_role() / self.productive_hours_per_fte[:, None]

    def fte_total(self) -> NDArray[np.float64]:
        """(runs,) total FTE needed."""
        return self.fte_by_role().sum(axis=1)

    def cost(self) -> NDArray[np.float64]:
        """(runs,) yearly cost of the FTE needed, by each role's salary."""
        return self.fte_by_role() @ self.salaries

    def fte_by_kind(self) -> NDArray[np.float64]:
        """(runs, kinds) FTE needed by kind of work."""
        return self.hours_by_kind() / self.productive_hours_per_fte[:, None]

    def risk_curve(self, team_fte: NDArray[np.float64] | None = None) -> dict[str, NDArray]:
        """For each team size (total FTE), the recommended team's mix of roles scaled to that
        size: the chance the year's work fits (every role's), and the share of weeks whose
        work fits (every role's, on-duty hours included). At the plan's own size the share
        of weeks is the plan's ``plan_weeks_covered_share``."""
        plan = self.plan()
        total_plan = float(plan.fte.sum())
        if team_fte is None:
            hi = max(float(np.percentile(self.fte_total(), 99.5)), total_plan) * 1.3
            team_fte = np.round(np.arange(0.0, max(hi, 1.0) + 0.05, 0.1), 6)
        team_fte = np.asarray(team_fte, dtype=np.float64)
        mix = plan.fte / total_plan if total_plan > 0 else np.ones(len(self.roles))
        # the least scale of the mix that meets each year, and each week
        year = _least_scale(self.fte_by_role(), mix).ravel()
        per_week = (self.productive_hours_per_fte / WEEKS)[:, None]
        week = np.zeros(self.runs * WEEKS)
        hours = self.arrays["weekly_hours_by_role"]
        for r in range(len(self.roles)):
            need = (hours[:, r, :] / per_week).ravel()
            np.maximum(week, _least_scale(need[:, None], mix[r : r + 1]).ravel(), out=week)
        year.sort()
        week.sort()
        tol = 1 + 1e-9
        return {
            "team_fte": team_fte,
            "chance_year_met": np.searchsorted(year, team_fte * tol + 1e-12, "right") / year.size,
            "share_weeks_met": np.searchsorted(week, team_fte * tol + 1e-12, "right") / week.size,
        }

    def weekly_fte_by_role(self) -> NDArray[np.float64]:
        """(runs, roles, 52) FTE each week's work needs (average productive week)."""
        per_week = self.productive_hours_per_fte / WEEKS
        return self.arrays["weekly_hours_by_role"] / per_week[:, None, None]

    def weekly_demand_hours(self) -> NDArray[np.float64]:
        """(runs, 52) hours of work each week, all roles."""
        return self.arrays["weekly_hours_by_role"].sum(axis=1, dtype=np.float64)

    def typical_week_hours(self, *, crisis: bool = False) -> float:
        """Hours of work in a typical week: the median over simulated weeks without a crisis
        (``crisis=True``: over the weeks with one). The one definition every output uses;
        NaN when there is no such week."""
        demand = self.weekly_demand_hours()
        weeks = self.arrays["crisis_weeks"] == crisis
        return float(np.median(demand[weeks])) if weeks.any() else float("nan")

    def plan(self, percentile: float | None = None) -> Plan:
        """The recommended team: the least FTE by role (in ``plan.fte_step`` steps) that
        meets all roles' weekly work together in ``percentile``% of the simulated weeks
        (:func:`estimator.engine.plan.least_team`)."""
        p = self.percentile if percentile is None else percentile
        if p not in self._plans:
            self._plans[p] = least_team(
                self.arrays["weekly_hours_by_role"], self.productive_hours_per_fte, p / 100,
                self.model.scenario.plan.fte_step,
            )
        return self._plans[p]

    def recommended_fte(self, percentile: float | None = None) -> dict[str, float]:
        """FTE by role of the recommended team (:meth:`plan`)."""
        fte = self.plan(percentile).fte
        return {r: float(x) for r, x in zip(self.roles, fte, strict=True)}

    def recommended_cost(self, percentile: float | None = None) -> float:
        """Yearly cost of the recommended team: its FTE by role times each role's salary."""
        return float(self.plan(percentile).fte @ self.salaries)

    def chance_staff_enough(self, fte: float) -> float:
        """Share of runs whose total FTE needed is at most ``fte``."""
        return float(np.mean(self.fte_total() <= fte + 1e-9))

    # ------------------------------------------------------------------ people and roster
    def on_duty_required(self) -> dict[str, NDArray[np.int64]]:
        """(168,) whole people each role with on-duty hours needs on duty in a typical week,
        Monday 00:00 first.

        The median over runs of each hour of the week's mean people on duty, rounded to
        whole people; at least ``coverage.min_on_duty`` for the on-duty role in the hours the
        coverage covers in most weeks (crisis hours outside them round away)."""
        by_role = self.arrays["on_duty_by_role_hour_of_week"].astype(np.float32)
        median = np.median(by_role, axis=0)  # (hourly roles, 168)
        weeks = self.model.covered.reshape(WEEKS, HOURS_PER_WEEK)
        typical = weeks.mean(axis=0) > 0.5
        out = {}
        for i, r in enumerate(self.model.hourly_roles):
            need = np.floor(median[i] + 0.5).astype(np.int64)
            need[~typical] = np.where(median[i][~typical] >= 0.5, need[~typical], 0)
            if r == self.model.on_duty_role:
                need[typical] = np.maximum(need[typical], self.model.min_on_duty)
            out[self.roles[r]] = need
        return out

    def rosters(self) -> dict[str, RosterWeek]:
        """Each on-duty role's week of shifts (:func:`estimator.engine.roster.roster_week`)."""
        if self._rosters is None:
            cap = self.model.scenario.capacity
            self._rosters = {
                role: roster_week(need, max_shift_hours=cap.max_shift_hours,
                                  days_per_week=cap.days_per_week,
                                  hours_per_week=cap.hours_per_week)
                for role, need in self.on_duty_required().items()
            }
        return self._rosters

    def bench_days(self) -> tuple[float, float]:
        """(working days a year to cover, days a person is away in them), means over runs.

        Leave and sickness always need cover; public holidays only where they are covered."""
        cap = self.model.scenario.capacity
        days = cap.days_per_week * WEEKS
        away = float(self.inputs["capacity.vacation_days"].mean()
                     + self.inputs["capacity.sick_days"].mean())
        if self.model.scenario.coverage.holidays == "none":
            days -= self.model.holiday_workdays
        else:
            away += self.model.holiday_workdays
        return float(days), away

    def headcount(self) -> dict[str, dict[str, Any]]:
        """People by role: ``rostered`` (the roster's people), ``bench`` (more people to keep
        it staffed through leave and sickness), ``plan_fte`` and ``people``: the larger of
        rostered + bench and the plan's FTE rounded up to whole people.

        A role under half an FTE with no shifts to staff is not a person of its own
        (``combined``: true, ``people`` 0): such roles are counted together by
        :meth:`combined_headcount`, as one or more people who combine them, or a contract.
        """
        days, away = self.bench_days()
        rosters = self.rosters()
        out = {}
        for r, fte in self.recommended_fte().items():
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

    def combined_headcount(self) -> dict[str, Any] | None:
        """The roles under half an FTE with no shifts, together: ``roles``, their ``fte``
        and the ``people`` it takes if one person combines them (or a contract for that many
        FTE); None when there are none."""
        small = {r: d["plan_fte"] for r, d in self.headcount().items() if d["combined"]}
        if not small:
            return None
        fte = round(sum(small.values()), 6)
        return {"roles": list(small), "fte": fte, "people": math.ceil(fte - 1e-9)}

    def roster_rows(self) -> list[dict[str, Any]]:
        """A typical week's shifts: ``person``, ``role``, ``day`` (Mon..Sun), ``start`` and
        ``end`` (HH:MM), ``hours``."""
        rows = []
        for role, week in self.rosters().items():
            label = self.model.scenario.role_label(role)
            for s in week.shifts:
                start, end = s.clock()
                rows.append({"person": f"{label} {s.person + 1}", "role": role, "day": s.day,
                             "start": start, "end": end, "hours": s.hours})
        return rows

    # ------------------------------------------------------------------ today's staff
    @property
    def has_current_staff(self) -> bool:
        return self.model.current_staff is not None

    def current_staff_fte(self) -> dict[str, float]:
        """Today's FTE by role: each person's FTE split over their roles as their year's
        work goes (mean over runs, :func:`estimator.engine.staffing.fte_by_role`), adding up
        to today's total FTE."""
        team = self.model.current_staff
        if team is None:
            return {}
        fte = fte_by_role(self.hours_by_role(), self.productive_hours_per_fte, team).mean(axis=0)
        return {r: round(float(x), 9) for r, x in zip(self.roles, fte, strict=True)}

    def current_people(self) -> list[dict[str, Any]]:
        """Today's people: ``name``, ``fte`` and ``roles`` (a shorthand role = FTE is one
        entry named by its role)."""
        team = self.model.current_staff
        if team is None:
            return []
        return [
            {"name": n, "fte": float(f), "roles": [r for r, c in zip(self.roles, row, strict=True)
                                                   if c]}
            for n, f, row in zip(team.names, team.fte, team.can, strict=True)
        ]

    def chance_today_enough(self) -> float:
        """Share of runs in which today's people can do the whole year's work, each person
        only in the roles they can do."""
        team = self.model.current_staff
        if team is None:
            return float("nan")
        fte, can = team.groups()
        demand = self.hours_by_role()
        done = allocate(demand, self.productive_hours_per_fte[:, None] * fte, can)
        return float(np.mean((demand - done).sum(axis=1) <= 1e-6 * (1 + demand.sum(axis=1))))

    def current_staff_summary(self) -> dict[str, Any]:
        """What today's team gets (see :mod:`estimator.engine.staffing`)."""
        a = self.arrays
        staff = self.model.current_staff.fte_total  # type: ignore[union-attr]
        overloaded = a["current_weeks_overloaded"]
        overtime = a["current_overtime_weekly"]
        replies = a["current_replies_weekly"]
        within = a["current_replies_within_weekly"]
        crisis_weeks = a["crisis_weeks"]
        gap = self.fte_total() - staff
        unstaffed = a["current_unstaffed_hours"].mean(axis=0)
        out: dict[str, Any] = {
            "people": self.current_people(),
            "fte": self.current_staff_fte(),
            "fte_total": staff,
            "capacity_hours_per_week_mean": float(a["current_capacity_per_week"].mean()),
            "gap_fte_p50": float(np.percentile(gap, 50)),
            "gap_fte_p90": float(np.percentile(gap, 90)),
            "chance_enough": self.chance_today_enough(),
            "weeks_overloaded_share": float(overloaded.mean()),
            "overtime_hours_mean": float(overtime.sum(axis=1, dtype=np.float64).mean()),
            "replies_within_target_share": _share(
                within.sum(dtype=np.float64), replies.sum(dtype=np.float64)
            ),
            "unstaffed_hours_by_role": {r: float(h) for r, h in
                                        zip(self.roles, unstaffed, strict=True)},
            "unstaffed_hours_total": float(unstaffed.sum()),
        }
        out["time_audit"] = todays_week(
            self, out["capacity_hours_per_week_mean"], out.get("unstaffed_hours_by_role"))
        if crisis_weeks.any():
            out["crisis_week"] = {
                "weeks_with_crisis_mean": float(crisis_weeks.sum(axis=1).mean()),
                "demand_hours_p50": self.typical_week_hours(crisis=True),
                "typical_week_demand_hours_p50": self.typical_week_hours(),
                "overtime_hours_mean": float(overtime[crisis_weeks].mean(dtype=np.float64)),
                "weeks_overloaded_share": float(overloaded[crisis_weeks].mean()),
                "replies_within_target_share": _share(
                    within[crisis_weeks].sum(dtype=np.float64),
                    replies[crisis_weeks].sum(dtype=np.float64),
                ),
            }
        return out

    # ------------------------------------------------------------------ summary
    def summary(self, percentiles: tuple[float, ...] = DEFAULT_PERCENTILES) -> dict[str, Any]:
        """The plain, JSON-ready dictionary that ``estimator run --json`` prints.

        Computed once per set of percentiles and shared by every output (the terminal, the
        files, the brief, the dashboard): treat it as read-only.
        """
        key = tuple(sorted(set(DEFAULT_PERCENTILES) | set(percentiles)))
        if key not in self._summaries:
            self._summaries[key] = self._summary(key)
        return self._summaries[key]

    def _summary(self, percentiles: tuple[float, ...]) -> dict[str, Any]:
        from estimator._version import __version__

        fte = self.fte_by_role()
        recommended = self.recommended_fte()
        rec_total = round(sum(recommended.values()), 6)
        plan = self.plan()
        headcount = self.headcount()
        combined = self.combined_headcount()
        hours_kind = self.hours_by_kind()
        cost = self.cost()
        s = self.model.scenario
        out: dict[str, Any] = {
            "scenario": self.scenario_name,
            "year": s.scenario.year,
            "runs": self.runs,
            "seed": self.seed,
            "currency": s.scenario.currency,
            "role_labels": dict(zip(self.roles, self.role_labels, strict=True)),
            "version": __version__,
            "created": self.created,
            "contracted_hours_per_fte": self.contracted_hours_per_fte,
            "productive_hours_per_fte": _stats(self.productive_hours_per_fte, (10, 50, 90)),
            "shrinkage": float(np.mean(self.shrinkage)),
            "shrinkage_percentiles": _stats(self.shrinkage, (10, 50, 90)),
            "fte_total": with_intervals(_stats(self.fte_total(), percentiles),
                                        self.fte_total(), percentiles),
            "fte_by_role": {r: _stats(fte[:, i], percentiles) for i, r in enumerate(self.roles)},
            "hours_by_work": {k: _stats(hours_kind[:, i], (10, 50, 90))
                              for i, k in enumerate(KINDS)},
            "hours_by_role": {r: _stats(h, (50, 90)) for r, h in
                              zip(self.roles, self.hours_by_role().T, strict=True)},
            "cost_total": {**with_intervals(_stats(cost, (50, 90)), cost, (50, 90)),
                           "plan": self.recommended_cost()},
            "plan_percentile": self.percentile,
            "recommended_fte": recommended,
            "recommended_fte_total": rec_total,
            "recommended_cost": self.recommended_cost(),
            "plan_weeks_covered_share": plan.weeks_covered_share,
            "plan_roles_own_percentiles_fte_total": plan.lower_bound_fte,
            "combine_or_contract": [r for r, x in recommended.items()
                                    if 0 < x < COMBINE_BELOW_FTE],
            "headcount_by_role": {r: h["people"] for r, h in headcount.items()},
            "headcount_combined": combined,
            "headcount_total": sum(h["people"] for h in headcount.values())
            + (combined["people"] if combined else 0),
            "headcount_detail": headcount,
            "roster": self.roster_rows(),
            "coverage_hours_per_year": int(self.model.covered.sum()),
            "coverage_hours_with_crises_mean": float(self.arrays["covered_hours"].mean()),
            "crises_per_year_mean": float(self.arrays["crisis_count"].mean()),
            # messages beyond the staffed surge (crises.triage): a holding reply, not the queue
            "crisis_triaged_messages": _stats(self.arrays["crisis_triaged_messages"], (90,)),
            "replies_per_year_mean": float(self.arrays["replies"].mean()),
            "replies_within_target_share": _share(
                self.arrays["replies_within_target"].sum(), self.arrays["replies"].sum()
            ),
            "replies_outside_coverage_share": 1.0 - _share(
                self.arrays["replies"].sum() - self.arrays["replies_outside_coverage"].sum(),
                self.arrays["replies"].sum(),
            ),
            "public_holidays": [f"{d.isoformat()} {n}" for d, n in self.model.year.holiday_names],
            "assumptions": self.assumptions(),
            "sensitivity": self.input_swing(5),
        }
        out.update(risk_summary(self, lambda path: input_label(s, path)))
        if self.has_current_staff:
            out["current_staff"] = self.current_staff_summary()
        out["calendar_peaks"] = self.calendar_peaks(recommended)
        out["role_profiles"] = role_profiles(self, out.get("headcount_by_role"))
        return out

    def calendar_peaks(self, recommended: dict[str, float] | None = None) -> list[dict[str, Any]]:
        """Each calendar period: the extra hours a week it brings, and whether the planned
        team covers its weeks (the plan's percentile of demand within the team's productive
        hours) or it needs temporary help, and how much."""
        periods = self.model.periods
        if not periods:
            return []
        recommended = self.recommended_fte() if recommended is None else recommended
        demand = self.weekly_demand_hours()
        per_week = self.productive_hours_per_fte / WEEKS
        plan_hours = float(sum(recommended.values()) * per_week.mean())
        in_any = np.logical_or.reduce([p.weeks for p in periods])
        ordinary = demand[:, ~in_any].mean(axis=1) if (~in_any).any() else demand.mean(axis=1)
        start = self.model.year.start
        out = []
        for p in periods:
            weeks = np.flatnonzero(p.weeks)
            if weeks.size == 0:
                out.append({"name": p.name, "weeks": [], "in_planning_year": False})
                continue
            extra = float((demand[:, weeks].mean(axis=1) - ordinary).mean())
            at_plan = np.percentile(demand[:, weeks], self.percentile, axis=0)
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

    def assumptions(self) -> dict[str, str]:
        """Every uncertain or fixed input the engine drew, as a reader would check it."""
        s = self.model.scenario
        out = {d.path: dist.describe(d.quantity) for d in self.model.draws}
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

    # ------------------------------------------------------------------ tables
    def by_role_table(self) -> list[dict[str, Any]]:
        """One row per role: FTE percentiles, recommendation, cost and hours by kind."""
        fte = self.fte_by_role()
        hours = self.arrays["hours_by_role_kind"].mean(axis=0)
        recommended = self.recommended_fte()
        headcount = self.headcount()
        rows = []
        for i, r in enumerate(self.roles):
            row: dict[str, Any] = {
                "role": r,
                "label": self.role_labels[i],
                "salary": float(self.salaries[i]),
                "fte_mean": float(fte[:, i].mean()),
                "fte_p50": float(np.percentile(fte[:, i], 50)),
                "fte_p90": float(np.percentile(fte[:, i], 90)),
                "fte_p95": float(np.percentile(fte[:, i], 95)),
                "recommended_fte": recommended[r],
                "recommended_cost": recommended[r] * float(self.salaries[i]),
                "headcount": headcount[r]["people"],
                "headcount_combined": headcount[r]["combined"],
                "current_fte": self.current_staff_fte().get(r, 0.0),
            }
            row.update({f"hours_{k}_mean": float(hours[i, j]) for j, k in enumerate(KINDS)})
            rows.append(row)
        return rows

    def runs_table(self) -> list[dict[str, Any]]:
        """One row per run: totals, FTE by role, hours by kind and the inputs drawn."""
        return list(self.iter_runs())

    def runs_columns(self) -> list[str]:
        """The columns of :meth:`runs_table`, in order."""
        uncertain = [d.path for d in self.model.draws if dist.is_uncertain(d.quantity)]
        return (["run", "fte_total", "cost"] + [f"fte_{r}" for r in self.roles]
                + [f"hours_{k}" for k in KINDS] + ["crises", "productive_hours_per_fte"]
                + [f"input:{p}" for p in uncertain])

    def iter_runs(self) -> Iterator[dict[str, Any]]:
        """The rows of :meth:`runs_table` one at a time, so that a file of 100,000 runs is
        written without holding every row."""
        fte = self.fte_by_role()
        kinds = self.hours_by_kind()
        total = fte.sum(axis=1)
        cost = self.cost()
        uncertain = [d.path for d in self.model.draws if dist.is_uncertain(d.quantity)]
        for n in range(self.runs):
            row: dict[str, Any] = {"run": n, "fte_total": total[n], "cost": cost[n]}
            row.update({f"fte_{r}": fte[n, i] for i, r in enumerate(self.roles)})
            row.update({f"hours_{k}": kinds[n, j] for j, k in enumerate(KINDS)})
            row["crises"] = int(self.arrays["crisis_count"][n])
            row["productive_hours_per_fte"] = self.productive_hours_per_fte[n]
            row.update({f"input:{p}": self.inputs[p][n] for p in uncertain})
            yield row

    def weekly_table(self) -> list[dict[str, Any]]:
        """One row per week: demand hours P10/P50/P90, crisis hours, capacity of today's team."""
        demand = self.weekly_demand_hours()
        lo, mid, hi = np.percentile(demand, [10, 50, 90], axis=0)
        crisis = self.arrays["weekly_crisis_hours"].mean(axis=0)
        share = self.arrays["crisis_weeks"].mean(axis=0)
        start = self.model.year.start
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
                "calendar": ", ".join(p.name for p in self.model.periods if p.weeks[w]),
            }
            if self.has_current_staff:
                row["current_capacity_hours"] = float(
                    self.arrays["current_capacity_per_week"].mean()
                )
            rows.append(row)
        return rows

    def on_duty_profile(self) -> NDArray[np.float64]:
        """(7, 24) median people needed on duty by weekday and hour (mean over weeks)."""
        med = np.median(self.arrays["on_duty_by_hour_of_week"], axis=0)
        return med.reshape(7, 24) if med.size == HOURS_PER_WEEK else med

    def input_influence(self) -> dict[str, float]:
        """Rank (Spearman) correlation of each uncertain input drawn per run with the total
        FTE needed, largest in size first: the assumptions that move the answer most."""
        from scipy.stats import rankdata

        total = self.fte_total()
        out: dict[str, float] = {}
        for d in self.model.draws:
            x = self.inputs.get(d.path)
            if x is None or not dist.is_uncertain(d.quantity):
                continue
            if np.ptp(x) == 0 or np.ptp(total) == 0:
                out[d.path] = 0.0
            else:
                out[d.path] = float(np.corrcoef(rankdata(x), rankdata(total))[0, 1])
        return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))

    def input_swing(self, top: int = 8) -> list[dict[str, Any]]:
        """What the uncertain inputs that matter most do to the answer.

        For each of the ``top`` inputs with the largest rank correlation with the total FTE:
        the median total FTE in the runs where it drew its lowest tenth of values, and in
        those where it drew its highest tenth (the other inputs vary as they do). This is a
        one-at-a-time reading of the same runs, no extra simulation.
        """
        total = self.fte_total()
        rows = []
        for path, rho in list(self.input_influence().items())[:top]:
            x = self.inputs[path]
            lo, hi = np.percentile(x, [10, 90])
            rows.append({
                "path": path,
                "label": input_label(self.model.scenario, path),
                "correlation": rho,
                "low_value": float(lo),
                "high_value": float(hi),
                "fte_p50_when_low": float(np.median(total[x <= lo])),
                "fte_p50_when_high": float(np.median(total[x >= hi])),
            })
        return rows


def input_context(scenario: Any, path: str) -> str:
    """Which item of the scenario a field path belongs to, as a reader names it.

    >>> from estimator import load_scenario
    >>> input_context(load_scenario("tests/data/model_example.toml"), "channels[0].per_day")
    'Replies: Instagram comments and DMs'
    """
    m = re.match(r"(content|channels|work|calendar)\[(\d+)\]", path)
    if m:
        item = getattr(scenario, m[1])[int(m[2])]
        return {"content": lambda: f"Content: {item.format}",
                "channels": lambda: f"Replies: {item.platform} {item.kind}",
                "work": lambda: f"Recurring: {item.task}",
                "calendar": lambda: f"Calendar: {item.name}"}[m[1]]()
    m = re.match(r"crises\.severity\[(\d+)\]", path)
    if m:
        return f"Crises: {scenario.crises.severity[int(m[1])].name}"
    return {"capacity": "One FTE", "coverage": "Coverage", "monitoring": "Monitoring",
            "crises": "Crises", "roles": "Roles", "plan": "Plan"}.get(path.split(".")[0], "")


def input_label(scenario: Any, path: str) -> str:
    """A short name for an input: its item and its field, e.g. ``Content: photo post,
    effort hours (Writer)``."""
    parts = re.findall(r"[^.\[\]]+", path)
    field = parts[-1]
    role = None
    if field in scenario.roles and len(parts) >= 2:
        role, field = scenario.role_label(field), parts[-2]
    text = field.replace("_", " ").replace("per 1000", "per 1,000")
    context = input_context(scenario, path)
    label = f"{context}, {text}" if context else text
    return f"{label} ({role})" if role else label


def _least_scale(need: NDArray[np.float64], mix: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n,) the least total FTE of a team with role shares ``mix`` whose every role's FTE
    covers ``need`` (n, roles) FTE; infinite where a role the mix leaves out is needed."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(need > 0, need / mix, 0.0)
    return ratio.max(axis=1)


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 1.0
