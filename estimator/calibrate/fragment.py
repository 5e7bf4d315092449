"""The scenario fragment calibrate writes: TOML with a comment on every number saying what
it came from, and an hour-of-week profile CSV per channel beside it.

With a base scenario (``--scenario``) the fragment starts ``base = "..."`` and is a
complete scenario: each channel found takes its handle time, target and role from the base's
channel on the same platform, the base's other channels are kept, and ``[crises]`` sets only
``per_year`` (tables merge key by key). Without one, it is a fragment to paste, with
defaults marked ASSUMPTION. Nothing is written unless everything validates; files are
written to temporary names and moved into place.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from estimator.calibrate.calibration import Calibration, ChannelEstimate
from estimator.calibrate.errors import ExportError
from estimator.calibrate.estimate import MIN_WEEKS_FOR_GROWTH
from estimator.scenario import (
    Channel,
    Crises,
    ScenarioError,
    load_scenario,
    read_scenario_dict,
    validate_scenario,
)
from estimator.scenario.paths import DATA_DIR

#: Defaults for a channel without a base scenario (ASSUMPTION, docs/model.md "Calibrate").
DEFAULT_CHANNEL = {"handle_minutes": {"median": 2.0, "p90": 6.0}, "reply_within_minutes": 240.0,
                   "service_level": 0.9, "role": "community_manager"}
#: Share of a peak day's extra messages that an onset surge with a 12-hour half-life puts
#: in its first 24 hours: (12 / ln 2) x (1 - 2^-2) / 24.
_DAY_SHARE_OF_SURGE = 12 / math.log(2) * (1 - 2 ** -2) / 24
#: Words that find a post type's format among a scenario's format names, best first.
FORMAT_WORDS = {
    "reel": ("vertical", "short", "reel"), "reels": ("vertical", "short", "reel"),
    "short video": ("vertical", "short"), "ig reel": ("vertical", "short", "reel"),
    "photo": ("photo post", "photo"), "photos": ("photo post", "photo"),
    "image": ("photo post", "photo", "graphic"), "ig image": ("photo post", "photo"),
    "graphic": ("graphic",), "video": ("edited video", "long video", "video"),
    "videos": ("edited video", "long video", "video"), "edited video": ("edited video",),
    "carousel": ("carousel",), "ig carousel": ("carousel",), "album": ("carousel",),
    "link": ("link", "article"), "links": ("link", "article"), "text link": ("link", "text"),
    "text": ("text", "link"), "status": ("text", "link"), "x post": ("x post",),
    "tweet": ("x post",), "live": ("live",), "live video": ("live",),
}


def match_format(post_type: str, formats: list[str], taken: set[int]) -> int | None:
    """The scenario format a post type is, by name: exact, else by :data:`FORMAT_WORDS`."""
    names = [f.lower() for f in formats]
    if post_type in names and names.index(post_type) not in taken:
        return names.index(post_type)
    for word in FORMAT_WORDS.get(post_type, (post_type,)):
        for i, name in enumerate(names):
            if i not in taken and re.search(rf"\b{re.escape(word)}", name):
                return i
    return None


def num(x: float) -> str:
    """A number as a person would write it: three significant digits."""
    if x == 0:
        return "0"
    digits = max(3 - int(math.floor(math.log10(abs(x)))) - 1, 0)
    text = f"{round(x, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value(v: Any) -> str:
    """A TOML value on one line."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return num(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(type(v))


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def three_point(low: float, mode: float, high: float) -> Any:
    low, mode, high = (float(num(x)) for x in (low, mode, high))
    return mode if low == mode == high else {"low": low, "mode": mode, "high": high}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "channel"


def profile_csv(ch: ChannelEstimate, cal: Calibration) -> str:
    lines = [f"# Hour-of-week arrival profile of {ch.platform} {ch.kind}, from "
             f"{_sources(ch.sources)}: {ch.messages:,} messages, {cal.start} to {cal.end}",
             "# (crisis days left out), local time; weights are relative (mean 1).",
             "weekday,hour,weight"]
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    for d in range(7):
        for h in range(24):
            lines.append(f"{days[d]},{h},{ch.profile[d, h]:.4f}")
    return "\n".join(lines) + "\n"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _sources(sources: dict[str, int]) -> str:
    return ", ".join(f"{name} ({rows:,} rows)" for name, rows in sources.items())


