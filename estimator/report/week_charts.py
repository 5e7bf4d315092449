"""The charts of the year and the week: hours of work week by week across the year, the
people needed on duty by weekday and hour, and a typical week's shifts.

Each ``plot_*`` function reads a :class:`~estimator.engine.result.Result` and draws one
finding on one Axes (see :mod:`estimator.report.charts`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes

from estimator.report.chart_parts import _legend, _title
from estimator.report.chart_style import (
    CRISIS_COLOR,
    GREY,
    P50_COLOR,
    P90_COLOR,
    PLAN_COLOR,
    TODAY_COLOR,
    WEEKS_COLOR,
    _Canvas,
)
from estimator.report.words import fte as _fte
from estimator.report.words import people

if TYPE_CHECKING:
    from estimator.engine.result import Result


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _example_year(result: Result) -> int:
    """A simulated year to show as an example: among the years with the median number of
    crises (of the years with any), the one whose total work is nearest the median."""
    count = result.arrays["crisis_count"]
    total = result.weekly_demand_hours().sum(axis=1)
    candidates = np.flatnonzero(count > 0)
    if candidates.size:
        typical = np.sort(count[candidates])[candidates.size // 2]
        candidates = candidates[count[candidates] == typical]
    else:
        candidates = np.arange(total.size)
    return int(candidates[np.argmin(np.abs(total[candidates] - np.median(total)))])


def plot_weekly_demand(result: Result, *, ax: Axes | None = None) -> Axes:
    """Hours of work each week across the year: the median and a P10-P90 band, one example
    year with its crisis weeks marked, crisis work by week, and today's capacity."""
    with _Canvas(ax, result) as ax:
        rows = result.weekly_table()
        weeks = np.array([r["week"] for r in rows])
        lo = np.array([r["demand_hours_p10"] for r in rows])
        mid = np.array([r["demand_hours_p50"] for r in rows])
        hi = np.array([r["demand_hours_p90"] for r in rows])
        crisis = np.array([r["crisis_hours_mean"] for r in rows])
        demand = result.weekly_demand_hours()
        crisis_weeks = result.arrays["crisis_weeks"].astype(bool)
        ax.fill_between(weeks, lo, hi, color=P50_COLOR, alpha=0.35, lw=0,
                        label="P10–P90 of simulated years", gid="band")
        ax.plot(weeks, mid, color=P90_COLOR, lw=2.5, label="Median", gid="median")
        k = _example_year(result)
        n_crises = int(result.arrays["crisis_count"][k])
        ax.plot(weeks, demand[k], color=GREY, lw=1.2, alpha=0.9, gid="example",
                label=f"One simulated year ({n_crises} {'crisis' if n_crises == 1 else 'crises'})")
        if crisis_weeks[k].any():
            ax.plot(weeks[crisis_weeks[k]], demand[k][crisis_weeks[k]], ls="none", marker="o",
                    ms=8, color=CRISIS_COLOR, gid="crisis_marks",
                    label="Crisis week in that year")
        ax.bar(weeks, crisis, width=0.8, color=CRISIS_COLOR, alpha=0.55, gid="crisis_hours",
               label="Crisis work (mean hours that week)")
        top = max(float(hi.max()), float(demand[k].max()), 1.0) * 1.1
        for n, period in enumerate(p for p in result.model.periods if p.weeks.any()):
            first, last = np.flatnonzero(period.weeks)[[0, -1]] + 1
            ax.axvspan(first - 0.5, last + 0.5, color=WEEKS_COLOR, alpha=0.12, lw=0,
                       gid="calendar", label="Calendar period (scenario)" if n == 0 else None)
            ax.text(first - 0.35, top, period.name, rotation=90, va="top", ha="left",
                    fontsize="x-small", color=WEEKS_COLOR, gid="calendar_name")
        today = None
        if result.has_current_staff:
            today = float(result.arrays["current_capacity_per_week"].mean())
            ax.axhline(today, color=TODAY_COLOR, lw=2, ls="--", gid="today",
                       label=f"Today's team: {today:,.0f} hours a week")
        plan_fte = sum(result.recommended_fte().values())
        plan = plan_fte * float(np.mean(result.productive_hours_per_fte)) / len(weeks)
        ax.axhline(plan, color=PLAN_COLOR, lw=2.5, gid="plan",
                   label=f"Planned team ({_fte(plan_fte)} FTE): {plan:,.0f} hours a week")
        typical = result.typical_week_hours()
        if np.isnan(typical):
            typical = float(np.median(demand))
        title = f"A typical week needs {typical:,.0f} hours of work"
        if crisis_weeks.any():
            title += f", a crisis week {result.typical_week_hours(crisis=True):,.0f}"
        title += f"; the planned team has {plan:,.0f}"
        if today is not None:
            title += f", today's team {today:,.0f}"
        _title(ax, title)
        start = date.fromisoformat(rows[0]["week_start"])
        ticks, names, month = [], [], None
        for r in rows:
            d = date.fromisoformat(r["week_start"])
            if d.month != month:
                month = d.month
                ticks.append(r["week"])
                names.append(d.strftime("%b"))
        ax.set_xticks(ticks, names, fontsize="small")
        ax.set_xlim(0.3, weeks[-1] + 0.7)
        ax.set_ylim(0, max(float(hi.max()), float(demand[k].max()), today or 0.0, plan,
                           1.0) * 1.12)
        ax.set_xlabel(f"Week of the planning year (from Monday {start.isoformat()})")
        ax.set_ylabel("Hours of work per week (all roles)")
        _legend(ax, outside=True)
    return ax


