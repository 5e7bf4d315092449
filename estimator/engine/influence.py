"""Which uncertain inputs move the answer: each one's rank correlation with the total FTE
needed, and the swing of the median total FTE between the runs where it drew low and those
where it drew high (a one-at-a-time reading of the same runs, for the tornado chart). The
variance shares are :mod:`estimator.engine.sensitivity`'s.

Each function reads a :class:`~estimator.engine.result.Result`, whose methods of the same
names call them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from estimator.engine.input_names import input_label
from estimator.scenario import quantities as dist

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any


def input_influence(result: Result) -> dict[str, float]:
    """Rank (Spearman) correlation of each uncertain input drawn per run with the total
    FTE needed, largest in size first: the assumptions that move the answer most."""
    from scipy.stats import rankdata

    total = result.fte_total()
    out: dict[str, float] = {}
    for d in result.model.draws:
        x = result.inputs.get(d.path)
        if x is None or not dist.is_uncertain(d.quantity):
            continue
        if np.ptp(x) == 0 or np.ptp(total) == 0:
            out[d.path] = 0.0
        else:
            out[d.path] = float(np.corrcoef(rankdata(x), rankdata(total))[0, 1])
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


def input_swing(result: Result, top: int = 8) -> list[dict[str, Any]]:
    """What the uncertain inputs that matter most do to the answer.

    For each of the ``top`` inputs with the largest rank correlation with the total FTE:
    the median total FTE in the runs where it drew its lowest tenth of values, and in
    those where it drew its highest tenth (the other inputs vary as they do). This is a
    one-at-a-time reading of the same runs, no extra simulation.
    """
    total = result.fte_total()
    rows = []
    for path, rho in list(result.input_influence().items())[:top]:
        x = result.inputs[path]
        lo, hi = np.percentile(x, [10, 90])
        rows.append({
            "path": path,
            "label": input_label(result.model.scenario, path),
            "correlation": rho,
            "low_value": float(lo),
            "high_value": float(hi),
            "fte_p50_when_low": float(np.median(total[x <= lo])),
            "fte_p50_when_high": float(np.median(total[x >= hi])),
        })
    return rows