def _base_channel(base: Any, platform: str) -> tuple[int, Any] | None:
    for i, ch in enumerate(base.channels if base is not None else []):
        if ch.platform.lower() == platform.lower():
            return i, ch
    return None


def _base_name(scenario: Path, out: Path) -> str:
    """How the fragment names its base: a shipped scenario by its name (it is found from
    any folder), else the path from the fragment's folder."""
    shipped = DATA_DIR / "scenarios" / scenario.name
    beside = out.resolve().parent / scenario.name
    if shipped.exists() and shipped.resolve() == scenario.resolve() and not beside.exists():
        return scenario.name
    return Path(os.path.relpath(scenario.resolve(), out.resolve().parent)).as_posix()


def fragment_text(cal: Calibration, out: Path, scenario: Path | None
                  ) -> tuple[str, dict[str, str]]:
    """The fragment's TOML and its profile CSVs (file name -> text)."""
    base = load_scenario(scenario) if scenario is not None else None
    lines: list[str] = [
        "# Scenario inputs estimated by `estimator calibrate` from your own exports.",
        "# Each number says what it came from; check them before a budget meeting.",
    ]
    for n in cal.notes:
        lines.append(f"# {n.name}: {n.layout}, {n.encoding}, {n.rows:,} rows, {n.used:,} used"
                     + (f"; times: {n.times}" if n.times else ""))
        lines += [f"#   {s}" for s in n.skipped]
        if n.reply_clock:
            lines.append(f"#   {n.reply_clock}")
    if cal.total_back_test is not None:
        lines.append(f"# all channels together, {cal.total_back_test.sentence()}")
    csvs: dict[str, str] = {}
    if base is not None:
        lines += ["", f"base = {value(_base_name(Path(scenario), out))}"]  # type: ignore[arg-type]
    channels = []
    used_base: set[int] = set()
    for ch in cal.channels:
        name = f"{out.stem}_{slug(ch.platform)}.csv"
        csvs[name] = profile_csv(ch, cal)
        entry, comments, i = _channel(ch, cal, base, name)
        if i is not None:
            used_base.add(i)
        channels.append((entry, comments))
    if base is not None:
        for i, ch in enumerate(base.channels):
            if i not in used_base:
                data = ch.model_dump(mode="python", exclude_none=True)
                channels.append((data, {"platform": f"kept from {scenario.name} channels[{i}]: "  # type: ignore[union-attr]
                                        "not in the exports"}))
    for entry, comments in channels:
        lines += ["", "[[channels]]"]
        for key, v in entry.items():
            note = comments.get(key)
            lines.append(f"{key} = {value(v)}" + (f"  # {note}" if note else ""))
        for extra in comments.get("", "").splitlines():
            lines.append(f"# {extra}")
    if cal.shared_day is not None:
        share, pairs, days = cal.shared_day
        lines += ["", "[engagement]",
                  f"shared_day_share = {num(share)}  # mean over {pairs} channel pairs of "
                  f"the covariance of their de-seasonalised days / their CVs, {days} days "
                  "without crisis"]
    if cal.start is not None:
        lines += _crises(cal, base)
        lines += _calendar(cal)
    lines += _content(cal, base, scenario)
    text = "\n".join(lines) + "\n"
    _validate(text, channels, cal, base, out)
    return text, csvs


