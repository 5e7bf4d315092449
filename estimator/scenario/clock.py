"""Covered hours as a scenario file writes them (``"09:00-17:00"``, ``"24/7"``,
``"22:00-06:00"``), read into whole hours of the day."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")
#: How covered hours are written, for the field descriptions and the error messages.
COVERAGE_SYNTAX = ("'09:00-17:00', '24/7' (all day), an overnight range '22:00-06:00' (the "
                   "hours after midnight belong to the next morning), several ranges "
                   "'08:00-12:00, 13:00-17:00', or '' for none")


def parse_clock_range(text: str) -> tuple[int, int]:
    """Whole hours ``(start, end)`` of one range like ``"08:00-18:00"``; ``""`` is ``(0, 0)``.

    An overnight range ends after 24 (``"22:00-06:00"`` is ``(22, 30)``).

    >>> parse_clock_range("08:00-18:00")
    (8, 18)
    >>> parse_clock_range("00:00-24:00"), parse_clock_range("22:00-06:00")
    ((0, 24), (22, 30))
    """
    if text.strip() == "":
        return (0, 0)
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f"expected covered hours like {COVERAGE_SYNTAX}; got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if m1 or m2:
        raise ValueError(f"expected whole hours (the model works by the hour), got {text!r}")
    if not (0 <= h1 <= 23 and 0 <= h2 <= 24) or h1 == h2:
        raise ValueError(f"expected hours from 00:00 to 24:00 and a start unlike the end, "
                         f"got {text!r}")
    return (h1, h2) if h1 < h2 else (h1, h2 + 24)


def parse_coverage(text: str) -> tuple[tuple[int, int], ...]:
    """The covered ranges of a day, as whole hours ``(start, end)``; ``end`` passes 24 for
    the part of an overnight range that falls on the next morning.

    >>> parse_coverage("24/7"), parse_coverage("")
    (((0, 24),), ())
    >>> parse_coverage("08:00-12:00, 13:00-17:00")
    ((8, 12), (13, 17))
    >>> parse_coverage("22:00-06:00")
    ((22, 30),)
    """
    text = text.strip()
    if text.lower() in ("", "none"):
        return ()
    if text.lower() in ("24/7", "24h", "all day"):
        return ((0, 24),)
    ranges = tuple(parse_clock_range(part) for part in re.split(r"[,;]", text) if part.strip())
    hours = [h % 24 for a, b in ranges for h in range(a, b)]
    if len(hours) != len(set(hours)):
        raise ValueError(f"expected ranges that do not overlap, got {text!r}")
    return ranges
