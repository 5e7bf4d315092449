"""The dashboard's text, as HTML: the headline numbers, what today's team gets, today's people
and the planned team in people, and the sampling noise the status line gives. The sentences
come from :mod:`estimator.report.words`, the same as the terminal's and the brief's.
"""

from __future__ import annotations

import html
from typing import Any

from estimator.engine.result import Result
from estimator.report.words import fte as _fte
from estimator.report.words import (
    interval_sentence,
    money,
    people_sentences,
    reply_target_sentences,
    to_html,
    today_sentences,
)
from estimator.report.words import staff as _staff

WARN = "#D55E00"  # Okabe-Ito vermillion, as the charts
OK = "#009E73"
#: A few rules for the dashboard's own boxes (an HTML widget's <style> applies to the page).
STYLE = """<style>
.sse-note { white-space: nowrap; font-size: 0.85em; color: #5F5F5F; line-height: 1.25; }
.sse-dashboard .widget-readout { min-width: 3em; }
.sse-headline .widget-html-content, .sse-today .widget-html-content,
.sse-message .widget-html-content { line-height: 1.45; }
</style>"""


def sampling_noise(values: Any, percentile: float, confidence: float = 0.95) -> float:
    """Half the width of the distribution-free interval of a percentile of ``values``: the
    order statistics whose ranks a binomial count of runs below the true percentile reaches
    with ``confidence`` (no assumption on the distribution's shape).

    >>> import numpy as np
    >>> sampling_noise(np.arange(1000.0), 90)   # the 881st to the 919th of 1,000
    19.0
    """
    import numpy as np
    from scipy import stats

    x = np.sort(np.asarray(values, dtype=float))
    n, q = x.size, percentile / 100
    if n < 2:
        return 0.0
    tail = (1 - confidence) / 2
    lo = int(stats.binom.ppf(tail, n, q))
    hi = int(stats.binom.ppf(1 - tail, n, q))
    return float(x[min(hi, n - 1)] - x[max(lo - 1, 0)]) / 2


def headline_html(result: Result, summary: dict[str, Any] | None = None) -> str:
    """FTE needed (P50, P90), the recommended team and the yearly cost, as HTML."""
    s = summary or result.summary()
    cur = s["currency"]
    fte, cost = s["fte_total"], s["cost_total"]
    small = [result.model.scenario.role_label(r) for r in s["combine_or_contract"]]
    combine = (f"<div style='color:#5F5F5F;font-size:0.9em'>Under half an FTE (combine or "
               f"contract): {html.escape(', '.join(small))}</div>" if small else "")
    targets = "".join(f"<div class='sse-unreachable' style='color:{WARN}'>{to_html(x)}</div>"
                      for x in reply_target_sentences(s))
    return (
        "<div style='padding:6px 10px;border:1px solid #DDD;border-radius:6px;"
        "background:#F7FAFC'>"
        f"<div style='color:#5F5F5F'>{html.escape(s['scenario'])}</div>"
        "<div style='margin:2px 0'>The programme needs "
        f"<span class='sse-fte-p50' style='font-size:2.1em;font-weight:bold;color:#0072B2'>"
        f"{_fte(fte['p50'])}</span> <b>FTE</b> (median), "
        f"<span class='sse-fte-p90' style='font-size:1.4em;font-weight:bold;color:#0072B2'>"
        f"{_fte(fte['p90'])}</span> <b>FTE</b> in 9 years out of 10 (P90)</div>"
        f"<div class='sse-how-sure' style='color:#5F5F5F;font-size:0.9em'>How sure: "
        f"{html.escape(interval_sentence(s, 90))} (Monte Carlo error of {s['runs']:,} "
        f"simulated years)</div>"
        f"<div>Team to plan for: <b class='sse-team'>{_fte(s['recommended_fte_total'])} FTE"
        f"</b>, <b class='sse-people'>{s['headcount_total']} people</b> (all roles' weekly "
        f"work met together in {s['plan_weeks_covered_share']:.0%} of simulated weeks), "
        f"costing <b>{money(s['recommended_cost'], cur)}</b> a year</div>"
        f"<div>Yearly cost of the FTE needed: <b class='sse-cost'>{money(cost['p50'], cur)}"
        f"</b> (median), <b>{money(cost['p90'], cur)}</b> (P90)</div>"
        f"{targets}{combine}</div>"
    )


