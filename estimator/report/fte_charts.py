"""The charts of the staff the work needs and what it costs: the total FTE over the simulated
years, FTE by role and by kind of work, the yearly cost, and scenarios side by side.

Each ``plot_*`` function reads a :class:`~estimator.engine.result.Result` and draws one
finding on one Axes (see :mod:`estimator.report.charts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from matplotlib.axes import Axes

from estimator.report.chart_parts import (
    _legend,
    _note,
    _paired_barh,
    _pct,
    _room_for_labels,
    _thousands_axis,
    _title,
    _today_total,
)
from estimator.report.chart_style import (
    P50_COLOR,
    P90_COLOR,
    PLAN_COLOR,
    TODAY_COLOR,
    _Canvas,
)
from estimator.report.words import KIND_LABELS
from estimator.report.words import fte as _fte
from estimator.report.words import money as _money
from estimator.report.words import staff as _staff

if TYPE_CHECKING:
    from estimator.engine.result import Result


def plot_fte_distribution(result: Result, *, ax: Axes | None = None) -> Axes:
    """Histogram of the total FTE needed over the simulated years, with P50 and P90 marked,
    today's staff as a line and the chance that today's staff is enough written on it."""
    with _Canvas(ax, result) as ax:
        all_fte = result.fte_total()
        n = all_fte.size
        p50, p90 = float(_pct(all_fte, 50)), float(_pct(all_fte, 90))
        today = _today_total(result)
        # A few years of extreme crises (lognormal surges have long tails) would squeeze the
        # histogram into a sliver: draw up to P99.5 and say how many years lie beyond.
        cut = float(_pct(all_fte, 99.5))
        far = all_fte > cut + 0.5 * (cut - float(all_fte.min())) + 1e-9
        fte = all_fte[~far] if far.any() else all_fte
        spread = float(np.ptp(fte))
        if spread > 0:
            bins = np.histogram_bin_edges(fte, bins="auto")
            if bins.size > 41:
                bins = np.linspace(fte.min(), fte.max(), 41)
        else:
            bins = np.array([p50 - 0.05, p50 + 0.05])
        share = np.full(fte.size, 100.0 / n)
        _, _, patches = ax.hist(fte, bins=bins, weights=share, color=P50_COLOR,
                                alpha=0.75, edgecolor="white", linewidth=0.6,
                                label=f"{n:,} simulated years")
        top = max(p.get_height() for p in patches)
        ax.set_ylim(0, top * 1.35)
        ax.axvline(p50, color=P90_COLOR, lw=2.5, label=f"Median (P50): {_fte(p50)} FTE")
        ax.axvline(p90, color=P90_COLOR, lw=2.5, ls="--",
                   label=f"P90: {_fte(p90)} FTE (enough in 9 years out of 10)")
        lab = ax.get_xaxis_transform()
        ax.text(p50, 0.97, f"P50 {_fte(p50)} ", transform=lab, ha="right", va="top",
                color=P90_COLOR, fontweight="bold", gid="p50")
        ax.text(p90, 0.97, f" P90 {_fte(p90)}", transform=lab, ha="left", va="top",
                color=P90_COLOR, fontweight="bold", gid="p90")
        lo = min(today, float(fte.min())) if today is not None else float(fte.min())
        hi = max(float(fte.max()), today or 0.0)
        margin = max((hi - lo) * 0.08, 0.1)
        x0, x1 = (max(lo - margin, 0.0) if lo >= 0 else lo - margin), hi + margin
        ax.set_xlim(x0, x1)
        if today is not None:
            chance = result.chance_today_enough()  # each person in the roles they can do
            ax.axvline(today, color=TODAY_COLOR, lw=2.5, label=f"Today: {_staff(today)} FTE")
            # beside the plot, under the legend: inside it the words would cover bars or lines
            ax.text(1.02, 0.0, f"Today {_staff(today)} FTE:\nenough in {chance:.0%}\nof "
                    "simulated years", transform=ax.transAxes, ha="left", va="bottom",
                    color=TODAY_COLOR, fontweight="bold", linespacing=1.3, gid="today",
                    parse_math=False)
            _title(ax, f"The programme needs {_fte(p50)} FTE ({_fte(p90)} at P90); "
                       f"today it has {_staff(today)}")
        else:
            _title(ax, f"The programme needs {_fte(p50)} FTE; {_fte(p90)} in 9 years out of 10")
        xlabel = "Full-time staff needed (FTE, all roles)"
        if far.any():  # under the axis, where it cannot cover a bar or a line
            xlabel += (f"\nNot drawn: {int(far.sum())} of {n:,} years above "
                       f"{_fte(float(fte.max()))} FTE (up to {_fte(float(all_fte.max()))}, "
                       "extreme crises)")
        # from the axes' left edge: centred, a long note would pass the figure's left edge
        ax.set_xlabel(xlabel, parse_math=False, loc="left" if far.any() else "center")
        ax.set_ylabel("Share of simulated years (%)")
        _legend(ax, outside=True)
    return ax


def plot_fte_by_role(result: Result, *, ax: Axes | None = None) -> Axes:
    """FTE needed by role at P50 and P90 (horizontal bars, largest first), today's staff
    marked; roles with no work and no staff are left out and named in a note."""
    with _Canvas(ax, result) as ax:
        fte = result.fte_by_role()
        p50, p90 = _pct(fte, 50, axis=0), _pct(fte, 90, axis=0)
        today = np.array([result.current_staff_fte().get(r, 0.0) for r in result.roles])
        shown = [i for i in range(len(result.roles)) if p90[i] > 0 or p50[i] > 0 or today[i] > 0]
        shown.sort(key=lambda i: (-p90[i], -p50[i]))
        labels = [result.role_labels[i] for i in shown]
        _paired_barh(ax, labels, p50[shown], p90[shown], _fte)
        largest = max([*p90[shown], *today[shown], 0.0])
        if result.has_current_staff:
            y = np.arange(len(shown))[::-1]
            has = today[shown] > 0
            ax.vlines(today[shown][has], y[has] - 0.45, y[has] + 0.45, color=TODAY_COLOR, lw=3,
                      label="Today's staff", gid="today")
        _room_for_labels(ax, largest)
        left_out = [result.role_labels[i] for i in range(len(result.roles)) if i not in shown]
        if left_out:
            _note(ax, "No work in this scenario: " + ", ".join(left_out))
        total = float(_pct(result.fte_total(), 50))
        if shown:
            top = shown[0]
            _title(ax, f"{result.role_labels[top]} is the largest need: {_fte(p50[top])} FTE "
                       f"(P50) of {_fte(total)} in all")
        else:
            _title(ax, "The scenario needs no staff")
        ax.set_xlabel("Full-time staff needed (FTE)")
        _legend(ax, loc="lower right", bbox_to_anchor=(1.0, 0.08))
    return ax


def plot_fte_by_kind(result: Result, *, ax: Axes | None = None) -> Axes:
    """FTE needed by kind of work (content, replies, monitoring, crises, recurring) at P50
    and P90, largest first."""
    with _Canvas(ax, result) as ax:
        fte = result.fte_by_kind()
        p50, p90 = _pct(fte, 50, axis=0), _pct(fte, 90, axis=0)
        order = sorted(range(len(result.kinds)), key=lambda i: (-p90[i], -p50[i]))
        labels = [KIND_LABELS.get(result.kinds[i], result.kinds[i]) for i in order]
        _paired_barh(ax, labels, p50[order], p90[order], _fte)
        _room_for_labels(ax, float(p90.max()))
        hours = result.hours_by_kind().mean(axis=0)
        top = order[0]
        share = hours[top] / hours.sum() if hours.sum() > 0 else 0.0
        if hours.sum() > 0:
            _title(ax, f"{share:.0%} of the hours go to {labels[0].lower()}: "
                       f"{_fte(p50[top])} FTE (P50)")
        else:
            _title(ax, "The scenario has no work")
        ax.set_xlabel("Full-time staff needed (FTE)")
        _legend(ax, loc="lower right")
    return ax


def plot_cost(result: Result, *, ax: Axes | None = None) -> Axes:
    """The yearly cost of the FTE needed at P50 and P90, of the planned team, and of today's."""
    with _Canvas(ax, result) as ax:
        s = result.model.scenario
        currency = s.scenario.currency
        cost = result.cost()
        p50, p90 = float(_pct(cost, 50)), float(_pct(cost, 90))
        rec_total = float(result.plan().fte.sum())
        rec_cost = result.recommended_cost()
        rows = [
            (f"Planned team: {_fte(rec_total)} FTE\n(all work met in "
             f"{100 * result.plan().weeks_covered_share:.0f}% of weeks)", rec_cost, PLAN_COLOR),
            ("Work needed, median (P50)", p50, P50_COLOR),
            ("Work needed, P90 (9 years in 10)", p90, P90_COLOR),
        ]
        today = _today_total(result)
        today_cost = 0.0
        if today is not None:
            today_cost = float(sum(f * s.roles[r].salary
                                   for r, f in result.current_staff_fte().items()))
            rows.append((f"Today's team: {_staff(today)} FTE", today_cost, TODAY_COLOR))
        y = np.arange(len(rows))[::-1]
        bars = ax.barh(y, [r[1] for r in rows], 0.6, color=[r[2] for r in rows])
        ax.bar_label(bars, labels=[_money(r[1], currency) for r in rows], padding=6,
                     fontsize="medium", fontweight="bold", parse_math=False)
        ax.set_yticks(y, [r[0] for r in rows], parse_math=False)
        ax.tick_params(axis="y", length=0)
        _room_for_labels(ax, max(r[1] for r in rows), 0.22)
        _thousands_axis(ax)
        ax.set_xlabel(f"Yearly cost (thousands of {currency}: salaries and on-costs)")
        _title(ax, f"The planned team costs {_money(rec_cost, currency)} a year; the work "
                   f"needed costs {_money(p50, currency)} (median) to {_money(p90, currency)} "
                   "(P90)")
    return ax


