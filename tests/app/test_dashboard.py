"""The dashboard driven in process: its controls are tied to scenario fields, and moving them
moves the outputs the right way. (tests/app/test_browser.py drives it in a real browser.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as W
import pytest

from estimator import load_scenario, with_values
from estimator.app.controls import minutes_text, rescale
from estimator.app.dashboard import CHART_TABS, Dashboard
from estimator.scenario import ScenarioError, get_value
from estimator.scenario.explain import explain, source_comments
from estimator.scenario.quantities import LogNormal, Pert
from tests.conftest import EXAMPLE, ROOT, SHIPPED

SCENARIOS = ROOT / "data" / "scenarios"
RUNS = 96  # three blocks of 32 runs: enough for the direction of a change, and quick


def dash_of(scenario: Any = "university", tmp_path: Path | None = None, **kw: Any) -> Dashboard:
    return Dashboard(scenario, preview_runs=RUNS, full_runs=160, save_dir=tmp_path, **kw)


def nudge(widget: W.ValueWidget) -> Any:
    """A different valid value for a widget, as a person would set it."""
    if isinstance(widget, W.Checkbox):
        return not widget.value
    if isinstance(widget, W.Dropdown):
        values = [v for _, v in widget.options]
        return next(v for v in values if v != widget.value)
    if isinstance(widget, W.BoundedFloatText):
        return widget.value + 0.5
    if isinstance(widget, W.IntRangeSlider):
        lo, hi = widget.value
        return (lo, hi - 1) if hi - lo > 1 else (lo, hi + 1)
    up = widget.value + max(widget.step, (widget.max - widget.min) / 7)
    return up if up <= widget.max else widget.value - max(widget.step, widget.value / 3)


def fte(dash: Dashboard, role: str) -> float:
    return dash.result.summary()["fte_by_role"][role]["p50"]


# --------------------------------------------------------------------------- controls <-> schema


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_control_maps_to_one_scenario_field(path: Path, monkeypatch) -> None:
    """Mesa's _check_model_params idea: a control that sets no field is an error. Each control's
    path resolves in the scenario, holds the control's starting value, and moving the control
    changes that field (and no other control's) in the scenario the dashboard runs."""
    dash = Dashboard(path, run_on_start=False)
    runs: list[int] = []
    monkeypatch.setattr(dash, "refresh", lambda: runs.append(1) or True)
    paths = [c.path for c in dash.controls]
    assert len(paths) == len(set(paths)), "one control per field"
    for control in dash.controls:
        assert get_value(dash.base, control.path) == control.base == control.value, control.path
    for control in dash.controls:
        before = get_value(dash.base, control.path)
        start = control.widget.value
        runs.clear()
        control.widget.value = nudge(control.widget)
        assert runs == [1], f"{control.path}: a change reruns the preview once"
        edited = dash.edited_scenario()
        assert get_value(edited, control.path) == control.value != before, control.path
        others = [c for c in dash.controls if c is not control]
        assert all(get_value(edited, c.path) == get_value(dash.base, c.path) for c in others)
        control.widget.value = start
        assert dash.edited_scenario() == dash.base, f"{control.path}: moving back restores it"


def test_the_levers_people_argue_about_are_all_there() -> None:
    scenario = load_scenario(SCENARIOS / "enterprise.toml")
    dash = Dashboard(scenario, run_on_start=False)
    paths = {c.path for c in dash.controls}
    for i, c in enumerate(scenario.channels):
        volume = "per_day" if c.per_day is not None else "replies_per_1000_audience_per_day"
        assert {f"channels.{i}.{volume}", f"channels.{i}.reply_within_minutes"} <= paths
    assert {f"content.{i}.per_week" for i in range(len(scenario.content))} <= paths
    assert {f"current_staff.{r}" for r in scenario.roles} <= paths
    assert {"coverage.weekdays", "coverage.weekends", "coverage.min_on_duty", "crises.per_year",
            "capacity.hours_per_week", "plan.percentile"} <= paths


def test_a_channel_given_by_audience_shows_messages_a_day() -> None:
    dash = Dashboard("university", run_on_start=False)
    ch = dash.base.channels[0]
    base = ch.replies_per_1000_audience_per_day
    control = dash.control("channels.0.replies_per_1000_audience_per_day")
    assert control.widget.value == pytest.approx(ch.audience / 1000 * base.mode)
    control.widget.value = 2 * control.widget.value
    rate = dash.edited_scenario().channels[0].replies_per_1000_audience_per_day
    assert rate.mode == pytest.approx(2 * base.mode)
    assert rate.high / rate.mode == pytest.approx(base.high / base.mode)


def test_rescale_keeps_the_relative_uncertainty() -> None:
    assert rescale(Pert(low=2, mode=4, high=8), 6) == {"low": 3.0, "mode": 6.0, "high": 12.0}
    assert rescale(Pert(low=0, mode=0, high=2), 1) == {"low": 1.0, "mode": 1.0, "high": 3.0}
    assert rescale(LogNormal(median=2, p90=6), 4) == {"median": 4.0, "p90": 12.0}
    assert rescale(5.0, 7) == 7.0
    with pytest.raises(ValueError, match="above 0"):
        rescale(LogNormal(median=2, p90=6), 0)
    assert [minutes_text(m) for m in (30, 60, 240, 1440, 2880)] == [
        "30 minutes", "1 hour", "4 hours", "1 day", "2 days"]


def test_a_scenario_without_todays_team_gets_one_from_the_boxes(tmp_path: Path) -> None:
    data = load_scenario(EXAMPLE).model_dump(exclude_none=True)
    data.pop("current_staff", None)
    from estimator.scenario import validate_scenario

    scenario = validate_scenario(data)
    dash = dash_of(scenario, tmp_path)
    assert "enter it under" in dash.today.value
    dash.control("current_staff.community_manager").widget.value = 1.0
    assert dash.edited.current_staff.shorthand == {"community_manager": 1.0}
    assert "Today's team" in dash.today.value and "overloaded" in dash.today.value


# --------------------------------------------------------------------------- outputs move right


def test_more_video_pieces_need_more_video_specialist_fte(tmp_path: Path) -> None:
    dash = dash_of("university", tmp_path)
    video = next(c for c in dash.controls
                 if c.path.startswith("content.") and "vertical video" in c.label.lower())
    before, headline, chart = (fte(dash, "vertical_video_specialist"), dash.headline.value,
                               bytes(dash.images[0].value))
    video.widget.value = video.widget.value * 2
    assert dash.error == ""
    assert fte(dash, "vertical_video_specialist") > before
    assert dash.headline.value != headline, "the headline follows"
    assert bytes(dash.images[0].value) != chart, "the chart on show is redrawn"
    assert dash.result.runs == RUNS and "Preview" in dash.status.value


def test_weekend_coverage_needs_more_community_manager_fte(tmp_path: Path) -> None:
    dash = dash_of("agency_client", tmp_path)
    weekends = dash.control("coverage.weekends")
    assert weekends.value == ""
    before = fte(dash, "community_manager")
    total = dash.result.summary()["fte_total"]["p50"]
    weekends.widget.value = True  # the "covered" box; hours from the range beside it
    assert dash.edited.coverage.weekends == "09:00-17:00"
    assert fte(dash, "community_manager") > before
    assert dash.result.summary()["fte_total"]["p50"] > total


def test_a_shorter_response_target_needs_no_fewer_staff(tmp_path: Path) -> None:
    dash = dash_of("university", tmp_path)
    before = dash.result.summary()
    for i in range(len(dash.base.channels)):
        target = dash.control(f"channels.{i}.reply_within_minutes")
        assert target.widget.value == 240
        target.widget.value = 60.0
    after = dash.result.summary()
    assert dash.edited.channels[0].reply_within_minutes == 60
    for role, stats in before["fte_by_role"].items():
        assert after["fte_by_role"][role]["p50"] >= stats["p50"] - 1e-9, role
    assert after["fte_total"]["p50"] >= before["fte_total"]["p50"]
    assert after["recommended_fte_total"] >= before["recommended_fte_total"]


def test_more_staff_today_means_fewer_weeks_overloaded(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    needed = dash.result.summary()["fte_total"]["p50"]
    over = dash.result.current_staff_summary()["weeks_overloaded_share"]
    dash.control("current_staff.community_manager").widget.value = 2.0
    assert dash.result.summary()["fte_total"]["p50"] == needed, "today's team is not the need"
    assert dash.result.current_staff_summary()["weeks_overloaded_share"] < over
    assert "2.25 FTE" in dash.today.value  # the coordinator's 0.25 and the 2.0 typed in


# --------------------------------------------------------------------------- bad values


def test_a_bad_value_shows_its_message_not_a_traceback(tmp_path: Path) -> None:
    heavy = with_values(load_scenario(SCENARIOS / "university.toml"),
                        {"capacity.training_hours_per_week": {"low": 8, "mode": 10, "high": 12}})
    dash = dash_of(heavy, tmp_path)
    headline = dash.headline.value
    hours = dash.control("capacity.hours_per_week")
    hours.widget.value = 10.0  # no time left after 12 hours of training
    assert "capacity.training_hours_per_week" in dash.error
    assert "cannot be estimated" in dash.message.value
    assert "Traceback" not in dash.message.value and "\n" not in dash.error
    assert dash.headline.value == headline, "the last valid numbers stay"
    hours.widget.value = 40.0
    assert dash.error == "" and dash.message.value == ""


def test_the_control_with_the_bad_value_is_outlined(tmp_path: Path) -> None:
    dash = dash_of("university", tmp_path)
    weekdays = dash.control("coverage.weekdays")
    weekdays.widgets[0].value = (8, 8)
    assert "coverage.weekdays" in dash.error and "start before the end" in dash.error
    assert weekdays.view.layout.border and "Covered hours, Monday to Friday" in dash.message.value
    weekdays.widgets[0].value = (8, 18)
    assert dash.error == "" and not weekdays.view.layout.border


def test_an_unexpected_failure_is_a_message_too(tmp_path: Path, monkeypatch) -> None:
    dash = dash_of("nonprofit", tmp_path)

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("estimator.app.dashboard.simulate", broken)
    dash.control("coverage.min_on_duty").widget.value = 2
    assert "disk on fire" in dash.error and "Traceback" not in dash.message.value


# --------------------------------------------------------------------------- charts, runs, picker


def test_hidden_chart_tabs_are_drawn_when_opened(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    assert bytes(dash.images[0].value).startswith(b"\x89PNG")
    assert all(bytes(im.value) == b"" for im in dash.images[1:]), "one chart per update: fast"
    for i in range(1, len(CHART_TABS)):
        dash.tabs.selected_index = i
        assert bytes(dash.images[i].value).startswith(b"\x89PNG")
    dash.tabs.selected_index = 2
    drawn, hidden = bytes(dash.images[2].value), bytes(dash.images[3].value)
    dash.control("coverage.min_on_duty").widget.value = 2
    assert bytes(dash.images[2].value) != drawn, "the tab on show is redrawn"
    assert bytes(dash.images[3].value) == hidden, "the others when they are opened"
    dash.tabs.selected_index = 3
    assert bytes(dash.images[3].value) != hidden


def test_full_run_and_reset(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    dash.control("crises.per_year").widget.value = 2.0
    changed = dash.headline.value
    dash.full_button.click()
    assert dash.result.runs == 160 and "Full run" in dash.status.value
    dash.reset_button.click()
    assert dash.edited == dash.base and dash.headline.value != changed
    assert dash.control("crises.per_year").value == get_value(dash.base, "crises.per_year")


def test_picking_another_scenario_rebuilds_the_controls(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    n = len(dash.controls)
    labels = [label for label, _ in dash.picker.options]
    assert len(labels) == len(SHIPPED) and any("enterprise.toml" in lab for lab in labels)
    dash.picker.value = str(SCENARIOS / "enterprise.toml")
    assert dash.base.scenario.name.startswith("Large enterprise")
    assert len(dash.controls) > n and "Large enterprise" in dash.headline.value
    assert dash.file_name.value == "enterprise-edited.toml"


# --------------------------------------------------------------------------- save and export


def test_save_never_overwrites_without_asking(tmp_path: Path) -> None:
    dash = dash_of("university", tmp_path)
    dash.control("coverage.weekends").widget.value = False
    dash.file_name.value = "weekdays-only"
    dash.save_button.click()
    saved = tmp_path / "weekdays-only.toml"
    first = saved.read_text(encoding="utf-8")
    assert load_scenario(saved).coverage.weekends == ""
    assert "# Started from university.toml" in first and "coverage.weekends" in first
    assert any(v == str(saved) for _, v in dash.picker.options), "offered in the picker"

    dash.control("coverage.min_on_duty").widget.value = 2
    dash.save_button.click()
    assert saved.read_text(encoding="utf-8") == first, "not replaced without asking"
    assert dash.overwrite_button.layout.display != "none" and "already exists" in (
        dash.file_message.value)
    dash.overwrite_button.click()
    assert load_scenario(saved).coverage.min_on_duty == 2
    assert dash.overwrite_button.layout.display == "none"

    dash.picker.value = str(saved)
    assert dash.base.coverage.min_on_duty == 2 and dash.source == saved


def test_save_refuses_a_bad_name_or_a_bad_scenario(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    dash.file_name.value = "  "
    dash.save_button.click()
    assert "file name" in dash.error and not list(tmp_path.glob("*.toml"))
    (tmp_path / "folder.toml").mkdir()
    dash.file_name.value = "folder.toml"
    dash.save_button.click()
    assert "folder" in dash.error
    dash.control("coverage.weekdays").widgets[0].value = (9, 9)
    dash.file_name.value = "broken.toml"
    dash.save_button.click()
    assert not (tmp_path / "broken.toml").exists() and "coverage.weekdays" in dash.error


def test_export_writes_every_chart_of_a_full_run(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    written = dash.export(tmp_path / "charts", formats=("png",))
    assert dash.result.runs == 160, "exports come from a full run, not the preview"
    assert sorted(p.stem for p in written) == sorted(
        ["fte_distribution", "fte_by_role", "fte_by_kind", "weekly_demand", "on_duty_heatmap",
         "risk_curve", "cost", "sensitivity", "todays_week", "roster", "variance_shares",
         "bad_years"])
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in written)
    assert "Saved 12 chart files" in dash.file_message.value


# --------------------------------------------------------------------------- notebook helpers


def test_explain_says_what_a_field_means_and_where_its_number_comes_from() -> None:
    path = SCENARIOS / "university.toml"
    table = explain(load_scenario(path), "capacity", path)
    rows = {r[0]: r for r in table.rows}
    assert "Paid vacation days" in rows["capacity.vacation_days"][1]
    assert "BLS" in rows["capacity.vacation_days"][4]
    assert "<table>" in table._repr_html_()
    content = explain(load_scenario(path), "content.5", path)
    assert any(r[0].startswith("content.5.effort_hours.") for r in content.rows)


def test_source_comments_follow_the_base_file() -> None:
    child = source_comments(SCENARIOS / "agency_client.toml")
    base = source_comments(SCENARIOS / "consumer_brand.toml")
    assert child["capacity.vacation_days"] == base["capacity.vacation_days"] != ""
    assert child["coverage.weekends"] != base.get("coverage.weekends")
    assert "content.0.per_week" in child


def test_the_people_view_shows_todays_people_the_headcount_and_the_roster(tmp_path: Path) -> None:
    from estimator.app.dashboard import PEOPLE_TAB

    dash = dash_of("nonprofit", tmp_path)
    assert CHART_TABS[PEOPLE_TAB][0] == "People"
    s = dash.result.summary()
    view = dash.people.value
    assert "Communications coordinator" in view and "0.25" in view  # today's people
    assert "Someone on today's team can do every role" in view
    assert f"<b>{s['headcount_total']}</b>" in view  # the headcount, and the roster's people
    rostered = s["headcount_detail"]["community_manager"]["rostered"]
    assert f"take <b>{rostered} {'person' if rostered == 1 else 'people'}</b> on shifts" in view
    assert f"{s['headcount_total']} people" in dash.headline.value
    dash.tabs.selected_index = PEOPLE_TAB
    assert dash.images[PEOPLE_TAB].value  # the roster chart is drawn when the tab opens
    # community managers alone: the view names the work nobody on the team can do
    from estimator import simulate
    from estimator.app.dashboard import people_html
    from estimator.scenario import with_values

    only = with_values(dash.edited, {"current_staff": {"community_manager": 3.0}})
    view = people_html(simulate(only, runs=RUNS, seed=1))
    assert "Nobody on today's team can do" in view and "Videographer / editor (" in view


def test_the_dashboard_rejects_an_unknown_scenario_name() -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        Dashboard("no-such-scenario", run_on_start=False)


def test_what_moves_it_shows_variance_shares_bad_years_and_swings(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    tab = [t for t, _ in CHART_TABS].index("What moves it")
    dash.tabs.selected_index = tab
    images = [bytes(im.value) for im in dash.tab_images[tab]]
    assert len(images) == 3 and all(im.startswith(b"\x89PNG") for im in images)
    assert len(set(images)) == 3


def test_full_run_to_a_precision(tmp_path: Path) -> None:
    dash = dash_of("nonprofit", tmp_path)
    dash.precision.value = 0.1
    assert "+/- 0.1" in dash.full_button.description
    assert dash.full_run()
    r = dash.result
    assert r.precision is not None and r.precision["reached"] and r.runs % 32 == 0
    assert "within the +/- 0.1 FTE asked" in dash.status.value and dash.is_full_run
    assert "How sure: P90" in dash.headline.value
