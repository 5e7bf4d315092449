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

>>> from estimator import load_scenario, simulate
>>> from estimator.report.charts import plot_fte_by_role
>>> result = simulate(load_scenario("tests/data/model_example.toml"), runs=200, seed=1)
>>> ax = plot_fte_by_role(result)
>>> ax.figure.savefig("fte_by_role.png", dpi=300)  # doctest: +SKIP
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from estimator.report.words import KIND_LABELS, KIND_WORDS, people, plain, todays_week_sentence
from estimator.report.words import fte as _fte
from estimator.report.words import money as _money
from estimator.report.words import staff as _staff

if TYPE_CHECKING:
    from estimator.engine.result import Result

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
]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
P50_COLOR = OKABE_ITO["sky_blue"]
P90_COLOR = OKABE_ITO["blue"]
TODAY_COLOR = OKABE_ITO["black"]
PLAN_COLOR = OKABE_ITO["orange"]
CRISIS_COLOR = OKABE_ITO["vermillion"]
WEEKS_COLOR = OKABE_ITO["reddish_purple"]
GREY = "#5F5F5F"

#: A 16:9 slide (PowerPoint's widescreen page, 13.333 x 7.5 in): 4000 x 2250 px at 300 dpi.
SLIDE_INCHES = (40 / 3, 7.5)
SLIDE_DPI = 300
#: Font size (points) of charts drawn on their own slide-sized figure.
SLIDE_FONT_SIZE = 15
#: Share of the figure's height kept free at the bottom for the footer.
FOOTER_SPACE = 0.05

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# DejaVu Sans (bundled with matplotlib) covers accented Latin, Greek and Cyrillic; fonts for
# other scripts are used as fallbacks when the system has them.
_FALLBACK_FONTS = ("Noto Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans Arabic",
                   "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai")


def _font_family() -> list[str]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in _FALLBACK_FONTS if f in installed)]


def style(font_size: float | None = None) -> dict[str, Any]:
    """The rcParams the charts draw with, for :func:`matplotlib.rc_context`.

    ``font_size`` sets the base size; without it the caller's size is kept (sizes in the
    charts are relative: ``"large"``, ``"small"``).
    """
    rc: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": _font_family(),
        "axes.prop_cycle": cycler(color=[OKABE_ITO[c] for c in (
            "blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple",
            "yellow", "black")]),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": GREY,
        "axes.labelcolor": "#222222",
        "axes.titlesize": "large",
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 12,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "legend.frameon": False,
        "image.cmap": "cividis",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "pdf.fonttype": 42,  # TrueType in PDFs: text stays text, and small files
        "ps.fonttype": 42,
        "svg.fonttype": "path",  # SVGs look the same without the fonts installed
    }
    if font_size is not None:
        rc["font.size"] = font_size
    return rc


def new_slide_axes() -> Axes:
    """One Axes on a new 16:9 slide-sized figure, with room for the footer."""
    fig = Figure(figsize=SLIDE_INCHES, dpi=100,
                 layout=ConstrainedLayoutEngine(rect=(0, FOOTER_SPACE, 1, 1 - FOOTER_SPACE),
                                                h_pad=0.1, w_pad=0.15))
    return fig.add_subplot()


class _Canvas:
    """Within ``with``: the style applied, and the Axes to draw on (a new slide if none)."""

    def __init__(self, ax: Axes | None, footer: Result | Sequence[Result]) -> None:
        self.own = ax is None
        self.footer = footer
        self.ctx = mpl.rc_context(style(SLIDE_FONT_SIZE if self.own else None))
        self.ax = ax

    def __enter__(self) -> Axes:
        self.ctx.__enter__()
        if self.ax is None:
            self.ax = new_slide_axes()
        return self.ax

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self.own:
            add_footer(self.ax.figure, self.footer)  # type: ignore[union-attr]
        self.ctx.__exit__(*exc)


def add_footer(fig: Figure, result: Result | Sequence[Result]) -> Text:
    """Write the scenario name, runs, seed, date and version small at the figure's foot."""
    from estimator._version import __version__

    results = [result] if not isinstance(result, Sequence) else list(result)
    names = " | ".join(dict.fromkeys(r.scenario_name for r in results))
    runs = sorted({r.runs for r in results})
    seeds = sorted({r.seed for r in results})
    created = sorted({r.created for r in results})
    text = (f"{names} · {', '.join(f'{n:,}' for n in runs)} runs · "
            f"seed {', '.join(str(s) for s in seeds)} · {', '.join(created)} · "
            f"social-staffing-estimator {__version__}")
    return fig.text(0.01, 0.008, text, ha="left", va="bottom", fontsize="x-small", color=GREY,
                    gid="footer", parse_math=False)


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- charts


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
            ax.set_axis_off()
            _title(ax, variance_sentence(risk, short=True), width=60)
            return ax
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