def _unique_names(results: Sequence[Result]) -> list[str]:
    names = [r.scenario_name for r in results]
    return [n if names.count(n) == 1 else f"{n} ({i + 1})" for i, n in enumerate(names)]


def plot_comparison(results: Sequence[Result], *, measure: Literal["fte", "cost"] = "fte",
                    ax: Axes | None = None) -> Axes:
    """Scenarios side by side, in the order given: total FTE needed (``measure="fte"``) or
    its yearly cost (``"cost"``) at P50 and P90, today's staff marked."""
    results = list(results)
    if not results:
        raise ValueError("plot_comparison: expected at least one result, got none")
    if measure not in ("fte", "cost"):
        raise ValueError(f"measure: expected 'fte' or 'cost', got {measure!r}")
    with _Canvas(ax, results) as ax:
        names = _unique_names(results)
        values = [r.fte_total() if measure == "fte" else r.cost() for r in results]
        p50 = np.array([float(_pct(v, 50)) for v in values])
        p90 = np.array([float(_pct(v, 90)) for v in values])
        currency = results[0].model.scenario.scenario.currency
        fmt = _fte if measure == "fte" else (lambda v: _money(v, currency))
        _paired_barh(ax, names, p50, p90, fmt)
        largest = float(p90.max())
        if measure == "fte":
            today = [_today_total(r) for r in results]
            y = np.arange(len(results))[::-1]
            marks = [(t, yy) for t, yy in zip(today, y, strict=True) if t]
            if marks:
                t, yy = np.array(marks).T
                ax.vlines(t, yy - 0.45, yy + 0.45, color=TODAY_COLOR, lw=3,
                          label="Today's staff", gid="today")
                largest = max(largest, float(t.max()))
            ax.set_xlabel("Full-time staff needed (FTE, all roles)")
        else:
            _thousands_axis(ax)
            ax.set_xlabel(f"Yearly cost of the FTE needed (thousands of {currency})")
        _room_for_labels(ax, largest, 0.2)
        hi, lo = int(np.argmax(p50)), int(np.argmin(p50))
        what = "needs" if measure == "fte" else "costs"
        unit = " FTE" if measure == "fte" else " a year"
        if len(results) == 1 or hi == lo:
            title = f"{names[hi]} {what} {fmt(p50[hi])}{unit} (P50)"
        else:
            title = (f"{names[hi]} {what} the most: {fmt(p50[hi])}{unit} (P50); "
                     f"{names[lo]} the least: {fmt(p50[lo])}")
        _title(ax, title)
        _legend(ax, outside=True)
    return ax