def plot_on_duty_heatmap(result: Result, *, ax: Axes | None = None) -> Axes:
    """Median people needed on duty by weekday and hour (a heat map with the values written)."""
    with _Canvas(ax, result) as ax:
        prof = np.asarray(result.on_duty_profile(), dtype=float)
        vmax = max(float(prof.max()), 1.0)
        # under 0.05 people reads as nobody: masked, so the cell is white (blank), not navy
        blank = mpl.colormaps["cividis"].with_extremes(bad="white")
        im = ax.imshow(np.ma.masked_less(prof, 0.05), aspect="auto", cmap=blank, vmin=0,
                       vmax=vmax, interpolation="nearest")
        cmap, norm = im.get_cmap(), im.norm
        for d in range(prof.shape[0]):
            for h in range(prof.shape[1]):
                v = prof[d, h]
                if v < 0.05:
                    continue
                r, g, b, _ = cmap(norm(v))
                light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
                ax.text(h, d, f"{v:.1f}", ha="center", va="center", fontsize="x-small",
                        color="black" if light else "white", gid="cell")
        ax.set_yticks(range(7), WEEKDAYS[: prof.shape[0]])
        ax.set_xticks(range(0, 24), [f"{h:02d}" for h in range(24)])
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel("Hour of the day (each cell: the hour starting then)")
        faint = prof[(prof > 0) & (prof < 0.5)]
        if faint.size:
            ax.set_xlabel("Hour of the day (each cell: the hour starting then)\nOutside covered "
                          "hours: crisis cover averaged over the year (blank: under 0.05 people)")
        cbar = ax.figure.colorbar(im, ax=ax, pad=0.015, fraction=0.04)
        cbar.set_label("People on duty (median)")
        cbar.outline.set_visible(False)
        covered = int((prof >= 0.5).sum())
        peak = np.unravel_index(int(np.argmax(prof)), prof.shape)
        if prof.max() < 0.05:
            _title(ax, "No one needs to be on duty in a normal week")
        else:
            _title(ax, f"Someone on duty {covered} hours a week; "
                       f"{prof[peak]:.1f} people at the busiest hour "
                       f"({WEEKDAYS[peak[0]]} {peak[1]:02d}:00)")
    return ax


def plot_roster(result: Result, *, ax: Axes | None = None) -> Axes:
    """A typical week's shifts of the on-duty roles: one row per person, the week across
    (Monday to Sunday), each shift a bar; the title gives the people and the headcount."""
    with _Canvas(ax, result) as ax:
        rosters = result.rosters()
        cap = result.model.scenario.capacity
        names: list[str] = []
        for role, week in rosters.items():
            label = result.model.scenario.role_label(role)
            first = len(names)
            names += [f"{label} {p + 1}" for p in range(week.people)]
            for s in week.shifts:
                y = first + s.person
                parts = [(s.start, min(s.hours, 168 - s.start))]
                if s.start + s.hours > 168:  # Sunday night into Monday morning
                    parts.append((0, s.start + s.hours - 168))
                ax.broken_barh(parts, (y - 0.35, 0.7), color=PLAN_COLOR, gid="shift")
        for d in range(1, 7):
            ax.axvline(24 * d, color="#BBBBBB", lw=0.8)
        ax.set_xlim(0, 168)
        ax.set_xticks([24 * d + 12 for d in range(7)], WEEKDAYS[:7])
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(len(names) - 0.5 if names else 0.5, -0.5)
        ax.set_yticks(range(len(names)), names, parse_math=False)
        ax.set_xlabel(f"A typical week (shifts of at most {cap.max_shift_hours} hours, "
                      f"{cap.days_per_week} days a week each)")
        if not names:
            _title(ax, "No one needs to be on duty in a normal week")
            return ax
        hc = result.headcount()
        rostered = sum(w.people for w in rosters.values())
        bench = sum(hc[r]["bench"] for r in rosters)
        total = result.summary()["headcount_total"]
        _title(ax, f"The on-duty hours take {people(rostered)} on shifts, {rostered + bench} "
                   f"with cover for leave; the plan is {people(total)} in all")
    return ax
