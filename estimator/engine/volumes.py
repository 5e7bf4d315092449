"""Messages by channel: each run's daily volumes, and their spread over the hours.

A channel's messages a day are the run's volume (drawn once per run), its growth over the
year and a gamma day-to-day factor with mean 1 and CV ``daily_cv``, drawn per block of runs
so that chunking never changes them. The hour-of-week profile spreads each day over its
hours. Hourly arrays are float32: half the memory traffic of float64, ample precision.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import DAYS, HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.calendar_periods import volume_factors
from estimator.engine.compile import Model
from estimator.engine.streams import BLOCK_RUNS, block_generator

FLOAT = np.float32


def weekly(hourly: NDArray) -> NDArray[np.float64]:
    """(runs, 52) sums of a (runs, 8736) hourly array."""
    return hourly.reshape(hourly.shape[0], WEEKS, HOURS_PER_WEEK).sum(axis=2, dtype=np.float64)


def hourly(
    model: Model, daily: NDArray, channels: tuple[int, ...], per_message: list[float]
) -> NDArray[np.float32]:
    """(runs, hours): the channels' expected rate each hour, times ``per_message`` each."""
    runs = daily.shape[0]
    out = np.zeros((runs, WEEKS, 7, 24), dtype=FLOAT)
    by_profile: dict[str, list[int]] = {}
    for c in channels:
        by_profile.setdefault(model.channels[c].profile, []).append(c)
    for name, members in by_profile.items():
        day_total = sum(daily[:, c] * (per_message[c] / 24.0) for c in members)
        out += (day_total.astype(FLOAT).reshape(runs, WEEKS, 7, 1)
                * model.profiles[name].astype(FLOAT)[None, None])
    return out.reshape(runs, HOURS)


def daily_messages(
    model: Model, values: dict[str, NDArray], seed: int, blocks: range, start: int, runs: int
) -> NDArray[np.float64]:
    """(runs, channels, days): messages needing a reply each day."""
    out = np.empty((runs, len(model.channels), DAYS))
    day_fraction = np.arange(DAYS) / DAYS
    for c, ch in enumerate(model.channels):
        volume = values[ch.volume] * ch.audience_per_1000
        growth = (1 + values[ch.growth])[:, None] ** day_fraction[None, :]
        out[:, c] = volume[:, None] * growth
        if ch.daily_cv > 0:
            shape = 1.0 / ch.daily_cv**2
            noise = np.concatenate(
                [block_generator(seed, ch.noise_key, b).standard_gamma(
                    shape, (BLOCK_RUNS, DAYS), dtype=np.float32)
                 for b in blocks]
            )
            skip = start - blocks.start * BLOCK_RUNS
            out[:, c] *= noise[skip : skip + runs] / shape
    calendar = volume_factors(model.periods, values, runs, len(model.channels))
    if calendar is not None:  # the calendar's busy (and quiet) periods
        out *= calendar
    return out
