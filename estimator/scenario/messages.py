"""Pydantic's validation errors turned into one line a person can act on."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from estimator.scenario.errors import FieldProblem
from estimator.scenario.quantities import LogNormal, Pert
from estimator.scenario.schema import Scenario


def _path_text(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("fixed", "pert", "lognormal", "function-after[_ordered(), Pert]"):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that the location's last key would belong to."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        if part in ("pert", "Pert"):
            model = Pert
            continue
        if part in ("lognormal", "LogNormal"):
            model = LogNormal
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return None
        model = inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_error(exc: ValidationError, data: dict[str, Any]) -> tuple[str, str]:
    """(field path, one-line message) for the first error pydantic found."""
    errors = exc.errors(include_url=False)
    # An unknown key explains a "missing" one beside it (a typo), so it is named first.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(err["loc"])
    field = _path_text(loc)
    kind = err["type"]
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, FieldProblem):
        return ctx_error.path, ctx_error.message
    if kind == "extra_forbidden":
        model = _model_at(loc)
        valid = list(model.model_fields) if model else []
        near = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        options = f" (valid: {', '.join(valid)})" if valid and not near else ""
        return field, f"unknown key{hint}{options}"
    if kind == "missing":
        return field, "expected a value, got none (this field is required)"
    message = err["msg"]
    for prefix in ("Value error, ", "Input should be "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if message.startswith(("less", "greater")):
        message = "a number " + message
    if kind == "quantity" or "got " in message:
        return field, message + ("" if "got " in message else f", got {_got(err.get('input'))}")
    return field, f"expected {message[0].lower()}{message[1:]}, got {_got(err.get('input'))}"


