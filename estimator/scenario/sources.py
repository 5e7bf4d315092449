"""The ``[sources]`` table: where each number of a scenario comes from, by field path
(``"channels[0].per_day" = "Sprout Social Index 2013"``), in one path form with brackets."""

from __future__ import annotations

import re
from typing import Any

from estimator.scenario.errors import FieldProblem


def source_path(path: str) -> str:
    """A field path in one form, list items in brackets: ``channels.0.per_day`` ->
    ``channels[0].per_day`` (the form of error messages and the workbook).

    >>> source_path("channels.0.per_day"), source_path("channels[0].per_day")
    ('channels[0].per_day', 'channels[0].per_day')
    """
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", path)


def flat_sources(v: Any) -> Any:
    """Nested TOML keys (``capacity.sick_days = ...``, ``channels.0.per_day = ...``)
    and quoted paths (``"channels[0].per_day"``) become one path form, with brackets."""
    if not isinstance(v, dict):
        return v
    flat: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(value, path)
            else:
                flat[source_path(path)] = value

    walk(v, "")
    return flat


def source_of(sources: dict[str, str], path: str) -> str:
    """The source in ``sources`` for the number at ``path`` (``channels[0].per_day``), or
    for the table it is in (``crises.severity[0].extra_hours_per_day``); ``""`` when none."""
    path = source_path(path)
    while path:
        if path in sources:
            return sources[path]
        path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path) if re.search(
            r"(\.[^.\[\]]+|\[\d+\])$", path) else ""
    return ""


def check_sources(scenario: Any) -> None:
    """Every path of ``scenario.sources`` names a field the scenario has, and every source
    has a name. ``scenario`` is a :class:`~estimator.scenario.schema.Scenario` (not
    imported: it imports this)."""
    data = scenario.model_dump(exclude={"sources"})
    for path, text in scenario.sources.items():
        node: Any = data
        for part in re.findall(r"[^.\[\]]+", path):
            key: Any = int(part) if part.isdigit() and isinstance(node, list) else part
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                raise FieldProblem(f"sources.{path}",
                                   "expected the path of a field this scenario has (like "
                                   f"channels[0].per_day), got {path!r}") from None
        if not text.strip():
            raise FieldProblem(f"sources.{path}", "expected the source's name, got ''")
