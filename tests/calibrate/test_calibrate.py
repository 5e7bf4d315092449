"""estimator calibrate: exports read in every layout and mess, a known process recovered,
the back-test, and the fragment loading as a base override."""

from __future__ import annotations

import codecs
import importlib.util
import tomllib
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from estimator.app.cli import main
from estimator.calibrate import ExportError, Options, back_test, calibrate, write_fragment
from estimator.calibrate.times import TimeReader, business_to_calendar_minutes, minutes, number
from estimator.scenario import load_scenario
from tests.conftest import ROOT

SAMPLES = ROOT / "data" / "samples"
UNIVERSITY = ROOT / "data" / "scenarios" / "university.toml"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_samples",
                                                  SAMPLES / "generate_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _csv(rows: list[tuple[datetime, str]]) -> bytes:
    lines = ["timestamp,platform"] + [f"{t.isoformat()},{p}" for t, p in rows]
    return ("\n".join(lines) + "\n").encode()


# --------------------------------------------------------------------------- recovery

KNOWN_START = date(2026, 1, 5)  # a Monday
KNOWN_CRISES = {30: 4.0, 75: 5.0, 150: 3.5}


@pytest.fixture(scope="module")
def known():
    rng = np.random.default_rng(11)
    rows = GEN.inbound_process(rng, KNOWN_START, 26,
                               {"Instagram": (40.0, 0.3, 0.0), "Facebook": (12.0, 0.5, 0.0)},
                               crises=KNOWN_CRISES)
    return calibrate([("known.csv", _csv(rows))])


def test_a_known_process_is_recovered(known):
    weights = GEN.hour_of_week_weights().reshape(7, 24)
    by = {ch.platform: ch for ch in known.channels}
    for platform, per_day, cv in (("Instagram", 40.0, 0.3), ("Facebook", 12.0, 0.5)):
        ch = by[platform]
        low, mode, high = ch.fit.per_day
        assert abs(mode - per_day) / per_day < 0.15, (platform, mode)
        assert low <= mode <= high
        assert abs(ch.fit.daily_cv - cv) < 0.1, (platform, ch.fit.daily_cv)
        corr = np.corrcoef(ch.profile.ravel(), weights.ravel())[0, 1]
        assert corr > 0.9, (platform, corr)
    found = {(e.first - KNOWN_START).days for e in known.crises}
    assert found == set(KNOWN_CRISES)
    assert known.crises_per_year()[1] == pytest.approx(3 / (182 / 365.25))


def test_no_crisis_is_found_in_a_process_without_one():
    rng = np.random.default_rng(5)
    rows = GEN.inbound_process(rng, KNOWN_START, 26, {"Instagram": (25.0, 0.35, 0.0)})
    cal = calibrate([("quiet.csv", _csv(rows))])
    assert cal.crises == []
    assert cal.busy == []


def test_growth_is_recovered_from_a_year():
    rng = np.random.default_rng(8)
    rows = GEN.inbound_process(rng, KNOWN_START, 52, {"Instagram": (30.0, 0.2, 0.5)})
    (ch,) = calibrate([("growing.csv", _csv(rows))]).channels
    low, mode, high = ch.fit.growth
    assert low < 0.5 < high
    assert abs(mode - 0.5) < 0.15


def test_a_busy_season_is_proposed_as_a_calendar_period_and_kept_out_of_per_day():
    rng = np.random.default_rng(4)
    rows = GEN.inbound_process(rng, KNOWN_START, 20, {"Instagram": (30.0, 0.25, 0.0)},
                               busy=(56, 69, 2.0))
    cal = calibrate([("busy.csv", _csv(rows))])
    (period,) = cal.busy
    assert (period.start, period.end) == (KNOWN_START + timedelta(56),
                                          KNOWN_START + timedelta(69))
    assert 1.7 < period.factor[1] < 2.3
    assert abs(cal.channels[0].fit.per_day[1] - 30) / 30 < 0.15
    assert cal.crises == []


# --------------------------------------------------------------------------- back-test

