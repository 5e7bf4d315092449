"""A few numbers pinned for a seed, so that a change meant to move no number (a refactor, a
speed-up) shows if it does. A change that is meant to move them updates the pins here, and
says why in its commit."""

from __future__ import annotations

import pytest

from estimator import load_scenario, simulate
from tests.conftest import ROOT

#: scenario: (FTE P50, FTE P90, engagement hours a year (mean), cost P50), 256 runs, seed 1
#: (moved by issue 9's queue model: deferred targets as fractional reply capacity, engagement
#: as the reply work at the occupancy cap, flexible work blended into idle on-duty time)
PINNED = {
    # the shipped scenarios' [[calendar]] and issue 9's queue model moved these (the calendar
    # alone: 8.194, 34.067 and 1.148 FTE P50; before both: 7.886, 33.678 and 1.118)
    "enterprise": (28.812077541119006, 31.424836435686842,
                   23707.650738764944, 2654917.388360327),
    "nonprofit": (0.9319199421829213, 1.0683089398714003,
                  200.5490260443008, 68677.46599143799),
    # an unreachable target staffed to service level x best share (not the best share less 3
    # points) moved the university's FTE P90 by a thousandth
    "university": (7.207436483430114, 8.190621359045046, 4300.6018125327555,
                   568210.7652449604),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_same_seed_gives_the_pinned_numbers(name):
    s = simulate(load_scenario(ROOT / "data" / "scenarios" / f"{name}.toml"), runs=256,
                 seed=1).summary()
    got = (s["fte_total"]["p50"], s["fte_total"]["p90"],
           s["hours_by_work"]["engagement"]["mean"], s["cost_total"]["p50"])
    # floating-point noise only: a reordered sum may move the last digits
    assert got == pytest.approx(PINNED[name], rel=1e-6)
