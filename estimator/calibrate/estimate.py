"""Scenario inputs estimated from a daily series of inbound messages.

The series is a channel's messages needing a reply on each day of the export. Around each
day, the level is the mean of the days within a week either side (the day itself and spike
days left out), times the weekday's factor: slow changes (growth, busy seasons) stay out of
the day-to-day variation, and a spike stands out against its own fortnight.

- **Spikes** (crisis days): days above the median + ``k`` x MAD (scaled to a standard
  deviation) of the de-seasonalised ratios, at least twice their expected level and three
  Poisson standard deviations above it; the days after one that are still 1.5 times
  their level belong to the same crisis (a surge peaks at its onset and decays). They are
  left to ``[crises]``: imputed at their expected level everywhere else.
- **daily_cv**: the model's day factor multiplies the *rate*; the counts add Poisson noise
  on top, so ``cv^2 = var(ratio) / (1 + 1/m) - mean(1 / expected)`` (``m`` the days in the
  level's window, whose own noise the ratio carries).
- **per_day**: P10, median and P90 of the complete weeks' means (a week = 7 days from the
  export's first day).
- **growth_per_year**: a log-linear fit of the weekly totals; the three-point range is the
  fit's 80% interval. Under 26 weeks it is 0: a few months' trend, extrapolated over a
  year, is mostly noise (the back-test on a steady process missed most held-out weeks with
  a growth fitted on 17 weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from scipy import stats

#: MAD to standard deviation for normal data.
_MAD_SD = 1.4826
#: Days either side of a day in its level's window.
HALF_WINDOW = 7
#: Weeks in a year, for growth.
WEEKS_PER_YEAR = 365.25 / 7
#: A day next to a spike, at least this many times its level, is part of the same crisis.
TAIL_RATIO = 1.5
#: Messages a profile cell holds when it is trusted as much as the separable shape.
PROFILE_SHRINK_MESSAGES = 10.0
#: Fewest complete weeks for a growth fit.
MIN_WEEKS_FOR_GROWTH = 26


@dataclass(frozen=True)
class SeriesFit:
    """What one daily series says."""

    start: date
    counts: NDArray[np.float64]  # (days,)
    expected: NDArray[np.float64]  # (days,) level x weekday factor, spikes left out
    spike: NDArray[np.bool_]  # (days,)
    weekday_factor: NDArray[np.float64]  # (7,) Monday first, mean 1
    daily_cv: float
    weekly_means: NDArray[np.float64]  # (weeks,) messages a day, spikes at their expected level
    busy: NDArray[np.bool_]  # (weeks,) busier than the trend: left to [[calendar]]
    per_day: tuple[float, float, float]  # P10, median, P90 of weekly_means
    growth: tuple[float, float, float] | None  # low, mode, high a year; None: too few weeks
    weeks: int

    @property
    def days(self) -> int:
        return self.counts.size

    def day(self, i: int) -> date:
        return self.start + timedelta(days=int(i))


def daily_counts(times: NDArray[np.datetime64], start: date, days: int) -> NDArray[np.float64]:
    """Messages on each of ``days`` days from ``start`` (local dates)."""
    index = (times.astype("datetime64[D]") - np.datetime64(start, "D")).astype(np.int64)
    index = index[(index >= 0) & (index < days)]
    return np.bincount(index, minlength=days).astype(np.float64)


def _window_sum(x: NDArray[np.float64], half: int) -> NDArray[np.float64]:
    c = np.concatenate([[0.0], np.cumsum(x)])
    i = np.arange(x.size)
    return c[np.minimum(i + half + 1, x.size)] - c[np.maximum(i - half, 0)]


def _levels(counts: NDArray, weekday: NDArray, ok: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Weekday factors, expected counts and the days in each day's level window."""
    mean_all = counts[ok].mean() if ok.any() else 0.0
    factor = np.ones(7)
    if mean_all > 0:
        for d in range(7):
            sel = ok & (weekday == d)
            if sel.any():
                factor[d] = max(counts[sel].mean() / mean_all, 1e-3)
        factor /= factor.mean()
    adjusted = np.where(ok, counts / factor[weekday], 0.0)
    n = _window_sum(ok.astype(float), HALF_WINDOW) - ok
    total = _window_sum(adjusted, HALF_WINDOW) - adjusted
    level = np.where(n > 0, total / np.maximum(n, 1), mean_all)
    return factor, level * factor[weekday], n


