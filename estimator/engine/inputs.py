"""Every run's value of every uncertain input, drawn from streams keyed by the input's name
(common random numbers), and the per-run capacity that follows from them."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

from estimator.engine.capacity import productive_hours
from estimator.engine.compile import (
    Model,
)
from estimator.engine.streams import scalar_uniforms
from estimator.scenario import quantities as dist


def draw_inputs(model: Model, seed: int, runs: int) -> dict[str, NDArray[np.float64]]:
    """Every run's value of every uncertain input, plus the derived per-run capacity."""
    values: dict[str, NDArray[np.float64]] = {}
    for d in model.draws:
        if dist.is_uncertain(d.quantity):
            values[d.path] = dist.ppf(d.quantity, scalar_uniforms(seed, d.key, runs))
        else:
            values[d.path] = np.full(runs, dist.mean(d.quantity))
    values["crises.count"] = poisson_ppf(
        scalar_uniforms(seed, "crises:count", runs), values["crises.per_year"]
    )
    cap = model.scenario.capacity
    hours = productive_hours(
        cap.hours_per_week,
        cap.days_per_week,
        holiday_days=model.holiday_workdays,
        vacation_days=values["capacity.vacation_days"],
        sick_days=values["capacity.sick_days"],
        training_hours_per_week=values["capacity.training_hours_per_week"],
        admin_share=values["capacity.admin_share"],
    )
    values["productive_hours_per_fte"] = hours.productive
    return values


def poisson_ppf(u: NDArray[np.float64], rate: NDArray[np.float64]) -> NDArray[np.float64]:
    """The least count ``k`` with ``P(N <= k) >= u`` for ``N ~ Poisson(rate)``, vectorised.

    >>> poisson_ppf(np.array([0.1, 0.5, 0.99]), np.array([0.0, 3.0, 3.0])).tolist()
    [0.0, 3.0, 8.0]
    """
    top = float(rate.max(initial=0.0))
    if top <= 0:
        return np.zeros_like(u)
    k = np.arange(int(top + 12 * np.sqrt(top) + 20))
    log_pmf = k[None, :] * np.log(np.maximum(rate, 1e-300))[:, None] - rate[:, None]
    log_pmf -= special.gammaln(k + 1)[None, :]
    cdf = np.cumsum(np.exp(log_pmf), axis=1)
    return np.where(rate > 0, (cdf < u[:, None]).sum(axis=1), 0).astype(np.float64)


