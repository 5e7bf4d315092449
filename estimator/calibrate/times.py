"""Times, numbers and durations as tools write them.

Times: ISO 8601 with or without an offset (``2026-09-07T08:04:39-04:00``, ``...Z``,
``2026-09-07 08:04``) and the spreadsheet forms ``09/07/2026 08:04`` (month first, as US
tools write them; day first when no row reads month first) with or without ``AM``/``PM``.
A time with an offset is converted to the scenario's time zone when one is given, else kept
at the wall-clock time it was written in; a time without one is taken as local already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from estimator.calibrate.errors import ExportError

_SPREADSHEET_FORMATS = (
    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S",
)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([,\u00a0\u202f ']\d{3})+(\.\d+)?$")
_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*"
                       r"(?:(\d+)\s*s)?$", re.IGNORECASE)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``America/New_York``)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportError(f"--timezone: expected an IANA time zone such as "
                          f"'America/New_York', got {name!r}") from None


@dataclass
class TimeReader:
    """Parses the times of one column, remembering how many had an offset."""

    tz: ZoneInfo | None
    with_offset: int = 0
    without_offset: int = 0
    _format: str | None = None

    def parse(self, text: str) -> datetime | None:
        """The local wall-clock time of ``text`` (naive), or None if it is not a time."""
        t = self._iso(text)
        if t is None:
            t = self._spreadsheet(text)
        if t is None:
            return None
        if t.tzinfo is not None:
            self.with_offset += 1
            return (t.astimezone(self.tz) if self.tz else t).replace(tzinfo=None)
        self.without_offset += 1
        return t

    def _iso(self, text: str) -> datetime | None:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None

    def _spreadsheet(self, text: str) -> datetime | None:
        # the format the file's earlier rows used first; then every format again, for a
        # day-first file whose first rows also read month first
        for formats in ((self._format,) if self._format else (), _SPREADSHEET_FORMATS):
            for fmt in formats:
                try:
                    t = datetime.strptime(text, fmt)
                except ValueError:
                    continue
                self._format = fmt
                return t
        return None

    @property
    def spreadsheet_format(self) -> str | None:
        return self._format

    def describe(self) -> str:
        """How the times were read, for a comment."""
        parts = []
        if self.with_offset:
            where = f"converted to {self.tz.key}" if self.tz else "kept at the local time written"
            parts.append(f"{self.with_offset:,} with a UTC offset ({where})")
        if self.without_offset:
            parts.append(f"{self.without_offset:,} without an offset (taken as local time)")
        return "; ".join(parts)


def number(text: str) -> float | None:
    """A number as a spreadsheet writes it: ``1,234``, ``1 234``, ``12.5``; None if blank."""
    text = text.strip()
    if not text:
        return None
    if _THOUSANDS.match(text):
        text = re.sub(r"[,\u00a0\u202f ']", "", text)
    try:
        return float(text)
    except ValueError:
        return None


def minutes(text: str, column: str) -> float | None:
    """A duration in minutes: a number in the column's unit (``(seconds)``, ``(hours)``,
    minutes by default), ``HH:MM:SS`` or ``1h 23m``; None if blank or not a duration."""
    text = text.strip()
    if not text:
        return None
    unit = 1.0
    lowered = column.lower()
    if "second" in lowered or re.search(r"\(s(ec)?\)", lowered):
        unit = 1 / 60
    elif "hour" in lowered.replace("business hours", "") or re.search(r"\(h\)", lowered):
        unit = 60.0
    value = number(text)
    if value is not None:
        return value * unit
    if re.fullmatch(r"\d+:\d{2}(:\d{2})?", text):
        parts = [int(p) for p in text.split(":")]
        h, m, s = (parts + [0])[:3] if len(parts) == 3 else (parts[0], parts[1], 0)
        return h * 60 + m + s / 60
    m = _DURATION.match(text)
    if m and any(m.groups()):
        d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        return d * 1440 + h * 60 + mi + s / 60
    return None


def business_to_calendar_minutes(
    start: datetime, business_minutes: float, window: tuple[int, int], days: int = 5
) -> float:
    """Calendar minutes from ``start`` until ``business_minutes`` of business time have
    passed, business time being ``window`` (whole hours) on the first ``days`` weekdays.

    >>> business_to_calendar_minutes(datetime(2026, 9, 4, 16, 30), 60, (9, 17))  # a Friday
    3900.0
    """
    t = start
    left = business_minutes
    for _ in range(3660):  # ten years of days: an absurd response time stops here
        open_at = t.replace(hour=window[0], minute=0, second=0, microsecond=0)
        close_at = t.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            hours=window[1])
        if t.weekday() < days and t < close_at:
            t = max(t, open_at)
            available = (close_at - t).total_seconds() / 60
            if left <= available:
                return (t + timedelta(minutes=left) - start).total_seconds() / 60
            left -= available
        t = t.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return float("inf")
