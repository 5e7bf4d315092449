"""The pieces the charts are made of: percentiles as the summary computes them, titles that
wrap without parting a number from its unit, notes, legends, paired P50/P90 bars and the
axes' room for their labels.

Shared by the chart modules of this package (:mod:`~estimator.report.fte_charts`,
:mod:`~estimator.report.week_charts`, :mod:`~estimator.report.risk_charts`,
:mod:`~estimator.report.todays_week_chart`); private to them, so the names keep their
underscore.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from estimator.report.chart_style import GREY, P50_COLOR, P90_COLOR

if TYPE_CHECKING:
    from estimator.engine.result import Result


def _pct(x: np.ndarray, p: float, axis: int | None = None) -> Any:
    """A percentile as the Result's summary computes it (numpy's default method)."""
    return np.percentile(x, p, axis=axis)


#: Titles wrap at this many characters (a slide title over the plot and the legend column).
TITLE_WIDTH = 75
_GLUE = "\u2060"  # kept between a number and its unit while wrapping


def _title(ax: Axes, text: str, width: int = TITLE_WIDTH) -> None:
    # keep a number with its unit, and a short aside in brackets, on one line
    glued = re.sub(r"\d (FTE|hours|people|a year)\b| ?\([^()]{1,14}\)",
                   lambda m: m[0].replace(" ", _GLUE), text)
    lines = textwrap.wrap(glued, width, break_on_hyphens=False)
    for w in range(len(glued) // max(len(lines), 1), width):  # balance the lines
        balanced = textwrap.wrap(glued, w, break_on_hyphens=False)
        if len(balanced) == len(lines):
            lines = balanced
            break
    text = "\n".join(lines).replace(_GLUE, " ")
    ax.set_title(text, loc="left", fontsize="large", fontweight="bold", parse_math=False)


def _note(ax: Axes, text: str, x: float = 0.99, y: float = 0.02, ha: str = "right") -> Text:
    return ax.text(x, y, text, transform=ax.transAxes, ha=ha, va="bottom", fontsize="small",
                   color=GREY, gid="note", parse_math=False)


def _legend(ax: Axes, *, outside: bool = False, **kw: Any) -> Any:
    """The legend, outside on the right when ``outside`` (where it never covers data)."""
    if outside:
        kw = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), **kw}
    leg = ax.legend(fontsize="small", **kw)
    for t in leg.get_texts():
        t.set_parse_math(False)
    return leg


def _paired_barh(ax: Axes, labels: Sequence[str], p50: np.ndarray, p90: np.ndarray,
                 fmt: Callable[[float], str], *, p50_label: str = "Median (P50)",
                 p90_label: str = "P90: enough in 9 years out of 10") -> tuple[Any, Any]:
    """Two bars per row (P50 above P90), top row first, values written at the bar ends."""
    n = len(labels)
    y = np.arange(n)[::-1].astype(float)
    h = 0.38
    b50 = ax.barh(y + h / 2, p50, h, color=P50_COLOR, label=p50_label)
    b90 = ax.barh(y - h / 2, p90, h, color=P90_COLOR, label=p90_label)
    for bars, values in ((b50, p50), (b90, p90)):
        ax.bar_label(bars, labels=[fmt(v) for v in values], padding=4, fontsize="small",
                     parse_math=False, zorder=4,
                     bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5})
    ax.set_yticks(y, labels, parse_math=False)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.7, n - 0.3)
    return b50, b90


def _thousands_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:,.0f}k"))


def _room_for_labels(ax: Axes, largest: float, share: float = 0.16) -> None:
    ax.set_xlim(0, (largest if largest > 0 else 1.0) * (1 + share))


def _today_total(result: Result) -> float | None:
    return sum(result.current_staff_fte().values()) if result.has_current_staff else None
