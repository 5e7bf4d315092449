"""Crises: how many in each run, when they start, how long they last and how hard they hit.

Onset (any hour of the year, read as a circle), severity class, duration and surge are drawn
per crisis from a fixed pool of uniform numbers per run and block, so that a run's k-th crisis
is the same in every scenario that shares the seed (common random numbers).

Triage (``[crises.triage]``): no team answers a thousand-fold surge to its normal targets.
Each hour, the volume multiplier of all active crises together is staffed up to
``staffed_surge_max``; the messages beyond it get a holding reply (an auto-reply or a pinned
statement, or a saved reply of ``holding_reply_seconds``) and are reported as triaged, not
put in the reply queue.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.compile import Model
from estimator.engine.streams import BLOCK_RUNS, block_generator
from estimator.engine.volumes import FLOAT
from estimator.scenario import quantities as dist

_POOL = 64  # crisis draws kept per run; a run's k-th crisis always uses the same ones


class Crises:
    """The crises of a chunk of runs: the (run, hour) cells they touch, and (crisis, hour)
    pairs.

    Crises touch a few hundred of a run's 8,736 hours, so they are kept as cells (in the
    row-major order of ``numpy.nonzero``); the dense (runs, hours) views :attr:`surge`,
    :attr:`factor` and :attr:`active` are built once, on first use.
    """

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.count = np.zeros(runs)
        # the cells where a crisis is active (sorted run-major), and the staffed excess over 1
        self.active_run = np.zeros(0, dtype=np.int64)
        self.active_hour = np.zeros(0, dtype=np.int64)
        self.cell_surge = np.zeros(0, dtype=FLOAT)
        # hours with triaged messages: run, hour, and the excess over the staffed multiplier
        self.triage_run = np.zeros(0, dtype=np.int64)
        self.triage_hour = np.zeros(0, dtype=np.int64)
        self.triage_excess = np.zeros(0)
        self.weeks = np.zeros((runs, WEEKS), dtype=bool)
        self.pair_week_cells = np.zeros(0, dtype=np.int64)
        self.pair_offhours = np.zeros(0, dtype=bool)
        self.extra_by_role: dict[int, NDArray[np.float64]] = {}
        self._dense: dict[str, NDArray] = {}

    @property
    def surge(self) -> NDArray[np.float32]:
        """(runs, hours): the staffed excess of the volume multiplier over 1 (0 outside crises)."""
        if "surge" not in self._dense:
            out = np.zeros((self.runs, HOURS), dtype=FLOAT)
            out[self.active_run, self.active_hour] = self.cell_surge
            self._dense["surge"] = out
        return self._dense["surge"]

    @property
    def factor(self) -> NDArray[np.float32]:
        """(runs, hours): the staffed volume multiplier, ``1 + surge``."""
        if "factor" not in self._dense:
            out = np.ones((self.runs, HOURS), dtype=FLOAT)
            out[self.active_run, self.active_hour] += self.cell_surge
            self._dense["factor"] = out
        return self._dense["factor"]

    @property
    def active(self) -> NDArray[np.bool_]:
        """(runs, hours): True in every hour some crisis is active."""
        if "active" not in self._dense:
            out = np.zeros((self.runs, HOURS), dtype=bool)
            out[self.active_run, self.active_hour] = True
            self._dense["active"] = out
        return self._dense["active"]


def draw_crises(
    model: Model, values: dict[str, NDArray], seed: int, blocks: range, start: int, runs: int
) -> Crises | None:
    counts = values["crises.count"].astype(np.int64)
    if not model.severities or counts.sum() == 0:
        return None
    skip = start - blocks.start * BLOCK_RUNS
    pool_size = max(_POOL, int(counts.max()))
    pools = []
    for b in blocks:
        gen = block_generator(seed, "crises", b)
        pool = gen.random((BLOCK_RUNS, _POOL, 4))
        if pool_size > _POOL:
            pool = np.concatenate([pool, gen.random((BLOCK_RUNS, pool_size - _POOL, 4))], 1)
        pools.append(pool)
    pool = np.concatenate(pools)[skip : skip + runs]
    run = np.repeat(np.arange(runs), counts)
    nth = np.arange(run.size) - np.repeat(np.cumsum(counts) - counts, counts)
    u = pool[run, nth]  # (crises, 4): onset, severity, duration, surge
    onset = np.minimum((u[:, 0] * HOURS).astype(np.int64), HOURS - 1)
    shares = np.cumsum([s.share for s in model.severities])
    severity = np.minimum(np.searchsorted(shares, u[:, 1], side="right"), len(shares) - 1)
    days = np.empty(run.size)
    surge = np.empty(run.size)
    half_life = np.empty(run.size)
    for i, sev in enumerate(model.severities):
        mine = severity == i
        days[mine] = dist.ppf(sev.days, u[mine, 2])
        surge[mine] = dist.ppf(sev.surge, u[mine, 3])
        half_life[mine] = sev.half_life_hours
    length = np.clip(np.rint(days * 24), 1, HOURS).astype(np.int64)

    # one row per (crisis, hour it is active); the year is a circle
    pair = np.repeat(np.arange(run.size), length)
    offset = np.arange(pair.size) - np.repeat(np.cumsum(length) - length, length)
    hour = (onset[pair] + offset) % HOURS
    run_pair, severity_pair = run[pair], severity[pair]
    cell = run_pair * HOURS + hour
    excess = (surge[pair] - 1) * np.exp2(-offset / half_life[pair])

    out = Crises(runs)
    out.count = counts.astype(np.float64)
    # the distinct cells in sorted (row-major) order: the same order and the same sums, pair
    # by pair, as a dense bincount read back with numpy.nonzero
    cells, pair_cell = np.unique(cell, return_inverse=True)
    total = np.bincount(pair_cell, weights=excess, minlength=cells.size)
    staffed_max = model.scenario.crises.triage.staffed_surge_max - 1
    out.active_run, out.active_hour = np.divmod(cells, HOURS)
    out.cell_surge = np.minimum(total, staffed_max).astype(FLOAT)
    over = total > staffed_max
    out.triage_run, out.triage_hour = out.active_run[over], out.active_hour[over]
    out.triage_excess = total[over] - staffed_max
    week_cell = run_pair * WEEKS + hour // HOURS_PER_WEEK
    out.weeks = np.bincount(week_cell, minlength=runs * WEEKS).reshape(runs, WEEKS) > 0
    out.pair_week_cells = week_cell
    out.pair_offhours = ~model.normal[hour]
    for i, sev in enumerate(model.severities):
        mine = severity_pair == i
        for role, path in sev.extra:
            per_hour = np.where(mine, values[path][run_pair] / 24.0, 0.0)
            out.extra_by_role[role] = out.extra_by_role.get(role, 0) + per_hour
    return out


def triaged_messages(
    model: Model, daily: NDArray[np.float64], crises: Crises
) -> tuple[NDArray[np.float64], dict[int, NDArray[np.float64]], NDArray[np.float64]]:
    """The messages triage leaves to a holding reply, and the work of those replies.

    Returns the triaged messages per run, the holding replies' hours by role as (runs, 52)
    arrays (none when ``holding_reply_seconds`` is 0), and their hours outside normal hours
    as (runs, 52).
    """
    runs = daily.shape[0]
    r, h = crises.triage_run, crises.triage_hour
    messages = np.zeros(runs)
    by_role: dict[int, NDArray[np.float64]] = {}
    offhours = np.zeros((runs, WEEKS))
    if r.size == 0:
        return messages, by_role, offhours
    seconds = model.scenario.crises.triage.holding_reply_seconds
    day, weekday, hour = h // 24, (h // 24) % 7, h % 24
    week_cell = r * WEEKS + h // HOURS_PER_WEEK
    off = ~model.normal[h]
    role_of = {c: q.role for q in model.queues for c in q.channels}
    for c, ch in enumerate(model.channels):
        # the channel's messages in that hour without crises, times the triaged excess
        base = daily[r, c, day] * model.profiles[ch.profile][weekday, hour] / 24.0
        left = base * crises.triage_excess
        messages += np.bincount(r, weights=left, minlength=runs)
        if seconds > 0:
            work = left * seconds / 3600.0
            role = role_of[c]
            weekly_work = np.bincount(week_cell, weights=work, minlength=runs * WEEKS)
            by_role[role] = by_role.get(role, 0) + weekly_work.reshape(runs, WEEKS)
            offhours += np.bincount(
                week_cell[off], weights=work[off], minlength=runs * WEEKS
            ).reshape(runs, WEEKS)
    return messages, by_role, offhours
