"""social-staffing-estimator: how many full-time people a social media programme needs.

>>> from estimator import load_scenario, simulate
>>> result = simulate(load_scenario("data/scenarios/university.toml"), runs=200, seed=1)
>>> summary = result.summary()
>>> sorted(summary["fte_total"])
['mean', 'p50', 'p50_ci95', 'p90', 'p90_ci95', 'p95', 'p95_ci95']
"""

from estimator._version import __version__
from estimator.engine.result import Result
from estimator.engine.runner import simulate, simulate_to_precision
from estimator.scenario import Scenario, ScenarioError, load_scenario, to_toml, with_values

__all__ = [
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "simulate",
    "simulate_to_precision",
    "to_toml",
    "with_values",
]