def _counts(per_day: np.ndarray, cv: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = 1 / cv**2
    return rng.poisson(per_day * rng.gamma(shape, 1 / shape, per_day.size)).astype(float)


def test_back_test_hits_a_steady_process_and_misses_a_jump():
    steady = _counts(np.full(7 * 30, 30.0), 0.3, 1)
    bt = back_test(steady, KNOWN_START)
    assert bt.fit_weeks == 20 and bt.held_out == 10
    assert bt.share >= 0.6
    level = np.full(7 * 30, 30.0)
    level[7 * 20:] = 60  # the held-out weeks double: no honest prediction covers them
    jump = back_test(_counts(level, 0.3, 1), KNOWN_START)
    assert jump.share <= 0.2
    assert "fell within the predicted P10-P90" in bt.sentence()


def test_the_back_test_is_in_the_fragment(tmp_path):
    out = tmp_path / "ours.toml"
    assert main(["calibrate", str(SAMPLES / "conversations_export.csv"),
                 "--out", str(out)]) == 0
    text = out.read_text()
    assert "back-test: fitted on the first 17 weeks" in text


# --------------------------------------------------------------------------- layouts

def test_every_layout_is_read():
    cal = calibrate([(p.name, p.read_bytes()) for p in (
        SAMPLES / "conversations_export.csv",  # Created at, Channel, business hours
        SAMPLES / "generic_messages.csv",  # timestamp, platform
        SAMPLES / "social_inbox_export.csv",  # the project's own
        SAMPLES / "inbox_report_utf16.tsv",  # UTF-16, preamble, Created Time, Network
    )])
    assert {ch.platform for ch in cal.channels} == {
        "Instagram", "Facebook", "X", "TikTok", "YouTube", "LinkedIn"}
    layouts = {n.name: (n.layout, n.encoding) for n in cal.notes}
    assert layouts["conversations_export.csv"] == ("inbound messages", "UTF-8 with BOM")
    assert layouts["inbox_report_utf16.tsv"] == ("inbound messages", "UTF-16")


def test_a_medium_column_and_the_meta_posts_export():
    text = "Created at,Medium,Subject\n" + "".join(
        f"2026-0{1 + d // 28}-{1 + d % 28:02d} 10:00,Facebook,hi\n" for d in range(56))
    cal = calibrate([("help.csv", text.encode()),
                     ("posts.csv", (SAMPLES / "meta_posts_export.csv").read_bytes())])
    assert cal.channels[0].platform == "Facebook"
    by = {f.name: f for f in cal.formats}
    assert set(by) == {"photos", "reels", "links", "videos"}
    assert 2.5 <= by["reels"].per_week[1] <= 5.5  # generated at 4 a week
    assert by["reels"].weeks == 12


def test_the_shipped_samples_are_what_the_generator_writes(tmp_path):
    written = GEN.conversations(np.random.default_rng([GEN.SEED, 1]), tmp_path / "c.csv")
    assert written.read_bytes() == (SAMPLES / "conversations_export.csv").read_bytes()


# --------------------------------------------------------------------------- mess

def test_times_with_and_without_offsets_are_local():
    reader = TimeReader(None)
    assert reader.parse("2026-09-07T08:04:39-04:00") == datetime(2026, 9, 7, 8, 4, 39)
    assert reader.parse("2026-09-07 08:04") == datetime(2026, 9, 7, 8, 4)
    assert "1 with a UTC offset" in reader.describe() and "1 without" in reader.describe()
    from zoneinfo import ZoneInfo

    ny = TimeReader(ZoneInfo("America/New_York"))
    assert ny.parse("2026-09-07T12:00:00Z") == datetime(2026, 9, 7, 8, 0)
    assert ny.parse("2026-12-07T12:00:00Z") == datetime(2026, 12, 7, 7, 0)  # winter time
    assert "converted to America/New_York" in ny.describe()
    us = TimeReader(None)
    assert us.parse("09/07/2026 08:04 PM") == datetime(2026, 9, 7, 20, 4)


def test_numbers_and_durations_as_spreadsheets_write_them():
    assert number("1,234") == 1234 and number("12.5") == 12.5 and number("") is None
    assert minutes("1,234", "First response time (minutes)") == 1234
    assert minutes("90", "Response time (seconds)") == 1.5
    assert minutes("01:30:00", "Response time") == 90
    assert minutes("1h 23m", "Response time") == 83


def test_business_hours_become_calendar_minutes():
    friday = datetime(2026, 9, 4, 16, 30)
    assert business_to_calendar_minutes(friday, 60, (9, 17)) == 3900  # Monday 09:30: 65 hours later
    rng = np.random.default_rng(3)
    for _ in range(50):  # the generator's own business-hours clock, inverted
        created = datetime(2026, 9, 7, 9) + timedelta(minutes=float(rng.integers(0, 4 * 1440)))
        replied = created + timedelta(minutes=float(rng.integers(1, 3000)))
        if created.weekday() >= 5 or not 9 <= created.hour < 17 or replied.weekday() >= 5 \
                or not 9 <= replied.hour < 17:
            continue
        business = GEN.business_minutes(created, replied)
        calendar = business_to_calendar_minutes(created, business, (9, 17))
        assert calendar == pytest.approx((replied - created).total_seconds() / 60)


def _steady_rows(days: int = 21) -> list[str]:
    return [f"2026-03-{2 + d:02d}T{h:02d}:15:00" for d in range(days) for h in (9, 13, 17)]


def test_a_bom_utf16_and_preamble_are_read():
    body = "timestamp,platform\n" + "".join(f"{t},Instagram\n" for t in _steady_rows())
    for data in (codecs.BOM_UTF8 + body.encode(),
                 ("Report: inbox\nDate range: March\n\n" + body).encode("utf-16"),
                 ("# exported by a tool\n" + body.replace(",", "\t")).encode("utf-16-le")):
        cal = calibrate([("x.csv", data)])
        assert cal.channels[0].messages == 63


def test_rows_without_a_time_are_skipped_and_named():
    lines = [f"{t},Instagram" for t in _steady_rows()]
    lines[4] = ",Instagram"
    cal = calibrate([("gaps.csv", ("timestamp,platform\n" + "\n".join(lines)).encode())])
    assert cal.channels[0].messages == 62
    assert cal.notes[0].skipped == ["1 rows without a time skipped (first at row 6, "
                                    "column 'timestamp')"]


@pytest.mark.parametrize(("text", "message"), [
    ("timestamp,platform\n2026-03-02T09:00,Instagram\nyesterday,Instagram\n",
     "bad.csv: row 3, column 'timestamp': expected a date and time"),
    ("Created at,Subject,Assignee\n2026-03-02 09:00,hi,AK\n",
     "bad.csv: no platform or channel column (looked for 'platform', 'Medium', 'Channel', "
     "'Network'; or give --platform); saw 'Created at', 'Subject', 'Assignee'"),
    ("Subject,Platform\nhi,Instagram\n",
     "bad.csv: no header line with the columns an export needs; saw 'Subject', 'Platform'"),
    ("timestamp,platform,needs_reply\n2026-03-02T09:00,Instagram,maybe\n",
     "bad.csv: row 2, column 'needs_reply': expected true or false, got 'maybe'"),
    ("Publish time,Reach\n09/07/2026 08:00,1\n",
     "bad.csv: a posts export needs a post type column"),
    ("", "bad.csv: the file is empty"),
])
def test_bad_exports_are_one_line_errors(text, message):
    with pytest.raises(ExportError) as exc:
        calibrate([("bad.csv", text.encode())])
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_the_cli_exits_2_and_writes_nothing_on_error(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,platform\n2026-03-02T09:00,Instagram\n31/31/2026 9:00,X\n")
    out = tmp_path / "out" / "ours.toml"
    out.parent.mkdir()
    assert main(["calibrate", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "row 3, column 'timestamp'" in err
    assert list(out.parent.iterdir()) == []
    assert main(["calibrate", str(SAMPLES / "generic_messages.csv"), "--out", str(out),
                 "--timezone", "Mars/Olympus"]) == 2
    assert list(out.parent.iterdir()) == []


# --------------------------------------------------------------------------- fragment

def test_the_fragment_runs_as_a_base_override(tmp_path):
    from estimator import simulate

    out = tmp_path / "ours.toml"
    assert main(["calibrate", str(SAMPLES / "conversations_export.csv"),
                 str(SAMPLES / "published_posts_export.csv"),
                 "--scenario", str(UNIVERSITY), "--out", str(out)]) == 0
    data = tomllib.loads(out.read_text())
    assert data["base"] == "university.toml"  # a shipped scenario, found from any folder
    scenario = load_scenario(out)
    base = load_scenario(UNIVERSITY)
    ig = next(ch for ch in scenario.channels if ch.platform == "Instagram")
    assert 26 < ig.per_day.mode < 35  # generated at 30 a day
    assert ig.profile == "ours_instagram.csv" and (tmp_path / ig.profile).is_file()
    assert {ch.platform for ch in base.channels} <= {ch.platform for ch in scenario.channels}
    assert scenario.crises.severity == base.crises.severity  # tables merge key by key
    assert scenario.crises.per_year != base.crises.per_year
    result = simulate(scenario, runs=32, seed=1)
    assert result.summary()["fte_total"]["p50"] > 0


def test_every_number_says_where_it_came_from(tmp_path):
    out = tmp_path / "f.toml"
    rng = np.random.default_rng(2)
    rows = GEN.inbound_process(rng, KNOWN_START, 12, {"Instagram": (20.0, 0.3, 0.0)},
                               crises={20: 8.0})
    cal = calibrate([("known.csv", _csv(rows))], Options())
    write_fragment(cal, out)
    for line in out.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")) and not line.startswith(
                ("name", "share", "platform", "kind")):
            assert "#" in line, line
    data = tomllib.loads(out.read_text())
    assert KNOWN_START + timedelta(20) in {e.first for e in cal.crises}
    assert data["crises"]["per_year"]["mode"] == pytest.approx(
        len(cal.crises) / (84 / 365.25), rel=0.01)
    assert data["crises"]["severity"][0]["share"] == 1
    csv_text = (tmp_path / "f_instagram.csv").read_text()
    assert csv_text.count("\n") == 3 + 168


# --------------------------------------------------------------------------- dashboard

def test_the_dashboard_loads_an_export_and_applies_it(tmp_path):
    from estimator.app.dashboard import Dashboard

    dash = Dashboard("university", preview_runs=32, full_runs=64, save_dir=tmp_path,
                     run_on_start=False)
    assert dash.apply_button.disabled
    data = (SAMPLES / "conversations_export.csv").read_bytes()
    dash.upload.value = ({"name": "conversations_export.csv", "type": "text/csv",
                          "size": len(data), "content": memoryview(data),
                          "last_modified": datetime(2026, 9, 1)},)
    assert not dash.apply_button.disabled and "Instagram 30.3 a day" in \
        dash.calibration_message.value
    dash.apply_button.click()
    assert dash.error == ""
    ig = next(ch for ch in dash.base.channels if ch.platform == "Instagram")
    assert ig.per_day.mode == pytest.approx(30.3)
    assert dash.source == tmp_path / "university-calibrated.toml"
    assert dash.result is not None
    assert (tmp_path / "university-calibrated_instagram.csv").is_file()


def test_the_shared_part_of_busy_days_is_recovered():
    from estimator.engine.volumes import day_factor_cvs

    shared_cv, own_cv = day_factor_cvs(0.4, 0.5)
    rng = np.random.default_rng(21)
    rows = GEN.inbound_process(rng, KNOWN_START, 40, {"Instagram": (60.0, own_cv, 0.0),
                                                      "Facebook": (40.0, own_cv, 0.0)},
                               shared_cv=shared_cv)
    cal = calibrate([("shared.csv", _csv(rows))])
    share, pairs, _days = cal.shared_day
    assert pairs == 1 and abs(share - 0.5) < 0.15
    for ch in cal.channels:
        assert abs(ch.fit.daily_cv - 0.4) < 0.1
    rng = np.random.default_rng(22)
    rows = GEN.inbound_process(rng, KNOWN_START, 40, {"Instagram": (60.0, 0.4, 0.0),
                                                      "Facebook": (40.0, 0.4, 0.0)})
    assert calibrate([("own.csv", _csv(rows))]).shared_day[0] < 0.15
