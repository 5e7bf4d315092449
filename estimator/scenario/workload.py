"""The work in the scenario file: the hours covered (``[coverage]``), content
(``[[content]]``), inbound messages (``[[channels]]``, ``[engagement]``), monitoring
(``[monitoring]``), crises (``[crises]``) and recurring work (``[[work]]``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from estimator.scenario.clock import COVERAGE_SYNTAX, parse_coverage
from estimator.scenario.quantities import Growth, Multiplier, NonNegative, Positive
from estimator.scenario.section import Section


class Coverage(Section):
    """The hours someone watches the channels and answers."""

    weekdays: str = Field(default="09:00-17:00",
                          description=f"Covered hours Monday to Friday: {COVERAGE_SYNTAX}.")
    weekends: str = Field(default="",
                          description=f"Covered hours Saturday and Sunday: {COVERAGE_SYNTAX}.")
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
        parse_coverage(v)
        return v


class Content(Section):
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


class Channel(Section):
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


class Engagement(Section):
    """What all channels share."""

    shared_day_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of each channel's day-to-day variance shared by all channels "
        "(busy days come to all at once); 0 = independent channels.",
    )


class Monitoring(Section):
    """Watching the platforms during covered hours, and listening reports."""

    platforms: list[str] = Field(default_factory=list, description="Platforms watched.")
    minutes_per_covered_hour: NonNegative = Field(
        default=0, description="Minutes per covered hour per platform watched."
    )
    report_hours_per_week: NonNegative = Field(
        default=0, description="Listening/report hours a week."
    )
    role: str = Field(description="Role on duty and watching.")


class Severity(Section):
    """A class of crisis."""

    name: str = Field(min_length=1, description="e.g. 'minor', 'major'.")
    share: float = Field(gt=0, le=1, description="Share of crises in this class.")
    days: Positive = Field(description="Duration in days (drawn per crisis).")
    surge: Multiplier = Field(default=1, description="Multiplier on inbound volume at onset.")
    half_life_hours: float = Field(default=12, gt=0, description="Hours for the surge to halve.")
    extra_hours_per_day: dict[str, NonNegative] = Field(
        default_factory=dict, description="Extra hours a day by role while it lasts."
    )


class Triage(Section):
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


class Crises(Section):
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


class Work(Section):
    """Recurring work: hours a week for a role."""

    task: str = Field(min_length=1, description="e.g. 'strategy and planning'.")
    role: str = Field(description="Role that does it.")
    hours_per_week: NonNegative = Field(description="Hours a week.")
    per_platform: bool = Field(
        default=False, description="Times the number of distinct platforms in the scenario."
    )
