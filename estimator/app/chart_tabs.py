"""The dashboard's chart tabs: which charts each tab shows, and each drawn for the screen
(a matplotlib Figure with the finding as its title, sent to the browser as a PNG image).

The charts come from :mod:`estimator.report.charts`; nothing here computes the model.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from typing import Any

from estimator.engine.result import Result
from estimator.report import charts

#: The chart tabs: title and the chart function.
CHART_TABS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("Staff by role", charts.plot_fte_by_role),
    ("How sure", charts.plot_fte_distribution),
    ("Week by week", charts.plot_weekly_demand),
    ("Cost", charts.plot_cost),
    ("Kind of work", charts.plot_fte_by_kind),
    ("What moves it", charts.plot_variance_shares),
    ("Today's week", charts.plot_todays_week),
    ("People", charts.plot_roster),
)
#: The tab that shows people: today's people and their roles, the headcount, the roster.
PEOPLE_TAB = len(CHART_TABS) - 1
#: Further charts shown below a tab's first one, by tab title.
MORE_CHARTS: dict[str, tuple[Callable[..., Any], ...]] = {
    "What moves it": (charts.plot_bad_years, charts.plot_sensitivity),
}
CHART_INCHES = (7.2, 4.0)
CHART_DPI = 100
CHART_FONT_SIZE = 10


def _wrap_title(title: str, inches: float) -> str:
    """``title`` in as few lines as fit ``inches`` of a chart, the lines of even length."""
    chars = int(inches * 72 / (CHART_FONT_SIZE * 1.2 * 0.62)) - 4  # bold, "large" characters
    lines = textwrap.wrap(title, chars, break_on_hyphens=False)
    for width in range(len(title) // max(len(lines), 1), chars):
        even = textwrap.wrap(title, width, break_on_hyphens=False)
        if len(even) == len(lines):
            return "\n".join(even)
    return "\n".join(lines)


def chart_size(tab: int, result: Result) -> tuple[float, float]:
    """Inches of a chart tab: taller for the roles chart of a large team (bars stay legible)."""
    if CHART_TABS[tab][1] is charts.plot_fte_by_role and len(result.roles) > 8:
        return (CHART_INCHES[0], 1.4 + 0.36 * len(result.roles))
    if CHART_TABS[tab][1] is charts.plot_todays_week:  # a row a task, up to 16
        return (CHART_INCHES[0] * 1.25, CHART_INCHES[1] * 1.4)
    if CHART_TABS[tab][1] is charts.plot_variance_shares:  # eight inputs, labels of 3 lines
        return (CHART_INCHES[0] * 1.25, CHART_INCHES[1] * 1.6)
    return CHART_INCHES


def tab_pngs(tab: int, result: Result) -> list[bytes]:
    """Every chart of a tab as PNG bytes: its first chart, then those of :data:`MORE_CHARTS`."""
    title, first = CHART_TABS[tab]
    return [png(first, result, chart_size(tab, result)),
            *(png(plot, result) for plot in MORE_CHARTS.get(title, ()))]


def screen_figure(plot: Callable[..., Any], result: Result,
                  size: tuple[float, float] = CHART_INCHES, dpi: int = CHART_DPI) -> Any:
    """One chart of :mod:`estimator.report.charts` drawn for the screen (a Figure)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(charts.style(CHART_FONT_SIZE)):
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        ax = plot(result, ax=fig.add_subplot())
        # The chart's title states its finding; on a screen-sized figure it spans the figure
        # (not only the axes, which long role names push right), wrapped to fit.
        title = " ".join(ax.get_title(loc="left").split())
        if title:
            ax.set_title("", loc="left")
            fig.suptitle(_wrap_title(title, size[0]), x=0.01, ha="left", fontsize="large",
                         fontweight="bold", parse_math=False)
    return fig


def png(plot: Callable[..., Any], result: Result, size: tuple[float, float] = CHART_INCHES,
        dpi: int = CHART_DPI) -> bytes:
    """One chart drawn for the screen, as PNG bytes."""
    import matplotlib as mpl

    fig = screen_figure(plot, result, size, dpi)
    buf = io.BytesIO()
    with mpl.rc_context(charts.style(CHART_FONT_SIZE)):
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
