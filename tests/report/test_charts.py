"""Each chart draws what it claims: the bars, lines, labels and values on its Axes."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from estimator import __version__, load_scenario, simulate, with_values
from estimator.report import charts
from estimator.report.words import money
from tests.conftest import ROOT

EXAMPLE = ROOT / "tests" / "data" / "model_example.toml"
FRENCH = "Spécialiste vidéo verticale"
RUSSIAN = "Менеджер сообщества"


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario(EXAMPLE), runs=200, seed=1)


@pytest.fixture(scope="module")
def variant():
    """More video, labels in French and Russian, euros: a second scenario to compare."""
    s = with_values(load_scenario(EXAMPLE), {
        "content[0].per_week": 10,
        "roles.vertical_video_specialist.label": FRENCH,
        "roles.community_manager.label": RUSSIAN,
        "scenario.name": "Université, plus de vidéo",
        "scenario.currency": "EUR",
    })
    return simulate(s, runs=200, seed=1)


@pytest.fixture(scope="module")
def no_staff():
    return simulate(with_values(load_scenario(EXAMPLE), {"current_staff": None}), runs=200,
                    seed=1)


def axes() -> mpl.axes.Axes:
    return Figure().add_subplot()


def title(ax) -> str:
    """The title as one line (long titles wrap)."""
    return ax.get_title(loc="left").replace("\n", " ")


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def gid(ax, name: str) -> list:
    return [a for a in ax.get_children() if a.get_gid() == name]


def hbar_rows(ax):
    """The horizontal bars of a chart, top row first: (label, [widths], [colours])."""
    labels = {round(t, 6): lab.get_text() for t, lab in zip(ax.get_yticks(),
                                                            ax.get_yticklabels(), strict=True)}
    rows: dict[float, list] = {}
    for c in ax.containers:
        for p in c.patches:
            centre = round(round(p.get_y() + p.get_height() / 2 + 1e-9), 6)
            rows.setdefault(centre, []).append((p.get_y(), p.get_width(),
                                                to_hex(p.get_facecolor())))
    out = []
    for y in sorted(rows, reverse=True):
        bars = sorted(rows[y], reverse=True)  # upper bar (P50) first
        out.append((labels[y], [b[1] for b in bars], [b[2] for b in bars]))
    return out


def written_values(ax) -> list[str]:
    """The values written at the bar ends (bar_label), in drawing order."""
    return [t.get_text() for t in ax.texts if t.get_gid() is None and t.get_text()]


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_draws_on_the_given_axes_and_returns_it(result, name):
    ax = axes()
    assert charts.CHARTS[name](result, ax=ax) is ax
    assert title(ax)  # a finding, not empty
    assert ax.get_xlabel()
    # with a given Axes the caller owns the figure: no footer is added
    assert not [t for t in ax.figure.texts if t.get_gid() == "footer"]


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_without_axes_makes_a_slide_with_the_footer(result, name):
    ax = charts.CHARTS[name](result)
    fig = ax.figure
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == pytest.approx(charts.SLIDE_INCHES)
    (footer,) = [t for t in fig.texts if t.get_gid() == "footer"]
    text = footer.get_text()
    for part in (result.scenario_name, "200 runs", "seed 1", result.created, __version__):
        assert part in text


def test_no_global_state_is_changed(result, variant):
    import matplotlib.pyplot as plt

    before = dict(mpl.rcParams)
    figures = plt.get_fignums()
    for plot in charts.CHARTS.values():
        plot(result)
    charts.plot_comparison([result, variant])
    assert dict(mpl.rcParams) == before
    assert plt.get_fignums() == figures  # nothing registered with pyplot, nothing to close


def test_colours_are_okabe_ito(result):
    palette = {c.lower() for c in charts.OKABE_ITO.values()}
    for name in ("fte_by_role", "fte_by_kind", "cost"):
        ax = charts.CHARTS[name](result, ax=axes())
        for c in ax.containers:
            for p in c.patches:
                assert to_hex(p.get_facecolor()) in palette, name


# --------------------------------------------------------------------------- each chart


def test_fte_distribution(result):
    ax = charts.plot_fte_distribution(result, ax=axes())
    fte = result.fte_total()
    p50, p90 = np.percentile(fte, [50, 90])
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == pytest.approx(100.0)  # the share of simulated years, in %
    lines = {round(float(line.get_xdata()[0]), 9) for line in ax.lines}
    assert {round(p50, 9), round(p90, 9), 0.5} <= lines  # P50, P90 and today's 0.5 FTE
    assert title(ax) == (
        f"The programme needs {p50:.1f} FTE ({p90:.1f} at P90); today it has 0.5")
    assert f"P50 {p50:.1f} " in texts(ax)
    assert f" P90 {p90:.1f}" in texts(ax)
    (today,) = gid(ax, "today")
    chance = result.chance_today_enough()  # each person in the roles they can do
    assert today.get_text() == f"Today 0.5 FTE:\nenough in {chance:.0%}\nof simulated years"
    assert "FTE" in ax.get_xlabel() and "%" in ax.get_ylabel()


def test_fte_distribution_leaves_out_a_far_tail_and_says_so(result):
    import copy

    extreme = copy.copy(result)
    extreme.arrays = dict(result.arrays)
    hours = result.arrays["hours_by_role_kind"].copy()
    hours[0] *= 40  # one year of an extreme crisis
    extreme.arrays["hours_by_role_kind"] = hours
    ax = charts.plot_fte_distribution(extreme, ax=axes())
    fte = extreme.fte_total()
    assert ax.get_xlim()[1] < fte.max() / 2
    (note,) = gid(ax, "beyond")
    assert note.get_text().startswith(f"1 of {fte.size:,} years need more than")
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == pytest.approx(100.0 * (fte.size - 1) / fte.size)


def test_fte_distribution_without_current_staff(no_staff):
    ax = charts.plot_fte_distribution(no_staff, ax=axes())
    assert not gid(ax, "today")
    assert "today" not in title(ax)
    assert len(ax.lines) == 2  # P50 and P90 only


def test_fte_by_role(result):
    ax = charts.plot_fte_by_role(result, ax=axes())
    fte = result.fte_by_role()
    p50, p90 = np.percentile(fte, 50, axis=0), np.percentile(fte, 90, axis=0)
    label = dict(zip(result.role_labels, range(len(result.roles)), strict=True))
    rows = hbar_rows(ax)
    shown = [i for i in range(len(result.roles)) if p90[i] > 0]
    assert [r[0] for r in rows] == sorted((result.role_labels[i] for i in shown),
                                          key=lambda lab: -p90[label[lab]])  # largest first
    for name, widths, colours in rows:
        i = label[name]
        assert widths == pytest.approx([p50[i], p90[i]])
        assert colours == [charts.P50_COLOR.lower(), charts.P90_COLOR.lower()]
    values = written_values(ax)
    for i in shown:
        assert f"{p50[i]:.1f}" in values and f"{p90[i]:.1f}" in values
    # the roles with no work are named, not drawn as empty rows
    (note,) = gid(ax, "note")
    assert "Graphic designer" in note.get_text() and "Data scientist" in note.get_text()
    # today's 0.5 FTE of community manager is a mark on its row
    (today,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    (segment,) = today.get_segments()
    assert segment[:, 0] == pytest.approx([0.5, 0.5])
    top = rows[0][0]
    assert title(ax).startswith(f"{top} is the largest need: "
                                               f"{p50[label[top]]:.1f} FTE (P50)")


def test_fte_by_kind(result):
    ax = charts.plot_fte_by_kind(result, ax=axes())
    fte = result.fte_by_kind()
    p50, p90 = np.percentile(fte, 50, axis=0), np.percentile(fte, 90, axis=0)
    rows = hbar_rows(ax)
    assert len(rows) == len(result.kinds) == 5
    by_label = {charts.KIND_LABELS[k]: i for i, k in enumerate(result.kinds)}
    for name, widths, _ in rows:
        assert widths == pytest.approx([p50[by_label[name]], p90[by_label[name]]])
    assert [r[1][1] for r in rows] == sorted((r[1][1] for r in rows), reverse=True)
    hours = result.hours_by_kind().mean(axis=0)
    top = by_label[rows[0][0]]
    assert title(ax).startswith(f"{hours[top] / hours.sum():.0%} of the hours go "
                                               f"to {rows[0][0].lower()}")
    assert f"{p90[top]:.1f}" in written_values(ax)


def test_weekly_demand(result):
    ax = charts.plot_weekly_demand(result, ax=axes())
    table = result.weekly_table()
    (median,) = gid(ax, "median")
    assert list(median.get_xdata()) == list(range(1, 53))
    assert median.get_ydata() == pytest.approx([r["demand_hours_p50"] for r in table])
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(min(r["demand_hours_p10"] for r in table))
    assert ys.max() == pytest.approx(max(r["demand_hours_p90"] for r in table))
    # crisis work by week, as bars
    crisis = [c for c in ax.containers if c.get_label().startswith("Crisis work")]
    (bars,) = crisis
    assert [p.get_height() for p in bars.patches] == pytest.approx(
        [r["crisis_hours_mean"] for r in table])
    # one example year, its crisis weeks marked on it
    (example,) = gid(ax, "example")
    (marks,) = gid(ax, "crisis_marks")
    k = int(np.flatnonzero(np.all(result.weekly_demand_hours() == example.get_ydata(),
                                  axis=1))[0])
    weeks = np.flatnonzero(result.arrays["crisis_weeks"][k]) + 1
    assert list(marks.get_xdata()) == list(weeks) and len(weeks) > 0
    # today's capacity
    (today,) = gid(ax, "today")
    capacity = float(result.arrays["current_capacity_per_week"].mean())
    assert today.get_ydata()[0] == pytest.approx(capacity)
    assert title(ax).endswith(f"today's team has {capacity:,.0f}")
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["Jan", "Feb", "Mar"]
    assert "Hours" in ax.get_ylabel()


def test_on_duty_heatmap(result):
    ax = charts.plot_on_duty_heatmap(result, ax=axes())
    profile = result.on_duty_profile()
    (image,) = ax.images
    assert np.asarray(image.get_array()) == pytest.approx(profile)
    cells = gid(ax, "cell")
    assert len(cells) == int((profile >= 0.05).sum())
    assert {c.get_text() for c in cells} == {f"{v:.1f}" for v in profile[profile >= 0.05]}
    assert [t.get_text() for t in ax.get_yticklabels()] == list(charts.WEEKDAYS)
    d, h = np.unravel_index(np.argmax(profile), profile.shape)
    assert title(ax).endswith(
        f"{profile[d, h]:.1f} people at the busiest hour ({charts.WEEKDAYS[d]} {h:02d}:00)")
    colorbar = image.colorbar
    assert colorbar is not None and "People on duty" in colorbar.ax.get_ylabel()


def test_risk_curve(result):
    ax = charts.plot_risk_curve(result, ax=axes())
    curve = result.risk_curve()
    (year,) = gid(ax, "year")
    (weeks,) = gid(ax, "weeks")
    assert year.get_xdata() == pytest.approx(curve["team_fte"])
    assert year.get_ydata() == pytest.approx(100 * curve["chance_year_met"])
    assert weeks.get_ydata() == pytest.approx(100 * curve["share_weeks_met"])
    at90 = curve["team_fte"][np.argmax(curve["chance_year_met"] >= 0.9)]
    assert title(ax) == (
        f"A 90% chance that the year's work fits takes a team of {at90:.1f} FTE")
    (levels,) = gid(ax, "levels")
    assert f"  90%: {at90:.1f} FTE" in levels.get_text().splitlines()
    assert "Today's 0.5 FTE:" in levels.get_text()
    (today,) = gid(ax, "today")
    assert today.get_xdata()[0] == pytest.approx(0.5)
    assert ax.get_ylim() == (0, 104)
    # the plan sits on the weeks curve: its size, and the share of weeks it meets
    (plan,) = gid(ax, "plan")
    s = result.summary()
    assert plan.get_xdata()[0] == pytest.approx(s["recommended_fte_total"])
    assert plan.get_ydata()[0] == pytest.approx(100 * s["plan_weeks_covered_share"])
    assert plan.get_ydata()[0] == pytest.approx(
        100 * result.risk_curve(np.array([s["recommended_fte_total"]]))["share_weeks_met"][0])


def test_roster_draws_each_shift_of_each_person(result):
    ax = charts.plot_roster(result, ax=axes())
    rows = result.roster_rows()
    assert rows
    bars = gid(ax, "shift")
    assert len(bars) == len(rows)
    people = [t.get_text() for t in ax.get_yticklabels()]
    assert people == list(dict.fromkeys(r["person"] for r in rows))
    day = {d: i for i, d in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))}
    drawn = sorted(
        (people.index(r["person"]), day[r["day"]] * 24 + int(r["start"][:2]), r["hours"])
        for r in rows)
    seen = []
    for bar in bars:
        (path,) = bar.get_paths()[:1]
        x0, y0 = path.vertices.min(axis=0)
        x1, y1 = path.vertices.max(axis=0)
        seen.append((round((y0 + y1) / 2), round(x0), round(x1 - x0)))
    assert sorted(seen) == drawn
    rostered = sum(w.people for w in result.rosters().values())
    assert title(ax).startswith(f"The on-duty hours take {rostered} people on shifts")
    assert title(ax).endswith(f"the plan is {result.summary()['headcount_total']} people "
                              "in all")
    assert f"at most {result.model.scenario.capacity.max_shift_hours} hours" in ax.get_xlabel()


def test_cost(result):
    ax = charts.plot_cost(result, ax=axes())
    s = result.summary()
    today_cost = 0.5 * 58000
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([today_cost, s["cost_total"]["p50"], s["cost_total"]["p90"],
                                    s["recommended_cost"]])
    labels = [money(w, "USD") for w in widths]
    assert written_values(ax) == labels
    assert title(ax) == (
        f"The programme costs {labels[1]} a year ({labels[2]} at P90)")
    assert not ax._left_title.get_parse_math()  # "$...$" is money, not mathematics
    assert "USD" in ax.get_xlabel()


def test_comparison(result, variant):
    ax = charts.plot_comparison([result, variant], ax=axes())
    rows = hbar_rows(ax)
    assert [r[0] for r in rows] == [result.scenario_name, variant.scenario_name]  # as given
    for (_, widths, _), r in zip(rows, [result, variant], strict=True):
        assert widths == pytest.approx(np.percentile(r.fte_total(), [50, 90]))
    more = np.percentile(variant.fte_total(), 50)
    assert title(ax).startswith(
        f"{variant.scenario_name} needs the most: {more:.1f} FTE (P50)")
    cost = charts.plot_comparison([result, variant], measure="cost", ax=axes())
    assert [r[1] for r in hbar_rows(cost)] == [
        pytest.approx(np.percentile(r.cost(), [50, 90])) for r in (result, variant)]
    assert money(np.percentile(result.cost(), 50), "USD") in written_values(cost)


def test_comparison_refuses_bad_input(result):
    with pytest.raises(ValueError, match="at least one result"):
        charts.plot_comparison([])
    with pytest.raises(ValueError, match="measure"):
        charts.plot_comparison([result], measure="hours")  # type: ignore[arg-type]


def test_comparison_names_duplicate_scenarios_apart(result):
    ax = charts.plot_comparison([result, result], ax=axes())
    assert [r[0] for r in hbar_rows(ax)] == [f"{result.scenario_name} (1)",
                                             f"{result.scenario_name} (2)"]


# --------------------------------------------------------------------------- text


def render(fig) -> list[str]:
    """Draw ``fig`` to PNG and return the warnings about glyphs missing from the fonts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=50)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_accented_and_cyrillic_labels_render(variant):
    ax = charts.plot_fte_by_role(variant)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert FRENCH in labels and RUSSIAN in labels
    assert render(ax.figure) == []
    ax = charts.plot_cost(variant)
    assert "€" in title(ax)
    assert render(ax.figure) == []


