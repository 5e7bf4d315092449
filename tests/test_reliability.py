"""The guarantees under hostile input and odd output targets (issue 15): one line, exit 2,
nothing written, nothing read that should not be; output folders that never lose a file the
estimator did not write; strict JSON; text cells that never become formulas."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from estimator import load_scenario
from estimator.app.cli import main
from estimator.report import files
from estimator.scenario import ScenarioError
from estimator.scenario.loading import MAX_BASE_CHAIN, MAX_DEPTH, load_scenario_bytes
from estimator.scenario.paths import DATA_DIR
from tests.conftest import EXAMPLE, ROOT

RUN = ["--runs", "32", "--jobs", "1", "--quiet"]


def one_line_error(capsys, needle: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("estimator: error: "), err
    assert "Traceback" not in err and needle in err, err
    return err


def with_profile(profile: str) -> str:
    """The example scenario with its first channel reading ``profile``."""
    text = EXAMPLE.read_text()
    assert "[[channels]]\n" in text and "profile =" not in text
    return text.replace("[[channels]]\n", f'[[channels]]\nprofile = "{profile}"\n', 1)


def strict_loads(text: str):
    def refuse(name):
        raise AssertionError(f"not strict JSON: {name}")
    return json.loads(text, parse_constant=refuse)


# --------------------------------------------------------------------------- output folders


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A finished run folder (no charts: they are the slow part and change nothing here)."""
    from estimator import simulate
    from estimator.report.outputs import write_run_outputs

    result = simulate(load_scenario(EXAMPLE), runs=32, seed=1)
    out = tmp_path_factory.mktemp("runs") / "out"
    write_run_outputs(result, out, charts=False)
    return result, out


def test_a_run_folder_lists_what_it_wrote(written):
    _, out = written
    manifest = json.loads((out / files.MANIFEST).read_text())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {files.MANIFEST}
    assert files.foreign_files(out) == []


def test_a_folder_with_a_users_file_is_never_replaced(written, tmp_path, capsys):
    result, out = written
    from estimator.report.outputs import write_run_outputs

    folder = tmp_path / "mine"
    write_run_outputs(result, folder, charts=False)
    (folder / "thesis.docx").write_bytes(b"two years of work")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert main(["run", str(EXAMPLE), *RUN, "--out", str(folder)]) == 2
    one_line_error(capsys, "holds files the estimator did not write (thesis.docx); "
                           "choose another folder")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_folder_with_an_edited_output_is_never_replaced(written, tmp_path, capsys):
    result, _ = written
    from estimator.report.outputs import write_run_outputs

    folder = tmp_path / "edited"
    write_run_outputs(result, folder, charts=False)
    (folder / "summary.csv").write_text("my own numbers\n")
    with pytest.raises(ScenarioError, match=r"did not write \(summary.csv\)"):
        write_run_outputs(result, folder, charts=False)
    assert (folder / "summary.csv").read_text() == "my own numbers\n"


def test_an_old_style_folder_without_a_manifest_is_kept(tmp_path, capsys):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "summary.json").write_text("{}")
    (folder / "notes.txt").write_text("mine")
    assert main(["run", str(EXAMPLE), *RUN, "--out", str(folder)]) == 2
    one_line_error(capsys, "did not write")
    assert (folder / "notes.txt").read_text() == "mine"


def test_an_unchanged_output_folder_is_replaced(written, tmp_path):
    result, _ = written
    from estimator.report.outputs import write_run_outputs

    folder = tmp_path / "again"
    write_run_outputs(result, folder, charts=False)
    (folder / "summary.json").unlink()  # a file taken away is fine: nothing of theirs is lost
    write_run_outputs(result, folder, charts=False)
    assert (folder / "summary.json").exists() and files.foreign_files(folder) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("target", [".", "out/..", "..", "./", "/"])
