"""The back-test: fit on the first part of an export, predict the rest, count the hits.

The fit is :func:`~estimator.calibrate.estimate.fit_series` on the first ``share`` of the
complete weeks. Each held-out week is predicted the way a scenario with those inputs would
simulate it: a level drawn from the three-point ``per_day`` (beta-PERT), grown by the
fitted growth from the middle of the fitted weeks, times the weekday factors, a gamma day
factor with CV ``daily_cv`` each day, and Poisson counts. A held-out week is a hit when
its messages fall within the P10-P90 of those predictions, so 80% is what a calibrated
model scores. Weeks with a spike day, or busier than the trend, are left out: they are
``[crises]``' and ``[[calendar]]``'s to predict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from estimator.calibrate.estimate import WEEKS_PER_YEAR, fit_series

#: Simulated years for each prediction.
_DRAWS = 4000
#: Fewest weeks to fit, and to hold out.
MIN_FIT_WEEKS, MIN_HELD_OUT_WEEKS = 4, 2


@dataclass(frozen=True)
class BackTest:
    """How often held-out weeks fell in the predicted P10-P90 range."""

    fit_weeks: int
    held_out: int  # weeks compared
    hits: int
    left_out: int  # held-out weeks with a spike day or busier than the trend

    @property
    def share(self) -> float:
        return self.hits / self.held_out if self.held_out else float("nan")

    def sentence(self) -> str:
        if not self.held_out:
            return "back-test: too few weeks to hold any out"
        extra = (f"; {self.left_out} held-out weeks with a crisis day or a busy season left "
                 "out" if self.left_out else "")
        return (f"back-test: fitted on the first {self.fit_weeks} weeks, {self.hits} of "
                f"{self.held_out} held-out weeks ({self.share:.0%}) fell within the predicted "
                f"P10-P90 of weekly messages (80% if calibrated){extra}")


def _pert(low: float, mode: float, high: float, u: NDArray) -> NDArray:
    if high - low <= 1e-12:
        return np.full_like(u, mode)
    a = 1 + 4 * (mode - low) / (high - low)
    b = 1 + 4 * (high - mode) / (high - low)
    return low + (high - low) * stats.beta.ppf(u, a, b)


def back_test(counts: NDArray[np.float64], start: date, share: float = 2 / 3,
              seed: int = 2027, total: NDArray[np.float64] | None = None) -> BackTest:
    """Fit on the first ``share`` of the complete weeks of ``counts``; test on the rest.

    ``total`` (all channels' counts) decides the crisis days and busy weeks, as calibrate
    does: in the fitted weeks from the fitted weeks alone."""
    weeks = counts.size // 7
    fit_weeks = int(round(weeks * share))
    if fit_weeks < MIN_FIT_WEEKS or weeks - fit_weeks < MIN_HELD_OUT_WEEKS:
        return BackTest(fit_weeks=fit_weeks, held_out=0, hits=0, left_out=0)
    days = fit_weeks * 7
    if total is None:
        fit = fit_series(counts[:days], start)
        whole = fit_series(counts[: weeks * 7], start)  # finds the held-out weeks' spikes
    else:
        seen = fit_series(total[:days], start)
        fit = fit_series(counts[:days], start, also=seen.spike, busy_also=seen.busy)
        whole = fit_series(total[: weeks * 7], start)
    rng = np.random.default_rng(seed)
    level = _pert(*fit.per_day, rng.random(_DRAWS))
    growth = np.zeros(_DRAWS)
    if fit.growth is not None:
        growth = _pert(*fit.growth, rng.random(_DRAWS))
    weekday = (np.arange(7) + start.weekday()) % 7
    shape = 1 / fit.daily_cv**2 if fit.daily_cv > 0 else None
    hits = held = left = 0
    middle = (fit_weeks - 1) / 2
    for w in range(fit_weeks, weeks):
        week = slice(7 * w, 7 * w + 7)
        if whole.spike[week].any() or whole.busy[w]:
            left += 1
            continue
        grown = level * (1 + growth) ** ((w - middle) / WEEKS_PER_YEAR)
        rate = grown[:, None] * fit.weekday_factor[weekday][None, :]
        if shape is not None:
            rate = rate * rng.gamma(shape, 1 / shape, size=rate.shape)
        total = rng.poisson(rate).sum(axis=1)
        low, high = np.percentile(total, [10, 90])
        held += 1
        hits += int(low <= counts[week].sum() <= high)
    return BackTest(fit_weeks=fit_weeks, held_out=held, hits=hits, left_out=left)
