"""The calendar's named periods: which days of the planning year each covers, and the
per-run factors they put on channel volumes (by day) and on content cadence (by week).

A period's ``volume_factor`` and ``content_factor`` are uncertain planning assumptions,
drawn once per run from streams keyed by the period's name. Periods that overlap multiply.
A week's content factor is the mean of its days' factors: a period of three days in a week
raises that week's content by three sevenths of its excess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import DAYS, WEEKS
from estimator.scenario.schema import CalendarPeriod, Scenario


@dataclass(frozen=True)
class PeriodSpec:
    """One calendar period, compiled."""

    name: str
    days: NDArray[np.bool_]  # (364,) True on the period's days in the planning year
    volume: str  # draw path of the volume factor
    content: str  # draw path of the content factor
    channels: tuple[int, ...]  # channels whose volumes it multiplies

    @property
    def weeks(self) -> NDArray[np.bool_]:
        """(52,) True for the weeks with at least one of its days."""
        return self.days.reshape(WEEKS, 7).any(axis=1)


def period_days(period: CalendarPeriod, year_start: date) -> NDArray[np.bool_]:
    """(364,) the days of the planning year (from ``year_start``) that the period covers."""
    out = np.zeros(DAYS, dtype=bool)
    year_end = year_start + timedelta(days=DAYS - 1)
    years = range(year_start.year - 1, year_end.year + 1) if period.every_year else [0]
    for y in years:
        first, last = period.first_last(y)
        lo = max((first - year_start).days, 0)
        hi = min((last - year_start).days, DAYS - 1)
        if lo <= hi:
            out[lo : hi + 1] = True
    return out


def period_specs(scenario: Scenario, year_start: date, draw) -> list[PeriodSpec]:
    """Compile the scenario's calendar; ``draw(path, key, quantity)`` registers the inputs."""
    out = []
    for i, p in enumerate(scenario.calendar):
        key = f"calendar:{p.name}"
        channels = tuple(c for c, ch in enumerate(scenario.channels)
                         if not p.platforms or ch.platform in p.platforms)
        out.append(PeriodSpec(
            name=p.name, days=period_days(p, year_start),
            volume=draw(f"calendar[{i}].volume_factor", f"{key}:volume", p.volume_factor),
            content=draw(f"calendar[{i}].content_factor", f"{key}:content", p.content_factor),
            channels=channels,
        ))
    return out


def volume_factors(periods: list[PeriodSpec] | tuple[PeriodSpec, ...], values: dict,
                   runs: int, n_channels: int) -> NDArray[np.float64] | None:
    """(runs, channels, days) the calendar's factor on each channel's day, or None if none."""
    if not any(p.days.any() and p.channels for p in periods):
        return None
    out = np.ones((runs, n_channels, DAYS))
    for p in periods:
        if p.channels and p.days.any():
            idx = np.ix_(np.arange(runs), np.array(p.channels), np.flatnonzero(p.days))
            out[idx] *= values[p.volume][:, None, None]
    return out


def content_factors(periods: list[PeriodSpec] | tuple[PeriodSpec, ...], values: dict,
                    runs: int) -> NDArray[np.float64] | None:
    """(runs, weeks) the calendar's factor on each week's content, or None if none."""
    if not any(p.days.any() for p in periods):
        return None
    out = np.empty((runs, WEEKS))
    for start in range(0, runs, _BLOCK_RUNS):  # a block of runs' days at a time: 0.3 GB
        block = slice(start, min(start + _BLOCK_RUNS, runs))  # at 100,000 runs at once
        by_day = np.ones((block.stop - block.start, DAYS))
        for p in periods:
            by_day[:, p.days] *= values[p.content][block, None]
        out[block] = by_day.reshape(-1, WEEKS, 7).mean(axis=2)
    return out


_BLOCK_RUNS = 8192