def today_html(result: Result, summary: dict[str, Any] | None = None) -> str:
    """What today's team gets (the same sentences as the terminal and the brief)."""
    summary = summary or result.summary()
    sentences = today_sentences(summary)
    if not sentences:
        return ("<div style='padding:6px 10px'>This scenario does not give today's team: "
                "enter it under <b>Today's team</b> to see what it gets.</div>")
    short = summary["current_staff"]["gap_fte_p50"] > 0.05
    color = WARN if short else OK
    first, *rest = (to_html(x) for x in sentences)
    items = "".join(f"<li>{r}</li>" for r in rest)
    return (f"<div class='sse-today-box' style='padding:6px 10px'>"
            f"<div style='color:{color}'>{first}</div><ul style='margin:2px 0'>{items}</ul></div>")


def people_html(result: Result) -> str:
    """The people view: today's people and the roles they can do (and the work nobody on
    the team can do), then the planned headcount by role beside its FTE and its shifts."""
    s = result.summary()
    labels = s["role_labels"]
    cell = "style='padding:1px 8px;text-align:{}'"
    left, right = cell.format("left"), cell.format("right")
    parts = []
    c = s.get("current_staff")
    if c:
        rows = "".join(
            f"<tr><td {left}>{html.escape(p['name'])}</td><td {right}>{_staff(p['fte'])}</td>"
            f"<td {left}>{html.escape(', '.join(labels[r] for r in p['roles']))}</td></tr>"
            for p in c["people"])
        unstaffed = {r: h for r, h in c["unstaffed_hours_by_role"].items() if h >= 0.5}
        gap = ("<div style='color:{}'>Nobody on today's team can do: {}</div>".format(
            WARN, html.escape(", ".join(f"{labels[r]} ({h:,.0f} h a year)"
                                        for r, h in unstaffed.items())))
               if unstaffed else f"<div style='color:{OK}'>Someone on today's team can do every "
               "role's work.</div>")
        parts.append(
            "<div><b>Today's people</b></div><table class='sse-today-people'>"
            f"<tr><th {left}>Person</th><th {right}>FTE</th><th {left}>Can do</th></tr>"
            f"{rows}</table>{gap}")
    else:
        parts.append("<div>This scenario does not give today's people.</div>")
    detail = s["headcount_detail"]
    rows = "".join(
        f"<tr><td {left}>{html.escape(labels[r])}</td><td {right}>{_fte(d['plan_fte'])}</td>"
        f"<td {right}>{d['rostered'] or ''}</td><td {right}>{d['bench'] or ''}</td>"
        f"<td {right}><b>{d['people']}</b></td></tr>"
        for r, d in detail.items() if d["people"] or d["plan_fte"])
    parts.append(
        "<div style='margin-top:6px'><b>The planned team in people</b></div>"
        "<table class='sse-headcount'>"
        f"<tr><th {left}>Role</th><th {right}>FTE</th><th {right}>On the roster</th>"
        f"<th {right}>Bench</th><th {right}>People</th></tr>{rows}"
        f"<tr><td {left}><b>Total</b></td><td {right}><b>{_fte(s['recommended_fte_total'])}"
        f"</b></td><td></td><td></td><td {right}><b>{s['headcount_total']}</b></td></tr>"
        "</table>")
    parts += [f"<div>{to_html(x)}</div>" for x in people_sentences(s)]
    return "<div style='padding:6px 10px'>" + "".join(parts) + "</div>"
