"""A scenario compiled for the engine: masks, profiles, queues and the inputs drawn per run.

Compiling is the boundary between validation and math (scipy's ``_iv`` pattern): what the
engine receives is complete and consistent, and the engine never re-checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import (
    WEEKS,
    PlanningYear,
    covered_hours,
    normal_hours,
    planning_year,
    run_lengths,
)
from estimator.engine.calendar_periods import PeriodSpec, period_specs
from estimator.engine.queueing import StaffingTable
from estimator.engine.staffing import Team, team_from_scenario
from estimator.engine.streams import identity, identity_keys
from estimator.scenario import Scenario, ScenarioError
from estimator.scenario import quantities as dist
from estimator.scenario.profiles import read_profile

KINDS = ("content", "engagement", "monitoring", "crisis", "recurring")
CONTENT, ENGAGEMENT, MONITORING, CRISIS, RECURRING = range(5)


@dataclass(frozen=True)
class Draw:
    """An uncertain input drawn once per run."""

    path: str  # where it is in the scenario, e.g. "channels[0].per_day"
    key: str  # its random stream: named by identity, so that scenarios share it (CRN)
    quantity: dist.QuantityValue


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    volume: str  # draw path of messages per day (or of the reply rate per 1,000 audience)
    audience_per_1000: float  # multiplies the volume draw; 1 when per_day is given
    growth: str
    daily_cv: float
    handle_minutes: float
    within_minutes: float
    service_level: float
    profile: str
    noise_key: str


@dataclass(frozen=True)
class QueueSpec:
    """One pooled queue: the channels that one role answers."""

    role: int
    channels: tuple[int, ...]
    table: StaffingTable
    spread_hours: int  # backlog from uncovered hours is cleared over this many covered hours


@dataclass(frozen=True)
class ContentSpec:
    per_week: str
    platforms: int
    adapt_share: str
    publish_minutes: str
    publish_role: int | None
    effort: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class SeveritySpec:
    name: str
    share: float
    days: dist.QuantityValue
    surge: dist.QuantityValue
    half_life_hours: float
    extra: tuple[tuple[int, str], ...]


@dataclass
class Model:
    """Everything the engine needs, derived once from a scenario."""

    scenario: Scenario
    roles: tuple[str, ...]
    year: PlanningYear
    covered: NDArray[np.bool_]
    normal: NDArray[np.bool_]
    holiday_workdays: int
    profiles: dict[str, NDArray[np.float64]]
    channels: list[ChannelSpec]
    shared_day_share: float
    queues: list[QueueSpec]
    content: list[ContentSpec]
    work: list[tuple[int, str, float]]
    severities: list[SeveritySpec]
    draws: list[Draw]
    on_duty_role: int | None
    monitoring_minutes: str | None
    platforms_watched: int
    report_hours: str | None
    min_on_duty: int
    crisis_coverage: bool
    current_staff: Team | None  # today's people and the roles they can do
    periods: tuple[PeriodSpec, ...] = ()  # the calendar's named periods
    hourly_roles: tuple[int, ...] = ()  # roles with on-duty hours: the on-duty role, then queues'


class _Draws(list):
    """The uncertain inputs a model draws per run, collected as the stages name them."""

    def __call__(self, path: str, key: str, q: dist.QuantityValue) -> str:
        self.append(Draw(path, key, q))
        return path


@dataclass(frozen=True)
class _Year:
    year: PlanningYear
    covered: NDArray[np.bool_]
    normal: NDArray[np.bool_]
    holiday_workdays: int


@dataclass(frozen=True)
class _OnDuty:
    """Who is on duty in covered hours, and what watching the accounts costs."""

    role: int | None
    monitoring_minutes: str | None
    platforms_watched: int
    report_hours: str | None


def compile_model(scenario: Scenario) -> Model:
    """Turn a validated scenario into the engine's arrays and tables, stage by stage: the
    year and its covered hours, content, channels and their pooled queues, who is on duty,
    recurring work, crises, the calendar's periods and today's team."""
    s = scenario
    roles = tuple(s.roles)
    ri = {r: i for i, r in enumerate(roles)}
    draw = _Draws()
    cap = s.capacity
    for name in ("vacation_days", "sick_days", "training_hours_per_week", "admin_share"):
        draw(f"capacity.{name}", f"capacity:{name}", getattr(cap, name))
    y = _compile_year(s)
    content = _compile_content(s, ri, draw)
    channels, profiles = _compile_channels(s, draw)
    queues = _compile_queues(s, ri, channels, y.covered)
    on_duty = _compile_on_duty(s, ri, draw)
    work = _compile_work(s, ri, draw)
    severities = _compile_severities(s, ri, draw)
    periods = tuple(period_specs(s, y.year.start, draw))
    current = None
    if s.current_staff is not None:
        current = team_from_scenario(s.current_staff, roles, [s.role_label(r) for r in roles])

    model = Model(
        scenario=s,
        roles=roles,
        year=y.year,
        covered=y.covered,
        normal=y.normal,
        holiday_workdays=y.holiday_workdays,
        profiles=profiles,
        channels=channels,
        shared_day_share=s.engagement.shared_day_share,
        queues=queues,
        content=content,
        work=work,
        severities=severities,
        draws=list(draw),
        on_duty_role=on_duty.role,
        monitoring_minutes=on_duty.monitoring_minutes,
        platforms_watched=on_duty.platforms_watched,
        report_hours=on_duty.report_hours,
        min_on_duty=s.coverage.min_on_duty if on_duty.role is not None else 0,
        crisis_coverage=s.coverage.during_crisis == "24/7",
        current_staff=current,
        periods=periods,
        hourly_roles=tuple(dict.fromkeys(
            ([on_duty.role] if on_duty.role is not None else []) + [q.role for q in queues]
        )),
    )
    _check_capacity(model)
    return model


def _compile_year(s: Scenario) -> _Year:
    """The planning year, its covered hours and each person's normal working hours."""
    cap = s.capacity
    year = planning_year(s)
    covered = covered_hours(year, s.coverage)
    holiday_workdays = int(((year.weekday < cap.days_per_week) & year.holiday).sum())
    if cap.days_per_week * WEEKS - holiday_workdays <= 0:
        raise ScenarioError("capacity.days_per_week: expected working days left after holidays")
    if s.channels and not covered.any():
        raise ScenarioError(
            "coverage: expected some covered hours when [[channels]] need replies, got none",
            field="coverage",
        )
    return _Year(year, covered, normal_hours(year, s), holiday_workdays)


def _compile_content(s: Scenario, ri: dict[str, int], draw: _Draws) -> list[ContentSpec]:
    """Each content format: its cadence, platforms, adaptation, publishing and effort."""
    # Random keys by what an input is, never by its position (docs/model.md, "Randomness").
    keys = identity_keys([f"content:{identity(c.format)}" for c in s.content])
    content = []
    for i, c in enumerate(s.content):
        key = keys[i]
        content.append(
            ContentSpec(
                per_week=draw(f"content[{i}].per_week", f"{key}:per_week", c.per_week),
                platforms=len(set(c.platforms)),
                adapt_share=draw(f"content[{i}].adapt_share", f"{key}:adapt", c.adapt_share),
                publish_minutes=draw(
                    f"content[{i}].publish_minutes", f"{key}:publish", c.publish_minutes
                ),
                publish_role=ri[c.publish_role] if c.publish_role else None,
                effort=tuple(
                    (ri[r], draw(
                        f"content[{i}].effort_hours.{r}", f"{key}:effort:{identity(r)}", q
                    ))
                    for r, q in c.effort_hours.items()
                ),
            )
        )
    return content


def _compile_channels(
    s: Scenario, draw: _Draws
) -> tuple[list[ChannelSpec], dict[str, NDArray[np.float64]]]:
    """Each reply channel (its volume, growth, day-to-day spread, handle time and target)
    and the hour-of-week profiles they arrive by."""
    keys = identity_keys([f"channel:{identity(ch.platform, ch.kind)}" for ch in s.channels])
    profiles: dict[str, NDArray[np.float64]] = {}
    channels = []
    for i, ch in enumerate(s.channels):
        key = keys[i]
        if ch.profile not in profiles:
            profiles[ch.profile] = read_profile(ch.profile, folder=s._folder,
                                                field=f"channels[{i}].profile")
        if ch.per_day is not None:
            volume = draw(f"channels[{i}].per_day", f"{key}:volume", ch.per_day)
            per_1000 = 1.0
        else:
            assert ch.replies_per_1000_audience_per_day is not None and ch.audience is not None
            volume = draw(
                f"channels[{i}].replies_per_1000_audience_per_day",
                f"{key}:volume",
                ch.replies_per_1000_audience_per_day,
            )
            per_1000 = ch.audience / 1000.0
        channels.append(
            ChannelSpec(
                name=f"{ch.platform} {ch.kind}",
                volume=volume,
                audience_per_1000=per_1000,
                growth=draw(f"channels[{i}].growth_per_year", f"{key}:growth", ch.growth_per_year),
                daily_cv=ch.daily_cv,
                handle_minutes=dist.mean(ch.handle_minutes),
                within_minutes=ch.reply_within_minutes,
                service_level=ch.service_level,
                profile=ch.profile,
                noise_key=f"{key}:daily",
            )
        )
    return channels, profiles


def _compile_queues(
    s: Scenario, ri: dict[str, int], channels: list[ChannelSpec], covered: NDArray[np.bool_]
) -> list[QueueSpec]:
    """One pooled queue per role that answers channels."""
    cap = s.capacity
    shortest_stretch = int(run_lengths(covered).min()) if covered.any() else 1
    queues = []
    for role in dict.fromkeys(ch.role for ch in s.channels):
        members = tuple(i for i, ch in enumerate(s.channels) if ch.role == role)
        # The pooled handle time: channels weighted by their expected yearly volume.
        weights = np.array(
            [
                dist.mean(s.channels[i].per_day)
                if s.channels[i].per_day is not None
                else channels[i].audience_per_1000
                * dist.mean(s.channels[i].replies_per_1000_audience_per_day)  # type: ignore[arg-type]
                for i in members
            ]
        )
        handles = np.array([channels[i].handle_minutes for i in members])
        handle = float(
            np.average(handles, weights=weights) if weights.sum() > 0 else handles.mean()
        )
        targets = sorted({(channels[i].within_minutes, channels[i].service_level) for i in members})
        queues.append(
            QueueSpec(
                role=ri[role],
                channels=members,
                table=StaffingTable(handle, targets, cap.max_occupancy),
                # Not tied to the target: a shorter target must never need fewer people, and
                # a backlog squeezed into fewer hours can round to fewer whole agents.
                spread_hours=min(s.coverage.backlog_hours, shortest_stretch),
            )
        )
    return queues


def _compile_on_duty(s: Scenario, ri: dict[str, int], draw: _Draws) -> _OnDuty:
    """The on-duty role (monitoring's, else the first channel's) and monitoring's load."""
    if s.monitoring is None:
        return _OnDuty(ri[s.channels[0].role] if s.channels else None, None, 0, None)
    return _OnDuty(
        role=ri[s.monitoring.role],
        monitoring_minutes=draw(
            "monitoring.minutes_per_covered_hour",
            "monitoring:minutes",
            s.monitoring.minutes_per_covered_hour,
        ),
        platforms_watched=len(set(s.monitoring.platforms)),
        report_hours=draw(
            "monitoring.report_hours_per_week",
            "monitoring:reports",
            s.monitoring.report_hours_per_week,
        ),
    )


def _compile_work(s: Scenario, ri: dict[str, int], draw: _Draws) -> list[tuple[int, str, float]]:
    """Recurring work: (role, draw path of its hours a week, times it counts)."""
    keys = identity_keys([f"work:{identity(w.task, w.role)}" for w in s.work])
    platforms_total = len(s.platforms())
    return [
        (ri[w.role], draw(f"work[{i}].hours_per_week", keys[i], w.hours_per_week),
         float(platforms_total if w.per_platform else 1))
        for i, w in enumerate(s.work)
    ]


def _compile_severities(s: Scenario, ri: dict[str, int], draw: _Draws) -> list[SeveritySpec]:
    """The crises' rate and each severity class with its extra hours by role."""
    draw("crises.per_year", "crises:per_year", s.crises.per_year)
    keys = identity_keys([f"crisis:{identity(sev.name)}" for sev in s.crises.severity])
    return [
        SeveritySpec(
            name=sev.name,
            share=sev.share,
            days=sev.days,
            surge=sev.surge,
            half_life_hours=sev.half_life_hours,
            extra=tuple(
                (ri[r], draw(f"crises.severity[{i}].extra_hours_per_day.{r}",
                             f"{keys[i]}:extra:{identity(r)}", q))
                for r, q in sev.extra_hours_per_day.items()
            ),
        )
        for i, sev in enumerate(s.crises.severity)
    ]


def _check_capacity(model: Model) -> None:
    cap = model.scenario.capacity
    hours_per_day = cap.hours_per_week / cap.days_per_week
    worst_absent = (
        model.holiday_workdays
        + dist.low_high(cap.vacation_days)[1]
        + dist.low_high(cap.sick_days)[1]
    ) * hours_per_day
    if worst_absent >= cap.hours_per_week * WEEKS:
        raise ScenarioError(
            "capacity: expected holidays, vacation and sick days to leave some working days, "
            f"got {worst_absent:g} of {cap.hours_per_week * WEEKS:g} contracted hours absent",
            field="capacity",
        )
