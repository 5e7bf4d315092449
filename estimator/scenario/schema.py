"""The scenario file's schema: pydantic v2 models, the one source of truth for the format.

Field names, units, defaults and descriptions live in the models; the docs table and the
JSON Schema are generated from them (``estimator schema``). Validators raise
:class:`~estimator.scenario.errors.FieldProblem` naming the field, so that the loader turns
every problem into a one-line :class:`~estimator.scenario.errors.ScenarioError`.

This module holds :class:`Scenario`, the whole file, and the checks across its tables; the
tables themselves are in :mod:`~estimator.scenario.team` (capacity, roles, today's team,
plan), :mod:`~estimator.scenario.workload` (coverage, content, channels, monitoring, crises,
recurring work) and :mod:`~estimator.scenario.year` (the planning year and its calendar),
and every one of them is importable from here as well.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, field_validator, model_validator

from estimator.scenario.clock import COVERAGE_SYNTAX, parse_clock_range, parse_coverage
from estimator.scenario.correlations import Correlation, check_correlations
from estimator.scenario.errors import FieldProblem
from estimator.scenario.limits import check_in_range
from estimator.scenario.section import Section
from estimator.scenario.sources import check_sources, flat_sources, source_of, source_path
from estimator.scenario.team import (
    Capacity,
    CurrentStaff,
    Person,
    Plan,
    Role,
    check_todays_team,
)
from estimator.scenario.workload import (
    Channel,
    Content,
    Coverage,
    Crises,
    Engagement,
    Monitoring,
    Severity,
    Triage,
    Work,
)
from estimator.scenario.year import CalendarPeriod, ScenarioInfo, check_period, check_year

__all__ = [
    "COVERAGE_SYNTAX",
    "CalendarPeriod",
    "Capacity",
    "Channel",
    "Content",
    "Coverage",
    "Crises",
    "CurrentStaff",
    "Engagement",
    "Monitoring",
    "Person",
    "Plan",
    "Role",
    "Scenario",
    "ScenarioInfo",
    "Severity",
    "Triage",
    "Work",
    "parse_clock_range",
    "parse_coverage",
    "source_path",
]


class Scenario(Section):
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
            check_period(i, p, platforms)
        return self

    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Where numbers come from, by field: `\"channels[0].per_day\" = \"Sprout "
                    "Social Index 2013 (docs/sources.md 1e)\"` (or nested: "
                    "`capacity.sick_days = \"...\"`); shown in the workbook and the brief.",
    )

    @field_validator("sources", mode="before")
    @classmethod
    def _flat_sources(cls, v: Any) -> Any:
        return flat_sources(v)

    def source_of(self, path: str) -> str:
        """The source given for the number at ``path`` (``channels[0].per_day``), or for the
        table it is in (``crises.severity[0].extra_hours_per_day``); ``""`` when none."""
        return source_of(self.sources, path)

    @model_validator(mode="after")
    def _sourced_fields_exist(self) -> Scenario:
        check_sources(self)
        return self

    @model_validator(mode="after")
    def _in_range(self) -> Scenario:
        check_in_range(self)
        return self

    @model_validator(mode="after")
    def _correlated(self) -> Scenario:
        check_correlations(self)
        return self

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        _check_role_references(self)
        check_todays_team(self.current_staff)
        check_year(self.scenario)
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


def _check_role_references(scenario: Scenario) -> None:
    """Every role the scenario's work names is declared in ``[roles]`` (naming the likely
    typo, in the work or in the ``[roles]`` key)."""
    refs = scenario.role_references()
    used = {role for _, role in refs}
    for path, role in refs:
        if role not in scenario.roles:
            near = difflib.get_close_matches(role, list(scenario.roles), n=1)
            if near and near[0] not in used:
                # a declared role nothing uses, close to a name the work uses: the typo
                # is the [roles] key, so that is what to fix
                raise FieldProblem(
                    f"roles.{near[0]}",
                    f"expected a role the scenario uses, got {near[0]!r}; did you mean "
                    f"{role!r} (named by {path})?",
                )
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise FieldProblem(
                path, f"expected a role declared in [roles], got {role!r}{hint}"
            )
