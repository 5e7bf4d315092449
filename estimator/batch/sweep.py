"""Sweep a grid of scenario fields (``--vary coverage.weekends=,10:00-14:00``): every point
checked before any runs, all run on the same random numbers."""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estimator.batch.compare import DIFF_PERCENTILES, _stats
from estimator.batch.entries import (
    Entry,
    Problem,
    Progress,
    _entries,
    as_problem,
    check_entry,
    simulate_many,
)
from estimator.engine.result import Result
from estimator.engine.runner import (
    DEFAULT_CHUNK_RUNS,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    check_arguments,
)
from estimator.scenario import (
    Scenario,
    ScenarioError,
    with_values,
)

_OPEN, _CLOSE = "{[", "}]"


def _split_top(text: str) -> list[str]:
    """Split at commas that are not inside braces, brackets or quotes."""
    items, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    items.append("".join(current))
    return items


def parse_value(text: str) -> Any:
    """A value written on the command line: a TOML literal where it is one, else the text.

    >>> parse_value("80"), parse_value("0.5"), parse_value("08:00-18:00"), parse_value("")
    (80, 0.5, '08:00-18:00', '')
    >>> parse_value("{low=1, mode=2, high=3}")
    {'low': 1, 'mode': 2, 'high': 3}
    """
    text = text.strip()
    if not text:
        return ""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """``FIELD=V1,V2,...`` as ``(field, values)``; commas inside braces do not split.

    >>> parse_vary("coverage.weekends=08:00-18:00,")
    ('coverage.weekends', ['08:00-18:00', ''])
    >>> parse_vary("channels.0.per_day=80,{low=40,mode=60,high=100}")
    ('channels.0.per_day', [80, {'low': 40, 'mode': 60, 'high': 100}])
    """
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][\w\-]*(\.[\w\-]+|\[\d+\])*", name):
        raise ScenarioError(
            f"vary: expected FIELD=V1,V2,... with a field path such as coverage.weekends, "
            f"got {text!r}",
            field="vary",
        )
    return name, [parse_value(v) for v in _split_top(values)]


