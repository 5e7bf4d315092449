"""Today's-week chart: what was drawn (the bars end to end, done and undone, the line of the
hours today's team has) and a title that states the finding."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from estimator import load_scenario, simulate, with_values
from estimator.report import charts
from tests.conftest import EXAMPLE, coordinator_only, everyone


def axes():
    return Figure().add_subplot()


def title(ax) -> str:
    return ax.get_title(loc="left").replace("\n", " ")


@pytest.fixture(scope="module")
def coordinator():
    s = with_values(load_scenario(EXAMPLE), {"current_staff": coordinator_only()})
    return simulate(s, runs=64, seed=2)


def bars(ax, gid_prefix: str):
    return [p for c in ax.containers for p in c.patches
            if (p.get_gid() or "").startswith(gid_prefix)]


def test_the_week_laid_end_to_end_against_the_hours_it_has(coordinator):
    audit = coordinator.summary()["current_staff"]["time_audit"]
    ax = charts.plot_todays_week(coordinator, ax=axes())
    done, undone = bars(ax, "done:"), bars(ax, "undone")
    tasks = audit["tasks"]
    assert len(undone) == len(tasks) == len(ax.get_yticks())
    # the undone parts add up to what is left undone, the done parts to the hours it has
    assert sum(p.get_width() for p in undone) == pytest.approx(audit["hours_undone_per_week"])
    assert sum(p.get_width() for p in done) == pytest.approx(audit["hours_available_per_week"])
    assert {to_hex(p.get_facecolor()) for p in undone} == {"#ffffff"}
    assert all(p.get_hatch() for p in undone)
    # rows top to bottom in the order the team does the work, each starting where the last ended
    rows = sorted(undone, key=lambda p: -p.get_y())
    labels = [t.get_text() for t in sorted(ax.get_yticklabels(),
                                           key=lambda t: -t.get_position()[1])]
    assert labels[0].lower() == tasks[0]["task"].lower()
    end = 0.0
    for p, t in zip(rows, tasks, strict=True):
        assert p.get_x() + p.get_width() == pytest.approx(end + t["hours_needed_per_week"])
        end += t["hours_needed_per_week"]
    assert end == pytest.approx(audit["hours_needed_per_week"])
    # the line of the hours today's team has splits done from undone
    (line,) = [ln for ln in ax.lines if ln.get_gid() == "available"]
    assert np.allclose(line.get_xdata(), audit["hours_available_per_week"])
    assert max(p.get_x() + p.get_width() for p in done if p.get_width() > 0) == pytest.approx(
        audit["hours_available_per_week"])
    text = title(ax)
    assert f"{audit['hours_available_per_week']:,.0f} hours a week" in text
    assert f"{audit['hours_needed_per_week']:,.0f}" in text
    assert f"{audit['hours_undone_per_week']:,.0f} hours a week are left undone" in text
    assert "first recurring work, content" in text
    values = [t.get_text() for t in ax.texts if t.get_gid() == "task_hours"]
    assert values == [f" {t['hours_needed_per_week']:,.1f} h" for t in tasks]


def test_many_tasks_are_grouped_without_losing_the_order(coordinator):
    r = simulate(load_scenario("data/scenarios/enterprise.toml"), runs=16, seed=1)
    audit = r.summary()["current_staff"]["time_audit"]
    assert len(audit["tasks"]) > charts.TODAYS_WEEK_ROWS
    ax = charts.plot_todays_week(r, ax=axes())
    undone = sorted(bars(ax, "undone"), key=lambda p: -p.get_y())
    assert len(undone) <= charts.TODAYS_WEEK_ROWS
    assert undone[-1].get_x() + undone[-1].get_width() == pytest.approx(
        audit["hours_needed_per_week"])
    assert any("smaller tasks" in t.get_text() for t in ax.get_yticklabels())


def test_a_team_with_enough_hours():
    s = with_values(load_scenario(EXAMPLE), {"current_staff": everyone(40)})
    ax = charts.plot_todays_week(simulate(s, runs=16, seed=1), ax=axes())
    assert "nothing is left undone" in title(ax)
    assert sum(p.get_width() for p in bars(ax, "undone")) == pytest.approx(0)


def test_without_current_staff_it_says_so():
    r = simulate(with_values(load_scenario(EXAMPLE), {"current_staff": None}), runs=16, seed=1)
    ax = charts.plot_todays_week(r, ax=axes())
    assert title(ax) == "No current staff to set against the work"
    assert "[current_staff]" in ax.texts[0].get_text()
