"""Reachable targets: which response targets a coverage pattern makes possible, and the
smallest extension of covered hours that makes every one of them possible.

A target is reachable when the best share any team could answer on time with the coverage
(a team without limit answers at once in covered hours, so a message is on time if
coverage starts within its target) is at least the channel's service level. The best share
depends only on when messages arrive (the channel's hour-of-week profile) and on the
covered hours, not on volumes: the search below reads the profiles, tiled over the planning
year, and the scenario's calendar (holidays covered as the scenario says); crises aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS, HOURS_PER_WEEK, WEEKS, day_kind
from estimator.engine.compile import Model
from estimator.engine.queue_model import best_share, hours_to_next_covered
from estimator.engine.service import BEST_MARGIN
from estimator.scenario.clock import parse_coverage

_BATCH = 256


@dataclass(frozen=True)
class CoverageFix:
    """An extension of covered hours that makes every target reachable."""

    weekdays: str
    weekends: str
    added_hours_per_year: int


def clock_range(start: int, end: int) -> str:
    """``(8, 18)`` as ``"08:00-18:00"``; an empty window as ``""``.

    >>> clock_range(7, 22), clock_range(0, 0)
    ('07:00-22:00', '')
    """
    return f"{start:02d}:00-{end:02d}:00" if end > start else ""


def _profile_messages(model: Model, weeks: int = WEEKS) -> NDArray[np.float64]:
    """(channels, hours): each channel's arrival profile over ``weeks`` weeks."""
    return np.stack([np.tile(model.profiles[ch.profile].ravel(), weeks) for ch in model.channels])


def best_shares(model: Model, covered: NDArray[np.bool_]) -> NDArray[np.float64]:
    """(masks, channels) best share of each channel with each (masks, hours) coverage: a
    whole number of weeks, read as a circle."""
    covered = np.atleast_2d(covered)
    profile = _profile_messages(model, covered.shape[1] // HOURS_PER_WEEK)
    nxt = hours_to_next_covered(covered)
    out = np.zeros((covered.shape[0], len(model.channels)))
    by_target: dict[float, NDArray[np.float32]] = {}
    for c, ch in enumerate(model.channels):
        t = ch.within_minutes / 60
        if t not in by_target:
            by_target[t] = best_share(nxt, t)
        out[:, c] = by_target[t] @ profile[c] / profile[c].sum()
    out[~covered.any(axis=1)] = 0.0
    return out


#: Where a kind of day has no coverage, a new window starts in the morning (a planner would
#: not propose a midnight hour, though it may be the fewest hours)
NEW_WINDOW_STARTS = range(6, 13)


def _current(text: str) -> tuple[tuple[int, int] | None, NDArray[np.bool_]]:
    """A day's covered hours as the fix extends them: one range within the day (``None``
    if the day is covered otherwise: round the clock, in several ranges or overnight, which
    the fix keeps as they are), and the hours of the day covered."""
    ranges = parse_coverage(text)
    covered = np.zeros(24, dtype=bool)
    for a, b in ranges:
        covered[np.arange(a, b) % 24] = True
    if not ranges:
        return (0, 0), covered
    if len(ranges) == 1 and ranges[0][1] <= 24 and ranges[0] != (0, 24):
        return ranges[0], covered
    return None, covered


def _windows(current: tuple[int, int] | None) -> list[tuple[int, int] | None]:
    """Windows that extend ``current`` (start earlier, end later); if there is none, no
    window or one that starts in the morning; a day the fix keeps as it is, itself."""
    if current is None:
        return [None]
    start, end = current
    if end <= start:
        return [(0, 0)] + [(s, e) for s in NEW_WINDOW_STARTS for e in range(s + 1, 25)]
    return [(s, e) for s in range(start + 1) for e in range(end, 25)]


def smallest_fix(model: Model) -> CoverageFix | None:
    """The extension of weekday and weekend covered hours, in whole hours, with the fewest
    added covered hours a year that makes every channel's target reachable with a margin
    (best share >= service level + ``BEST_MARGIN``); None if no extension does."""
    if not model.channels:
        return None
    cov = model.scenario.coverage
    # comfortably reachable: the best share a margin above the level, so that the needed
    # team meets the level without answering the night's backlog in the first minutes
    wanted = np.array([ch.service_level for ch in model.channels]) + BEST_MARGIN
    kind = day_kind(model.year, cov)
    days = np.array([(kind == 0).sum(), (kind == 1).sum()])
    weekday_now, weekday_mask = _current(cov.weekdays)
    weekend_now, weekend_mask = _current(cov.weekends)
    base_hours = days[0] * weekday_mask.sum() + days[1] * weekend_mask.sum()
    hour = np.arange(24)

    def mask(window: tuple[int, int] | None, now: NDArray[np.bool_]) -> NDArray[np.bool_]:
        return now if window is None else (hour >= window[0]) & (hour < window[1])

    candidates = []
    for wd, we in product(_windows(weekday_now), _windows(weekend_now)):
        hours = days[0] * mask(wd, weekday_mask).sum() + days[1] * mask(we, weekend_mask).sum()
        if hours > base_hours:
            candidates.append((hours - base_hours, wd, we))
    candidates.sort(key=lambda c: c[0])  # stable: weekday windows vary slowest
    week_kind = np.array([0, 0, 0, 0, 0, 1, 1])  # a week without holidays, for screening
    for i in range(0, len(candidates), _BATCH):
        batch = candidates[i : i + _BATCH]
        by_kind = np.zeros((len(batch), 3, 24), dtype=bool)
        for j, (_, wd, we) in enumerate(batch):
            by_kind[j, 0] = mask(wd, weekday_mask)
            by_kind[j, 1] = mask(we, weekend_mask)
        # screen on a plain week (fast), then check the survivors on the year's calendar
        weeks = by_kind[:, week_kind, :].reshape(len(batch), HOURS_PER_WEEK)
        screened = np.flatnonzero(np.all(best_shares(model, weeks) >= wanted - 0.02, axis=1))
        if not screened.size:
            continue
        masks = by_kind[screened][:, kind, :].reshape(screened.size, HOURS)
        ok = np.all(best_shares(model, masks) >= wanted - 1e-9, axis=1)
        if ok.any():
            added, wd, we = batch[int(screened[np.argmax(ok)])]
            return CoverageFix(cov.weekdays if wd is None else clock_range(*wd),
                               cov.weekends if we is None else clock_range(*we), int(added))
    return None


__all__ = ["CoverageFix", "best_shares", "clock_range", "smallest_fix"]
