"""Every shipped scenario loads, round-trips, runs, and cites its numbers."""

import tomllib

import numpy as np
import pytest

from estimator import load_scenario, simulate
from estimator.scenario import to_toml, validate_scenario
from tests.conftest import SHIPPED


def test_there_are_at_least_four_archetypes():
    assert len(SHIPPED) >= 4


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_loads_round_trips_and_runs(path):
    s = load_scenario(path)
    assert validate_scenario(tomllib.loads(to_toml(s))) == s
    r = simulate(s, runs=64, seed=1)
    assert np.all(r.fte_total() > 0)
    summary = r.summary()
    assert summary["current_staff"]["fte_total"] > 0, "each archetype has today's staff"
    assert 0 < summary["shrinkage"] < 0.5


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_number_has_a_source_or_says_it_is_an_assumption(path):
    """A line that sets a number carries a comment, or follows a comment line about it."""
    missing = []
    previous = ""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0]
        value = code.split("=", 1)[1].strip() if "=" in code else ""
        numeric = value[:1] not in ('"', "'", "") and any(ch.isdigit() for ch in value)
        if numeric and "#" not in line and not previous.lstrip().startswith("#"):
            missing.append(n)
        previous = line
    assert not missing, f"{path.name}: numbers without a source comment on lines {missing}"
