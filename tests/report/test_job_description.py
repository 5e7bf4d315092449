"""Job-description drafts (``roles/<role>.md``): every role gets one, in the domain's words,
naming its tasks, its hours and on-call pattern and the sources of its numbers."""

from __future__ import annotations

import re

import pytest

from estimator import load_scenario, simulate, with_values
from estimator.app.cli import main
from estimator.report import charts
from estimator.report.job_description import job_description
from estimator.report.tables import assumption_rows
from tests.conftest import EXAMPLE, SHIPPED

UNIVERSITY = next(p for p in SHIPPED if p.stem == "university")
SNAKE = re.compile(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]+\b")
INDEXED = re.compile(r"\b[a-z_]+\[\d+\]")


def field_paths(result) -> set[str]:
    """Every field path the run used, in both spellings (``channels[0].per_day``,
    ``channels.0.per_day``), and every table name."""
    out = set()
    for row in assumption_rows(result):
        out |= {row["field"], re.sub(r"\[(\d+)\]", r".\1", row["field"])}
    return out


def assert_readers_words(text: str, result) -> None:
    assert not SNAKE.findall(text), SNAKE.findall(text)[:5]
    assert not INDEXED.findall(text)
    for path in field_paths(result):
        assert path not in text, path
    for role in result.roles:
        if "_" in role:
            assert role not in text


@pytest.fixture(scope="module")
def university():
    return simulate(load_scenario(UNIVERSITY), runs=64, seed=1)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_role_gets_a_draft_from_run_out(path, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(charts, "CHARTS", {"todays_week": charts.plot_todays_week})
    out = tmp_path / "run"
    status = main(["run", str(path), "--runs", "16", "--seed", "1", "--jobs", "1", "--quiet",
                   "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    scenario = load_scenario(path)
    result = simulate(scenario, runs=16, seed=1)
    summary = result.summary()
    drafts = {p.stem for p in (out / "roles").glob("*.md")}
    assert drafts == set(scenario.roles)
    for role, profile in summary["role_profiles"].items():
        text = (out / "roles" / f"{role}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {scenario.role_label(role)}\n")
        for section in ("## Purpose", "## Responsibilities, in order of time spent",
                        "## Hours and on-call", "## Platforms", "## The numbers behind it"):
            assert section in text
        for t in profile["tasks"]:
            if t["hours_per_week"] >= 0.05:
                name = t["task"][:1].upper() + t["task"][1:]
                assert f"| {name} | {t['hours_per_week']:.1f} |" in text, (role, name)
        assert_readers_words(text, result)


def test_the_community_managers_draft(university):
    text = job_description(university, "community_manager", source=UNIVERSITY)
    profile = university.summary()["role_profiles"]["community_manager"]
    first, second = profile["tasks"][:2]
    # responsibilities in order of time spent
    assert text.index(f"| {first['task']} |") < text.index(f"| {second['task']} |")
    purpose = text.split("## Purpose\n\n", 1)[1].split("\n", 1)[0]
    assert purpose.startswith("To answer the public's comments and messages on ")
    assert "Facebook" in purpose and "University central office" in purpose
    assert "Crisis on-call: **yes**" in text
    assert f"{profile['crisis_hours_per_year']:,.0f} hours a year" in text
    assert f"**{profile['on_duty_hours_per_week']:.1f} hours a week**" in text
    assert f"{profile['weekend_share']:.0%} at weekends" in text
    assert "weekdays 08:00-18:00, weekends 10:00-14:00" in text
    assert "$75,000 a year" in text
    # the numbers behind it carry the file's source comments
    assert "| Salary a year (Community manager) | 75,000 | ASSUMPTION: base ~58k x 1.3 |" in text
    assert "LiveAgent (B): 5 min per social inquiry" in text
    assert_readers_words(text, university)


def test_a_role_without_on_duty_hours_or_crises():
    r = simulate(load_scenario(EXAMPLE), runs=32, seed=1)
    text = job_description(r, "vertical_video_specialist")
    assert "No on-duty hours" in text
    assert "Crisis on-call: no" in text
    assert "To produce the programme's vertical video" in text
    # without the scenario file, every number reads as an assumption
    assert "| Vertical video: pieces a week | 2 / 4 / 6 (low / most likely / high) | " \
           "assumption |" in text
    assert_readers_words(text, r)


def test_a_role_with_no_work_says_so():
    r = simulate(load_scenario(EXAMPLE), runs=16, seed=1)
    text = job_description(r, "data_scientist")
    assert "no work" in text.split("## Purpose", 1)[1]


def test_labels_and_source_comments_are_in_readers_words(tmp_path):
    """A role key or an underscored word in a source comment becomes words."""
    src = tmp_path / "mine.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'vertical_video_specialist = { salary = 62000 }',
        'vertical_video_specialist = { salary = 62000 }  # as for community_manager, '
        'per the pay_scale')
    src.write_text(text, encoding="utf-8")
    s = with_values(load_scenario(src), {"roles.vertical_video_specialist.label": "Video lead"})
    r = simulate(s, runs=16, seed=1)
    draft = job_description(r, "vertical_video_specialist", source=src)
    assert draft.startswith("# Video lead\n")
    assert "as for Community manager, per the pay scale" in draft
    assert_readers_words(draft, r)


def test_office_hours_on_duty_read_as_daytime():
    from tests.conftest import minimal, scenario_of

    s = scenario_of(minimal(
        coverage={"weekdays": "09:00-17:00", "weekends": "", "holidays": "none",
                  "min_on_duty": 1},
        monitoring={"platforms": ["Instagram"], "minutes_per_covered_hour": 0,
                    "role": "community_manager"}))
    text = job_description(simulate(s, runs=8, seed=1), "community_manager")
    assert "**40.0 hours a week**, nearly all in the weekday daytime" in text
    assert "weekdays 09:00-17:00, weekends not covered; public holidays not covered" in text
    assert "Crisis on-call: no" in text
