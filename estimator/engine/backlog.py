"""The backlog from uncovered hours, compiled: one pass over each run's year.

Work that arrives while nobody is on duty waits for the next covered hour (the *opening*)
and is cleared evenly over ``spread_hours`` hours from there; the year is a circle, so the
last night's work lands on the first morning; hours past the year's end are not carried
round. :func:`estimator.engine.service.backlog_spread` states the same in whole-array numpy
passes (the reference: tests/engine/test_queue_kernel.py checks that the two agree to the
bit); here each run's year is one loop, with no (runs x hours) float64 temporaries.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

FLOAT = np.float32


@njit(cache=True)
def _release_row(a, cov, release):  # pragma: no cover - compiled
    """Work waiting since the last covered hour, released at each opening (float64)."""
    n = a.size
    waiting = 0.0
    at_last = 0.0
    first = -1
    backlog = 0.0
    for h in range(n):
        if cov[h]:
            release[h] = backlog if h >= 1 else 0.0
            if first < 0:
                first = h
            at_last = waiting
            backlog = 0.0
        else:
            release[h] = 0.0
            waiting += np.float64(a[h])
            backlog = waiting - at_last
    release[first] += backlog


@njit(cache=True)
def _spread_row(release, spread, out):  # pragma: no cover - compiled
    """Each release cleared evenly over ``spread`` hours from it, as float32."""
    n = release.size
    if spread <= 1:
        for h in range(n):
            out[h] = np.float32(release[h])
        return
    total = 0.0
    for h in range(n):
        total += release[h]
        release[h] = total  # the cumulative sum, in place
    for h in range(n):
        before = release[h - spread] if h >= spread else 0.0
        out[h] = np.float32((release[h] - before) / spread)


@njit(cache=True)
def _released(arrivals, covered, spreads, out):  # pragma: no cover - compiled
    runs, n = arrivals.shape
    release = np.zeros(n)
    for r in range(runs):
        _release_row(arrivals[r], covered[r if covered.shape[0] > 1 else 0], release)
        _spread_row(release, spreads[r if spreads.size > 1 else 0], out[r])


def released_backlog(
    arrivals: NDArray[np.float32], covered: NDArray[np.bool_], spread_hours: int | NDArray
) -> NDArray[np.float32]:
    """(runs, hours) the work that arrived in uncovered hours, landing in the covered hours
    that clear it: released at the next covered hour, cleared evenly over ``spread_hours``
    hours from there (hours past the year's end are not carried round).

    Parameters
    ----------
    arrivals
        (runs, hours) work (or messages) arriving each hour.
    covered
        (runs, hours) or (hours,) True where someone is on duty.
    spread_hours
        Hours over which each release is cleared (one number, or one per run), at most the
        shortest covered stretch.

    Examples
    --------
    >>> a = np.array([[1.0, 2.0, 0.0, 0.0, 4.0, 8.0]], np.float32)
    >>> c = np.array([False, False, True, True, False, True])
    >>> released_backlog(a, c, 1).tolist()
    [[0.0, 0.0, 3.0, 0.0, 0.0, 4.0]]
    >>> released_backlog(a, c, 2).tolist()
    [[0.0, 0.0, 1.5, 1.5, 0.0, 2.0]]
    """
    out = np.zeros(arrivals.shape, dtype=FLOAT)
    rows = np.broadcast_to(covered, arrivals.shape)
    if rows.all() or not rows.any(axis=1).all():
        return out  # nothing waits, or some run never opens: nothing is released
    if covered.ndim == 1 or covered.strides[0] == 0:
        covered = np.ascontiguousarray(rows[:1])
    spreads = np.atleast_1d(np.asarray(spread_hours, dtype=np.int64))
    _released(np.ascontiguousarray(arrivals, FLOAT), np.ascontiguousarray(covered), spreads,
              out)
    return out


__all__ = ["released_backlog"]
