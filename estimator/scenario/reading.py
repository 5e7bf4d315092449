"""Reading a file a scenario names, safely: only regular files, of bounded size, as UTF-8.

A FIFO would block forever, ``/dev/zero`` would fill the memory and a directory or a loop of
links is not a file; each is refused with one line before anything is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from estimator.scenario.errors import ScenarioError

#: Largest scenario file read (bytes): the shipped ones are under 10 kB.
MAX_SCENARIO_BYTES = 1_000_000
#: Largest profile CSV read (bytes): 168 rows need about 2 kB.
MAX_PROFILE_BYTES = 10_000_000


def read_text(path: str | Path, *, limit: int, what: str = "scenario file",
              field: str = "") -> str:
    """The text of the regular file ``path`` (at most ``limit`` bytes, UTF-8).

    Raises
    ------
    ScenarioError
        One line naming the file: missing, not a regular file, too large, unreadable or not
        UTF-8. The file's contents never appear in the message.
    """
    name = str(path)
    prefix = f"{name}: {field}: " if field else f"{name}: "
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not block; the stat below refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ScenarioError(f"{prefix}no such {what}", field=field) from None
    except IsADirectoryError:
        raise ScenarioError(f"{prefix}expected a {what}, got a folder", field=field) from None
    except OSError as exc:
        reason = ("a loop of symbolic links" if exc.errno == 40 else
                  exc.strerror or type(exc).__name__)
        raise ScenarioError(f"{prefix}cannot read the {what} ({reason})", field=field) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError(f"{prefix}expected a {what}, got a folder", field=field)
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(
                f"{prefix}expected a {what}, got a special file (a pipe, device or socket)",
                field=field)
        if info.st_size > limit:
            raise ScenarioError(
                f"{prefix}expected a {what} of at most {limit:,} bytes, got {info.st_size:,}",
                field=field)
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioError(f"{prefix}cannot read the {what} ({exc.strerror})",
                            field=field) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # the file grew while it was read
        raise ScenarioError(f"{prefix}expected a {what} of at most {limit:,} bytes", field=field)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{prefix}not a {what} (not UTF-8 text at byte {exc.start})", field=field
        ) from None