def find_spikes(counts: NDArray[np.float64], weekday: NDArray[np.int64], k: float = 4.0,
                also: NDArray[np.bool_] | None = None
                ) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64], NDArray]:
    """Spike days, expected counts, weekday factors and window sizes of a daily series."""
    given = np.zeros(counts.size, dtype=bool) if also is None else also
    ok = ~given
    spike = given.copy()
    for _ in range(4):
        factor, expected, n = _levels(counts, weekday, ok)
        ratio = counts / np.maximum(expected, 1e-9)
        med = float(np.median(ratio[ok]))
        mad = float(np.median(np.abs(ratio[ok] - med))) * _MAD_SD
        significant = counts - expected > 3 * np.sqrt(np.maximum(expected, 1.0))
        new = given | ((ratio > med + k * max(mad, 0.05)) & (ratio >= 2) & significant)
        # a crisis's later days, still well above their level, belong to it
        tail = significant & (ratio >= TAIL_RATIO)
        for _ in range(7):
            after = np.zeros_like(new)
            after[1:] = new[:-1]
            grown = new | (tail & after)
            if (grown == new).all():
                break
            new = grown
        if (new == spike).all():
            break
        spike = new
        ok = ~spike
    return spike, expected, factor, n


def fit_series(counts: NDArray[np.float64], start: date, k: float = 4.0,
               also: NDArray[np.bool_] | None = None,
               busy_also: NDArray[np.bool_] | None = None) -> SeriesFit:
    """Every estimate of one daily series (see the module's docstring); ``also`` marks
    further days to leave out as spikes and ``busy_also`` further busy weeks (what all
    channels together show)."""
    weekday = (np.arange(counts.size) + start.weekday()) % 7
    spike, expected, factor, n = find_spikes(counts, weekday, k, also)
    ok = ~spike & (expected > 0)
    ratio = counts[ok] / expected[ok]
    cv = 0.0
    if ratio.size > 2:
        m = np.maximum(n[ok], 1)
        cv2 = ratio.var(ddof=1) / (1 + float(np.mean(1 / m))) - float(np.mean(1 / expected[ok]))
        cv = float(np.sqrt(max(cv2, 0.0)))
    filled = np.where(spike, expected, counts)
    weeks = counts.size // 7
    weekly = filled[: weeks * 7].reshape(weeks, 7).mean(axis=1) if weeks else filled[:0]
    busy = _busy_weeks(weekly, cv)
    if busy_also is not None:
        busy |= busy_also[:weeks]
    ordinary = weekly[~busy]
    if ordinary.size:
        per_day = tuple(float(np.percentile(ordinary, q)) for q in (10, 50, 90))
    else:
        per_day = (float(filled.mean()),) * 3
    growth = None
    x = np.flatnonzero(~busy)
    if x.size >= MIN_WEEKS_FOR_GROWTH and (ordinary > 0).all():
        fit = stats.linregress(x, np.log(ordinary))
        z = float(stats.norm.ppf(0.9))
        growth = tuple(float(np.expm1(b * WEEKS_PER_YEAR))
                       for b in (fit.slope - z * fit.stderr, fit.slope, fit.slope + z * fit.stderr))
    return SeriesFit(start=start, counts=counts, expected=expected, spike=spike,
                     weekday_factor=factor, daily_cv=cv, weekly_means=weekly, busy=busy,
                     per_day=per_day, growth=growth, weeks=weeks)  # type: ignore[arg-type]


#: Weeks at least this many times their trend are busy: a season, not noise.
BUSY_RATIO = 1.25


def _trend(weekly: NDArray[np.float64], use: NDArray[np.bool_]) -> NDArray[np.float64]:
    x = np.arange(weekly.size)
    if use.sum() >= MIN_WEEKS_FOR_GROWTH and (weekly[use] > 0).all():
        return np.exp(np.polyval(np.polyfit(x[use], np.log(weekly[use]), 1), x))
    return np.full(weekly.size, float(np.median(weekly[use])) if use.any() else 0.0)


def _busy_weeks(weekly: NDArray[np.float64], cv: float) -> NDArray[np.bool_]:
    """Weeks at least :data:`BUSY_RATIO` x the trend of the other weeks and three weekly
    standard deviations above it (the trend refitted without them)."""
    busy = np.zeros(weekly.size, dtype=bool)
    if weekly.size < 4:
        return busy
    for _ in range(3):
        trend = _trend(weekly, ~busy)
        level = float(np.median(trend))
        sd = np.sqrt(cv**2 / 7 + 1 / max(7 * level, 1e-9))
        ratio = weekly / np.maximum(trend, 1e-9)
        new = (ratio >= BUSY_RATIO) & (ratio > 1 + 3 * sd)
        if (new == busy).all():
            break
        busy = new
    return busy


@dataclass(frozen=True)
class Episode:
    """A run of consecutive spike days: one crisis."""

    first: date
    days: int
    surge: float  # the highest day's count over its expected level


def episodes(fit: SeriesFit, spike: NDArray[np.bool_] | None = None) -> list[Episode]:
    """Consecutive spike days grouped into crises, with their surge on ``fit``'s series."""
    spike = fit.spike if spike is None else spike
    out = []
    i = 0
    while i < spike.size:
        if spike[i]:
            j = i
            while j + 1 < spike.size and spike[j + 1]:
                j += 1
            ratio = fit.counts[i : j + 1] / np.maximum(fit.expected[i : j + 1], 1e-9)
            out.append(Episode(first=fit.day(i), days=j - i + 1, surge=float(ratio.max())))
            i = j + 1
        else:
            i += 1
    return out


