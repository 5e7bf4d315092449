"""Batches: compare and sweep give the numbers separate runs give, in any number of workers
or on a Dask cluster; bad inputs are reported while the rest completes; folders are atomic."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from estimator import batch, load_scenario, simulate, with_values
from estimator.app.cli import main
from estimator.batch import compare, parse_value, parse_vary, simulate_many, sweep
from estimator.engine import runner
from estimator.scenario import ScenarioError
from tests.conftest import EXAMPLE, ROOT

RUNS = 96  # three 32-run blocks: with chunk_runs=32 every batch has several chunks


def _variant(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """A copy of the example scenario with some lines changed, written to tmp_path."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def busier(tmp_path: Path) -> Path:
    """The example with more Instagram messages and longer weekend coverage."""
    return _variant(
        tmp_path, "busier.toml",
        ('name = "Mid-size university"', 'name = "Busier university"'),
        ("per_day = { low = 40, mode = 60, high = 100 }",
         "per_day = { low = 60, mode = 90, high = 150 }"),
        ('weekends = "10:00-14:00"', 'weekends = "09:00-17:00"'),
    )


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return _variant(tmp_path, "broken.toml",
                    ('weekends = "10:00-14:00"', 'weekends = "10:00-25:00"'))


def _same_arrays(a, b) -> None:
    assert a.runs == b.runs and a.seed == b.seed
    assert set(a.arrays) == set(b.arrays)
    for key in a.arrays:
        np.testing.assert_array_equal(a.arrays[key], b.arrays[key], err_msg=key)
    for key in a.inputs:
        np.testing.assert_array_equal(a.inputs[key], b.inputs[key], err_msg=key)


def _without_times(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "created"}


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "field", "values"),
    [
        ("coverage.weekends=08:00-18:00,", "coverage.weekends", ["08:00-18:00", ""]),
        ("channels.0.per_day=80,100", "channels.0.per_day", [80, 100]),
        ("channels.0.per_day=80,{low=40,mode=60,high=100},2.5",
         "channels.0.per_day", [80, {"low": 40, "mode": 60, "high": 100}, 2.5]),
        ("channels[0].handle_minutes={ median = 2, p90 = 6 }",
         "channels[0].handle_minutes", [{"median": 2, "p90": 6}]),
        ('scenario.name="A, B",plain text', "scenario.name", ["A, B", "plain text"]),
        ("scenario.extra_holidays=[2027-12-24, 2027-12-31],[]",
         "scenario.extra_holidays", [[date(2027, 12, 24), date(2027, 12, 31)], []]),
        ("monitoring.platforms=[\"X\",\"TikTok\"]", "monitoring.platforms", [["X", "TikTok"]]),
        ("coverage.weekends=", "coverage.weekends", [""]),
        ("work.0.per_platform=true,false", "work.0.per_platform", [True, False]),
    ],
)
def test_parse_vary_reads_toml_values_and_keeps_commas_inside_braces(text, field, values):
    assert parse_vary(text) == (field, values)


@pytest.mark.parametrize("text", ["no-equals-sign", "=1,2", "a b=1", "coverage..x=1"])
def test_parse_vary_rejects_a_missing_field_in_one_line(text):
    with pytest.raises(ScenarioError, match=r"^vary: expected FIELD=V1,V2"):
        parse_vary(text)


def test_parse_value_falls_back_to_text():
    assert parse_value("10:00-14:00") == "10:00-14:00"
    assert parse_value("{low=1") == "{low=1"
    assert parse_value(" 7 ") == 7


def test_grid_varies_the_first_field_slowest():
    assert batch.grid({"a": [1, 2], "b": ["x", "y", "z"]})[:3] == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"}]
    with pytest.raises(ScenarioError, match="vary"):
        batch.grid({})
    with pytest.raises(ScenarioError, match="vary: a: expected a list"):
        batch.grid({"a": "12"})


# --------------------------------------------------------------------------- same numbers


