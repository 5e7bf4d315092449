"""The scenario file: its schema, loading with ``base`` merging, uncertain quantities, errors
and the generated field docs. Everything a caller needs is importable from here."""

from estimator.scenario.errors import ScenarioError
from estimator.scenario.fields import field_docs
from estimator.scenario.loading import (
    get_value,
    load_scenario,
    read_scenario_dict,
    scenario_to_dict,
    to_toml,
    validate_scenario,
    with_values,
)
from estimator.scenario.quantities import LogNormal, Pert, QuantityValue
from estimator.scenario.schema import (
    Capacity,
    Channel,
    Content,
    Coverage,
    Crises,
    Monitoring,
    Plan,
    Role,
    Scenario,
    ScenarioInfo,
    Severity,
    Work,
    parse_clock_range,
    parse_coverage,
)

__all__ = [
    "Capacity",
    "Channel",
    "Content",
    "Coverage",
    "Crises",
    "LogNormal",
    "Monitoring",
    "Pert",
    "Plan",
    "QuantityValue",
    "Role",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "Severity",
    "Work",
    "field_docs",
    "get_value",
    "load_scenario",
    "parse_clock_range",
    "parse_coverage",
    "read_scenario_dict",
    "scenario_to_dict",
    "to_toml",
    "validate_scenario",
    "with_values",
]
