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
2. each role's pooled queue: offered load in erlangs per hour (volume x handle time); work
   that arrives outside covered hours is carried to the next covered hour and cleared over
   ``coverage.backlog_hours`` (at most the shortest covered stretch); the agents needed each
   covered hour come from the queue's Erlang C table (every channel's target and the
   occupancy cap met);
3. on duty: ``max(min_on_duty, agents + monitoring)`` in every covered hour (all hours of
   a crisis, where coverage becomes 24/7);
4. crisis work: what the crises add over the same hours without them (surge replies,
   on-duty hours of extended coverage) and their extra hours by role;
5. flexible work by the week: content production, recurring work and listening reports.

Beside the hours by kind of work it keeps what the role profiles read
(:mod:`estimator.engine.role_profiles`): each role's on-duty hours and when they fall
(evenings, nights, weekends, holidays), the crisis hours that are round-the-clock watch and
those that are extra hours, and each channel's messages a year.

Message volumes come from :mod:`estimator.engine.volumes`, crises from
:mod:`estimator.engine.crises`, and the replies-on-target measures from
:mod:`estimator.engine.service`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.calendar_periods import content_factors
from estimator.engine.compile import (
    CONTENT,
    CRISIS,
    ENGAGEMENT,
    KINDS,
    MONITORING,
    RECURRING,
    Model,
)
from estimator.engine.crises import draw_crises, triaged_messages
from estimator.engine.service import current_staff, messages_by_target, replies_within_target
from estimator.engine.staffing import today_by_week
from estimator.engine.streams import BLOCK_RUNS
from estimator.engine.volumes import FLOAT, daily_messages, hourly, weekly

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