#: A colour for each kind of work (Okabe-Ito), in today's-week chart.
KIND_COLORS = {
    "engagement": OKABE_ITO["blue"],
    "crisis": OKABE_ITO["vermillion"],
    "monitoring": OKABE_ITO["sky_blue"],
    "content": OKABE_ITO["bluish_green"],
    "recurring": OKABE_ITO["orange"],
}
UNDONE_COLOR = OKABE_ITO["reddish_purple"]
#: The most task rows today's-week chart draws; smaller tasks are grouped by kind of work.
TODAYS_WEEK_ROWS = 16


def _week_rows(tasks: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """The audit's tasks in the order the team does them, with the smallest of each kind of
    work grouped into one row when there are more than ``most``: each row keeps its place
    in the order, so the available line still splits done from undone."""
    if len(tasks) <= most:
        return [dict(t, n=1) for t in tasks]
    keep = {id(t) for t in sorted(tasks, key=lambda t: -t["hours_needed_per_week"])[:most - 5]}
    rows: list[dict[str, Any]] = []
    group: dict[str, Any] | None = None
    for t in tasks:
        if id(t) in keep:
            group = None
            rows.append(dict(t, n=1))
            continue
        if group is None or group["kind"] != t["kind"]:
            group = {"task": "", "kind": t["kind"], "hours_needed_per_week": 0.0,
                     "hours_done_per_week": 0.0, "hours_undone_per_week": 0.0, "n": 0}
            rows.append(group)
        for key in ("hours_needed_per_week", "hours_done_per_week", "hours_undone_per_week"):
            group[key] += t[key]
        group["n"] += 1
        group["task"] = t["task"] if group["n"] == 1 else (
            f"{group['n']} smaller tasks: {KIND_WORDS.get(t['kind'], t['kind'])}")
    return rows


def plot_todays_week(result: Result, *, ax: Axes | None = None) -> Axes:
    """Today's week: the hours each task needs, laid end to end in the order the team does
    them (replies and crises first, recurring work last), and the hours today's team has as
    a line; what lies beyond the line is left undone (hatched)."""
    with _Canvas(ax, result) as ax:
        if not result.has_current_staff:
            ax.text(0.5, 0.5, "The scenario gives no current staff:\nadd [current_staff] to "
                    "see today's week", transform=ax.transAxes, ha="center", va="center",
                    parse_math=False)
            ax.set_xlabel("Hours a week")
            ax.set_yticks([])
            _title(ax, "No current staff to set against the work")
            return ax
        audit = result.current_staff_summary()["time_audit"]
        rows = _week_rows(audit["tasks"], TODAYS_WEEK_ROWS)
        have = audit["hours_available_per_week"]
        need = audit["hours_needed_per_week"]
        y = np.arange(len(rows))[::-1].astype(float)
        start = np.concatenate([[0.0], np.cumsum([r["hours_needed_per_week"] for r in rows])])
        done = np.array([r["hours_done_per_week"] for r in rows])
        undone = np.array([r["hours_undone_per_week"] for r in rows])
        for kind in dict.fromkeys(r["kind"] for r in rows):
            mine = [i for i, r in enumerate(rows) if r["kind"] == kind]
            label = KIND_LABELS.get(kind, kind)
            shown = f"{label}: done" if done[mine].sum() > 0.05 else "_nolegend_"
            ax.barh(y[mine], done[mine], left=start[mine], height=0.7,
                    color=KIND_COLORS.get(kind, GREY), label=shown, gid=f"done:{kind}")
        ax.barh(y, undone, left=start[:-1] + done, height=0.7, facecolor="white",
                edgecolor=UNDONE_COLOR, hatch="///", lw=1.2, label="Left undone", gid="undone")
        for yi, x0, r in zip(y, start[:-1], rows, strict=True):
            ax.text(x0 + r["hours_needed_per_week"], yi, f" {r['hours_needed_per_week']:,.1f} h",
                    va="center", ha="left", fontsize="small", gid="task_hours",
                    parse_math=False)
        ax.axvline(have, color=TODAY_COLOR, lw=2.5, gid="available",
                   label=f"Today's team: {have:,.0f} hours a week")
        ax.set_yticks(y, [textwrap.shorten(r["task"][:1].upper() + r["task"][1:], 52,
                                           placeholder="…") for r in rows],
                      fontsize="small", parse_math=False)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        xmax = max(need, have, 1.0) * 1.12
        ax.set_xlim(0, xmax)
        # no tick label on the right edge: on the brief the axes reach the page's margin
        ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= xmax * 0.96])
        ax.set_xlabel("Hours a week, laid end to end in the order the team does the work")
        _title(ax, plain(todays_week_sentence(audit)))
        _legend(ax, outside=True)
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
            ax.set_axis_off()
            _title(ax, bad_years_sentence(risk, short=True), width=60)
            return ax
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


#: The single-result charts by name (the file names of the exports).
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
