"""Files for budget meetings, written so that a failure never leaves half a folder.

Every output folder is built in a temporary sibling and renamed into place at the end;
an existing estimator output folder is replaced only once the new one is complete. Single
files (the brief, the workbook) are written under a temporary name and renamed; charts are
all drawn into a temporary folder before any of them is moved into place.

What ``estimator run --out DIR`` writes (:func:`write_run_outputs`)::

    summary.json  summary.csv  by_role.csv  hours_by_kind.csv  weekly.csv
    assumptions.csv  runs.csv  scenario.toml
    workbook.xlsx     the same tables for a spreadsheet (Summary, FTE by role,
                      Hours by kind, Weekly demand, Assumptions)
    brief.pdf         one A4 page for a budget meeting
    charts/NAME.png|svg|pdf   every chart (PNG at 300 dpi on a 16:9 slide)
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
import textwrap
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from estimator.engine.result import Result, input_context
from estimator.scenario import ScenarioError, field_docs, to_toml
from estimator.scenario import quantities as dist

#: A folder holding one of these was written by the estimator and may be replaced.
OUTPUT_MARKERS = ("summary.json", "manifest.json")

#: The chart file formats :func:`export_charts` writes.
CHART_FORMATS = ("png", "svg", "pdf")

#: Spreadsheet number formats.
FMT_FTE = "0.0"
FMT_HOURS = "#,##0"
FMT_MONEY = "#,##0"
FMT_SHARE = "0%"
FMT_COUNT = "#,##0"
FMT_DATE = "yyyy-mm-dd"
FMT_DECIMAL = "0.00"
FMT_WHOLE = "0"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder that becomes ``target`` when the block succeeds.

    If the block raises, the temporary folder is removed and ``target`` is untouched.
    A ``target`` that exists must be empty or an earlier estimator output folder.
    """
    target = Path(target)
    if target.exists():
        if not target.is_dir():
            raise ScenarioError(f"out: expected a folder, got the file {target}", field="out")
        if any(target.iterdir()) and not any((target / m).exists() for m in OUTPUT_MARKERS):
            raise ScenarioError(
                f"out: {target} holds other files; choose a new or empty folder", field="out"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; the output is not
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{tmp.name.split('.')[-2]}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` that replaces it when the block succeeds.

    If the block raises, the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n",
                    encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_csv(rows: Iterable[dict[str, Any]], path: Path) -> None:
    """Rows of dicts as CSV; numbers stay numbers (no thousands separators)."""
    rows = list(rows)
    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    if hasattr(value, "item"):
        return _cell(value.item())
    return value


# --------------------------------------------------------------------------- tables


def _lookup(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[part]
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
        (f"Planned team (weekly work met in {plan} of weeks)", "recommended_fte_total", "FTE"),
        ("Planned team, yearly cost", "recommended_cost", cur),
        ("Yearly cost of the FTE needed, mean", "cost_total.mean", cur),
        ("Yearly cost of the FTE needed, P50", "cost_total.p50", cur),
        ("Yearly cost of the FTE needed, P90", "cost_total.p90", cur),
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
        ("Crisis messages given a holding reply (beyond the staffed surge), mean",
         "crisis_triaged_messages.mean", "messages"),
        ("Crisis messages given a holding reply, P90", "crisis_triaged_messages.p90",
         "messages"),
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
        ]
        if "crisis_week" in s["current_staff"]:
            spec += [
                ("Crisis weeks a year, mean", "current_staff.crisis_week.weeks_with_crisis_mean",
                 "weeks"),
                ("Hours of work in a crisis week, mean",
                 "current_staff.crisis_week.demand_hours_mean", "hours"),
                ("Hours of work in a typical week, mean",
                 "current_staff.crisis_week.typical_week_demand_hours_mean", "hours"),
                ("Hours over today's capacity in a crisis week, mean",
                 "current_staff.crisis_week.overtime_hours_mean", "hours"),
                ("Replies within target in a crisis week, today's team",
                 "current_staff.crisis_week.replies_within_target_share", "share"),
            ]
    rows = [{"measure": m, "value": _lookup(s, k), "unit": u, "key": k} for m, k, u in spec]
    labels = s.get("role_labels", {})
    if s["combine_or_contract"]:
        rows.append({"measure": "Roles under half an FTE (combine or contract)",
                     "value": ", ".join(labels.get(r, r) for r in s["combine_or_contract"]),
                     "unit": "", "key": "combine_or_contract"})
    return rows


def _kind_label(kind: str) -> str:
    from estimator.report.charts import KIND_LABELS

    return KIND_LABELS.get(kind, kind)


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


def write_tables(result: Result, folder: Path) -> list[Path]:
    """summary.json, the workbook's tables as CSV (summary, by_role, hours_by_kind, weekly,
    assumptions), runs.csv and the scenario as run."""
    summary = result.summary()
    paths = {
        "summary.json": lambda p: write_json(summary, p),
        "summary.csv": lambda p: write_csv(summary_rows(result, summary), p),
        "runs.csv": lambda p: write_csv(result.runs_table(), p),
        "by_role.csv": lambda p: write_csv(result.by_role_table(), p),
        "hours_by_kind.csv": lambda p: write_csv(hours_by_kind_rows(result), p),
        "weekly.csv": lambda p: write_csv(result.weekly_table(), p),
        "assumptions.csv": lambda p: write_csv(assumption_rows(result), p),
        "scenario.toml": lambda p: p.write_text(to_toml(result.model.scenario), encoding="utf-8"),
    }
    written = []
    for name, write in paths.items():
        write(folder / name)
        written.append(folder / name)
    return written


# --------------------------------------------------------------------------- workbook


def _sheets(result: Result) -> list[tuple[str, list[tuple[str, str, str | None]],
                                          list[dict[str, Any]], list[dict[str, Any]]]]:
    """(sheet name, columns as (key, header, number format), rows, total rows)."""
    s = result.summary()
    cur = s["currency"]
    plan = f"P{s['plan_percentile']:g}"
    kinds = result.kinds
    role_cols: list[tuple[str, str, str | None]] = [
        ("label", "Role", None),
        ("fte_mean", "FTE mean", FMT_FTE),
        ("fte_p50", "FTE P50", FMT_FTE),
        ("fte_p90", "FTE P90", FMT_FTE),
        ("fte_p95", "FTE P95", FMT_FTE),
        ("recommended_fte", f"Planned FTE ({plan} of weeks)", FMT_FTE),
        ("salary", f"Salary a year ({cur})", FMT_MONEY),
        ("recommended_cost", f"Planned cost a year ({cur})", FMT_MONEY),
        ("current_fte", "Today's FTE", FMT_FTE),
        *[(f"hours_{k}_mean", f"Hours a year: {_kind_label(k).lower()}", FMT_HOURS)
          for k in kinds],
        ("role", "Role key", None),
    ]
    by_role = result.by_role_table()
    role_total = {
        "label": "Total (percentiles of the total)", "fte_mean": s["fte_total"]["mean"],
        "fte_p50": s["fte_total"]["p50"], "fte_p90": s["fte_total"]["p90"],
        "fte_p95": s["fte_total"]["p95"], "recommended_fte": s["recommended_fte_total"],
        "recommended_cost": s["recommended_cost"],
        "current_fte": sum(r["current_fte"] for r in by_role),
        **{f"hours_{k}_mean": sum(r[f"hours_{k}_mean"] for r in by_role) for k in kinds},
    }
    kind_cols: list[tuple[str, str, str | None]] = [
        ("label", "Kind of work", None),
        ("hours_mean", "Hours a year, mean", FMT_HOURS),
        ("hours_p10", "Hours P10", FMT_HOURS),
        ("hours_p50", "Hours P50", FMT_HOURS),
        ("hours_p90", "Hours P90", FMT_HOURS),
        ("fte_mean", "FTE mean", FMT_FTE),
        ("fte_p50", "FTE P50", FMT_FTE),
        ("fte_p90", "FTE P90", FMT_FTE),
        ("share_of_hours", "Share of hours", FMT_SHARE),
        ("kind", "Kind key", None),
    ]
    kind_rows = hours_by_kind_rows(result)
    kind_total = {"label": "Total", "hours_mean": sum(r["hours_mean"] for r in kind_rows),
                  "fte_mean": sum(r["fte_mean"] for r in kind_rows), "share_of_hours": 1.0}
    weekly = result.weekly_table()
    for row in weekly:
        row["week_start"] = date.fromisoformat(row["week_start"])
    week_cols: list[tuple[str, str, str | None]] = [
        ("week", "Week", FMT_WHOLE),
        ("week_start", "Week starts (Monday)", FMT_DATE),
        ("demand_hours_p10", "Hours of work P10", FMT_HOURS),
        ("demand_hours_p50", "Hours of work P50", FMT_HOURS),
        ("demand_hours_p90", "Hours of work P90", FMT_HOURS),
        ("crisis_hours_mean", "Crisis hours, mean", "#,##0.0"),
        ("chance_of_crisis", "Chance of a crisis", FMT_SHARE),
    ]
    if result.has_current_staff:
        week_cols.append(("current_capacity_hours", "Today's capacity (hours)", FMT_HOURS))
    assumption_cols: list[tuple[str, str, str | None]] = [
        ("field", "Field in the scenario file", None),
        ("assumption", "Assumption", None),
        ("value", "Value", "General"),
        ("estimate", "Kind of estimate", None),
        ("low", "Low", "General"),
        ("mode", "Most likely", "General"),
        ("high", "High", "General"),
        ("median", "Median", "General"),
        ("p90", "P90", "General"),
        ("mean_drawn", "Mean drawn over the runs", FMT_DECIMAL),
        ("influence", "Influence on total FTE (rank correlation)", FMT_DECIMAL),
        ("source", "Source", None),
    ]
    summary_cols: list[tuple[str, str, str | None]] = [
        ("measure", "Measure", None), ("value", "Value", None), ("unit", "Unit", None),
        ("key", "Key in summary.json", None),
    ]
    return [
        ("Summary", summary_cols, summary_rows(result, s), []),
        ("FTE by role", role_cols, by_role, [role_total]),
        ("Hours by kind", kind_cols, kind_rows, [kind_total]),
        ("Weekly demand", week_cols, weekly, []),
        ("Assumptions", assumption_cols, assumption_rows(result), []),
    ]


_UNIT_FORMATS = {"FTE": FMT_FTE, "hours": FMT_HOURS, "share": FMT_SHARE, "runs": FMT_COUNT,
                 "replies": FMT_COUNT, "crises": "0.0", "weeks": "0.0", "%": "0"}


def write_workbook(result: Result, path: str | Path) -> Path:
    """``workbook.xlsx``: sheets Summary, FTE by role, Hours by kind, Weekly demand and
    Assumptions. Numbers are stored as numbers with formats ('0.0' for FTE, '#,##0' for hours
    and money, '0%' for shares); the header row is frozen and the columns sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    currency = result.model.scenario.scenario.currency
    wb = Workbook()
    wb.remove(wb.active)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    bold = Font(bold=True)
    for name, cols, rows, totals in _sheets(result):
        ws = wb.create_sheet(name)
        ws.append([h for _, h, _ in cols])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(h) for _, h, _ in cols]
        for row in [*rows, *totals]:
            values = []
            for key, _, _ in cols:
                v = row.get(key)
                if isinstance(v, np.generic):
                    v = v.item()
                if isinstance(v, list):
                    v = ", ".join(str(x) for x in v)
                values.append(v)
            ws.append(values)
            r = ws.max_row
            for j, (key, _, fmt) in enumerate(cols):
                cell = ws.cell(row=r, column=j + 1)
                if name == "Summary" and key == "value":
                    unit = row.get("unit", "")
                    fmt = FMT_MONEY if unit == currency else _UNIT_FORMATS.get(unit)
                if fmt and isinstance(cell.value, int | float) and not isinstance(
                        cell.value, bool):
                    cell.number_format = fmt
                elif fmt == FMT_DATE and isinstance(cell.value, date):
                    cell.number_format = fmt
                if any(row is t for t in totals):
                    cell.font = bold
                shown = (f"{cell.value:,.1f}" if isinstance(cell.value, float)
                         else str(cell.value if cell.value is not None else ""))
                widths[j] = max(widths[j], len(shown))
        for j, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(w + 2, 8), 60)
        ws.freeze_panes = "A2"
    wb.properties.title = f"Staffing estimate: {result.scenario_name}"
    wb.properties.creator = "social-staffing-estimator"
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path


# --------------------------------------------------------------------------- charts


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-") or "scenario"


def _check_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    out = tuple(f.lower().lstrip(".") for f in formats)
    bad = [f for f in out if f not in CHART_FORMATS]
    if bad or not out:
        raise ValueError(f"formats: expected some of {', '.join(CHART_FORMATS)}, got "
                         f"{', '.join(bad) or 'none'}")
    return out


def save_figure(fig: Any, stem: Path, formats: Sequence[str] = CHART_FORMATS,
                title: str = "") -> list[Path]:
    """Save ``fig`` as ``stem.png`` (300 dpi), ``stem.svg`` and ``stem.pdf``."""
    import matplotlib as mpl

    from estimator import __version__
    from estimator.report.charts import SLIDE_DPI, style

    software = f"social-staffing-estimator {__version__}"
    meta = {"png": {"Software": software, "Title": title},
            "svg": {"Creator": software, "Title": title},
            "pdf": {"Creator": software, "Title": title}}
    written = []
    with mpl.rc_context(style()):
        for fmt in _check_formats(formats):
            path = stem.with_name(f"{stem.name}.{fmt}")
            fig.savefig(path, format=fmt, dpi=SLIDE_DPI, metadata=meta[fmt])
            written.append(path)
    return written


def _draw_set(results: list[Result], stage: Path, formats: tuple[str, ...]) -> list[Path]:
    from estimator.report import charts

    written: list[Path] = []
    if len(results) > 1:
        for measure, name in (("fte", "comparison"), ("cost", "comparison_cost")):
            ax = charts.plot_comparison(results, measure=measure)
            written += save_figure(ax.figure, stage / name, formats, ax.get_title(loc="left"))
        subfolders = [stage / f"{i + 1:02d}-{_slug(r.scenario_name)}"
                      for i, r in enumerate(results)]
    else:
        subfolders = [stage]
    for result, folder in zip(results, subfolders, strict=True):
        folder.mkdir(exist_ok=True)
        for name, plot in charts.CHARTS.items():
            ax = plot(result)
            written += save_figure(ax.figure, folder / name, formats, ax.get_title(loc="left"))
    return written


def export_charts(results_or_result: Result | Sequence[Result], folder: str | Path,
                  formats: Sequence[str] = CHART_FORMATS) -> list[Path]:
    """Every chart of :data:`estimator.charts.CHARTS` as PNG (300 dpi, 16:9 slide), SVG and
    PDF in ``folder``; for several results, ``comparison`` and ``comparison_cost`` too, and
    each result's charts in a subfolder ``NN-scenario-name``.

    All charts are drawn into a temporary folder first: if one fails, no file in ``folder``
    is created or replaced. Returns the paths written.
    """
    fmts = _check_formats(formats)
    results = ([results_or_result] if isinstance(results_or_result, Result)
               else list(results_or_result))
    if not results:
        raise ValueError("export_charts: expected a result, got none")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".charts.", suffix=".partial", dir=folder))
    try:
        drawn = _draw_set(results, stage, fmts)
        out = []
        for path in drawn:
            final = folder / path.relative_to(stage)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            out.append(final)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- brief

#: A4 portrait, in inches.
A4_INCHES = (8.27, 11.69)


def _wrap(lines: Iterable[str], width: int, indent: str = "") -> str:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width, subsequent_indent=indent) or [""]
    return "\n".join(out)


def _staff(value: float) -> str:
    from estimator.report.charts import _staff

    return _staff(value)


def _today_lines(result: Result, s: dict[str, Any]) -> list[str]:
    c = s.get("current_staff")
    if not c:
        return ["• The scenario gives no current staff: add [current_staff] to compare."]
    lines = [
        f"• With {_staff(c['fte_total'])} FTE it is short by {c['gap_fte_p50']:.1f} FTE (P50) to "
        f"{c['gap_fte_p90']:.1f} FTE (P90); enough in {c['chance_enough']:.0%} of simulated "
        "years.",
        f"• Overloaded in {c['weeks_overloaded_share']:.0%} of weeks: "
        f"{c['overtime_hours_mean']:,.0f} hours a year of work beyond its "
        f"{c['capacity_hours_per_week_mean']:,.0f} productive hours a week.",
        f"• {c['replies_within_target_share']:.0%} of replies answered within target "
        f"(against {s['replies_within_target_share']:.0%} with the needed team).",
    ]
    cw = c.get("crisis_week")
    if cw:
        lines.append(
            f"• A crisis week ({cw['weeks_with_crisis_mean']:.1f} a year): "
            f"{cw['demand_hours_mean']:,.0f} hours of work against "
            f"{cw['typical_week_demand_hours_mean']:,.0f} in a typical week; "
            f"{cw['overtime_hours_mean']:,.0f} hours over capacity; "
            f"{cw['replies_within_target_share']:.0%} of replies within target.")
    return lines


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

    from estimator.app.cli import money
    from estimator.report import charts

    s = result.summary(percentiles=(10, 50, 90, 95))
    cur = s["currency"]
    t = s["fte_total"]
    plan = f"{s['plan_percentile']:g}%"
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
            f"{money(s['cost_total']['p90'], cur)} (P90).",
            f"Plan for a team of {s['recommended_fte_total']:.1f} FTE, which meets the weekly "
            f"work in {plan} of weeks, at {money(s['recommended_cost'], cur)} a year."
            + (f" Today the programme has {_staff(s['current_staff']['fte_total'])} FTE."
               if "current_staff" in s else ""),
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
        page.text(col, y + 0.3, _wrap(_today_lines(result, s), 40, "  "), fontsize=8,
                  linespacing=1.45, gid="today")
        y += 0.3 + chart_h + 0.55

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
    from estimator.app.cli import money
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
    cols = [("Role", 0.0, "left"), ("Median FTE", 0.50, "right"), ("P90 FTE", 0.61, "right"),
            (f"Planned FTE\n(P{s['plan_percentile']:g} of weeks)", 0.76, "right"),
            (f"Planned cost\na year ({cur})", 0.90, "right"), ("Today\nFTE", 1.0, "right")]
    for label, x, ha in cols:
        page.text(left + x * width, top, label, ha=ha, fontweight="bold", fontsize=size,
                  linespacing=1.2, gid="table_header")
    y = top + 2 * _line_height(size, 1.2) + 0.08
    page.rule(left, right, y, color=GREY, lw=0.8)
    y += 0.07
    total = {"label": "Total", "fte_p50": s["fte_total"]["p50"], "fte_p90": s["fte_total"]["p90"],
             "recommended_fte": s["recommended_fte_total"],
             "recommended_cost": s["recommended_cost"],
             "current_fte": sum(r["current_fte"] for r in every)}
    if hidden:
        rows.append({"label": f"{len(hidden)} more roles (see workbook.xlsx)",
                     "fte_p50": sum(r["fte_p50"] for r in hidden),
                     "fte_p90": sum(r["fte_p90"] for r in hidden),
                     "recommended_fte": sum(r["recommended_fte"] for r in hidden),
                     "recommended_cost": sum(r["recommended_cost"] for r in hidden),
                     "current_fte": sum(r["current_fte"] for r in hidden)})
    for row in [*rows, total]:
        is_total = row is total
        if is_total:
            page.rule(left, right, y - 0.03, color=GREY, lw=0.8)
            y += 0.04
        mark = " *" if row.get("role") in small else ""
        cells = [row["label"] + mark, f"{row['fte_p50']:.1f}", f"{row['fte_p90']:.1f}",
                 f"{row['recommended_fte']:.1f}", money(row["recommended_cost"], cur),
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


def write_brief(result: Result, path: str | Path) -> Path:
    """``brief.pdf``: one A4 page for a budget meeting (the headline number and its range,
    the role table with cost, the key chart, what today's team gets, the main assumptions)."""
    from estimator import __version__

    path = Path(path)
    fig = brief_figure(result)
    meta = {"Title": f"Staffing estimate: {result.scenario_name}",
            "Creator": f"social-staffing-estimator {__version__}"}
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="pdf", metadata=meta)
    return path


# --------------------------------------------------------------------------- a run's folder


def write_run_outputs(result: Result, out_dir: str | Path, *, charts: bool = True) -> Path:
    """Everything ``estimator run --out DIR`` writes, atomically: the tables (JSON, CSV),
    ``workbook.xlsx``, ``brief.pdf`` and, with ``charts``, ``charts/`` (PNG, SVG, PDF)."""
    with atomic_dir(out_dir) as tmp:
        write_tables(result, tmp)
        write_workbook(result, tmp / "workbook.xlsx")
        write_brief(result, tmp / "brief.pdf")
        if charts:
            export_charts(result, tmp / "charts")
    return Path(out_dir)
