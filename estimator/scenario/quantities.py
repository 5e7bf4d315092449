"""The closed vocabulary of uncertainty a scenario file may use, and how it is sampled.

A scenario number is one of:

- a plain number (exactly that value);
- ``{low, mode, high}``: a three-point estimate, sampled as a beta-PERT distribution;
- ``{median, p90}``: a right-skewed quantity, sampled as the lognormal through those points.

Every draw goes through the inverse CDF of a uniform number. Two scenarios that share a
field therefore turn the same uniform numbers into comonotone values (common random
numbers): changing a mode from 4 to 5 moves every run's draw up, it does not reshuffle them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)
from scipy import special

#: z-score of the 90th percentile of a standard normal distribution.
Z90 = float(special.ndtri(0.9))

#: Points of the tabulated PERT inverse CDF; linear interpolation between them is within
#: 1e-4 of the range of the exact beta quantile except in the outermost 1/4096 of the tails.
_PERT_GRID_POINTS = 4097


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Pert(_Spec):
    """A three-point estimate: lowest plausible, most likely and highest plausible value."""

    low: float = Field(description="Lowest plausible value.")
    mode: float = Field(description="Most likely value.")
    high: float = Field(description="Highest plausible value.")

    @model_validator(mode="after")
    def _ordered(self) -> Pert:
        if not (self.low <= self.mode <= self.high):
            raise ValueError(
                f"expected low <= mode <= high, got low={self.low:g}, mode={self.mode:g}, "
                f"high={self.high:g}"
            )
        return self


class LogNormal(_Spec):
    """A right-skewed positive quantity given by its median and its 90th percentile."""

    median: float = Field(gt=0, description="Half of the values fall below this.")
    p90: float = Field(gt=0, description="Nine in ten values fall below this.")

    @model_validator(mode="after")
    def _skewed(self) -> LogNormal:
        if self.p90 < self.median:
            raise ValueError(
                f"expected p90 >= median, got median={self.median:g}, p90={self.p90:g}"
            )
        return self


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "fixed"
    if isinstance(value, dict):
        keys = set(value)
        if keys & {"low", "mode", "high"}:
            return "pert"
        if keys & {"median", "p90"}:
            return "lognormal"
        return None
    if isinstance(value, Pert):
        return "pert"
    if isinstance(value, LogNormal):
        return "lognormal"
    return None


#: A number in a scenario file: exact, three-point (PERT) or lognormal.
Quantity = Annotated[
    Annotated[float, Tag("fixed")]
    | Annotated[Pert, Tag("pert")]
    | Annotated[LogNormal, Tag("lognormal")],
    Discriminator(
        _kind,
        custom_error_type="quantity",
        custom_error_message="expected a number, { low, mode, high } or { median, p90 }",
    ),
]

QuantityValue = float | Pert | LogNormal


def _within(low: float, high: float | None, *, open_low: bool = False):
    """An after-validator: every value the quantity can take lies in [low, high]."""

    def check(q: QuantityValue) -> QuantityValue:
        if isinstance(q, LogNormal) and high is not None:
            raise ValueError(
                f"expected a number or {{ low, mode, high }} within {low:g}-{high:g}"
                f", got a lognormal (it has no upper bound)"
            )
        lo = q.low if isinstance(q, Pert) else (q.median if isinstance(q, LogNormal) else q)
        hi = q.high if isinstance(q, Pert) else lo
        if lo < low or (open_low and lo <= low) or (high is not None and hi > high):
            bound = f"> {low:g}" if open_low else f">= {low:g}"
            if high is not None:
                bound += f" and <= {high:g}"
            raise ValueError(f"expected values {bound}, got {describe(q)}")
        return q

    return AfterValidator(check)


#: A quantity that cannot be negative (counts, hours, minutes, days).
NonNegative = Annotated[Quantity, _within(0, None)]
#: A quantity that must be above zero (durations, handle times).
Positive = Annotated[Quantity, _within(0, None, open_low=True)]
#: A share between 0 and 1.
Share = Annotated[Quantity, _within(0, 1)]
#: A multiplier of at least 1 (a crisis surge).
Multiplier = Annotated[Quantity, _within(1, None)]
#: A yearly growth rate: above -100%.
Growth = Annotated[Quantity, _within(-1, None, open_low=True)]


def mean(q: QuantityValue) -> float:
    """The expected value of a quantity.

    >>> mean(Pert(low=2, mode=4, high=8))
    4.333333333333333
    >>> round(mean(LogNormal(median=2, p90=6)), 3)
    2.888
    """
    if isinstance(q, Pert):
        return (q.low + 4 * q.mode + q.high) / 6
    if isinstance(q, LogNormal):
        sigma = _lognormal_sigma(q)
        return float(q.median * np.exp(sigma**2 / 2))
    return float(q)


def low_high(q: QuantityValue) -> tuple[float, float]:
    """The range a quantity's draws can take (the lognormal's is cut at P0.1 and P99.9)."""
    if isinstance(q, Pert):
        return q.low, q.high
    if isinstance(q, LogNormal):
        return float(ppf(q, np.array(0.001))), float(ppf(q, np.array(0.999)))
    return float(q), float(q)


def is_uncertain(q: QuantityValue) -> bool:
    """True unless the quantity is an exact number (or a PERT with no spread)."""
    lo, hi = (q.low, q.high) if isinstance(q, Pert) else (0.0, 0.0)
    return isinstance(q, LogNormal) or hi > lo


def _lognormal_sigma(q: LogNormal) -> float:
    return (np.log(q.p90) - np.log(q.median)) / Z90


@lru_cache(maxsize=512)
def _pert_table(alpha: float, beta: float) -> NDArray[np.float64]:
    grid = np.linspace(0.0, 1.0, _PERT_GRID_POINTS)
    return special.betaincinv(alpha, beta, grid)


def ppf(q: QuantityValue, u: NDArray[np.floating]) -> NDArray[np.float64]:
    """The quantity's value at cumulative probabilities ``u`` (the inverse CDF).

    >>> ppf(Pert(low=0, mode=5, high=10), np.array([0.5])).round(6)
    array([5.])
    >>> ppf(LogNormal(median=3, p90=8), np.array([0.5, 0.9])).round(6)
    array([3., 8.])
    """
    u = np.asarray(u, dtype=np.float64)
    if isinstance(q, Pert):
        span = q.high - q.low
        if span <= 0:
            return np.full(u.shape, q.low)
        alpha = 1 + 4 * (q.mode - q.low) / span
        beta = 1 + 4 * (q.high - q.mode) / span
        table = _pert_table(round(alpha, 12), round(beta, 12))
        return q.low + span * np.interp(u, np.linspace(0.0, 1.0, table.size), table)
    if isinstance(q, LogNormal):
        return q.median * np.exp(_lognormal_sigma(q) * special.ndtri(u))
    return np.full(u.shape, float(q))


def describe(q: QuantityValue) -> str:
    """A short human-readable form: ``4``, ``2 / 4 / 8`` or ``median 3, P90 8``."""
    if isinstance(q, Pert):
        return f"{q.low:g} / {q.mode:g} / {q.high:g}"
    if isinstance(q, LogNormal):
        return f"median {q.median:g}, P90 {q.p90:g}"
    return f"{float(q):g}"