def _channel(ch: ChannelEstimate, cal: Calibration, base: Any, profile_name: str
             ) -> tuple[dict[str, Any], dict[str, str], int | None]:
    fit = ch.fit
    span = f"{cal.start} to {cal.end}"
    src = _sources(ch.sources)
    entry: dict[str, Any] = {"platform": ch.platform, "kind": ch.kind}
    notes = {"kind": "the message types in the export" if ch.kinds_seen
             else "no message type column: every inbound message needing a reply"}
    entry["per_day"] = three_point(*fit.per_day)
    busy = int(fit.busy.sum())
    notes["per_day"] = (f"P10/median/P90 of {fit.weeks - busy} weekly means, {src}, {span}, "
                        f"{_days(int(fit.spike.sum()))} of crisis at their expected level"
                        + (f", {busy} busy weeks left to [[calendar]]" if busy else ""))
    entry["daily_cv"] = float(num(max(fit.daily_cv, 0.001))) if fit.daily_cv > 0 else 0.0
    notes["daily_cv"] = (f"{fit.days - int(fit.spike.sum())} days, weekday pattern taken out, "
                         "crisis days left to [crises], Poisson noise taken out")
    if fit.growth is None:
        entry["growth_per_year"] = 0.0
        notes["growth_per_year"] = (f"only {fit.weeks} weeks: too few to fit growth "
                                    f"({MIN_WEEKS_FOR_GROWTH} or more)")
    else:
        entry["growth_per_year"] = three_point(*fit.growth)
        notes["growth_per_year"] = (f"log-linear fit of {fit.weeks - busy} weekly totals, "
                                    "80% interval")
    entry["profile"] = profile_name
    notes["profile"] = "hour-of-week profile written beside this file"
    found = _base_channel(base, ch.platform)
    index = None
    if found is not None:
        index, b = found
        for key in ("handle_minutes", "reply_within_minutes", "service_level", "role"):
            entry[key] = b.model_dump(mode="python")[key]
            notes[key] = f"from the base's channels[{index}] ({b.platform} {b.kind})"
        entry["kind"] = ch.kind if ch.kind != "comments and DMs" else b.kind
    else:
        for key, v in DEFAULT_CHANNEL.items():
            entry[key] = v
            notes[key] = "ASSUMPTION: default, not in the export"
    if ch.handle_minutes is not None:
        med, p90 = ch.handle_minutes
        entry["handle_minutes"] = {"median": float(num(med)), "p90": float(num(max(p90, med)))}
        notes["handle_minutes"] = f"median and P90 of the export's handle times, {src}"
    extra = [f"{ch.platform}: {ch.back_test.sentence()}"]
    if ch.within_share is not None:
        extra.append(
            f"today: {ch.within_share:.0%} of {ch.replies_measured:,} messages answered within "
            f"{num(cal.options.reply_within_minutes)} minutes (calendar clock), "
            f"{ch.answered_share:.0%} answered at all: compare the run's "
            "current_staff.replies_within_target_share")
    notes[""] = "\n".join(extra)
    return entry, notes, index


