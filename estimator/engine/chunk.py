"""The Monte Carlo engine: a planning year, hour by hour, for many runs at once.

Arrays are (runs, hours) over a chunk of runs; no Python loop runs over runs or hours.
Chunks are whole blocks of :data:`~estimator.engine.streams.BLOCK_RUNS` runs and their random
numbers are keyed by block, so a chunk size or a number of worker processes never changes
a result. Memory is bounded by the chunk: a few dozen (chunk x 8,736) float32 arrays.

What one run computes (docs/model.md, "The work the model counts"):

1. each channel's messages per day: the run's volume, its growth over the year and a
   day-to-day factor (mean 1, CV ``daily_cv``, partly shared by all channels); spread over
   the hours of each day by the channel's hour-of-week profile; times the crisis surge up
   to the triage ceiling (``crises.triage.staffed_surge_max``; the rest gets a holding reply
   and is reported);
2. each role's pooled queue: the reply capacity it needs each covered hour
   (:mod:`estimator.engine.service`): Erlang C whole people for live targets (under an
   hour), the least capacity that answers each channel's share on target in the FIFO queue
   model for deferred ones; people on the queue = capacity / ``max_occupancy``;
3. on duty: ``max(min_on_duty, reply people + monitoring)`` in every covered hour (all hours
   of a crisis, where coverage becomes 24/7);
4. blending: each role's week is ``max(presence, work)``: hours on duty, or its work
   (replies at the occupancy cap, monitoring, content, recurring, reports, crisis extras),
   whichever is more, so flexible work fills idle on-duty time;
5. crisis work: what the crises add to each role's week over the same week without them
   (surge replies, on-duty hours of extended coverage, extra hours by role).

Beside the hours by kind of work it keeps what the role profiles read
(:mod:`estimator.engine.role_profiles`): each role's on-duty hours and when they fall
(evenings, nights, weekends, holidays), the crisis hours that are round-the-clock watch and
those that are extra hours, and each channel's messages a year.

The stages are functions passing named dataclasses: :func:`draw_chunk` (crises, messages a
day, coverage: :class:`Draws`), :func:`staff_queues` (step 2: :class:`Queues`),
:func:`staff_on_duty` (step 3: :class:`OnDuty`), :func:`crisis_hours` (the crises' extra
hours and holding replies: :class:`CrisisHours`), :func:`role_weeks` (steps 4 and 5:
:class:`RoleWeeks`) and :func:`outputs` (the arrays a result keeps).

Message volumes come from :mod:`estimator.engine.volumes`, crises from
:mod:`estimator.engine.crises`, and the replies-on-target measures from
:mod:`estimator.engine.service`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from estimator.engine.arrivals import Arrivals
from estimator.engine.calendar import DAYS, HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.calendar_periods import content_factors
from estimator.engine.compile import (
    CONTENT,
    CRISIS,
    ENGAGEMENT,
    KINDS,
    MONITORING,
    RECURRING,
    Model,
    QueueSpec,
)
from estimator.engine.crises import Crises, draw_crises, triaged_messages
from estimator.engine.queue_kernel import queue_arrivals, split_targets
from estimator.engine.queue_model import hours_to_next_covered
from estimator.engine.service import (
    Inbox,
    Staffing,
    base_people,
    current_staff,
    rows_of,
    staff_queue,
)
from estimator.engine.staffing import today_by_week
from estimator.engine.streams import BLOCK_RUNS
from estimator.engine.volumes import FLOAT, daily_messages, weekly

# --------------------------------------------------------------------------- one chunk


_MALLOC_TUNED = False


def _keep_freed_memory() -> None:
    """Ask glibc to keep freed memory for reuse instead of handing each chunk's large
    temporaries back to the kernel and faulting them in again: a quarter of the engine's
    time on Linux. Elsewhere, or if it cannot, nothing changes."""
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return
    _MALLOC_TUNED = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 1 << 30)
        libc.mallopt(m_trim_threshold, 1 << 30)
    except (OSError, AttributeError):
        pass


@dataclass
class Draws:
    """What a chunk of runs draws before any team is staffed."""

    runs: int
    crises: Crises | None
    daily: NDArray[np.float64]  # (runs, channels, days) messages a day
    base_covered: NDArray[np.bool_]  # (runs, hours) the scenario's coverage
    covered: NDArray[np.bool_]  # (runs, hours) with the crises' extended coverage
    next_covered: NDArray[np.float32]  # (runs, hours) hours to the next covered hour
    monitoring: NDArray[np.float64]  # (runs,) people watching in each covered hour


@dataclass
class Weeks:
    """Per run, role and week (runs, roles, 52): hours on duty (presence), reply work at the
    occupancy cap, and watching: with the crises or without them."""

    presence: NDArray[np.float64]
    engagement: NDArray[np.float64]
    watching: NDArray[np.float64]

    @classmethod
    def zeros(cls, runs: int, roles: int) -> Weeks:
        return cls(*(np.zeros((runs, roles, WEEKS)) for _ in range(3)))


@dataclass
class Queues:
    """Every pooled queue staffed through the queue model."""

    inboxes: list[Inbox]
    staffings: list[Staffing]
    people: NDArray[np.float32]  # (runs, hours) reply people on all queues
    people_base: NDArray[np.float32]  # the same without the crises
    weeks: Weeks
    weeks_base: Weeks
    on_duty_when: NDArray[np.float64]  # (runs, roles, 5) on-duty hours by ON_DUTY_WHEN


@dataclass
class OnDuty:
    """People on duty each hour: reply people, or the minimum on duty and the watch."""

    people: NDArray[np.float32]  # (runs, hours)
    people_base: NDArray[np.float32]  # the same without the crises
    crisis_watch: NDArray[np.float64]  # (runs, roles) round-the-clock watch crises add
    by_hour_of_week: NDArray[np.float32]  # (runs, 168) people on duty, mean over the weeks


@dataclass
class CrisisHours:
    """Hours the crises add by role beyond reply people and the watch."""

    extra: NDArray[np.float64]  # (runs, roles, 52) extra hours and holding replies
    extra_by_role: NDArray[np.float64]  # (runs, roles) the year's extra hours
    offhours: NDArray[np.float64]  # (runs, 52) crisis hours outside normal hours
    triaged: NDArray[np.float64]  # (runs,) messages left to a holding reply


@dataclass
class RoleWeeks:
    """Each role's hours: by week, and by kind of work over the year."""

    weekly_hours: NDArray[np.float64]  # (runs, roles, 52)
    hours_by_kind: NDArray[np.float64]  # (runs, roles, kinds)
    weekly_crisis: NDArray[np.float64]  # (runs, 52) hours the crises add, all roles


