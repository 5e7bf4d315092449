"""The profile CSV reader and the command line, fuzzed: whatever the text or the arguments,
the answer is a result or one line naming the file and line (or the argument), exit 2; never
a traceback, never a hang, never anything written where it should not be."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator.app.cli import main
from estimator.scenario import ScenarioError
from estimator.scenario.profiles import WEEKDAYS, parse_profile
from tests.conftest import EXAMPLE, ROOT

CELLS = [(d, h) for d in range(7) for h in range(24)]


def profile_text(rows: list[tuple[str, str, str]], header: str = "weekday,hour,weight") -> str:
    return "# a comment\n" + header + "\n" + "".join(f"{d},{h},{w}\n" for d, h, w in rows)


def valid_rows(weights: list[float]) -> list[tuple[str, str, str]]:
    return [(WEEKDAYS[d], str(h), repr(w)) for (d, h), w in zip(CELLS, weights, strict=True)]


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=168, max_size=168)
       .filter(lambda w: sum(w) > 0), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_a_valid_profile_reads_back_its_weights_in_any_order(weights, rnd):
    rows = valid_rows(weights)
    rnd.shuffle(rows)
    got = parse_profile(profile_text(rows), "p.csv")
    expected = np.array(weights).reshape(7, 24)
    assert got == pytest.approx(expected / expected.mean())
    assert got.mean() == pytest.approx(1.0)


junk = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", " ", "-1", "24", "7", "1.5", "nan", "inf", "-inf", "1e400", "Mon",
                     "monday", "Funday", "0x1", "٣", "²", "1_0", "+1", "\x00", '"', "'"]),
)


@st.composite
def broken_profiles(draw):
    rows = valid_rows([1.0] * 168)
    kind = draw(st.sampled_from(["cell", "drop", "duplicate", "line", "header", "bytes"]))
    if kind == "cell":
        i = draw(st.integers(0, 167))
        col = draw(st.integers(0, 2))
        row = list(rows[i])
        row[col] = draw(junk)
        rows[i] = tuple(row)
    elif kind == "drop":
        i = draw(st.integers(0, 167))
        del rows[i]
    elif kind == "duplicate":
        i, j = draw(st.integers(0, 167)), draw(st.integers(0, 167))
        rows.insert(j, rows[i])
    elif kind == "line":
        return profile_text(rows) + draw(st.text(max_size=30)) + "\n"
    elif kind == "header":
        return profile_text(rows, header=draw(st.text(max_size=30)))
    else:
        return draw(st.binary(max_size=200)).decode("utf-8", "replace")
    return profile_text(rows)


@given(broken_profiles())
@settings(max_examples=300, deadline=None)
def test_a_broken_profile_is_one_line_naming_the_file(text):
    try:
        weights = parse_profile(text, "channels[0].profile: p.csv")
    except ScenarioError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith("channels[0].profile: p.csv")
        if "line " in message:
            line = int(message.split(" line ")[1].split(":")[0])
            assert 1 <= line <= text.count("\n") + 1
    else:  # accepted only when it really is a complete profile
        assert weights.shape == (7, 24) and np.isfinite(weights).all()
        assert (weights >= 0).all() and weights.mean() == pytest.approx(1.0)


@pytest.mark.parametrize("cell,row,needle", [
    (2, ("Mon", "0", ""), "line 3: weight: expected a finite number >= 0, got nothing"),
    (2, ("Mon", "0", "-1"), "line 3: weight: expected a finite number >= 0, got '-1'"),
    (2, ("Mon", "0", "inf"), "line 3: weight: expected a finite number >= 0, got 'inf'"),
    (2, ("Mon", "24", "1"), "line 3: hour: expected a whole hour 0-23, got '24'"),
    (2, ("Mon", "1.5", "1"), "line 3: hour: expected a whole hour 0-23, got '1.5'"),
    (2, ("7", "0", "1"), "line 3: weekday: expected Mon..Sun or 0-6 (Monday 0), got '7'"),
    (2, ("Mon", "1", "1"), "line 4: expected each weekday and hour once, got Mon 01:00 again"),
])
def test_each_bad_row_names_its_line(cell, row, needle):
    rows = valid_rows([1.0] * 168)
    rows[0] = row
    with pytest.raises(ScenarioError) as exc:
        parse_profile(profile_text(rows), "p.csv")
    assert str(exc.value) == f"p.csv {needle}" or needle in str(exc.value), str(exc.value)


def test_a_short_or_all_zero_profile_is_refused():
    rows = valid_rows([1.0] * 168)
    with pytest.raises(ScenarioError, match="expected 168 rows.*got 167.*missing Sun 23:00"):
        parse_profile(profile_text(rows[:-1]), "p.csv")
    with pytest.raises(ScenarioError, match="expected some weight above 0"):
        parse_profile(profile_text(valid_rows([0.0] * 168)), "p.csv")
    with pytest.raises(ScenarioError, match="not a profile CSV"):
        parse_profile("hello,world\n1,2\n", "p.csv")


def test_a_bad_profile_file_is_exit_2_naming_the_field_and_line(tmp_path, capsys):
    rows = valid_rows([1.0] * 168)
    rows[5] = ("Mon", "99", "1")
    (tmp_path / "p.csv").write_text(profile_text(rows))
    text = EXAMPLE.read_text().replace("[[channels]]\n", '[[channels]]\nprofile = "p.csv"\n', 1)
    (tmp_path / "s.toml").write_text(text)
    assert main(["validate", str(tmp_path / "s.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "channels[0].profile" in err and "p.csv line 8: hour: expected a whole hour" in err
    os.mkfifo(tmp_path / "f.csv")
    (tmp_path / "s.toml").write_text(text.replace("p.csv", "f.csv"))
    assert main(["validate", str(tmp_path / "s.toml")]) == 2
    assert "special file" in capsys.readouterr().err


# --------------------------------------------------------------------------- the command line

_TMP = Path(tempfile.mkdtemp(prefix="fuzz-cli-"))
(_TMP / "file.txt").write_text("a file\n")
(_TMP / "folder").mkdir(exist_ok=True)

SCENARIOS = [str(EXAMPLE), str(_TMP / "missing.toml"), str(_TMP / "folder"),
             str(_TMP / "file.txt"), "/dev/null", "", "-", "--", "data/scenarios/nonprofit.toml"]
VALUES = {
    "--runs": ["0", "-1", "abc", "1e3", "", "9", "1000000000", "9" * 40, " 5", "٣"],
    "--seed": ["-1", "x", "0", "2", "1" * 40],
    "--jobs": ["0", "-3", "1", "x", "100000", "9" * 30],
    "--percentile": ["nan", "inf", "-5", "150", "90", "x", "1e308"],
    # only targets that must be refused: a run that succeeded would write there
    "--out": [str(_TMP / "file.txt" / "x"), ".", "..", "out/..", str(_TMP / "file.txt"),
              str(_TMP / "folder" / "..")],
    "--scheduler": ["not an address", "tcp://", "", "tcp://host-without-port"],
    "--vary": ["", "=", "coverage.weekends", "nosuch.field=1", "plan.percentile=80,,",
               "plan.percentile=[", "channels.99.per_day=1", "plan.percentile=x"],
}
COMMANDS = ["run", "compare", "sweep", "validate", "schema", "nonsense", "--version"]


@st.composite
def command_lines(draw):
    argv = [draw(st.sampled_from(COMMANDS))]
    argv += draw(st.lists(st.sampled_from(SCENARIOS), max_size=2))
    for option in draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=3, unique=True)):
        values = st.sampled_from(VALUES[option])
        argv += [option, draw(values if option == "--out" else values | st.text(max_size=6))]
    if draw(st.booleans()):
        argv.append(draw(st.sampled_from(["--json", "--quiet", "--help", "--bogus", "-x"])))
    # keep the runs that do start cheap
    if "--runs" not in argv:
        argv += ["--runs", "8"]
    return argv


@given(argv=command_lines())
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_command_line_is_a_result_or_one_line(argv, capsys):
    before = sorted(p.name for p in ROOT.iterdir())
    status = main([*argv, "--jobs", "1"] if argv[0] in ("run", "compare", "sweep") else argv)
    captured = capsys.readouterr()
    assert status in (0, 2), (argv, captured.err)
    if status == 2:
        lines = [line for line in captured.err.splitlines() if line]
        # one line per problem ("estimator: error: ..." or argparse's "estimator run: error:")
        assert lines and all(line.startswith("estimator") and " error: " in line
                             for line in lines), (argv, captured.err)
        assert "Traceback" not in captured.err, (argv, captured.err)
    assert sorted(p.name for p in ROOT.iterdir()) == before  # nothing written in the repo
    assert sorted(p.name for p in _TMP.iterdir()) == ["file.txt", "folder"]
    assert not any((_TMP / "folder").iterdir())
