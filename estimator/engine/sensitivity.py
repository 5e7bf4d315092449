"""What the answer's uncertainty comes from: variance-based sensitivity indices of total FTE,
and the inputs that drive the bad years (the runs above the P90 the plan is built on).

Everything is computed from the runs already made; nothing is simulated again.

- **First-order index** of an input: ``Var(E[FTE | input]) / Var(FTE)``, by the correlation
  ratio of the runs sorted into equal-count bins of the input (``BINS`` rule below), with
  the bias of binned means removed (the "epsilon squared" correction: the between-bin sum of
  squares less what noise alone would put there, ``(bins - 1)`` within-bin mean squares).
- **Total index**: the first-order index plus the input's pairwise interactions, fitted on
  the same runs as a reduced model, ``FTE ~ sum_i m_i(x_i) + sum_ij b_ij z_i z_j``, with
  ``m_i`` the binned conditional means, ``z`` the inputs' normal scores and the pairs taken
  among the :data:`INTERACTING` inputs of largest first-order index. For independent inputs
  the reduced model's Sobol indices are exact in closed form (``b_ij**2`` is the variance of
  an interaction); higher-order and non-bilinear interactions are not counted, so the total
  index is a lower bound.
- **Bad-year drivers**: among the runs whose total FTE is above its P90, each input's mean
  quantile (0.5 when the input does not matter to the bad years) and the FTE its first-order
  effect adds there (``mean m_i(x_i)`` over those runs), next to the excess of those runs'
  mean FTE over the overall mean.

Cost: one sort and a few passes over the runs per input, and one least-squares fit of at
most 15 interaction terms; once per result (``Result.summary`` is computed once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from estimator.scenario import quantities as dist

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any

#: Inputs whose pairwise interactions enter the total index (15 pairs at most).
INTERACTING = 6
#: Path of the derived per-run draw: how many crises the year brings (chance, not an input).
CRISIS_COUNT = "crises.count"


def bin_count(runs: int) -> int:
    """Equal-count bins for the correlation ratio: about ``sqrt(runs) / 2``, 2 to 50.

    Enough runs per bin that their mean is stable, enough bins that a smooth effect keeps
    all but ``~1 / bins**2`` of its variance.

    >>> bin_count(1000), bin_count(100_000)
    (16, 50)
    """
    return int(min(50, max(2, round(runs**0.5 / 2))))


def _groups(x: NDArray[np.float64], bins: int, order: NDArray[np.intp] | None = None
            ) -> NDArray[np.intp]:
    """Each run's bin: by value where the input takes few values, else by rank (``order``:
    the runs sorted by ``x``, if already known)."""
    order = np.argsort(x, kind="stable") if order is None else order
    ordered = x[order]
    distinct = 1 + int(np.count_nonzero(np.diff(ordered)))
    group = np.empty(x.size, dtype=np.intp)
    if distinct <= bins:
        group[order] = np.concatenate([[0], np.cumsum(np.diff(ordered) != 0)])
    else:
        group[order] = np.arange(x.size) * bins // x.size
    return group


def _quantiles(order: NDArray[np.intp]) -> NDArray[np.float64]:
    """Each run's quantile ``(rank - 0.5) / runs`` from the runs' sort order (ties broken by
    run order: the inputs are continuous)."""
    q = np.empty(order.size)
    q[order] = (np.arange(order.size) + 0.5) / order.size
    return q


def conditional_means(x: NDArray[np.float64], y: NDArray[np.float64], bins: int,
                      order: NDArray[np.intp] | None = None
                      ) -> tuple[NDArray[np.float64], float]:
    """``(m, first_order)``: each run's centred binned mean of ``y`` given ``x`` (the input's
    first-order effect), and the bias-corrected correlation ratio (0 when ``y`` is flat).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.random(4000)
    >>> y = x + 0.1 * rng.standard_normal(4000)
    >>> round(conditional_means(x, y, 30)[1], 2)  # Var(x) / (Var(x) + 0.01) = 0.89
    0.89
    """
    n = y.size
    total_ss = float(((y - y.mean()) ** 2).sum())
    if n < 3 or total_ss <= 0 or np.ptp(x) == 0:
        return np.zeros(n), 0.0
    group = _groups(x, bins, order)
    count = np.bincount(group).astype(np.float64)
    means = np.bincount(group, weights=y) / np.maximum(count, 1)
    m = means[group] - y.mean()
    used = int((count > 0).sum())
    between = float((m**2).sum())
    within = total_ss - between
    corrected = between - (used - 1) * within / max(n - used, 1)
    return m, float(np.clip(corrected / total_ss, 0.0, 1.0))


def _normal_scores(order: NDArray[np.intp]) -> NDArray[np.float64]:
    z = special.ndtri(_quantiles(order))
    sd = z.std()
    return (z - z.mean()) / sd if sd > 0 else np.zeros_like(z)


def sort_orders(inputs: dict[str, NDArray[np.float64]]) -> dict[str, NDArray[np.intp]]:
    """Each input's runs in increasing order: the one sort every reading here shares."""
    return {p: np.argsort(np.asarray(x, dtype=np.float64), kind="stable")
            for p, x in inputs.items()}


