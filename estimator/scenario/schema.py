"""The scenario file's schema: pydantic v2 models, the one source of truth for the format.

Field names, units, defaults and descriptions live here; the docs table and the JSON Schema
are generated from them (``estimator schema``). Validators raise
:class:`~estimator.scenario.errors.FieldProblem` naming the field, so that the loader turns
every problem into a one-line :class:`~estimator.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import holidays as holidays_lib
import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    field_validator,
    model_validator,
)

from estimator.scenario.correlations import Correlation, check_correlations
from estimator.scenario.errors import FieldProblem
from estimator.scenario.quantities import (
    Growth,
    LogNormal,
    Multiplier,
    NonNegative,
    Pert,
    Positive,
    QuantityValue,
    Share,
    describe,
    low_high,
    mean,
)

_CLOCK = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def parse_clock_range(text: str) -> tuple[int, int]:
    """Whole hours ``(start, end)`` of a range like ``"08:00-18:00"``; ``""`` is ``(0, 0)``.

    >>> parse_clock_range("08:00-18:00")
    (8, 18)
    >>> parse_clock_range("00:00-24:00")
    (0, 24)
    """
    if text == "":
        return (0, 0)
    m = _CLOCK.match(text)
    if not m:
        raise ValueError(f"expected a range of whole hours like '08:00-18:00' or '', got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if m1 or m2:
        raise ValueError(f"expected whole hours (the model works by the hour), got {text!r}")
    if not (0 <= h1 < h2 <= 24):
        raise ValueError(f"expected a start before the end within 00:00-24:00, got {text!r}")
    return (h1, h2)


class ScenarioInfo(_Model):
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


class Capacity(_Model):
    """One full-time employee: contract, absences and the share of time that is not work."""

    hours_per_week: float = Field(default=40, gt=0, le=80, description="Contracted hours a week.")
    days_per_week: int = Field(
        default=5, ge=1, le=7, description="Working days a week (from Monday)."
    )
    vacation_days: NonNegative = Field(default=15, description="Paid vacation days a year.")
    sick_days: NonNegative = Field(default=5, description="Sick days a year.")
    training_hours_per_week: NonNegative = Field(default=1, description="Training hours a week.")
    admin_share: Share = Field(
        default=0.10, description="Share of hours at work lost to meetings, email and admin."
    )
    max_occupancy: float = Field(
        default=0.85, ge=0.01, le=1, description="Most of an on-duty hour that replies may take."
    )
    max_shift_hours: int = Field(
        default=9, ge=1, le=24, description="Longest shift on duty in a day (whole hours)."
    )

    @model_validator(mode="after")
    def _time_left(self) -> Capacity:
        # Every run must keep some productive hours: FTE = hours / productive hours.
        training = _largest(self.training_hours_per_week)
        if training >= self.hours_per_week:
            raise FieldProblem(
                "capacity.training_hours_per_week",
                f"expected fewer training hours than hours_per_week ({self.hours_per_week:g}), "
                f"got up to {training:g}",
            )
        if _largest(self.admin_share) >= 1:
            raise FieldProblem(
                "capacity.admin_share",
                f"expected a share below 1 (1 leaves no time for the work), got up to "
                f"{_largest(self.admin_share):g}",
            )
        return self


def _largest(q: QuantityValue) -> float:
    """The largest value the engine draws from a quantity."""
    return low_high(q)[1]


#: No planning number is larger; far beyond it, the engine's arithmetic overflows.
_MOST = 1e12
#: People busy answering at once that one channel may need at its peak hour (the engine's
#: staffing look-up overflows past 2e7).
_MOST_ERLANGS = 1e7
#: Crises a year: one an hour.
_MOST_CRISES = 8736


def _extreme(q: Any) -> float:
    """The largest magnitude a number or quantity reaches (a lognormal's P99.9)."""
    if isinstance(q, LogNormal | Pert):
        with np.errstate(over="ignore"):
            return max(abs(x) for x in low_high(q))
    return abs(float(q))


class Coverage(_Model):
    """The hours someone watches the channels and answers."""

    weekdays: str = Field(default="09:00-17:00", description="Covered hours Monday to Friday.")
    weekends: str = Field(default="", description="Covered hours Saturday and Sunday; '' = none.")
    holidays: Literal["weekdays", "weekends", "none"] = Field(
        default="weekends", description="Public holidays are covered like these days."
    )
    min_on_duty: int = Field(default=1, ge=0, le=50, description="People on duty in covered hours.")
    during_crisis: Literal["24/7", "normal"] = Field(
        default="24/7", description="Coverage while a crisis lasts."
    )
    backlog_hours: int = Field(
        default=4,
        ge=1,
        le=24,
        description="Covered hours over which messages left from uncovered hours are cleared.",
    )

    @field_validator("weekdays", "weekends")
    @classmethod
    def _clock(cls, v: str) -> str:
        parse_clock_range(v)
        return v


class Role(_Model):
    """A role on the team."""

    salary: float = Field(ge=0, description="Yearly cost of one FTE (salary and on-costs).")
    label: str = Field(default="", description="Name shown in charts; defaults to the key.")


class Content(_Model):
    """A content format: how often, where, and the hours each role spends on one piece."""

    format: str = Field(min_length=1, description="e.g. 'vertical video'.")
    platforms: list[str] = Field(min_length=1, description="Platforms each piece goes to.")
    per_week: NonNegative = Field(description="Pieces a week.")
    adapt_share: NonNegative = Field(
        default=0.0, description="Effort to adapt a piece to each further platform, as a share."
    )
    publish_minutes: NonNegative = Field(
        default=0, description="Minutes to publish one platform post."
    )
    publish_role: str | None = Field(default=None, description="Role that publishes.")
    effort_hours: dict[str, NonNegative] = Field(description="Hours per piece, by role.")


class Channel(_Model):
    """A platform's inbound messages that need a reply."""

    platform: str = Field(min_length=1, description="e.g. 'Instagram'.")
    kind: str = Field(default="comments and DMs", description="comments, DMs, mentions, reviews...")
    per_day: NonNegative | None = Field(
        default=None, description="Messages a day that need a reply."
    )
    audience: float | None = Field(
        default=None, gt=0, description="Followers (instead of per_day)."
    )
    replies_per_1000_audience_per_day: NonNegative | None = Field(
        default=None, description="Messages needing a reply per 1,000 followers a day."
    )
    daily_cv: float = Field(default=0.3, ge=0, le=3, description="Day-to-day variation (CV).")
    growth_per_year: Growth = Field(default=0.0, description="Volume growth over the year.")
    handle_minutes: Positive = Field(description="Minutes to handle one reply (its mean is used).")
    reply_within_minutes: float = Field(gt=0, le=10080, description="Response target time.")
    service_level: float = Field(gt=0, lt=1, description="Share of messages within the target.")
    role: str = Field(description="Role that answers.")
    profile: str = Field(default="default", description="Arrival profile in data/profiles.")

    @field_validator("daily_cv")
    @classmethod
    def _cv(cls, v: float) -> float:
        if 0 < v < 0.001:  # the day factor's gamma shape is 1 / cv**2
            raise ValueError(f"expected 0 (no variation) or at least 0.001, got {v:g}")
        return v

    @model_validator(mode="after")
    def _one_volume(self) -> Channel:
        by_audience = (
            self.audience is not None or self.replies_per_1000_audience_per_day is not None
        )
        if self.per_day is not None and by_audience:
            raise ValueError("expected per_day or audience with a reply rate, got both")
        if self.per_day is None and not (
            self.audience is not None and self.replies_per_1000_audience_per_day is not None
        ):
            raise ValueError(
                "expected per_day, or audience and replies_per_1000_audience_per_day, got neither"
            )
        return self


class Engagement(_Model):
    """What all channels share."""

    shared_day_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of each channel's day-to-day variance shared by all channels "
        "(busy days come to all at once); 0 = independent channels.",
    )


