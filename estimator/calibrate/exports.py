"""An export's rows turned into what estimating needs: inbound messages by platform (local
times, reply times where present) or published posts by format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from estimator.calibrate.errors import ExportError
from estimator.calibrate.layouts import Layout, detect, looks_like_header
from estimator.calibrate.reading import Table, read_table
from estimator.calibrate.times import (
    TimeReader,
    business_to_calendar_minutes,
    minutes,
)

#: Platform names as the scenarios spell them; a cell starting with one of the keys is that
#: platform ("Instagram DM", "Facebook Messenger").
PLATFORMS = {
    "instagram": "Instagram", "facebook": "Facebook", "messenger": "Facebook",
    "tiktok": "TikTok", "youtube": "YouTube", "linkedin": "LinkedIn", "twitter": "X",
    "x": "X", "threads": "Threads", "pinterest": "Pinterest", "reddit": "Reddit",
    "bluesky": "Bluesky", "whatsapp": "WhatsApp", "google": "Google Business Profile",
    "snapchat": "Snapchat", "mastodon": "Mastodon",
}
#: Message types as a channel's ``kind`` words.
KIND_WORDS = {"comment": "comments", "direct message": "DMs", "dm": "DMs", "message": "DMs",
              "private message": "DMs", "mention": "mentions", "review": "reviews",
              "reply": "comments", "post": "comments", "chat": "DMs", "conversation": "DMs"}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}


@dataclass
class Inbound:
    """One platform's inbound messages needing a reply, from one or more files."""

    platform: str
    times: list[datetime] = field(default_factory=list)  # local wall-clock
    kinds: dict[str, int] = field(default_factory=dict)
    reply_minutes: list[float] = field(default_factory=list)  # calendar; nan = unanswered
    handle_minutes: list[float] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)  # file -> rows

    def as_array(self) -> NDArray[np.datetime64]:
        return np.array(self.times, dtype="datetime64[s]")


@dataclass
class Posts:
    """Published pieces by format."""

    times: dict[str, list[datetime]] = field(default_factory=dict)
    platforms: dict[str, dict[str, None]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)


@dataclass
class ReadNotes:
    """What reading did to a file, said in the fragment's comments."""

    name: str
    layout: str
    encoding: str
    rows: int
    used: int
    times: str
    skipped: list[str] = field(default_factory=list)
    reply_clock: str = ""


def platform_name(cell: str) -> str:
    """The scenario's spelling of a platform named in an export cell."""
    low = cell.strip().lower()
    first = low.replace("-", " ").replace("_", " ").split(" ")[0] if low else ""
    if first in PLATFORMS:
        return PLATFORMS[first]
    return cell.strip().title() if cell.strip() else ""


def kind_word(cell: str) -> str:
    low = " ".join(cell.strip().lower().replace("_", " ").replace("-", " ").split())
    for key in sorted(KIND_WORDS, key=len, reverse=True):
        if key in low:
            return KIND_WORDS[key]
    return low or "messages"


def read_export(
    data: bytes, name: str, *, tz: ZoneInfo | None, platform: str | None,
    business_hours: tuple[int, int], inbound: dict[str, Inbound], posts: Posts,
) -> ReadNotes:
    """Add one export's rows to ``inbound`` (by platform) or ``posts`` (by format).

    Raises
    ------
    ExportError
        One line naming the file and the column, or the row and column, that cannot be used.
    """
    table = read_table(data, name, looks_like_header)
    layout = detect(table.header, name, platform_given=platform is not None)
    if layout.kind == "posts":
        return _read_posts(table, layout, tz, posts)
    return _read_inbound(table, layout, tz, platform, business_hours, inbound)


def _where(table: Table, i: int, col: int) -> str:
    return f"{table.name}: row {table.line_numbers[i]}, column {table.header[col]!r}"


def _row_time(table: Table, i: int, col: int, reader: TimeReader, example: str,
              no_time: list[int]) -> datetime | None:
    """Row ``i``'s time; None (and the row noted in ``no_time``) when the cell is empty; a
    one-line error naming the row and column when it is not a time."""
    cell = table.rows[i][col]
    if not cell:
        no_time.append(table.line_numbers[i])
        return None
    t = reader.parse(cell)
    if t is None:
        raise ExportError(f"{_where(table, i, col)}: expected a date and time such as "
                          f"{example}, got {cell!r}")
    return t


