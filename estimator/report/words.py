"""The words and numbers as users read them: money, FTE, the kinds of work, and the
sentences about today's team, written once for the terminal, the brief and the dashboard.

Sentences mark the numbers a reader's eye should land on with ``**``; :func:`plain` drops the
marks (terminal, PDF) and :func:`to_html` makes them bold (dashboard).
"""

from __future__ import annotations

import html
import re
from typing import Any

#: The kinds of work, as a reader names them (the engine's keys, in its order).
KIND_LABELS = {
    "content": "Content production",
    "engagement": "Replies (engagement)",
    "monitoring": "Monitoring and listening",
    "crisis": "Crises",
    "recurring": "Recurring work",
}

#: What ``summary["crisis_triaged_messages"]`` counts, as a reader names it.
TRIAGED_LABEL = "Crisis messages given a holding reply (beyond the staffed surge)"

_CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$", "JPY": "¥"}
_MARK = re.compile(r"\*\*(.+?)\*\*")


def kind_label(kind: str) -> str:
    """The reader's name for a kind of work (``"engagement"`` -> ``"Replies (engagement)"``)."""
    return KIND_LABELS.get(kind, kind)


def money(value: float, currency: str) -> str:
    """A yearly amount as a reader writes it.

    >>> money(808700.4, "USD"), money(1200, "CHF")
    ('$808,700', '1,200 CHF')
    """
    symbol = _CURRENCY.get(currency)
    return f"{symbol}{value:,.0f}" if symbol else f"{value:,.0f} {currency}"


def signed_money(value: float, currency: str) -> str:
    """A difference of money with its sign (``+$12,000``, ``-$3,500``)."""
    return ("+" if value >= 0 else "-") + money(abs(value), currency)


def fte(value: float) -> str:
    """An estimated FTE, to one decimal: the precision the estimate deserves."""
    return f"{value:.1f}"


def staff(value: float) -> str:
    """Today's staff as given (0.25 stays 0.25; 1 is 1.0): an input, not an estimate.

    >>> staff(0.25), staff(1), staff(1.5)
    ('0.25', '1.0', '1.5')
    """
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def plain(sentence: str) -> str:
    """A marked sentence without its marks."""
    return _MARK.sub(r"\1", sentence)


def to_html(sentence: str) -> str:
    """A marked sentence as HTML, the marked numbers bold."""
    return _MARK.sub(r"<b>\1</b>", html.escape(sentence, quote=False))


def today_sentences(summary: dict[str, Any]) -> list[str]:
    """What today's team gets, one marked sentence per finding: the gap, overload and
    overtime, replies within target, and a crisis week. Empty without current staff."""
    c = summary.get("current_staff")
    if not c:
        return []
    out = [
        f"Today's team of **{staff(c['fte_total'])} FTE** is short by "
        f"**{c['gap_fte_p50']:.1f} FTE** (median need) to {c['gap_fte_p90']:.1f} FTE (P90); "
        f"it is enough for the year's work in {c['chance_enough']:.0%} of simulated years.",
        f"It is overloaded in **{c['weeks_overloaded_share']:.0%}** of weeks: "
        f"**{c['overtime_hours_mean']:,.0f} hours** a year of work beyond its "
        f"{c['capacity_hours_per_week_mean']:,.0f} productive hours a week.",
        f"It answers **{c['replies_within_target_share']:.0%}** of replies within their "
        f"target (the needed team: {summary['replies_within_target_share']:.0%}).",
    ]
    unstaffed = {r: h for r, h in c.get("unstaffed_hours_by_role", {}).items() if h >= 0.5}
    if unstaffed:
        labels = summary.get("role_labels", {})
        roles = ", ".join(f"{labels.get(r, r).lower()} {h:,.0f}"
                          for r, h in sorted(unstaffed.items(), key=lambda kv: -kv[1]))
        out.insert(1, f"Nobody on it can do **{sum(unstaffed.values()):,.0f} hours** a year "
                      f"of the work ({roles}).")
    cw = c.get("crisis_week")
    if cw:
        out.append(
            f"A crisis week ({cw['weeks_with_crisis_mean']:.1f} a year) typically brings "
            f"**{cw['demand_hours_p50']:,.0f} hours** of work against "
            f"{cw['typical_week_demand_hours_p50']:,.0f} in a typical week: "
            f"{cw['overtime_hours_mean']:,.0f} hours over capacity, "
            f"{cw['replies_within_target_share']:.0%} of replies within target.")
    return out


