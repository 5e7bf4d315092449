"""The names a reader knows a scenario's inputs by: a field path (``channels[0].per_day``)
as its item and its field in words (``Replies: Instagram comments and DMs, messages a day
that need a reply``), the field's words taken from the schema's descriptions."""

from __future__ import annotations

import functools
import re
from typing import Any


def input_context(scenario: Any, path: str) -> str:
    """Which item of the scenario a field path belongs to, as a reader names it.

    >>> from estimator import load_scenario
    >>> input_context(load_scenario("tests/data/model_example.toml"), "channels[0].per_day")
    'Replies: Instagram comments and DMs'
    """
    m = re.match(r"(content|channels|work|calendar)\[(\d+)\]", path)
    if m:
        item = getattr(scenario, m[1])[int(m[2])]
        return {"content": lambda: f"Content: {item.format}",
                "channels": lambda: f"Replies: {item.platform} {item.kind}",
                "work": lambda: f"Recurring: {item.task}",
                "calendar": lambda: f"Calendar: {item.name}"}[m[1]]()
    m = re.match(r"crises\.severity\[(\d+)\]", path)
    if m:
        return f"Crises: {scenario.crises.severity[int(m[1])].name}"
    return {"capacity": "One FTE", "coverage": "Coverage", "monitoring": "Monitoring",
            "crises": "Crises", "roles": "Roles", "plan": "Plan"}.get(path.split(".")[0], "")


@functools.cache
def _field_words() -> dict[str, str]:
    """Each field's description by its key, lower-cased and without its full stop."""
    from estimator.scenario import field_docs

    out: dict[str, str] = {}
    for path, _, _, desc in field_docs():
        key = path.rsplit(".", 1)[-1]
        if desc and key.isidentifier():
            out.setdefault(key, (desc[:1].lower() + desc[1:]).split(";")[0].rstrip("."))
    return out


def input_label(scenario: Any, path: str) -> str:
    """A short name for an input: its item and its field, e.g. ``Content: photo post,
    effort hours (Writer)``."""
    parts = re.findall(r"[^.\[\]]+", path)
    field = parts[-1]
    role = None
    if field in scenario.roles and len(parts) >= 2:
        role, field = scenario.role_label(field), parts[-2]
    # the field's meaning from the schema, in a reader's words (never the snake_case key)
    text = _field_words().get(field, field.replace("_", " ").replace("per 1000", "per 1,000"))
    context = input_context(scenario, path)
    label = f"{context}, {text}" if context else text
    return f"{label} ({role})" if role else label
