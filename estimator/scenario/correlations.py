"""``[[correlations]]``: rank correlations between uncertain inputs, and their checks.

An entry names two inputs by the paths a sweep writes (``channels.0.per_day``; the engine's
form ``channels[0].per_day`` is accepted too) and a rank (Spearman) correlation ``rho``.
The engine draws them through a Gaussian copula (:mod:`estimator.engine.inputs`), whose
Pearson correlation ``r`` gives the rank correlation ``6 / pi * asin(r / 2)``; so each
``rho`` is turned into ``r = 2 sin(pi rho / 6)`` and the matrix of those ``r`` must be a
correlation matrix (positive semi-definite).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from estimator.scenario.errors import FieldProblem
from estimator.scenario.quantities import LogNormal, Pert, is_uncertain

#: Uncertain fields that describe individual items, not the year: drawn per reply or per
#: crisis (or their mean used), never once per run, so they cannot be correlated.
PER_ITEM = {"handle_minutes": "a reply's handle time (its mean is used)",
            "days": "drawn for each crisis", "surge": "drawn for each crisis"}

#: Smallest eigenvalue a correlation matrix may have (rounding below zero is allowed).
_PSD_TOLERANCE = 1e-9


class Correlation(BaseModel):
    """A rank correlation between two uncertain inputs drawn once per run."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    between: list[str] = Field(
        description="Two uncertain inputs, as a sweep names them (e.g. channels.0.per_day).",
    )
    rho: float = Field(ge=-1, le=1, description="Rank (Spearman) correlation, -1 to 1.")

    @field_validator("between")
    @classmethod
    def _two(cls, v: list[str]) -> list[str]:
        if len(v) != 2:
            raise ValueError(f"expected two input paths, got {len(v)}: {v!r}")
        return v


def split_path(path: str) -> list[str | int]:
    """``channels.0.per_day`` or ``channels[0].per_day`` as ``['channels', 0, 'per_day']``."""
    return [int(t) if t.isdigit() else t
            for t in re.split(r"\.|\[(\d+)\]", path) if t not in (None, "")]


def draw_path(path: str) -> str:
    """The engine's form of an input path.

    >>> draw_path("channels.0.per_day"), draw_path("content.1.effort_hours.writer")
    ('channels[0].per_day', 'content[1].effort_hours.writer')
    """
    text = ""
    for part in split_path(path):
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + part
    return text


def pearson_for_rank(rho: float) -> float:
    """The Gaussian copula's Pearson correlation that draws rank correlation ``rho``.

    >>> round(pearson_for_rank(0.8), 4), round(pearson_for_rank(1.0), 12)
    (0.8135, 1.0)
    """
    return min(1.0, max(-1.0, 2.0 * math.sin(math.pi * rho / 6.0)))


def _resolve(scenario: Any, path: str, where: str) -> Any:
    node = scenario
    for part in split_path(path):
        if isinstance(part, int):
            node = node[part] if isinstance(node, list | tuple) and part < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, BaseModel) and not isinstance(node, Pert | LogNormal):
            node = getattr(node, part, None) if part in type(node).model_fields else None
        else:
            node = None
        if node is None:
            break
    if node is None or not split_path(path):
        raise FieldProblem(where, f"expected an uncertain input of the scenario such as "
                           f"channels.0.per_day, got {path!r} (no such field)")
    if isinstance(node, bool) or not isinstance(node, int | float | Pert | LogNormal):
        raise FieldProblem(where, f"expected an uncertain input (a number field), got {path!r}")
    last = split_path(path)[-1]
    if last in PER_ITEM and isinstance(node, Pert | LogNormal):
        raise FieldProblem(where, f"expected an input drawn once per run, got {path!r} "
                           f"({PER_ITEM[last]})")
    if not is_uncertain(node):
        raise FieldProblem(where, f"expected an uncertain input ({{ low, mode, high }} or "
                           f"{{ median, p90 }}), got {path!r}, which is fixed at {node:g}"
                           if isinstance(node, int | float) else
                           f"expected an uncertain input, got {path!r}, which has no spread")
    return node


def check_correlations(scenario: Any) -> None:
    """Raise :class:`FieldProblem` naming the first ``correlations[i]`` entry that is wrong:
    an unknown or fixed input, an input twice, a pair given twice, or a set of correlations
    that cannot hold together (its matrix is not positive semi-definite)."""
    entries = scenario.correlations
    seen: dict[frozenset[str], int] = {}
    for i, c in enumerate(entries):
        paths = [draw_path(p) for p in c.between]
        for raw in c.between:
            _resolve(scenario, raw, f"correlations[{i}].between")
        if paths[0] == paths[1]:
            raise FieldProblem(f"correlations[{i}].between",
                               f"expected two different inputs, got {c.between[0]!r} twice")
        pair = frozenset(paths)
        if pair in seen:
            raise FieldProblem(f"correlations[{i}].between",
                               f"expected each pair once, got {c.between[0]} and "
                               f"{c.between[1]} again (also correlations[{seen[pair]}])")
        seen[pair] = i
    paths, matrix = correlation_matrix(scenario)
    smallest = _smallest_eigenvalue(matrix)
    if smallest >= -_PSD_TOLERANCE:
        return
    # name the entry whose removal mends the matrix most
    def without(i: int) -> float:
        trial = matrix.copy()
        a, b = (paths.index(draw_path(p)) for p in entries[i].between)
        trial[a, b] = trial[b, a] = 0.0
        return _smallest_eigenvalue(trial)

    worst = max(range(len(entries)), key=without)
    c = entries[worst]
    raise FieldProblem(
        f"correlations[{worst}].rho",
        f"expected correlations that can hold together, got a set whose matrix is not "
        f"positive definite (smallest eigenvalue {smallest:.3g}; pairs not listed count as 0); "
        f"rho = {c.rho:g} between {c.between[0]} and {c.between[1]} is the one to change")


def _smallest_eigenvalue(matrix: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(matrix).min()) if matrix.size else 1.0


def correlation_matrix(scenario: Any) -> tuple[list[str], np.ndarray]:
    """The correlated inputs (engine paths, in first-named order) and the copula's Pearson
    correlation matrix between them (0 for pairs not given)."""
    paths: list[str] = []
    for c in scenario.correlations:
        for p in c.between:
            if draw_path(p) not in paths:
                paths.append(draw_path(p))
    matrix = np.eye(len(paths))
    for c in scenario.correlations:
        a, b = (paths.index(draw_path(p)) for p in c.between)
        matrix[a, b] = matrix[b, a] = pearson_for_rank(c.rho)
    return paths, matrix


__all__ = ["PER_ITEM", "Correlation", "check_correlations", "correlation_matrix", "draw_path",
           "pearson_for_rank", "split_path"]
