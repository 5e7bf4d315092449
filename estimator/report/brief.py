"""``brief.pdf``: one A4 page for a budget meeting, and a second: today's week and what each
role does."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from estimator.engine.result import Result
from estimator.report.files import atomic_file
from estimator.report.tables import assumption_rows
from estimator.report.words import (
    calendar_sentence,
    interval_sentence,
    kind_label,
    money,
    people_sentences,
    plain,
    plan_sentence,
    today_sentences,
    todays_week_sentence,
)
from estimator.report.words import staff as _staff

#: A4 portrait, in inches.
A4_INCHES = (8.27, 11.69)


def _wrap(lines: Iterable[str], width: int, indent: str = "") -> str:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width, subsequent_indent=indent) or [""]
    return "\n".join(out)


def _today_lines(s: dict[str, Any]) -> list[str]:
    sentences = today_sentences(s)
    if not sentences:
        return ["• The scenario gives no current staff: add [current_staff] to compare."]
    return [f"• {plain(x)}" for x in sentences]


def _assumption_entries(result: Result, s: dict[str, Any]) -> list[str]:
    """The brief's assumptions, most important first: capacity, coverage, then every
    uncertain input, then the fixed ones; each with the field that sets it."""
    cov = result.model.scenario.coverage
    entries = [
        f"One FTE: {s['productive_hours_per_fte']['mean']:,.0f} productive hours a year of "
        f"{s['contracted_hours_per_fte']:,.0f} contracted (shrinkage "
        f"{s['shrinkage']:.0%}) [capacity]",
        f"Covered hours: weekdays {cov.weekdays or 'none'}, weekends {cov.weekends or 'none'}, "
        f"holidays like {cov.holidays}; {cov.min_on_duty} on duty; during a crisis "
        f"{cov.during_crisis} [coverage]",
    ]
    rows = assumption_rows(result)
    skip = ("capacity.hours_per_week", "capacity.days_per_week", "coverage.", "plan.")
    rows = [r for r in rows if not r["field"].startswith(skip)]
    # uncertain inputs first, those that move the total most first; then the fixed ones
    rows.sort(key=lambda r: (r["estimate"] == "fixed", -abs(r["influence"] or 0.0),
                             r["source"] != "scenario file"))
    for r in rows:
        value = r["value"] if isinstance(r["value"], str) else f"{r['value']:g}"
        default = "; estimator default" if r["source"] != "scenario file" else ""
        entries.append(f"{r['assumption']}: {value} [{r['field']}{default}]")
    return entries


def _columns(entries: list[str], width: int, lines_per_column: int, columns: int) -> list[str]:
    """Wrap ``entries`` as bullets into at most ``columns`` columns of text; what does not
    fit is counted in a last line."""
    blocks = [_wrap([f"• {e}"], width, "  ") for e in entries]
    out: list[list[str]] = [[] for _ in range(columns)]
    used = [0] * columns
    col = 0
    for i, block in enumerate(blocks):
        n = block.count("\n") + 1
        while col < columns and used[col] + n > lines_per_column - (1 if col == columns - 1
                                                                    else 0):
            col += 1
        if col == columns:
            out[-1].append(f"… and {len(blocks) - i} more in workbook.xlsx (sheet Assumptions)")
            break
        out[col].append(block)
        used[col] += n
    return ["\n".join(c) for c in out]


class _Page:
    """Places text on an A4 figure from the top down, in inches."""

    def __init__(self, fig: Any) -> None:
        self.fig = fig
        self.w, self.h = fig.get_size_inches()

    def fy(self, y_in: float) -> float:
        return 1 - y_in / self.h

    def fx(self, x_in: float) -> float:
        return x_in / self.w

    def text(self, x_in: float, y_in: float, text: str, **kw: Any) -> Any:
        kw = {"va": "top", "parse_math": False, **kw}
        return self.fig.text(self.fx(x_in), self.fy(y_in), text, **kw)

    def rule(self, x0_in: float, x1_in: float, y_in: float, **kw: Any) -> None:
        from matplotlib.lines import Line2D

        self.fig.add_artist(Line2D([self.fx(x0_in), self.fx(x1_in)], [self.fy(y_in)] * 2,
                                   transform=self.fig.transFigure, **kw))


def _line_height(size_pt: float, spacing: float) -> float:
    """Inches one line of text takes (DejaVu Sans: about 1.17 em per line at spacing 1)."""
    return size_pt * 1.17 * spacing / 72


#: The brief's margins and the most role rows its table shows.
_MARGIN = 0.6
_MAX_TABLE_ROWS = 18


def brief_figure(result: Result) -> Any:
    """The one-page brief as a matplotlib Figure (A4 portrait); :func:`write_brief` saves it.

    From the top: the headline number and its range, the plan and its cost, the role table,
    the key chart beside what today's team gets, and the main assumptions (as many as the
    page holds; the rest are in the workbook), with the footer.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from estimator.report import charts

    s = result.summary(percentiles=(10, 50, 90, 95))
    cur = s["currency"]
    t = s["fte_total"]
    with mpl.rc_context(charts.style(font_size=8)):
        fig = Figure(figsize=A4_INCHES)
        page = _Page(fig)
        left, right = _MARGIN, page.w - _MARGIN
        page.text(left, 0.45, f"STAFFING ESTIMATE · {result.scenario_name} · planning year "
                  f"{s['year']}".upper(), fontsize=8, color=charts.GREY, fontweight="bold",
                  gid="kicker")
        page.text(left, 0.68, f"The programme needs {t['p50']:.1f} FTE", fontsize=22,
                  fontweight="bold", gid="headline")
        lead = _wrap([
            f"That is the median of {s['runs']:,} simulated years: {t['p10']:.1f} to "
            f"{t['p90']:.1f} FTE in 8 years out of 10 (P10–P90), {t['p95']:.1f} FTE at P95. "
            f"It costs {money(s['cost_total']['p50'], cur)} a year (P50) to "
            f"{money(s['cost_total']['p90'], cur)} (P90). {interval_sentence(s, 90)}.",
            plain(plan_sentence(s))
            + (f" Today the programme has {_staff(s['current_staff']['fte_total'])} FTE."
               if "current_staff" in s else ""),
            *([plain(calendar_sentence(s))] if calendar_sentence(s) else []),
        ], 96)
        page.text(left, 1.15, lead, fontsize=10, linespacing=1.45, gid="lead")
        y = 1.15 + (lead.count("\n") + 1) * _line_height(10, 1.45) + 0.2

        y = _role_table(page, result, s, y, left, right) + 0.25

        chart_h = 2.3
        chart = fig.add_axes((page.fx(left + 0.5), page.fy(y + 0.3 + chart_h),
                              page.fx(4.2), chart_h / page.h))
        charts.plot_fte_distribution(result, ax=chart)
        chart.get_legend().remove()
        chart.set_title(f"Total FTE needed in {s['runs']:,} simulated years", loc="left",
                        fontsize=10, fontweight="bold", parse_math=False)
        col = left + 5.0
        page.text(col, y, "What today's team gets", fontsize=11, fontweight="bold",
                  gid="today_heading")
        page.text(col, y + 0.3, _wrap(_today_lines(s), 40, "  "), fontsize=8,
                  linespacing=1.45, gid="today")
        y += 0.3 + chart_h + 0.55

        # People and shifts, in the room the assumptions can spare (at least their note and
        # two lines stay): all sentences, else the first lines, else none
        spare = page.h - 0.45 - y - 1.1  # what the assumptions' heading, note and 2 lines need
        fits = int((spare - 0.48) / _line_height(8, 1.45))
        lines: list[str] = []
        for sentence in [*people_sentences(s), "A typical week's shifts: roster.csv and the "
                                               "roster chart."]:
            wrapped = _wrap([f"• {plain(sentence)}"], 130, "  ").splitlines()
            if len(lines) + len(wrapped) > fits:
                break
            lines += wrapped
        if lines:
            people = "\n".join(lines)
            page.text(left, y, "People and shifts", fontsize=11, fontweight="bold",
                      gid="people_heading")
            page.text(left, y + 0.28, people, fontsize=8, linespacing=1.45, gid="people")
            y += 0.28 + (people.count("\n") + 1) * _line_height(8, 1.45) + 0.2

        page.text(left, y, "Main assumptions and where they are set", fontsize=11,
                  fontweight="bold", gid="assumptions_heading")
        note = _wrap([
            "Uncertain inputs come first, those that move the total most first. a / b / c: "
            "low / most likely / high (a three-point estimate); [field]: where it is set in "
            f"the scenario file “{result.scenario_name}”, else the estimator's default. "
            "Every input is in workbook.xlsx, sheet Assumptions."], 130)
        page.text(left, y + 0.25, note, fontsize=7, color=charts.GREY, linespacing=1.4)
        y += 0.25 + (note.count("\n") + 1) * _line_height(7, 1.4) + 0.1
        room = page.h - 0.45 - y
        lines = max(int(room / _line_height(7, 1.4)), 2)
        for i, text in enumerate(_columns(_assumption_entries(result, s), 66, lines, 2)):
            page.text(left + i * (right - left) / 2, y, text, fontsize=7, linespacing=1.4,
                      gid="assumptions")
        charts.add_footer(fig, result)
    return fig


