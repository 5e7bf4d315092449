"""Many scenarios at once: compare them with common random numbers, or sweep a grid of fields.

The unit of work is the engine's own :func:`~estimator.simulate.simulate_chunk` (a whole
number of 32-run blocks of one scenario). All chunks of all scenarios of a batch go to one
pool: this process (``jobs=1``), ``jobs`` worker processes, or an existing Dask cluster
(``scheduler=ADDRESS``, needs the ``dask`` extra). Random numbers are keyed by input and by
block, never by worker, so every way of running a batch gives the same numbers as
:func:`estimator.simulate` run scenario by scenario with the same seed; and two scenarios run
with one seed share their random numbers (common random numbers), so the difference between
them, run by run, is the effect of what differs and not sampling noise.

>>> from estimator import load_scenario, with_values
>>> from estimator.batch import compare, sweep
>>> base = load_scenario("tests/data/model_example.toml")
>>> c = compare([base, with_values(base, {"coverage.weekends": ""})], runs=64, seed=1)
>>> c.difference(1).shape
(64,)
>>> s = sweep(base, {"channels.0.per_day": [40, 80]}, runs=64, seed=1)
>>> [p.values for p in s]
[{'channels.0.per_day': 40}, {'channels.0.per_day': 80}]

Nothing here draws or writes: :mod:`estimator.report.batch_charts` plots a comparison or a sweep and
:mod:`estimator.report.batch_files` writes their folders.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine.compile import Model, compile_model
from estimator.engine.result import Result
from estimator.engine.runner import (
    DEFAULT_CHUNK_RUNS,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    check_arguments,
    simulate_models,
)
from estimator.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    with_values,
)

Progress = Callable[[int], Any] | None
DIFF_PERCENTILES = (10, 50, 90)

# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Problem:
    """A scenario of a batch that cannot run: where it came from, the field and the reason."""

    source: str
    field: str
    message: str  # the whole one-line message, beginning with ``source``

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, str]:
        return {"file": self.source, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Entry:
    """One scenario of a batch, valid and compiled."""

    scenario: Scenario
    source: str | None = None  # the file it was loaded from, if any
    label: str = ""
    model: Model | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.label or self.scenario.scenario.name


def as_problem(exc: ScenarioError, source: str) -> Problem:
    """The error as a problem of ``source``, whose message names it first."""
    message = str(exc)
    if not message.startswith(source):
        message = f"{source}: {message}"
    return Problem(source=source, field=getattr(exc, "field", "") or "", message=message)


def check_entry(scenario: Scenario, source: str | None = None, label: str = "") -> Entry:
    """The scenario compiled for the engine; what only compiling can find is a ScenarioError."""
    try:
        model = compile_model(scenario)
    except ScenarioError as exc:
        if source is None:
            raise
        raise ScenarioError(as_problem(exc, source).message, field=exc.field) from None
    return Entry(scenario=scenario, source=source, label=label, model=model)


def load_batch(paths: Sequence[str | Path]) -> tuple[list[Entry], list[Problem]]:
    """Load and check every file; the bad ones are returned as problems, not raised.

    >>> entries, problems = load_batch(["tests/data/model_example.toml", "missing.toml"])
    >>> len(entries), problems[0].message
    (1, 'missing.toml: no such scenario file')
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in paths:
        source = str(path)
        try:
            entries.append(check_entry(load_scenario(path), source))
        except ScenarioError as exc:
            problems.append(as_problem(exc, source))
    return _unique_labels(entries), problems


def _unique_labels(entries: list[Entry]) -> list[Entry]:
    """Labels for tables and charts: the scenario's name, made unique with its file name."""
    names = [e.name for e in entries]
    out = []
    seen: dict[str, int] = {}
    for e, name in zip(entries, names, strict=True):
        label = name
        if names.count(name) > 1 and e.source and not e.label:
            label = f"{name} ({Path(e.source).stem})"
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        out.append(Entry(e.scenario, e.source, label, e.model))
    return out


def _entries(scenarios: Sequence[Scenario | Entry | str | Path]) -> list[Entry]:
    out = []
    for s in scenarios:
        if isinstance(s, Entry):
            out.append(s if s.model is not None else check_entry(s.scenario, s.source, s.label))
        elif isinstance(s, Scenario):
            out.append(check_entry(s))
        else:
            out.append(check_entry(load_scenario(s), str(s)))
    if not out:
        raise ScenarioError("scenarios: expected at least one scenario, got none",
                            field="scenarios")
    return _unique_labels(out)


# --------------------------------------------------------------------------- execution


def simulate_many(
    scenarios: Sequence[Scenario | Entry | str | Path],
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    *,
    jobs: int | None = 1,
    scheduler: Any = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    progress: Progress = None,
) -> list[Result]:
    """Simulate several scenarios with one seed; the same numbers as :func:`simulate` each.

    Parameters
    ----------
    scenarios
        Scenarios, files or :class:`Entry` objects.
    runs, seed
        As :func:`estimator.simulate`; every scenario gets the same (common random numbers).
    jobs
        Worker processes on this machine (``None``: one per core); ignored with ``scheduler``.
    scheduler
        A Dask scheduler address (``"tcp://host:8786"``) or a ``dask.distributed.Client``.
    chunk_runs
        Runs per task, rounded up to whole blocks of 32.
    progress
        Called with the number of runs finished after each chunk (e.g. ``tqdm.update``).
    """
    entries = _entries(scenarios)
    models = [e.model or compile_model(e.scenario) for e in entries]
    return simulate_models(models, runs, seed, chunk_runs=chunk_runs, jobs=jobs,
                           scheduler=scheduler, progress=progress)