def interaction_shares(
    scores: NDArray[np.float64], residual: NDArray[np.float64], total_var: float
) -> NDArray[np.float64]:
    """(k, k) share of ``Var(FTE)`` in each pair's bilinear interaction ``b_ij z_i z_j``,
    fitted by least squares to what the first-order effects leave. ``E[b_hat**2] = b**2 +
    Var(b_hat)``, so the fit's own noise is taken off; shares stay >= 0."""
    k, n = scores.shape
    out = np.zeros((k, k))
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    if not pairs or total_var <= 0 or n <= len(pairs) + 1:
        return out
    design = np.column_stack([scores[i] * scores[j] for i, j in pairs])
    design -= design.mean(axis=0)
    # normal equations: 15 columns at most, so the Gram matrix is small and well known
    inverse = np.linalg.pinv(design.T @ design)
    target = residual - residual.mean()
    coef = inverse @ (design.T @ target)
    noise = float(((target - design @ coef) ** 2).sum()) / (n - len(pairs) - 1)
    var_coef = np.diag(inverse) * noise
    spread = design.var(axis=0)
    for c, (i, j) in enumerate(pairs):
        share = max(0.0, coef[c] ** 2 - var_coef[c]) * spread[c] / total_var
        out[i, j] = out[j, i] = share
    return out


def sensitivity(
    inputs: dict[str, NDArray[np.float64]], y: NDArray[np.float64],
    orders: dict[str, NDArray[np.intp]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, NDArray[np.float64]]]:
    """First-order and total indices of ``y`` for each input (largest first-order first),
    and each input's per-run first-order effect (for the bad-year reading)."""
    orders = sort_orders(inputs) if orders is None else orders
    n = y.size
    bins = bin_count(n)
    total_var = float(np.var(y))
    effects: dict[str, NDArray[np.float64]] = {}
    rows = []
    for path, x in inputs.items():
        m, s1 = conditional_means(np.asarray(x, dtype=np.float64), y, bins, orders[path])
        effects[path] = m
        rows.append({"path": path, "first_order": s1, "total": s1})
    rows.sort(key=lambda r: -r["first_order"])
    top = [r for r in rows[:INTERACTING] if r["first_order"] > 0]
    if len(top) >= 2 and total_var > 0:
        residual = y - y.mean() - sum(effects[r["path"]] for r in rows)
        scores = np.array([_normal_scores(orders[r["path"]]) for r in top])
        pair = interaction_shares(scores, residual, total_var)
        for i, r in enumerate(top):
            r["total"] = float(min(1.0, r["first_order"] + pair[i].sum()))
    return rows, effects


