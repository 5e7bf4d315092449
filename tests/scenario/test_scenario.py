import copy
import tomllib
from datetime import date

import pytest
from pydantic import ValidationError

from estimator.scenario import (
    Scenario,
    ScenarioError,
    field_docs,
    get_value,
    load_scenario,
    to_toml,
    validate_scenario,
    with_values,
)
from tests.conftest import EXAMPLE


@pytest.fixture
def data():
    with EXAMPLE.open("rb") as fh:
        return tomllib.load(fh)


def check(data, mutate):
    d = copy.deepcopy(data)
    mutate(d)
    with pytest.raises(ScenarioError) as info:
        validate_scenario(d, source="x.toml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_model_md_example_loads():
    s = load_scenario(EXAMPLE)
    assert s.scenario.year == 2027
    assert s.capacity.sick_days.mode == 5
    assert s.channels[0].handle_minutes.p90 == 6
    assert s.scenario.extra_holidays == [date(2027, 12, 24)]
    assert s.platforms() == ["Instagram", "TikTok", "YouTube", "Facebook", "LinkedIn", "X"]


def test_scenarios_are_immutable():
    s = load_scenario(EXAMPLE)
    with pytest.raises(ValidationError, match="frozen"):
        s.coverage.min_on_duty = 3  # type: ignore[misc]
    variant = with_values(s, {"coverage.min_on_duty": 2})
    assert variant.coverage.min_on_duty == 2 and s.coverage.min_on_duty == 1


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (
            lambda d: d["channels"][0].update(service_level=1.5),
            "x.toml: channels[0].service_level: expected a number less than 1, got 1.5",
        ),
        (
            lambda d: d["channels"][0].update(servce_level=0.5),
            "channels[0].servce_level: unknown key; did you mean 'service_level'?",
        ),
        (
            lambda d: d["channels"][0].update(role="comunity_manager"),
            "channels[0].role: expected a role declared in [roles], got 'comunity_manager' "
            "(did you mean 'community_manager'?)",
        ),
        (
            lambda d: d["capacity"].update(sick_days={"low": 5, "mode": 2, "high": 8}),
            "capacity.sick_days: expected low <= mode <= high",
        ),
        (
            lambda d: d["capacity"].update(sick_days={"low": 5, "mode": 7, "hgh": 8}),
            "capacity.sick_days.hgh: unknown key; did you mean 'high'?",
        ),
        (
            lambda d: d["capacity"].update(sick_days="five"),
            "capacity.sick_days: expected a number, { low, mode, high } or { median, p90 }, "
            "got 'five'",
        ),
        (
            lambda d: d["coverage"].update(weekdays="8-18"),
            "coverage.weekdays: expected a range of whole hours like '08:00-18:00'",
        ),
        (
            lambda d: d["coverage"].update(weekdays="18:00-08:00"),
            "coverage.weekdays: expected a start before the end",
        ),
        (
            lambda d: d["coverage"].update(weekdays="08:30-17:30"),
            "coverage.weekdays: expected whole hours",
        ),
        (
            lambda d: d["coverage"].update(holidays="sometimes"),
            "coverage.holidays: expected 'weekdays', 'weekends' or 'none'",
        ),
        (
            lambda d: d["scenario"].update(country="XX"),
            "scenario.country: expected a country code the holidays package knows",
        ),
        (
            lambda d: d["crises"]["severity"][0].update(share=0.5),
            "crises: expected severity shares summing to 1, got 0.8",
        ),
        (
            lambda d: d["channels"][0].pop("handle_minutes"),
            "channels[0].handle_minutes: expected a value, got none",
        ),
        (
            lambda d: d["channels"][0].update(audience=1000),
            "channels[0]: expected per_day or audience with a reply rate, got both",
        ),
        (lambda d: d.update(capcity={}), "capcity: unknown key; did you mean 'capacity'?"),
        (lambda d: d["scenario"].update(year="2027"), "scenario.year: expected a valid integer"),
        (
            lambda d: d["content"][0].update(per_week=-2),
            "content[0].per_week: expected values >= 0",
        ),
        (lambda d: d["crises"]["severity"][0].update(surge=0.5), "surge: expected values >= 1"),
        (lambda d: d["current_staff"].update(writer=-1), "current_staff.writer: expected FTE >= 0"),
        (lambda d: d["current_staff"].update(intern=1), "current_staff.intern: expected a role"),
        (lambda d: d["work"][0].update(role="boss"), "work[0].role: expected a role declared"),
        (lambda d: d.pop("roles"), "roles: expected a value, got none"),
        (
            lambda d: d["content"][0]["effort_hours"].update(editor=1),
            "content[0].effort_hours.editor: expected a role declared in [roles]",
        ),
    ],
)
def test_every_bad_field_is_named_in_one_line(data, mutate, expected):
    assert expected in check(data, mutate)