def test_the_current_folder_and_above_are_refused(target, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("keep")
    assert main(["run", str(EXAMPLE), *RUN, "--out", target]) == 2
    one_line_error(capsys, "out: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_an_out_under_a_file_or_a_link_is_refused(tmp_path, capsys):
    (tmp_path / "file.txt").write_text("x")
    assert main(["run", str(EXAMPLE), *RUN, "--out", str(tmp_path / "file.txt" / "sub")]) == 2
    one_line_error(capsys, "which is a file, not a folder")
    assert main(["run", str(EXAMPLE), *RUN, "--out", str(tmp_path / "file.txt")]) == 2
    one_line_error(capsys, "expected a folder, got the file")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert main(["run", str(EXAMPLE), *RUN, "--out", str(tmp_path / "link")]) == 2
    one_line_error(capsys, "symbolic link")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "link", "real"]


def _partial(parent: Path, name: str, pid: int, host: str | None = None) -> Path:
    p = parent / f".{name}.abc123.partial"
    p.mkdir()
    (p / "summary.json").write_text("{}")
    (p / files.PARTIAL_MARKER).write_text(json.dumps(
        {"pid": pid, "host": host or files._host(), "target": name}))
    return p


def test_stale_partial_folders_of_dead_runs_are_removed_and_no_others(tmp_path):
    import subprocess

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = _partial(tmp_path, "out", dead.pid)
    alive = tmp_path / ".out.live00.partial"
    alive.mkdir()
    (alive / files.PARTIAL_MARKER).write_text(json.dumps(
        {"pid": os.getpid(), "host": files._host(), "target": "out"}))
    elsewhere = tmp_path / ".out.other0.partial"
    elsewhere.mkdir()
    (elsewhere / files.PARTIAL_MARKER).write_text(json.dumps(
        {"pid": dead.pid, "host": "another-machine", "target": "out"}))
    foreign = tmp_path / ".out.users0.partial"  # a user's folder that merely looks like ours
    foreign.mkdir()
    (foreign / "data.txt").write_text("mine")
    with files.atomic_dir(tmp_path / "out") as tmp:
        (tmp / "a.txt").write_text("a")
    assert not stale.exists()
    assert alive.exists() and elsewhere.exists() and (foreign / "data.txt").exists()
    assert (tmp_path / "out" / "a.txt").read_text() == "a"
    assert not (tmp_path / "out" / files.PARTIAL_MARKER).exists()


def test_a_failed_block_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), files.atomic_dir(tmp_path / "out") as tmp:
        (tmp / "a.txt").write_text("a")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- strict JSON


def test_json_output_is_strict_with_frequent_crises(tmp_path, capsys):
    text = EXAMPLE.read_text().replace("per_year = { low = 1, mode = 3, high = 6 }",
                                       "per_year = 2000")
    path = tmp_path / "crises.toml"
    path.write_text(text)
    assert main(["run", str(path), *RUN, "--json"]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out
    summary = strict_loads(out)
    # every week has a crisis: a typical week's demand is undefined, written as null
    assert summary["current_staff"]["crisis_week"]["typical_week_demand_hours_p50"] is None
    from estimator import simulate
    from estimator.report.tables import write_tables

    (tmp_path / "out").mkdir()
    write_tables(simulate(load_scenario(path), runs=32, seed=1), tmp_path / "out")
    for p in (tmp_path / "out").rglob("*.json"):
        strict_loads(p.read_text())


def test_dumps_turns_every_non_finite_number_into_null():
    data = {"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": np.float32("nan"),
            "d": np.array([1.0, np.nan]), "e": {"f": np.int64(3)}}
    assert strict_loads(files.dumps(data)) == {
        "a": None, "b": [None, None, 1.5], "c": None, "d": [1.0, None], "e": {"f": 3}}


# --------------------------------------------------------------------------- formula injection


EVIL = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(A1)",
        "\tTAB", "\rCR"]


def test_text_cells_are_never_formulas(tmp_path):
    from openpyxl import load_workbook

    from estimator import simulate
    from estimator.report.workbook import write_workbook
    from estimator.scenario import with_values

    base = load_scenario(EXAMPLE)
    s = with_values(base, {"scenario.name": EVIL[0],
                           "roles.writer.label": "=1+1"})
    result = simulate(s, runs=32, seed=1)
    path = write_workbook(result, tmp_path / "w.xlsx")
    wb = load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "=1+1" in texts and EVIL[0] in texts  # kept as the text it is
    assert EVIL[0] in wb.properties.title


def test_csv_text_cells_are_escaped_and_numbers_stay_numbers(tmp_path):
    import csv

    rows = [{"label": t, "value": -1.5, "count": -3, "text_number": "-4.5"} for t in EVIL]
    files.write_csv(rows, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(newline="") as fh:
        read = list(csv.DictReader(fh))
    assert [r["label"] for r in read] == ["'" + t for t in EVIL]
    assert {r["value"] for r in read} == {"-1.5"} and {r["count"] for r in read} == {"-3"}
    assert {r["text_number"] for r in read} == {"-4.5"}


# --------------------------------------------------------------------------- bad input files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    assert main(["validate", str(fifo)]) == 2
    one_line_error(capsys, "special file")
    base = tmp_path / "child.toml"
    base.write_text('base = "s.toml"\n')
    assert main(["validate", str(base)]) == 2
    one_line_error(capsys, "special file")


@pytest.mark.parametrize("path,needle", [("/dev/zero", "special file"),
                                          ("/dev/null", "special file")])
def test_devices_are_refused(path, needle, capsys):
    if not Path(path).exists():
        pytest.skip(f"no {path}")
    assert main(["run", path, *RUN]) == 2
    one_line_error(capsys, needle)


def test_a_folder_a_symlink_loop_and_a_huge_file_are_refused(tmp_path, capsys):
    assert main(["run", str(tmp_path), *RUN]) == 2
    one_line_error(capsys, "got a folder")
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    assert main(["run", str(tmp_path / "a.toml"), *RUN]) == 2
    one_line_error(capsys, "loop of symbolic links")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 2_000_000 + "\n")
    assert main(["validate", str(big)]) == 2
    one_line_error(capsys, "at most 1,000,000 bytes")


