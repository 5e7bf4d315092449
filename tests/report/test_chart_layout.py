"""The charts and the brief as a reader sees them: no text drawn on other text, notes off the
data, nothing past the page's edge, and no field paths or snake_case keys in the words."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from estimator import load_scenario, simulate
from estimator.report import charts
from estimator.report.brief import assumptions_figure, brief_figure
from tests.layout_check import code_words, notes_on_data, off_page, text_collisions

ROOT = Path(__file__).resolve().parents[2]
UNIVERSITY = ROOT / "data" / "scenarios" / "university.toml"


@pytest.fixture(scope="module")
def university():
    """The shipped university scenario: today's team far below the need, long crisis tail."""
    return simulate(load_scenario(UNIVERSITY), runs=300, seed=1, jobs=1)


@pytest.fixture(scope="module")
def extreme(university):
    """The same runs with one year of an extreme crisis: the histogram leaves it out."""
    r = copy.copy(university)
    r.arrays = dict(university.arrays)
    hours = university.arrays["hours_by_role_kind"].copy()
    hours[0] *= 40
    r.arrays["hours_by_role_kind"] = hours
    return r


def check(fig) -> None:
    assert text_collisions(fig) == []
    assert notes_on_data(fig) == []
    assert off_page(fig) == []
    assert code_words(fig) == []


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_keeps_its_text_apart(university, name):
    check(charts.CHARTS[name](university).figure)


def test_the_far_tail_note_is_off_the_bars_and_lines(extreme):
    ax = charts.plot_fte_distribution(extreme)
    assert "Not drawn: " in ax.get_xlabel() and " of 300 years above" in ax.get_xlabel()
    check(ax.figure)


def test_the_brief_keeps_its_text_apart_and_has_no_field_paths(extreme):
    check(assumptions_figure(extreme))
    fig = brief_figure(extreme)
    check(fig)
    words = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "How to read this:" in words and "shrinkage," in words
    assert "do not add up to the total" in words


# the checker itself must be able to fail


def test_the_checker_sees_overlapping_text_and_a_note_on_a_bar():
    fig = Figure()
    ax = fig.add_subplot()
    ax.bar([0, 1], [1, 1])
    ax.set_xlim(-0.5, 1.5)
    ax.text(0.5, 0.5, "one", transform=ax.transAxes)
    ax.text(0.5, 0.5, "two", transform=ax.transAxes)
    assert text_collisions(fig) == [("one", "two")]
    ax.text(0.0, 0.5, "a note on a bar", gid="note")
    assert notes_on_data(fig) == ["a note on a bar"]
    ax.plot([0, 1], [0.2, 0.2])
    ax.text(1.0, 0.2, "a note on a line", gid="note", va="center", ha="center")
    assert "a note on a line" in notes_on_data(fig)


def test_the_checker_sees_field_paths_and_keys():
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("Replies [channels[0].replies_per_1000_audience_per_day]")
    ax.set_xlabel("handle_minutes")
    ax.set_ylabel("Messages a day (P50)")
    found = code_words(fig)
    assert len(found) == 2 and "Messages a day (P50)" not in found


def test_heatmap_blank_cells_are_white(university):
    ax = charts.plot_on_duty_heatmap(university)
    (image,) = ax.images
    profile = np.asarray(university.on_duty_profile())
    rgba = image.to_rgba(image.get_array())
    blank = profile < 0.05
    assert blank.any()
    assert np.allclose(rgba[blank][:, :3], 1.0)  # white, not the colour map's dark end
    assert not np.allclose(rgba[~blank][:, :3], 1.0)


def test_cost_chart_leads_with_the_plan(university):
    ax = charts.plot_cost(university)
    top = max(ax.patches, key=lambda p: p.get_y())
    s = university.summary()
    assert top.get_width() == pytest.approx(s["recommended_cost"])
    assert ax.get_title(loc="left").replace("\n", " ").startswith("The planned team costs")


def test_weekly_demand_draws_the_planned_team(university):
    ax = charts.plot_weekly_demand(university)
    (plan,) = [ln for ln in ax.lines if ln.get_gid() == "plan"]
    fte = sum(university.recommended_fte().values())
    hours = fte * float(np.mean(university.productive_hours_per_fte)) / 52
    assert plan.get_ydata()[0] == pytest.approx(hours)


def test_sensitivity_title_in_plain_words(university):
    title = charts.plot_sensitivity(university).get_title(loc="left").replace("\n", " ")
    assert "_" not in title and "audience per day" not in title
    assert title.startswith("The need moves most with")


@pytest.mark.parametrize("tab", range(6))
def test_every_dashboard_tab_keeps_its_text_apart(extreme, tab):
    from estimator.app.dashboard import CHART_TABS, chart_size, screen_figure

    fig = screen_figure(CHART_TABS[tab][1], extreme, chart_size(tab, extreme))
    check(fig)


@pytest.mark.parametrize("community_manager", [1.0, 6.4, 6.9, 7.5, 9.0])
def test_todays_label_stays_off_the_data_wherever_today_is(community_manager):
    """Today's team below, at and above the need: its label never covers bars or lines."""
    from estimator import with_values
    from estimator.app.dashboard import CHART_TABS, screen_figure

    s = with_values(load_scenario(UNIVERSITY),
                    {"current_staff.community_manager": community_manager})
    r = simulate(s, runs=200, seed=1, jobs=1)
    check(charts.plot_fte_distribution(r).figure)
    check(screen_figure(CHART_TABS[1][1], r))
