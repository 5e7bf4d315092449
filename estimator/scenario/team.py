"""The team in the scenario file: one FTE's time (``[capacity]``), the roles and their
salaries (``[roles]``), today's team (``[current_staff]``) and how the plan is made
(``[plan]``)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, field_validator, model_validator

from estimator.scenario.errors import FieldProblem
from estimator.scenario.quantities import NonNegative, QuantityValue, Share, low_high
from estimator.scenario.section import Section


class Capacity(Section):
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


class Role(Section):
    """A role on the team."""

    salary: float = Field(ge=0, description="Yearly cost of one FTE (salary and on-costs).")
    label: str = Field(default="", description="Name shown in charts; defaults to the key.")


class Person(Section):
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


class CurrentStaff(Section):
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


def check_todays_team(team: CurrentStaff | None) -> None:
    """No negative shorthand FTE, and no two people of today's team with the same name."""
    if team is None:
        return
    for role, fte in team.shorthand.items():
        if fte < 0:
            raise FieldProblem(f"current_staff.{role}", f"expected FTE >= 0, got {fte:g}")
    names: set[str] = set()
    for i, person in enumerate(team.people):
        if person.name in names:
            raise FieldProblem(
                f"current_staff.people[{i}].name",
                f"expected a name no other person has, got {person.name!r} again",
            )
        names.add(person.name)


class Plan(Section):
    """How the recommendation is made."""

    percentile: float = Field(
        default=90, ge=50, lt=100,
        description="All roles' weekly work is met together in this share of weeks (%).",
    )
    fte_step: float = Field(
        default=0.1, ge=0.001, le=1, description="FTE are rounded up to this step."
    )
