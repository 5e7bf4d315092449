"""Random keys by what an input is: inserting an input leaves every other input's draws."""

import copy
import math
import tomllib

import numpy as np
import pytest

from estimator.engine.compile import compile_model
from estimator.engine.crises import draw_crises
from estimator.engine.inputs import draw_inputs
from estimator.engine.runner import simulate
from estimator.engine.streams import BLOCK_RUNS, identity, identity_keys
from estimator.engine.volumes import daily_messages
from tests.conftest import ROOT, scenario_of

UNIVERSITY = ROOT / "data" / "scenarios" / "university.toml"

NEW_CHANNEL = {
    "platform": "Threads", "kind": "replies", "per_day": {"low": 2, "mode": 5, "high": 9},
    "daily_cv": 0.5, "handle_minutes": 3, "reply_within_minutes": 240, "service_level": 0.9,
    "role": "community_manager",
}
NEW_CONTENT = {
    "format": "meme", "platforms": ["Threads"], "per_week": {"low": 1, "mode": 2, "high": 4},
    "effort_hours": {"graphic_designer": {"low": 0.2, "mode": 0.5, "high": 1}},
}
NEW_WORK = {"task": "community guidelines", "role": "community_manager",
            "hours_per_week": {"low": 0.5, "mode": 1, "high": 2}}


def _university() -> dict:
    with UNIVERSITY.open("rb") as fh:
        return tomllib.load(fh)


def _with_inserted_first(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["channels"].insert(0, NEW_CHANNEL)
    data["content"].insert(0, NEW_CONTENT)
    data["work"].insert(0, NEW_WORK)
    # the file's sources are keyed by field path, so they move with their items
    data["sources"] = {_shifted(path): text for path, text in data.get("sources", {}).items()}
    return data


def _shifted(path: str) -> str:
    """The path an input of the original file has once one item is inserted first in each
    list: ``channels[2].per_day`` becomes ``channels[3].per_day``."""
    for table in ("channels", "content", "work"):
        if path.startswith(f"{table}["):
            i = int(path[len(table) + 1 : path.index("]")])
            return f"{table}[{i + 1}]" + path[path.index("]") + 1 :]
    return path


def test_inserting_a_channel_a_format_and_a_task_first_keeps_every_other_draw():
    before = scenario_of(_university())
    after = scenario_of(_with_inserted_first(_university()))
    a = simulate(before, runs=64, seed=11)
    b = simulate(after, runs=64, seed=11)
    uncertain = [p for p in a.inputs if np.ptp(a.inputs[p]) > 0]
    assert len(uncertain) > 20  # the comparison covers channels, content, work and capacity
    for path in a.inputs:
        np.testing.assert_array_equal(a.inputs[path], b.inputs[_shifted(path)], err_msg=path)
    # the crises are the same crises
    np.testing.assert_array_equal(a.arrays["crisis_count"], b.arrays["crisis_count"])
    np.testing.assert_array_equal(a.arrays["crisis_weeks"], b.arrays["crisis_weeks"])
    # and the new inputs are drawn (not a copy of the inputs they displaced)
    assert not np.array_equal(b.inputs["channels[0].per_day"], b.inputs["channels[1]."
                              "replies_per_1000_audience_per_day"])


def test_inserting_a_channel_first_keeps_the_other_channels_daily_messages():
    before = compile_model(scenario_of(_university()))
    after = compile_model(scenario_of(_with_inserted_first(_university())))
    runs, seed = 40, 5
    blocks = range(0, math.ceil(runs / BLOCK_RUNS))
    va, vb = draw_inputs(before, seed, runs), draw_inputs(after, seed, runs)
    da = daily_messages(before, va, seed, blocks, 0, runs)
    db = daily_messages(after, vb, seed, blocks, 0, runs)
    np.testing.assert_array_equal(da, db[:, 1:])
    assert db[:, 0].sum() > 0
    ca = draw_crises(before, va, seed, blocks, 0, runs)
    cb = draw_crises(after, vb, seed, blocks, 0, runs)
    assert ca is not None and cb is not None
    np.testing.assert_array_equal(ca.surge, cb.surge)


def test_positions_do_not_enter_keys_and_reordering_keeps_draws():
    data = _university()
    reordered = copy.deepcopy(data)
    reordered["channels"].reverse()
    a = simulate(scenario_of(data), runs=32, seed=3)
    b = simulate(scenario_of(reordered), runs=32, seed=3)
    n = len(data["channels"])
    for i in range(n):
        for field in ("replies_per_1000_audience_per_day", "growth_per_year"):
            np.testing.assert_array_equal(
                a.inputs[f"channels[{i}].{field}"], b.inputs[f"channels[{n - 1 - i}].{field}"]
            )
    keys = [d.key for d in compile_model(scenario_of(data)).draws]
    assert not any(k.rsplit(":", 1)[-1].isdigit() for k in keys), keys


def test_true_duplicates_get_an_occurrence_number_and_draw_apart():
    data = _university()
    data["channels"].append(copy.deepcopy(data["channels"][0]))
    model = compile_model(scenario_of(data))
    volume_keys = [d.key for d in model.draws if d.path.endswith("per_1000_audience_per_day")]
    assert volume_keys[0] == "channel:facebook/comments and messenger:volume"
    assert volume_keys[-1] == "channel:facebook/comments and messenger#2:volume"
    r = simulate(scenario_of(data), runs=32, seed=1)
    last = len(data["channels"]) - 1
    assert not np.array_equal(
        r.inputs["channels[0].replies_per_1000_audience_per_day"],
        r.inputs[f"channels[{last}].replies_per_1000_audience_per_day"],
    )


@pytest.mark.parametrize(("parts", "key"), [
    (("Instagram", "DMs"), "instagram/dms"),
    ((" Instagram ", "dms"), "instagram/dms"),
    (("Long  video",), "long video"),
])
def test_identity_is_trimmed_and_case_folded(parts, key):
    assert identity(*parts) == key


def test_identity_keys_number_only_duplicates():
    assert identity_keys(["a", "b", "a", "a", "c"]) == ["a", "b", "a#2", "a#3", "c"]
    assert identity_keys([]) == []
