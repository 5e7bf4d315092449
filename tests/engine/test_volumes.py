"""Day-to-day volumes: each channel keeps its mean and CV; busy days are partly shared."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimator.engine.compile import compile_model
from estimator.engine.inputs import draw_inputs
from estimator.engine.streams import BLOCK_RUNS
from estimator.engine.volumes import daily_messages, day_factor_cvs
from estimator.scenario import ScenarioError
from tests.conftest import minimal, scenario_of

PER_DAY = 100.0


def _channel(platform: str, cv: float) -> dict:
    return {"platform": platform, "kind": "comments", "per_day": PER_DAY, "daily_cv": cv,
            "handle_minutes": 3, "reply_within_minutes": 240, "service_level": 0.9,
            "role": "community_manager"}


def _factors(cvs: list[float], share: float, runs: int = 256, seed: int = 4) -> np.ndarray:
    """(channels, runs x days) day factors of channels with these CVs."""
    s = scenario_of(minimal(
        coverage={"weekdays": "09:00-17:00"},
        channels=[_channel(f"P{i}", cv) for i, cv in enumerate(cvs)],
        engagement={"shared_day_share": share},
    ))
    model = compile_model(s)
    blocks = range(0, math.ceil(runs / BLOCK_RUNS))
    daily = daily_messages(model, draw_inputs(model, seed, runs), seed, blocks, 0, runs)
    return daily.transpose(1, 0, 2).reshape(len(cvs), -1) / PER_DAY


def _cv(x: np.ndarray) -> float:
    return float(x.std() / x.mean())


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 1.0])
def test_two_identical_channels_pool_as_the_formula_says(share):
    cv = 0.4
    f = _factors([cv, cv], share)
    for x in f:  # each channel: mean 1 and its own CV, whatever the share
        assert x.mean() == pytest.approx(1, abs=0.01)
        assert _cv(x) == pytest.approx(cv, abs=0.01)
    # Var(X1 + X2) = 2 cv^2 (1 + share): the pooled CV is cv sqrt((1 + share) / 2)
    assert _cv(f.sum(axis=0)) == pytest.approx(cv * math.sqrt((1 + share) / 2), abs=0.01)
    assert np.corrcoef(f)[0, 1] == pytest.approx(share, abs=0.02)


def test_channels_with_different_cvs_keep_theirs():
    cvs = [0.2, 0.6, 1.0]
    f = _factors(cvs, 0.5)
    for x, cv in zip(f, cvs, strict=True):
        assert x.mean() == pytest.approx(1, abs=0.015)
        assert _cv(x) == pytest.approx(cv, rel=0.04)
    assert (np.corrcoef(f)[np.triu_indices(3, 1)] > 0.25).all()


def test_the_default_shares_half_the_variance():
    s = scenario_of(minimal(channels=[_channel("A", 0.3)]))
    assert s.engagement.shared_day_share == 0.5


def test_a_channel_without_variation_stays_flat():
    f = _factors([0.0, 0.5], 0.5, runs=32)
    np.testing.assert_array_equal(f[0], 1.0)


@given(cv=st.floats(0.001, 3), share=st.floats(0, 1))
@settings(max_examples=200, deadline=None)
def test_the_factors_cvs_multiply_to_the_channels(cv, share):
    shared, own = day_factor_cvs(cv, share)
    assert (1 + shared**2) * (1 + own**2) == pytest.approx(1 + cv**2, rel=1e-9)
    assert shared**2 == pytest.approx(share * cv**2, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half"])
def test_a_bad_share_names_the_field(bad):
    with pytest.raises(ScenarioError, match=r"engagement\.shared_day_share"):
        scenario_of(minimal(engagement={"shared_day_share": bad}))
