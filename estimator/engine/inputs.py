"""Every run's value of every uncertain input, drawn from streams keyed by the input's name
(common random numbers), and the per-run capacity that follows from them.

Correlated inputs (``[[correlations]]``) go through a Gaussian copula on those same keyed
uniforms: each input's uniforms become normal scores, the correlated ones are mixed by the
lower Cholesky factor of their Pearson matrix (ordered by stream key, so by identity, not by
position in the file), and turned back into uniforms. Each input keeps its own distribution
(a standard normal mixed by a row of unit length is standard normal), the input first in key
order keeps its draws exactly, inputs outside a correlation keep theirs, and a Cholesky
factor has no terms between unconnected groups, so a correlation between other inputs never
changes a group's draws. Run ``k`` is mixed only with run ``k``: a prefix never changes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special
from scipy.linalg import cholesky

from estimator.engine.capacity import productive_hours
from estimator.engine.compile import (
    Model,
)
from estimator.engine.streams import scalar_uniforms
from estimator.scenario import ScenarioError
from estimator.scenario import quantities as dist
from estimator.scenario.correlations import correlation_matrix


def draw_inputs(model: Model, seed: int, runs: int) -> dict[str, NDArray[np.float64]]:
    """Every run's value of every uncertain input, plus the derived per-run capacity."""
    uniforms = {d.path: scalar_uniforms(seed, d.key, runs)
                for d in model.draws if dist.is_uncertain(d.quantity)}
    uniforms.update(correlated_uniforms(model, uniforms))
    values: dict[str, NDArray[np.float64]] = {}
    for d in model.draws:
        if dist.is_uncertain(d.quantity):
            values[d.path] = dist.ppf(d.quantity, uniforms[d.path])
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


def correlated_uniforms(
    model: Model, uniforms: dict[str, NDArray[np.float64]]
) -> dict[str, NDArray[np.float64]]:
    """The correlated inputs' uniforms after the Gaussian copula (see the module's notes);
    ``uniforms`` holds every uncertain input's independent uniforms by draw path."""
    paths, pearson = correlation_matrix(model.scenario)
    if not paths:
        return {}
    keys = {d.path: d.key for d in model.draws}
    for path in paths:
        if path not in uniforms:  # the schema's checks and the engine's draws disagree
            raise ScenarioError(f"correlations: expected inputs drawn once per run, got "
                                f"{path} (not drawn per run)", field="correlations")
    order = sorted(range(len(paths)), key=lambda i: (keys[paths[i]], paths[i]))
    matrix = pearson[np.ix_(order, order)]
    # a semi-definite matrix (a rho of +/-1) has no Cholesky factor; a nudge on the diagonal
    # gives one, and rows scaled back to unit length keep every marginal exactly normal
    factor = cholesky(matrix + 1e-12 * np.eye(len(paths)), lower=True)
    factor /= np.linalg.norm(factor, axis=1, keepdims=True)
    scores = special.ndtri(np.array([uniforms[paths[i]] for i in order]))
    mixed = np.clip(special.ndtr(factor @ scores), 1e-12, 1 - 1e-12)
    # a row with one term is the input itself: its uniforms, bit for bit
    alone = np.count_nonzero(np.abs(factor) > 1e-15, axis=1) == 1
    return {paths[i]: uniforms[paths[i]] if alone[row] else mixed[row]
            for row, i in enumerate(order)}


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