class Monitoring(_Model):
    """Watching the platforms during covered hours, and listening reports."""

    platforms: list[str] = Field(default_factory=list, description="Platforms watched.")
    minutes_per_covered_hour: NonNegative = Field(
        default=0, description="Minutes per covered hour per platform watched."
    )
    report_hours_per_week: NonNegative = Field(
        default=0, description="Listening/report hours a week."
    )
    role: str = Field(description="Role on duty and watching.")


class Severity(_Model):
    """A class of crisis."""

    name: str = Field(min_length=1, description="e.g. 'minor', 'major'.")
    share: float = Field(gt=0, le=1, description="Share of crises in this class.")
    days: Positive = Field(description="Duration in days (drawn per crisis).")
    surge: Multiplier = Field(default=1, description="Multiplier on inbound volume at onset.")
    half_life_hours: float = Field(default=12, gt=0, description="Hours for the surge to halve.")
    extra_hours_per_day: dict[str, NonNegative] = Field(
        default_factory=dict, description="Extra hours a day by role while it lasts."
    )


class Triage(_Model):
    """What a team does with a surge beyond what it staffs to its targets."""

    staffed_surge_max: float = Field(
        default=5,
        ge=1,
        le=1000,
        description="Largest volume multiplier (all crises together, each hour) answered to "
        "the normal targets; messages beyond it get a holding reply and are reported.",
    )
    holding_reply_seconds: float = Field(
        default=0,
        ge=0,
        le=600,
        description="Seconds of work per holding reply (0 = automated: an auto-reply or a "
        "pinned statement); counted as crisis work of the channel's role.",
    )


