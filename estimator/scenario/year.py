"""The planning year in the scenario file: what the scenario is and which calendar it runs
on (``[scenario]``: year, country and holidays), and named periods of the year with more or
less work (``[[calendar]]``)."""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from typing import Annotated

import holidays as holidays_lib
from pydantic import Field, Strict

from estimator.scenario.errors import FieldProblem
from estimator.scenario.quantities import NonNegative
from estimator.scenario.section import Section


class ScenarioInfo(Section):
    """What the scenario is and which calendar it runs on."""

    name: str = Field(min_length=1, description="A name for charts and tables.")
    year: int = Field(ge=2000, le=2100, description="The planning year (ISO weeks 1-52).")
    country: str = Field(
        default="", description="Country code for public holidays (holidays package); '' = none."
    )
    subdivision: str = Field(default="", description="State or region code for holidays; optional.")
    # TOML dates, and ISO strings from the dashboard or a sweep
    extra_holidays: list[Annotated[date, Strict(False)]] = Field(
        default_factory=list,
        description="Further days off for everyone (e.g. 2027-12-24).",
    )
    description: str = Field(default="", description="Free text: who this scenario describes.")
    currency: str = Field(default="USD", min_length=1, description="Currency of the salaries.")


def check_year(info: ScenarioInfo) -> None:
    """Extra holidays inside the planning year, and a country and subdivision the holidays
    package knows."""
    first = date.fromisocalendar(info.year, 1, 1)  # the planning year's Monday
    last = first + timedelta(days=363)
    for i, day in enumerate(info.extra_holidays):
        if not first <= day <= last:
            raise FieldProblem(
                f"scenario.extra_holidays[{i}]",
                f"expected a date in the planning year {info.year} ({first} to "
                f"{last}, ISO weeks 1-52), got {day}")
    if info.subdivision and not info.country:
        raise FieldProblem(
            "scenario.subdivision",
            f"expected a scenario.country with a subdivision, got "
            f"{info.subdivision!r} and no country")
    if info.country:
        try:
            holidays_lib.country_holidays(info.country, years=info.year)
            if info.subdivision:
                holidays_lib.country_holidays(info.country, subdiv=info.subdivision,
                                              years=info.year)
        except NotImplementedError as exc:
            if info.subdivision and "subdiv" in str(exc).lower():
                raise FieldProblem(
                    "scenario.subdivision",
                    f"expected a subdivision of {info.country}, got "
                    f"{info.subdivision!r}",
                ) from None
            raise FieldProblem(
                "scenario.country",
                "expected a country code the holidays package knows (e.g. 'US', 'GB', "
                f"'FR'), got {info.country!r}",
            ) from None
        except Exception as exc:  # the holidays package raises several kinds for a subdiv
            raise FieldProblem(
                "scenario.subdivision",
                f"expected a subdivision of {info.country}, got "
                f"{info.subdivision!r} ({exc})",
            ) from None


_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class CalendarPeriod(Section):
    """A named period of the year (move-in, Black Friday, an election) that multiplies channel
    volumes and content cadence for its days."""

    name: str = Field(min_length=1, description="e.g. 'move-in week', 'Black Friday'.")
    start: Annotated[date, Strict(False)] | str = Field(
        description="First day: a date (2027-08-16), or 'MM-DD' with every_year = true."
    )
    end: Annotated[date, Strict(False)] | str = Field(
        description="Last day (included): a date, or 'MM-DD' with every_year = true."
    )
    every_year: bool = Field(
        default=False, description="The same month-days every year (start and end as 'MM-DD')."
    )
    volume_factor: NonNegative = Field(
        default=1, description="Multiplier on channel volumes for its days."
    )
    platforms: list[str] = Field(
        default_factory=list, description="Only these platforms' volumes; [] = every channel."
    )
    content_factor: NonNegative = Field(
        default=1, description="Multiplier on content cadence for its days."
    )

    def first_last(self, year: int) -> tuple[date, date]:
        """The period's first and last day in ``year`` (an every-year period that wraps over
        New Year ends in the next year)."""
        if not self.every_year:
            return _as_date(self.start), _as_date(self.end)
        (m1, d1), (m2, d2) = _month_day(self.start), _month_day(self.end)
        first = date(year, m1, min(d1, 28) if (m1, d1) == (2, 29) else d1)
        last = date(year, m2, min(d2, 28) if (m2, d2) == (2, 29) else d2)
        if last < first:
            last = date(year + 1, last.month, last.day)
        return first, last


def _as_date(v: date | str) -> date:
    return v if isinstance(v, date) else date.fromisoformat(v)


def _month_day(v: date | str) -> tuple[int, int]:
    if isinstance(v, date):
        return v.month, v.day
    m = _MONTH_DAY.match(v)
    if not m:
        raise ValueError(v)
    month, day = int(m.group(1)), int(m.group(2))
    date(2028, month, day)  # a real month-day (2028 is a leap year)
    return month, day


def check_period(i: int, p: CalendarPeriod, channel_platforms: list[str]) -> None:
    for key in ("start", "end"):
        v = getattr(p, key)
        try:
            _month_day(v) if p.every_year else _as_date(v)
        except ValueError:
            want = ("a month-day like '08-16' (every_year = true)" if p.every_year
                    else "a date like 2027-08-16 (or every_year = true with '08-16')")
            raise FieldProblem(f"calendar[{i}].{key}", f"expected {want}, got {v!r}") from None
    first, last = p.first_last(2027)
    if not p.every_year and last < first:
        raise FieldProblem(f"calendar[{i}].end", f"expected a day on or after start "
                           f"({first.isoformat()}), got {last.isoformat()}")
    for j, platform in enumerate(p.platforms):
        if platform not in channel_platforms:
            near = difflib.get_close_matches(platform, channel_platforms, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise FieldProblem(f"calendar[{i}].platforms[{j}]",
                               f"expected a platform of a [[channels]] entry, got "
                               f"{platform!r}{hint}")
