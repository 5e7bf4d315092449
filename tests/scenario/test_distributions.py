import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from estimator.scenario import quantities as dist
from estimator.scenario.quantities import LogNormal, Pert

U = np.array([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99])


@pytest.mark.parametrize("low,mode,high", [(2, 4, 8), (0, 0, 10), (1, 9.5, 10), (5, 5, 5.5)])
def test_pert_quantiles_match_the_beta_distribution(low, mode, high):
    q = Pert(low=low, mode=mode, high=high)
    span = high - low
    a = 1 + 4 * (mode - low) / span
    b = 1 + 4 * (high - mode) / span
    expected = low + span * stats.beta.ppf(U, a, b)
    np.testing.assert_allclose(dist.ppf(q, U), expected, atol=1e-4 * span)


def test_pert_mean_and_sample_mean():
    q = Pert(low=2, mode=4, high=8)
    assert dist.mean(q) == pytest.approx((2 + 16 + 8) / 6)
    u = np.random.default_rng(3).random(200_000)
    assert dist.ppf(q, u).mean() == pytest.approx(dist.mean(q), rel=5e-3)


def test_lognormal_passes_through_its_median_and_p90():
    q = LogNormal(median=3, p90=8)
    np.testing.assert_allclose(dist.ppf(q, np.array([0.5, 0.9])), [3, 8])
    sigma = np.log(8 / 3) / stats.norm.ppf(0.9)
    np.testing.assert_allclose(dist.ppf(q, U), stats.lognorm.ppf(U, sigma, scale=3))
    assert dist.mean(q) == pytest.approx(stats.lognorm.mean(sigma, scale=3))


def test_fixed_numbers_are_exact():
    np.testing.assert_array_equal(dist.ppf(5.0, U), np.full(U.size, 5.0))
    assert not dist.is_uncertain(5.0)
    assert not dist.is_uncertain(Pert(low=3, mode=3, high=3))
    assert dist.is_uncertain(Pert(low=2, mode=3, high=4))


def test_draws_are_comonotone_in_their_parameters():
    """Same uniforms, higher mode: every draw moves up (the basis of common random numbers)."""
    u = np.random.default_rng(0).random(1000)
    lo = dist.ppf(Pert(low=1, mode=3, high=9), u)
    hi = dist.ppf(Pert(low=1, mode=5, high=9), u)
    assert np.all(hi >= lo - 1e-12)


@pytest.mark.parametrize(
    "value,message",
    [
        ({"low": 5, "mode": 2, "high": 8}, "low <= mode <= high"),
        ({"median": 5, "p90": 2}, "p90 >= median"),
        ({"median": -1, "p90": 2}, "greater than 0"),
        ({"lo": 1}, "expected a number"),
        ("five", "expected a number"),
        (True, "expected a number"),
    ],
)
def test_bad_quantities_are_rejected_with_a_reason(value, message):
    with pytest.raises(ValidationError, match=message):
        TypeAdapter(dist.NonNegative).validate_python(value)


def test_bounded_quantities():
    share = TypeAdapter(dist.Share)
    assert share.validate_python(0.2) == 0.2
    with pytest.raises(ValidationError, match="<= 1"):
        share.validate_python({"low": 0.1, "mode": 0.5, "high": 1.5})
    with pytest.raises(ValidationError, match="no upper bound"):
        share.validate_python({"median": 0.1, "p90": 0.2})
    with pytest.raises(ValidationError, match=">= 1"):
        TypeAdapter(dist.Multiplier).validate_python(0.5)


def test_describe():
    assert dist.describe(4.0) == "4"
    assert dist.describe(Pert(low=2, mode=4, high=8)) == "2 / 4 / 8"
    assert dist.describe(LogNormal(median=3, p90=8)) == "median 3, P90 8"
