"""The tables of a run, as rows of dicts: the summary, hours by kind of work, the
assumptions; and the CSV/JSON files of an output folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from estimator.engine.result import Result, input_context
from estimator.report.files import write_csv, write_json
from estimator.report.words import TRIAGED_LABEL
from estimator.report.words import kind_label as _kind_label
from estimator.scenario import field_docs, to_toml
from estimator.scenario import quantities as dist


def _lookup(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def summary_rows(result: Result, summary: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The summary as rows of ``measure``, ``value``, ``unit`` and ``key`` (its path in
    :meth:`Result.summary`), for the workbook's Summary sheet and ``summary.csv``."""
    s = result.summary() if summary is None else summary
    cur = s["currency"]
    plan = f"P{s['plan_percentile']:g}"
    spec: list[tuple[str, str, str]] = [
        ("Scenario", "scenario", ""),
        ("Planning year", "year", ""),
        ("Runs (simulated years)", "runs", "runs"),
        ("Seed", "seed", ""),
        ("Created", "created", ""),
        ("Estimator version", "version", ""),
        ("FTE needed, mean", "fte_total.mean", "FTE"),
        ("FTE needed, median (P50)", "fte_total.p50", "FTE"),
        ("FTE needed, P90", "fte_total.p90", "FTE"),
        ("FTE needed, P95", "fte_total.p95", "FTE"),
    ]
    for p in ("p50", "p90", "p95"):  # how sure each percentile is
        for end, side in ((0, "low"), (1, "high")):
            spec.append((f"FTE needed, {p.upper()}: 95% Monte Carlo interval, {side}",
                         f"fte_total.{p}_ci95.{end}", "FTE"))
    spec += [
        (f"Planned team (all roles' weekly work met together in {plan} of weeks)",
         "recommended_fte_total", "FTE"),
        ("Share of simulated weeks the planned team meets (measured)",
         "plan_weeks_covered_share", "share"),
        ("Planned team, yearly cost", "recommended_cost", cur),
        ("Planned team, people (headcount)", "headcount_total", "people"),
        ("Yearly cost of the FTE needed, mean", "cost_total.mean", cur),
        ("Yearly cost of the FTE needed, P50", "cost_total.p50", cur),
        ("Yearly cost of the FTE needed, P90", "cost_total.p90", cur),
        ("Yearly cost, P90: 95% Monte Carlo interval, low", "cost_total.p90_ci95.0", cur),
        ("Yearly cost, P90: 95% Monte Carlo interval, high", "cost_total.p90_ci95.1", cur),
        ("Contracted hours per FTE a year", "contracted_hours_per_fte", "hours"),
        ("Productive hours per FTE a year, mean", "productive_hours_per_fte.mean", "hours"),
        ("Shrinkage (share of contracted hours lost), mean", "shrinkage", "share"),
    ]
    spec += [(f"Hours a year: {_kind_label(k).lower()}, mean", f"hours_by_work.{k}.mean", "hours")
             for k in s["hours_by_work"]]
    spec += [
        ("Covered hours a year (normal weeks)", "coverage_hours_per_year", "hours"),
        ("Covered hours a year with crises, mean", "coverage_hours_with_crises_mean", "hours"),
        ("Crises a year, mean", "crises_per_year_mean", "crises"),
        (f"{TRIAGED_LABEL}, mean", "crisis_triaged_messages.mean", "messages"),
        (f"{TRIAGED_LABEL}, P90", "crisis_triaged_messages.p90", "messages"),
        ("Replies a year, mean", "replies_per_year_mean", "replies"),
        ("Replies within target with the needed team", "replies_within_target_share", "share"),
        ("Replies arriving outside covered hours", "replies_outside_coverage_share", "share"),
        ("Planning percentile", "plan_percentile", "%"),
    ]
    if "current_staff" in s:
        spec += [
            ("Today's staff", "current_staff.fte_total", "FTE"),
            ("Today's capacity, hours a week (mean)",
             "current_staff.capacity_hours_per_week_mean", "hours"),
            ("Gap to the need, P50", "current_staff.gap_fte_p50", "FTE"),
            ("Gap to the need, P90", "current_staff.gap_fte_p90", "FTE"),
            ("Chance today's staff is enough", "current_staff.chance_enough", "share"),
            ("Weeks today's team is overloaded", "current_staff.weeks_overloaded_share", "share"),
            ("Hours a year beyond today's capacity, mean", "current_staff.overtime_hours_mean",
             "hours"),
            ("Replies within target with today's team",
             "current_staff.replies_within_target_share", "share"),
            ("Work a year nobody on today's team can do", "current_staff.unstaffed_hours_total",
             "hours"),
            ("Today's week: hours of work it is given",
             "current_staff.time_audit.hours_needed_per_week", "hours"),
            ("Today's week: productive hours it has",
             "current_staff.time_audit.hours_available_per_week", "hours"),
            ("Today's week: hours left undone",
             "current_staff.time_audit.hours_undone_per_week", "hours"),
        ]
        if "crisis_week" in s["current_staff"]:
            spec += [
                ("Crisis weeks a year, mean", "current_staff.crisis_week.weeks_with_crisis_mean",
                 "weeks"),
                ("Hours of work in a crisis week, median",
                 "current_staff.crisis_week.demand_hours_p50", "hours"),
                ("Hours of work in a typical week (no crisis), median",
                 "current_staff.crisis_week.typical_week_demand_hours_p50", "hours"),
                ("Hours over today's capacity in a crisis week, mean",
                 "current_staff.crisis_week.overtime_hours_mean", "hours"),
                ("Replies within target in a crisis week, today's team",
                 "current_staff.crisis_week.replies_within_target_share", "share"),
            ]
    if s.get("recommended_cost_ci95"):
        spec += [("Planned team, yearly cost: 95% Monte Carlo interval, low",
                  "recommended_cost_ci95.0", cur),
                 ("Planned team, yearly cost: 95% Monte Carlo interval, high",
                  "recommended_cost_ci95.1", cur)]
    if "precision" in s:
        spec += [("Precision asked: P90 of total FTE within +/-",
                  "precision.target_half_width_fte", "FTE"),
                 ("Precision reached: P90 of total FTE within +/-",
                  "precision.half_width_fte", "FTE")]
    rows = [{"measure": m, "value": _lookup(s, k), "unit": u, "key": k} for m, k, u in spec]
    labels = s.get("role_labels", {})
    if s["combine_or_contract"]:
        rows.append({"measure": "Roles under half an FTE (combine or contract)",
                     "value": ", ".join(labels.get(r, r) for r in s["combine_or_contract"]),
                     "unit": "", "key": "combine_or_contract"})
    return rows


