"""Shared fixtures: the reference scenario, and small hand-made scenarios as dicts."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

from estimator.scenario import Scenario, load_scenario, validate_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "model_example.toml"
SHIPPED = sorted((ROOT / "data" / "scenarios").glob("*.toml"))

# Tests run from anywhere; docstring examples use paths relative to the project.
os.chdir(ROOT)


def minimal(**tables: Any) -> dict[str, Any]:
    """A scenario with one role and nothing to do: every hour and every absence is zero, so
    tests add exactly the work they reason about."""
    data: dict[str, Any] = {
        "scenario": {"name": "hand-worked", "year": 2027, "country": ""},
        "capacity": {
            "hours_per_week": 40,
            "days_per_week": 5,
            "vacation_days": 0,
            "sick_days": 0,
            "training_hours_per_week": 0,
            "admin_share": 0,
            "max_occupancy": 0.85,
        },
        "coverage": {"weekdays": "", "weekends": "", "min_on_duty": 0, "holidays": "weekends"},
        "roles": {"community_manager": {"salary": 50000}, "writer": {"salary": 60000}},
    }
    for key, value in tables.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def coordinator_only() -> dict[str, Any]:
    """Today's team as people: one coordinator, a quarter of their time, who does every role
    of the reference scenario (the "other duties as assigned" case)."""
    return {"people": [{"name": "Coordinator", "fte": 0.25,
                        "roles": list(load_scenario(EXAMPLE).roles)}]}


def everyone(n: int) -> dict[str, Any]:
    """``n`` full-time people who can each do every role of the reference scenario."""
    roles = list(load_scenario(EXAMPLE).roles)
    return {"people": [{"name": f"Person {i + 1}", "fte": 1.0, "roles": roles}
                       for i in range(n)]}


def scenario_of(data: dict[str, Any]) -> Scenario:
    return validate_scenario(copy.deepcopy(data), source="test")


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE
