"""From export files to estimates: every channel's inputs, the crises and the busy weeks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from estimator.calibrate.backtest import BackTest, back_test
from estimator.calibrate.errors import ExportError
from estimator.calibrate.estimate import (
    BusyPeriod,
    Episode,
    SeriesFit,
    busy_periods,
    crises_per_year,
    daily_counts,
    episodes,
    fit_series,
    hour_of_week,
    shared_day_share,
)
from estimator.calibrate.exports import Inbound, Posts, ReadNotes, read_export
from estimator.calibrate.times import zone

#: Fewest replies and handle times worth a share or a distribution.
MIN_REPLIES = 20


@dataclass(frozen=True)
class Options:
    """How to read and estimate (the CLI's options)."""

    timezone: str | None = None  # IANA zone the scenario's hours are in; None: as written
    platform: str | None = None  # for exports of one platform without a platform column
    business_hours: tuple[int, int] = (9, 17)  # what "business hours" response times count
    reply_within_minutes: float = 240.0  # today's share answered within this
    spike_k: float = 4.0  # spikes are above median + k x MAD


@dataclass(frozen=True)
class ChannelEstimate:
    """One platform's estimates, with what they came from."""

    platform: str
    kind: str
    sources: dict[str, int]
    messages: int
    fit: SeriesFit
    profile: NDArray[np.float64]  # (7, 24), mean 1
    back_test: BackTest
    within_share: float | None  # today's share answered within the target
    answered_share: float | None
    replies_measured: int
    handle_minutes: tuple[float, float] | None  # median, p90
    kinds_seen: bool = False  # the export had a message type column


@dataclass(frozen=True)
class FormatCadence:
    """Published pieces a week of one post type."""

    name: str
    per_week: tuple[float, float, float]
    pieces: int
    weeks: int
    platforms: tuple[str, ...]


@dataclass
class Calibration:
    """Everything calibrate found."""

    options: Options
    notes: list[ReadNotes]
    start: date | None = None
    days: int = 0
    channels: list[ChannelEstimate] = field(default_factory=list)
    total: SeriesFit | None = None
    total_back_test: BackTest | None = None
    crises: list[Episode] = field(default_factory=list)
    busy: list[BusyPeriod] = field(default_factory=list)
    formats: list[FormatCadence] = field(default_factory=list)
    posts_span: tuple[date, date] | None = None
    shared_day: tuple[float, int, int] | None = None  # share, channel pairs, days

    @property
    def years(self) -> float:
        return self.days / 365.25

    @property
    def end(self) -> date:
        assert self.start is not None
        return self.start + timedelta(days=self.days - 1)

    def crises_per_year(self) -> tuple[float, float, float]:
        return crises_per_year(len(self.crises), self.years)


def _kind(kinds: dict[str, int]) -> str:
    words = [w for w, _ in sorted(kinds.items(), key=lambda kv: -kv[1])]
    if not words:
        return "comments and DMs"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def calibrate(exports: list[tuple[str, bytes]], options: Options = Options()) -> Calibration:
    """Read the exports (name, bytes) and estimate every input they can give.

    Raises
    ------
    ExportError
        A file cannot be read or has nothing to estimate from (one line).
    """
    if not exports:
        raise ExportError("calibrate: expected at least one export file")
    tz = zone(options.timezone) if options.timezone else None
    inbound: dict[str, Inbound] = {}
    posts = Posts()
    notes = [
        read_export(data, name, tz=tz, platform=options.platform,
                    business_hours=options.business_hours, inbound=inbound, posts=posts)
        for name, data in exports
    ]
    out = Calibration(options=options, notes=notes)
    if inbound:
        _estimate_inbound(out, inbound)
    if posts.times:
        _estimate_posts(out, posts)
    return out


def _estimate_inbound(out: Calibration, inbound: dict[str, Inbound]) -> None:
    arrays = {p: ch.as_array() for p, ch in inbound.items()}
    first = min(a.min() for a in arrays.values()).astype("datetime64[D]")
    last = max(a.max() for a in arrays.values()).astype("datetime64[D]")
    start = first.astype(object)
    days = int((last - first).astype(int)) + 1
    if days < 14:
        raise ExportError(f"{', '.join(n.name for n in out.notes)}: expected at least two "
                          f"weeks of messages to estimate from, got {days} days "
                          f"({start} to {last})")
    out.start, out.days = start, days
    counts = {p: daily_counts(a, start, days) for p, a in arrays.items()}
    total = sum(counts.values())
    k = out.options.spike_k
    # a crisis surges every channel (MODEL.md): crisis days are the spikes of all channels
    # together; one channel's own spike (a post taking off) is its day-to-day variation
    crisis_days = fit_series(total, start, k).spike
    out.total = fit_series(total, start, k, also=crisis_days)
    out.total_back_test = back_test(total, start)
    out.crises = episodes(out.total, crisis_days)
    out.busy = busy_periods(out.total)
    order = sorted(inbound, key=lambda p: -len(inbound[p].times))
    for p in order:
        ch = inbound[p]
        fit = fit_series(counts[p], start, k, also=crisis_days, busy_also=out.total.busy)
        within = answered = None
        replies = np.array(ch.reply_minutes, dtype=float)
        if replies.size >= MIN_REPLIES:
            within = float((replies <= out.options.reply_within_minutes).mean())
            answered = float(np.isfinite(replies).mean())
        handle = None
        if len(ch.handle_minutes) >= MIN_REPLIES:
            h = np.array(ch.handle_minutes)
            h = h[h > 0]
            if h.size >= MIN_REPLIES:
                handle = (float(np.median(h)), float(np.percentile(h, 90)))
        out.channels.append(ChannelEstimate(
            platform=p, kind=_kind(ch.kinds), sources=dict(ch.sources), messages=len(ch.times),
            fit=fit, profile=hour_of_week(arrays[p], start, days, crisis_days),
            back_test=back_test(counts[p], start, total=total), within_share=within,
            answered_share=answered, replies_measured=int(replies.size), handle_minutes=handle,
            kinds_seen=bool(ch.kinds),
        ))
    out.shared_day = shared_day_share([ch.fit for ch in out.channels])


def _estimate_posts(out: Calibration, posts: Posts) -> None:
    every = [t for ts in posts.times.values() for t in ts]
    first, last = min(every).date(), max(every).date()
    weeks = ((last - first).days + 1) // 7
    if weeks < 2:
        raise ExportError(f"{', '.join(posts.sources)}: expected at least two weeks of "
                          f"posts for a cadence, got {(last - first).days + 1} days")
    out.posts_span = (first, first + timedelta(days=7 * weeks - 1))
    for fmt, times in sorted(posts.times.items(), key=lambda kv: -len(kv[1])):
        week = np.array([(t.date() - first).days // 7 for t in times])
        per_week = np.bincount(week[week < weeks], minlength=weeks).astype(float)
        out.formats.append(FormatCadence(
            name=fmt, per_week=tuple(float(np.percentile(per_week, q)) for q in (10, 50, 90)),  # type: ignore[arg-type]
            pieces=int(per_week.sum()), weeks=weeks,
            platforms=tuple(posts.platforms.get(fmt, {})),
        ))


def read_files(paths: list[Path]) -> list[tuple[str, bytes]]:
    """The bytes of each export, named by its file name."""
    out = []
    for path in paths:
        try:
            out.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise ExportError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return out
