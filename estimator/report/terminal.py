"""The tables the ``estimator`` command prints: a run's summary, a comparison, a sweep."""

from __future__ import annotations

from typing import Any

from estimator.report.words import (
    TRIAGED_LABEL,
    bad_years_sentence,
    calendar_sentence,
    interval_sentence,
    money,
    people_sentences,
    plain,
    plan_sentence,
    precision_sentence,
    signed_money,
    today_sentences,
    variance_sentence,
)


def format_comparison(s: dict[str, Any]) -> str:
    """The table ``estimator compare`` prints."""
    rows = s["scenarios"]
    width = max([len(r["label"]) for r in rows] + [20])
    lines = [
        f"{len(rows)} scenario{'s' if len(rows) != 1 else ''}, {s['runs']:,} runs each, "
        f"seed {s['seed']}, common random numbers",
        "",
        f"{'':<{width}} {'FTE needed':>14} {'yearly cost':>12}   difference from the first, "
        "run by run",
        f"{'Scenario':<{width}} {'P50':>6} {'P90':>7} {'P50':>12}   {'FTE mean':>8} "
        f"{'FTE P10 to P90':>16} {'cost mean':>12}",
    ]
    for r in rows:
        f, c, cur = r["fte_total"], r["cost_total"], r["currency"]
        row = f"{r['label']:<{width}} {f['p50']:6.2f} {f['p90']:7.2f} {money(c['p50'], cur):>12}"
        d = r["difference"]
        if d is None:
            row += "   (baseline)"
        else:
            df = d["fte_total"]
            row += (f"   {df['mean']:+8.2f} {df['p10']:+7.2f} to {df['p90']:+5.2f} "
                    f"{signed_money(d['cost_total']['mean'], cur):>12}")
        lines.append(row)
    return "\n".join(lines)


def format_sweep(sweep: Any) -> str:
    """The table ``estimator sweep`` prints."""
    rows = sweep.table()
    fields = sweep.fields
    widths = {f: max([len(f)] + [len(r[f]) for r in rows]) for f in fields}
    source = sweep.base.source or sweep.base.name
    lines = [
        f"Sweep of {source} ({sweep.base.name}): {len(rows)} points, {sweep.runs:,} runs "
        f"each, seed {sweep.seed}, common random numbers",
        "",
        "  ".join(f"{f:<{widths[f]}}" for f in fields)
        + f"  {'FTE P50':>7} {'FTE P90':>7} {'cost P50':>12}  {'FTE vs first (mean)':>19}",
    ]
    cur = sweep.base.scenario.scenario.currency
    for r in rows:
        lines.append(
            "  ".join(f"{r[f]:<{widths[f]}}" for f in fields)
            + f"  {r['fte_p50']:7.2f} {r['fte_p90']:7.2f} {money(r['cost_p50'], cur):>12}"
            f"  {r['diff_fte_mean']:+19.2f}"
        )
    if sweep.problems:
        lines += ["", f"Not run: {len(sweep.problems)} invalid point(s) (see the errors above)"]
    return "\n".join(lines)


def _intervals(s: dict[str, Any]) -> str:
    """Each percentile of total FTE with its 95% Monte Carlo interval."""
    t = s["fte_total"]
    parts = []
    for key in sorted((k[:-5] for k in t if k.endswith("_ci95")), key=lambda k: float(k[1:])):
        low, high = t[f"{key}_ci95"]
        span = ("not bounded by these runs" if low is None or high is None
                else f"{low:.2f}-{high:.2f}")
        parts.append(f"{key.upper()} {span}")
    return ", ".join(parts)


def format_summary(s: dict[str, Any], currency: str | None = None) -> str:
    """The readable summary table ``estimator run`` prints."""
    currency = currency or s.get("currency", "USD")
    roles = list(s["fte_by_role"])
    labels = s.get("role_labels", {})

    def _label(role: str) -> str:
        return labels.get(role) or role.replace("_", " ").capitalize()

    current = s.get("current_staff")
    width = max([len(_label(r)) for r in roles] + [22])
    lines = [
        f"{s['scenario']}: planning year {s['year']}, {s['runs']:,} runs, seed {s['seed']}",
        f"One FTE: {s['productive_hours_per_fte']['mean']:,.0f} productive hours a year of "
        f"{s['contracted_hours_per_fte']:,.0f} contracted (shrinkage "
        f"{s['shrinkage']:.0%})",
        "",
        f"{'FTE needed':<{width}} {'P50':>6} {'P90':>6} {'plan':>9} {'people':>6}"
        + (f" {'today':>6}" if current else ""),
    ]
    people = s["headcount_by_role"]
    for r in roles:
        f = s["fte_by_role"][r]
        if f["p90"] == 0 and s["recommended_fte"][r] == 0 and not (current and current["fte"][r]):
            continue
        shared = s["headcount_detail"][r]["combined"]
        row = (f"{_label(r):<{width}} {f['p50']:6.2f} {f['p90']:6.2f} "
               f"{s['recommended_fte'][r]:9.1f} {'shared' if shared else people[r]:>6}")
        if current:
            row += f" {current['fte'][r]:6.2f}"
        lines.append(row)
    t = s["fte_total"]
    row = (f"{'Total':<{width}} {t['p50']:6.2f} {t['p90']:6.2f} "
           f"{s['recommended_fte_total']:9.1f} {s['headcount_total']:6d}")
    if current:
        row += f" {current['fte_total']:6.2f}"
    lines += [row, ""]
    if "p90_ci95" in t:
        lines.append(" ".join(filter(None, [
            f"How sure: {interval_sentence(s, 90)} ({s['runs']:,} runs).",
            precision_sentence(s)])))
        lines.append(f"  95% intervals of total FTE: {_intervals(s)}")
    lines.append(plain(plan_sentence(s)))
    lines += [plain(sentence) for sentence in people_sentences(s)]
    lines.append("")
    c = s["cost_total"]
    lines.append(
        f"Yearly cost: {money(c['p50'], currency)} (P50), {money(c['p90'], currency)} (P90); "
        f"the planned team {money(s['recommended_cost'], currency)}"
    )
    kinds = ", ".join(f"{k} {v['mean']:,.0f}" for k, v in s["hours_by_work"].items())
    lines.append(f"Hours a year by kind of work (mean): {kinds}")
    lines.append(
        f"Covered hours: {s['coverage_hours_per_year']:,} a year; crises: "
        f"{s['crises_per_year_mean']:.1f} a year on average"
    )
    triaged = s["crisis_triaged_messages"]
    if triaged["mean"] > 0:
        lines.append(
            f"{TRIAGED_LABEL}: {triaged['mean']:,.0f} a year (mean), {triaged['p90']:,.0f} (P90)"
        )
    lines.append(
        f"Replies within target with the needed team: {s['replies_within_target_share']:.0%} "
        f"({s['replies_outside_coverage_share']:.0%} of messages arrive outside covered hours)"
    )
    if s.get("sensitivity_indices"):
        lines.append(f"What moves it: {variance_sentence(s)}. {bad_years_sentence(s)}.")
    if s["combine_or_contract"]:
        lines.append(
            "Under half an FTE (combine or contract): "
            + ", ".join(_label(r) for r in s["combine_or_contract"])
        )
    if calendar_sentence(s):
        lines.append(plain(calendar_sentence(s)))
    if current:
        lines.append("")
        lines += [plain(sentence) for sentence in today_sentences(s)]
    return "\n".join(lines)