def crises_per_year(count: int, years: float) -> tuple[float, float, float]:
    """A three-point rate a year from ``count`` crises in ``years``: the exact Poisson 80%
    interval around the observed rate."""
    low = stats.chi2.ppf(0.1, 2 * count) / 2 / years if count else 0.0
    high = stats.chi2.ppf(0.9, 2 * count + 2) / 2 / years
    return (float(low), count / years, float(high))


def hour_of_week(times: NDArray[np.datetime64], start: date, days: int,
                 leave_out: NDArray[np.bool_]) -> NDArray[np.float64]:
    """(7, 24) mean messages per hour by weekday and hour, spike days left out, mean 1."""
    day = (times.astype("datetime64[D]") - np.datetime64(start, "D")).astype(np.int64)
    keep = (day >= 0) & (day < days)
    day, t = day[keep], times[keep]
    keep = ~leave_out[day]
    day, t = day[keep], t[keep]
    hour = ((t - t.astype("datetime64[D]")).astype("timedelta64[h]").astype(np.int64))
    weekday = (day + start.weekday()) % 7
    counts = np.bincount(weekday * 24 + hour, minlength=168).reshape(7, 24).astype(float)
    all_weekdays = (np.arange(days) + start.weekday()) % 7
    n_days = np.bincount(all_weekdays[~leave_out], minlength=7).astype(float)
    per_hour = counts / np.maximum(n_days, 1)[:, None]
    if per_hour.sum() <= 0:
        return np.ones((7, 24))
    # A cell of a few dozen messages is mostly Poisson noise: shrink it toward the weekday
    # total x the hour-of-day shape, by the messages a cell holds (half way at 10 a cell).
    separable = np.outer(per_hour.sum(axis=1), per_hour.sum(axis=0)) / per_hour.sum()
    a_cell = counts.sum() / 168
    weight = a_cell / (a_cell + PROFILE_SHRINK_MESSAGES)
    out = weight * per_hour + (1 - weight) * separable
    return out / out.mean()


@dataclass(frozen=True)
class BusyPeriod:
    """A run of weeks busier than the trend: a candidate ``[[calendar]]`` entry."""

    start: date
    end: date  # last day
    factor: tuple[float, float, float]  # low, mode, high of the weeks' ratio to the trend
    every_year: bool


def busy_periods(fit: SeriesFit) -> list[BusyPeriod]:
    """Runs of busy weeks (see :func:`_busy_weeks`); recurring when the same weeks a year
    apart are busy too."""
    busy = fit.busy
    trend = _trend(fit.weekly_means, ~busy)
    ratio = fit.weekly_means / np.maximum(trend, 1e-9)
    out = []
    i = 0
    while i < fit.weeks:
        if not busy[i]:
            i += 1
            continue
        j = i
        while j + 1 < fit.weeks and busy[j + 1]:
            j += 1
        r = ratio[i : j + 1]
        year_apart = [w + s for w in range(i, j + 1) for s in (-52, 52)
                      if 0 <= w + s < fit.weeks]
        recurring = bool(year_apart) and bool(busy[year_apart].any())
        out.append(BusyPeriod(start=fit.day(7 * i), end=fit.day(7 * j + 6),
                              factor=(float(r.min()), float(np.median(r)), float(r.max())),
                              every_year=recurring))
        i = j + 1
    return out


def shared_day_share(fits: list[SeriesFit]) -> tuple[float, int, int] | None:
    """The share of the channels' day-to-day variance that they share, its pairs and days.

    Two channels' de-seasonalised ratios covary only through a shared day factor (Poisson
    noise and each channel's own factor are independent), so ``cov / (cv_1 cv_2)`` is the
    shared share of two channels (``engagement.shared_day_share``); the estimate is its
    mean over the pairs, clipped to 0-1. None with fewer than two varying channels.
    """
    usable = [f for f in fits if f.daily_cv > 0]
    if len(usable) < 2:
        return None
    ok = ~np.logical_or.reduce([f.spike for f in usable])
    ok &= np.logical_and.reduce([f.expected > 0 for f in usable])
    if ok.sum() < 14:
        return None
    ratios = [f.counts[ok] / f.expected[ok] for f in usable]
    shares = []
    for i in range(len(usable)):
        for j in range(i + 1, len(usable)):
            cov = float(np.cov(ratios[i], ratios[j])[0, 1])
            shares.append(cov / (usable[i].daily_cv * usable[j].daily_cv))
    return float(np.clip(np.mean(shares), 0, 1)), len(shares), int(ok.sum())
