"""Vectorised Erlang C staffing: how many people answer a queue of messages on target.

With ``A = arrivals_per_hour * handle_minutes / 60`` erlangs offered to ``N`` agents, the
share of messages answered within ``t`` minutes is::

    1 - C(N, A) * exp(-(N - A) * t / handle_minutes)

where ``C`` is the Erlang C probability of waiting. The least ``N`` that reaches the
service level and keeps occupancy ``A / N`` at or under ``max_occupancy`` is the staffing
requirement. Erlang B is taken from the Poisson distribution, ``B = pmf(N; A) / cdf(N; A)``,
which stays accurate for large ``N`` where the textbook recursion is slow.

:class:`StaffingTable` answers the same question for millions of hourly loads at once: the
largest load that ``N`` agents carry on target is computed once per queue, and each hour's
requirement is then a table look-up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special


def erlang_c_wait_probability(agents: ArrayLike, load_erlangs: ArrayLike) -> NDArray[np.float64]:
    """Probability that a message waits at all (Erlang C); 1 where ``agents <= load``."""
    n = np.asarray(agents, dtype=np.float64)
    a = np.asarray(load_erlangs, dtype=np.float64)
    n, a = np.broadcast_arrays(n, a)
    out = np.ones(n.shape)
    ok = (n > a) & (a > 0)
    if np.any(ok):
        nn, aa = n[ok], a[ok]
        log_pmf = nn * np.log(aa) - aa - special.gammaln(nn + 1)
        erlang_b = np.exp(log_pmf - np.log(special.pdtr(nn, aa)))
        out[ok] = nn * erlang_b / (nn - aa * (1.0 - erlang_b))
    out[(a <= 0) & (n > 0)] = 0.0
    return out


def achieved_service_level(
    agents: ArrayLike,
    load_erlangs: ArrayLike,
    handle_minutes: ArrayLike,
    answer_within_minutes: ArrayLike,
) -> NDArray[np.float64]:
    """Share of messages answered within the target time with ``agents`` on duty."""
    n = np.asarray(agents, dtype=np.float64)
    a = np.asarray(load_erlangs, dtype=np.float64)
    wait = erlang_c_wait_probability(n, a)
    decay = np.exp(-np.maximum(n - a, 0.0) * np.asarray(answer_within_minutes) / handle_minutes)
    return np.where(n > a, 1.0 - wait * decay, 0.0)


def erlang_c_agents(
    arrivals_per_hour: ArrayLike,
    handle_minutes: ArrayLike,
    answer_within_minutes: ArrayLike,
    service_level: ArrayLike,
    max_occupancy: ArrayLike = 1.0,
) -> NDArray[np.int64]:
    """The least whole number of agents that meets a response target, element by element.

    Parameters
    ----------
    arrivals_per_hour
        Messages arriving per hour.
    handle_minutes
        Average minutes to handle one message.
    answer_within_minutes
        The response target time.
    service_level
        Share of messages to answer within the target time, in (0, 1).
    max_occupancy
        Highest share of agents' time spent handling messages, in (0, 1].

    Returns
    -------
    numpy.ndarray of int
        Agents needed; 0 where there are no arrivals.

    Examples
    --------
    The published case: 200 calls an hour, 3-minute handle time, 80% within 20 seconds.

    >>> int(erlang_c_agents(200, 3, 20 / 60, 0.8))
    14
    >>> erlang_c_agents([0, 10, 60], 5, 60, 0.9, max_occupancy=0.85).tolist()
    [0, 2, 6]
    """
    lam, aht, t, sl, occ = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in
          (arrivals_per_hour, handle_minutes, answer_within_minutes, service_level,
           max_occupancy))
    )
    load = np.atleast_1d(lam * aht / 60.0)
    aht, t, sl, occ = (np.broadcast_to(x, load.shape) for x in (aht, t, sl, occ))
    agents = np.maximum(np.floor(load) + 1, np.ceil(load / occ - 1e-12)).astype(np.int64)
    agents[load <= 0] = 0
    todo = load > 0
    while np.any(todo):
        idx = np.flatnonzero(todo)
        achieved = achieved_service_level(
            agents.flat[idx], load.flat[idx], aht.flat[idx], t.flat[idx]
        )
        met = achieved >= sl.flat[idx] - 1e-12
        agents.flat[idx[~met]] += 1
        todo.flat[idx[met]] = False
    return agents.reshape(lam.shape) if lam.ndim else agents[0]


class StaffingTable:
    """Agents needed for any offered load of one pooled queue, by table look-up.

    The queue has one average handle time, any number of response targets that must all be
    met (each channel's own), and an occupancy cap.

    >>> table = StaffingTable(3.0, [(20 / 60, 0.8)], max_occupancy=1.0)
    >>> table.agents(np.array([0.0, 10.0])).tolist()
    [0, 14]
    """

    _STEP = 0.01  # erlangs between grid points; far below the gap between two thresholds
    _AGENTS = 400  # the table's reach (~340 erlangs at 85%); rarer, larger loads are computed

    def __init__(
        self,
        handle_minutes: float,
        targets: Sequence[tuple[float, float]],
        max_occupancy: float = 1.0,
    ) -> None:
        self.handle_minutes = float(handle_minutes)
        self.targets = [(float(t), float(s)) for t, s in targets]
        self.max_occupancy = float(max_occupancy)
        agents = np.arange(1, self._AGENTS + 1, dtype=np.float64)
        #: max_load[n]: the largest load that n agents carry on target (max_load[0] = 0)
        self.max_load = np.concatenate([[0.0], self._max_loads(agents)])
        # Each grid point sits a hair below i * STEP, so that a float32 load whose index
        # rounds up to i is still at or above its grid point.
        grid = np.arange(int(self.max_load[-1] / self._STEP)) * self._STEP * (1 - 1e-6)
        self._grid = np.searchsorted(self.max_load, grid, side="left").astype(np.int16)
        # rounded down to float32, so a load a hair under a threshold still gets the agent
        m32 = self.max_load.astype(np.float32)
        self._max_load32 = np.where(m32 > self.max_load, np.nextafter(m32, np.float32(0)), m32)

    def _max_loads(self, agents: NDArray[np.float64]) -> NDArray[np.float64]:
        cap = agents * self.max_occupancy
        lo, hi = np.zeros_like(agents), cap.copy()
        for _ in range(44):  # bisection to ~1e-10 erlangs on every agent count at once
            mid = (lo + hi) / 2
            ok = self._meets(agents, mid)
            lo = np.where(ok, mid, lo)
            hi = np.where(ok, hi, mid)
        return np.where(self._meets(agents, cap), cap, lo)

    def _meets(self, agents: NDArray[np.float64], load: NDArray[np.float64]) -> NDArray[np.bool_]:
        ok = (load <= agents * self.max_occupancy) & (load < agents)
        for within, level in self.targets:
            ok &= achieved_service_level(agents, load, self.handle_minutes, within) >= level - 1e-12
        return ok

    def direct(self, load_erlangs: NDArray[np.floating]) -> NDArray[np.int64]:
        """Agents needed, computed without the table (any load)."""
        rate = np.asarray(load_erlangs, dtype=np.float64) * 60.0 / self.handle_minutes
        need = [erlang_c_agents(rate, self.handle_minutes, t, s, self.max_occupancy)
                for t, s in self.targets]
        return np.max(need, axis=0) if need else np.zeros(rate.shape, np.int64)

    def agents(self, load_erlangs: NDArray[np.float32]) -> NDArray[np.int16]:
        """Agents needed for each offered load (erlangs, float32); 0 for no load."""
        index = (load_erlangs * np.float32(1.0 / self._STEP)).astype(np.int32)
        beyond = None
        if index.size and int(index.max()) >= self._grid.size:
            beyond = np.flatnonzero(index >= self._grid.size)
            index.flat[beyond] = 0
        agents = self._grid[index]
        # The grid point sits at or below the load, so at most one more agent is needed.
        agents += load_erlangs > self._max_load32[agents]
        if beyond is not None:
            if agents.dtype != np.int32:
                agents = agents.astype(np.int32)
            agents.flat[beyond] = self.direct(load_erlangs.flat[beyond])
        return agents
