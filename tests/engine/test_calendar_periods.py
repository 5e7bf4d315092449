"""[[calendar]] periods: exactly their days and weeks are raised, by their factor."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from estimator import simulate
from estimator.engine.calendar_periods import period_days
from estimator.engine.compile import compile_model
from estimator.engine.inputs import draw_inputs
from estimator.engine.streams import BLOCK_RUNS
from estimator.engine.volumes import daily_messages
from estimator.scenario import ScenarioError
from tests.conftest import minimal, scenario_of

YEAR_START = date(2027, 1, 4)  # Monday of ISO week 1 of 2027

CONTENT = [{"format": "photo", "platforms": ["Instagram"], "per_week": 10,
            "effort_hours": {"writer": 1}}]
CHANNEL = [{"platform": "Instagram", "per_day": 200, "daily_cv": 0, "handle_minutes": 3,
            "reply_within_minutes": 1440, "service_level": 0.8, "role": "community_manager",
            "profile": "flat"}]
ROUND_THE_CLOCK = {"weekdays": "00:00-24:00", "weekends": "00:00-24:00", "min_on_duty": 0}


def _weekly(data, runs=BLOCK_RUNS):
    result = simulate(scenario_of(data), runs=runs, seed=3, jobs=1)
    return result.arrays["weekly_hours_by_role"]


def test_a_content_period_raises_exactly_its_weeks_by_its_factor():
    # 2027-03-08 is the Monday of week 10 (index 9); two whole weeks
    period = {"name": "spring campaign", "start": date(2027, 3, 8), "end": date(2027, 3, 21),
              "content_factor": 2.5}
    flat = _weekly(minimal(content=CONTENT))
    busy = _weekly(minimal(content=CONTENT, calendar=[period]))
    writer = 1
    ratio = busy[:, writer] / flat[:, writer]
    expected = np.ones(52)
    expected[[9, 10]] = 2.5
    np.testing.assert_allclose(ratio, np.broadcast_to(expected, ratio.shape), rtol=1e-6)


def test_a_volume_period_raises_exactly_its_days_and_weeks():
    period = {"name": "move-in", "start": date(2027, 8, 16), "end": date(2027, 8, 29),
              "volume_factor": 3}
    plain = scenario_of(minimal(channels=CHANNEL, coverage=ROUND_THE_CLOCK))
    busy = scenario_of(minimal(channels=CHANNEL, coverage=ROUND_THE_CLOCK, calendar=[period]))
    days = []
    for s in (plain, busy):
        model = compile_model(s)
        values = draw_inputs(model, 1, BLOCK_RUNS)
        days.append(daily_messages(model, values, 1, range(1), 0, BLOCK_RUNS))
    ratio = days[1][:, 0] / days[0][:, 0]
    mask = period_days(busy.calendar[0], YEAR_START)
    assert mask.sum() == 14
    assert np.flatnonzero(mask)[0] == (date(2027, 8, 16) - YEAR_START).days
    np.testing.assert_allclose(ratio[:, mask], 3)
    np.testing.assert_allclose(ratio[:, ~mask], 1)
    # the people it takes: by the factor, less the queue's economies of scale on whole agents
    large = [{**CHANNEL[0], "per_day": 20000}]
    weekly_plain = _weekly(minimal(channels=large, coverage=ROUND_THE_CLOCK))
    weekly_busy = _weekly(minimal(channels=large, coverage=ROUND_THE_CLOCK, calendar=[period]))
    up = weekly_busy.sum(axis=1).mean(axis=0) / weekly_plain.sum(axis=1).mean(axis=0)
    weeks = mask.reshape(52, 7).any(axis=1)
    assert np.flatnonzero(weeks).tolist() == [32, 33]
    assert ((up[weeks] > 2.8) & (up[weeks] <= 3.0)).all(), up[weeks]
    np.testing.assert_allclose(up[~weeks], 1, rtol=1e-6)


def test_only_the_named_platforms_are_raised():
    channels = [*CHANNEL, {**CHANNEL[0], "platform": "TikTok"}]
    period = {"name": "launch", "start": "2027-05-03", "end": "2027-05-09",
              "volume_factor": 2, "platforms": ["TikTok"]}
    s = scenario_of(minimal(channels=channels, coverage=ROUND_THE_CLOCK, calendar=[period]))
    model = compile_model(s)
    values = draw_inputs(model, 1, BLOCK_RUNS)
    daily = daily_messages(model, values, 1, range(1), 0, BLOCK_RUNS)
    mask = period_days(s.calendar[0], YEAR_START)
    np.testing.assert_allclose(daily[:, 0, mask], 200)
    np.testing.assert_allclose(daily[:, 1, mask], 400)


def test_every_year_periods_and_new_year_wraps():
    s = scenario_of(minimal(calendar=[
        {"name": "holidays", "every_year": True, "start": "12-20", "end": "01-05"}]))
    mask = period_days(s.calendar[0], YEAR_START)
    # the planning year runs 2027-01-04 .. 2028-01-02: Jan 4-5 2027 and Dec 20 - Jan 2
    assert mask[:2].all() and not mask[2]
    first_dec = (date(2027, 12, 20) - YEAR_START).days
    assert mask[first_dec:].all() and not mask[first_dec - 1]
    assert mask.sum() == 2 + (364 - first_dec)


def test_an_uncertain_factor_is_drawn_per_run_by_name():
    period = {"name": "move-in", "start": date(2027, 8, 16), "end": date(2027, 8, 29),
              "volume_factor": {"low": 1.5, "mode": 2, "high": 4}}
    s = scenario_of(minimal(channels=CHANNEL, coverage=ROUND_THE_CLOCK, calendar=[period]))
    model = compile_model(s)
    values = draw_inputs(model, 5, 64)
    v = values["calendar[0].volume_factor"]
    assert 1.5 <= v.min() < v.max() <= 4 and v.std() > 0
    other = scenario_of(minimal(channels=CHANNEL, coverage=ROUND_THE_CLOCK,
                                calendar=[{"name": "first", "start": "2027-02-01",
                                           "end": "2027-02-02"}, period]))
    again = draw_inputs(compile_model(other), 5, 64)["calendar[1].volume_factor"]
    np.testing.assert_array_equal(v, again)  # keyed by the period's name, not its place


@pytest.mark.parametrize(("period", "message"), [
    ({"name": "x", "start": "08-16", "end": "08-20"}, "calendar[0].start: expected a date"),
    ({"name": "x", "every_year": True, "start": "2027-13-01", "end": "08-20"},
     "calendar[0].start: expected a month-day like '08-16'"),
    ({"name": "x", "start": "2027-08-16", "end": "2027-08-01"},
     "calendar[0].end: expected a day on or after start"),
    ({"name": "x", "start": "2027-08-16", "end": "2027-08-20", "platforms": ["Instagrm"]},
     "calendar[0].platforms[0]: expected a platform of a [[channels]] entry, got 'Instagrm' "
     "(did you mean 'Instagram'?)"),
    ({"name": "x", "start": "2027-08-16", "end": "2027-08-20", "volume_factor": -1},
     "calendar[0].volume_factor"),
    ({"name": "x", "start": "2027-08-16", "end": "2027-08-20", "factor": 2},
     "calendar[0].factor: unknown key"),
])
def test_bad_periods_are_one_line_errors(period, message):
    with pytest.raises(ScenarioError) as exc:
        scenario_of(minimal(channels=CHANNEL, calendar=[period]))
    assert message in str(exc.value)


def test_calendar_peaks_say_which_peaks_need_temporary_help():
    period_big = {"name": "launch", "start": date(2027, 3, 8), "end": date(2027, 3, 14),
                  "content_factor": 3}
    period_small = {"name": "small", "start": date(2027, 6, 7), "end": date(2027, 6, 13),
                    "content_factor": 1.01}
    content = [{**CONTENT[0], "per_week": {"low": 30, "mode": 40, "high": 50}}]
    result = simulate(scenario_of(minimal(content=content, calendar=[period_big, period_small])),
                      runs=2 * BLOCK_RUNS, seed=2, jobs=1)
    summary = result.summary()
    big, small = summary["calendar_peaks"]
    assert big["weeks"] == [10] and small["weeks"] == [23]
    assert big["first_day"] == "2027-03-08" and big["last_day"] == "2027-03-14"
    demand = result.weekly_demand_hours()
    ordinary = np.delete(demand, [9, 22], axis=1).mean(axis=1)
    assert big["extra_hours_per_week"] == pytest.approx(float((demand[:, 9] - ordinary).mean()))
    assert big["extra_hours_per_week"] == pytest.approx(2 * ordinary.mean(), rel=1e-6)
    plan = summary["recommended_fte_total"] * float(result.productive_hours_per_fte.mean()) / 52
    assert big["plan_hours_per_week"] == pytest.approx(plan)
    peak = float(np.percentile(demand[:, 9], summary["plan_percentile"]))
    assert not big["covered_by_plan"]
    assert big["temporary_help_hours_per_week"] == pytest.approx(peak - plan)
    assert small["covered_by_plan"] and small["temporary_help_hours_per_week"] == 0
    from estimator.report.words import calendar_sentence, plain

    text = plain(calendar_sentence(summary))
    assert text.startswith("Busy periods: launch (week 10) adds")
    assert "cover it with temporary help" in text and "small (week 23)" in text
    assert "which the planned team covers" in text
    rows = result.weekly_table()
    assert rows[9]["calendar"] == "launch" and rows[0]["calendar"] == ""


def test_the_weekly_demand_chart_shades_and_names_the_periods():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from estimator.report.charts import plot_weekly_demand

    period = {"name": "launch", "start": date(2027, 3, 8), "end": date(2027, 3, 21),
              "content_factor": 2}
    result = simulate(scenario_of(minimal(content=CONTENT, calendar=[period])),
                      runs=BLOCK_RUNS, seed=2, jobs=1)
    fig, ax = plt.subplots()
    plot_weekly_demand(result, ax=ax)
    spans = [p for p in ax.patches if p.get_gid() == "calendar"]
    names = [t.get_text() for t in ax.texts if t.get_gid() == "calendar_name"]
    assert len(spans) == 1 and names == ["launch"]
    x0, x1 = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
    assert (x0, x1) == (9.5, 11.5)  # weeks 10 and 11
    plt.close(fig)


def test_role_tasks_add_up_with_a_content_period():
    period = {"name": "launch", "start": date(2027, 3, 8), "end": date(2027, 3, 21),
              "content_factor": {"low": 1.5, "mode": 2, "high": 3}}
    result = simulate(scenario_of(minimal(content=CONTENT, calendar=[period])),
                      runs=BLOCK_RUNS, seed=2, jobs=1)
    writer = result.summary()["role_profiles"]["writer"]
    tasks = {t["task"]: t["hours_per_week"] for t in writer["tasks"]}
    assert set(tasks) == {"photo: production"}
    assert tasks["photo: production"] == pytest.approx(writer["hours_per_week"])