def plan_sentence(summary: dict[str, Any]) -> str:
    """The plan in one marked sentence: its FTE, people, the share of weeks it meets and
    its cost, every number from the summary."""
    return (
        f"Plan for a team of **{fte(summary['recommended_fte_total'])} FTE** "
        f"(**{summary['headcount_total']} people**), which meets all roles' weekly work "
        f"together in **{summary['plan_weeks_covered_share']:.0%}** of simulated weeks "
        f"(the plan asks {summary['plan_percentile']:g}%), at "
        f"**{money(summary['recommended_cost'], summary['currency'])}** a year."
    )


def people_sentences(summary: dict[str, Any], most_roles: int = 6) -> list[str]:
    """The headcount in marked sentences: the people each on-duty role's shifts take and
    the bench that covers their leave, then the people the other roles need (the
    ``most_roles`` largest by name, the rest counted)."""
    labels = summary.get("role_labels", {})
    assumptions = summary.get("assumptions", {})
    shift = assumptions.get("capacity.max_shift_hours", "9")
    days = assumptions.get("capacity.days_per_week", "5")
    out = []
    for role, d in summary["headcount_detail"].items():
        if not d["rostered"]:
            continue
        out.append(
            f"{labels.get(role, role)}: the on-duty hours take **{people(d['rostered'])}** on "
            f"shifts (at most {shift} hours, {days} days a week), "
            f"{d['rostered'] + d['bench']} with cover for leave and sickness; "
            f"**{people(d['people'])}** for its {fte(d['plan_fte'])} FTE of work."
        )
    others = sorted(((r, d) for r, d in summary["headcount_detail"].items()
                     if not d["rostered"] and d["people"]), key=lambda rd: -rd[1]["plan_fte"])
    if others:
        shown, rest = others[:most_roles], others[most_roles:]
        text = ", ".join(f"{labels.get(r, r)} {people(d['people'])} ({fte(d['plan_fte'])} FTE)"
                         for r, d in shown)
        if rest:
            text += f" and {len(rest)} more roles ({people(sum(d['people'] for _, d in rest))})"
        out.append(f"Other roles (FTE of work): {text}.")
    combined = summary.get("headcount_combined")
    if combined:
        names = ", ".join(labels.get(r, r) for r in combined["roles"])
        out.append(
            f"Under half an FTE each: {names}, **{fte(combined['fte'])} FTE** of work together: "
            f"**{people(combined['people'])}** combining them, or a contract for that work.")
    return out


def people(n: int) -> str:
    """A count of people: ``1 person``, ``3 people``."""
    return f"{n} person" if n == 1 else f"{n} people"
def plus_minus(value: float) -> str:
    """A Monte Carlo half-width as a reader writes it, rounded *up* so that the claim holds:
    one decimal from 0.1 FTE, else two significant digits.

    >>> plus_minus(0.16), plus_minus(0.1), plus_minus(0.0123)
    ('0.2', '0.1', '0.013')
    """
    import math

    if value >= 0.1 - 1e-12:
        return f"{math.ceil(round(value * 10, 9)) / 10:.1f}"
    if value <= 0:
        return "0"
    digits = 1 - math.floor(math.log10(value))
    scale = 10**digits
    return f"{math.ceil(round(value * scale, 9)) / scale:g}"


def interval_sentence(summary: dict[str, Any], percentile: float = 90) -> str:
    """How sure a percentile of total FTE is: ``P90 9.1 FTE, within +/- 0.2 at 95%``."""
    from estimator.engine.intervals import half_width

    t = summary["fte_total"]
    key = f"p{percentile:g}"
    value = t[key]
    interval = t.get(f"{key}_ci95")
    if interval is None:
        return f"P{percentile:g} {fte(value)} FTE"
    hw = half_width(interval, value)
    if hw == float("inf"):
        return (f"P{percentile:g} {fte(value)} FTE ({summary['runs']:,} runs are too few to "
                f"bound it at 95%)")
    return f"P{percentile:g} {fte(value)} FTE, within +/- {plus_minus(hw)} at 95%"


def precision_sentence(summary: dict[str, Any]) -> str:
    """How a run to a precision ended, or ``""`` when the run count was given."""
    p = summary.get("precision")
    if not p:
        return ""
    asked = plus_minus(p["target_half_width_fte"])
    if p["reached"]:
        return (f"It took {p['runs']:,} runs to know the P{p['percentile']:g} within the "
                f"+/- {asked} FTE asked.")
    return (f"Stopped at the cap of {p['max_runs']:,} runs before the P{p['percentile']:g} was "
            f"known within +/- {asked} FTE: it is known within +/- "
            f"{plus_minus(p['half_width_fte'])}.")