def format_value(value: Any) -> str:
    """A value as a person would type it back on the command line.

    >>> format_value(""), format_value(80), format_value({"low": 1, "mode": 2, "high": 3})
    ('""', '80', '{low=1, mode=2, high=3}')
    """
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def grid(vary: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the values, the first field varying slowest.

    >>> grid({"a": [1, 2], "b": ["x", "y"]})
    [{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'y'}, {'a': 2, 'b': 'x'}, {'a': 2, 'b': 'y'}]
    """
    if not vary:
        raise ScenarioError("vary: expected at least one field to vary, got none", field="vary")
    for name, values in vary.items():
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise ScenarioError(f"vary: {name}: expected a list of values, got {values!r}",
                                field="vary")
    names = list(vary)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*vary.values())]


@dataclass
class SweepPoint:
    """One point of a sweep: the values set, the scenario they make, and its result."""

    index: int
    values: dict[str, Any]
    entry: Entry
    result: Result | None = None

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={format_value(v)}" for k, v in self.values.items())

    @property
    def scenario(self) -> Scenario:
        return self.entry.scenario


@dataclass
class Sweep(Sequence[SweepPoint]):
    """A grid over scenario fields, every point run with one seed (a list of points).

    Attributes
    ----------
    base
        The scenario the grid starts from.
    vary
        The fields and the values each takes.
    points
        The valid points that ran (invalid ones are in ``problems``).
    problems
        The points that are not valid scenarios.
    """

    base: Entry
    vary: dict[str, list[Any]]
    points: list[SweepPoint]
    problems: list[Problem]
    runs: int
    seed: int

    def __getitem__(self, i):  # type: ignore[override]
        return self.points[i]

    def __len__(self) -> int:
        return len(self.points)

    @property
    def fields(self) -> list[str]:
        return list(self.vary)

    def table(self) -> list[dict[str, Any]]:
        """One row per point: the values, FTE and cost, and the paired difference from the
        first point (common random numbers)."""
        if not self.points:
            return []
        first = self.points[0].result.fte_total()  # type: ignore[union-attr]
        rows = []
        for p in self.points:
            r = p.result
            assert r is not None
            row: dict[str, Any] = {"point": p.index}
            row.update({k: format_value(v) for k, v in p.values.items()})
            fte = r.fte_total()
            row.update({f"fte_{k}": v for k, v in _stats(fte, (10, 50, 90, 95)).items()})
            row.update({f"cost_{k}": v for k, v in _stats(r.cost(), (50, 90)).items()})
            row["recommended_fte_total"] = round(sum(r.recommended_fte().values()), 6)
            diff = fte - first
            row.update({f"diff_fte_{k}": v for k, v in _stats(diff, DIFF_PERCENTILES).items()})
            rows.append(row)
        return rows

    def summary(self) -> dict[str, Any]:
        return {
            "base": self.base.name,
            "file": self.base.source,
            "runs": self.runs,
            "seed": self.seed,
            "common_random_numbers": True,
            "vary": self.vary,
            "points": [
                {"point": p.index, "values": p.values, "label": p.label,
                 "fte_total": _stats(p.result.fte_total(), (10, 50, 90, 95)),  # type: ignore[union-attr]
                 "cost_total": _stats(p.result.cost(), (50, 90))}  # type: ignore[union-attr]
                for p in self.points
            ],
            "problems": [pr.as_dict() for pr in self.problems],
        }


def sweep_points(
    base: Scenario | Entry | str | Path, vary: dict[str, Sequence[Any]]
) -> tuple[Entry, list[SweepPoint], list[Problem]]:
    """Every point of the grid, validated (and compiled) before anything runs."""
    (entry,) = _entries([base])
    source = entry.source or entry.name
    points, problems = [], []
    for i, values in enumerate(grid(vary), start=1):
        label = ", ".join(f"{k}={format_value(v)}" for k, v in values.items())
        where = f"{source} [{label}]"
        try:
            scenario = with_values(entry.scenario, values, source=where)
            point_entry = check_entry(scenario, where, label=label)
        except ScenarioError as exc:
            problems.append(as_problem(exc, where))
            continue
        points.append(SweepPoint(index=i, values=values, entry=point_entry))
    return entry, points, problems


def sweep(
    base: Scenario | Entry | str | Path,
    vary: dict[str, Sequence[Any]],
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    *,
    jobs: int | None = 1,
    scheduler: Any = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    progress: Progress = None,
    skip_invalid: bool = False,
) -> Sweep:
    """Run every point of a grid over scenario fields (dotted paths) with one seed.

    Every point is validated before any runs. An invalid point raises
    :class:`ScenarioError`, or with ``skip_invalid`` is kept in ``problems`` while the
    others run.
    """
    check_arguments(runs=runs, seed=seed)
    entry, points, problems = sweep_points(base, vary)
    if problems and not skip_invalid:
        first = problems[0]
        raise ScenarioError(first.message, field=first.field)
    return run_points(entry, vary, points, problems, runs, seed, jobs=jobs, scheduler=scheduler,
                      chunk_runs=chunk_runs, progress=progress)


def run_points(
    base: Entry,
    vary: dict[str, Sequence[Any]],
    points: list[SweepPoint],
    problems: list[Problem],
    runs: int,
    seed: int,
    **options: Any,
) -> Sweep:
    """Run the points :func:`sweep_points` made (``options`` as :func:`simulate_many`)."""
    if points:
        results = simulate_many([p.entry for p in points], runs, seed, **options)
        for p, r in zip(points, results, strict=True):
            p.result = r
    return Sweep(base=base, vary={k: list(v) for k, v in vary.items()}, points=points,
                 problems=problems, runs=runs, seed=seed)
