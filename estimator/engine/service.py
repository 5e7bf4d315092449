"""Replies: the reply capacity each pooled queue needs, and what any team's capacity gets.

Both go through the one queue model (:mod:`estimator.engine.queue_model`), so the needed team
and today's team are judged on the same basis.

Staffing one queue (docs/model.md, "Engagement"):

- **live** targets (under an hour): the Erlang C whole people each covered hour, on the
  hour's work to do (with the backlog from uncovered hours released) and the occupancy cap,
  as a floor;
- **deferred** targets (an hour or more): the least reply capacity ``work in the hour +
  k x released backlog`` that answers each channel's share within its target, found per run
  by a short search over ``k`` (compiled, run by run: :mod:`estimator.engine.queue_kernel`).
  The backlog is the work that
  arrived in uncovered hours, released at the next covered hour and worked off over ``s``
  hours, ``s`` = ``coverage.backlog_hours`` or 1 (whichever costs fewer on-duty hours).
  ``k >= 1``: less capacity than work never keeps up on a year read as a circle.

A channel whose target this coverage makes impossible (``best_share < service_level``) is
staffed to the same share of what any team could answer on time (``service_level x
best_share``): chasing the very best share would need the whole night's backlog answered in
the first minutes of the day, a burst of people no roster staffs for one hour.

A person on the queue writes replies at most ``max_occupancy`` of the hour, so reply capacity
``c`` person-hours an hour needs ``c / max_occupancy`` people on the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numba import njit
from numpy.typing import NDArray

from estimator.engine.arrivals import Arrivals
from estimator.engine.backlog import released_backlog
from estimator.engine.calendar import HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.compile import LIVE_MINUTES, Model, QueueSpec
from estimator.engine.queue_kernel import (
    least_k_by_run,
    message_totals,
    on_time_by_run,
    on_time_rostered,
    split_targets,
)
from estimator.engine.queue_model import (
    fluid_backlog,
    live_service_level,
    on_time_share,
    window_sums,
)
from estimator.engine.volumes import FLOAT

K_MAX = 64.0  # the search stops at 64 x the released backlog; a target needing more is missed
BEST_MARGIN = 0.03  # a coverage fix must let the best share clear the level by three points
K_STEP = 1.02  # k is searched on the grid 1.02 ** j: 2% steps of the released backlog


@dataclass
class Inbox:
    """One pooled queue in a chunk of runs: its work by hour, and its messages (kept by day:
    :class:`~estimator.engine.arrivals.Arrivals`)."""

    spec: QueueSpec
    work: NDArray[np.float32]  # (runs, hours) reply work arriving, person-hours
    arrivals: Arrivals
    targets_hours: list[float]  # per channel
    levels: list[float]  # per channel: the service level asked for
    handle_minutes: float  # the pooled average
    windows: dict[int, NDArray[np.float32]] | None = None
    #: (total, best, uncovered, weekly) as queue_kernel.message_totals counts them, if known
    totals: tuple[NDArray[np.float64], ...] | None = None

    def window_cache(self) -> dict[int, NDArray[np.float32]]:
        if self.windows is None:
            self.windows = {}
        return self.windows

    @property
    def messages(self) -> NDArray[np.float32]:
        """(channels of the queue, runs, hours) the messages by hour, made for the numpy
        statement of the queue model (the compiled one reads them by day)."""
        return self.arrivals.hourly()

    def subset(self, rows: NDArray[np.int64]) -> Inbox:
        """The same inbox for some of its runs."""
        return Inbox(
            spec=self.spec, work=self.work[rows], arrivals=self.arrivals.subset(rows),
            targets_hours=self.targets_hours, levels=self.levels,
            handle_minutes=self.handle_minutes,
            windows={n: w[rows] for n, w in self.window_cache().items()},
        )


def row_dot(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float64]:
    """Dot products along the last axis (float32 in, float64 out): ``np.vecdot`` is many
    times faster than ``einsum`` here, and float32 keeps seven digits of a year's count."""
    if hasattr(np, "vecdot"):
        return np.vecdot(a, b).astype(np.float64)
    return np.einsum("...h,...h->...", a, b, dtype=np.float64)  # numpy < 2


