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


def _numbers(node, path=""):
    """The paths of the numbers a TOML table sets (a quantity counts as one number)."""
    if isinstance(node, dict) and not set(node) & {"low", "mode", "high", "median", "p90"}:
        for key, value in node.items():
            if key not in ("sources", "base"):
                yield from _numbers(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _numbers(value, f"{path}[{i}]")
    elif isinstance(node, dict) or (isinstance(node, int | float) and not isinstance(node, bool)):
        yield path


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_number_carries_its_source_in_the_data(path):
    """Each number the file sets has a [sources] entry the loaded scenario keeps (not a
    comment, which saving a scenario drops); a source is a docs/sources.md section or says
    it is an ASSUMPTION."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = load_scenario(path).sources
    scenario = load_scenario(path)
    missing = [p for p in _numbers(raw) if not scenario.source_of(p)]
    assert not missing, f"{path.name}: numbers without a source: {missing}"
    saved = validate_scenario(tomllib.loads(to_toml(load_scenario(path))))
    assert saved.sources == sources


def test_references_resolve_inside_the_repository():
    """The shipped files cite docs/sources.md sections that exist, and nothing outside."""
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#+ (\d+[a-z]?)\.", doc, flags=re.M))
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        assert "BENCHMARKS" not in text and "MODEL.md" not in text, path.name
        cited = re.findall(r"docs/sources\.md §(\d+[a-z]?)", text)
        assert cited, path.name
        assert set(cited) <= sections, (path.name, set(cited) - sections)
