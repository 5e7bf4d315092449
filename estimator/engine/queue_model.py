"""The one queue model: what share of a pooled inbox's messages a team answers on target.

One role's channels form one pooled queue, answered oldest message first (FIFO) across its
channels. Given the reply work arriving each hour (person-hours, ``a``) and the reply
capacity each hour (person-hours of replies the team can write that hour, ``c``; 0 in
uncovered hours), the queue is a *fluid* first-in-first-out queue, in closed form and
vectorised over runs and hours:

- within an hour, work arrives at a steady rate and the team replies at rate ``c`` while
  anything waits;
- the backlog at the end of hour ``t`` is Lindley's recursion in closed form,
  ``B = N - min(0, min_{s<=t} N_s)`` with ``N = cumsum(a - c)`` (``np.minimum.accumulate``);
- the year is read as a circle: the planning year starts with the backlog a year like it
  leaves at its end (one more pass of the same formula, exact in steady state). A team with
  less capacity than work has no steady state; it is then measured in the year after one
  like it, its backlog carried in;
- a message that arrives at time ``x`` is answered within ``T`` exactly when the backlog at
  ``x + T`` is no more than the work that arrived after it (everything ahead of it has been
  answered). For the work of hour ``s`` arriving at ``s + u``, ``u`` in [0, 1], that
  condition is linear in ``u`` on each hour the deadline falls in, so the share of the
  hour's messages on target is a closed-form measure of ``u`` (:func:`on_time_share`).

Channels mix uniformly within an hour, so each of a queue's channels gets the hour's share
for its own target. The fluid model has no randomness within the hour; for live targets
(under an hour) that randomness decides the answer, and the share is multiplied by the
Erlang C service level of the hour (:func:`live_service_level`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from estimator.engine.queueing import achieved_service_level

FLOAT = np.float32


def fluid_backlog(
    arrivals: NDArray[np.floating], capacity: NDArray[np.floating]
) -> NDArray[np.float32]:
    """Work waiting at the end of each hour of a FIFO fluid queue, the year read as a circle.

    Parameters
    ----------
    arrivals, capacity
        (runs, hours) reply work arriving, and reply work the team can do, each hour.

    Returns
    -------
    numpy.ndarray
        (runs, hours) float32 backlog in person-hours, >= 0.

    Examples
    --------
    >>> a = np.array([[2.0, 0.0, 0.0, 0.0]]); c = np.array([[0.0, 1.0, 1.0, 0.0]])
    >>> fluid_backlog(a, c).tolist()
    [[2.0, 1.0, 0.0, 0.0]]
    """
    # cumulative sums in float64: they grow to a year of work, the differences stay small
    net = np.cumsum(np.subtract(arrivals, capacity, dtype=np.float64), axis=1)
    low = np.minimum.accumulate(net, axis=1)
    np.minimum(low, 0.0, out=low)
    carried = net[:, -1] - low[:, -1]  # what the first pass leaves at the year's end
    np.minimum(low, -carried[:, None], out=low)
    net -= low
    backlog = net.astype(FLOAT)
    np.maximum(backlog, 0, out=backlog)
    return backlog


def window_sums(arrivals: NDArray[np.floating], hours: int) -> NDArray[np.float32]:
    """(runs, hours): the work arriving in hours ``s .. s + hours - 1`` (the year a circle)."""
    runs, n = arrivals.shape
    if hours <= 0:
        return np.zeros((runs, n), FLOAT)
    cum = np.zeros((runs, n + hours + 1))
    np.cumsum(arrivals, axis=1, dtype=np.float64, out=cum[:, 1 : n + 1])
    cum[:, n + 1 :] = cum[:, 1 : hours + 1] + cum[:, n : n + 1]
    return (cum[:, hours : hours + n] - cum[:, :n]).astype(FLOAT)


def _measure(alpha: NDArray, beta: NDArray, lo: float, hi: float) -> NDArray[np.float32]:
    """Length of {u in [lo, hi] : alpha + beta * u >= 0}, element by element.

    A linear function that is ``g0`` at ``lo`` and ``g1`` at ``hi`` is >= 0 on a share
    ``(max(g0, 0) + max(g1, 0)) / (|g0| + |g1|)`` of the interval (1 where both are 0).

    >>> _measure(np.array([1.0, -1.0, 1.0, 0.0]), np.array([-2.0, 2.0, 1.0, 0.0]), 0.0, 1.0)
    array([0.5, 0.5, 1. , 1. ], dtype=float32)
    """
    width = FLOAT(hi - lo)
    g0 = np.multiply(beta, FLOAT(lo), dtype=FLOAT)
    g0 += alpha
    g1 = np.multiply(beta, FLOAT(hi), dtype=FLOAT)
    g1 += alpha
    den = np.abs(g0)
    den += np.abs(g1)
    np.maximum(g0, 0, out=g0)
    np.maximum(g1, 0, out=g1)
    g0 += g1
    np.divide(g0, den, out=g0, where=den > 0)
    g0[den <= 0] = 1
    g0 *= width
    return g0


def _shift(x: NDArray, hours: int) -> NDArray:
    """x[:, (s + hours) mod H] for every s."""
    return np.roll(x, -hours, axis=1) if hours % x.shape[1] else x


def on_time_share(
    arrivals: NDArray[np.floating],
    capacity: NDArray[np.floating],
    backlog: NDArray[np.float32],
    target_hours: float,
    windows: dict[int, NDArray[np.float32]] | None = None,
) -> NDArray[np.float32]:
    """Share of each hour's messages answered within ``target_hours`` (FIFO fluid queue).

    Parameters
    ----------
    arrivals, capacity
        (runs, hours) reply work arriving and reply capacity, person-hours per hour.
    backlog
        :func:`fluid_backlog` of the two.
    target_hours
        The response target on the calendar clock, > 0.
    windows
        A cache of :func:`window_sums` by length (filled in as needed).

    Returns
    -------
    numpy.ndarray
        (runs, hours) float32 in [0, 1]; where no work arrives, the share it would have.

    Notes
    -----
    With ``T = n + f`` (``n`` whole hours), a message arriving at ``s + u`` has its deadline
    in hour ``s + n`` when ``u <= 1 - f``, else in hour ``s + n + 1``. In deadline hour ``h``
    at fraction ``x`` it is on time when ``(D_{h-1} - A_{s-1}) + x c_h - u a_s >= 0``
    (``D``, ``A``: cumulative departures and arrivals at hour ends), and
    ``D_{h-1} - A_{s-1}`` is the work arriving in hours ``s .. h-1`` less the backlog at the
    end of hour ``h - 1``.
    """
    windows = {} if windows is None else windows
    whole = int(np.floor(target_hours + 1e-9))
    part = float(target_hours - whole)
    if part < 1e-9:
        part = 0.0

    def window(n: int) -> NDArray[np.float32]:
        if n not in windows:
            windows[n] = window_sums(arrivals, n)
        return windows[n]

    a = np.asarray(arrivals, dtype=FLOAT)
    c = np.asarray(capacity, dtype=FLOAT)
    c_h = _shift(c, whole)
    alpha = window(whole) - _shift(backlog, whole - 1)
    if part:
        alpha += FLOAT(part) * c_h
    share = _measure(alpha, c_h - a, 0.0, 1.0 - part)
    if part:
        c_h = _shift(c, whole + 1)
        alpha = window(whole + 1) - _shift(backlog, whole)
        alpha += FLOAT(part - 1.0) * c_h
        share += _measure(alpha, c_h - a, 1.0 - part, 1.0)
    return share


def hours_to_next_covered(covered: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Hours from the start of each hour to the start of the next covered one (0 if covered),
    the year read as a circle; infinite where a run has no covered hour."""
    n = covered.shape[1]
    hours = np.arange(n, dtype=np.int32)
    nxt = np.where(covered, hours, np.int32(2 * n))
    nxt = np.minimum.accumulate(nxt[:, ::-1], axis=1)[:, ::-1]
    first = np.argmax(covered, axis=1).astype(np.int32)[:, None] + n  # next year's first
    nxt = np.where(nxt >= 2 * n, first, nxt)
    out = (nxt - hours).astype(FLOAT)
    out[~covered.any(axis=1)] = np.inf
    return out