class Crises(_Model):
    """Random crises over the year."""

    per_year: NonNegative = Field(default=0, description="Expected crises a year.")
    severity: list[Severity] = Field(default_factory=list)
    triage: Triage = Field(default_factory=Triage)

    @model_validator(mode="after")
    def _shares(self) -> Crises:
        if self.severity:
            total = sum(s.share for s in self.severity)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"expected severity shares summing to 1, got {total:g}")
        elif not (isinstance(self.per_year, int | float) and self.per_year == 0):
            raise ValueError("expected at least one [[crises.severity]] when per_year is not 0")
        return self


class Work(_Model):
    """Recurring work: hours a week for a role."""

    task: str = Field(min_length=1, description="e.g. 'strategy and planning'.")
    role: str = Field(description="Role that does it.")
    hours_per_week: NonNegative = Field(description="Hours a week.")
    per_platform: bool = Field(
        default=False, description="Times the number of distinct platforms in the scenario."
    )


class Person(_Model):
    """One person on today's team."""

    name: str = Field(min_length=1, description="Who (a name or a job title).")
    fte: float = Field(
        gt=0, le=1,
        description="Share of a full-time job spent on social media (0.25 = 10 h of 40).",
    )
    roles: list[str] = Field(description="The roles in [roles] this person can do.")

    @field_validator("roles")
    @classmethod
    def _some_role(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("expected at least one role from [roles], got an empty list")
        return list(dict.fromkeys(v))


class CurrentStaff(_Model):
    """Today's team: people with the roles they can do, and/or role = FTE as a shorthand.

    Shorthand: FTE of people who do this role alone (e.g. community_manager = 2).
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float] = Field(init=False)  # role = FTE, checked as numbers

    people: list[Person] = Field(
        default_factory=list, description="[[current_staff.people]]: name, fte, roles."
    )

    @property
    def shorthand(self) -> dict[str, float]:
        """The role = FTE entries (people who do that role alone)."""
        return dict(self.__pydantic_extra__ or {})

    def get(self, role: str, default: float = 0.0) -> float:
        """The shorthand FTE of ``role`` (``default`` when the file gives none)."""
        return self.shorthand.get(role, default)

    def fte_total(self) -> float:
        """Today's FTE on social media, people and shorthand together."""
        return sum(self.shorthand.values()) + sum(p.fte for p in self.people)


_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class CalendarPeriod(_Model):
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
        default=1, description="Multiplier on content cadence (per_week) for its days."
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


def _check_period(i: int, p: CalendarPeriod, channel_platforms: list[str]) -> None:
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


class Plan(_Model):
    """How the recommendation is made."""

    percentile: float = Field(
        default=90, ge=50, lt=100,
        description="All roles' weekly work is met together in this share of weeks (%).",
    )
    fte_step: float = Field(
        default=0.1, ge=0.001, le=1, description="FTE are rounded up to this step."
    )


class Scenario(_Model):
    """One scenario file."""

    # The folder of the file it was loaded from: a profile CSV named by a relative path is
    # looked for there. Not a field: it is not written out and two scenarios that differ
    # only in it are equal.
    _folder: Path | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    scenario: ScenarioInfo
    capacity: Capacity = Field(default_factory=Capacity)
    coverage: Coverage = Field(default_factory=Coverage)
    roles: dict[str, Role] = Field(min_length=1)
    content: list[Content] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    engagement: Engagement = Field(default_factory=Engagement)
    monitoring: Monitoring | None = None
    crises: Crises = Field(default_factory=Crises)
    work: list[Work] = Field(default_factory=list)
    current_staff: CurrentStaff | None = Field(
        default=None,
        description="Today's team: role = FTE (people who do that role alone) and "
        "[[current_staff.people]].",
    )
    plan: Plan = Field(default_factory=Plan)
    calendar: list[CalendarPeriod] = Field(
        default_factory=list, description="Named periods with more (or less) work."
    )
    correlations: list[Correlation] = Field(
        default_factory=list,
        description="Rank correlations between uncertain inputs drawn once per run.",
    )

    @model_validator(mode="after")
    def _periods(self) -> Scenario:
        platforms = list(dict.fromkeys(ch.platform for ch in self.channels))
        for i, p in enumerate(self.calendar):
            _check_period(i, p, platforms)
        return self

    @model_validator(mode="after")
    def _in_range(self) -> Scenario:
        """Numbers a planning year can hold: none astronomically large (overflow)."""

        def walk(node: Any, path: str) -> None:
            if isinstance(node, BaseModel) and not isinstance(node, Pert | LogNormal):
                for name in type(node).model_fields:
                    walk(getattr(node, name), f"{path}.{name}" if path else name)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{path}[{i}]")
            elif isinstance(node, dict):
                for key, item in node.items():
                    walk(item, f"{path}.{key}")
            elif isinstance(node, int | float | Pert | LogNormal) and not isinstance(node, bool):
                if _extreme(node) > _MOST:
                    got = (
                        f"{node:g}"
                        if isinstance(node, int | float)
                        else (f"{describe(node)}, which reaches {_extreme(node):.3g}")
                    )
                    raise FieldProblem(path, f"expected values of at most {_MOST:g}, got {got}")

        walk(self, "")
        if _extreme(self.crises.per_year) > _MOST_CRISES:
            raise FieldProblem(
                "crises.per_year",
                f"expected at most {_MOST_CRISES} crises a "
                f"year (one an hour), got {describe(self.crises.per_year)}",
            )
        # the queue sees the surge up to the triage ceiling; the rest gets a holding reply
        surge = min(
            max([_extreme(s.surge) for s in self.crises.severity], default=1.0),
            self.crises.triage.staffed_surge_max,
        )
        for i, ch in enumerate(self.channels):
            volume = (
                _extreme(ch.per_day)
                if ch.per_day is not None
                else _extreme(ch.replies_per_1000_audience_per_day) * (ch.audience or 0) / 1000
            )
            # an hour can hold at most 7 days' average share (profiles average 1 over 168 h)
            peak = volume * 7 * (1 + _extreme(ch.growth_per_year)) * surge
            erlangs = peak * mean(ch.handle_minutes) / 60
            if erlangs > _MOST_ERLANGS:
                raise FieldProblem(
                    f"channels[{i}]",
                    f"expected at most {_MOST_ERLANGS:g} people's work an hour at the peak "
                    f"(volume x growth x staffed crisis surge x handle time), got up to "
                    f"{erlangs:.3g}",
                )
        return self

    @model_validator(mode="after")
    def _correlated(self) -> Scenario:
        check_correlations(self)
        return self

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        for path, role in self.role_references():
            if role not in self.roles:
                near = difflib.get_close_matches(role, list(self.roles), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise FieldProblem(
                    path, f"expected a role declared in [roles], got {role!r}{hint}"
                )
        if self.current_staff is not None:
            for role, fte in self.current_staff.shorthand.items():
                if fte < 0:
                    raise FieldProblem(f"current_staff.{role}", f"expected FTE >= 0, got {fte:g}")
            names: set[str] = set()
            for i, person in enumerate(self.current_staff.people):
                if person.name in names:
                    raise FieldProblem(
                        f"current_staff.people[{i}].name",
                        f"expected a name no other person has, got {person.name!r} again",
                    )
                names.add(person.name)
        first = date.fromisocalendar(self.scenario.year, 1, 1)  # the planning year's Monday
        last = first + timedelta(days=363)
        for i, day in enumerate(self.scenario.extra_holidays):
            if not first <= day <= last:
                raise FieldProblem(
                    f"scenario.extra_holidays[{i}]",
                    f"expected a date in the planning year {self.scenario.year} ({first} to "
                    f"{last}, ISO weeks 1-52), got {day}")
        if self.scenario.subdivision and not self.scenario.country:
            raise FieldProblem(
                "scenario.subdivision",
                f"expected a scenario.country with a subdivision, got "
                f"{self.scenario.subdivision!r} and no country")
        if self.scenario.country:
            try:
                holidays_lib.country_holidays(self.scenario.country, years=self.scenario.year)
                if self.scenario.subdivision:
                    holidays_lib.country_holidays(
                        self.scenario.country, subdiv=self.scenario.subdivision,
                        years=self.scenario.year)
            except NotImplementedError as exc:
                if self.scenario.subdivision and "subdiv" in str(exc).lower():
                    raise FieldProblem(
                        "scenario.subdivision",
                        f"expected a subdivision of {self.scenario.country}, got "
                        f"{self.scenario.subdivision!r}",
                    ) from None
                raise FieldProblem(
                    "scenario.country",
                    "expected a country code the holidays package knows (e.g. 'US', 'GB', "
                    f"'FR'), got {self.scenario.country!r}",
                ) from None
            except Exception as exc:  # the holidays package raises several kinds for a subdiv
                raise FieldProblem(
                    "scenario.subdivision",
                    f"expected a subdivision of {self.scenario.country}, got "
                    f"{self.scenario.subdivision!r} ({exc})",
                ) from None
        return self

    def role_references(self) -> list[tuple[str, str]]:
        """Every (field path, role name) that names a role."""
        refs: list[tuple[str, str]] = []
        for i, c in enumerate(self.content):
            refs += [(f"content[{i}].effort_hours.{r}", r) for r in c.effort_hours]
            if c.publish_role is not None:
                refs.append((f"content[{i}].publish_role", c.publish_role))
        refs += [(f"channels[{i}].role", ch.role) for i, ch in enumerate(self.channels)]
        if self.monitoring is not None:
            refs.append(("monitoring.role", self.monitoring.role))
        for i, s in enumerate(self.crises.severity):
            refs += [
                (f"crises.severity[{i}].extra_hours_per_day.{r}", r) for r in s.extra_hours_per_day
            ]
        refs += [(f"work[{i}].role", w.role) for i, w in enumerate(self.work)]
        if self.current_staff is not None:
            refs += [(f"current_staff.{r}", r) for r in self.current_staff.shorthand]
            for i, person in enumerate(self.current_staff.people):
                refs += [
                    (f"current_staff.people[{i}].roles[{j}]", r) for j, r in enumerate(person.roles)
                ]
        return refs

    def platforms(self) -> list[str]:
        """The distinct platforms named anywhere in the scenario, in first-seen order."""
        seen: dict[str, None] = {}
        for c in self.content:
            seen.update(dict.fromkeys(c.platforms))
        seen.update(dict.fromkeys(ch.platform for ch in self.channels))
        if self.monitoring is not None:
            seen.update(dict.fromkeys(self.monitoring.platforms))
        return list(seen)

    def role_label(self, role: str) -> str:
        """The name a person reads for a role."""
        return self.roles[role].label or role.replace("_", " ").capitalize()


