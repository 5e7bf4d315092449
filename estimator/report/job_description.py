"""``roles/<role>.md``: a job-description draft per role, drafted from the numbers.

Plain Markdown to paste into an HR template: the title, a one-sentence purpose from the role's
main kinds of work, its responsibilities in order of time spent (hours a week and share), its
hours and on-call pattern, the platforms, and the numbers behind it with their sources (the
comment beside each number in the scenario file, else "assumption"). The words are the
domain's: role labels, never role keys or field paths.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from estimator.engine.calendar import WEEKS
from estimator.engine.result import Result
from estimator.engine.role_profiles import EVENING_FROM, NIGHT_UNTIL
from estimator.report.files import atomic_file
from estimator.report.tables import is_set_in_file
from estimator.report.words import money, staff
from estimator.scenario import get_value
from estimator.scenario import quantities as dist
from estimator.scenario.explain import source_comments

__all__ = ["job_description", "write_job_descriptions"]

_SNAKE = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
_INDEX = re.compile(r"\[(\d+)\]")
_PLATFORMS = re.compile(r" \(\d+ platforms\)$")


def _clean(text: str, scenario: Any) -> str:
    """A comment from the scenario file in a reader's words: role keys become their labels,
    other underscored words their spaced form; table pipes are escaped."""
    for role in scenario.roles:
        text = re.sub(rf"\b{re.escape(role)}\b", scenario.role_label(role), text)
    text = _SNAKE.sub(lambda m: m[0].replace("_", " "), text)
    return text.replace("|", "\\|").strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


# --------------------------------------------------------------------------- the parts


def _purpose(label: str, profile: dict[str, Any], scenario: Any) -> str:
    """One sentence from the role's main kinds of work (those of at least a tenth of its hours,
    at most three, largest first)."""
    tasks = profile["tasks"]
    total = profile["hours_per_week"]
    if total <= 0:
        return f"This scenario gives the {label.lower()} no work: there is no job to describe yet."
    by_kind: dict[str, float] = {}
    for t in tasks:
        by_kind[t["kind"]] = by_kind.get(t["kind"], 0.0) + t["hours_per_week"]
    kinds = [k for k, h in sorted(by_kind.items(), key=lambda kv: -kv[1]) if h >= 0.1 * total]
    kinds = kinds[:3] or [max(by_kind, key=by_kind.get)]  # type: ignore[arg-type]
    phrases = []
    for kind in kinds:
        mine = [t for t in tasks if t["kind"] == kind]
        if kind == "engagement":
            platforms = list(dict.fromkeys(p for t in mine for p in t["platforms"]))
            phrases.append(f"answer the public's comments and messages on {_list(platforms)} "
                           "within the response targets")
        elif kind == "monitoring":
            phrases.append("watch the accounts in covered hours and report on what people say")
        elif kind == "content":
            made = [t["task"].rsplit(": ", 1)[0] for t in mine if t["task"].endswith(
                ": production")][:2]
            phrases.append(f"produce the programme's {_list(made)}" if made
                           else "publish the programme's posts on every platform")
        elif kind == "crisis":
            phrases.append("respond when a crisis breaks, round the clock if need be")
        else:
            names = [_PLATFORMS.sub("", t["task"]) for t in mine][:2]
            phrases.append("take charge of " + " and of ".join(names))
    parts = [phrases[0], *(f"to {p}" for p in phrases[1:])]
    joined = _list(parts) if len(parts) < 3 else "; ".join(parts[:-1]) + "; and " + parts[-1]
    return f"To {joined}, for {scenario.scenario.name}."


def _numbers(result: Result, profile: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    s = result.model.scenario
    label = profile["label"]
    cur = summary["currency"]
    plan = summary["plan_percentile"]
    lines = [
        f"- **{profile['hours_per_week']:.1f} hours of work a week** in all "
        f"({profile['hours_per_week'] * WEEKS:,.0f} a year): "
        f"**{profile['fte']['p50']:.1f} FTE** at the median (P50) of "
        f"{summary['runs']:,} simulated years; the plan is **{profile['fte']['plan']:.1f} FTE**, "
        f"enough for the week's work in {plan:g}% of weeks.",
    ]
    if "headcount" in profile:
        lines.append(f"- Headcount for the coverage pattern: {profile['headcount']} "
                     f"{'person' if profile['headcount'] == 1 else 'people'}.")
    today = (summary.get("current_staff") or {}).get("fte", {})
    role = next(r for r in result.roles if s.role_label(r) == label)
    if summary.get("current_staff"):
        lines.append(f"- Today's team has {staff(today[role])} FTE in this role."
                     if today.get(role, 0.0) > 0 else "- Today's team has no one in this role.")
    lines.append(f"- Salary used: {money(profile['salary'], cur)} a year for one full-time "
                 f"{label.lower()}; one FTE is {summary['productive_hours_per_fte']['mean']:,.0f} "
                 f"productive hours a year (after holidays, leave, training and admin).")
    return lines


def _responsibilities(profile: dict[str, Any]) -> list[str]:
    rows = ["| Responsibility | Hours a week | Share of the role |", "|---|---:|---:|"]
    for t in profile["tasks"]:
        if t["hours_per_week"] < 0.05:
            continue
        rows.append(f"| {_cap(t['task'])} | {t['hours_per_week']:.1f} | {_share(t['share'])} |")
    rows.append(f"| **All of it** | **{profile['hours_per_week']:.1f}** | **100%** |")
    return rows


def _hours(result: Result, profile: dict[str, Any]) -> list[str]:
    cov = result.model.scenario.coverage
    lines = []
    on_duty = profile.get("on_duty_hours_per_week") or 0.0
    shares = [profile.get(f"{k}_share") or 0.0 for k in ("evening", "night", "weekend",
                                                          "holiday")]
    if on_duty > 0 and max(shares) < 0.005:
        lines.append(
            f"- On duty (answering and watching the accounts): **{on_duty:.1f} hours a week**, "
            "nearly all in the weekday daytime (under 1% in the evening, at night, at "
            "weekends or on public holidays).")
    elif on_duty > 0:
        lines.append(
            f"- On duty (answering and watching the accounts): **{on_duty:.1f} hours a week**, "
            f"of which {_share(profile['evening_share'])} in the evening ({EVENING_FROM} to "
            f"midnight), {_share(profile['night_share'])} at night (midnight to {NIGHT_UNTIL}), "
            f"{_share(profile['weekend_share'])} at weekends and "
            f"{_share(profile['holiday_share'])} on public holidays.")
    if on_duty > 0:
        lines.append(
            f"- Covered hours: weekdays {cov.weekdays or 'not covered'}, weekends "
            f"{cov.weekends or 'not covered'}; public holidays "
            + {"weekdays": "like weekdays", "weekends": "like weekends",
               "none": "not covered"}[cov.holidays] + ".")
    else:
        lines.append("- No on-duty hours: the work is scheduled by the week, in normal "
                     "working hours.")
    if profile["crisis_on_call"]:
        crisis = [t["task"].split(": ", 1)[1] for t in profile["tasks"] if t["kind"] == "crisis"]
        round_clock = (" Crises are covered round the clock until they end."
                       if cov.during_crisis == "24/7" and on_duty > 0 else "")
        lines.append(f"- Crisis on-call: **yes**, about **{profile['crisis_hours_per_year']:,.0f} "
                     f"hours a year** of crisis work ({_list(crisis)}), at any hour, weekends "
                     f"and holidays included.{round_clock}")
    else:
        lines.append("- Crisis on-call: no; crisis work does not fall to this role.")
    return lines


def _label_of(result: Result, path: str) -> str:
    """What an input is, in a reader's words."""
    s = result.model.scenario
    parts = re.findall(r"[^.\[\]]+", path)
    head = parts[0]
    if head == "content":
        c = s.content[int(parts[1])]
        field = parts[2]
        if field == "effort_hours":
            return f"{_cap(c.format)}: hours per piece ({s.role_label(parts[3])})"
        return f"{_cap(c.format)}: " + {
            "per_week": "pieces a week",
            "adapt_share": "effort to adapt a piece to each further platform (share of the first)",
            "publish_minutes": "minutes to publish on each platform"}[field]
    if head == "channels":
        ch = s.channels[int(parts[1])]
        return f"{ch.platform} {ch.kind}: " + {
            "per_day": "messages a day that need a reply",
            "replies_per_1000_audience_per_day": "messages a day per 1,000 followers",
            "handle_minutes": "minutes per reply",
            "reply_within_minutes": "response target (minutes)",
            "service_level": "share of messages to answer within the target"}[parts[2]]
    if head == "monitoring":
        return {"minutes_per_covered_hour": "Watching: minutes per covered hour, per platform",
                "report_hours_per_week": "Listening and reports: hours a week"}[parts[1]]
    if head == "work":
        w = s.work[int(parts[1])]
        per = ", per platform" if w.per_platform else ""
        return f"{_cap(w.task)}: hours a week{per}"
    if head == "crises":
        if len(parts) == 2:
            return {"per_year": "Crises a year"}.get(parts[1], parts[1])
        sev = s.crises.severity[int(parts[2])]
        return f"{_cap(sev.name)} crisis: extra hours a day ({s.role_label(parts[-1])})"
    if head == "coverage":
        return {"weekdays": "Covered hours on weekdays", "weekends": "Covered hours at weekends",
                "min_on_duty": "People on duty in covered hours",
                "during_crisis": "Coverage during a crisis"}[parts[1]]
    if head == "roles":
        return f"Salary a year ({s.role_label(parts[1])})"
    return path