def on_time_messages(
    inbox: Inbox,
    capacity: NDArray[np.float32],
    people: NDArray[np.float32],
    *,
    by_week: bool = False,
) -> NDArray[np.float64]:
    """Messages answered within target, per channel, with this reply capacity (the queue
    model compiled, :mod:`estimator.engine.queue_kernel`).

    Parameters
    ----------
    inbox
        The queue's work and messages.
    capacity
        (runs, hours) reply capacity, person-hours of replies an hour (0 when uncovered).
    people
        (runs, hours) people on the queue (for the Erlang C level of live targets).
    by_week
        Per week (runs, channels, 52) instead of per run (runs, channels).
    """
    index, wholes, parts = split_targets(inbox.targets_hours)
    distinct = list(dict.fromkeys(inbox.targets_hours))
    live = np.array([t * 60 < LIVE_MINUTES for t in distinct])
    multiplier = np.zeros((1, 1, 1), FLOAT)
    if live.any():
        multiplier = np.ones((len(distinct), *inbox.work.shape), FLOAT)
        for t in np.flatnonzero(live):
            multiplier[t] = live_service_level(people, inbox.work, inbox.handle_minutes,
                                               distinct[t] * 60)
    out = on_time_by_run(np.ascontiguousarray(inbox.work, FLOAT),
                         np.ascontiguousarray(capacity, FLOAT), inbox.arrivals.kernel_args(),
                         index, wholes, parts, multiplier, live, WEEKS if by_week else 1)
    return out if by_week else out[:, :, 0]


def on_time_messages_reference(
    inbox: Inbox,
    capacity: NDArray[np.float32],
    people: NDArray[np.float32],
    *,
    by_week: bool = False,
) -> NDArray[np.float64]:
    """:func:`on_time_messages` in whole-array numpy passes over :mod:`queue_model`: the
    reference the compiled queue model is checked against."""
    backlog = fluid_backlog(inbox.work, capacity)
    shares: dict[float, NDArray[np.float32]] = {}
    runs = inbox.work.shape[0]
    messages = inbox.messages
    out = np.zeros((runs, len(messages), WEEKS) if by_week else (runs, len(messages)))
    for i, (m, target) in enumerate(zip(messages, inbox.targets_hours, strict=True)):
        if target not in shares:
            share = on_time_share(inbox.work, capacity, backlog, target, inbox.window_cache())
            if target * 60 < LIVE_MINUTES:
                share *= live_service_level(people, inbox.work, inbox.handle_minutes, target * 60)
            shares[target] = share
        share = shares[target]
        if by_week:
            shape = (runs, WEEKS, HOURS_PER_WEEK)
            out[:, i] = row_dot(m.reshape(shape), share.reshape(shape))
        else:
            out[:, i] = row_dot(m, share)
    return out


def rows_of(x: NDArray) -> NDArray:
    """A (runs, hours) array as the compiled loops take it: its one row when every run has
    the same (a broadcast), else the array itself, C-contiguous."""
    if x.ndim == 1:
        return np.ascontiguousarray(x[None])
    return np.ascontiguousarray(x[:1] if x.strides[0] == 0 else x)


@dataclass
class Staffing:
    """The reply capacity one queue needs, per run and hour."""

    people: NDArray[np.float32]  # (runs, hours) people on the queue
    capacity: NDArray[np.float32]  # (runs, hours) reply capacity, person-hours an hour
    factor: NDArray[np.float64]  # (runs,) k: capacity over the work shape
    spread: NDArray[np.int64]  # (runs,) hours over which the backlog is released
    within: NDArray[np.float64]  # (runs, channels) messages answered on target
    best: NDArray[np.float64]  # (runs, channels) messages any team could answer on target
    total: NDArray[np.float64]  # (runs, channels) messages
    uncovered: NDArray[np.float64]  # (runs,) messages that arrive in uncovered hours
    weekly: NDArray[np.float64]  # (runs, 52) messages each week