def _short(label: str) -> str:
    """An input's label without its item's kind (``Replies: ``): for titles."""
    return label.split(": ", 1)[-1]


def _fte_amount(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 0.1 else f"{value:.2f}"


def variance_sentence(summary: dict[str, Any], short: bool = False) -> str:
    """The input that explains most of the uncertainty in total FTE, as a finding
    (``short``: the label without its item's kind, for a chart title)."""
    rows = summary.get("sensitivity_indices") or []
    if not rows or rows[0]["first_order"] <= 0:
        return "No uncertain input explains a measurable share of the uncertainty"
    top = rows[0]
    label = _short(top["label"]) if short else top["label"]
    label = label[:1].upper() + label[1:]
    return f"{label} explains {top['first_order']:.0%} of the uncertainty in total FTE"


def bad_years_sentence(summary: dict[str, Any], short: bool = False) -> str:
    """What drives the years above the P90, as a finding (``short``: for a chart title)."""
    bad = summary.get("bad_year_drivers") or {}
    drivers = [d for d in bad.get("drivers", []) if d["fte_added"] > 0]
    if not bad.get("runs") or not drivers:
        return "No input stands out in the years above the P90"
    top = drivers[0]
    label = _short(top["label"]) if short else top["label"]
    return (f"Years above the P90 need {_fte_amount(bad['excess_fte'])} FTE more than the "
            f"average; {label} adds {_fte_amount(top['fte_added'])} FTE of it")


def calendar_sentence(summary: dict[str, Any]) -> str:
    """One sentence on the calendar's peaks: what each adds and whether the planned team
    covers it or it needs temporary help ("" when the scenario has no calendar)."""
    parts = []
    for p in summary.get("calendar_peaks", []):
        if not p.get("in_planning_year"):
            continue
        weeks = p["weeks"]
        span = f"week {weeks[0]}" if len(weeks) == 1 else f"weeks {weeks[0]}–{weeks[-1]}"
        text = f"{p['name']} ({span}) adds **{p['extra_hours_per_week']:,.0f} hours** a week"
        if p["covered_by_plan"]:
            text += ", which the planned team covers"
        else:
            text += (f": cover it with temporary help, **{p['temporary_help_hours_per_week']:,.0f}"
                     f" hours** a week ({p['temporary_help_fte_in_those_weeks']:.1f} FTE for "
                     "those weeks)")
        parts.append(text)
    if not parts:
        return ""
    return "Busy periods: " + "; ".join(parts) + "."


#: The kinds of work inside a sentence ("... left undone: recurring work and content").
KIND_WORDS = {
    "content": "content",
    "engagement": "replies",
    "monitoring": "monitoring",
    "crisis": "crisis work",
    "recurring": "recurring work",
}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def todays_week_sentence(audit: dict[str, Any]) -> str:
    """Today's week in one marked sentence: the hours it has against the hours its work
    needs, and what is left undone, the first dropped first (``current_staff.time_audit``)."""
    need = audit["hours_needed_per_week"]
    have = audit["hours_available_per_week"]
    undone = audit["hours_undone_per_week"]
    if undone <= 0.05:
        return (f"Today's team has **{have:,.0f} hours a week** for the **{need:,.0f}** its "
                "work needs: nothing is left undone in an average week.")
    needed_by_kind: dict[str, float] = {}
    for t in audit["tasks"]:
        needed_by_kind[t["kind"]] = needed_by_kind.get(t["kind"], 0.0) + t["hours_needed_per_week"]
    undone_by_kind: dict[str, float] = {}
    for u in audit["left_undone"]:
        undone_by_kind[u["kind"]] = undone_by_kind.get(u["kind"], 0.0) + u["hours_per_week"]
    kinds = []
    for kind, hours in undone_by_kind.items():
        whole = hours >= needed_by_kind.get(kind, 0.0) - 0.05
        kinds.append(KIND_WORDS.get(kind, kind) if whole else
                     f"part of the {KIND_WORDS.get(kind, kind)}")
    return (f"Today's team has **{have:,.0f} hours a week** for the **{need:,.0f}** its work "
            f"needs: **{undone:,.0f} hours a week are left undone**, first {_and(kinds)}.")