def best_share(next_covered: NDArray[np.float32], target_hours: float) -> NDArray[np.float32]:
    """Share of each hour's messages that any team could answer within the target: a team
    without limit answers at once in covered hours, so a message is on time if coverage
    starts within ``target_hours`` of its arrival (arrivals spread evenly over the hour).

    >>> best_share(np.array([[0.0, 1.0, 2.0, 5.0]], np.float32), 4.0).tolist()
    [[1.0, 1.0, 1.0, 0.0]]
    """
    return np.clip(FLOAT(target_hours + 1.0) - next_covered, 0, 1).astype(FLOAT, copy=False)


def live_service_level(
    people: NDArray[np.floating],
    arrivals: NDArray[np.floating],
    handle_minutes: float,
    target_minutes: float,
) -> NDArray[np.float32]:
    """Erlang C share answered within a live target in each hour, for ``people`` on the queue
    (fractional: a person there for part of the hour, so the whole-people levels either side
    are mixed in proportion) and ``arrivals`` erlangs of reply work; 1 where nothing arrives.
    """
    p = np.asarray(people, dtype=np.float64)
    load = np.asarray(arrivals, dtype=np.float64)
    out = np.ones(p.shape, dtype=FLOAT)
    busy = load > 0
    if not busy.any():
        return out
    pb, lb = p[busy], load[busy]
    low = np.floor(pb)
    frac = pb - low
    level = (1 - frac) * achieved_service_level(low, lb, handle_minutes, target_minutes)
    level += frac * achieved_service_level(low + 1, lb, handle_minutes, target_minutes)
    out[busy] = level
    return out


__all__ = [
    "best_share",
    "fluid_backlog",
    "hours_to_next_covered",
    "live_service_level",
    "on_time_share",
    "window_sums",
]
