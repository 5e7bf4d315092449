"""Replies on target: with the team the scenario needs, and with today's staff.

Both read the hourly message arrays the engine already made; neither changes the hours of
work counted.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.compile import Model
from estimator.engine.crises import Crises
from estimator.engine.volumes import FLOAT, hourly, weekly


def messages_by_target(
    model: Model, daily: NDArray, crises: Crises | None
) -> list[tuple[float, float, NDArray[np.float32]]]:
    """(target minutes, service level, messages each hour) for each distinct target."""
    groups: dict[tuple[float, float], list[int]] = {}
    for c, ch in enumerate(model.channels):
        groups.setdefault((ch.within_minutes, ch.service_level), []).append(c)
    ones = [1.0] * len(model.channels)
    out = []
    for (minutes, level), members in groups.items():
        messages = hourly(model, daily, tuple(members), ones)
        if crises is not None:
            messages *= 1 + crises.surge
        out.append((minutes, level, messages))
    return out


def replies_within_target(
    groups: list[tuple[float, float, NDArray[np.float32]]], covered: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Replies on target with the needed team on duty, all replies, and those that arrive
    outside covered hours (per run).

    In covered hours the team meets each channel's service level (counted at the level, a
    floor: Erlang C staffing in whole people usually does a little better); a message that
    arrives outside them is on target only if coverage starts within its target time.
    """
    runs = covered.shape[0]
    total = np.zeros(runs)
    within = np.zeros(runs)
    uncovered = np.zeros(runs)
    if not groups:
        return within, total, uncovered
    always = bool(covered.all())
    next_open = None if always else hours_to_next_covered(covered)
    for minutes, level, messages in groups:
        sums = messages.sum(axis=1, dtype=np.float64)
        total += sums
        if always:
            within += level * sums
            continue
        late_share = np.clip(FLOAT(minutes / 60.0 + 1) - next_open, 0, 1)
        on_target = np.where(covered, FLOAT(level), late_share)
        within += np.einsum("ij,ij->i", messages, on_target, dtype=np.float64)
        uncovered += sums - np.einsum("ij,ij->i", messages, covered, dtype=np.float64)
    return within, total, uncovered


def hours_to_next_covered(covered: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Hours from the start of each hour to the start of the next covered one (0 if covered)."""
    hours = np.arange(HOURS, dtype=np.int32)
    nxt = np.where(covered, hours, np.int32(2 * HOURS))
    nxt = np.minimum.accumulate(nxt[:, ::-1], axis=1)[:, ::-1]
    first = np.argmax(covered, axis=1).astype(np.int32)[:, None] + HOURS  # next year's first
    nxt = np.where(nxt >= 2 * HOURS, first, nxt)
    out = (nxt - hours).astype(FLOAT)
    out[~covered.any(axis=1)] = np.inf
    return out


def current_staff(
    model: Model,
    values: dict[str, NDArray],
    groups: list[tuple[float, float, NDArray[np.float32]]],
    covered: NDArray[np.bool_],
    arrivals_work: NDArray[np.float32],
) -> dict[str, NDArray]:
    """Replies on target with today's team.

    Replies come first: the productive hours of everyone on today's team who can answer
    (a role that answers a channel), spread over the week's covered hours, are open to
    replies, and what replies leave goes to everything else
    (:mod:`estimator.engine.staffing` counts overloaded weeks and overtime). The newest
    messages are answered first, as social inboxes list them: a team that cannot keep up
    still answers today's messages on time and leaves older ones behind, rather than
    falling ever further behind on all of them. A message's share on target is a fluid
    estimate: the reply work the team can do between its arrival and its deadline, less
    the work that arrives after it, over its hour's work (a lower bound: not all the later
    work need be answered first).
    """
    assert model.current_staff is not None
    runs = covered.shape[0]
    answering = model.current_staff.fte_able([q.role for q in model.queues])
    capacity = answering * values["productive_hours_per_fte"] / WEEKS  # (runs,)
    covered_per_week = weekly(covered)
    # Replies come first: a stretched team answers people before it makes content, watches
    # or reports, so all its hours are open to replies, spread over the covered hours.
    per_hour = np.divide(
        np.broadcast_to(capacity[:, None], covered_per_week.shape), covered_per_week,
        out=np.zeros_like(covered_per_week), where=covered_per_week > 0,
    ).astype(FLOAT)
    reply_capacity = np.where(
        covered.reshape(runs, WEEKS, HOURS_PER_WEEK), per_hour[:, :, None], FLOAT(0)
    ).reshape(runs, HOURS)

    # net[:, t]: reply work the team could do minus reply work that arrived, from the start
    # of the year to the start of hour t (flat after the year's end)
    longest = max((int(m / 60 + 0.5) for m, _, _ in groups), default=0) + 2
    net = np.empty((runs, HOURS + longest))
    net[:, 0] = 0.0
    net[:, 1 : HOURS + 1] = reply_capacity
    net[:, 1 : HOURS + 1] -= arrivals_work
    np.cumsum(net[:, 1 : HOURS + 1], axis=1, out=net[:, 1 : HOURS + 1])
    net[:, HOURS + 1 :] = net[:, HOURS : HOURS + 1]
    per_work = np.reciprocal(np.maximum(arrivals_work, FLOAT(1e-12)))

    within_weekly = np.zeros((runs, WEEKS))
    replies_weekly = np.zeros((runs, WEEKS))
    by_week = (runs, WEEKS, HOURS_PER_WEEK)
    for minutes, _level, messages in groups:
        # an hour's messages arrive on average at its middle, so their deadline is T + 0.5 h
        deadline_hours = minutes / 60.0 + 0.5
        whole, part = int(deadline_hours), deadline_hours % 1.0
        # Newest first: the hour's messages get what the team can do before their deadline
        # less what arrives after them, i.e. 1 + (net at the deadline - net now) / work.
        # (A difference of two large cumulative sums, small enough for float32 from here.)
        ahead = net[:, whole : whole + HOURS] * (1 - part)
        if part:
            ahead += part * net[:, whole + 1 : whole + 1 + HOURS]
        ahead -= net[:, :HOURS]
        share = ahead.astype(FLOAT)
        share *= per_work
        share += FLOAT(1)
        np.clip(share, 0.0, 1.0, out=share)
        m = messages.reshape(by_week)
        replies_weekly += m.sum(axis=2, dtype=np.float64)
        within_weekly += np.einsum("rwh,rwh->rw", m, share.reshape(by_week), dtype=np.float64)

    return {
        "current_replies_weekly": replies_weekly.astype(np.float32),
        "current_replies_within_weekly": within_weekly.astype(np.float32),
    }
