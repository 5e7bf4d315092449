"""The backlog from uncovered hours, touched only where it lands.

Work that arrives while nobody is on duty waits for the next covered hour (the *opening*)
and is cleared evenly over ``spread_hours`` hours from there; the year is a circle, so the
last night's work lands on the first morning. A run has a few hundred openings in its
8,736 hours, so the released work is computed per opening (the arrivals of the uncovered
stretch before it, from one cumulative sum) and written into those hours only, instead of
as a chain of full (runs x hours) passes. The same numbers as the straightforward
construction, up to the order of floating-point additions (checked in tests/engine/test_speed.py).

A search over several clearing times takes :func:`backlog_openings` once and
:func:`spread_openings` per candidate: a few hundred writes a run each, not three passes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FLOAT = np.float32


def openings(covered: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(run, hour) of every covered hour whose previous hour (on the circle) is uncovered,
    in row-major order."""
    previous = np.empty_like(covered)
    previous[:, 1:] = covered[:, :-1]
    previous[:, 0] = covered[:, -1]
    return np.nonzero(covered & ~previous)


def backlog_openings(
    arrivals: NDArray[np.float32], covered: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """(run, hour, work) of each opening: the work that arrived in the uncovered stretch
    before it (its run's first opening also takes the year's tail: the year is a circle).
    Empty when every hour is covered or some run has no covered hour."""
    covered = np.broadcast_to(covered, arrivals.shape)
    if covered.all() or not covered.any(axis=1).all():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    waiting = np.where(covered, 0, arrivals).cumsum(axis=1, dtype=np.float64)
    run, hour = openings(covered)
    # waiting is flat over covered hours: the stretch before an opening is the rise since
    # the run's previous opening
    before = np.where(hour > 0, waiting[run, np.maximum(hour - 1, 0)], 0.0)
    first = np.ones(run.size, dtype=bool)
    first[1:] = run[1:] != run[:-1]
    since = np.empty(run.size)
    since[1:] = waiting[run[:-1], hour[:-1]]
    since[first] = 0.0
    released = before - since
    last = np.ones(run.size, dtype=bool)
    last[:-1] = first[1:]
    released[first] += waiting[run[last], -1] - waiting[run[last], hour[last]]
    return run, hour, released


def spread_openings(
    shape: tuple[int, int], run: NDArray[np.int64], hour: NDArray[np.int64],
    released: NDArray[np.float64], spread_hours: int,
) -> NDArray[np.float32]:
    """(runs, hours) each opening's work cleared evenly over ``spread_hours`` hours from
    it (hours past the year's end are not carried round)."""
    out = np.zeros(shape, dtype=FLOAT)
    spread = max(int(spread_hours), 1)
    share = released / spread
    for k in range(spread):  # one opening per index in each step: += adds, never overwrites
        at = hour + k
        inside = at < shape[1]
        out[run[inside], at[inside]] += share[inside]
    return out


def released_backlog(
    arrivals: NDArray[np.float32], covered: NDArray[np.bool_], spread_hours: int
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
        Hours over which each release is cleared, at most the shortest covered stretch.

    Examples
    --------
    >>> a = np.array([[1.0, 2.0, 0.0, 0.0, 4.0, 8.0]], np.float32)
    >>> c = np.array([False, False, True, True, False, True])
    >>> released_backlog(a, c, 1).tolist()
    [[0.0, 0.0, 3.0, 0.0, 0.0, 4.0]]
    >>> released_backlog(a, c, 2).tolist()
    [[0.0, 0.0, 1.5, 1.5, 0.0, 2.0]]
    """
    run, hour, released = backlog_openings(arrivals, covered)
    return spread_openings(arrivals.shape, run, hour, released, spread_hours)


__all__ = ["backlog_openings", "openings", "released_backlog", "spread_openings"]