def _read_inbound(table: Table, layout: Layout, tz: ZoneInfo | None, platform: str | None,
                  business_hours: tuple[int, int], inbound: dict[str, Inbound]) -> ReadNotes:
    reader = TimeReader(tz)
    reply_reader = TimeReader(tz)
    no_time: list[int] = []
    not_needing = 0
    used = 0
    business = (layout.response_time is not None
                and "business" in table.header[layout.response_time].lower())
    for i, row in enumerate(table.rows):
        t = _row_time(table, i, layout.time, reader,
                      "2026-09-07T08:04:00-04:00 or 09/07/2026 08:04", no_time)
        if t is None:
            continue
        if layout.needs_reply is not None:
            flag = row[layout.needs_reply].strip().lower()
            if flag not in _TRUE | _FALSE:
                raise ExportError(f"{_where(table, i, layout.needs_reply)}: expected true or "
                                  f"false, got {row[layout.needs_reply]!r}")
            if flag in _FALSE:
                not_needing += 1
                continue
        name = platform if platform else platform_name(row[layout.platform])  # type: ignore[index]
        if not name:
            raise ExportError(f"{_where(table, i, layout.platform)}: expected a platform name, "  # type: ignore[arg-type]
                              f"got an empty cell")
        ch = inbound.setdefault(name, Inbound(platform=name))
        ch.times.append(t)
        ch.sources[table.name] = ch.sources.get(table.name, 0) + 1
        if layout.message_kind is not None:
            word = kind_word(row[layout.message_kind])
            ch.kinds[word] = ch.kinds.get(word, 0) + 1
        if layout.replied_at is not None or layout.response_time is not None:
            ch.reply_minutes.append(
                _reply_minutes(table, layout, i, row, t, reply_reader, business, business_hours))
        if layout.handle is not None:
            handle = minutes(row[layout.handle], table.header[layout.handle])
            if handle is not None:
                ch.handle_minutes.append(handle)
        used += 1
    skipped = []
    if no_time:
        skipped.append(f"{len(no_time):,} rows without a time skipped (first at row "
                       f"{no_time[0]}, column {table.header[layout.time]!r})")
    if not_needing:
        skipped.append(f"{not_needing:,} rows not needing a reply left out "
                       f"(column {table.header[layout.needs_reply]!r})")  # type: ignore[index]
    if used == 0:
        raise ExportError(f"{table.name}: no rows with a time and needing a reply in column "
                          f"{table.header[layout.time]!r}")
    clock = ""
    if layout.replied_at is not None:
        clock = (f"reply times from {table.header[layout.replied_at]!r} minus "
                 f"{table.header[layout.time]!r} (calendar clock)")
    elif business:
        clock = (f"{table.header[layout.response_time]!r} counts business hours only "  # type: ignore[index]
                 f"({business_hours[0]:02d}:00-{business_hours[1]:02d}:00 Mon-Fri, "
                 f"--business-hours): converted to the calendar clock by walking those "
                 f"hours from each message's time")
    elif layout.response_time is not None:
        clock = f"reply times from {table.header[layout.response_time]!r} (calendar clock)"
    return ReadNotes(name=table.name, layout="inbound messages", encoding=table.encoding,
                     rows=len(table.rows), used=used, times=reader.describe(), skipped=skipped,
                     reply_clock=clock)


def _reply_minutes(table: Table, layout: Layout, i: int, row: tuple[str, ...], t: datetime,
                   reader: TimeReader, business: bool, business_hours: tuple[int, int]) -> float:
    if layout.replied_at is not None:
        cell = row[layout.replied_at]
        if not cell:
            return float("nan")
        replied = reader.parse(cell)
        if replied is None:
            raise ExportError(f"{_where(table, i, layout.replied_at)}: expected a date and "
                              f"time, got {cell!r}")
        return max((replied - t).total_seconds() / 60, 0.0)
    assert layout.response_time is not None
    cell = row[layout.response_time]
    if not cell:
        return float("nan")
    value = minutes(cell, table.header[layout.response_time])
    if value is None:
        raise ExportError(f"{_where(table, i, layout.response_time)}: expected a duration "
                          f"(minutes, HH:MM:SS or 1h 23m), got {cell!r}")
    if business:
        return business_to_calendar_minutes(t, value, business_hours)
    return value


def _read_posts(table: Table, layout: Layout, tz: ZoneInfo | None, posts: Posts) -> ReadNotes:
    reader = TimeReader(tz)
    no_time: list[int] = []
    seen_ids: set[tuple[str, str]] = set()
    used = 0
    for i, row in enumerate(table.rows):
        t = _row_time(table, i, layout.time, reader, "09/07/2026 08:04", no_time)
        if t is None:
            continue
        fmt = " ".join(row[layout.post_type].strip().lower().replace("_", " ").split())  # type: ignore[index]
        if not fmt:
            raise ExportError(f"{_where(table, i, layout.post_type)}: expected a post type, "  # type: ignore[arg-type]
                              f"got an empty cell")
        if layout.platform is not None and row[layout.platform]:
            posts.platforms.setdefault(fmt, {})[platform_name(row[layout.platform])] = None
        if layout.post_id is not None and row[layout.post_id]:
            key = (fmt, row[layout.post_id])
            if key in seen_ids:  # one piece posted to several platforms
                continue
            seen_ids.add(key)
        posts.times.setdefault(fmt, []).append(t)
        used += 1
    posts.sources[table.name] = used
    skipped = []
    if no_time:
        skipped.append(f"{len(no_time):,} rows without a time skipped (first at row "
                       f"{no_time[0]}, column {table.header[layout.time]!r})")
    return ReadNotes(name=table.name, layout="published posts", encoding=table.encoding,
                     rows=len(table.rows), used=used, times=reader.describe(), skipped=skipped)


def read_path(path: Path, **kw) -> ReadNotes:
    """:func:`read_export` on a file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return read_export(data, path.name, **kw)
