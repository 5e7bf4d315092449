"""Files for a budget meeting: they are produced, valid, equal to the summary, and never
half-written."""

from __future__ import annotations

import csv
import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from estimator import load_scenario, simulate, with_values
from estimator.app.cli import main
from estimator.report import brief, charts, figures, outputs, tables, workbook
from tests.conftest import ROOT
from tests.layout_check import off_page

EXAMPLE = ROOT / "tests" / "data" / "model_example.toml"
SHEETS = ["Summary", "Replies by channel", "FTE by role", "Hours by kind", "Weekly demand",
          "Assumptions", "Role tasks", "Today's week", "Roster", "What moves it"]


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario(EXAMPLE), runs=200, seed=1)


@pytest.fixture(scope="module")
def out(result, tmp_path_factory) -> Path:
    """One full run folder, as ``estimator run --out`` writes it."""
    return outputs.write_run_outputs(result, tmp_path_factory.mktemp("run") / "out")


@pytest.fixture(scope="module")
def summary(out) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def pdf_pages(path: Path) -> int:
    """Page objects in a PDF (``/Type /Page``, not ``/Pages``)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def folder_state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if ".partial" in p.name or ".old-" in p.name]


# --------------------------------------------------------------------------- the run folder


def test_the_run_folder_holds_everything(out):
    names = {p.name for p in out.iterdir()}
    assert {"summary.json", "summary.csv", "by_role.csv", "hours_by_kind.csv", "weekly.csv",
            "assumptions.csv", "runs.csv", "scenario.toml", "workbook.xlsx", "brief.pdf",
            "charts", "roster.csv"} <= names
    assert {p.name for p in (out / "charts").iterdir()} == {
        f"{name}.{fmt}" for name in charts.CHARTS for fmt in ("png", "svg", "pdf")}
    assert not leftovers(out.parent)


def test_pngs_are_300_dpi_16_by_9_slides(out):
    for png in (out / "charts").glob("*.png"):
        assert png_size(png) == (4000, 2250), png.name
        data = png.read_bytes()
        (ppm,) = struct.unpack(">I", data[data.index(b"pHYs") + 4:][:4])
        assert ppm == round(300 / 0.0254), png.name  # 300 dots per inch, in dots per metre


def test_svgs_and_pdfs_are_valid_and_slide_sized(out):
    for svg in (out / "charts").glob("*.svg"):
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg")
        assert float(root.get("width").rstrip("pt")) == pytest.approx(960, abs=0.1)
        assert float(root.get("height").rstrip("pt")) == pytest.approx(540, abs=0.1)
    for pdf in (out / "charts").glob("*.pdf"):
        assert pdf_pages(pdf) == 1
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
        assert (float(box[1]), float(box[2])) == pytest.approx((960, 540), abs=0.1)


def test_the_brief_is_three_a4_pages(out):
    brief = out / "brief.pdf"
    # the budget page, the assumptions, then today's week and the roles
    assert pdf_pages(brief) == 3
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]",
                       brief.read_bytes())
    assert len(boxes) == 3
    for box in boxes:
        assert (float(box[0]), float(box[1])) == pytest.approx((595.4, 841.7), abs=0.5)  # A4


# --------------------------------------------------------------------------- the brief


def drawn_texts(fig) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_gid")):
        out.setdefault(t.get_gid() or "", []).append(t.get_text())
    return out


def test_the_brief_says_what_a_budget_meeting_needs(result):
    fig = brief.brief_figure(result)
    s = result.summary(percentiles=(10, 50, 90, 95))
    t = drawn_texts(fig)
    assert t["headline"] == [f"The programme needs {s['fte_total']['p50']:.1f} FTE"]
    lead = t["lead"][0].replace("\n", " ")
    for number in (f"{s['fte_total']['p10']:.1f} to {s['fte_total']['p90']:.1f} FTE",
                   f"{s['fte_total']['p95']:.1f} FTE at P95",
                   f"Plan for a team of {s['recommended_fte_total']:.1f} FTE",
                   f"${s['recommended_cost']:,.0f} a year", "has 0.5 FTE"):
        assert number in lead
    # the role table: every role with work, its FTE and cost, and the total
    cells = t["cell"]
    for row in result.by_role_table():
        if row["fte_p90"] > 0:
            assert any(c.startswith(row["label"]) for c in cells)
            assert f"${row['recommended_cost']:,.0f}" in cells
    assert "Total" in cells and f"${s['recommended_cost']:,.0f}" in cells
    assert "Graphic designer" not in " ".join(cells)  # no work, no row
    # the key chart, what today's team gets, the assumptions with where they are set
    (chart,) = [ax for ax in fig.axes if ax.patches]
    assert sum(p.get_height() for p in chart.patches) == pytest.approx(100)
    today = t["today"][-1].replace("\n", " ")
    c = s["current_staff"]
    assert f"{c['weeks_overloaded_share']:.0%} of weeks" in today
    assert "crisis week" in today
    # the assumptions, on the brief's second page
    assumptions = " ".join(" ".join(drawn_texts(brief.assumptions_figure(result))
                                    ["assumptions"]).split())
    assert re.search(r"\d+(\.\d+)? / \d+(\.\d+)? / \d+", assumptions)
    assert "[channels" not in assumptions and "per_day" not in assumptions  # no field paths
    # uncertain inputs come first, the one that moves the total most first (in plain words)
    from estimator.report.tables import input_words

    top = next(iter(result.input_influence()))
    item, what, _ = input_words(result.model.scenario, top)
    assert " — ".join(x for x in (item, what) if x) in assumptions
    assert f"{s['productive_hours_per_fte']['mean']:,.0f} productive hours" in assumptions
    footer = t["footer"][0]
    assert result.scenario_name in footer and "seed 1" in footer
    # the plan as measured, and people: the headcount in the table and the roster's section
    assert f"({s['headcount_total']} people)" in lead
    assert f"together in {s['plan_weeks_covered_share']:.0%} of simulated weeks" in lead
    assert str(s["headcount_total"]) in cells
    assert t["people_heading"] == ["People and shifts"]
    people = t["people"][0].replace("\n  ", " ")
    d = s["headcount_detail"]["community_manager"]
    assert f"the on-duty hours take {d['rostered']} people on shifts" in people
    assert f"{d['rostered'] + d['bench']} with cover for leave" in people
    assert "roster.csv" in people


def test_nothing_on_the_brief_runs_off_the_page(result):
    big = with_values(load_scenario(EXAMPLE), {
        f"roles.extra_role_{i}": {"salary": 50000} for i in range(14)
    } | {"current_staff": {f"extra_role_{i}": 1.0 for i in range(14)}})
    for fig in [make(r) for r in (result, simulate(big, runs=50, seed=2))
                for make in (brief.brief_figure, brief.assumptions_figure)]:
        assert off_page(fig) == []


def test_the_brief_without_current_staff(tmp_path):
    r = simulate(with_values(load_scenario(EXAMPLE), {"current_staff": None}), runs=50, seed=1)
    t = drawn_texts(brief.brief_figure(r))
    assert "no current staff" in t["today"][-1]
    brief.write_brief(r, tmp_path / "brief.pdf")
    assert pdf_pages(tmp_path / "brief.pdf") == 3


# --------------------------------------------------------------------------- the workbook


def test_the_workbook_reads_back_with_the_summary_numbers(out, summary):
    wb = load_workbook(out / "workbook.xlsx")
    assert wb.sheetnames == SHEETS
    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    assert header == ["Measure", "Value", "Unit", "Key in summary.json"]
    checked = 0
    for measure, value, unit, key in ws.iter_rows(min_row=2):
        expected = tables._lookup(summary, key.value)
        if isinstance(expected, list):
            continue
        # the same number (a spreadsheet keeps 15 significant digits)
        assert value.value == (pytest.approx(expected, rel=1e-14)
                               if isinstance(expected, float) else expected), measure.value
        if isinstance(expected, float):
            assert value.data_type == "n"  # a number, not text
            fmt = {"FTE": "0.0", "hours": "#,##0", "USD": "#,##0", "share": "0%"}.get(unit.value)
            if fmt:
                assert value.number_format == fmt, measure.value
            checked += 1
    assert checked >= 30
    keys = {row[3].value for row in ws.iter_rows(min_row=2)}
    assert {"fte_total.p50", "fte_total.p90", "cost_total.p50", "recommended_cost",
            "current_staff.gap_fte_p90", "current_staff.replies_within_target_share"} <= keys


def test_the_fte_by_role_sheet(out, summary, result):
    ws = load_workbook(out / "workbook.xlsx")["FTE by role"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    by_role = {r["Role key"]: r for r in rows}
    for role in result.roles:
        f = summary["fte_by_role"][role]
        row = by_role[role]
        assert [row["FTE mean"], row["FTE P50"], row["FTE P90"], row["FTE P95"]] == pytest.approx(
            [f["mean"], f["p50"], f["p90"], f["p95"]], rel=1e-14)
        assert row["Planned FTE (P90 of weeks)"] == pytest.approx(summary["recommended_fte"][role])
    total = rows[-1]
    assert total["Role"].startswith("Total")
    assert total["FTE P50"] == pytest.approx(summary["fte_total"]["p50"], rel=1e-14)
    assert total["Planned cost a year (USD)"] == pytest.approx(summary["recommended_cost"])
    first = ws[2]
    formats = {h: c.number_format for h, c in zip(header, first, strict=True)}
    assert formats["FTE P50"] == "0.0"
    assert formats["Salary a year (USD)"] == "#,##0"
    assert formats["Hours a year: replies (engagement)"] == "#,##0"
    assert all(c.data_type == "n" for c in first[1:9])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= len("Vertical video specialist")


def test_the_hours_weekly_and_assumption_sheets(out, summary, result):
    wb = load_workbook(out / "workbook.xlsx")
    ws = wb["Hours by kind"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    by_kind = {r["Kind key"]: r for r in rows if r["Kind key"]}
    for kind, stats in summary["hours_by_work"].items():
        assert by_kind[kind]["Hours a year, mean"] == pytest.approx(stats["mean"])
        assert by_kind[kind]["Hours P90"] == pytest.approx(stats["p90"])
    assert sum(r["Share of hours"] for r in by_kind.values()) == pytest.approx(1)
    ws = wb["Weekly demand"]
    assert ws.max_row == 53  # header and 52 weeks
    week1 = [c for c in ws[2]]
    assert week1[0].value == 1 and week1[1].value.date().isoformat() == "2027-01-04"
    assert week1[1].number_format == "yyyy-mm-dd"
    table = result.weekly_table()
    assert [r[3].value for r in ws.iter_rows(min_row=2)] == pytest.approx(
        [r["demand_hours_p50"] for r in table])
    ws = wb["Assumptions"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    by_field = {r["Field in the scenario file"]: r for r in rows}
    assert set(result.assumptions()) <= set(by_field)
    per_day = by_field["channels[0].per_day"]
    assert (per_day["Low"], per_day["Most likely"], per_day["High"]) == (40, 60, 100)
    assert per_day["Source"] == "scenario file"
    assert isinstance(by_field["capacity.vacation_days"]["Value"], float | int)
    assert by_field["roles.writer.salary"]["Value"] == 60000
    assert by_field["plan.percentile"]["Source"] == "estimator default"
    assert by_field["channels[0].handle_minutes"]["Median"] == 2


def test_the_csvs_are_the_same_tables(out, summary, result):
    def read(name: str) -> list[dict[str, str]]:
        with (out / name).open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    rows = read("summary.csv")
    p50 = next(r for r in rows if r["key"] == "fte_total.p50")
    assert float(p50["value"]) == pytest.approx(summary["fte_total"]["p50"], rel=1e-5)
    kinds = {r["kind"]: r for r in read("hours_by_kind.csv")}
    assert float(kinds["engagement"]["hours_mean"]) == pytest.approx(
        summary["hours_by_work"]["engagement"]["mean"], rel=1e-5)
    assumptions = read("assumptions.csv")
    assert len(assumptions) == len(tables.assumption_rows(result))
    assert len(read("weekly.csv")) == 52
    assert {r["role"] for r in read("by_role.csv")} == set(result.roles)
    roster = read("roster.csv")
    assert roster and list(roster[0]) == ["person", "role", "day", "start", "end", "hours"]
    assert [dict(r, hours=int(r["hours"])) for r in roster] == summary["roster"]


# --------------------------------------------------------------------------- charts


def test_export_charts_formats_and_several_scenarios(result, tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "SLIDE_DPI", 20)  # the layout of files is tested here, not pixels
    other = simulate(with_values(load_scenario(EXAMPLE), {"scenario.name": "More video",
                                                          "content[0].per_week": 8}),
                     runs=50, seed=1)
    written = figures.export_charts([result, other], tmp_path / "cmp", formats=("png",))
    names = sorted(str(p.relative_to(tmp_path / "cmp")) for p in written)
    assert "comparison.png" in names and "comparison_cost.png" in names
    assert "01-mid-size-university/risk_curve.png" in names
    assert "02-more-video/weekly_demand.png" in names
    assert len(names) == 2 + 2 * len(charts.CHARTS)
    assert all(p.suffix == ".png" and p.exists() for p in written)
    assert not leftovers(tmp_path)


def test_export_charts_refuses_an_unknown_format_before_writing(result, tmp_path):
    with pytest.raises(ValueError, match="formats: expected some of png, svg, pdf, got gif"):
        figures.export_charts(result, tmp_path / "c", formats=("png", "gif"))
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())


# --------------------------------------------------------------------------- atomic


class Boom(RuntimeError):
    pass


def boom(*args, **kwargs):
    raise Boom("disk full")


def test_a_failed_run_leaves_the_earlier_folder_untouched(result, out, monkeypatch, tmp_path):
    target = tmp_path / "out"
    outputs.write_run_outputs(result, target, charts=False)
    before = folder_state(target)
    monkeypatch.setattr(outputs, "write_brief", boom)
    with pytest.raises(Boom):
        outputs.write_run_outputs(result, target)
    assert folder_state(target) == before
    assert not leftovers(tmp_path)
    with pytest.raises(Boom):
        outputs.write_run_outputs(result, tmp_path / "new")
    assert not (tmp_path / "new").exists() and not leftovers(tmp_path)


def test_a_failed_chart_export_writes_no_chart(result, monkeypatch, tmp_path):
    folder = tmp_path / "charts"
    folder.mkdir()
    (folder / "fte_by_role.png").write_bytes(b"earlier")
    calls = []

    def third_fails(result, **kwargs):
        calls.append(1)
        raise Boom("chart failed")

    monkeypatch.setitem(charts.CHARTS, "weekly_demand", third_fails)
    with pytest.raises(Boom):
        figures.export_charts(result, folder, formats=("png",))
    assert calls  # it failed after the first charts were drawn...
    assert folder_state(folder) == {"fte_by_role.png": b"earlier"}  # ...and wrote none
    assert not leftovers(tmp_path)


def test_a_failed_save_leaves_no_half_written_file(result, monkeypatch, tmp_path):
    from matplotlib.figure import Figure
    from openpyxl import Workbook

    def half_then_boom(self, path, *args, **kwargs):
        if isinstance(path, str | Path):
            Path(path).write_bytes(b"half")
        # else a page of a multi-page PDF, whose file is already open and half written
        raise Boom("disk full")

    for name, write, cls, method in (("brief.pdf", brief.write_brief, Figure, "savefig"),
                                     ("workbook.xlsx", workbook.write_workbook, Workbook, "save")):
        target = tmp_path / name
        target.write_bytes(b"earlier")
        with monkeypatch.context() as m:
            m.setattr(cls, method, half_then_boom)
            with pytest.raises(Boom):
                write(result, target)
        assert target.read_bytes() == b"earlier"
        assert [p.name for p in tmp_path.iterdir()] == [name] or not leftovers(tmp_path)
        target.unlink()
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- the command


@pytest.mark.slow
def test_estimator_run_out_writes_the_brief_workbook_and_charts(tmp_path, capsys, monkeypatch):
    # the wiring is tested here; every chart in every format is tested on the `out` fixture
    monkeypatch.setattr(charts, "CHARTS", {"fte_distribution": charts.plot_fte_distribution})
    status = main(["run", str(EXAMPLE), "--runs", "40", "--seed", "3", "--jobs", "1",
                   "--quiet", "--out", str(tmp_path / "run")])
    assert status == 0, capsys.readouterr().err
    run = tmp_path / "run"
    assert pdf_pages(run / "brief.pdf") == 3
    assert load_workbook(run / "workbook.xlsx").sheetnames == SHEETS
    assert {p.name for p in (run / "roles").iterdir()} == {
        f"{role}.md" for role in load_scenario(EXAMPLE).roles}
    assert png_size(run / "charts" / "fte_distribution.png") == (4000, 2250)
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    ws = load_workbook(run / "workbook.xlsx")["Summary"]
    p90 = next(r[1].value for r in ws.iter_rows(min_row=2) if r[3].value == "fte_total.p90")
    assert p90 == pytest.approx(summary["fte_total"]["p90"], rel=1e-14)
    assert np.isfinite(p90)
