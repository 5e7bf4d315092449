"""Files written so that a failure never leaves half of one: atomic folders and files,
strict JSON, CSV, and the one slug used for folder names."""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from estimator.scenario import ScenarioError

#: The list of what the estimator wrote into an output folder (path, size, SHA-256). A folder
#: may be replaced only when every file in it is listed there unchanged.
MANIFEST = ".estimator-manifest.json"
#: Inside a folder being written: which process writes it (a stale one is removed).
PARTIAL_MARKER = ".estimator-partial"
#: At most this many names are quoted when a folder holds files the estimator did not write.
_NAMES_SHOWN = 3


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entries(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file and folder below ``folder`` (links not followed), as (relative posix path,
    path)."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            p = Path(root) / name
            yield p.relative_to(folder).as_posix(), p


def write_manifest(folder: Path) -> Path:
    """List every file below ``folder`` with its size and SHA-256, and every folder, in
    :data:`MANIFEST`."""
    files, folders = {}, []
    for rel, p in _entries(folder):
        if rel in (MANIFEST, PARTIAL_MARKER):
            continue
        if p.is_dir() and not p.is_symlink():
            folders.append(rel)
        else:
            files[rel] = {"bytes": p.stat().st_size, "sha256": _sha256(p)}
    path = folder / MANIFEST
    write_json({"written_by": "social-staffing-estimator", "files": files,
                "folders": folders}, path)
    return path


def _read_manifest(folder: Path) -> tuple[dict[str, Any], set[str]] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files, folders = data["files"], data.get("folders", [])
        if isinstance(files, dict) and isinstance(folders, list):
            return files, {str(f) for f in folders}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def foreign_files(folder: Path) -> list[str]:
    """Files below ``folder`` that its manifest does not list as written by the estimator
    (or that changed since): an empty list means the folder may be replaced."""
    manifest = _read_manifest(folder)
    listed, folders = manifest if manifest is not None else ({}, set())
    foreign = []
    for rel, p in _entries(folder):
        if rel == MANIFEST and manifest is not None:
            continue
        if p.is_dir() and not p.is_symlink():
            if rel not in folders and not any(p.iterdir()):
                foreign.append(rel + "/")
            continue  # a folder's files are judged one by one
        entry = listed.get(rel)
        try:
            same = (isinstance(entry, dict) and not p.is_symlink() and p.is_file()
                    and p.stat().st_size == entry.get("bytes")
                    and _sha256(p) == entry.get("sha256"))
        except OSError:
            same = False
        if not same:
            foreign.append(rel)
    return foreign


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _host() -> str:
    return socket.gethostname()


def remove_stale_partials(parent: Path, name: str) -> list[Path]:
    """Remove ``.NAME.*.partial`` folders that the estimator made (their marker says so) in
    a process that is no longer running on this machine: left by a killed run."""
    removed = []
    try:
        candidates = list(parent.glob(f".{glob.escape(name)}.*.partial"))
    except OSError:
        return removed
    for p in candidates:
        marker = p / PARTIAL_MARKER
        try:
            if p.is_symlink() or not p.is_dir():
                continue
            info = json.loads(marker.read_text(encoding="utf-8"))
            pid, host = int(info["pid"]), str(info["host"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not ours: never touched
        if host != _host() or _process_alive(pid):
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def check_output_folder(target: str | Path) -> Path:
    """``target`` as a folder the estimator may create or replace, or a one-line error
    (exit 2): the current folder or one above it, a path under a file, a link, or a folder
    holding files the estimator did not write."""
    text = str(target)
    target = Path(target)
    normal = os.path.normpath(text)
    if os.path.basename(normal) in ("", ".", "..") or normal == os.sep:
        raise ScenarioError(
            f"out: expected the name of a new folder for the output, got {text!r}; "
            "choose another folder", field="out")
    try:
        absolute = Path(os.path.abspath(text))
        here = Path.cwd().resolve()
        resolved = absolute.resolve(strict=False)
    except (OSError, RuntimeError):
        raise ScenarioError(f"out: cannot use {text} (a loop of symbolic links); choose "
                            "another folder", field="out") from None
    if here == resolved or here.is_relative_to(resolved):
        raise ScenarioError(f"out: {text} holds the current folder; choose another folder",
                            field="out")
    for above in absolute.parents:
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                raise ScenarioError(
                    f"out: {text} is under {above}, which is a file, not a folder; "
                    "choose another folder", field="out")
            break
    if absolute.is_symlink():
        raise ScenarioError(f"out: {text} is a symbolic link; choose another folder",
                            field="out")
    if absolute.exists():
        if not absolute.is_dir():
            raise ScenarioError(f"out: expected a folder, got the file {text}; choose "
                                "another folder", field="out")
        foreign = foreign_files(absolute)
        if foreign:
            shown = ", ".join(foreign[:_NAMES_SHOWN])
            more = f" and {len(foreign) - _NAMES_SHOWN} more" if len(foreign) > _NAMES_SHOWN \
                else ""
            raise ScenarioError(
                f"out: {text} holds files the estimator did not write ({shown}{more}); "
                "choose another folder", field="out")
    return absolute


_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, n))


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP while an output folder is swapped in, so that a
    signal never leaves the old folder moved away and the new one not yet in place."""
    main = threading.current_thread() is threading.main_thread()
    if not main or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder that becomes ``target`` when the block succeeds.

    If the block raises (a signal included), the temporary folder is removed and ``target``
    is untouched. A ``target`` that exists must hold only files the estimator wrote (its
    :data:`MANIFEST` lists them, unchanged); anything else is a one-line error and nothing is
    touched. The new folder gets its own manifest. Temporary folders left by a killed run
    are removed on the next run.
    """
    target = check_output_folder(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(f"out: cannot make the folder {target.parent} ({exc.strerror}); "
                            "choose another folder", field="out") from None
    remove_stale_partials(target.parent, target.name)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial",
                                    dir=target.parent))
    except OSError as exc:
        raise ScenarioError(f"out: cannot write in {target.parent} ({exc.strerror}); choose "
                            "another folder", field="out") from None
    try:
        write_json({"pid": os.getpid(), "host": _host(), "target": target.name},
                   tmp / PARTIAL_MARKER)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; the output is not
        yield tmp
        (tmp / PARTIAL_MARKER).unlink()
        write_manifest(tmp)
        with _signals_held():
            _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` in place of ``target`` (checked again: a file may have
    been added while the run went on)."""
    old = None
    if target.exists():
        foreign = foreign_files(target)
        if foreign:
            raise ScenarioError(
                f"out: {target} holds files the estimator did not write ({foreign[0]}); "
                "choose another folder", field="out")
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
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


def strict_json(value: Any) -> Any:
    """``value`` with every NaN and infinity (float or numpy) replaced by None, numpy arrays
    and scalars as lists and numbers, dates as ISO text: ready for strict JSON."""
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    if isinstance(value, bool | str | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return strict_json(value.tolist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any, **kwargs: Any) -> str:
    """Strict JSON (RFC 8259): NaN and infinities, which strict readers reject, become
    ``null``. Every JSON the estimator prints or writes goes through here."""
    return json.dumps(strict_json(data), allow_nan=False, ensure_ascii=False, **kwargs)


def write_json(data: Any, path: Path) -> None:
    path.write_text(dumps(data, indent=2) + "\n", encoding="utf-8")


def _jsonable(value: Any) -> Any:
    return strict_json(value)


#: A text cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(rows: Iterable[dict[str, Any]], path: Path,
              fields: Sequence[str] | None = None) -> None:
    """Rows of dicts as CSV; numbers stay numbers (no thousands separators). With ``fields``
    (the columns, in order) the rows are streamed, never all held at once. A text cell a
    spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a leading
    ``'`` so it is shown as the text it is."""
    if fields is None:
        rows = list(rows)
        fields = []
        for row in rows:
            fields.extend(k for k in row if k not in fields)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[_text_cell(f) for f in fields])
        writer.writeheader()
        for row in rows:
            writer.writerow({_text_cell(k): _cell(v) for k, v in row.items()})


def _text_cell(text: str) -> str:
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text)  # "-3.5" is a number a spreadsheet reads as one, not a formula
        return text
    except ValueError:
        return "'" + text


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    if hasattr(value, "item"):
        return _cell(value.item())
    if isinstance(value, str):
        return _text_cell(value)
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