def simulate_chunk(
    model: Model, values: dict[str, NDArray[np.float64]], seed: int, start: int, stop: int
) -> dict[str, NDArray]:
    """All results of runs ``start`` to ``stop`` (a whole number of blocks, or the tail)."""
    _keep_freed_memory()
    runs = stop - start
    n_roles = len(model.roles)
    blocks = range(start // BLOCK_RUNS, math.ceil(stop / BLOCK_RUNS))

    crises = draw_crises(model, values, seed, blocks, start, runs)
    daily = daily_messages(model, values, seed, blocks, start, runs)  # (runs, C, days)
    covered = np.broadcast_to(model.covered, (runs, HOURS))
    if crises is not None and model.crisis_coverage:
        covered = covered | crises.active

    always_covered = bool(model.covered.all())
    week_of_hour = np.arange(HOURS) // HOURS_PER_WEEK
    hours_kind = np.zeros((runs, n_roles, len(KINDS)))
    weekly_hours = np.zeros((runs, n_roles, WEEKS))
    weekly_crisis = np.zeros((runs, WEEKS))
    crisis_offhours = np.zeros((runs, WEEKS))

    # ---- engagement and monitoring: on duty, hour by hour
    agents_total = np.zeros((runs, HOURS), dtype=FLOAT)
    live_loads, spreads, agents_by_queue, arrivals_work = [], [], [], np.zeros((runs, HOURS), FLOAT)
    when = on_duty_masks(model)
    on_duty_when = np.zeros((runs, n_roles, when.shape[1]))
    crisis_watch = np.zeros((runs, n_roles))
    crisis_extra = np.zeros((runs, n_roles))
    for q in model.queues:
        load = hourly(model, daily, q.channels, [c.handle_minutes / 60 for c in model.channels])
        surged = load if crises is None else load * (1 + crises.surge)
        arrivals_work += surged
        if always_covered:  # round the clock: nothing waits for coverage
            spread = np.zeros((1, 1), dtype=FLOAT)
            offered = surged
        else:
            spread = _backlog_spread(surged, covered, q.spread_hours)
            offered = np.where(covered, surged + spread, FLOAT(0))
        agents = q.table.agents(offered)
        agents_total += agents
        live_loads.append(load)
        spreads.append(spread)
        agents_by_queue.append(agents)
        hours_kind[:, q.role, ENGAGEMENT] += agents.sum(axis=1)
        weekly_hours[:, q.role] += weekly(agents)
        on_duty_when[:, q.role] += _hours_when(agents, when)

    monitoring = np.zeros(runs)
    if model.monitoring_minutes is not None:
        monitoring = values[model.monitoring_minutes] * model.platforms_watched / 60.0
    on_duty = np.zeros((runs, HOURS), dtype=FLOAT)
    if model.on_duty_role is not None:
        on_duty = np.where(
            covered,
            np.maximum(model.min_on_duty, agents_total + monitoring[:, None].astype(FLOAT)),
            0,
        ).astype(FLOAT, copy=False)
        watching = on_duty - agents_total
        hours_kind[:, model.on_duty_role, MONITORING] += watching.sum(axis=1)
        weekly_hours[:, model.on_duty_role] += weekly(watching)
        on_duty_when[:, model.on_duty_role] += _hours_when(watching, when)

    # ---- crisis work: the difference crises make in the hours they are active
    if crises is not None:
        r, h = np.nonzero(crises.active)
        week_cells = r * WEEKS + week_of_hour[h]
        base_covered = model.covered[h]
        base_agents = np.zeros(r.size, dtype=FLOAT)
        added_total = np.zeros(r.size)
        for q, load, spread, agents in zip(
            model.queues, live_loads, spreads, agents_by_queue, strict=True
        ):
            backlog = 0 if always_covered else spread[r, h]
            base = q.table.agents(np.where(base_covered, load[r, h] + backlog, FLOAT(0)))
            added = agents[r, h] - base.astype(np.float64)
            base_agents += base
            _move_to_crisis(hours_kind, weekly_crisis, q.role, ENGAGEMENT, r, week_cells, added)
            added_total += added
        if model.on_duty_role is not None:
            base_on_duty = np.where(
                base_covered, np.maximum(model.min_on_duty, base_agents + monitoring[r]), 0
            )
            added = (on_duty[r, h] - agents_total[r, h]) - (base_on_duty - base_agents)
            _move_to_crisis(
                hours_kind, weekly_crisis, model.on_duty_role, MONITORING, r, week_cells, added
            )
            crisis_watch[:, model.on_duty_role] += np.bincount(r, weights=added, minlength=runs)
            added_total += added
        off = ~model.normal[h]
        crisis_offhours += _bincount(week_cells[off], added_total[off], runs * WEEKS)
        # extra hours by role, spread evenly over the crisis's hours
        for role, extra in crises.extra_by_role.items():
            per_week = _bincount(crises.pair_week_cells, extra, runs * WEEKS)
            hours_kind[:, role, CRISIS] += per_week.sum(axis=1)
            crisis_extra[:, role] += per_week.sum(axis=1)
            weekly_hours[:, role] += per_week
            weekly_crisis += per_week
            crisis_offhours += _bincount(
                crises.pair_week_cells[crises.pair_offhours],
                extra[crises.pair_offhours],
                runs * WEEKS,
            )
        # triage: the surge beyond what is staffed gets a holding reply (crisis work if manual)
        triaged, holding_by_role, holding_offhours = triaged_messages(model, daily, crises)
        for role, per_week in holding_by_role.items():
            hours_kind[:, role, CRISIS] += per_week.sum(axis=1)
            weekly_hours[:, role] += per_week
            weekly_crisis += per_week
        crisis_offhours += holding_offhours

    # ---- flexible work by the week
    flexible = _weekly_flexible(model, values, runs, n_roles)
    for kind in (CONTENT, MONITORING, RECURRING):
        hours_kind[:, :, kind] += flexible[kind].sum(axis=2)
        weekly_hours += flexible[kind]

    out: dict[str, NDArray] = {
        "hours_by_role_kind": hours_kind,
        "weekly_hours_by_role": weekly_hours.astype(np.float32),
        "weekly_crisis_hours": weekly_crisis.astype(np.float32),
        "on_duty_by_hour_of_week": on_duty.reshape(runs, WEEKS, HOURS_PER_WEEK)
        .mean(axis=1)
        .astype(np.float32),
        "covered_hours": covered.sum(axis=1).astype(np.float64),
        "crisis_count": np.zeros(runs) if crises is None else crises.count,
        "crisis_triaged_messages": np.zeros(runs) if crises is None else triaged,
        "crisis_weeks": np.zeros((runs, WEEKS), bool) if crises is None else crises.weeks,
        "on_duty_hours_by_role_when": on_duty_when,
        "crisis_watch_hours_by_role": crisis_watch,
        "crisis_extra_hours_by_role": crisis_extra,
        "messages_by_channel": daily.sum(axis=2),
    }
    out["on_duty_by_role_hour_of_week"] = _on_duty_by_role(
        model, on_duty, agents_by_queue, out["on_duty_by_hour_of_week"]
    )
    groups = messages_by_target(model, daily, crises)
    within, total, uncovered = replies_within_target(groups, covered)
    out["replies"] = total
    out["replies_within_target"] = within
    out["replies_outside_coverage"] = uncovered
    if model.current_staff is not None:
        per_week = values["productive_hours_per_fte"] / WEEKS
        out.update(today_by_week(model.current_staff, weekly_hours, per_week, crisis_offhours))
        out.update(current_staff(model, values, groups, covered, arrivals_work))
    return out


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


#: The columns of :func:`on_duty_masks`: when an on-duty hour falls.
ON_DUTY_WHEN = ("all", "evening", "night", "weekend", "holiday")
#: Evenings run from this hour to midnight; nights from midnight to :data:`DAY_STARTS`.
EVENING_STARTS, DAY_STARTS = 18, 8


def on_duty_masks(model: Model) -> NDArray[np.bool_]:
    """(8736, 5) columns of :data:`ON_DUTY_WHEN`: every hour; evening hours (18:00 to
    midnight); night hours (midnight to 08:00); Saturdays and Sundays; public holidays and
    the scenario's extra days off."""
    hour = np.arange(HOURS)
    day, hod = hour // 24, hour % 24
    return np.stack([
        np.ones(HOURS, dtype=bool),
        hod >= EVENING_STARTS,
        hod < DAY_STARTS,
        day % 7 >= 5,
        model.year.holiday[day],
    ], axis=1)


def _hours_when(people: NDArray, when: NDArray[np.bool_]) -> NDArray[np.float64]:
    """(runs, 5) the hours of an (runs, 8736) array of people on duty in each column of
    :func:`on_duty_masks`; row by row, so that the chunking never changes a sum (a matrix
    product's blocking would)."""
    return np.stack([people[:, when[:, j]].sum(axis=1, dtype=np.float64)
                     for j in range(when.shape[1])], axis=1)


def _bincount(cells: NDArray[np.int64], weights: NDArray, size: int) -> NDArray[np.float64]:
    return np.bincount(cells, weights=weights, minlength=size).reshape(-1, WEEKS)


def _move_to_crisis(
    hours_kind: NDArray, weekly_crisis: NDArray, role: int, kind: int,
    run: NDArray, week_cells: NDArray, added: NDArray,
) -> None:
    """Re-label hours that crises added from their ordinary kind of work to crisis work."""
    per_run = np.bincount(run, weights=added, minlength=hours_kind.shape[0])
    hours_kind[:, role, kind] -= per_run
    hours_kind[:, role, CRISIS] += per_run
    weekly_crisis += _bincount(week_cells, added, weekly_crisis.size)


def _backlog_spread(
    arrivals: NDArray[np.float32], covered: NDArray[np.bool_], spread_hours: int
) -> NDArray[np.float32]:
    """Work that arrived in uncovered hours, landing in the covered hours that clear it.

    Each uncovered stretch's work is released at the next covered hour and cleared evenly
    over ``spread_hours`` hours from there. The year is a circle: the last night's work
    lands on the first morning.
    """
    runs = arrivals.shape[0]
    if covered.all() or not covered.any(axis=1).all():
        return np.zeros_like(arrivals)
    waiting = np.where(covered, 0, arrivals).cumsum(axis=1, dtype=np.float64)
    last_covered = np.where(covered, np.arange(HOURS), -1)
    np.maximum.accumulate(last_covered, axis=1, out=last_covered)
    at_last = np.take_along_axis(waiting, np.maximum(last_covered, 0), axis=1)
    backlog = waiting - np.where(last_covered >= 0, at_last, 0.0)  # waiting since last covered
    release = np.zeros((runs, HOURS))
    release[:, 1:] = np.where(covered[:, 1:], backlog[:, :-1], 0.0)
    # the tail of the year (after its last covered hour) carries over to the first opening
    release[np.arange(runs), np.argmax(covered, axis=1)] += backlog[:, -1]
    if spread_hours > 1:
        cum = release.cumsum(axis=1)
        shifted = np.zeros_like(cum)
        shifted[:, spread_hours:] = cum[:, :-spread_hours]
        release = (cum - shifted) / spread_hours
    return release.astype(FLOAT)


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



__all__ = ["ON_DUTY_WHEN", "on_duty_masks", "simulate_chunk"]
