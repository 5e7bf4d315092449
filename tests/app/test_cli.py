import json
import subprocess
import sys

import pytest

from estimator import load_scenario, simulate
from estimator.app.cli import main
from tests.conftest import EXAMPLE

SUMMARY_KEYS = {
    "scenario", "runs", "seed", "productive_hours_per_fte", "shrinkage", "fte_total",
    "fte_by_role", "hours_by_work", "cost_total", "recommended_fte", "current_staff",
}


def test_run_prints_a_readable_summary(capsys):
    assert main(["run", str(EXAMPLE), "--runs", "64", "--seed", "3", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Mid-size university" in out
    assert "Community manager" in out and "Total" in out
    assert "Today's team of 0.5 FTE is short by" in out
    assert "Yearly cost: $" in out


def test_run_json_has_every_summary_key_and_matches_the_library(capsys):
    assert main(["run", str(EXAMPLE), "--runs", "64", "--seed", "3", "--json", "--jobs", "1"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert SUMMARY_KEYS <= set(summary)
    for stat in ("mean", "p50", "p90", "p95"):
        assert stat in summary["fte_total"]
        assert stat in summary["fte_by_role"]["community_manager"]
    assert set(summary["hours_by_work"]) == {
        "content", "engagement", "monitoring", "crisis", "recurring"
    }
    assert {"mean", "p50", "p90"} <= set(summary["cost_total"])
    assert {"gap_fte_p90", "weeks_overloaded_share", "overtime_hours_mean",
            "replies_within_target_share"} <= set(summary["current_staff"])
    assert "mean" in summary["productive_hours_per_fte"]
    assert 0 < summary["shrinkage"] < 1  # a number, as the summary keys list it (docs/model.md)
    assert all(isinstance(v, float) for v in summary["recommended_fte"].values())
    library = simulate(load_scenario(EXAMPLE), runs=64, seed=3).summary()
    assert summary["fte_total"] == library["fte_total"]
    assert summary["recommended_fte"] == library["recommended_fte"]


def test_run_out_writes_the_tables_atomically(tmp_path, capsys):
    out = tmp_path / "result"
    assert main(["run", str(EXAMPLE), "--runs", "64", "--out", str(out), "--jobs", "1"]) == 0
    for name in ("summary.json", "runs.csv", "by_role.csv", "weekly.csv", "scenario.toml"):
        assert (out / name).is_file(), name
    rows = (out / "runs.csv").read_text().splitlines()
    assert len(rows) == 65 and rows[0].startswith("run,fte_total,cost")
    assert [p.name for p in tmp_path.iterdir()] == ["result"]  # no temporary folder left
    # a second run replaces the folder
    assert main(["run", str(EXAMPLE), "--runs", "32", "--out", str(out), "--jobs", "1"]) == 0
    assert json.loads((out / "summary.json").read_text())["runs"] == 32


def test_run_never_overwrites_a_folder_of_other_files(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    assert main(["run", str(EXAMPLE), "--runs", "32", "--out", str(folder)]) == 2
    assert (folder / "notes.txt").read_text() == "keep me"
    assert "out:" in capsys.readouterr().err


def test_a_bad_file_is_one_line_and_status_2_with_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("service_level = 0.9", "service_level = 9"))
    out = tmp_path / "out"
    assert main(["run", str(bad), "--runs", "32", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("estimator: error: ") and "channels[0].service_level" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--runs", "0"], "runs: expected a whole number >= 1, got 0"),
        (["--runs", "many"], "runs: expected a whole number >= 1, got 'many'"),
        (["--seed", "-1"], "seed: expected a whole number >= 0, got -1"),
        (["--jobs", "0"], "jobs: expected a whole number >= 1"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(args, needle, capsys):
    assert main(["run", str(EXAMPLE), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_validate(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("[coverage]", "[coverge]"))
    assert main(["validate", str(EXAMPLE)]) == 0
    assert main(["validate", str(EXAMPLE), str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"{EXAMPLE}: ok" in captured.out
    assert "coverge: unknown key; did you mean 'coverage'?" in captured.err


def test_schema_lists_fields(capsys):
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert "| `channels[].handle_minutes` | quantity |" in out


def test_real_subprocess(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "estimator.app.cli", "run", str(EXAMPLE), "--runs", "32", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["runs"] == 32
    bad = subprocess.run(
        [sys.executable, "-m", "estimator.app.cli", "run", str(tmp_path / "none.toml")],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
