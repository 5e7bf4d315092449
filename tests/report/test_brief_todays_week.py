"""The brief's second page (today's week and what each role does) and the workbook's sheets
Role tasks and Today's week."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from estimator import load_scenario, simulate, with_values
from estimator.report import brief, workbook
from estimator.report.words import plain, todays_week_sentence
from tests.conftest import EXAMPLE
from tests.layout_check import off_page


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario(EXAMPLE), runs=64, seed=1)


def drawn(fig) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_gid")):
        out.setdefault(t.get_gid() or "", []).append(t.get_text())
    return out


def test_the_second_page_sets_todays_week_against_its_hours(result):
    s = result.summary()
    audit = s["current_staff"]["time_audit"]
    fig = brief.roles_page_figure(result)
    t = drawn(fig)
    lead = t["week_lead"][0].replace("\n", " ")
    assert plain(todays_week_sentence(audit)) in lead
    cells = t["week_cell"]
    assert "All the work" in cells
    assert f"{audit['hours_needed_per_week']:.1f}" in cells
    assert f"{audit['hours_undone_per_week']:.1f}" in cells
    (chart,) = [ax for ax in fig.axes if ax.patches]
    assert [ln for ln in chart.lines if ln.get_gid() == "available"]
    roles = t["roles"][0].replace("\n  ", " ")
    for p in s["role_profiles"].values():
        if p["hours_per_week"] > 0:
            assert f"{p['label']}: {p['hours_per_week']:.1f} h a week" in roles


def test_nothing_on_the_second_page_runs_off_it(result):
    big = simulate(load_scenario("data/scenarios/enterprise.toml"), runs=16, seed=1)
    for r in (result, big):
        fig = brief.roles_page_figure(r)
        assert off_page(fig) == []


def test_without_current_staff_the_page_still_lists_the_roles():
    r = simulate(with_values(load_scenario(EXAMPLE), {"current_staff": None}), runs=16, seed=1)
    t = drawn(brief.roles_page_figure(r))
    assert "no current staff" in t["week_lead"][0]
    assert "Community manager" in t["roles"][0]


def test_the_workbook_has_the_role_tasks_and_todays_week(result, tmp_path):
    path = workbook.write_workbook(result, tmp_path / "workbook.xlsx")
    wb = load_workbook(path)
    s = result.summary()
    tasks = list(wb["Role tasks"].iter_rows(min_row=2, values_only=True))
    expected = [(p["label"], t["task"]) for p in s["role_profiles"].values() for t in p["tasks"]]
    assert [(r[0], r[1]) for r in tasks] == expected
    assert sum(r[3] for r in tasks) == pytest.approx(
        sum(p["hours_per_week"] for p in s["role_profiles"].values()))
    ws = wb["Today's week"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Order the team does it in", "Task", "Kind of work"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    audit = s["current_staff"]["time_audit"]
    assert [r[1] for r in rows[:len(audit["tasks"])]] == [t["task"] for t in audit["tasks"]]
    total = next(r for r in rows if r[1] == "All the work")
    assert total[4] == pytest.approx(audit["hours_needed_per_week"])
    assert total[6] == pytest.approx(audit["hours_undone_per_week"])
    have = next(r for r in rows if r[1] == "Hours today's team has a week")
    assert have[4] == pytest.approx(audit["hours_available_per_week"])
