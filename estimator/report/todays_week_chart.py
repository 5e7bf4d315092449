"""The chart of today's week: the hours each task needs, laid end to end in the order the team
does them, against the hours today's team has; what lies beyond them is left undone.

:func:`plot_todays_week` reads a :class:`~estimator.engine.result.Result` and draws on one
Axes (see :mod:`estimator.report.charts`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from estimator.report.chart_parts import _legend, _title
from estimator.report.chart_style import GREY, OKABE_ITO, TODAY_COLOR, _Canvas
from estimator.report.words import KIND_LABELS, KIND_WORDS, plain, todays_week_sentence

if TYPE_CHECKING:
    from estimator.engine.result import Result


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
