"""The scenario loader, fuzzed: random TOML values and structures merged into a valid
scenario never give a traceback. ``estimator validate`` and ``estimator run`` either succeed
or exit 2 with one line naming the file and the field."""

from __future__ import annotations

import copy
import os
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from estimator.app.cli import main
from estimator.batch import parse_vary
from estimator.scenario import Scenario, ScenarioError
from tests.conftest import EXAMPLE

BASE: dict[str, Any] = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path in the document, tables and arrays of tables included."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, dict):
                out += _paths(v, (*prefix, i))
    return out


def _field_names(model: Any = Scenario, seen: set | None = None) -> set[str]:
    """Every field name of the schema: plausible keys in the wrong place."""
    seen = set() if seen is None else seen
    for name, f in model.model_fields.items():
        seen.add(name)
        for arg in (f.annotation, *getattr(f.annotation, "__args__", ())):
            for inner in (arg, *getattr(arg, "__args__", ())):
                nested = isinstance(inner, type) and hasattr(inner, "model_fields")
                if nested and inner is not model:
                    _field_names(inner, seen)
    return seen


PATHS = _paths(BASE)
KEYS = sorted(_field_names() | {"base", "low", "mode", "high", "median", "p90", "salary"})
ROLES = sorted(BASE["roles"])


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


TABLE_PATHS = [()] + [p for p in PATHS if isinstance(_get(BASE, p), dict)]
NUMBER_PATHS = [p for p in PATHS if isinstance(_get(BASE, p), int | float)
                and not isinstance(_get(BASE, p), bool)
                or isinstance(_get(BASE, p), dict) and {"low", "median"} & set(_get(BASE, p))]
TEXT_PATHS = [p for p in PATHS if isinstance(_get(BASE, p), str)]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))  # more for a long hunt

# ---- values: anything TOML can hold, and plausible ones that often pass validation
scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-5, max_value=500),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["", "08:00-18:00", "00:00-24:00", "24/7", "normal", "weekends", "none",
                     "US", "GB", "XX", "default", "flat", *ROLES]),
    st.dates(),
    st.datetimes(),
    st.times(),
)
numbers = st.one_of(st.integers(-2, 200), st.floats(-1, 200, allow_nan=False))
quantities = st.one_of(
    numbers,
    st.fixed_dictionaries({"low": numbers, "mode": numbers, "high": numbers}),
    st.fixed_dictionaries({"median": numbers, "p90": numbers}),
    st.dictionaries(st.sampled_from(["low", "mode", "high", "median", "p90", "mean"]), numbers,
                    max_size=4),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=10))
values = st.recursive(
    st.one_of(scalars, quantities),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(keys, inner, max_size=3),
    ),
    max_leaves=8,
)

# ---- mutations of the valid document
set_existing = st.tuples(st.just("set"), st.sampled_from(PATHS), values)
add_key = st.tuples(st.just("add"), st.sampled_from(TABLE_PATHS), st.tuples(keys, values))
delete_key = st.tuples(st.just("delete"), st.sampled_from(PATHS), st.none())
texts = st.one_of(st.sampled_from(["", "08:00-18:00", "00:00-24:00", "07:00-23:00", "24/7",
                                   "normal", "weekdays", "weekends", "none", "flat", *ROLES]),
                  st.text(max_size=8))
extremes = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e6, 1e7, 1e13, 1e300, 2**63 - 1]),
    st.fixed_dictionaries({"median": st.just(1), "p90": st.sampled_from([1e3, 1e8, 1e300])}),
)
plausible = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(NUMBER_PATHS), quantities),
    st.tuples(st.just("set"), st.sampled_from(NUMBER_PATHS), extremes),
    st.tuples(st.just("set"), st.sampled_from(TEXT_PATHS), texts),
)
gentle = st.tuples(  # a number scaled: valid more often than not, so the engine runs
    st.just("scale"), st.sampled_from(NUMBER_PATHS), st.floats(0.3, 3, allow_nan=False))
mutations = st.one_of(
    st.lists(st.one_of(set_existing, add_key, delete_key, plausible), min_size=1, max_size=4),
    st.lists(plausible, min_size=1, max_size=3),
    st.lists(gentle, min_size=1, max_size=3),
)


def _apply(doc: dict[str, Any], mutation: tuple) -> None:
    kind, path, value = mutation
    try:
        parent = _get(doc, path[:-1]) if kind != "add" else _get(doc, path)
    except (KeyError, IndexError, TypeError):
        return  # an earlier mutation removed or replaced this part
    if not isinstance(parent, dict | list):
        return
    if kind == "scale":
        if isinstance(parent, dict | list):
            parent[path[-1]] = _scaled(parent[path[-1]], value)
    elif kind == "add":
        if isinstance(parent, dict):
            parent[value[0]] = value[1]
    elif kind == "delete":
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    else:
        try:
            parent[path[-1]] = value
        except (IndexError, TypeError):
            pass