def bad_year_drivers(
    inputs: dict[str, NDArray[np.float64]], effects: dict[str, NDArray[np.float64]],
    y: NDArray[np.float64], percentile: float = 90.0,
    orders: dict[str, NDArray[np.intp]] | None = None,
) -> dict[str, Any]:
    """The runs above the ``percentile`` of ``y``: how much worse they are, and where each
    input sat in them (mean quantile; tied values share their mean rank) and what its
    first-order effect adds there (FTE)."""
    orders = sort_orders(inputs) if orders is None else orders
    threshold = float(np.percentile(y, percentile))
    bad = y > threshold
    if not bad.any():
        return {"percentile": percentile, "threshold_fte": threshold, "runs": 0,
                "excess_fte": 0.0, "drivers": []}
    drivers = []
    for path, x in inputs.items():
        order = orders[path]
        few = np.count_nonzero(np.diff(np.asarray(x)[order])) < bin_count(x.size)
        quantile = (stats.rankdata(x) - 0.5) / x.size if few else _quantiles(order)
        drivers.append({
            "path": path,
            "mean_quantile": float(quantile[bad].mean()),
            "fte_added": float(effects[path][bad].mean()),
        })
    drivers.sort(key=lambda d: -d["fte_added"])
    return {
        "percentile": percentile,
        "threshold_fte": threshold,
        "runs": int(bad.sum()),
        "excess_fte": float(y[bad].mean() - y.mean()),
        "drivers": drivers,
    }


def plan_cost(result: Result) -> float:
    """The yearly cost of the recommended team (each role's planned FTE times its salary)."""
    plan = result.recommended_fte()
    return float(sum(plan[r] * result.model.scenario.roles[r].salary for r in result.roles))


def plan_cost_interval(result: Result) -> list[float] | None:
    """95% Monte Carlo interval of the plan's cost, from batches of runs (the plan is a
    percentile over runs and weeks, rounded: order statistics of runs do not apply)."""
    from estimator.engine.intervals import batch_interval

    return batch_interval(result, plan_cost, plan_cost(result))


def risk_summary(result: Result, label: Callable[[str], str]) -> dict[str, Any]:
    """The summary's ``sensitivity_indices`` and ``bad_year_drivers`` (each input with a
    plain label: ``label(path)``), ``recommended_cost_ci95`` and, after a run to a
    precision, ``precision``. :meth:`Result.summary` holds them (computed once per result)."""
    uncertain = {d.path: result.inputs[d.path] for d in result.model.draws
                 if dist.is_uncertain(d.quantity) and d.path in result.inputs}
    y = result.fte_total()
    orders = sort_orders(uncertain)
    rows, effects = sensitivity(uncertain, y, orders)
    for r in rows:
        r["label"] = label(r["path"])
    chance = dict(uncertain)
    if CRISIS_COUNT in result.inputs and np.ptp(result.inputs[CRISIS_COUNT]) > 0:
        chance[CRISIS_COUNT] = result.inputs[CRISIS_COUNT]
        orders[CRISIS_COUNT] = sort_orders({CRISIS_COUNT: chance[CRISIS_COUNT]})[CRISIS_COUNT]
        effects[CRISIS_COUNT] = conditional_means(
            result.inputs[CRISIS_COUNT], y, bin_count(y.size), orders[CRISIS_COUNT])[0]
    bad = bad_year_drivers(chance, effects, y, orders=orders)
    for d in bad["drivers"]:
        d["label"] = ("Crises: how many the year brings (chance)" if d["path"] == CRISIS_COUNT
                      else label(d["path"]))
    out: dict[str, Any] = {
        "recommended_cost_ci95": plan_cost_interval(result),
        "sensitivity_indices": [
            {"path": r["path"], "label": r["label"], "first_order": r["first_order"],
             "total": r["total"]} for r in rows],
        "bad_year_drivers": bad,
    }
    if result.precision is not None:
        out["precision"] = dict(result.precision)
    return out


__all__ = ["bad_year_drivers", "bin_count", "conditional_means", "interaction_shares",
           "risk_summary", "sensitivity"]
