"""Compare scenarios run on the same random numbers: each one's FTE and cost, and its
difference from the first, run by run (so the difference is the change's, not noise)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from estimator.batch.entries import Entry, Progress, _entries, simulate_many
from estimator.engine.result import Result
from estimator.engine.runner import (
    DEFAULT_CHUNK_RUNS,
    DEFAULT_RUNS,
    DEFAULT_SEED,
)
from estimator.scenario import (
    Scenario,
)

DIFF_PERCENTILES = (10, 50, 90)




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