def test_missing_glyphs_would_be_caught():
    """The check above can fail: a character no font has is reported."""
    fig = Figure()
    fig.text(0.5, 0.5, "\ue000")  # private use: in no font
    assert render(fig)


def test_titles_wrap_without_splitting_a_number_from_its_unit():
    ax = axes()
    charts._title(ax, "A long scenario name that goes on and on needs the most: 12.5 FTE (P50); "
                      "another scenario with a long name the least: 3.4 FTE")
    lines = ax.get_title(loc="left").split("\n")
    assert len(lines) == 2
    assert all(len(line) <= charts.TITLE_WIDTH for line in lines)
    assert not any(line.startswith(("FTE", "(P50)")) for line in lines)


def test_a_programme_with_no_work_draws_every_chart_without_warnings():
    from estimator.scenario import validate_scenario

    empty = simulate(validate_scenario({
        "scenario": {"name": "Nothing to do", "year": 2027, "country": ""},
        "coverage": {"weekdays": "", "weekends": "", "min_on_duty": 0},
        "roles": {"community_manager": {"salary": 50000}},
    }, source="test"), runs=20, seed=1)
    titles = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. singular axis limits
        for name, plot in charts.CHARTS.items():
            ax = plot(empty)
            ax.figure.savefig(io.BytesIO(), format="png", dpi=30)
            titles[name] = title(ax)
    assert titles["fte_by_role"] == "The scenario needs no staff"
    assert titles["on_duty_heatmap"] == "No one needs to be on duty in a normal week"
    assert titles["fte_distribution"].startswith("The programme needs 0.0 FTE")


def test_sensitivity_draws_each_inputs_swing(result):
    rows = result.input_swing(5)
    ax = charts.plot_sensitivity(result, ax=axes(), top=5)
    assert len(ax.patches) == 2 * len(rows)
    lefts = sorted(round(p.get_x() + p.get_width(), 6) for p in ax.patches)
    ends = sorted(round(v, 6) for r in rows for v in (r["fte_p50_when_low"],
                                                       r["fte_p50_when_high"]))
    assert lefts == pytest.approx(ends)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels[-1] == rows[0]["label"]  # the biggest lever on top
    top = rows[0]
    assert f"{top['fte_p50_when_low']:.1f} to {top['fte_p50_when_high']:.1f} FTE" in title(ax)


def test_sensitivity_with_nothing_uncertain():
    s = load_scenario("tests/data/model_example.toml")
    fixed = with_values(s, {"content": [], "crises.per_year": 0, "crises.severity": [],
                            "work": [], "monitoring.report_hours_per_week": 2,
                            "capacity.sick_days": 5, "channels.0.per_day": 60,
                            "channels.0.growth_per_year": 0})
    ax = charts.plot_sensitivity(simulate(fixed, runs=64, seed=1), ax=axes())
    assert title(ax) == "No uncertain inputs"
