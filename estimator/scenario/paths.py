"""Where the shipped data lives, and which folders a scenario may read files from.

A scenario names other files (``base``, a channel's ``profile``). They are read only from
the scenario's own folder, the shipped data folder and the folders listed in the environment
variable ``ESTIMATOR_ALLOW_PATHS`` (separated by ``os.pathsep``), so that a scenario (or a
visitor of the web app) cannot make the estimator read any file on the machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from estimator.scenario.errors import ScenarioError

#: The shipped data folder (``scenarios/``, ``profiles/``, ``samples/``); the environment
#: variable ESTIMATOR_DATA points it elsewhere.
DATA_DIR = Path(
    os.environ.get("ESTIMATOR_DATA", Path(__file__).resolve().parents[2] / "data")
)

#: The environment variable listing further folders scenarios may read files from.
ALLOW_PATHS_ENV = "ESTIMATOR_ALLOW_PATHS"


def resolve(path: str | Path, field: str, where: str = "") -> Path:
    """``path`` made absolute with every link followed; a loop of links is a one-line error."""
    try:
        return Path(os.path.abspath(path)).resolve(strict=False)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        prefix = f"{where}: " if where else ""
        raise ScenarioError(
            f"{prefix}{field}: cannot read {path} (a loop of symbolic links)", field=field
        ) from None


def allowed_folders(*own: str | Path | None) -> list[Path]:
    """The folders files may be read from: ``own`` (a scenario's folder), the shipped data
    folder and each folder in ``ESTIMATOR_ALLOW_PATHS``."""
    extra = [p for p in os.environ.get(ALLOW_PATHS_ENV, "").split(os.pathsep) if p.strip()]
    folders: list[Path] = []
    for f in (*own, DATA_DIR, *extra):
        if f is None:
            continue
        try:
            folders.append(Path(os.path.abspath(f)).resolve(strict=False))
        except (OSError, RuntimeError):
            continue
    return folders


def confine(path: str | Path, folders: Iterable[Path], field: str, where: str = "") -> Path:
    """The resolved ``path`` if it lies inside one of ``folders``; else a one-line error
    naming ``field`` (the file's contents are never read)."""
    resolved = resolve(path, field, where)
    folders = list(folders)
    if any(resolved.is_relative_to(f) for f in folders):
        return resolved
    prefix = f"{where}: " if where else ""
    raise ScenarioError(
        f"{prefix}{field}: expected a file in the scenario's folder or the shipped data "
        f"(or a folder listed in {ALLOW_PATHS_ENV}), got {path}",
        field=field,
    )
