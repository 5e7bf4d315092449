"""Charts of batches: FTE needed against a swept field, and the paired differences of a
comparison.

Like :mod:`estimator.report.charts` (whose ``plot_comparison`` draws the scenarios side by side),
every ``plot_*`` takes ``ax=None`` and returns the Axes; figures are built with
:class:`matplotlib.figure.Figure` (no pyplot, no global rcParams: the charts' style is applied
with ``rc_context``), so they draw the same under any backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from estimator.batch import Comparison, SweepPoint, format_value
from estimator.report import charts


def _axes(ax: Axes | None, size: tuple[float, float] = (7.0, 4.0)) -> Axes:
    if ax is not None:
        return ax
    return Figure(figsize=size, layout="constrained").add_subplot()


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)


def _category(v: Any) -> str:
    return '"" (none)' if v == "" else format_value(v)


def plot_sweep(points: Iterable[SweepPoint], field: str, *, ax: Axes | None = None) -> Axes:
    """Total FTE needed (P50 line, P10-P90 band) against the values of ``field``.

    Numbers go on a numeric axis; other values (clock ranges, three-point tables) are
    categories in the order of the sweep. With more than one field varied, each combination
    of the other fields is its own line, labelled in the legend.
    """
    points = [p for p in points if p.result is not None]
    if not points:
        raise ValueError("plot_sweep: expected points with results, got none")
    if any(field not in p.values for p in points):
        raise ValueError(f"plot_sweep: expected a field of the sweep, got {field!r}")
    ax = _axes(ax)
    numeric = all(_is_number(p.values[field]) for p in points)
    categories = list(dict.fromkeys(_category(p.values[field]) for p in points))

    groups: dict[str, list[SweepPoint]] = {}
    for p in points:
        others = ", ".join(f"{k}={format_value(v)}" for k, v in p.values.items() if k != field)
        groups.setdefault(others, []).append(p)
    for others, members in groups.items():
        x = np.array([float(p.values[field]) if numeric
                      else categories.index(_category(p.values[field])) for p in members])
        order = np.argsort(x, kind="stable")
        fte = [members[i].result.fte_total() for i in order]  # type: ignore[union-attr]
        lo, mid, hi = (np.array([np.percentile(f, q) for f in fte]) for q in (10, 50, 90))
        (line,) = ax.plot(x[order], mid, marker="o", label=others or "P50", gid="p50")
        ax.fill_between(x[order], lo, hi, color=line.get_color(), alpha=0.2, linewidth=0,
                        gid="p10-p90")
    if not numeric:
        ax.set_xticks(range(len(categories)), categories,
                      rotation=20 if max(map(len, categories)) > 10 else 0)
    ax.set_xlabel(field)
    ax.set_ylabel("Full-time staff needed (FTE)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"FTE needed as {field} varies (P50; band P10-P90)")
    if len(groups) > 1:
        ax.legend(fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_differences(comparison: Comparison, *, ax: Axes | None = None) -> Axes:
    """Each scenario's total FTE minus the first's, run by run (common random numbers):
    a dot at the mean and a whisker from P10 to P90."""
    if len(comparison.results) < 2:
        raise ValueError("plot_differences: expected at least two scenarios")
    ax = _axes(ax, (7.0, 1.2 + 0.5 * len(comparison.results)))
    diffs = [comparison.difference(i) for i in range(1, len(comparison.results))]
    lo, hi = (np.array([np.percentile(d, q) for d in diffs]) for q in (10, 90))
    mean = np.array([d.mean() for d in diffs])
    y = np.arange(len(diffs))[::-1]
    ax.errorbar(mean, y, xerr=np.vstack([mean - lo, hi - mean]), fmt="o", capsize=4,
                gid="differences")
    ax.axvline(0, color="#5F5F5F", lw=1)
    ax.set_yticks(y, comparison.labels[1:])
    ax.set_xlabel("FTE needed minus the first scenario's, paired run by run (mean; P10-P90)")
    ax.set_title(f"Difference from {comparison.labels[0]}")
    ax.grid(axis="x", alpha=0.3)
    return ax


def comparison_figure(comparison: Comparison) -> Figure:
    """The figure written as ``comparison.png``: the scenarios side by side
    (:func:`estimator.charts.plot_comparison`) and, with two or more, their differences."""
    n = len(comparison.results)
    with mpl.rc_context(charts.style(11)):
        top, bottom = 1.5 + 0.9 * n, (1.4 + 0.5 * (n - 1)) if n > 1 else 0.0
        fig = Figure(figsize=(10.0, top + bottom), layout="constrained")
        axes = fig.subplots(2 if n > 1 else 1, 1, squeeze=False,
                            height_ratios=[top, bottom] if n > 1 else None)[:, 0]
        charts.plot_comparison(comparison.results, ax=axes[0])
        if n > 1:
            plot_differences(comparison, ax=axes[1])
    return fig


def sweep_figure(points: Iterable[SweepPoint], field: str) -> Figure:
    """The figure written as ``sweep.png``."""
    with mpl.rc_context(charts.style(11)):
        fig = Figure(figsize=(8.0, 4.5), layout="constrained")
        plot_sweep(points, field, ax=fig.add_subplot())
    return fig


__all__ = ["comparison_figure", "plot_differences", "plot_sweep", "sweep_figure"]