def test_compare_gives_the_numbers_of_separate_runs(busier):
    c = compare([EXAMPLE, busier], runs=RUNS, seed=5, chunk_runs=32)
    for path, result in zip([EXAMPLE, busier], c.results, strict=True):
        _same_arrays(result, simulate(load_scenario(path), runs=RUNS, seed=5))
    alone = [simulate(load_scenario(p), runs=RUNS, seed=5).fte_total() for p in (EXAMPLE, busier)]
    np.testing.assert_array_equal(c.difference(1), alone[1] - alone[0])
    s = c.summary()
    assert s["baseline"] == "Mid-size university"
    assert s["scenarios"][0]["difference"] is None
    diff = s["scenarios"][1]["difference"]["fte_total"]
    assert diff["mean"] == pytest.approx(float(np.mean(alone[1] - alone[0])))
    assert diff["p10"] <= diff["p50"] <= diff["p90"]
    p50 = float(np.percentile(alone[1], 50))
    assert s["scenarios"][1]["fte_total"]["p50"] == pytest.approx(p50)


def test_sweep_gives_the_numbers_of_separate_runs():
    base = load_scenario(EXAMPLE)
    vary = {"coverage.weekends": ["", "08:00-20:00"], "channels.0.per_day": [40, 80]}
    result = sweep(EXAMPLE, vary, runs=64, seed=2, chunk_runs=32)
    assert len(result) == 4 and not result.problems
    assert [p.values for p in result] == batch.grid(vary)
    for point in result:
        alone = simulate(with_values(base, point.values), runs=64, seed=2)
        _same_arrays(point.result, alone)
    rows = result.table()
    assert [r["coverage.weekends"] for r in rows] == ['""', '""', "08:00-20:00", "08:00-20:00"]
    assert rows[0]["diff_fte_mean"] == 0
    # more weekend coverage and more messages cost staff
    assert rows[3]["fte_p50"] > rows[0]["fte_p50"]


def test_jobs_1_and_2_give_identical_results(busier):
    one = simulate_many([EXAMPLE, busier], runs=RUNS, seed=9, jobs=1, chunk_runs=32)
    two = simulate_many([EXAMPLE, busier], runs=RUNS, seed=9, jobs=2, chunk_runs=32)
    for a, b in zip(one, two, strict=True):
        _same_arrays(a, b)


def test_cli_compare_jobs_1_and_2_print_the_same(busier, capsys):
    outs = []
    for jobs in ("1", "2"):
        argv = ["compare", str(EXAMPLE), str(busier), "--runs", "64", "--seed", "4", "--json",
                "--jobs", jobs]
        assert main(argv) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    summary = json.loads(outs[0])
    labels = [s["label"] for s in summary["scenarios"]]
    assert labels == ["Mid-size university", "Busier university"]
    library = simulate(load_scenario(busier), runs=64, seed=4).summary()
    assert summary["scenarios"][1]["fte_total"]["p90"] == library["fte_total"]["p90"]
    assert summary["scenarios"][1]["cost_total"]["p50"] == library["cost_total"]["p50"]


def test_common_random_numbers_make_the_difference_much_less_noisy(busier):
    c = compare([EXAMPLE, busier], runs=200, seed=11)
    crn = c.difference(1)
    other_seed = simulate(load_scenario(busier), runs=200, seed=12).fte_total()
    independent = other_seed - c.results[0].fte_total()
    assert crn.mean() > 0
    assert crn.std() < 0.5 * independent.std()


def test_progress_counts_every_run(busier):
    seen = []
    simulate_many([EXAMPLE, busier], runs=70, seed=1, chunk_runs=32, progress=seen.append)
    assert sum(seen) == 140 and max(seen) == 32


def test_duplicate_names_get_unique_labels(tmp_path):
    copy = tmp_path / "copy.toml"
    copy.write_text(EXAMPLE.read_text())
    entries, problems = batch.load_batch([EXAMPLE, copy, EXAMPLE])
    assert not problems
    labels = [e.name for e in entries]
    assert len(set(labels)) == 3
    assert labels[1] == "Mid-size university (copy)"


# --------------------------------------------------------------------------- bad input