def test_deep_nesting_and_long_base_chains_are_refused(tmp_path, capsys):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["validate", str(deep)]) == 2
    one_line_error(capsys, "not a scenario file")
    deepish = tmp_path / "deepish.toml"
    deepish.write_text("x = " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n")
    assert main(["validate", str(deepish)]) == 2
    one_line_error(capsys, f"x: expected tables and lists nested at most {MAX_DEPTH} deep")
    dotted = tmp_path / "dotted.toml"
    dotted.write_text("a" + ".a" * 3000 + " = 1\n")
    assert main(["validate", str(dotted)]) == 2
    one_line_error(capsys, "nested")
    for i in range(MAX_BASE_CHAIN + 5):
        (tmp_path / f"c{i}.toml").write_text(f'base = "c{i + 1}.toml"\n')
    (tmp_path / f"c{MAX_BASE_CHAIN + 5}.toml").write_text(EXAMPLE.read_text())
    assert main(["validate", str(tmp_path / "c0.toml")]) == 2
    one_line_error(capsys, f"base: expected a chain of at most {MAX_BASE_CHAIN} base files")


def test_a_file_that_is_not_toml_is_never_quoted(tmp_path, capsys):
    secret = tmp_path / "secret.toml"
    secret.write_text("root:x:0:0:SECRET-PASSWORD:/root:/bin/bash\nline two\n")
    child = tmp_path / "child.toml"
    child.write_text('base = "secret.toml"\n')
    for path in (secret, child):
        assert main(["validate", str(path)]) == 2
        err = one_line_error(capsys, "not a scenario file (not valid TOML at line 1)")
        assert "SECRET" not in err and "root:x" not in err


def test_base_and_profile_are_confined(tmp_path, monkeypatch, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.toml").write_text(EXAMPLE.read_text())
    (outside / "p.csv").write_text((DATA_DIR / "profiles" / "flat.csv").read_text())
    home = tmp_path / "home"
    home.mkdir()
    child = home / "child.toml"
    child.write_text(f'base = "{(outside / "other.toml").as_posix()}"\n')
    assert main(["validate", str(child)]) == 2
    one_line_error(capsys, "base: expected a file in the scenario's folder")
    child.write_text('base = "../outside/other.toml"\n')
    assert main(["validate", str(child)]) == 2
    one_line_error(capsys, "base: expected a file in the scenario's folder")
    child.write_text('base = "/etc/passwd"\n')
    assert main(["validate", str(child)]) == 2
    err = one_line_error(capsys, "base: expected a file in the scenario's folder")
    assert "root:" not in err
    # a profile outside: refused; the same allowed by ESTIMATOR_ALLOW_PATHS
    text = with_profile(f"{outside}/p.csv")
    assert str(outside) in text
    (home / "s.toml").write_text(text)
    assert main(["validate", str(home / "s.toml")]) == 2
    one_line_error(capsys, "channels[0].profile: expected a file in the scenario's folder")
    monkeypatch.setenv("ESTIMATOR_ALLOW_PATHS", os.pathsep.join(["/nonexistent", str(outside)]))
    assert main(["validate", str(home / "s.toml")]) == 0
    child.write_text('base = "../outside/other.toml"\n')
    assert main(["validate", str(child)]) == 0
    capsys.readouterr()


def test_a_profile_beside_the_scenario_is_read_relative_to_it(tmp_path, monkeypatch):
    (tmp_path / "p.csv").write_text((DATA_DIR / "profiles" / "flat.csv").read_text())
    text = with_profile("p.csv")
    (tmp_path / "s.toml").write_text(text)
    monkeypatch.chdir(ROOT / "docs")  # not where the scenario is
    from estimator.engine.compile import compile_model

    compile_model(load_scenario(tmp_path / "s.toml"))
    # the same scenario with no folder (built in code, or uploaded) cannot name a relative CSV
    import tomllib

    from estimator.scenario import validate_scenario

    with pytest.raises(ScenarioError, match=r"channels\[0\]\.profile: expected a profile"):
        compile_model(validate_scenario(tomllib.loads(text)))


def test_base_finds_a_shipped_scenario_by_name_from_anywhere(tmp_path):
    for name in ("university.toml", "university"):
        (tmp_path / "mine.toml").write_text(
            f'base = "{name}"\n[scenario]\nname = "Ours"\nyear = 2027\n')
        s = load_scenario(tmp_path / "mine.toml")
        assert s.scenario.name == "Ours"
        assert s.roles == load_scenario(DATA_DIR / "scenarios" / "university.toml").roles
    # a file of that name beside the scenario wins
    (tmp_path / "university.toml").write_text(EXAMPLE.read_text())
    (tmp_path / "mine.toml").write_text('base = "university.toml"\n')
    assert load_scenario(tmp_path / "mine.toml").roles == load_scenario(EXAMPLE).roles


def test_an_upload_reads_no_server_path(tmp_path):
    s = load_scenario_bytes(b'base = "nonprofit.toml"\n[scenario]\nname = "Up"\nyear = 2027\n')
    assert s.scenario.name == "Up"
    for bad, needle in [(b'base = "/etc/passwd"\n', "base: expected the name of a shipped"),
                        (b'base = "../../etc/x.toml"\n', "base: expected the name of a shipped"),
                        (b"\xff\xfe", "not UTF-8"), (b"a = ]", "not valid TOML at line 1"),
                        (b"x" * 2_000_000, "at most 1,000,000 bytes")]:
        with pytest.raises(ScenarioError, match=re.escape(needle)):
            load_scenario_bytes(bad)
    text = with_profile("/etc/x.csv")
    from estimator.engine.compile import compile_model

    with pytest.raises(ScenarioError, match=r"channels\[0\]\.profile"):
        compile_model(load_scenario_bytes(text.encode()))


def test_the_dashboard_loads_and_saves_only_in_its_folders(tmp_path):
    pytest.importorskip("ipywidgets")
    from estimator.app.dashboard import Dashboard

    dash = Dashboard(save_dir=tmp_path / "saved")
    for bad in ("/etc/passwd", str(EXAMPLE)):
        with pytest.raises(ScenarioError, match="scenario: expected a file in"):
            dash.load(bad)
    for name in ("/tmp/evil.toml", "../evil.toml", "sub/evil.toml", ".hidden.toml"):
        dash.file_name.value = name
        with pytest.raises(ScenarioError, match="file name: expected a file name"):
            dash.save_path()
    dash.file_name.value = "fine"
    assert dash.save_path() == tmp_path / "saved" / "fine.toml"


# --------------------------------------------------------------------------- bad fields


def test_extra_holidays_outside_the_year_and_subdivisions_are_named(tmp_path, capsys):
    text = EXAMPLE.read_text()
    assert "[scenario]\n" in text
    cases = [
        ("extra_holidays = [2027-03-03, 2031-12-24]",
         "scenario.extra_holidays[1]: expected a date in the planning year 2027"),
        ('country = "US"\nsubdivision = "ZZ"',
         "scenario.subdivision: expected a subdivision of US"),
    ]
    for i, (lines, needle) in enumerate(cases):
        body = re.sub(r"(?m)^(country|subdivision|extra_holidays) = .*\n", "", text)
        path = tmp_path / f"s{i}.toml"
        path.write_text(body.replace("[scenario]\n", f"[scenario]\n{lines}\n", 1))
        assert main(["validate", str(path)]) == 2
        one_line_error(capsys, needle)


def test_too_many_runs_are_refused_with_the_number_that_fits(capsys):
    assert main(["run", str(EXAMPLE), "--runs", "1000000000", "--jobs", "1"]) == 2
    err = one_line_error(capsys, "runs: expected a number of runs that fits in memory")
    fit = int(re.search(r"at most ([\d,]+) runs fit", err)[1].replace(",", ""))
    assert 1000 < fit < 1_000_000_000


def test_the_memory_check_measures_what_a_run_keeps():
    from estimator import simulate
    from estimator.engine.compile import compile_model
    from estimator.engine.memory import PEAK_FACTOR, bytes_per_run, check_memory

    model = compile_model(load_scenario(EXAMPLE))
    result = simulate(load_scenario(EXAMPLE), runs=64, seed=1)
    kept = (sum(a.nbytes for a in result.arrays.values())
            + sum(a.nbytes for a in result.inputs.values())) / 64
    assert bytes_per_run(model) == pytest.approx(kept, rel=0.01)
    check_memory([model], 1000, free=10**9)  # fits
    with pytest.raises(ScenarioError, match="at most"):
        check_memory([model], 10**6, free=int(10**6 * kept * PEAK_FACTOR))


def test_a_scheduler_that_is_not_an_address_is_one_line(capsys):
    pytest.importorskip("distributed")
    for address in ("not an address", "tcp://host-without-port"):
        assert main(["run", str(EXAMPLE), *RUN, "--scheduler", address]) == 2
        one_line_error(capsys, "scheduler: expected a Dask scheduler address")


def test_a_huge_number_of_workers_is_refused(capsys):
    assert main(["run", str(EXAMPLE), "--runs", "32", "--jobs", "100000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "jobs: expected a whole number from 1 to 256" in err
