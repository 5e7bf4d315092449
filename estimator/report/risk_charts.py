"""The charts of risk and of what moves the answer: the chance the work fits for each team
size, the inputs that swing the median (a tornado), each input's share of the variance, and
what drives the years above the P90.

Each ``plot_*`` function reads a :class:`~estimator.engine.result.Result` and draws one
finding on one Axes (see :mod:`estimator.report.charts`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from estimator.report.chart_parts import _legend, _pct, _room_for_labels, _title, _today_total
from estimator.report.chart_style import (
    OKABE_ITO,
    P90_COLOR,
    PLAN_COLOR,
    TODAY_COLOR,
    WEEKS_COLOR,
    _Canvas,
)
from estimator.report.words import fte as _fte
from estimator.report.words import staff as _staff

if TYPE_CHECKING:
    from estimator.engine.result import Result


def plot_risk_curve(result: Result, *, ax: Axes | None = None) -> Axes:
    """For each team size: the chance that the year's work fits, and the share of weeks
    whose work fits (response targets met), so a committee can pick the risk it accepts.

    The team sizes for a 50, 80, 90 and 95% chance (and the scenario's planning percentile)
    are marked on the curve and listed beside the chart.
    """
    with _Canvas(ax, result) as ax:
        curve = result.risk_curve()
        x = curve["team_fte"]
        year = 100 * curve["chance_year_met"]
        weeks = 100 * curve["share_weeks_met"]
        ax.plot(x, year, color=P90_COLOR, lw=3, label="Chance the year's work fits", gid="year")
        ax.plot(x, weeks, color=WEEKS_COLOR, lw=3, ls="--", gid="weeks",
                label="Share of weeks whose work fits\n(response targets met)")

        def first_at(y: np.ndarray, level: float) -> float | None:
            hit = np.flatnonzero(y >= level - 1e-9)
            return float(x[hit[0]]) if hit.size else None

        plan = float(result.percentile)
        lines = ["Team size for a chance of"]
        for level in sorted({50.0, 80.0, 90.0, 95.0, plan}):
            at = first_at(year, level)
            lines.append(f"  {level:g}%: " + (f"{_fte(at)} FTE" if at is not None else "not shown"))
            if at is not None:
                ax.plot([at], [np.interp(at, x, year)], "o", color=P90_COLOR, ms=9, gid="level")
        at_weeks = first_at(weeks, plan)
        lines.append(f"Weekly work met in {plan:g}%")
        lines.append("  of weeks: " + (f"{_fte(at_weeks)} FTE" if at_weeks is not None
                                       else "not shown"))
        if at_weeks is not None:
            ax.plot([at_weeks], [np.interp(at_weeks, x, weeks)], "s", color=WEEKS_COLOR, ms=9,
                    gid="level")
        at_year = first_at(year, plan)
        title = (f"A {plan:g}% chance that the year's work fits takes a team of "
                 f"{_fte(at_year)} FTE" if at_year is not None
                 else f"No team size shown reaches a {plan:g}% chance")
        plan_fte = float(result.plan().fte.sum())
        plan_share = 100 * result.plan().weeks_covered_share
        ax.plot([plan_fte], [plan_share], "D", color=PLAN_COLOR, ms=10, gid="plan",
                label=f"The plan: {_fte(plan_fte)} FTE, {plan_share:.0f}% of weeks")
        today = _today_total(result)
        if today is not None:
            c = result.current_staff_summary()
            ax.axvline(today, color=TODAY_COLOR, lw=2, gid="today",
                       label=f"Today: {_staff(today)} FTE")
            lines.append(f"Today's {_staff(today)} FTE:")
            lines.append(f"  {c['chance_enough']:.0%} of years, "
                         f"{1 - c['weeks_overloaded_share']:.0%} of weeks")
            lines.append("  (each person in their roles)")
        lines += ["", "Team sizes: the plan's mix", "of roles, scaled."]
        ax.text(1.02, 0.0, "\n".join(lines), transform=ax.transAxes, ha="left", va="bottom",
                fontsize="small", linespacing=1.5, gid="levels", parse_math=False)
        _title(ax, title)
        ax.set_ylim(0, 104)
        ax.set_xlim(0, float(x[-1]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
        ax.grid(True, color="#DDDDDD", lw=0.8)
        ax.set_axisbelow(True)
        ax.set_xlabel("Team size (FTE, the plan's mix of roles)")
        ax.set_ylabel("Chance the work fits")
        _legend(ax, outside=True)
    return ax


def plot_sensitivity(result: Result, *, ax: Axes | None = None, top: int = 8) -> Axes:
    """What moves the answer: for the uncertain inputs that matter most, the median total FTE
    in the simulated years where the input was in its lowest tenth and in its highest tenth
    (a tornado chart read from the same runs)."""
    with _Canvas(ax, result) as ax:
        rows = result.input_swing(top)
        middle = float(_pct(result.fte_total(), 50))
        if not rows:
            return _no_inputs(ax)
        rows = rows[::-1]  # the largest swing on top
        y = np.arange(len(rows))
        low = np.array([r["fte_p50_when_low"] for r in rows])
        high = np.array([r["fte_p50_when_high"] for r in rows])
        ax.barh(y, low - middle, left=middle, height=0.6, color=OKABE_ITO["sky_blue"],
                label="Input in its lowest tenth")
        ax.barh(y, high - middle, left=middle, height=0.6, color=OKABE_ITO["vermillion"],
                label="Input in its highest tenth")
        ax.axvline(middle, color=TODAY_COLOR, lw=1.2)
        for yi, lo, hi in zip(y, low, high, strict=True):
            for value in (lo, hi):
                ax.text(value, yi, f" {_fte(value)} ", va="center",
                        ha="left" if value >= middle else "right", fontsize="small",
                        parse_math=False)
        from estimator.report.tables import input_words

        s = result.model.scenario
        words = [input_words(s, r["path"]) for r in rows]
        names = [f"{item.split(': ', 1)[-1]}: " * bool(item) + what[:1].lower() + what[1:]
                 + (f" ({role})" if role else "") for item, what, role in words]
        names = [n[:1].upper() + n[1:] for n in names]
        ax.set_yticks(y, [textwrap.fill(n, 50, max_lines=2, placeholder="…") for n in names],
                      fontsize="small" if len(rows) <= 6 else "x-small", parse_math=False)
        spread = max(float(np.max(np.abs(np.r_[low, high] - middle))), 0.05)
        ax.set_xlim(middle - spread * 1.35, middle + spread * 1.35)
        ax.set_xlabel(f"Median FTE needed in those years (all years: {_fte(middle)})")
        top_row = rows[-1]
        item, what, role = words[-1]
        where = item.split(": ", 1)[-1] if item else ""
        lever = what[:1].lower() + what[1:] + (f" ({role})" if role else "")
        # the long input names on the left leave the title less room
        _title(ax, f"The need moves most with {lever}" + (f" on {where}" if where else "")
                   + f": {_fte(top_row['fte_p50_when_low'])} to "
                   f"{_fte(top_row['fte_p50_when_high'])} FTE (median)", width=52)
        _legend(ax, outside=True)
    return ax


def _risk(result: Result) -> dict[str, Any]:
    """The summary's sensitivity indices and bad-year drivers (computed once per result)."""
    return result.summary()


def _no_inputs(ax: Axes) -> Axes:
    ax.text(0.5, 0.5, "Every input of this scenario is an exact number:\n"
            "give a range to the ones you are unsure of", transform=ax.transAxes,
            ha="center", va="center", parse_math=False)
    ax.set_axis_off()
    _title(ax, "No uncertain inputs")
    return ax


def plot_variance_shares(result: Result, *, ax: Axes | None = None, top: int = 8) -> Axes:
    """Where the uncertainty in total FTE comes from: each input's share of its variance
    alone (first-order index) and with its interactions (total index), largest first."""
    from estimator.report.words import variance_sentence

    with _Canvas(ax, result) as ax:
        risk = _risk(result)
        rows = [r for r in risk["sensitivity_indices"] if r["total"] > 0][:top]
        if not risk["sensitivity_indices"]:
            return _no_inputs(ax)
        if not rows:
            return _finding_only(ax, variance_sentence(risk, short=True))
        rows = rows[::-1]
        y = np.arange(len(rows))
        first = np.array([r["first_order"] for r in rows])
        total = np.array([r["total"] for r in rows])
        ax.barh(y, total, height=0.6, color="white", edgecolor=OKABE_ITO["blue"], lw=1.2,
                label="With its interactions (total index)")
        bars = ax.barh(y, first, height=0.6, color=OKABE_ITO["blue"],
                       label="Alone (first-order index)")
        ax.bar_label(bars, labels=[f" {v:.0%}" for v in first], padding=2, fontsize="small",
                     parse_math=False)
        ax.set_yticks(y, [textwrap.fill(r["label"], 44) for r in rows], fontsize="small")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        _room_for_labels(ax, float(max(total.max(initial=0), first.max(initial=0))), 0.25)
        explained = sum(r["first_order"] for r in risk["sensitivity_indices"])
        ax.set_xlabel(f"Share of the variance of total FTE ({result.runs:,} runs; all inputs "
                      f"alone: {explained:.0%}, the rest is chance and interactions)")
        _title(ax, variance_sentence(risk, short=True), width=60)
        _legend(ax, outside=True)
    return ax


def _finding_only(ax: Axes, sentence: str) -> Axes:
    """A chart with nothing to draw: its finding, as the title alone."""
    ax.set_axis_off()
    _title(ax, sentence, width=60)
    return ax


def plot_bad_years(result: Result, *, ax: Axes | None = None, top: int = 8) -> Axes:
    """What drives the years above the P90 of total FTE: the FTE each input's first-order
    effect adds to those years, with where its draws sat in them."""
    from estimator.report.words import bad_years_sentence

    with _Canvas(ax, result) as ax:
        risk = _risk(result)
        bad = risk["bad_year_drivers"]
        rows = [d for d in bad["drivers"] if d["fte_added"] > 0][:top]
        if not rows:
            if not risk["sensitivity_indices"]:
                return _no_inputs(ax)
            return _finding_only(ax, bad_years_sentence(risk, short=True))
        rows = rows[::-1]
        y = np.arange(len(rows))
        added = np.array([d["fte_added"] for d in rows])
        bars = ax.barh(y, added, height=0.6, color=OKABE_ITO["vermillion"],
                       label="FTE it adds to those years")
        ax.bar_label(bars, labels=[f" +{v:.2f} FTE (its draws there average its "
                                   f"P{100 * d['mean_quantile']:.0f})"
                                   for v, d in zip(added, rows, strict=True)],
                     padding=2, fontsize="small", parse_math=False)
        ax.set_yticks(y, [textwrap.fill(d["label"], 44) for d in rows], fontsize="small")
        _room_for_labels(ax, float(added.max()), 0.7)
        ax.set_xlabel(f"FTE each input adds, alone, to the {bad['runs']:,} years above the "
                      f"P90 ({_fte(bad['threshold_fte'])} FTE)")
        _title(ax, bad_years_sentence(risk, short=True), width=60)
    return ax