def _scaled(v: Any, factor: float) -> Any:
    if isinstance(v, dict):
        return {k: _scaled(x, factor) for k, x in v.items()}
    if isinstance(v, bool) or not isinstance(v, int | float):
        return v
    return round(v * factor) if isinstance(v, int) else v * factor


def _check_error(err: str, path: Path, doc: dict[str, Any], *, file_named: bool) -> None:
    """One line: ``estimator: error: FILE: FIELD: reason`` (``run`` may leave out the file
    for what only compiling the model finds: it runs one file)."""
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    line = lines[0]
    assert line.startswith("estimator: error: "), line
    rest = line.removeprefix("estimator: error: ")
    if file_named or rest.startswith(f"{path}: "):
        assert rest.startswith(f"{path}: "), line
        rest = rest.removeprefix(f"{path}: ")
    # a field path that starts at a key of the document (or names a file of the base chain)
    named = [*doc, "base", "scenario", "roles", "coverage", "capacity", "crises"]
    named = [str(ScenarioError(str(k))) for k in named]  # as the message escapes them
    assert any(rest.startswith(k) for k in named) or "scenario file" in rest, line


@settings(max_examples=EXAMPLES, deadline=timedelta(seconds=15),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutations)
def test_a_fuzzed_scenario_runs_or_exits_2_with_one_line(tmp_path, capsys, changes):
    doc = copy.deepcopy(BASE)
    for m in changes:
        _apply(doc, m)
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        assume(False)  # not expressible in TOML (tomli_w's limits, not the estimator's)
    path = tmp_path / "fuzzed.toml"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()

    status = main(["validate", str(path)])
    validate = capsys.readouterr()
    assert status in (0, 2), validate.err
    status_run = main(["run", str(path), "--runs", "32", "--quiet", "--jobs", "1"])
    run = capsys.readouterr()
    assert status_run in (0, 2), run.err
    event(f"validate {status}, run {status_run}")
    if status == 2:
        _check_error(validate.err, path, doc, file_named=True)
        _check_error(run.err, path, doc, file_named=False)
        assert status_run == 2 and validate.err.endswith(run.err.split(": ", 2)[-1])
    elif status_run == 2:
        _check_error(run.err, path, doc, file_named=False)
    else:
        assert "FTE needed" in run.out


@settings(max_examples=200, deadline=timedelta(seconds=5))
@given(st.text(max_size=40))
def test_parse_vary_never_raises_anything_but_a_scenario_error(text):
    try:
        field, vals = parse_vary(text)
    except ScenarioError as exc:
        assert str(exc).startswith("vary: ") and "\n" not in str(exc)
    else:
        assert field and isinstance(vals, list) and len(vals) >= 1


# What the fuzzer found (each was a traceback or an exit 1 before validation caught it)
@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ((), ("\r", []), '\\r: unknown key'),  # a key with a line break: still one line
        (("capacity", "hours_per_week"), 1, "capacity.training_hours_per_week"),
        (("capacity", "admin_share"), 1, "capacity.admin_share"),
        (("channels", 0, "per_day"), float("nan"), "channels[0].per_day: expected a finite"),
        (("channels", 0, "per_day"), float("inf"), "channels[0].per_day: expected a finite"),
        (("roles", "writer", "salary"), float("inf"), "roles.writer.salary"),
        (("channels", 0, "per_day"), 1e300, "channels[0].per_day: expected values of at most"),
        (("channels", 0, "per_day"), {"median": 1, "p90": 1e300}, "channels[0].per_day"),
        (("channels", 0, "per_day"), 1e7, "channels[0]: expected at most 1e+07 people"),
        (("crises", "per_year"), 1e9, "crises.per_year: expected at most 8736"),
        (("channels", 0, "daily_cv"), 2.2250738585e-313, "channels[0].daily_cv"),
        ((), ("plan", {"fte_step": 1e-320}), "plan.fte_step"),
        (("capacity", "max_occupancy"), 1e-6, "capacity.max_occupancy"),
    ],
)
def test_what_the_fuzzer_found_is_a_field_error(tmp_path, capsys, path, value, field):
    doc = copy.deepcopy(BASE)
    _apply(doc, ("add", path, value) if path == () else ("set", path, value))
    scenario = tmp_path / "found.toml"
    scenario.write_text(tomli_w.dumps(doc), encoding="utf-8")
    assert main(["validate", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith(f"estimator: error: {scenario}: {field}"), err