def risk_rows(result: Result, summary: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per uncertain input (and the crisis count): its share of the variance of
    total FTE, alone and with interactions, and what it does to the years above the P90;
    for the workbook's sheet "What moves it"."""
    s = result.summary() if summary is None else summary
    bad = {d["path"]: d for d in s["bad_year_drivers"]["drivers"]}
    rows = []
    for r in s["sensitivity_indices"]:
        d = bad.get(r["path"], {})
        rows.append({"label": r["label"], "first_order": r["first_order"],
                     "total": r["total"], "fte_added": d.get("fte_added"),
                     "mean_quantile": d.get("mean_quantile"), "field": r["path"]})
    for path, d in bad.items():
        if path not in {r["path"] for r in s["sensitivity_indices"]}:
            rows.append({"label": d["label"], "first_order": None, "total": None,
                         "fte_added": d["fte_added"], "mean_quantile": d["mean_quantile"],
                         "field": path})
    rows.sort(key=lambda r: -(r["fte_added"] or 0.0) if r["first_order"] is None
              else -r["first_order"])
    return rows


def hours_by_kind_rows(result: Result) -> list[dict[str, Any]]:
    """One row per kind of work: hours a year (mean, P10, P50, P90), FTE and share of hours."""
    hours = result.hours_by_kind()
    fte = result.fte_by_kind()
    total = hours.mean(axis=0).sum()
    rows = []
    for i, k in enumerate(result.kinds):
        h10, h50, h90 = np.percentile(hours[:, i], [10, 50, 90])
        f50, f90 = np.percentile(fte[:, i], [50, 90])
        rows.append({
            "kind": k,
            "label": _kind_label(k),
            "hours_mean": float(hours[:, i].mean()),
            "hours_p10": float(h10),
            "hours_p50": float(h50),
            "hours_p90": float(h90),
            "fte_mean": float(fte[:, i].mean()),
            "fte_p50": float(f50),
            "fte_p90": float(f90),
            "share_of_hours": float(hours[:, i].mean() / total) if total > 0 else 0.0,
        })
    return rows


def _explicit(scenario: Any, path: str) -> bool:
    """Whether the scenario file set this field (rather than the estimator's default)."""
    node: Any = scenario
    parts = re.findall(r"[^.\[\]]+", path)
    try:
        for i, part in enumerate(parts):
            if isinstance(node, dict):
                return True
            if part.isdigit():
                node = node[int(part)]
                continue
            if i == len(parts) - 1:
                return part in node.model_fields_set
            if part not in node.model_fields_set:
                return False
            node = getattr(node, part)
    except (AttributeError, IndexError, KeyError, TypeError):
        return True
    return True


def is_set_in_file(scenario: Any, path: str) -> bool:
    """Whether the scenario file set the field at ``path`` (``channels[0].per_day``), rather
    than leaving it to the estimator's default."""
    return _explicit(scenario, path)


def assumption_rows(result: Result) -> list[dict[str, Any]]:
    """Every assumption the run used: :meth:`Result.assumptions`, plus per-item quantities
    (handle times, response targets, crisis durations and surges), salaries and the plan.

    Each row: ``field`` (its path in the scenario file), ``assumption`` (what it is),
    ``value`` (a number when fixed, else its short form), ``estimate`` (fixed, three-point or
    lognormal) with ``low``/``mode``/``high`` or ``median``/``p90``, ``mean_drawn`` over the
    runs where it was drawn, ``influence`` (its rank correlation with the total FTE, from
    :meth:`Result.input_influence`) and ``source``: the scenario file or the estimator's
    default.
    """
    s = result.model.scenario
    quantities: dict[str, Any] = {d.path: d.quantity for d in result.model.draws}
    texts = dict(result.assumptions())
    for i, ch in enumerate(s.channels):
        for name in ("handle_minutes", "reply_within_minutes", "service_level", "daily_cv"):
            quantities.setdefault(f"channels[{i}].{name}", getattr(ch, name))
    for i, sev in enumerate(s.crises.severity):
        for name in ("share", "days", "surge", "half_life_hours"):
            quantities.setdefault(f"crises.severity[{i}].{name}", getattr(sev, name))
    for role in result.roles:
        quantities.setdefault(f"roles.{role}.salary", s.roles[role].salary)
    quantities.setdefault("plan.percentile", s.plan.percentile)
    quantities.setdefault("plan.fte_step", s.plan.fte_step)
    for path, q in quantities.items():
        texts.setdefault(path, dist.describe(q))
    docs = {p: text for p, _, _, text in field_docs()}
    influence = result.input_influence()
    rows = []
    for path, text in texts.items():
        generic = re.sub(r"\[\d+\]", "[]", path)
        tail = ""
        doc = docs.get(generic)
        if doc is None and "." in generic:
            head, last = generic.rsplit(".", 1)
            doc = docs.get(head)
            tail = result.model.scenario.role_label(last) if last in s.roles else last
        if generic.startswith("roles.") and generic.endswith(".salary"):
            doc = docs.get("roles.<role>.salary")
            tail = s.role_label(path.split(".")[1])
        what = " — ".join(x for x in (input_context(s, path), (doc or "").rstrip("."), tail) if x)
        q = quantities.get(path)
        row: dict[str, Any] = {"field": path, "assumption": what, "value": text,
                               "estimate": "fixed", "low": None, "mode": None, "high": None,
                               "median": None, "p90": None, "mean_drawn": None}
        if isinstance(q, dist.Pert):
            row.update(estimate="three-point (low / most likely / high)", low=q.low,
                       mode=q.mode, high=q.high)
        elif isinstance(q, dist.LogNormal):
            row.update(estimate="lognormal (median, P90)", median=q.median, p90=q.p90)
        elif isinstance(q, int | float) and not isinstance(q, bool):
            row["value"] = float(q)
        else:
            try:
                row["value"] = float(text)
            except ValueError:
                pass
        if path in result.inputs and q is not None and dist.is_uncertain(q):
            row["mean_drawn"] = float(np.mean(result.inputs[path]))
        row["influence"] = influence.get(path)
        row["source"] = ("scenario file" if _explicit(s, path) else "estimator default")
        rows.append(row)
    return rows


ROSTER_FIELDS = ("person", "role", "day", "start", "end", "hours")


def roster_rows(result: Result) -> list[dict[str, Any]]:
    """A typical week's shifts (``roster.csv``): ``person``, ``role``, ``day`` (Mon..Sun),
    ``start``, ``end`` (HH:MM), ``hours``; with no on-duty hours, the header alone."""
    return result.roster_rows()


def role_task_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per role and task (``role_profiles``): the role, the task, its kind of work,
    hours a week and share of the role's hours; roles in the scenario's order, tasks largest
    first."""
    rows = []
    for role, p in summary["role_profiles"].items():
        for t in p["tasks"]:
            rows.append({"role": role, "label": p["label"], "task": t["task"],
                         "kind": _kind_label(t["kind"]), "hours_per_week": t["hours_per_week"],
                         "share_of_role": t["share"]})
    return rows


def todays_week_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Today's week (``current_staff.time_audit``), one row per task in the order the team
    does them: hours needed, done and left undone a week. Empty without current staff."""
    audit = (summary.get("current_staff") or {}).get("time_audit")
    if not audit:
        return []
    return [{"order": n, "task": t["task"], "kind": _kind_label(t["kind"]),
             "roles": ", ".join(t["roles"]), "hours_needed_per_week": t["hours_needed_per_week"],
             "hours_done_per_week": t["hours_done_per_week"],
             "hours_undone_per_week": t["hours_undone_per_week"],
             "share_undone": (t["hours_undone_per_week"] / t["hours_needed_per_week"]
                              if t["hours_needed_per_week"] > 0 else 0.0)}
            for n, t in enumerate(audit["tasks"], 1)]


def write_tables(result: Result, folder: Path) -> list[Path]:
    """summary.json, the workbook's tables as CSV (summary, by_role, hours_by_kind, weekly,
    assumptions, role_tasks, roster and, with current staff, todays_week), runs.csv
    and the scenario as run."""
    summary = result.summary()
    paths = {
        "summary.json": lambda p: write_json(summary, p),
        "summary.csv": lambda p: write_csv(summary_rows(result, summary), p),
        "runs.csv": lambda p: write_csv(result.iter_runs(), p, result.runs_columns()),
        "by_role.csv": lambda p: write_csv(result.by_role_table(), p),
        "hours_by_kind.csv": lambda p: write_csv(hours_by_kind_rows(result), p),
        "weekly.csv": lambda p: write_csv(result.weekly_table(), p),
        "assumptions.csv": lambda p: write_csv(assumption_rows(result), p),
        "roster.csv": lambda p: write_csv(roster_rows(result), p, ROSTER_FIELDS),
        "role_tasks.csv": lambda p: write_csv(role_task_rows(summary), p),
        "scenario.toml": lambda p: p.write_text(to_toml(result.model.scenario), encoding="utf-8"),
    }
    if result.has_current_staff:
        paths["todays_week.csv"] = lambda p: write_csv(todays_week_rows(summary), p)
    written = []
    for name, write in paths.items():
        write(folder / name)
        written.append(folder / name)
    return written


