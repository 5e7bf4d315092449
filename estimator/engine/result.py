"""The outcome of a simulation: :class:`Result`, the per-run arrays and every measure read
from them.

The result holds what was simulated and the measures of the work needed (hours, FTE, cost,
the risk curve, the recommended team); it reads the rest through functions that take it,
one module for each job: :mod:`~estimator.engine.headcount` (the plan in people and
shifts), :mod:`~estimator.engine.todays_team` (what today's team gets),
:mod:`~estimator.engine.reply_targets` (replies against their targets, the coverage fix),
:mod:`~estimator.engine.calendar_peaks` (busy periods against the plan),
:mod:`~estimator.engine.influence` (the inputs that move the answer),
:mod:`~estimator.engine.run_tables` (tidy tables) and :mod:`~estimator.engine.summary`
(the summary every output reads).

Nothing here draws; :mod:`estimator.report.charts` reads a :class:`Result` to plot it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine import (
    calendar_peaks,
    headcount,
    influence,
    reply_targets,
    run_tables,
    summary,
    todays_team,
)
from estimator.engine.calendar import HOURS_PER_WEEK, WEEKS
from estimator.engine.compile import KINDS
from estimator.engine.headcount import COMBINE_BELOW_FTE
from estimator.engine.input_names import input_context, input_label
from estimator.engine.plan import Plan, least_team
from estimator.engine.roster import RosterWeek

if TYPE_CHECKING:
    from estimator.engine.compile import Model

__all__ = [
    "COMBINE_BELOW_FTE",
    "DEFAULT_PERCENTILES",
    "Result",
    "input_context",
    "input_label",
    "round_up",
]

DEFAULT_PERCENTILES = (50, 90, 95)


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
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: the runner's ``simulate``, for measures that need another simulation on the same seed
    #: (the cost of a coverage fix); passed in, so that result never imports the runner
    resimulate: Callable[..., Result] | None = field(default=None, repr=False, compare=False)

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
        Monday 00:00 first (:func:`estimator.engine.headcount.on_duty_required`)."""
        return headcount.on_duty_required(self)

    def rosters(self) -> dict[str, RosterWeek]:
        """Each on-duty role's week of shifts (:func:`estimator.engine.headcount.roster_weeks`)."""
        if self._rosters is None:
            self._rosters = headcount.roster_weeks(self)
        return self._rosters

    def bench_days(self) -> tuple[float, float]:
        """(working days a year to cover, days a person is away in them), means over runs
        (:func:`estimator.engine.headcount.bench_days`)."""
        return headcount.bench_days(self)

    def headcount(self) -> dict[str, dict[str, Any]]:
        """People by role: ``rostered``, ``bench``, ``plan_fte``, ``people`` and ``combined``
        (:func:`estimator.engine.headcount.headcount`)."""
        return headcount.headcount(self)

    def combined_headcount(self) -> dict[str, Any] | None:
        """The roles under half an FTE with no shifts, together; None when there are none
        (:func:`estimator.engine.headcount.combined_headcount`)."""
        return headcount.combined_headcount(self)

    def roster_rows(self) -> list[dict[str, Any]]:
        """A typical week's shifts: ``person``, ``role``, ``day``, ``start``, ``end``,
        ``hours`` (:func:`estimator.engine.headcount.roster_rows`)."""
        return headcount.roster_rows(self)

    # ------------------------------------------------------------------ today's staff
    @property
    def has_current_staff(self) -> bool:
        return self.model.current_staff is not None

    def current_staff_fte(self) -> dict[str, float]:
        """Today's FTE by role, adding up to today's total FTE
        (:func:`estimator.engine.todays_team.current_staff_fte`)."""
        return todays_team.current_staff_fte(self)

    def current_people(self) -> list[dict[str, Any]]:
        """Today's people: ``name``, ``fte`` and ``roles``
        (:func:`estimator.engine.todays_team.current_people`)."""
        return todays_team.current_people(self)

    def chance_today_enough(self) -> float:
        """Share of runs in which today's people can do the whole year's work
        (:func:`estimator.engine.todays_team.chance_today_enough`)."""
        return todays_team.chance_today_enough(self)

    def current_staff_summary(self) -> dict[str, Any]:
        """What today's team gets (:func:`estimator.engine.todays_team.current_staff_summary`)."""
        return todays_team.current_staff_summary(self)

    # ------------------------------------------------------------------ summary
    def summary(self, percentiles: tuple[float, ...] = DEFAULT_PERCENTILES) -> dict[str, Any]:
        """The plain, JSON-ready dictionary that ``estimator run --json`` prints.

        Computed once per set of percentiles and shared by every output (the terminal, the
        files, the brief, the dashboard): treat it as read-only.
        """
        key = tuple(sorted(set(DEFAULT_PERCENTILES) | set(percentiles)))
        if key not in self._summaries:
            self._summaries[key] = summary.build_summary(self, key)
        return self._summaries[key]

    # ------------------------------------------------------------------ replies
    def replies_by_channel(self) -> list[dict[str, Any]]:
        """One row per channel: its target, the share answered within it, the best share
        any team could reach, and whether the target is reachable
        (:func:`estimator.engine.reply_targets.replies_by_channel`)."""
        return reply_targets.replies_by_channel(self)

    def coverage_fix(self, runs: int = 100) -> dict[str, Any] | None:
        """None when every target is reachable; else the smallest extension of covered
        hours that makes them all reachable, and its cost in FTE from ``runs`` runs
        (:func:`estimator.engine.reply_targets.coverage_fix`; computed once)."""
        if "coverage_fix" not in self._cache:
            self._cache["coverage_fix"] = reply_targets.coverage_fix(self, runs)
        return self._cache["coverage_fix"]

    def calendar_peaks(self, recommended: dict[str, float] | None = None) -> list[dict[str, Any]]:
        """Each calendar period: the extra hours a week it brings, and whether the planned
        team covers its weeks or it needs temporary help
        (:func:`estimator.engine.calendar_peaks.calendar_peaks`)."""
        return calendar_peaks.calendar_peaks(self, recommended)

    def assumptions(self) -> dict[str, str]:
        """Every uncertain or fixed input the engine drew, as a reader would check it
        (:func:`estimator.engine.summary.assumptions`)."""
        return summary.assumptions(self)

    # ------------------------------------------------------------------ tables
    def by_role_table(self) -> list[dict[str, Any]]:
        """One row per role: FTE percentiles, recommendation, cost and hours by kind
        (:func:`estimator.engine.run_tables.by_role_table`)."""
        return run_tables.by_role_table(self)

    def runs_table(self) -> list[dict[str, Any]]:
        """One row per run: totals, FTE by role, hours by kind and the inputs drawn."""
        return list(self.iter_runs())

    def runs_columns(self) -> list[str]:
        """The columns of :meth:`runs_table`, in order."""
        return run_tables.runs_columns(self)

    def iter_runs(self) -> Iterator[dict[str, Any]]:
        """The rows of :meth:`runs_table` one at a time, so that a file of 100,000 runs is
        written without holding every row (:func:`estimator.engine.run_tables.iter_runs`)."""
        return run_tables.iter_runs(self)

    def weekly_table(self) -> list[dict[str, Any]]:
        """One row per week: demand hours P10/P50/P90, crisis hours, capacity of today's team
        (:func:`estimator.engine.run_tables.weekly_table`)."""
        return run_tables.weekly_table(self)

    def on_duty_profile(self) -> NDArray[np.float64]:
        """(7, 24) median people needed on duty by weekday and hour (mean over weeks)."""
        med = np.median(self.arrays["on_duty_by_hour_of_week"], axis=0)
        return med.reshape(7, 24) if med.size == HOURS_PER_WEEK else med

    def input_influence(self) -> dict[str, float]:
        """Rank (Spearman) correlation of each uncertain input with the total FTE needed,
        largest in size first (:func:`estimator.engine.influence.input_influence`)."""
        return influence.input_influence(self)

    def input_swing(self, top: int = 8) -> list[dict[str, Any]]:
        """For the ``top`` inputs that matter most, the median total FTE in the runs where
        each drew its lowest and its highest tenth
        (:func:`estimator.engine.influence.input_swing`)."""
        return influence.input_swing(self, top)


def _least_scale(need: NDArray[np.float64], mix: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n,) the least total FTE of a team with role shares ``mix`` whose every role's FTE
    covers ``need`` (n, roles) FTE; infinite where a role the mix leaves out is needed."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(need > 0, need / mix, 0.0)
    return ratio.max(axis=1)
