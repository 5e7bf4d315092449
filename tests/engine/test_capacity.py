import numpy as np
import pytest

from estimator.engine.capacity import productive_hours
from estimator.engine.runner import simulate
from tests.conftest import minimal, scenario_of


def test_shrinkage_by_hand():
    h = productive_hours(
        40, 5, holiday_days=3, vacation_days=np.array([15.0]), sick_days=np.array([5.0]),
        training_hours_per_week=np.array([2.0]), admin_share=np.array([0.1]),
    )
    # (2080 - 3*8 - 15*8 - 5*8) * (1 - 2/40) * (1 - 0.1)
    assert h.productive[0] == pytest.approx(1896 * 0.95 * 0.9)
    assert h.shrinkage[0] == pytest.approx(1 - 1896 * 0.95 * 0.9 / 2080)
    parts = h.holidays + h.vacation + h.sick + h.training + h.admin + h.productive
    assert parts[0] == pytest.approx(2080)


def test_holidays_on_working_days_count_in_a_simulation():
    s = scenario_of(minimal(
        scenario={"name": "x", "year": 2027, "country": "",
                  "extra_holidays": ["2027-03-03", "2027-03-04", "2027-03-05", "2027-03-06"]},
        capacity={"vacation_days": 15, "sick_days": 5, "training_hours_per_week": 2,
                  "admin_share": 0.1},
    ))
    r = simulate(s, runs=32, seed=1)
    # Saturday 6 March is not a working day: three holidays count
    np.testing.assert_allclose(r.productive_hours_per_fte, 1896 * 0.95 * 0.9)
    assert r.summary()["shrinkage"] == pytest.approx(1 - 1896 * 0.95 * 0.9 / 2080)


def test_uncertain_sick_days_give_a_range_of_productive_hours():
    s = scenario_of(minimal(capacity={"sick_days": {"low": 2, "mode": 5, "high": 12}}))
    r = simulate(s, runs=256, seed=2)
    h = r.productive_hours_per_fte
    assert 2080 - 12 * 8 <= h.min() < h.max() <= 2080 - 2 * 8
