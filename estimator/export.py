"""Files for budget meetings, written so that a failure never leaves half a folder.

Every output folder is built in a temporary sibling and renamed into place at the end;
an existing estimator output folder is replaced only once the new one is complete.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from estimator.result import Result
from estimator.scenario import ScenarioError, to_toml

#: A folder holding one of these was written by the estimator and may be replaced.
OUTPUT_MARKERS = ("summary.json", "manifest.json")


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder that becomes ``target`` when the block succeeds.

    If the block raises, the temporary folder is removed and ``target`` is untouched.
    A ``target`` that exists must be empty or an earlier estimator output folder.
    """
    target = Path(target)
    if target.exists():
        if not target.is_dir():
            raise ScenarioError(f"out: expected a folder, got the file {target}", field="out")
        if any(target.iterdir()) and not any((target / m).exists() for m in OUTPUT_MARKERS):
            raise ScenarioError(
                f"out: {target} holds other files; choose a new or empty folder", field="out"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{tmp.name.split('.')[-2]}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n",
                    encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_csv(rows: Iterable[dict[str, Any]], path: Path) -> None:
    """Rows of dicts as CSV; numbers stay numbers (no thousands separators)."""
    rows = list(rows)
    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    if hasattr(value, "item"):
        return _cell(value.item())
    return value


def write_tables(result: Result, folder: Path) -> list[Path]:
    """summary.json, runs.csv, by_role.csv, weekly.csv and the scenario as run."""
    paths = {
        "summary.json": lambda p: write_json(result.summary(), p),
        "runs.csv": lambda p: write_csv(result.runs_table(), p),
        "by_role.csv": lambda p: write_csv(result.by_role_table(), p),
        "weekly.csv": lambda p: write_csv(result.weekly_table(), p),
        "scenario.toml": lambda p: p.write_text(to_toml(result.model.scenario), encoding="utf-8"),
    }
    written = []
    for name, write in paths.items():
        write(folder / name)
        written.append(folder / name)
    return written


def write_run_outputs(result: Result, out_dir: str | Path) -> Path:
    """Everything ``estimator run --out DIR`` writes, atomically."""
    with atomic_dir(out_dir) as tmp:
        write_tables(result, tmp)
    return Path(out_dir)