def test_a_bad_file_is_reported_and_the_good_ones_are_written(busier, broken, tmp_path, capsys):
    out = tmp_path / "cmp"
    missing = tmp_path / "missing.toml"
    argv = ["compare", str(EXAMPLE), str(broken), str(busier), str(missing), "--runs", "64",
            "--out", str(out), "--quiet"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert errors == [
        f"estimator: error: {broken}: coverage.weekends: expected a start before the end "
        "within 00:00-24:00, got '10:00-25:00'",
        f"estimator: error: {missing}: no such scenario file",
    ]
    assert "Busier university" in captured.out and "(baseline)" in captured.out
    table = (out / "comparison.csv").read_text().splitlines()
    assert len(table) == 3 and table[2].startswith("Busier university,")
    assert sorted(p.name for p in (out / "scenarios").iterdir()) == ["busier", "model-example"]
    summary = json.loads((out / "scenarios" / "busier" / "summary.json").read_text())
    assert summary["fte_total"] == simulate(load_scenario(busier), runs=64, seed=1).summary()[
        "fte_total"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["file"] for p in manifest["problems"]] == [str(broken), str(missing)]
    assert manifest["problems"][0]["field"] == "coverage.weekends"
    assert manifest["problems"][0]["sha256"] == hashlib.sha256(broken.read_bytes()).hexdigest()


def test_only_bad_files_write_nothing(broken, tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(broken), "--runs", "32", "--out", str(out)]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [broken]


def test_sweep_reports_bad_points_and_runs_the_others(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", str(EXAMPLE), "--vary", "coverage.weekends=,10:00-25:00,08:00-20:00",
            "--runs", "64", "--out", str(out)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"estimator: error: {EXAMPLE} [coverage.weekends=10:00-25:00]: coverage.weekends: "
        "expected a start before the end within 00:00-24:00, got '10:00-25:00'"
    ]
    rows = (out / "sweep.csv").read_text().splitlines()
    assert len(rows) == 3 and rows[0].startswith("point,coverage.weekends,fte_mean")
    assert rows[2].startswith("3,08:00-20:00,")
    assert sorted(p.name for p in (out / "points").iterdir()) == ["1", "3"]
    assert (out / "sweep.png").stat().st_size > 1000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["vary"] == {"coverage.weekends": ["", "10:00-25:00", "08:00-20:00"]}
    assert [p["values"] for p in manifest["points"]] == [
        {"coverage.weekends": ""}, {"coverage.weekends": "08:00-20:00"}]
    assert manifest["problems"][0]["field"] == "coverage.weekends"
    # each point's scenario, as run, reproduces its numbers
    point = out / "points" / "3"
    alone = simulate(load_scenario(point / "scenario.toml"), runs=64, seed=1).summary()
    assert json.loads((point / "summary.json").read_text())["fte_total"] == alone["fte_total"]


def test_sweep_of_an_unknown_field_runs_nothing(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", str(EXAMPLE), "--vary", "coverage.weekend=,08:00-20:00", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all("coverage.weekend: unknown key; did you mean 'weekends'?" in e for e in err)
    assert not out.exists()


def test_sweep_api_validates_every_point_before_running(monkeypatch):
    ran = []
    monkeypatch.setattr(runner, "simulate_chunk", lambda *a: ran.append(a))
    with pytest.raises(ScenarioError, match=r"channels\[0\].per_day"):
        sweep(EXAMPLE, {"channels.0.per_day": [40, -1]}, runs=32, seed=1)
    with pytest.raises(ScenarioError, match="channels.4: no such"):
        sweep(EXAMPLE, {"channels.4.per_day": [40]}, runs=32, seed=1)
    assert ran == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sweep", str(EXAMPLE), "--vary", "a=1", "--vary", "a=2"], "vary: a: given twice"),
        (["sweep", str(EXAMPLE), "--vary", "novalue"], "argument --vary: vary: expected FIELD="),
        (["sweep", str(EXAMPLE)], "the following arguments are required: --vary"),
        (["sweep", "missing.toml", "--vary", "a=1"], "missing.toml: no such scenario file"),
        (["compare", str(EXAMPLE), "--runs", "0"], "runs: expected a whole number >= 1"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err


# --------------------------------------------------------------------------- atomic folders


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_interrupted_batch_leaves_no_folder(busier, tmp_path, monkeypatch, capsys):
    real = runner.simulate_chunk

    def interrupted(model, *args):
        if model.scenario.scenario.name == "Busier university":
            raise KeyboardInterrupt
        return real(model, *args)

    monkeypatch.setattr(runner, "simulate_chunk", interrupted)
    out = tmp_path / "cmp"
    argv = ["compare", str(EXAMPLE), str(busier), "--runs", "64", "--out", str(out), "--jobs", "1"]
    assert main(argv) == 130  # 128 + SIGINT, as a shell reports Ctrl-C
    assert "stopped by SIGINT" in capsys.readouterr().err
    assert _leftovers(tmp_path) == ["busier.toml"]  # no output folder, no partial folder
    # an earlier output folder survives an interrupted rerun untouched
    monkeypatch.setattr(runner, "simulate_chunk", real)
    assert main(argv) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(runner, "simulate_chunk", interrupted)
    assert main([*argv, "--seed", "2"]) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert _leftovers(tmp_path) == ["busier.toml", "cmp"]


def test_a_failure_while_writing_leaves_no_folder(busier, tmp_path, monkeypatch, capsys):
    from estimator.report import batch_files as batch_export

    calls = []

    def failing(result, folder):
        calls.append(folder)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(result, folder)

    real = batch_export.write_tables
    monkeypatch.setattr(batch_export, "write_tables", failing)
    out = tmp_path / "cmp"
    argv = ["compare", str(EXAMPLE), str(busier), "--runs", "32", "--out", str(out)]
    assert main(argv) == 1
    assert "disk full" in capsys.readouterr().err
    assert _leftovers(tmp_path) == ["busier.toml"]


def test_sweep_interrupted_by_an_error_leaves_no_folder(tmp_path, monkeypatch, capsys):
    real = runner.simulate_chunk

    def failing(model, values, seed, start, stop):
        if model.scenario.coverage.weekends == "08:00-20:00":
            raise RuntimeError("worker lost")
        return real(model, values, seed, start, stop)

    monkeypatch.setattr(runner, "simulate_chunk", failing)
    argv = ["sweep", str(EXAMPLE), "--vary", "coverage.weekends=,08:00-20:00", "--runs", "32",
            "--out", str(tmp_path / "sweep"), "--jobs", "1"]
    assert main(argv) == 1
    assert "worker lost" in capsys.readouterr().err
    assert _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- manifest and text


def test_manifest_records_what_made_the_folder(tmp_path, capsys):
    child = tmp_path / "child.toml"
    (tmp_path / "parent.toml").write_text(EXAMPLE.read_text())
    child.write_text('base = "parent.toml"\n[scenario]\nname = "Child"\n')
    out = tmp_path / "cmp"
    argv = ["compare", str(EXAMPLE), str(child), "--runs", "32", "--seed", "7", "--out", str(out)]
    assert main(argv) == 0
    m = json.loads((out / "manifest.json").read_text())
    from estimator import __version__

    assert m["kind"] == "compare" and m["version"] == __version__
    assert m["runs"] == 32 and m["seed"] == 7 and m["common_random_numbers"] is True
    assert m["command"].startswith("estimator compare ") and "--seed 7" in m["command"]
    created = datetime.fromisoformat(m["created"])
    assert created.utcoffset().total_seconds() == 0
    first, second = m["scenarios"]
    assert first["sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert second["file"] == str(child) and second["name"] == "Child"
    assert second["sha256"] == hashlib.sha256(child.read_bytes()).hexdigest()
    assert second["base_files"] == [{
        "file": str(tmp_path / "parent.toml"),
        "sha256": hashlib.sha256(EXAMPLE.read_bytes()).hexdigest(),
    }]
    assert m["problems"] == []
    for name in ("comparison.csv", "comparison.json", "comparison.png", "runs.csv"):
        assert (out / name).is_file()
    runs = (out / "runs.csv").read_text().splitlines()
    assert len(runs) == 33 and runs[0] == (
        "run,fte_total:Mid-size university,fte_total:Child,diff_fte:Child")


def test_compare_prints_a_readable_table(busier, capsys):
    assert main(["compare", str(EXAMPLE), str(busier), "--runs", "32", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 scenarios, 32 runs each, seed 1, common random numbers" in out
    lines = out.splitlines()
    base = next(line for line in lines if line.startswith("Mid-size university"))
    other = next(line for line in lines if line.startswith("Busier university"))
    assert base.endswith("(baseline)") and "$" in other and "+" in other


def test_python_api_writes_folders(busier, tmp_path):
    from estimator.report.batch_files import write_comparison, write_sweep

    c = compare([EXAMPLE, busier], runs=32, seed=1)
    write_comparison(c, tmp_path / "cmp", command=["my-script"])
    assert json.loads((tmp_path / "cmp" / "manifest.json").read_text())["command"] == "my-script"
    s = sweep(EXAMPLE, {"plan.percentile": [80, 95]}, runs=32, seed=1)
    write_sweep(s, tmp_path / "sweep")
    assert len((tmp_path / "sweep" / "sweep.csv").read_text().splitlines()) == 3


# --------------------------------------------------------------------------- charts


def test_plot_sweep_draws_the_p50_of_each_point():
    from estimator.report.batch_charts import plot_sweep

    s = sweep(EXAMPLE, {"channels.0.per_day": [80, 40, 60]}, runs=32, seed=1)
    ax = plot_sweep(s, "channels.0.per_day")
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "p50"]
    np.testing.assert_array_equal(line.get_xdata(), [40, 60, 80])  # sorted numerically
    expected = [np.percentile(s[i].result.fte_total(), 50) for i in (1, 2, 0)]
    np.testing.assert_allclose(line.get_ydata(), expected)
    assert ax.get_xlabel() == "channels.0.per_day"
    with pytest.raises(ValueError, match="field of the sweep"):
        plot_sweep(s, "coverage.weekends")


def test_plot_sweep_of_categories_has_one_line_per_other_value():
    from estimator.report.batch_charts import plot_sweep

    s = sweep(EXAMPLE, {"coverage.weekends": ["", "10:00-14:00"], "plan.percentile": [80, 95]},
              runs=32, seed=1)
    ax = plot_sweep(s, "coverage.weekends")
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "p50"]
    assert [ln.get_label() for ln in lines] == ["plan.percentile=80", "plan.percentile=95"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ['"" (none)', "10:00-14:00"]


def test_comparison_figure_shows_the_paired_differences(busier):
    from estimator.report.batch_charts import comparison_figure

    c = compare([EXAMPLE, busier], runs=32, seed=1)
    fig = comparison_figure(c)
    top, bottom = fig.axes
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["Busier university"]
    dot = next(ln for ln in bottom.get_lines() if len(ln.get_xdata()) == 1)
    assert dot.get_xdata()[0] == pytest.approx(c.difference(1).mean())
    assert "FTE" in top.get_title(loc="left")  # estimator.charts.plot_comparison drew it


# --------------------------------------------------------------------------- scripts


def test_cli_subprocess_sweep(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "estimator.app.cli", "sweep", str(EXAMPLE), "--vary",
         "plan.percentile=80,95", "--runs", "32", "--json", "--quiet"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert [p["values"] for p in json.loads(proc.stdout)["points"]] == [
        {"plan.percentile": 80}, {"plan.percentile": 95}]


def test_example_script_runs(tmp_path):
    script = ROOT / "scripts" / "batch_example.py"
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "out"), "--runs", "32"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("compare/manifest.json", "compare/comparison.csv", "sweep/sweep.csv",
                 "sweep/sweep.png", "sweep/manifest.json"):
        assert (tmp_path / "out" / name).is_file(), name


# --------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster


def test_a_dask_cluster_gives_the_local_numbers(dask_cluster, busier, capsys):
    from dask.distributed import Client

    local = simulate_many([EXAMPLE, busier], runs=RUNS, seed=3, chunk_runs=32)
    with Client(dask_cluster) as client:
        remote = simulate_many([EXAMPLE, busier], runs=RUNS, seed=3, chunk_runs=32,
                               scheduler=client)
    for a, b in zip(local, remote, strict=True):
        _same_arrays(a, b)
    address = dask_cluster.scheduler_address
    outputs = []
    for extra in (["--jobs", "1"], ["--scheduler", address]):
        assert main(["compare", str(EXAMPLE), str(busier), "--runs", "64", "--json", *extra]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    runs = []
    for extra in (["--jobs", "1"], ["--scheduler", address]):
        assert main(["run", str(EXAMPLE), "--runs", "64", "--json", *extra]) == 0
        runs.append(_without_times(json.loads(capsys.readouterr().out)))
    assert runs[0] == runs[1]


def test_an_unreachable_scheduler_is_one_line(capsys):
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}):
        status = main(["compare", str(EXAMPLE), "--runs", "32",
                       "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("estimator: error: scheduler: cannot reach a Dask scheduler")
