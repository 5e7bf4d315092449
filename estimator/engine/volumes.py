"""Messages by channel: each run's daily volumes, and their spread over the hours.

A channel's messages a day are the run's volume (drawn once per run), its growth over the
year and a day-to-day factor with mean 1 and CV ``daily_cv``, drawn per block of runs so that
chunking never changes them. Busy days come to all channels at once: the day factor is the
product of a factor all channels share (lognormal, one standard normal per run and day) and
the channel's own gamma factor, with CVs chosen so that the shared part carries the share
``engagement.shared_day_share`` of the channel's day-to-day variance (:func:`day_factor_cvs`).
The hour-of-week profile spreads each day over its hours. Hourly arrays are float32: half the
memory traffic of float64, ample precision.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from estimator.engine.calendar import DAYS, HOURS, HOURS_PER_WEEK, WEEKS
from estimator.engine.calendar_periods import volume_factors
from estimator.engine.compile import Model
from estimator.engine.streams import BLOCK_RUNS, SHARED_DAY_KEY, block_generator

FLOAT = np.float32


def weekly(hourly: NDArray) -> NDArray[np.float64]:
    """(runs, 52) sums of a (runs, 8736) hourly array (float64 sums; compiled for the
    engine's float32 arrays, one pass in cache, where numpy casts in buffered blocks)."""
    if hourly.dtype == FLOAT and hourly.flags.c_contiguous:
        return _weekly(hourly)
    return hourly.reshape(hourly.shape[0], WEEKS, HOURS_PER_WEEK).sum(axis=2, dtype=np.float64)


@njit(cache=True, fastmath={"reassoc", "contract"})
def _weekly(hourly):  # pragma: no cover - compiled
    runs, n = hourly.shape
    out = np.zeros((runs, n // HOURS_PER_WEEK))
    for r in range(runs):
        x = hourly[r]
        for w in range(n // HOURS_PER_WEEK):
            total = 0.0
            for k in range(HOURS_PER_WEEK):  # a constant length: the loop vectorises
                total += np.float64(x[w * HOURS_PER_WEEK + k])
            out[r, w] = total
    return out


def hourly(
    model: Model, daily: NDArray, channels: tuple[int, ...], per_message: list[float],
    out: NDArray[np.float32] | None = None,
) -> NDArray[np.float32]:
    """(runs, hours): the channels' expected rate each hour, times ``per_message`` each.

    Separable by day: each profile's day totals times its hour-of-week weights, written
    straight into the result (``out`` if given: one pass over the hourly array for the first
    profile, one more for each further one).
    """
    runs = daily.shape[0]
    by_profile: dict[str, list[int]] = {}
    for c in channels:
        by_profile.setdefault(model.channels[c].profile, []).append(c)
    if out is None:
        out = np.empty((runs, HOURS), dtype=FLOAT)
    out = out.reshape(runs, WEEKS, 7, 24)
    if not by_profile:
        out.fill(0)
    scratch = None
    for i, (name, members) in enumerate(by_profile.items()):
        day_total = sum(daily[:, c] * (per_message[c] / 24.0) for c in members)
        days = day_total.astype(FLOAT).reshape(runs, WEEKS, 7, 1)
        profile = model.profiles[name].astype(FLOAT)[None, None]
        if i == 0:
            np.multiply(days, profile, out=out)
        else:
            scratch = np.multiply(days, profile, out=scratch)
            out += scratch
    return out.reshape(runs, HOURS)


def day_factor_cvs(daily_cv: float, shared_share: float) -> tuple[float, float]:
    """The CVs of the shared and the own day factor whose product has CV ``daily_cv``.

    With independent factors of mean 1, ``1 + cv**2 = (1 + shared**2) (1 + own**2)``. The
    shared factor's variance is ``shared_share`` of the channel's: ``shared**2 =
    shared_share * daily_cv**2``, which is also the correlation of two channels with the same
    ``daily_cv`` (their covariance is the shared factor's variance).

    >>> [round(x, 4) for x in day_factor_cvs(0.4, 0.5)]
    [0.2828, 0.2722]
    >>> [tuple(round(x, 12) for x in day_factor_cvs(0.4, s)) for s in (0.0, 1.0)]
    [(0.0, 0.4), (0.4, 0.0)]
    """
    shared_var = shared_share * daily_cv**2
    own_var = (1 + daily_cv**2) / (1 + shared_var) - 1
    return float(np.sqrt(shared_var)), float(np.sqrt(max(own_var, 0.0)))


def _blocks(draw, blocks: range, start: int, runs: int) -> NDArray:
    """The rows of this chunk's runs from per-block draws ``draw(block)``."""
    skip = start - blocks.start * BLOCK_RUNS
    return np.concatenate([draw(b) for b in blocks])[skip : skip + runs]


def daily_messages(
    model: Model, values: dict[str, NDArray], seed: int, blocks: range, start: int, runs: int
) -> NDArray[np.float64]:
    """(runs, channels, days): messages needing a reply each day."""
    out = np.empty((runs, len(model.channels), DAYS))
    day_fraction = np.arange(DAYS) / DAYS
    share = model.shared_day_share
    shared_z = None
    if share > 0 and any(ch.daily_cv > 0 for ch in model.channels):
        shared_z = _blocks(
            lambda b: block_generator(seed, SHARED_DAY_KEY, b).standard_normal(
                (BLOCK_RUNS, DAYS), dtype=np.float32),
            blocks, start, runs,
        )
    for c, ch in enumerate(model.channels):
        volume = values[ch.volume] * ch.audience_per_1000
        growth = (1 + values[ch.growth])[:, None] ** day_fraction[None, :]
        out[:, c] = volume[:, None] * growth
        shared_cv, own_cv = day_factor_cvs(ch.daily_cv, share)
        if shared_cv > 0 and shared_z is not None:
            # lognormal with mean 1 and CV shared_cv: sigma**2 = log(1 + cv**2)
            sigma = np.sqrt(np.log1p(shared_cv**2))
            out[:, c] *= np.exp(sigma * shared_z - sigma**2 / 2)
        if own_cv > 0:
            shape = 1.0 / own_cv**2
            noise = _blocks(
                lambda b, key=ch.noise_key, k=shape: block_generator(seed, key, b).standard_gamma(
                    k, (BLOCK_RUNS, DAYS), dtype=np.float32),
                blocks, start, runs,
            )
            out[:, c] *= noise / shape
    calendar = volume_factors(model.periods, values, runs, len(model.channels))
    if calendar is not None:  # the calendar's busy (and quiet) periods
        out *= calendar
    return out