# --------------------------------------------------------------------------- compare


def _stats(x: NDArray, percentiles: Sequence[float]) -> dict[str, float]:
    out = {"mean": float(np.mean(x))}
    out.update({f"p{p:g}": float(np.percentile(x, p)) for p in percentiles})
    return out


@dataclass
class Comparison:
    """Scenarios run with one seed, and their paired (run-by-run) differences from the first.

    Attributes
    ----------
    entries
        The scenarios, in order; the first is the baseline.
    results
        One :class:`~estimator.result.Result` per scenario.
    runs, seed
        As simulated: the same for every scenario.
    """

    entries: list[Entry]
    results: list[Result]
    runs: int
    seed: int

    @property
    def labels(self) -> list[str]:
        return [e.name for e in self.entries]

    def difference(self, i: int, what: str = "fte_total") -> NDArray[np.float64]:
        """Run-by-run ``what`` (``fte_total`` or ``cost``) of scenario ``i`` minus the first's."""
        if what not in ("fte_total", "cost"):
            raise ValueError(f"what: expected 'fte_total' or 'cost', got {what!r}")
        get = (lambda r: r.fte_total()) if what == "fte_total" else (lambda r: r.cost())
        return get(self.results[i]) - get(self.results[0])

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dictionary: each scenario's FTE and cost, and its difference."""
        rows = []
        for i, (e, r) in enumerate(zip(self.entries, self.results, strict=True)):
            row: dict[str, Any] = {
                "label": e.name,
                "scenario": r.scenario_name,
                "file": e.source,
                "currency": e.scenario.scenario.currency,
                "fte_total": _stats(r.fte_total(), (10, 50, 90, 95)),
                "cost_total": _stats(r.cost(), (10, 50, 90)),
                "recommended_fte_total": round(sum(r.recommended_fte().values()), 6),
                "difference": None,
            }
            if i:
                fte = self.difference(i)
                row["difference"] = {
                    "fte_total": {**_stats(fte, DIFF_PERCENTILES), "sd": float(fte.std())},
                    "cost_total": _stats(self.difference(i, "cost"), DIFF_PERCENTILES),
                    "share_of_runs_needing_more": float(np.mean(fte > 0)),
                }
            rows.append(row)
        return {
            "runs": self.runs,
            "seed": self.seed,
            "common_random_numbers": True,
            "baseline": self.labels[0],
            "scenarios": rows,
        }

    def table(self) -> list[dict[str, Any]]:
        """One row per scenario, for a spreadsheet."""
        out = []
        for row in self.summary()["scenarios"]:
            flat: dict[str, Any] = {"label": row["label"], "scenario": row["scenario"],
                                    "file": row["file"] or "", "currency": row["currency"]}
            flat.update({f"fte_{k}": v for k, v in row["fte_total"].items()})
            flat.update({f"cost_{k}": v for k, v in row["cost_total"].items()})
            flat["recommended_fte_total"] = row["recommended_fte_total"]
            diff = row["difference"] or {}
            for what in ("fte_total", "cost_total"):
                for k in ("mean", *(f"p{p}" for p in DIFF_PERCENTILES)):
                    flat[f"diff_{what.split('_')[0]}_{k}"] = diff.get(what, {}).get(k, 0.0)
            flat["diff_fte_sd"] = diff.get("fte_total", {}).get("sd", 0.0)
            out.append(flat)
        return out

    def runs_table(self) -> list[dict[str, Any]]:
        """One row per run: each scenario's total FTE and its difference from the first."""
        totals = [r.fte_total() for r in self.results]
        rows = []
        for n in range(self.runs):
            row: dict[str, Any] = {"run": n}
            for i, label in enumerate(self.labels):
                row[f"fte_total:{label}"] = totals[i][n]
            for i, label in enumerate(self.labels[1:], start=1):
                row[f"diff_fte:{label}"] = totals[i][n] - totals[0][n]
            rows.append(row)
        return rows


def compare(
    scenarios: Sequence[Scenario | Entry | str | Path],
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    *,
    jobs: int | None = 1,
    scheduler: Any = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    progress: Progress = None,
) -> Comparison:
    """Run scenarios with common random numbers; differences are paired with the first.

    Files that do not load raise :class:`ScenarioError`; use :func:`load_batch` first to
    keep going past bad files.
    """
    entries = _entries(scenarios)
    results = simulate_many(entries, runs, seed, jobs=jobs, scheduler=scheduler,
                            chunk_runs=chunk_runs, progress=progress)
    return Comparison(entries=entries, results=results, runs=runs, seed=seed)


# --------------------------------------------------------------------------- sweep

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


__all__ = [
    "Comparison",
    "as_problem",
    "Entry",
    "Problem",
    "Sweep",
    "SweepPoint",
    "compare",
    "format_value",
    "grid",
    "load_batch",
    "parse_value",
    "parse_vary",
    "run_points",
    "simulate_many",
    "sweep",
    "sweep_points",
]
