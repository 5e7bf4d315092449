"""Charts for a budget meeting: each function reads a :class:`~estimator.result.Result` and
draws one finding on one Axes.

Every ``plot_*`` function takes ``ax=None`` and returns the Axes it drew on. Without an
``ax`` it makes a new 16:9 slide-sized :class:`~matplotlib.figure.Figure` (not registered
with pyplot, so nothing to close) and adds the footer (scenario, runs, seed, date, version);
with an ``ax`` it draws there and leaves the figure, its font size and its footer to the
caller (the brief and the dashboard compose the same functions this way). Nothing here
computes the model: the numbers come from the Result, and the only arithmetic is the
percentiles and shares a chart shows.

Style: the Okabe-Ito palette (colour-blind safe), titles that state the finding with its
numbers, axes labelled with units, values written on the bars. The style is applied with
:func:`matplotlib.rc_context`; global rcParams are never changed.

This module is the charts' front: every chart and name is importable from here, and
:data:`CHARTS` names the charts the exports draw. They are drawn in
:mod:`~estimator.report.fte_charts` (staff and cost), :mod:`~estimator.report.week_charts`
(the year, on-duty hours, the roster), :mod:`~estimator.report.risk_charts` (the risk curve
and what moves the answer) and :mod:`~estimator.report.todays_week_chart`, in the look of
:mod:`~estimator.report.chart_style`, from the pieces of :mod:`~estimator.report.chart_parts`.

>>> from estimator import load_scenario, simulate
>>> from estimator.report.charts import plot_fte_by_role
>>> result = simulate(load_scenario("tests/data/model_example.toml"), runs=200, seed=1)
>>> ax = plot_fte_by_role(result)
>>> ax.figure.savefig("fte_by_role.png", dpi=300)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.axes import Axes

from estimator.report.chart_parts import TITLE_WIDTH
from estimator.report.chart_parts import _title as _title  # a test reads charts._title
from estimator.report.chart_style import (
    CRISIS_COLOR,
    FOOTER_SPACE,
    GREY,
    OKABE_ITO,
    P50_COLOR,
    P90_COLOR,
    PLAN_COLOR,
    SLIDE_DPI,
    SLIDE_FONT_SIZE,
    SLIDE_INCHES,
    TODAY_COLOR,
    WEEKS_COLOR,
    add_footer,
    new_slide_axes,
    style,
)
from estimator.report.fte_charts import (
    plot_comparison,
    plot_cost,
    plot_fte_by_kind,
    plot_fte_by_role,
    plot_fte_distribution,
)
from estimator.report.risk_charts import (
    plot_bad_years,
    plot_risk_curve,
    plot_sensitivity,
    plot_variance_shares,
)
from estimator.report.todays_week_chart import (
    KIND_COLORS,
    TODAYS_WEEK_ROWS,
    UNDONE_COLOR,
    plot_todays_week,
)
from estimator.report.week_charts import (
    WEEKDAYS,
    plot_on_duty_heatmap,
    plot_roster,
    plot_weekly_demand,
)
from estimator.report.words import KIND_LABELS

__all__ = [
    "CHARTS",
    "KIND_LABELS",
    "OKABE_ITO",
    "SLIDE_DPI",
    "SLIDE_INCHES",
    "add_footer",
    "new_slide_axes",
    "plot_comparison",
    "plot_cost",
    "plot_fte_by_kind",
    "plot_fte_by_role",
    "plot_fte_distribution",
    "plot_on_duty_heatmap",
    "plot_risk_curve",
    "plot_roster",
    "plot_bad_years",
    "plot_sensitivity",
    "plot_variance_shares",
    "plot_todays_week",
    "plot_weekly_demand",
    "style",
    # the look and the chart modules' constants, importable from here as before
    "CRISIS_COLOR",
    "FOOTER_SPACE",
    "GREY",
    "KIND_COLORS",
    "P50_COLOR",
    "P90_COLOR",
    "PLAN_COLOR",
    "SLIDE_FONT_SIZE",
    "TITLE_WIDTH",
    "TODAYS_WEEK_ROWS",
    "TODAY_COLOR",
    "UNDONE_COLOR",
    "WEEKDAYS",
    "WEEKS_COLOR",
]

#: The single-result charts by name (the file names of the exports).
CHARTS: dict[str, Callable[..., Axes]] = {
    "fte_distribution": plot_fte_distribution,
    "fte_by_role": plot_fte_by_role,
    "fte_by_kind": plot_fte_by_kind,
    "weekly_demand": plot_weekly_demand,
    "on_duty_heatmap": plot_on_duty_heatmap,
    "risk_curve": plot_risk_curve,
    "cost": plot_cost,
    "sensitivity": plot_sensitivity,
    "variance_shares": plot_variance_shares,
    "bad_years": plot_bad_years,
    "todays_week": plot_todays_week,
    "roster": plot_roster,
}
