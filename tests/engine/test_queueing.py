import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimator.engine.queueing import (
    StaffingTable,
    achieved_service_level,
    erlang_c_agents,
    erlang_c_wait_probability,
)


def test_published_case_200_calls_3_minutes_80_in_20_seconds():
    # pyworkforce's documented example and the standard Erlang C textbook case
    assert erlang_c_agents(200, 3, 20 / 60, 0.8) == 14


def test_published_wait_probability_and_service_level():
    # 10 erlangs, 14 agents: P(wait) = 17.4% (the published worked example); service level
    # in 20 s = 1 - 0.1741 * exp(-(14 - 10) * 20 / 180) = 0.888
    assert erlang_c_wait_probability(14, 10) == pytest.approx(0.1741, abs=5e-4)
    assert achieved_service_level(14, 10, 3, 20 / 60) == pytest.approx(0.888, abs=5e-4)
    # 13 agents fall short of 80%
    assert achieved_service_level(13, 10, 3, 20 / 60) < 0.8


def test_vectorised_and_zero_arrivals():
    out = erlang_c_agents(np.array([0, 200, 400]), 3, 20 / 60, 0.8)
    assert out.tolist() == [0, 14, 24]
    assert out.dtype.kind == "i"
    grid = erlang_c_agents(np.array([[0.0, 10.0], [60.0, 120.0]]), 5, 60, 0.9, 0.85)
    assert grid.shape == (2, 2)


def test_occupancy_cap_binds_on_a_lax_target():
    # 100 erlangs with a one-day target: the service level is trivial, occupancy decides
    assert erlang_c_agents(1200, 5, 1440, 0.5, max_occupancy=0.85) == int(np.ceil(100 / 0.85))
    assert erlang_c_agents(1200, 5, 1440, 0.5, max_occupancy=1.0) == 101


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(0.1, 500),
    handle=st.floats(0.5, 20),
    within=st.floats(1, 600),
    level=st.floats(0.5, 0.99),
    more=st.floats(1.0, 2.0),
)
def test_more_arrivals_or_a_stricter_target_never_need_fewer_agents(
    rate, handle, within, level, more
):
    base = erlang_c_agents(rate, handle, within, level, 0.85)
    assert erlang_c_agents(rate * more, handle, within, level, 0.85) >= base
    assert erlang_c_agents(rate, handle, within / more, level, 0.85) >= base
    assert erlang_c_agents(rate, handle, within, min(level * more, 0.995), 0.85) >= base
    # the answer is the least that meets the target
    load = rate * handle / 60
    assert achieved_service_level(base, load, handle, within) >= level - 1e-9
    if base - 1 > load and (base - 1) * 0.85 >= load:
        assert achieved_service_level(base - 1, load, handle, within) < level


def test_table_matches_the_direct_function_everywhere():
    table = StaffingTable(4.0, [(60, 0.9), (240, 0.95)], max_occupancy=0.85)
    loads = np.concatenate([np.linspace(0, 40, 4001), [0.0001, 1e-7, 123.4]]).astype(np.float32)
    rates = loads.astype(np.float64) * 60 / 4.0
    direct = np.maximum(
        erlang_c_agents(rates, 4.0, 60, 0.9, 0.85), erlang_c_agents(rates, 4.0, 240, 0.95, 0.85)
    )
    np.testing.assert_array_equal(table.agents(loads), direct)


def test_table_grows_for_a_large_surge():
    table = StaffingTable(3.0, [(20 / 60, 0.8)], max_occupancy=1.0)
    assert table.agents(np.array([10.0], dtype=np.float32)).tolist() == [14]
    big = np.array([500.0], dtype=np.float32)
    assert table.agents(big)[0] == erlang_c_agents(500 * 20, 3.0, 20 / 60, 0.8)


def test_the_stable_signature_by_keyword():
    # the documented signature: erlang_c_agents(arrivals_per_hour, handle_minutes,
    #     answer_within_minutes, service_level, max_occupancy=1.0)
    assert erlang_c_agents(
        arrivals_per_hour=200, handle_minutes=3, answer_within_minutes=20 / 60,
        service_level=0.8, max_occupancy=1.0,
    ) == 14
