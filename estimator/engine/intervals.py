"""How sure a percentile is: distribution-free 95% Monte Carlo intervals from order statistics.

The runs are independent draws of the planning year, so the number of runs at or below the
true ``p``-th percentile is binomial ``(n, p)``. Two order statistics whose ranks bracket
that binomial's central 95% bound the true percentile with at least 95% confidence, whatever
the distribution (``scipy.stats.binom``). Nothing is assumed about the shape of the FTE
distribution, and nothing is resampled: the interval costs one sort.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

#: Confidence level of every interval the estimator reports.
CONFIDENCE = 0.95


def percentile_ranks(runs: int, percentile: float, confidence: float = CONFIDENCE
                     ) -> tuple[int | None, int | None]:
    """1-based ranks ``(r, s)`` of the order statistics that bound the ``percentile``-th
    percentile of ``runs`` independent draws with at least ``confidence``.

    ``P(x_(r) <= q <= x_(s)) = F(s - 1) - F(r - 1)`` for ``B ~ Binomial(runs, p)`` with CDF
    ``F``; ``r - 1`` is the largest count with ``F <= (1 - confidence) / 2`` and ``s - 1``
    the smallest with ``F >= (1 + confidence) / 2``. A rank that falls outside ``1..runs``
    is ``None``: the runs cannot bound the percentile on that side.

    >>> percentile_ranks(1000, 90)
    (881, 919)
    >>> percentile_ranks(20, 95)
    (17, None)
    """
    p = percentile / 100.0
    tail = (1.0 - confidence) / 2.0
    if p <= 0 or p >= 1:
        return (1, runs) if runs else (None, None)
    k = int(stats.binom.ppf(tail, runs, p))  # least k with F(k) >= tail
    low = k if stats.binom.cdf(k, runs, p) > tail else k + 1
    high = int(stats.binom.ppf(1.0 - tail, runs, p)) + 1
    return (low if low >= 1 else None, high if high <= runs else None)


def percentile_interval(x: NDArray[np.floating], percentile: float,
                        confidence: float = CONFIDENCE) -> list[float | None]:
    """``[low, high]``: the ``confidence`` interval of the ``percentile``-th percentile of
    the distribution the values ``x`` were drawn from (``None`` on a side the runs cannot
    bound, e.g. the P95 of 20 runs has no upper bound).

    >>> x = np.arange(1.0, 1001.0)
    >>> percentile_interval(x, 90)
    [881.0, 919.0]
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    r, s = percentile_ranks(x.size, percentile, confidence)
    ranks = [k for k in (r, s) if k is not None]
    picked = np.partition(x, [k - 1 for k in ranks]) if ranks else x
    # With few runs and an extreme percentile the interpolated estimate can fall outside
    # the order statistics (the P99 of 2 runs); the interval is widened to hold it, which
    # only adds coverage, so that a reader never sees an estimate outside its own interval.
    estimate = float(np.percentile(x, percentile)) if x.size else math.nan
    return [None if r is None else min(float(picked[r - 1]), estimate),
            None if s is None else max(float(picked[s - 1]), estimate)]


def half_width(interval: list[float | None], estimate: float | None = None) -> float:
    """How far the true value may lie from the estimate: the larger distance from
    ``estimate`` to an end of its interval (an order-statistic interval need not be
    centred), or half the width without an estimate; ``inf`` when a side is unbounded.

    >>> half_width([8.9, 9.3], 9.0), half_width([8.9, 9.3])
    (0.3, 0.2)
    """
    low, high = interval
    if low is None or high is None:
        return math.inf
    if estimate is None:
        return round((high - low) / 2.0, 12)
    return round(max(estimate - low, high - estimate, 0.0), 12)


def with_intervals(stats_row: dict[str, float], x: NDArray[np.floating],
                   percentiles: tuple[float, ...]) -> dict[str, float | list[float | None]]:
    """A summary row (``mean``, ``pNN``) with each ``pNN_ci95`` beside its percentile."""
    out: dict[str, float | list[float | None]] = dict(stats_row)
    for p in percentiles:
        out[f"p{p:g}_ci95"] = percentile_interval(x, p)
    return out




#: Batches of runs behind an interval that order statistics cannot give (the plan's cost).
BATCHES = 20


def batch_interval(result: Any, statistic: Callable[[Any], float], estimate: float,
                   batches: int = BATCHES, confidence: float = CONFIDENCE
                   ) -> list[float] | None:
    """A ``confidence`` interval for ``estimate`` (``statistic`` of the whole result) from
    ``statistic`` of consecutive batches of runs (whole blocks of random numbers): the
    batches' spread over ``sqrt(batches)`` is the estimate's standard error (Student t).
    For numbers that are not a percentile of independent runs, such as the plan (a
    percentile over runs *and* weeks, rounded to practical steps). ``None`` with fewer than
    5 batches of 32 runs."""
    from estimator.engine.streams import BLOCK_RUNS

    count = min(batches, result.runs // BLOCK_RUNS)
    if count < 5:
        return None
    per = BLOCK_RUNS * (result.runs // BLOCK_RUNS // count)
    values = []
    for b in range(count):
        a, z = b * per, (b + 1) * per
        part = type(result)(model=result.model, runs=per, seed=result.seed,
                            inputs={k: v[a:z] for k, v in result.inputs.items()},
                            arrays={k: v[a:z] for k, v in result.arrays.items()})
        values.append(float(statistic(part)))
    error = float(np.std(values, ddof=1)) / math.sqrt(count)
    t = float(stats.t.ppf((1 + confidence) / 2, count - 1))
    return [estimate - t * error, estimate + t * error]


__all__ = ["BATCHES", "CONFIDENCE", "batch_interval", "half_width", "percentile_interval",
           "percentile_ranks", "with_intervals"]
