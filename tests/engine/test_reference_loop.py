"""The vectorised engine against a plain hour-by-hour Python loop of the same model."""

import pytest

from benchmarks.reference_loop import naive_on_duty_hours
from tests.conftest import ROOT


@pytest.mark.parametrize("name,run", [("nonprofit", 3), ("university", 5)])
def test_engine_on_duty_hours_equal_the_hour_by_hour_loop(name, run):
    loop, engine, _ = naive_on_duty_hours(ROOT / "data" / "scenarios" / f"{name}.toml", 1, run)
    assert loop > 0
    assert engine == pytest.approx(loop, rel=1e-5)
