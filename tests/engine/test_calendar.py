from datetime import date

import numpy as np

from estimator.engine.calendar import (
    HOURS,
    covered_hours,
    iso_week1_monday,
    normal_hours,
    planning_year,
    run_lengths,
)
from tests.conftest import minimal, scenario_of


def test_year_starts_on_the_monday_of_iso_week_1():
    assert iso_week1_monday(2027) == date(2027, 1, 4)
    assert iso_week1_monday(2026) == date(2025, 12, 29)
    assert HOURS == 8736


def test_us_public_holidays_in_the_planning_year():
    s = scenario_of(minimal(scenario={"name": "x", "year": 2027, "country": "US"}))
    year = planning_year(s)
    names = dict(year.holiday_names)
    assert date(2027, 7, 5) in names  # Independence Day (observed): 4 July 2027 is a Sunday
    assert date(2027, 11, 25) in names  # Thanksgiving
    assert date(2027, 1, 1) not in names  # before the planning year's first Monday
    assert year.holiday[(date(2027, 11, 25) - year.start).days]


def test_coverage_masks_count_hours():
    s = scenario_of(minimal(
        scenario={"name": "x", "year": 2027, "country": "",
                  "extra_holidays": ["2027-03-03", "2027-03-04", "2027-03-06"]},
        coverage={"weekdays": "09:00-17:00", "weekends": "10:00-14:00", "holidays": "none"},
    ))
    cov = covered_hours(planning_year(s), s.coverage)
    # 260 weekdays x 8 h + 104 weekend days x 4 h, less two weekday and one Saturday holiday
    assert cov.sum() == 260 * 8 + 104 * 4 - 2 * 8 - 4
    assert cov[9] and not cov[8] and not cov[17]  # Monday 4 January 2027
    assert cov[5 * 24 + 10] and not cov[5 * 24 + 14]  # Saturday


def test_holidays_covered_like_weekends():
    s = scenario_of(minimal(
        scenario={"name": "x", "year": 2027, "country": "", "extra_holidays": ["2027-03-03"]},
        coverage={"weekdays": "09:00-17:00", "weekends": "10:00-12:00", "holidays": "weekends"},
    ))
    cov = covered_hours(planning_year(s), s.coverage)
    assert cov.sum() == 259 * 8 + 105 * 2


def test_normal_hours_follow_the_weekday_window_and_working_days():
    s = scenario_of(minimal(coverage={"weekdays": "08:00-18:00"}, capacity={"days_per_week": 4}))
    normal = normal_hours(planning_year(s), s)
    assert normal.sum() == 52 * 4 * 10
    assert not normal[4 * 24 + 9]  # Friday is not a working day on a 4-day week


def test_run_lengths_on_a_circle():
    mask = np.array([1, 1, 0, 0, 1, 1, 1, 0, 1], dtype=bool)
    assert sorted(run_lengths(mask).tolist()) == [3, 3]  # the last hour joins the first two
    assert run_lengths(np.ones(5, bool)).tolist() == [5]
