"""Hour-of-week arrival profiles: a CSV of 168 weights (``weekday,hour,weight``) read and
checked like a scenario, every problem one line naming the file and the line.

A profile is a shipped name (``default``, ``flat``: ``data/profiles/NAME.csv``) or the path
of a CSV file, relative to the scenario's folder, inside the folders a scenario may read
(:mod:`estimator.scenario.paths`).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from estimator.scenario.errors import ScenarioError
from estimator.scenario.paths import DATA_DIR, allowed_folders, confine
from estimator.scenario.reading import MAX_PROFILE_BYTES, read_text

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX = {d.lower(): i for i, d in enumerate(WEEKDAYS)}
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
COLUMNS = ("weekday", "hour", "weight")


def available_profiles() -> list[str]:
    """Names of the arrival profiles shipped in ``data/profiles``."""
    return sorted(p.stem for p in (DATA_DIR / "profiles").glob("*.csv"))


def profile_path(name: str, *, folder: str | Path | None = None,
                 field: str = "profile") -> Path:
    """The file a profile name stands for, confined to the allowed folders."""
    if name.lower().endswith(".csv"):
        path = Path(name)
        if not path.is_absolute():
            if folder is None:
                raise ScenarioError(
                    f"{field}: expected a profile in data/profiles "
                    f"({', '.join(available_profiles())}) or the path of a CSV file beside a "
                    f"scenario file, got {name!r} in a scenario that has no folder",
                    field=field)
            path = Path(folder) / path
        return confine(path, allowed_folders(folder), field)
    path = DATA_DIR / "profiles" / f"{name}.csv"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise ScenarioError(
            f"{field}: expected a profile in data/profiles ({', '.join(available_profiles())}) "
            f"or a CSV path, got {name!r}", field=field)
    return path


def read_profile(name: str, *, folder: str | Path | None = None,
                 field: str = "profile") -> NDArray[np.float64]:
    """The profile's weights by weekday (Monday = 0) and hour, rescaled to mean 1.

    >>> w = read_profile("flat")
    >>> w.shape, float(w.mean())
    ((7, 24), 1.0)
    """
    path = profile_path(name, folder=folder, field=field)
    text = read_text(path, limit=MAX_PROFILE_BYTES, what="profile CSV", field=field)
    return parse_profile(text, f"{field}: {path}")


def _cell(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 20 else text[:20] + "...")


def _weekday(text: str) -> int | None:
    t = text.strip().lower()
    if t in _DAY_INDEX:
        return _DAY_INDEX[t]
    if t in _FULL_DAYS:
        return _FULL_DAYS.index(t)
    if t.isascii() and t.isdigit() and len(t) <= 2 and 0 <= int(t) <= 6:
        return int(t)
    return None


def _hour(text: str) -> int | None:
    t = text.strip()
    if t.isdigit() and t.isascii() and len(t) <= 2 and 0 <= int(t) <= 23:
        return int(t)
    return None


def parse_profile(text: str, source: str = "profile") -> NDArray[np.float64]:
    """Weights from a profile CSV's text (see :func:`read_profile`).

    Lines starting with ``#`` and blank lines are skipped; the first other line is the header
    and must name the columns ``weekday``, ``hour`` and ``weight`` (others are ignored). Each
    row gives a weekday (``Mon``..``Sun``, a full name, or 0-6 with Monday 0), a whole hour
    0-23 and a finite weight >= 0; the 168 weekday-hours each appear exactly once and the
    weights must not all be zero.
    """
    weights = np.full((7, 24), np.nan)
    seen: dict[tuple[int, int], int] = {}
    columns: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source} line {number}"
        try:
            (cells,) = list(csv.reader([line]))
        except (csv.Error, ValueError):
            raise ScenarioError(f"{where}: expected comma-separated values") from None
        if columns is None:
            names = [c.strip().lower() for c in cells]
            missing = [c for c in COLUMNS if c not in names]
            if missing:
                raise ScenarioError(
                    f"{source}: not a profile CSV (expected a header naming the columns "
                    f"weekday, hour, weight; missing {', '.join(missing)})")
            columns = {c: names.index(c) for c in COLUMNS}
            continue

        row = {c: cells[i] if i < len(cells) else "" for c, i in columns.items()}
        day = _weekday(row["weekday"])
        if day is None:
            raise ScenarioError(
                f"{where}: weekday: expected Mon..Sun or 0-6 (Monday 0), got "
                f"{_cell(row['weekday'])}")
        hour = _hour(row["hour"])
        if hour is None:
            raise ScenarioError(
                f"{where}: hour: expected a whole hour 0-23, got {_cell(row['hour'])}")
        raw = row["weight"].strip()
        try:
            weight = float(raw)
        except ValueError:
            weight = math.nan
        if not raw or not math.isfinite(weight) or weight < 0:
            got = "nothing" if not raw else _cell(raw)
            raise ScenarioError(f"{where}: weight: expected a finite number >= 0, got {got}")
        if (day, hour) in seen:
            raise ScenarioError(
                f"{where}: expected each weekday and hour once, got {WEEKDAYS[day]} "
                f"{hour:02d}:00 again (first at line {seen[day, hour]})")
        seen[day, hour] = number
        weights[day, hour] = weight
    if columns is None:
        raise ScenarioError(f"{source}: not a profile CSV (no header and no rows)")
    if len(seen) < 168:
        d, h = (int(x[0]) for x in np.nonzero(np.isnan(weights)))
        raise ScenarioError(
            f"{source}: expected 168 rows, one per weekday and hour, got {len(seen)} "
            f"(missing {WEEKDAYS[d]} {h:02d}:00 first)")
    total = float(weights.sum())
    if not total > 0 or not math.isfinite(total):
        raise ScenarioError(f"{source}: weight: expected some weight above 0, got all 0")
    return weights / weights.mean()