def _value_of(result: Result, path: str) -> str:
    q = get_value(result.model.scenario, _INDEX.sub(r".\1", path))
    if isinstance(q, dict) and {"low", "mode", "high"} <= set(q):
        return f"{q['low']:g} / {q['mode']:g} / {q['high']:g} (low / most likely / high)"
    if isinstance(q, dict) and {"median", "p90"} <= set(q):
        return f"median {q['median']:g}, P90 {q['p90']:g}"
    if isinstance(q, dist.Pert | dist.LogNormal):
        return dist.describe(q)
    if isinstance(q, bool):
        return "yes" if q else "no"
    if isinstance(q, int | float):
        return f"{q:,g}"
    if isinstance(q, str):
        return q or "none"
    return str(q)


def _source_of(result: Result, path: str, comments: dict[str, str]) -> str:
    s = result.model.scenario
    if not is_set_in_file(s, path):
        return "assumption (the estimator's default)"
    dotted = _INDEX.sub(r".\1", path).split(".")
    for n in range(len(dotted), 0, -1):  # an inline table's comment covers its keys
        comment = comments.get(".".join(dotted[:n]))
        if comment:
            return _clean(comment, s)
    return "assumption"


def _single_platform_adaptation(scenario: Any, path: str) -> bool:
    """A format on one platform is never adapted: its adaptation share says nothing."""
    m = re.fullmatch(r"content\[(\d+)\]\.adapt_share", path)
    return bool(m) and len(set(scenario.content[int(m[1])].platforms)) < 2