def _role_table(page: _Page, result: Result, s: dict[str, Any], top: float, left: float,
                right: float) -> float:
    """The role table from ``top`` (inches); returns where it ends."""
    from estimator.report.charts import GREY

    cur = s["currency"]
    every = result.by_role_table()
    rows = [r for r in every
            if r["fte_p90"] > 0 or r["recommended_fte"] > 0 or r["current_fte"] > 0]
    rows.sort(key=lambda r: -r["fte_p50"])
    hidden = rows[_MAX_TABLE_ROWS - 1:] if len(rows) > _MAX_TABLE_ROWS else []
    if hidden:
        rows = rows[: _MAX_TABLE_ROWS - 1]
    small = set(s["combine_or_contract"])
    size = 9 if len(rows) <= 8 else 8
    row_h = _line_height(size, 1.5)
    width = right - left
    cols = [("Role", 0.0, "left"), ("Median FTE", 0.44, "right"), ("P90 FTE", 0.54, "right"),
            (f"Planned FTE\n({s['plan_percentile']:g}% of weeks)", 0.67, "right"),
            ("People", 0.76, "right"),
            (f"Planned cost\na year ({cur})", 0.90, "right"), ("Today\nFTE", 1.0, "right")]
    for label, x, ha in cols:
        page.text(left + x * width, top, label, ha=ha, fontweight="bold", fontsize=size,
                  linespacing=1.2, gid="table_header")
    y = top + 2 * _line_height(size, 1.2) + 0.08
    page.rule(left, right, y, color=GREY, lw=0.8)
    y += 0.07
    total = {"label": "Total", "fte_p50": s["fte_total"]["p50"], "fte_p90": s["fte_total"]["p90"],
             "recommended_fte": s["recommended_fte_total"],
             "recommended_cost": s["recommended_cost"], "headcount": s["headcount_total"],
             "current_fte": sum(r["current_fte"] for r in every)}
    if hidden:
        rows.append({"label": f"{len(hidden)} more roles (see workbook.xlsx)",
                     "fte_p50": sum(r["fte_p50"] for r in hidden),
                     "fte_p90": sum(r["fte_p90"] for r in hidden),
                     "recommended_fte": sum(r["recommended_fte"] for r in hidden),
                     "recommended_cost": sum(r["recommended_cost"] for r in hidden),
                     "headcount": sum(r["headcount"] for r in hidden),
                     "current_fte": sum(r["current_fte"] for r in hidden)})
    for row in [*rows, total]:
        is_total = row is total
        if is_total:
            page.rule(left, right, y - 0.03, color=GREY, lw=0.8)
            y += 0.04
        mark = " *" if row.get("role") in small else ""
        cells = [row["label"] + mark, f"{row['fte_p50']:.1f}", f"{row['fte_p90']:.1f}",
                 f"{row['recommended_fte']:.1f}",
                 "shared" if row.get("headcount_combined") else f"{row['headcount']}",
                 money(row["recommended_cost"], cur),
                 _staff(row["current_fte"]) if result.has_current_staff else "–"]
        for (_, x, ha), text in zip(cols, cells, strict=True):
            page.text(left + x * width, y, text, ha=ha, fontsize=size,
                      fontweight="bold" if is_total else "normal", gid="cell")
        y += row_h
    notes = ["The total's P50 and P90 are percentiles of the total, not sums of the roles'."]
    if small:
        notes.insert(0, "* Under half an FTE: a candidate to combine with another role or to "
                        "contract out.")
    page.text(left, y + 0.05, "\n".join(notes), fontsize=7, color=GREY, linespacing=1.4)
    return y + 0.05 + len(notes) * _line_height(7, 1.4)


