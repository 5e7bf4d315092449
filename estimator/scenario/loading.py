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
from estimator.scenario.paths import DATA_DIR, allowed_folders, confine, resolve
from estimator.scenario.reading import MAX_SCENARIO_BYTES, read_text
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


#: Longest chain of ``base`` files followed (a file, its base, the base's base, ...).
MAX_BASE_CHAIN = 16
#: Deepest nesting of tables and lists in a scenario file (the schema needs 5).
MAX_DEPTH = 16

_TOML_LINE = re.compile(r"line (\d+)")


def _depth_problem(data: Any, limit: int) -> str | None:
    """The dotted path where ``data`` nests deeper than ``limit``, or None (no recursion)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, where, depth = stack.pop()
        if depth > limit:
            return where or "(top)"
        if isinstance(node, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k), depth + 1)
                         for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(node))
    return None


def parse_scenario_text(text: str, source: str) -> dict[str, Any]:
    """TOML text as data, with nesting bounded; a file that is not TOML is one line that
    quotes nothing from it (it may be any file on the machine)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        where = f" at line {m[1]}" if m else ""
        raise ScenarioError(f"{source}: not a scenario file (not valid TOML{where})") from None
    except RecursionError:
        raise ScenarioError(
            f"{source}: not a scenario file (tables or lists nested deeper than {MAX_DEPTH})"
        ) from None
    deep = _depth_problem(data, MAX_DEPTH)
    if deep is not None:
        field = deep.split(".")[0].split("[")[0]
        raise ScenarioError(
            f"{source}: {field}: expected tables and lists nested at most {MAX_DEPTH} deep, "
            "got deeper", field=field)
    return data


def _base_path(base: str, here: Path) -> Path:
    """The file a ``base`` names: beside the file naming it, else a shipped scenario of that
    name (``base = "university.toml"`` or ``"university"`` works from any folder)."""
    beside = here.parent / base
    if beside.exists() or Path(base).name != base:
        return beside
    shipped = DATA_DIR / "scenarios" / (base if base.endswith(".toml") else f"{base}.toml")
    return shipped if shipped.exists() else beside


def read_scenario_dict(
    path: str | Path, _seen: tuple[Path, ...] = (), *, folders: list[Path] | None = None
) -> dict[str, Any]:
    """The scenario's data with its ``base`` chain merged in, not yet validated.

    ``base`` files are read only from the first file's folder, the shipped data and the
    folders in ``ESTIMATOR_ALLOW_PATHS`` (see :mod:`estimator.scenario.paths`); a chain is
    at most :data:`MAX_BASE_CHAIN` files.
    """
    path = Path(path)
    resolved = resolve(path, "base" if _seen else "scenario", str(path))
    if folders is None:
        folders = allowed_folders(resolved.parent)
    if resolved in _seen:
        raise ScenarioError(
            f"{path}: base: expected no cycle of base files, got {path.name} again", field="base"
        )
    if len(_seen) >= MAX_BASE_CHAIN:
        raise ScenarioError(
            f"{path}: base: expected a chain of at most {MAX_BASE_CHAIN} base files, got longer",
            field="base")
    data = parse_scenario_text(read_text(path, limit=MAX_SCENARIO_BYTES), str(path))
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str) or not base.strip() or "\0" in base:
        raise ScenarioError(f"{path}: base: expected a file name, got {base!r}", field="base")
    target = _base_path(base, path)
    confine(target, folders, "base", str(path))
    parent = read_scenario_dict(target, (*_seen, resolved), folders=folders)
    return _merge(parent, data)


def validate_scenario(
    data: dict[str, Any], source: str = "scenario", *, folder: str | Path | None = None
) -> Scenario:
    """Validate scenario data; any problem is a one-line :class:`ScenarioError`.

    ``folder`` is where the scenario's own files (a profile CSV named by a relative path)
    are looked for; None: only the shipped data and ``ESTIMATOR_ALLOW_PATHS``.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        field, message = describe_error(exc, data)
        raise ScenarioError(f"{source}: {field}: {message}", field=field) from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply to be a scenario") from None
    scenario._folder = None if folder is None else Path(folder)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (following its ``base`` chain).

    >>> s = load_scenario("data/scenarios/university.toml")
    >>> s.scenario.year
    2027
    """
    data = read_scenario_dict(path)
    return validate_scenario(data, source=str(path),
                             folder=resolve(path, "scenario", str(path)).parent)


def load_scenario_bytes(data: bytes, source: str = "upload") -> Scenario:
    """A scenario from the bytes of an upload (never a path a visitor names): its ``base``
    may only be a shipped scenario or a file in ``ESTIMATOR_ALLOW_PATHS``, and it reads no
    profile CSV outside those."""
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{source}: expected a scenario file of at most {MAX_SCENARIO_BYTES:,} bytes, "
            f"got {len(data):,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{source}: not a scenario file (not UTF-8 text at byte "
                            f"{exc.start})") from None
    parsed = parse_scenario_text(text, source)
    base = parsed.pop("base", None)
    if base is not None:
        if not isinstance(base, str) or Path(base).name != base:
            raise ScenarioError(
                f"{source}: base: expected the name of a shipped scenario, got {base!r}",
                field="base")
        target = _base_path(base, DATA_DIR / "scenarios" / "upload.toml")
        folders = allowed_folders()
        confine(target, folders, "base", source)
        parsed = _merge(read_scenario_dict(target, folders=folders), parsed)
    return validate_scenario(parsed, source=source)


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
    return validate_scenario(data, source=source, folder=scenario._folder)
