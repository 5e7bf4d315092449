"""The table of every scenario field, generated from the schema (``docs/scenario_fields.md``,
``estimator schema``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from estimator.scenario.messages import inner_model
from estimator.scenario.quantities import LogNormal, Pert
from estimator.scenario.schema import Scenario


def _type_name(annotation: Any) -> str:
    """A reader's name for a field's type: ``number``, ``quantity``, ``list of text``..."""
    text = str(annotation)
    origin = getattr(annotation, "__origin__", None)
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    if type(None) in getattr(annotation, "__args__", ()) and len(args) == 1:
        return f"{_type_name(args[0])} (optional)"
    if "Pert" in text and "dict" not in text:
        return "quantity"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in annotation.__args__)
    if origin is dict:
        return f"table of role = {_type_name(args[1])}"
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if "date" in text:
        return "date"
    names = {str: "text", int: "whole number", float: "number", bool: "true/false"}
    return names.get(annotation, text.replace("typing.", ""))


def _toml_text(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    if value is None:
        return "(none)"
    return f"{value:g}" if isinstance(value, float) else str(value)


def field_docs() -> list[tuple[str, str, str, str]]:
    """(path, type, default, description) rows for every field, generated from the models."""
    rows: list[tuple[str, str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        if model.model_config.get("extra") == "allow":  # role = value keys ([current_staff])
            meaning = (model.__doc__ or "").strip().splitlines()[-1].strip()
            rows.append((f"{prefix}<role>", "number", "", meaning))
        for name, f in model.model_fields.items():
            path = f"{prefix}{name}"
            inner = inner_model(f.annotation)
            if inner is not None and inner not in (Pert, LogNormal):
                origin = getattr(f.annotation, "__origin__", None)
                suffix = {list: "[].", dict: ".<role>."}.get(origin, ".")
                walk(inner, f"{path}{suffix}")
                continue
            default = (
                "" if f.is_required() else _toml_text(f.get_default(call_default_factory=True))
            )
            rows.append((path, _type_name(f.annotation), default, f.description or ""))

    walk(Scenario, "")
    return rows