def simulate_chunk(
    model: Model, values: dict[str, NDArray[np.float64]], seed: int, start: int, stop: int
) -> dict[str, NDArray]:
    """All results of runs ``start`` to ``stop`` (a whole number of blocks, or the tail)."""
    _keep_freed_memory()
    draws = draw_chunk(model, values, seed, start, stop)
    queues = staff_queues(model, draws)
    on_duty = staff_on_duty(model, draws, queues)
    crisis = crisis_hours(model, draws, on_duty)
    flexible = _weekly_flexible(model, values, draws.runs, len(model.roles))
    roles = role_weeks(model, queues, flexible, crisis.extra)
    return outputs(model, values, draws, queues, on_duty, crisis, roles)


def draw_chunk(
    model: Model, values: dict[str, NDArray[np.float64]], seed: int, start: int, stop: int
) -> Draws:
    """Crises, messages a day and coverage for runs ``start`` to ``stop``."""
    runs = stop - start
    blocks = range(start // BLOCK_RUNS, math.ceil(stop / BLOCK_RUNS))
    crises = draw_crises(model, values, seed, blocks, start, runs)
    daily = daily_messages(model, values, seed, blocks, start, runs)
    base_covered = np.broadcast_to(model.covered, (runs, HOURS))
    covered = base_covered
    if crises is not None and model.crisis_coverage and not model.covered.all():
        covered = covered | crises.active
    # one row when every run has the same coverage (no crisis extends it)
    next_covered = np.broadcast_to(hours_to_next_covered(rows_of(covered)), (runs, HOURS))
    monitoring = np.zeros(runs)
    if model.monitoring_minutes is not None:
        monitoring = values[model.monitoring_minutes] * model.platforms_watched / 60.0
    return Draws(runs=runs, crises=crises, daily=daily, base_covered=base_covered,
                 covered=covered, next_covered=next_covered, monitoring=monitoring)


def staff_queues(model: Model, draws: Draws) -> Queues:
    """Each pooled queue's messages by hour and the reply people the queue model needs for
    them, with the crises and without (docs/model.md, "Engagement").

    Presence is the hours someone of the role is on duty; engagement the reply work at the
    occupancy cap. Blending makes a role's week max(presence, work) (:func:`role_weeks`)."""
    runs, n_roles, crises = draws.runs, len(model.roles), draws.crises
    occupancy = model.scenario.capacity.max_occupancy
    idle_on_duty = np.maximum(model.min_on_duty - draws.monitoring, 0.0)  # free reply people
    people = np.zeros((runs, HOURS), dtype=FLOAT)
    people_base = np.zeros((runs, HOURS), dtype=FLOAT)
    weeks, weeks_base = Weeks.zeros(runs, n_roles), Weeks.zeros(runs, n_roles)
    on_duty_when = np.zeros((runs, n_roles, len(ON_DUTY_WHEN)))
    inboxes, staffings = [], []
    names = list(model.profiles)
    profiles = np.stack([model.profiles[name].astype(FLOAT).reshape(HOURS_PER_WEEK)
                         for name in names] or [np.zeros(HOURS_PER_WEEK, FLOAT)])
    surge = np.zeros((1, 1), FLOAT) if crises is None else crises.surge
    for q in model.queues:
        # messages by day and reply work by hour, made and counted run by run (queue_kernel)
        targets_hours = [model.channels[c].within_minutes / 60 for c in q.channels]
        index, _, _ = split_targets(targets_hours)
        targets = np.array(list(dict.fromkeys(targets_hours)))
        profile = np.array([names.index(model.channels[c].profile) for c in q.channels])
        day_24, work, work_base, *totals = queue_arrivals(
            draws.daily, np.array(q.channels, np.int64), profile, profiles,
            np.array([model.channels[c].handle_minutes / 60 for c in q.channels], FLOAT),
            surge, rows_of(draws.next_covered), rows_of(draws.covered), index, targets)
        arrivals = Arrivals(day=day_24, profile=profile, profiles=profiles,
                            surge=None if crises is None else crises.surge)
        inbox = _inbox(model, q, work, arrivals)
        inbox.totals = tuple(totals)
        free = idle_on_duty if q.role == model.on_duty_role else None
        staffing = staff_queue(inbox, draws.covered, draws.next_covered, occupancy, free)
        inboxes.append(inbox)
        staffings.append(staffing)
        people += staffing.people
        weeks.presence[:, q.role] += weekly(staffing.people)
        weeks.engagement[:, q.role] += weekly(work) / occupancy
        on_duty_when[:, q.role] += hours_when(staffing.people, model)
        without = staffing.people if crises is None else base_people(
            q, work_base, draws.base_covered, staffing, occupancy)
        people_base += without
        weeks_base.presence[:, q.role] += weekly(without)
        weeks_base.engagement[:, q.role] += weekly(work_base) / occupancy
    return Queues(inboxes=inboxes, staffings=staffings, people=people, people_base=people_base,
                  weeks=weeks, weeks_base=weeks_base, on_duty_when=on_duty_when)


def staff_on_duty(model: Model, draws: Draws, queues: Queues) -> OnDuty:
    """On duty ``max(min_on_duty, reply people + monitoring)`` in every covered hour: adds
    the on-duty role's hours beyond its reply people, and its watching, to the queues'
    weeks and on-duty hours (one compiled pass per run: :func:`_on_duty_pass`)."""
    runs, crises = draws.runs, draws.crises
    crisis_watch = np.zeros((runs, len(model.roles)))
    if model.on_duty_role is None:
        on_duty = np.zeros((runs, HOURS), dtype=FLOAT)
        return OnDuty(people=on_duty, people_base=on_duty, crisis_watch=crisis_watch,
                      by_hour_of_week=np.zeros((runs, HOURS_PER_WEEK), FLOAT))
    od = model.on_duty_role
    weeks, weeks_base = queues.weeks, queues.weeks_base
    weekday = np.arange(DAYS) % 7
    (on_duty, on_duty_base, by_hour_of_week, on_duty_week, people_week, covered_week, when,
     base_week, people_base_week, base_covered_week, watch) = _on_duty_pass(
        queues.people, queues.people_base, rows_of(draws.covered), rows_of(draws.base_covered),
        FLOAT(model.min_on_duty), draws.monitoring.astype(FLOAT), weekday >= 5,
        np.ascontiguousarray(model.year.holiday[:DAYS]), crises is not None)
    weeks.presence[:, od] += on_duty_week - people_week
    queues.on_duty_when[:, od] += when
    weeks.watching[:, od] = draws.monitoring[:, None] * covered_week
    if crises is None:
        queues.weeks_base = weeks
        return OnDuty(people=on_duty, people_base=on_duty, crisis_watch=crisis_watch,
                      by_hour_of_week=by_hour_of_week)
    weeks_base.presence[:, od] += base_week - people_base_week
    # the round-the-clock watch crises add, beyond their surge's reply people
    crisis_watch[:, od] = np.maximum(watch, 0.0)
    weeks_base.watching[:, od] = draws.monitoring[:, None] * base_covered_week
    return OnDuty(people=on_duty, people_base=on_duty_base, crisis_watch=crisis_watch,
                  by_hour_of_week=by_hour_of_week)


@njit(cache=True, fastmath={"reassoc", "contract"})
def _on_duty_pass(people, people_base, covered, base_covered, min_on_duty, monitoring, weekend,
                  holiday, with_crises):  # pragma: no cover - compiled
    """:func:`staff_on_duty` for every run, hour by hour in one pass: on duty (float32, as
    the numpy statement ``where(covered, max(min_on_duty, people + monitoring), 0)``), the
    same without the crises (never more), and their sums (float64, in whatever order is
    fastest): by week, on duty beyond the reply people by :data:`ON_DUTY_WHEN`, the mean
    week by hour, and the watch the crises add. ``covered`` and ``base_covered`` have one
    row per run, or one row for all runs."""
    runs, n = people.shape
    weeks = n // HOURS_PER_WEEK
    zero = np.float32(0)
    on_duty = np.empty((runs, n), dtype=np.float32)
    on_duty_base = np.empty((runs, n), dtype=np.float32) if with_crises else on_duty
    by_hour_of_week = np.empty((runs, HOURS_PER_WEEK), dtype=np.float32)
    sums = np.zeros((6, runs, weeks))
    on_duty_week, people_week, covered_week = sums[0], sums[1], sums[2]
    base_week, people_base_week, base_covered_week = sums[3], sums[4], sums[5]
    when = np.zeros((runs, len(ON_DUTY_WHEN)))
    watch = np.zeros(runs)
    mean_week = np.zeros(HOURS_PER_WEEK)
    added = np.empty(n, dtype=np.float32)  # on duty beyond the reply people
    for r in range(runs):
        cov = covered[r if covered.shape[0] > 1 else 0]
        base_cov = base_covered[r if base_covered.shape[0] > 1 else 0]
        p, pb, o, ob = people[r], people_base[r], on_duty[r], on_duty_base[r]
        mon = monitoring[r]
        mean_week[:] = 0.0
        extra = 0.0
        for w in range(weeks):
            start = w * HOURS_PER_WEEK
            o_sum = p_sum = c_sum = ob_sum = pb_sum = cb_sum = 0.0
            for k in range(HOURS_PER_WEEK):  # a constant length: the loop vectorises
                h = start + k
                v = max(min_on_duty, p[h] + mon) if cov[h] else zero
                o[h] = v
                added[h] = v - p[h]
                o_sum += np.float64(v)
                p_sum += np.float64(p[h])
                c_sum += 1.0 if cov[h] else 0.0
                mean_week[k] += np.float64(v)
                if with_crises:
                    vb = max(min_on_duty, pb[h] + mon) if base_cov[h] else zero
                    vb = min(vb, v)
                    ob[h] = vb
                    ob_sum += np.float64(vb)
                    pb_sum += np.float64(pb[h])
                    cb_sum += 1.0 if base_cov[h] else 0.0
                    extra += np.float64(v - vb) - np.float64(p[h] - pb[h])
            on_duty_week[r, w] = o_sum
            people_week[r, w] = p_sum
            covered_week[r, w] = c_sum
            base_week[r, w] = ob_sum
            people_base_week[r, w] = pb_sum
            base_covered_week[r, w] = cb_sum
        for k in range(HOURS_PER_WEEK):
            by_hour_of_week[r, k] = np.float32(mean_week[k] / weeks)
        watch[r] = extra
        _when_row(added, weekend, holiday, when[r])
    return (on_duty, on_duty_base, by_hour_of_week, on_duty_week, people_week, covered_week,
            when, base_week, people_base_week, base_covered_week, watch)


def crisis_hours(model: Model, draws: Draws, on_duty: OnDuty) -> CrisisHours:
    """The crises' extra hours by role, their holding replies (triage), and the crisis hours
    that fall outside normal hours (for today's team's overtime)."""
    runs, n_roles, crises = draws.runs, len(model.roles), draws.crises
    extra = np.zeros((runs, n_roles, WEEKS))
    extra_by_role = np.zeros((runs, n_roles))
    offhours = np.zeros((runs, WEEKS))
    if crises is None:
        return CrisisHours(extra=extra, extra_by_role=extra_by_role, offhours=offhours,
                           triaged=np.zeros(runs))
    for role, hours in crises.extra_by_role.items():
        extra[:, role] += _bincount(crises.pair_week_cells, hours, runs * WEEKS)
        extra_by_role[:, role] = extra[:, role].sum(axis=1)
        offhours += _bincount(crises.pair_week_cells[crises.pair_offhours],
                              hours[crises.pair_offhours], runs * WEEKS)
    # triage: the surge beyond what is staffed gets a holding reply (crisis work if manual)
    triaged, holding_by_role, holding_offhours = triaged_messages(model, draws.daily, crises)
    for role, per_week in holding_by_role.items():
        extra[:, role] += per_week
    offhours += holding_offhours
    # the crises' cells outside normal hours (the cells are run-major, as numpy.nonzero)
    outside = ~model.normal[crises.active_hour]
    r, h = crises.active_run[outside], crises.active_hour[outside]
    added = (on_duty.people[r, h] - on_duty.people_base[r, h]).astype(np.float64)
    offhours += _bincount(r * WEEKS + h // HOURS_PER_WEEK, added, runs * WEEKS)
    return CrisisHours(extra=extra, extra_by_role=extra_by_role, offhours=offhours,
                       triaged=triaged)


def role_weeks(
    model: Model, queues: Queues, flexible: dict[int, NDArray[np.float64]], extra: NDArray
) -> RoleWeeks:
    """Each role's week, ``max(presence, work)`` (blending: work fills idle on-duty time),
    and its year's hours by kind of work; crisis work is what the crises add to the week."""
    with_, base = queues.weeks, queues.weeks_base
    runs, n_roles, _ = with_.presence.shape
    flex = sum(flexible[k] for k in (CONTENT, MONITORING, RECURRING))
    work_base = base.engagement + base.watching + flex
    week_base = np.maximum(base.presence, work_base)
    weekly_hours = np.maximum(with_.presence, with_.engagement + with_.watching + flex + extra)
    crisis_added = weekly_hours - week_base
    idle = week_base - work_base  # on duty and not working: watching, or waiting on the inbox
    hours_kind = np.zeros((runs, n_roles, len(KINDS)))
    for kind in (CONTENT, MONITORING, RECURRING):
        hours_kind[:, :, kind] += flexible[kind].sum(axis=2)
    hours_kind[:, :, ENGAGEMENT] += base.engagement.sum(axis=2)
    hours_kind[:, :, MONITORING] += base.watching.sum(axis=2)
    idle_kind = np.full(n_roles, ENGAGEMENT)
    if model.on_duty_role is not None:
        idle_kind[model.on_duty_role] = MONITORING
    for role in range(n_roles):
        hours_kind[:, role, idle_kind[role]] += idle[:, role].sum(axis=1)
    hours_kind[:, :, CRISIS] += crisis_added.sum(axis=2)
    return RoleWeeks(weekly_hours=weekly_hours, hours_by_kind=hours_kind,
                     weekly_crisis=crisis_added.sum(axis=1))


def outputs(
    model: Model, values: dict[str, NDArray], draws: Draws, queues: Queues, on_duty: OnDuty,
    crisis: CrisisHours, roles: RoleWeeks,
) -> dict[str, NDArray]:
    """The chunk's arrays as :class:`~estimator.engine.result.Result` keeps them."""
    runs, crises, staffings = draws.runs, draws.crises, queues.staffings
    out: dict[str, NDArray] = {
        "hours_by_role_kind": roles.hours_by_kind,
        "weekly_hours_by_role": roles.weekly_hours.astype(np.float32),
        "weekly_crisis_hours": roles.weekly_crisis.astype(np.float32),
        "on_duty_by_hour_of_week": on_duty.by_hour_of_week,
        "covered_hours": draws.covered.sum(axis=1).astype(np.float64),
        "crisis_count": np.zeros(runs) if crises is None else crises.count,
        "crisis_triaged_messages": crisis.triaged,
        "crisis_weeks": np.zeros((runs, WEEKS), bool) if crises is None else crises.weeks,
        "on_duty_hours_by_role_when": queues.on_duty_when,
        "crisis_watch_hours_by_role": on_duty.crisis_watch,
        "crisis_extra_hours_by_role": crisis.extra_by_role,
        "messages_by_channel": draws.daily.sum(axis=2),
        "reply_capacity_factor": np.stack([s.factor for s in staffings], axis=1)
        if staffings else np.ones((runs, 0)),
        "reply_backlog_spread_hours": np.stack([s.spread for s in staffings], axis=1)
        if staffings else np.ones((runs, 0), np.int64),
    }
    n_channels = len(model.channels)
    by_channel = {name: np.zeros((runs, n_channels)) for name in ("total", "within", "best")}
    for q, staffing in zip(model.queues, staffings, strict=True):
        for name in by_channel:
            by_channel[name][:, list(q.channels)] = getattr(staffing, name)
    out["replies_by_channel"] = by_channel["total"]
    out["replies_within_by_channel"] = by_channel["within"]
    out["replies_best_by_channel"] = by_channel["best"]
    out["replies"] = by_channel["total"].sum(axis=1)
    out["replies_within_target"] = by_channel["within"].sum(axis=1)
    out["replies_outside_coverage"] = sum((s.uncovered for s in staffings), np.zeros(runs))
    out["on_duty_by_role_hour_of_week"] = _on_duty_by_role(
        model, on_duty.people, [s.people for s in staffings], out["on_duty_by_hour_of_week"])
    if model.current_staff is not None:
        per_week = values["productive_hours_per_fte"] / WEEKS
        out.update(today_by_week(model.current_staff, roles.weekly_hours, per_week,
                                 crisis.offhours))
        out.update(current_staff(model, values, queues.inboxes, staffings, draws.covered))
    return out


def _inbox(model: Model, q: QueueSpec, work: NDArray, arrivals: Arrivals) -> Inbox:
    return Inbox(
        spec=q,
        work=work.astype(FLOAT, copy=False),
        arrivals=arrivals,
        targets_hours=[model.channels[c].within_minutes / 60 for c in q.channels],
        levels=[model.channels[c].service_level for c in q.channels],
        handle_minutes=q.handle_minutes,
    )


def _on_duty_by_role(
    model: Model, on_duty: NDArray, agents_by_queue: list[NDArray], on_duty_week: NDArray
) -> NDArray[np.float16]:
    """(runs, hourly roles, 168) people on duty by role, mean over the weeks: each queue's
    agents to its role; the on-duty role has the rest of the on-duty people."""
    runs = on_duty.shape[0]
    index = {r: i for i, r in enumerate(model.hourly_roles)}
    out = np.zeros((runs, len(index), HOURS_PER_WEEK), dtype=np.float32)
    for q, agents in zip(model.queues, agents_by_queue, strict=True):
        if q.role != model.on_duty_role:
            out[:, index[q.role]] += agents.reshape(runs, WEEKS, HOURS_PER_WEEK).mean(axis=1)
    if model.on_duty_role is not None:
        others = out.sum(axis=1)
        out[:, index[model.on_duty_role]] = np.maximum(on_duty_week - others, 0)
    return out.astype(np.float16)


#: The columns of :func:`hours_when`: when an on-duty hour falls.
ON_DUTY_WHEN = ("all", "evening", "night", "weekend", "holiday")
#: Evenings run from this hour to midnight; nights from midnight to :data:`DAY_STARTS`.
EVENING_STARTS, DAY_STARTS = 18, 8


def hours_when(people: NDArray, model: Model) -> NDArray[np.float64]:
    """(runs, 5) the hours of an (runs, 8736) array of people on duty in each column of
    :data:`ON_DUTY_WHEN`: every hour; evening hours (18:00 to midnight); night hours
    (midnight to 08:00); Saturdays and Sundays; public holidays and the scenario's extra
    days off."""
    weekday = np.arange(DAYS) % 7
    return _hours_when(np.ascontiguousarray(people, FLOAT), weekday >= 5,
                       np.ascontiguousarray(model.year.holiday[:DAYS]))


@njit(cache=True, fastmath={"reassoc", "contract"})
def _hours_when(people, weekend, holiday):  # pragma: no cover - compiled
    """One pass per run, day by day (float64 sums in whatever order is fastest)."""
    runs, n = people.shape
    out = np.zeros((runs, len(ON_DUTY_WHEN)))
    for r in range(runs):
        _when_row(people[r], weekend, holiday, out[r])
    return out


@njit(cache=True, fastmath={"reassoc", "contract"})
def _when_row(p, weekend, holiday, out):  # pragma: no cover - compiled
    """:func:`hours_when` of one run's hours ``p``, added to ``out``."""
    for d in range(p.size // 24):
        day = 0.0
        evening = 0.0
        night = 0.0
        for k in range(24):
            x = np.float64(p[d * 24 + k])
            day += x
            evening += x if k >= EVENING_STARTS else 0.0
            night += x if k < DAY_STARTS else 0.0
        out[0] += day
        out[1] += evening
        out[2] += night
        out[3] += day if weekend[d] else 0.0
        out[4] += day if holiday[d] else 0.0


def _bincount(cells: NDArray[np.int64], weights: NDArray, size: int) -> NDArray[np.float64]:
    return np.bincount(cells, weights=weights, minlength=size).reshape(-1, WEEKS)


def _weekly_flexible(
    model: Model, values: dict[str, NDArray], runs: int, n_roles: int
) -> dict[int, NDArray[np.float64]]:
    """Hours each week (runs, roles, weeks) of content, recurring work and listening
    reports; content follows the calendar's content factors."""
    out = {k: np.zeros((runs, n_roles)) for k in (CONTENT, MONITORING, RECURRING)}
    for c in model.content:
        pieces = values[c.per_week]
        platforms_factor = 1 + values[c.adapt_share] * (c.platforms - 1)
        for role, path in c.effort:
            out[CONTENT][:, role] += pieces * values[path] * platforms_factor
        if c.publish_role is not None:
            out[CONTENT][:, c.publish_role] += pieces * values[c.publish_minutes] / 60 * c.platforms
    for role, path, times in model.work:
        out[RECURRING][:, role] += values[path] * times
    if model.report_hours is not None and model.on_duty_role is not None:
        out[MONITORING][:, model.on_duty_role] += values[model.report_hours]
    by_week = {k: np.repeat(v[:, :, None], WEEKS, axis=2) for k, v in out.items()}
    calendar = content_factors(model.periods, values, runs)
    if calendar is not None:
        by_week[CONTENT] *= calendar[:, None, :]
    return by_week



__all__ = ["ON_DUTY_WHEN", "hours_when", "simulate_chunk"]