def staff_queue(
    inbox: Inbox,
    covered: NDArray[np.bool_],
    next_covered: NDArray[np.float32],
    max_occupancy: float,
    floor_people: NDArray[np.float64] | None = None,
) -> Staffing:
    """The least reply capacity that meets every channel's (reachable) target.

    Parameters
    ----------
    inbox
        The queue's work and messages (crisis surges included).
    covered, next_covered
        (runs, hours) covered hours, and hours to the next covered hour.
    max_occupancy
        The occupancy cap.
    floor_people
        (runs,) people on duty anyway in covered hours (the minimum on duty less the
        monitoring load, for the on-duty role's queue): reply people under it cost nothing,
        which decides between ways of clearing the backlog.

    Notes
    -----
    The candidates are ``work in the hour + k x release_s``: ``release_s`` is the backlog
    from uncovered hours worked off over ``s`` hours, ``s`` = ``coverage.backlog_hours`` (the
    longest a team takes to work off the night) or 1. For each ``s`` the least ``k`` on the
    grid ``K_STEP ** j`` that meets every target is found per run (:meth:`_Search.least_k`:
    doubling, then secant guesses checked against their neighbour; the same j as bisection,
    since whether a j meets is monotone in j); the run takes the
    candidate with the fewest on-duty hours. The candidates do not depend on the target, so
    a longer target or a lower service level never needs more.
    """
    spec = inbox.spec
    runs = inbox.work.shape[0]
    occ = FLOAT(max_occupancy)
    if inbox.totals is None:
        index, _, _ = split_targets(inbox.targets_hours)
        inbox.totals = message_totals(inbox.messages, rows_of(next_covered), rows_of(covered),
                                      index, np.array(list(dict.fromkeys(inbox.targets_hours))))
    total, best, uncovered, weekly = inbox.totals
    seen = {"uncovered": uncovered, "weekly": weekly}
    best_rate = np.divide(best, total, out=np.ones_like(best), where=total > 0)
    asked = np.array(inbox.levels)[None, :]
    # a target beyond what any team could reach: the same share of what could be on time
    # (the best share itself needs the night's backlog answered in the day's first minutes)
    level = np.where(best_rate >= asked, asked, asked * best_rate)
    floor = np.zeros(runs, FLOAT) if floor_people is None else floor_people.astype(FLOAT)

    always = bool(np.all(covered))
    if always and spec.table is None:
        # nothing waits for coverage and every target is deferred: capacity equal to the
        # work answers each message within its hour (see queue_model), so every one on time
        return Staffing(people=inbox.work / occ, capacity=inbox.work, factor=np.ones(runs),
                        spread=np.ones(runs, np.int64), within=total.copy(), best=best,
                        total=total, **seen)
    # all of the backlog at once, and the smoothest release the scenario allows
    spreads = [1] if always else sorted({spec.spread_hours, 1})
    smooth = spreads[-1]
    in_hours = inbox.work if always else np.where(covered, inbox.work, FLOAT(0))
    def release(s: int) -> NDArray[np.float32] | None:
        return None if always else released_backlog(inbox.work, covered, s)

    search = _Search(inbox, in_hours, release(smooth), level, total, occ)
    k = np.ones(runs)
    ok, within = search.met(k)
    people = search.people(k)
    spread = np.full(runs, smooth)
    rows = np.flatnonzero(~ok)
    if rows.size:
        best_cost = np.full(rows.size, np.inf)
        chosen_k = np.ones(rows.size)
        chosen_s = spread[rows]
        chosen_people = people[rows]
        chosen_within = within[rows]
        for s in spreads:
            r = search.release if s == smooth else release(s)
            sub = _Search(inbox, in_hours, r, level[rows], total[rows], occ, rows=rows)
            # k = 1 was judged on the smoothest release: its search starts from there, and
            # needs its k only where it could cost no more than the sharper release's
            k_s, within_s = sub.least_k(
                within_at_1=within[rows] if s == smooth else None,
                cost_limit=None if s == spreads[0] else best_cost / (1 - 1e-6))
            missing = np.isnan(k_s)  # past the limit: this release costs more
            people_s = sub.people(np.where(missing, 1.0, k_s))
            cost = np.maximum(people_s, floor[rows, None]).sum(axis=1, dtype=np.float64)
            cost[missing] = np.inf
            better = cost * (1 - 1e-6) <= best_cost  # ties: the smoother release
            best_cost = np.where(better, cost, best_cost)
            chosen_k = np.where(better, k_s, chosen_k)
            chosen_s = np.where(better, s, chosen_s)
            chosen_people[better] = people_s[better]
            chosen_within[better] = within_s[better]
        k[rows] = chosen_k
        spread[rows] = chosen_s
        people[rows] = chosen_people
        within[rows] = chosen_within
    return Staffing(people=people, capacity=people * occ, factor=k, spread=spread,
                    within=within, best=best, total=total, **seen)


