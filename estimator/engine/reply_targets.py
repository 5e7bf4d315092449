"""Replies against their targets: for each channel, the share the needed team answers
within its target and the best share any team could reach with the scenario's coverage; and
when a target is out of reach, the smallest extension of covered hours that brings every
target within reach, and its cost.

Each function reads a :class:`~estimator.engine.result.Result`, whose methods of the same
names call them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any


def reply_share(part: float, whole: float) -> float:
    """``part`` of ``whole`` replies; 1 when there are none (no reply missed its target).

    >>> reply_share(3, 4), reply_share(0, 0)
    (0.75, 1.0)
    """
    return float(part / whole) if whole > 0 else 1.0


def replies_by_channel(result: Result) -> list[dict[str, Any]]:
    """One row per channel: its target, the share the needed team answers within it
    (measured by the queue model), the best share any team could reach with this
    coverage, and whether the target is reachable (best share >= service level)."""
    a = result.arrays
    total = a["replies_by_channel"].sum(axis=0)
    within = a["replies_within_by_channel"].sum(axis=0)
    best = a["replies_best_by_channel"].sum(axis=0)
    rows = []
    for c, ch in enumerate(result.model.channels):
        best_share = reply_share(best[c], total[c])
        rows.append({
            "channel": ch.name,
            "role": result.roles[_queue_role(result, c)],
            "reply_within_minutes": ch.within_minutes,
            "service_level": ch.service_level,
            "within_target_share": reply_share(within[c], total[c]),
            "best_share": best_share,
            "reachable": bool(best_share >= ch.service_level - 1e-9),
            "replies_per_year_mean": float(total[c] / result.runs),
        })
    return rows


def _queue_role(result: Result, channel: int) -> int:
    """The role whose queue answers ``channel``."""
    return next(q.role for q in result.model.queues if channel in q.channels)


def coverage_fix(result: Result, runs: int = 100) -> dict[str, Any] | None:
    """None when every target is reachable; else the smallest extension of covered
    hours that makes them all reachable (:func:`estimator.engine.coverage.smallest_fix`)
    and its cost: ``fte_p50_extra``, the median total FTE of the scenario with that
    coverage, simulated on the same seed for the first ``runs`` runs, less the median of
    the same runs here (common random numbers)."""
    out = None
    if not all(row["reachable"] for row in result.replies_by_channel()):
        from estimator.engine.coverage import smallest_fix

        fix = smallest_fix(result.model)
        if fix is not None:
            out = {
                "weekdays": fix.weekdays,
                "weekends": fix.weekends,
                "added_covered_hours_per_year": fix.added_hours_per_year,
                "fte_p50_extra": None,
                "runs": 0,
            }
        if fix is not None and result.resimulate is not None:
            s = result.model.scenario
            coverage = s.coverage.model_copy(
                update={"weekdays": fix.weekdays, "weekends": fix.weekends})
            n = min(runs, result.runs)
            extended = result.resimulate(s.model_copy(update={"coverage": coverage}),
                                         runs=n, seed=result.seed)
            out["fte_p50_extra"] = float(np.median(extended.fte_total())
                                         - np.median(result.fte_total()[:n]))
            out["runs"] = n
    return out