def _crises(cal: Calibration, base: Any) -> list[str]:
    eps = cal.crises
    rate = cal.crises_per_year()
    years = f"{cal.days} days ({cal.start} to {cal.end})"
    found = ", ".join(f"{e.first} ({e.days} d, {num(e.surge)}x)" for e in eps) or "none"
    lines = ["", "[crises]", f"# crisis days found (above median + {num(cal.options.spike_k)}"
             f" x MAD of the de-seasonalised days): {found}"]
    if not eps and base is None:
        lines.append(f"per_year = 0  # none in {years}; up to {num(rate[2])} a year is "
                     "consistent with that (80%)")
        return lines
    lines.append(f"per_year = {value(three_point(*rate))}  # {len(eps)} in {years}, "
                 "Poisson 80% interval")
    if eps:
        surge = max(e.surge for e in eps)
        onset = 1 + (surge - 1) / _DAY_SHARE_OF_SURGE
        lengths = sorted(e.days for e in eps)
        median_days = float(lengths[len(lengths) // 2])
        p90_days = float(max(lengths[-1], median_days))
        sev = {"name": "as found in the export", "share": 1.0,
               "days": {"median": median_days, "p90": p90_days} if p90_days > median_days
               else median_days, "surge": float(num(onset)), "half_life_hours": 12.0}
        comment = (f"# the worst day was {num(surge)}x its expected level: an onset surge of "
                   f"{num(onset)} with a 12-hour half-life averages that over a day")
        why = {"days": f"length of the {len(eps)} found (consecutive days)",
               "surge": "onset surge (above)",
               "half_life_hours": "ASSUMPTION: the model's default half-life"}
        if base is None:
            lines += ["", "[[crises.severity]]", comment]
            lines += [f"{k} = {value(v)}" + (f"  # {why[k]}" if k in why else "")
                      for k, v in sev.items()]
        else:
            lines += [comment, "# the base's [[crises.severity]] are kept; to use what was "
                      "found instead:", "# [[crises.severity]]"]
            lines += [f"# {k} = {value(v)}" for k, v in sev.items()]
    return lines


def _calendar(cal: Calibration) -> list[str]:
    if not cal.busy:
        return []
    lines = ["", "# Busy weeks seen in the exports: proposed [[calendar]] periods. Confirm",
             "# and uncomment (a [[calendar]] list replaces the base's whole)."]
    seen: set[str] = set()
    for b in cal.busy:
        key = b.start.strftime("%m-%d") if b.every_year else b.start.isoformat()
        if key in seen:
            continue
        seen.add(key)
        why = ("busy in the same weeks a year apart" if b.every_year
               else "seen once: set every_year = true if it recurs")
        lines += ["# [[calendar]]", f"# name = {value(f'busy weeks from {b.start:%d %b}')}"
                  f"  # {b.start} to {b.end}, {num(b.factor[1])}x the trend; {why}"]
        if b.every_year:
            lines += ["# every_year = true", f"# start = {value(b.start.strftime('%m-%d'))}",
                      f"# end = {value(b.end.strftime('%m-%d'))}"]
        else:
            lines += [f"# start = {b.start.isoformat()}", f"# end = {b.end.isoformat()}"]
        lines.append(f"# volume_factor = {value(three_point(*b.factor))}")
    return lines


def _content(cal: Calibration, base: Any, scenario: Path | None) -> list[str]:
    if not cal.formats:
        return []
    span = f"{cal.posts_span[0]} to {cal.posts_span[1]}" if cal.posts_span else ""
    names = [c.format for c in base.content] if base is not None else []
    matched: dict[int, Any] = {}
    lines: list[str] = []
    loose = []
    for f in cal.formats:
        note = (f"P10/median/P90 of {f.weeks} weeks' counts of {f.name!r} posts "
                f"({f.pieces:,} pieces, {span})")
        i = match_format(f.name, names, set(matched))
        if i is not None:
            matched[i] = (three_point(*f.per_week), note)
        else:
            loose.append((f, note))
    if matched:
        for i, c in enumerate(base.content):
            data = c.model_dump(mode="python", exclude_none=True)
            lines += ["", "[[content]]"]
            for key, v in data.items():
                if key == "per_week" and i in matched:
                    lines.append(f"per_week = {value(matched[i][0])}  # {matched[i][1]}")
                else:
                    why = "" if key != "format" or i in matched else \
                        f"  # kept from {scenario.name}: not in the posts export"  # type: ignore[union-attr]
                    lines.append(f"{key} = {value(v)}{why}")
    if loose:
        lines += ["", "# Content cadence found for post types the scenario has no format for"
                  " (a [[content]] also needs platforms and effort_hours):"]
        for f, note in loose:
            where = f", platforms {value(list(f.platforms))}" if f.platforms else ""
            lines.append(f"# format {f.name!r}: per_week = {value(three_point(*f.per_week))}"
                         f"  # {note}{where}")
    return lines


def _validate(text: str, channels: list, cal: Calibration, base: Any, out: Path) -> None:
    """Every channel and the crises validate (and the whole scenario, with a base)."""
    for i, (entry, _) in enumerate(channels):
        try:
            Channel.model_validate(entry)
        except Exception as exc:  # pydantic's error: one line is enough here
            raise ExportError(f"calibrate: channels[{i}] would not validate: "
                              f"{str(exc).splitlines()[-1].strip()}") from None
    if base is None:
        import tomllib

        data = tomllib.loads(text)
        if "crises" in data:
            try:
                Crises.model_validate(data["crises"])
            except Exception as exc:
                raise ExportError(f"calibrate: [crises] would not validate: "
                                  f"{str(exc).splitlines()[-1].strip()}") from None


def write_fragment(cal: Calibration, out: Path, scenario: Path | None = None) -> list[Path]:
    """Write the fragment and its profile CSVs atomically; nothing is left on error.

    With a base scenario the written fragment is loaded and validated as a whole scenario
    before it replaces anything.
    """
    if not cal.channels and not cal.formats:
        raise ExportError("calibrate: nothing to estimate (no inbound messages or posts)")
    text, csvs = fragment_text(cal, out, scenario)
    folder = out.resolve().parent
    if not folder.is_dir():
        raise ExportError(f"--out: no such folder {folder}")
    temps: dict[Path, Path] = {}
    try:
        for name, body in [*csvs.items(), (out.name, text)]:
            fd, tmp = tempfile.mkstemp(prefix=".calibrate-", suffix=Path(name).suffix,
                                       dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(body)
            temps[folder / name] = Path(tmp)
        if scenario is not None:
            try:
                data = read_scenario_dict(temps[folder / out.name])
                validate_scenario(data, source=str(out))
            except ScenarioError as exc:
                raise ExportError(f"calibrate: the fragment would not load: {exc}") from None
        for final, tmp in temps.items():
            if tmp.exists():
                os.replace(tmp, final)
    finally:
        for tmp in temps.values():
            if tmp.exists():
                tmp.unlink()
    return list(temps)


__all__ = ["fragment_text", "write_fragment"]
