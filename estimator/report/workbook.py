"""``workbook.xlsx``: the tables of a run for a spreadsheet, numbers as numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from estimator.engine.result import Result
from estimator.report.files import FORMULA_STARTS, atomic_file
from estimator.report.tables import (
    assumption_rows,
    hours_by_kind_rows,
    risk_rows,
    role_task_rows,
    roster_rows,
    summary_rows,
    todays_week_rows,
)
from estimator.report.words import kind_label as _kind_label

#: Spreadsheet number formats.
FMT_FTE = "0.0"
FMT_HOURS = "#,##0"
FMT_MONEY = "#,##0"
FMT_SHARE = "0%"
FMT_COUNT = "#,##0"
FMT_DATE = "yyyy-mm-dd"
FMT_DECIMAL = "0.00"
FMT_WHOLE = "0"




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
        ("headcount", "People (headcount)", FMT_WHOLE),
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
        "recommended_cost": s["recommended_cost"], "headcount": s["headcount_total"],
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
    roster_cols: list[tuple[str, str, str | None]] = [
        ("person", "Person", None), ("role", "Role key", None), ("day", "Day", None),
        ("start", "Start", None), ("end", "End", None), ("hours", "Hours", FMT_WHOLE),
    ]
    risk_cols: list[tuple[str, str, str | None]] = [
        ("label", "Input", None),
        ("first_order", "Share of the variance of total FTE, alone (first-order index)",
         FMT_SHARE),
        ("total", "Share with its interactions (total index)", FMT_SHARE),
        ("fte_added", "FTE it adds to the years above the P90 (alone)", FMT_DECIMAL),
        ("mean_quantile", "Where its draws sat in those years (mean quantile; 0.5 = as usual)",
         FMT_DECIMAL),
        ("field", "Field in the scenario file", None),
    ]
    summary_cols: list[tuple[str, str, str | None]] = [
        ("measure", "Measure", None), ("value", "Value", None), ("unit", "Unit", None),
        ("key", "Key in summary.json", None),
    ]
    task_cols: list[tuple[str, str, str | None]] = [
        ("label", "Role", None), ("task", "Task", None), ("kind", "Kind of work", None),
        ("hours_per_week", "Hours a week (mean)", "0.0"),
        ("share_of_role", "Share of the role's hours", FMT_SHARE),
    ]
    week_task_cols: list[tuple[str, str, str | None]] = [
        ("order", "Order the team does it in", FMT_WHOLE), ("task", "Task", None),
        ("kind", "Kind of work", None), ("roles", "Roles", None),
        ("hours_needed_per_week", "Hours needed a week", "0.0"),
        ("hours_done_per_week", "Hours done a week", "0.0"),
        ("hours_undone_per_week", "Hours left undone a week", "0.0"),
        ("share_undone", "Share left undone", FMT_SHARE),
    ]
    week_rows = todays_week_rows(s)
    week_total = [{"task": "All the work", "hours_needed_per_week":
                   s["current_staff"]["time_audit"]["hours_needed_per_week"],
                   "hours_done_per_week": sum(r["hours_done_per_week"] for r in week_rows),
                   "hours_undone_per_week": sum(r["hours_undone_per_week"] for r in week_rows)},
                  {"task": "Hours today's team has a week",
                   "hours_needed_per_week":
                   s["current_staff"]["time_audit"]["hours_available_per_week"]}
                  ] if week_rows else []
    todays = ([("Today's week", week_task_cols, week_rows, week_total)]
              if result.has_current_staff else [])
    return [
        ("Summary", summary_cols, summary_rows(result, s), []),
        ("FTE by role", role_cols, by_role, [role_total]),
        ("Hours by kind", kind_cols, kind_rows, [kind_total]),
        ("Weekly demand", week_cols, weekly, []),
        ("Assumptions", assumption_cols, assumption_rows(result), []),
        ("Role tasks", task_cols, role_task_rows(s), []),
        *todays,
        ("Roster", roster_cols, roster_rows(result), []),
        ("What moves it", risk_cols, risk_rows(result, s), []),
    ]


def _as_text(cell: Any) -> None:
    """A text cell stays text: openpyxl would store a string starting with ``=`` as a
    formula (a scenario name ``=HYPERLINK(...)`` would become a live link)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel and LibreOffice keep it text when edited


_UNIT_FORMATS = {"FTE": FMT_FTE, "hours": FMT_HOURS, "share": FMT_SHARE, "runs": FMT_COUNT,
                 "people": FMT_WHOLE,
                 "replies": FMT_COUNT, "crises": "0.0", "weeks": "0.0", "%": "0"}


def write_workbook(result: Result, path: str | Path) -> Path:
    """``workbook.xlsx``: sheets Summary, FTE by role, Hours by kind, Weekly demand,
    Assumptions, Role tasks, (with current staff) Today's week, Roster and What moves it.
    Numbers are stored as numbers with formats ('0.0' for FTE, '#,##0' for hours and money, '0%' for
    shares); the header row is frozen and the columns sized."""
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
        for row_cells in ws.iter_rows():
            for cell in row_cells:
                _as_text(cell)
        for j, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(w + 2, 8), 60)
        ws.freeze_panes = "A2"
    wb.properties.title = f"Staffing estimate: {result.scenario_name}"
    wb.properties.creator = "social-staffing-estimator"
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path


