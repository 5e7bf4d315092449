"""The largest numbers a planning year can hold: a scenario whose numbers (or an uncertain
input's far tail) would overflow the engine's arithmetic is refused, naming the field."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel

from estimator.scenario.errors import FieldProblem
from estimator.scenario.quantities import LogNormal, Pert, describe, low_high, mean

#: No planning number is larger; far beyond it, the engine's arithmetic overflows.
_MOST = 1e12
#: People busy answering at once that one channel may need at its peak hour (the engine's
#: staffing look-up overflows past 2e7).
_MOST_ERLANGS = 1e7
#: Crises a year: one an hour.
_MOST_CRISES = 8736


def _extreme(q: Any) -> float:
    """The largest magnitude a number or quantity reaches (a lognormal's P99.9)."""
    if isinstance(q, LogNormal | Pert):
        with np.errstate(over="ignore"):
            return max(abs(x) for x in low_high(q))
    return abs(float(q))


def check_in_range(scenario: Any) -> None:
    """Numbers a planning year can hold: none astronomically large (overflow). ``scenario``
    is a :class:`~estimator.scenario.schema.Scenario` (not imported: it imports this)."""

    def walk(node: Any, path: str) -> None:
        if isinstance(node, BaseModel) and not isinstance(node, Pert | LogNormal):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, f"{path}.{key}")
        elif isinstance(node, int | float | Pert | LogNormal) and not isinstance(node, bool):
            if _extreme(node) > _MOST:
                got = (
                    f"{node:g}"
                    if isinstance(node, int | float)
                    else (f"{describe(node)}, which reaches {_extreme(node):.3g}")
                )
                raise FieldProblem(path, f"expected values of at most {_MOST:g}, got {got}")

    walk(scenario, "")
    if _extreme(scenario.crises.per_year) > _MOST_CRISES:
        raise FieldProblem(
            "crises.per_year",
            f"expected at most {_MOST_CRISES} crises a "
            f"year (one an hour), got {describe(scenario.crises.per_year)}",
        )
    # the queue sees the surge up to the triage ceiling; the rest gets a holding reply
    surge = min(
        max([_extreme(s.surge) for s in scenario.crises.severity], default=1.0),
        scenario.crises.triage.staffed_surge_max,
    )
    for i, ch in enumerate(scenario.channels):
        volume = (
            _extreme(ch.per_day)
            if ch.per_day is not None
            else _extreme(ch.replies_per_1000_audience_per_day) * (ch.audience or 0) / 1000
        )
        # an hour can hold at most 7 days' average share (profiles average 1 over 168 h)
        peak = volume * 7 * (1 + _extreme(ch.growth_per_year)) * surge
        erlangs = peak * mean(ch.handle_minutes) / 60
        if erlangs > _MOST_ERLANGS:
            raise FieldProblem(
                f"channels[{i}]",
                f"expected at most {_MOST_ERLANGS:g} people's work an hour at the peak "
                f"(volume x growth x staffed crisis surge x handle time), got up to "
                f"{erlangs:.3g}",
            )
