"""Output folders of batches: a comparison's or a sweep's tables, chart and manifest.

Each folder is written atomically (:func:`estimator.report.files.atomic_dir`): it appears whole
or not at all. Its ``manifest.json`` says what made it: the sha256 of every scenario file
(and of the files of its ``base`` chain), the seed, the runs, the package version, the
time (UTC) and the command line.
"""

from __future__ import annotations

import hashlib
import platform
import shlex
import sys
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from estimator.batch import Comparison, Problem, Sweep
from estimator.report.figures import save_figure
from estimator.report.files import atomic_dir, slug, write_csv, write_json
from estimator.report.tables import write_tables
from estimator.scenario import Scenario, to_toml


def file_hashes(path: str | Path) -> list[dict[str, str]]:
    """sha256 of a scenario file and of each file in its ``base`` chain, nearest first."""
    out: list[dict[str, str]] = []
    seen: set[Path] = set()
    current: Path | None = Path(path)
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        try:
            raw = current.read_bytes()
        except OSError:
            out.append({"file": str(current), "sha256": ""})
            break
        out.append({"file": str(current), "sha256": hashlib.sha256(raw).hexdigest()})
        try:
            base = tomllib.loads(raw.decode("utf-8")).get("base")
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            break
        current = current.parent / base if isinstance(base, str) else None
    return out


def _scenario_record(source: str | None, scenario: Scenario | None = None) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    if source is not None and Path(source).is_file():
        chain = file_hashes(source)
        rec.update(file=source, sha256=chain[0]["sha256"], base_files=chain[1:])
    else:
        rec["file"] = source
    if scenario is not None:
        rec["name"] = scenario.scenario.name
        rec["scenario_sha256"] = hashlib.sha256(to_toml(scenario).encode()).hexdigest()
    return rec


def manifest(
    kind: str, runs: int, seed: int, command: Sequence[str] | None = None, **extra: Any
) -> dict[str, Any]:
    """What makes an output folder reproducible: inputs' hashes, seed, runs, versions, time."""
    from estimator._version import __version__

    argv = list(command) if command is not None else ["estimator", *sys.argv[1:]]
    return {
        "kind": kind,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "command": shlex.join(str(a) for a in argv),
        "runs": runs,
        "seed": seed,
        "common_random_numbers": True,
        "python": platform.python_version(),
        "numpy": np.__version__,
        **extra,
    }


def _unique(names: list[str]) -> list[str]:
    out, seen = [], {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return out


def write_comparison_files(
    comparison: Comparison,
    folder: Path,
    *,
    problems: Sequence[Problem] = (),
    command: Sequence[str] | None = None,
) -> list[Path]:
    """Fill ``folder`` (which must exist): comparison.csv and .json, the chart
    (comparison.png/.svg/.pdf), runs.csv (each run's FTE and paired difference), one
    sub-folder per scenario with its tables, and manifest.json."""
    from estimator.report.batch_charts import comparison_figure

    folder = Path(folder)
    write_csv(comparison.table(), folder / "comparison.csv")
    write_csv(comparison.runs_table(), folder / "runs.csv")
    summary = comparison.summary()
    summary["problems"] = [p.as_dict() for p in problems]
    write_json(summary, folder / "comparison.json")
    save_figure(comparison_figure(comparison), folder / "comparison",
                title="FTE needed by scenario, and the paired differences")
    subs = _unique([slug(Path(e.source).stem if e.source else e.name)
                    for e in comparison.entries])
    records = []
    for e, r, sub in zip(comparison.entries, comparison.results, subs, strict=True):
        target = folder / "scenarios" / sub
        target.mkdir(parents=True)
        write_tables(r, target)
        records.append({"label": e.name, "folder": f"scenarios/{sub}",
                        **_scenario_record(e.source, e.scenario)})
    bad = [{**_scenario_record(p.source), "field": p.field, "error": p.message}
           for p in problems]
    write_json(
        manifest("compare", comparison.runs, comparison.seed, command,
                 scenarios=records, problems=bad),
        folder / "manifest.json",
    )
    return sorted(folder.rglob("*"))


def write_sweep_files(
    result: Sweep, folder: Path, *, command: Sequence[str] | None = None
) -> list[Path]:
    """Fill ``folder``: sweep.csv (one row per point), sweep.json, the chart of FTE against
    the first varied field (sweep.png/.svg/.pdf), one sub-folder per point (its summary and
    the scenario as run) and manifest.json."""
    from estimator.report.batch_charts import sweep_figure

    folder = Path(folder)
    write_csv(result.table(), folder / "sweep.csv")
    write_json(result.summary(), folder / "sweep.json")
    if result.points:
        save_figure(sweep_figure(result, result.fields[0]), folder / "sweep",
                    title=f"FTE needed as {result.fields[0]} varies")
    records = []
    width = len(str(max([p.index for p in result.points], default=1)))
    for p in result.points:
        assert p.result is not None
        sub = f"points/{p.index:0{width}d}"
        (folder / sub).mkdir(parents=True)
        write_json(p.result.summary(), folder / sub / "summary.json")
        (folder / sub / "scenario.toml").write_text(to_toml(p.scenario), encoding="utf-8")
        records.append({"point": p.index, "values": p.values, "folder": sub,
                        "scenario_sha256": hashlib.sha256(
                            to_toml(p.scenario).encode()).hexdigest()})
    write_json(
        manifest("sweep", result.runs, result.seed, command,
                 base=_scenario_record(result.base.source, result.base.scenario),
                 vary=result.vary, points=records,
                 problems=[{"point": p.source, "field": p.field, "error": p.message}
                           for p in result.problems]),
        folder / "manifest.json",
    )
    return sorted(folder.rglob("*"))


def write_comparison(comparison: Comparison, out_dir: str | Path, **kwargs: Any) -> Path:
    """Write a comparison's folder atomically (see :func:`write_comparison_files`)."""
    with atomic_dir(out_dir) as tmp:
        write_comparison_files(comparison, tmp, **kwargs)
    return Path(out_dir)


def write_sweep(result: Sweep, out_dir: str | Path, **kwargs: Any) -> Path:
    """Write a sweep's folder atomically (see :func:`write_sweep_files`)."""
    with atomic_dir(out_dir) as tmp:
        write_sweep_files(result, tmp, **kwargs)
    return Path(out_dir)


__all__ = [
    "file_hashes",
    "manifest",
    "write_comparison",
    "write_comparison_files",
    "write_sweep",
    "write_sweep_files",
]
