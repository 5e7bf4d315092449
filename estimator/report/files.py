"""Files written so that a failure never leaves half of one: atomic folders and files,
strict JSON, CSV, and the one slug used for folder names."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from estimator.scenario import ScenarioError

#: A folder holding one of these was written by the estimator and may be replaced.
OUTPUT_MARKERS = ("summary.json", "manifest.json")

def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; the output is not
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


@contextmanager
def atomic_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` that replaces it when the block succeeds.

    If the block raises, the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n",
                    encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_csv(rows: Iterable[dict[str, Any]], path: Path,
              fields: Sequence[str] | None = None) -> None:
    """Rows of dicts as CSV; numbers stay numbers (no thousands separators). With ``fields``
    (the columns, in order) the rows are streamed, never all held at once."""
    if fields is None:
        rows = list(rows)
        fields = []
        for row in rows:
            fields.extend(k for k in row if k not in fields)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(fields))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    if hasattr(value, "item"):
        return _cell(value.item())
    return value




def slug(name: str) -> str:
    """The one folder name for a scenario name, whichever command writes it: letters and
    digits of any script kept, lower case, any other run of characters (underscores too) as one
    hyphen, at most 60
    characters.

    >>> slug("Mid-size University: 2027 (draft)")
    'mid-size-university-2027-draft'
    """
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-")[:60].strip("-") or "scenario"
