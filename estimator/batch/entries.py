"""Scenarios for a batch: files or scenarios checked and compiled (a bad one becomes a
:class:`Problem`, the others still run), and :func:`simulate_many`, the engine's one runner
over all of them with one seed (common random numbers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from estimator.engine.compile import Model, compile_model
from estimator.engine.result import Result
from estimator.engine.runner import (
    DEFAULT_CHUNK_RUNS,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    simulate_models,
)
from estimator.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
)

Progress = Callable[[int], Any] | None




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