class _Search:
    """The least k for one release of the backlog: reply capacity ``in_hours + k x
    release`` (at least the Erlang C floor of live targets), for some runs of one inbox
    (``rows``; all if None). ``level`` and ``total`` are those runs'; the inbox, ``in_hours``
    and ``release`` hold every run (the compiled search reads them in place)."""

    def __init__(self, inbox: Inbox, in_hours: NDArray[np.float32],
                 release: NDArray[np.float32] | None, level: NDArray, total: NDArray,
                 occ: np.float32, rows: NDArray[np.int64] | None = None) -> None:
        self.every_run = (inbox, in_hours, release)
        self.rows = rows
        if rows is not None:
            in_hours = in_hours[rows]
            release = None if release is None else release[rows]
        self.in_hours, self.release = in_hours, release
        self.level, self.total, self.occ = level, total, occ
        table = inbox.spec.table
        # live targets: Erlang C whole people each covered hour, on the hour's work to do
        self.floor = None
        if table is not None:
            offered = in_hours if release is None else in_hours + release
            self.floor = table.agents(offered).astype(FLOAT)

    @cached_property
    def inbox(self) -> Inbox:
        """The inbox of the searched runs."""
        inbox = self.every_run[0]
        return inbox if self.rows is None else inbox.subset(self.rows)

    def people(self, k: NDArray[np.float64]) -> NDArray[np.float32]:
        if self.release is None:
            people = self.in_hours / self.occ
        else:
            people = self.release * k.astype(FLOAT)[:, None]
            people += self.in_hours
            people /= self.occ
        if self.floor is not None:
            np.maximum(people, self.floor, out=people)
        return people

    def met(self, k: NDArray[np.float64]) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        people = self.people(k)
        within = on_time_messages(self.inbox, people * self.occ, people)
        return np.all(within >= self._need(), axis=1), within

    def _need(self) -> NDArray[np.float64]:
        """(rows, channels) the messages on target each channel's level asks for."""
        n = self.total
        return self.level * n - 1e-6 * np.maximum(n, 1)

    def slack(self, within: NDArray[np.float64]) -> NDArray[np.float64]:
        """(rows,) how far each row clears every channel's need, as the compiled search
        measures it (queue_kernel._slack): the least ``(on time - need) / messages`` over the
        channels, >= 0 when it meets them all."""
        need = self._need()
        gap = (within - need) / np.maximum(self.total, 1.0)
        return np.where(within < need, gap, np.maximum(gap, 0.0)).min(axis=1)

    def least_k(
        self, compiled: bool = True, within_at_1: NDArray[np.float64] | None = None,
        cost_limit: NDArray[np.float64] | None = None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(k, messages on target) per row: the least k on the grid ``K_STEP ** j`` that
        meets every target (a grid, so that a laxer target never gets a larger k), found by
        doubling ``j`` and then bisecting it; rows still short at K_MAX stop there.

        Deferred targets only are searched run by run by the compiled queue model
        (``compiled=False``: the whole-array search, the reference in tests); live targets'
        Erlang C level takes the whole-array search. ``within_at_1``: the messages on target
        at k = 1, if already judged (the compiled search then starts from them).
        ``cost_limit``: per row, the on-duty hours beyond which the caller has no use for
        k; the compiled search leaves k NaN where the least k would cost more (the
        whole-array search ignores it and finds every k)."""
        rows = self.total.shape[0]
        ones = np.ones(rows)
        if self.release is None:  # nothing waits for coverage: capacity = work meets all
            return ones, self.met(ones)[1]
        top = int(np.ceil(np.log(K_MAX) / np.log(K_STEP)))
        start = min(int(np.ceil(np.log(2) / np.log(K_STEP))), top)
        if compiled and self.floor is None:
            inbox, in_hours, release = self.every_run
            index, wholes, parts = split_targets(inbox.targets_hours)
            ks = K_STEP ** np.arange(top + 1, dtype=np.float64)
            slack_0 = np.full(rows, np.nan) if within_at_1 is None else self.slack(within_at_1)
            last = np.full(rows, top) if cost_limit is None else self._last_j(cost_limit, top)
            j, within, short, _ = least_k_by_run(
                inbox.work, in_hours, release, self.occ, inbox.arrivals.kernel_args(),
                np.arange(rows) if self.rows is None else self.rows, index, wholes, parts,
                self._need(), np.maximum(self.total, 1.0), ks, start, slack_0, last)
            return np.where(short & (last < top), np.nan, ks[j]), within
        lo = np.zeros(rows, np.int64)  # j = 0 (k = 1) is known to fail on these rows
        hi = np.full(rows, start, np.int64)
        while True:
            ok_hi, _ = self.met(K_STEP ** hi.astype(np.float64))
            grow = ~ok_hi & (hi < top)
            if not grow.any():
                break
            lo = np.where(grow, hi, lo)
            hi = np.where(grow, np.minimum(hi * 2, top), hi)
        lo = np.where(ok_hi, lo, hi)  # short even at K_MAX: stop there
        while np.any(hi - lo > 1):
            mid = (lo + hi) // 2
            ok_mid, _ = self.met(K_STEP ** mid.astype(np.float64))
            open_ = hi - lo > 1
            hi = np.where(open_ & ok_mid, mid, hi)
            lo = np.where(open_ & ~ok_mid, mid, lo)
        k = K_STEP ** hi.astype(np.float64)
        return k, self.met(k)[1]

    def _last_j(self, cost_limit: NDArray[np.float64], top: int) -> NDArray[np.int64]:
        """Per row, the last grid index whose on-duty hours could stay within ``cost_limit``:
        they are at least the people on the queue, ``(in_hours + k release) / occ`` summed
        over the hours (less a margin far wider than float32's rounding)."""
        base = self.in_hours.sum(axis=1, dtype=np.float64)
        spread = self.release.sum(axis=1, dtype=np.float64)
        k_max = (cost_limit * float(self.occ) / (1 - 1e-4) - base) / np.maximum(spread, 1e-30)
        with np.errstate(divide="ignore", invalid="ignore"):
            j = np.floor(np.log(np.maximum(k_max, 1e-300)) / np.log(K_STEP) + 1e-9)
        return np.where(np.isfinite(k_max), np.clip(j, -1, top), top).astype(np.int64)


def base_people(
    spec: QueueSpec, work: NDArray[np.float32], covered: NDArray[np.bool_], staffing: Staffing,
    max_occupancy: float,
) -> NDArray[np.float32]:
    """People the queue would need in the same run without crises (their surge and their
    round-the-clock coverage: ``work`` is its reply work without the surge), at the run's own
    ``k`` and release, never more than with them."""
    cover = rows_of(covered)
    release = np.zeros((1, 1), FLOAT)
    if not bool(cover.all()):
        release = released_backlog(work, covered, staffing.spread)
    table = spec.table
    people = _base_people(work, cover, release, staffing.factor.astype(FLOAT),
                          FLOAT(max_occupancy), staffing.people, table is None)
    if table is not None:
        spread = released_backlog(work, covered, spec.spread_hours)
        offered = np.where(covered, work + spread, FLOAT(0))
        np.maximum(people, table.agents(offered).astype(FLOAT), out=people)
        np.minimum(people, staffing.people, out=people)
    return people


@njit(cache=True)
def _base_people(work, covered, release, factor, occ, staffed, capped
                 ):  # pragma: no cover - compiled
    """``(work in covered hours + release x k) / occ`` in float32, at most ``staffed`` when
    ``capped`` (:func:`base_people`'s numpy steps, one pass); ``covered`` one row per run or
    one for all, ``release`` (1, 1) when nothing is released."""
    runs, n = work.shape
    out = np.empty((runs, n), dtype=np.float32)
    zero = np.float32(0)
    for r in range(runs):
        cov = covered[r if covered.shape[0] > 1 else 0]
        for h in range(n):
            p = work[r, h] if cov[h] else zero
            if release.shape[1] > 1:
                p = p + release[r, h] * factor[r]
            p = p / occ
            out[r, h] = min(p, staffed[r, h]) if capped else p
    return out


def _rostered(
    shape: NDArray[np.float32], covered: NDArray[np.bool_], hours: NDArray[np.float64],
    occ: np.float32,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(capacity, people) by hour: each week's ``hours`` person-hours rostered in the shape
    of ``shape``, every covered hour a little (0.001), so that an hour the shape leaves empty
    is not dark (queue_kernel.on_time_rostered compiles the same)."""
    runs = shape.shape[0]
    by_week = (runs, WEEKS, HOURS_PER_WEEK)
    weights = (shape + np.where(covered, FLOAT(1e-3), FLOAT(0))).reshape(by_week)
    per_week = weights.sum(axis=2, dtype=np.float64)
    scale = np.divide(hours[:, None], per_week, out=np.zeros_like(per_week),
                      where=per_week > 0).astype(FLOAT)
    people = (weights * scale[:, :, None]).reshape(runs, HOURS)
    return people * occ, people


def current_staff(
    model: Model,
    values: dict[str, NDArray],
    inboxes: list[Inbox],
    needed: list[Staffing],
    covered: NDArray[np.bool_],
) -> dict[str, NDArray]:
    """Replies on target with today's team, by week (overload and overtime:
    :func:`estimator.engine.staffing.today_by_week`).

    Parameters
    ----------
    needed
        Per queue, the needed team's staffing: today's team rosters its hours in the shape
        of the people the needed team puts on the queue.

    Notes
    -----
    Replies come first: each queue's reply capacity is the FTE of today's people who can do
    the queue's role (a person who can answer several queues splits evenly between them)
    times their productive hours in the week, rostered over the week's covered hours in the
    shape of the needed team's hours on the queue, at the occupancy cap; it goes through the
    same queue model as the needed team (oldest message first).
    """
    assert model.current_staff is not None
    team = model.current_staff
    runs = covered.shape[0]
    per_week_fte = values["productive_hours_per_fte"] / WEEKS  # (runs,)
    occ = FLOAT(model.scenario.capacity.max_occupancy)
    queue_roles = [inbox.spec.role for inbox in inboxes]
    answers = team.can[:, queue_roles]  # (people, queues)
    per_queue = (team.fte[:, None] * answers / np.maximum(answers.sum(axis=1), 1)[:, None]
                 ).sum(axis=0)  # (queues,) FTE
    within = np.zeros((runs, WEEKS))
    replies = np.zeros((runs, WEEKS))
    for qi, (inbox, staffing) in enumerate(zip(inboxes, needed, strict=True)):
        hours = per_queue[qi] * per_week_fte  # (runs,) a week
        live = any(t * 60 < LIVE_MINUTES for t in inbox.targets_hours)
        if live:  # the Erlang C level needs the people: the numpy statement
            on_time = on_time_messages(inbox, *_rostered(staffing.people, covered, hours, occ),
                                       by_week=True)
        else:
            index, wholes, parts = split_targets(inbox.targets_hours)
            on_time = on_time_rostered(inbox.work, staffing.people, rows_of(covered), hours,
                                       occ, inbox.arrivals.kernel_args(), index, wholes,
                                       parts)
        within += on_time.sum(axis=1)
        replies += staffing.weekly
    return {
        "current_replies_weekly": replies.astype(np.float32),
        "current_replies_within_weekly": within.astype(np.float32),
    }


__all__ = [
    "LIVE_MINUTES",
    "Inbox",
    "Staffing",
    "base_people",
    "current_staff",
    "on_time_messages",
    "on_time_messages_reference",
    "staff_queue",
    "window_sums",
]