#: The most task rows the second page's table of today's week shows.
_MAX_WEEK_ROWS = 11


def roles_page_figure(result: Result) -> Any:
    """The brief's second page (A4 portrait): today's week (what today's team would need to
    do all its work, against the hours it has, and what gets left undone first: the "other
    duties as assigned" picture, as a sentence, a chart and a table) and, for each role, its
    hours a week and the tasks that take most of them (the job descriptions' first lines)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from estimator.report import charts

    s = result.summary()
    with mpl.rc_context(charts.style(font_size=8)):
        fig = Figure(figsize=A4_INCHES)
        page = _Page(fig)
        left, right = _MARGIN, page.w - _MARGIN
        page.text(left, 0.45, f"TODAY'S WEEK AND WHAT EACH ROLE DOES · {result.scenario_name}"
                  .upper(), fontsize=8, color=charts.GREY, fontweight="bold", gid="kicker")
        y = 0.75
        audit = (s.get("current_staff") or {}).get("time_audit")
        if audit:
            lead = _wrap([plain(todays_week_sentence(audit)),
                          "The team does its work in this order: replies and crises first, "
                          "then monitoring, then content, recurring work last; within each, "
                          "the smaller tasks first. What its hours do not reach is left undone."],
                         100)
            page.text(left, y, lead, fontsize=10, linespacing=1.45, gid="week_lead")
            y += (lead.count("\n") + 1) * _line_height(10, 1.45) + 0.15
            chart_h = 3.1
            ax = fig.add_axes((page.fx(left + 2.3), page.fy(y + chart_h),
                               page.fx(right - left - 2.3), chart_h / page.h))
            charts.plot_todays_week(result, ax=ax)
            ax.set_title("")
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            y += chart_h + 0.55
            y = _week_table(page, audit, y, left, right) + 0.3
        else:
            page.text(left, y, "The scenario gives no current staff: add [current_staff] to "
                      "set today's team against its week.", fontsize=10, gid="week_lead")
            y += 0.5
        page.text(left, y, "What each role does (hours a week, the largest tasks)", fontsize=11,
                  fontweight="bold", gid="roles_heading")
        y += 0.3
        lines = []
        for p in s["role_profiles"].values():
            if p["hours_per_week"] <= 0:
                continue
            top = "; ".join(f"{t['task']} {t['hours_per_week']:.1f} h" for t in p["tasks"][:3])
            lines.append(f"{p['label']}: {p['hours_per_week']:.1f} h a week. {top}")
        room = max(int((page.h - 0.55 - y) / _line_height(7.5, 1.4)), 2)
        text = _wrap([f"• {x}" for x in lines], 120, "  ").split("\n")
        if len(text) > room:
            text = [*text[: room - 1], "… every role's draft job description is in roles/."]
        page.text(left, y, "\n".join(text), fontsize=7.5, linespacing=1.4, gid="roles")
        charts.add_footer(fig, result)
    return fig


def _week_table(page: _Page, audit: dict[str, Any], top: float, left: float,
                right: float) -> float:
    """Today's week as a table (tasks in the order the team does them); returns its end."""
    from estimator.report.charts import GREY

    width = right - left
    cols = [("Task", 0.0, "left"), ("Kind of work", 0.50, "left"),
            ("Needed\n(h a week)", 0.74, "right"), ("Done", 0.86, "right"),
            ("Left undone", 1.0, "right")]
    for label, x, ha in cols:
        page.text(left + x * width, top, label, ha=ha, fontweight="bold", fontsize=8,
                  linespacing=1.2, gid="week_header")
    y = top + 2 * _line_height(8, 1.2) + 0.05
    page.rule(left, right, y, color=GREY, lw=0.8)
    y += 0.06
    tasks = audit["tasks"]
    shown = sorted(tasks, key=lambda t: -t["hours_needed_per_week"])[:_MAX_WEEK_ROWS]
    keep = {id(t) for t in shown}
    rows = [t for t in tasks if id(t) in keep]
    rest = [t for t in tasks if id(t) not in keep]
    if rest:
        rows.append({"task": f"{len(rest)} smaller tasks", "kind": "",
                     **{k: sum(t[k] for t in rest) for k in (
                         "hours_needed_per_week", "hours_done_per_week",
                         "hours_undone_per_week")}})
    rows.append({"task": "All the work", "kind": "", "total": True,
                 **{k: sum(t[k] for t in tasks) for k in (
                     "hours_needed_per_week", "hours_done_per_week", "hours_undone_per_week")}})
    for row in rows:
        if row.get("total"):
            page.rule(left, right, y - 0.02, color=GREY, lw=0.8)
            y += 0.03
        name = row["task"][:1].upper() + row["task"][1:]
        cells = [textwrap.shorten(name, 62, placeholder="…"),
                 kind_label(row["kind"]) if row["kind"] else "",
                 f"{row['hours_needed_per_week']:.1f}", f"{row['hours_done_per_week']:.1f}",
                 f"{row['hours_undone_per_week']:.1f}"]
        for (_, x, ha), text in zip(cols, cells, strict=True):
            page.text(left + x * width, y, text, ha=ha, fontsize=8,
                      fontweight="bold" if row.get("total") else "normal", gid="week_cell")
        y += _line_height(8, 1.45)
    page.text(left, y + 0.03, f"Today's team has {audit['hours_available_per_week']:,.1f} "
              "productive hours a week (after holidays, leave, training and admin). Every task "
              "is in workbook.xlsx, sheet Today's week.", fontsize=7, color=GREY)
    return y + 0.03 + _line_height(7, 1.4)


def write_brief(result: Result, path: str | Path) -> Path:
    """``brief.pdf``: page one for a budget meeting (the headline number and its range,
    the role table with cost, the key chart, what today's team gets, the main assumptions);
    page two, today's week and what each role does (:func:`roles_page_figure`)."""
    from matplotlib.backends.backend_pdf import PdfPages

    from estimator._version import __version__

    path = Path(path)
    pages = [brief_figure(result), roles_page_figure(result)]
    meta = {"Title": f"Staffing estimate: {result.scenario_name}",
            "Creator": f"social-staffing-estimator {__version__}"}
    with atomic_file(path) as tmp:
        with PdfPages(tmp, metadata=meta) as pdf:
            for fig in pages:
                pdf.savefig(fig)
    return path