def _behind(result: Result, role: str, profile: dict[str, Any],
            comments: dict[str, str]) -> list[str]:
    s = result.model.scenario
    paths = [p for p in dict.fromkeys(p for t in profile["tasks"] for p in t["inputs"])
             if not _single_platform_adaptation(s, p)]
    paths.append(f"roles.{role}.salary")
    rows = ["| Number | Value | Source |", "|---|---|---|"]
    for path in paths:
        try:
            label, value = _label_of(result, path), _value_of(result, path)
        except (KeyError, IndexError, AttributeError, ValueError):
            continue  # an input this draft does not know how to name is left out
        rows.append(f"| {label} | {_clean(value, s)} | "
                    f"{_source_of(result, path, comments)} |")
    return rows


# --------------------------------------------------------------------------- the draft


def job_description(result: Result, role: str, *, summary: dict[str, Any] | None = None,
                    source: str | Path | None = None) -> str:
    """The job-description draft of ``role`` as Markdown.

    ``source`` is the scenario file: the comment beside each number there is its source
    (:func:`estimator.scenario.explain.source_comments`); without it, or where a number has
    no comment, the source reads "assumption".
    """
    s = result.model.scenario
    summary = result.summary() if summary is None else summary
    profile = summary["role_profiles"][role]
    label = profile["label"]
    comments = source_comments(source) if source is not None else {}
    platforms = profile["platforms"]
    lines = [
        f"# {label}",
        "",
        f"*A draft job description, from the staffing estimate for {s.scenario.name} "
        f"(planning year {summary['year']}, {summary['runs']:,} simulated years). Go through "
        "it with the person in the job, their manager and HR: it lists everything the "
        "numbers say the job does.*",
        "",
        "## Purpose",
        "",
        _purpose(label, profile, s),
        "",
        "## The role in numbers",
        "",
        *_numbers(result, profile, summary),
        "",
        "## Responsibilities, in order of time spent",
        "",
        *_responsibilities(profile),
        "",
        "## Hours and on-call",
        "",
        *_hours(result, profile),
        "",
        "## Platforms",
        "",
        _list(platforms) + "." if platforms else "None in particular: the work is not tied "
        "to a platform.",
        "",
        "## The numbers behind it",
        "",
        "Each number as the scenario sets it, and where it comes from (the sources are listed "
        "in the estimator's sources page; \"assumption\" marks a judgment to replace with "
        "your own figure).",
        "",
        *_behind(result, role, profile, comments),
        "",
    ]
    return "\n".join(lines)


def write_job_descriptions(result: Result, folder: str | Path, *,
                           summary: dict[str, Any] | None = None,
                           source: str | Path | None = None) -> list[Path]:
    """``folder/<role>.md`` for every role of the scenario; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = result.summary() if summary is None else summary
    out = []
    for role in result.roles:
        path = folder / f"{role}.md"
        with atomic_file(path) as tmp:
            tmp.write_text(job_description(result, role, summary=summary, source=source),
                           encoding="utf-8")
        out.append(path)
    return out