def test_base_merges_tables_key_by_key_and_replaces_lists(tmp_path, monkeypatch):
    # a base outside the scenario's folder and the shipped data needs ESTIMATOR_ALLOW_PATHS
    monkeypatch.setenv("ESTIMATOR_ALLOW_PATHS", str(EXAMPLE.parent))
    child = tmp_path / "child.toml"
    child.write_text(
        f'base = "{EXAMPLE.as_posix()}"\n'
        '[scenario]\nname = "Child"\n'
        '[coverage]\nweekends = ""\n'
        '[[content]]\nformat = "photo"\nplatforms = ["Instagram"]\nper_week = 2\n'
        "[content.effort_hours]\nwriter = 1\n",
        encoding="utf-8",
    )
    s = load_scenario(child)
    base = load_scenario(EXAMPLE)
    assert s.scenario.name == "Child" and s.scenario.year == base.scenario.year
    assert s.coverage.weekends == "" and s.coverage.weekdays == base.coverage.weekdays
    assert [c.format for c in s.content] == ["photo"]
    assert s.channels == base.channels


def test_relative_base_and_cycles(tmp_path):
    (tmp_path / "a.toml").write_text('base = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('base = "a.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")
    (tmp_path / "c.toml").write_text('base = "missing.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing.toml: no such scenario file"):
        load_scenario(tmp_path / "c.toml")


def test_toml_syntax_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname = 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML") as info:
        load_scenario(bad)
    assert "\n" not in str(info.value)


def test_round_trip_through_toml():
    s = load_scenario(EXAMPLE)
    again = validate_scenario(tomllib.loads(to_toml(s)))
    assert again == s


def test_dotted_paths():
    s = load_scenario(EXAMPLE)
    assert get_value(s, "channels.0.per_day") == {"low": 40.0, "mode": 60.0, "high": 100.0}
    assert get_value(s, "channels[0].service_level") == 0.9
    v = with_values(s, {"channels.0.per_day": 80, "content[0].per_week.mode": 5})
    assert v.channels[0].per_day == 80 and v.content[0].per_week.mode == 5
    with pytest.raises(ScenarioError, match="channels.5: no such"):
        with_values(s, {"channels.5.per_day": 1})
    with pytest.raises(ScenarioError, match="coverage.weekends"):
        with_values(s, {"coverage.weekends": "late"})


def test_schema_documents_itself():
    rows = {path: (kind, default, text) for path, kind, default, text in field_docs()}
    assert rows["channels[].handle_minutes"][0] == "quantity"
    assert "Minutes" in rows["channels[].handle_minutes"][2]
    assert rows["capacity.hours_per_week"][1] == "40"
    schema = Scenario.model_json_schema()
    assert "additionalProperties" in str(schema)


def test_the_fields_document_is_generated_from_the_schema(capsys):
    from estimator.app.cli import main
    from tests.conftest import ROOT

    main(["schema"])
    table = capsys.readouterr().out
    assert table in (ROOT / "docs" / "scenario_fields.md").read_text(encoding="utf-8"), (
        "docs/scenario_fields.md is stale: run `estimator schema` and paste the table"
    )
