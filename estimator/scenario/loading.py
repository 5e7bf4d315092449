"""Reading scenario files: TOML, the ``base`` chain merged in, validation, and variants made
by setting values at dotted paths (a sweep's ``channels.0.per_day``)."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from estimator.scenario.errors import ScenarioError
from estimator.scenario.messages import describe_error
from estimator.scenario.schema import Scenario


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (lists included) replaces the base's value."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_scenario_dict(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario's data with its ``base`` chain merged in, not yet validated."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _seen:
        raise ScenarioError(
            f"{path}: base: expected no cycle of base files, got {path.name} again", field="base"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(f"{path}: base: expected a file name, got {base!r}", field="base")
    parent = read_scenario_dict(path.parent / base, (*_seen, resolved))
    return _merge(_without_overridden_sources(parent, data), data)


def _without_overridden_sources(parent: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The base's data without the sources of the numbers ``data`` sets again (a source
    belongs to the number it was given for; a list set again replaces all of its items')."""
    from estimator.scenario.schema import Scenario, source_path

    sources = Scenario._flat_sources(parent.get("sources") or {})
    if not sources:
        return parent
    set_again: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and not set(value) & {"low", "mode", "high", "median"}:
                walk(value, path)
            else:
                set_again.append(source_path(path))

    walk({k: v for k, v in data.items() if k != "sources"}, "")
    kept = {p: t for p, t in sources.items()
            if not any(p == q or p.startswith((q + ".", q + "[")) for q in set_again)}
    return {**parent, "sources": kept}


def validate_scenario(data: dict[str, Any], source: str = "scenario") -> Scenario:
    """Validate scenario data; any problem is a one-line :class:`ScenarioError`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        field, message = describe_error(exc, data)
        raise ScenarioError(f"{source}: {field}: {message}", field=field) from None


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (following its ``base`` chain).

    >>> s = load_scenario("data/scenarios/university.toml")
    >>> s.scenario.year
    2027
    """
    return validate_scenario(read_scenario_dict(path), source=str(path))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain TOML-ready data (no ``None`` values) that validates back to the same scenario."""
    return scenario.model_dump(mode="python", exclude_none=True)


def to_toml(scenario: Scenario) -> str:
    """The scenario as a complete TOML file (every field, defaults included)."""
    return tomli_w.dumps(scenario_to_dict(scenario))


def _split_path(dotted: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in re.split(r"\.|\[(\d+)\]", dotted):
        if token is None or token == "":
            continue
        parts.append(int(token) if token.isdigit() else token)
    return parts


def get_value(scenario: Scenario | dict[str, Any], dotted: str) -> Any:
    """The value at a dotted path such as ``channels.0.per_day`` or ``coverage.weekends``."""
    node: Any = scenario_to_dict(scenario) if isinstance(scenario, Scenario) else scenario
    for part in _split_path(dotted):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            raise ScenarioError(f"{dotted}: no such field in the scenario", field=dotted) from None
    return node


def with_values(scenario: Scenario, values: dict[str, Any], source: str = "scenario") -> Scenario:
    """A validated copy of ``scenario`` with values set at dotted paths.

    A path may name a field that is absent (it is created) but never an index past a list's
    end. The result is checked like a file, so a bad value raises :class:`ScenarioError`.

    >>> s = load_scenario("data/scenarios/university.toml")
    >>> with_values(s, {"coverage.weekends": ""}).coverage.weekends
    ''
    """
    data = scenario_to_dict(scenario)
    for dotted, value in values.items():
        parts = _split_path(dotted)
        if not parts:
            raise ScenarioError(f"{dotted!r}: expected a field path", field=dotted)
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            try:
                node = node[part]
            except KeyError:
                node[part] = {}
                node = node[part]
            except (IndexError, TypeError):
                where = ".".join(str(p) for p in parts[: i + 1])
                raise ScenarioError(
                    f"{where}: no such field in the scenario", field=dotted
                ) from None
        last = parts[-1]
        if isinstance(node, list) and (not isinstance(last, int) or last >= len(node)):
            raise ScenarioError(f"{dotted}: no such item in the scenario", field=dotted)
        node[last] = value
    return validate_scenario(data, source=source)


