"""Today's team as people: who can do which role, and what their hours cover each week.

A scenario's ``[current_staff]`` gives people (``[[current_staff.people]]``: a share of a
full-time job and the roles they can do) and, as a shorthand, role = FTE (that many FTE of
people who do that role alone). :class:`Team` holds them as arrays; :func:`allocate` shares
their hours out over the roles' work, and :func:`today_by_week` turns that into what the
summary reports: overloaded weeks, overtime, work nobody on the team can do.

The allocation is a greedy by scarcity (docs/model.md, "Today's team as people"): roles that
fewer people can do are served first, each from the people who can do the fewest other
roles first. It is exact (the most work the team can do, a maximum flow) whenever the
people's sets of roles are nested or disjoint, as specialists plus generalists are; for
other overlaps it is a lower bound on the work done.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from estimator.scenario.schema import CurrentStaff

#: Hours of work below which nothing counts as left undone (float32 sums of a year's work).
_TOLERANCE_HOURS = 1e-3


@dataclass(frozen=True)
class Team:
    """Today's people: names, FTE on social media, and which roles each can do."""

    names: tuple[str, ...]
    fte: NDArray[np.float64]  # (people,)
    can: NDArray[np.bool_]  # (people, roles)

    @property
    def fte_total(self) -> float:
        """Today's FTE, everyone together."""
        return round(float(self.fte.sum()), 9)

    def fte_able(self, roles: NDArray[np.bool_] | list[int]) -> float:
        """FTE of the people who can do at least one of ``roles`` (a mask or indices)."""
        mask = np.zeros(self.can.shape[1], bool)
        mask[roles] = True
        return round(float(self.fte[(self.can & mask).any(axis=1)].sum()), 9)

    def staffed(self) -> NDArray[np.bool_]:
        """(roles,) whether anyone on the team can do each role."""
        return self.can.any(axis=0) & (self.fte @ self.can > 0)

    def groups(self) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """People with the same roles pooled: (FTE (groups,), can (groups, roles)).

        Who exactly does the work does not change how much of it the team can do."""
        keys: dict[bytes, int] = {}
        fte: list[float] = []
        rows: list[NDArray[np.bool_]] = []
        for f, row in zip(self.fte, self.can, strict=True):
            k = row.tobytes()
            if k not in keys:
                keys[k] = len(fte)
                fte.append(0.0)
                rows.append(row)
            fte[keys[k]] += float(f)
        return np.array(fte), np.array(rows, dtype=bool).reshape(len(fte), self.can.shape[1])


def team_from_scenario(staff: CurrentStaff, roles: tuple[str, ...], labels: list[str]) -> Team:
    """The :class:`Team` of a validated ``[current_staff]``: people first, then the shorthand
    (one entry per role, named by the role's label)."""
    index = {r: i for i, r in enumerate(roles)}
    names: list[str] = []
    fte: list[float] = []
    can: list[NDArray[np.bool_]] = []
    for person in staff.people:
        row = np.zeros(len(roles), bool)
        row[[index[r] for r in person.roles]] = True
        names.append(person.name)
        fte.append(person.fte)
        can.append(row)
    for role, x in staff.shorthand.items():
        if x <= 0:
            continue
        row = np.zeros(len(roles), bool)
        row[index[role]] = True
        names.append(labels[index[role]])
        fte.append(x)
        can.append(row)
    return Team(
        names=tuple(names),
        fte=np.array(fte, dtype=np.float64),
        can=np.array(can, dtype=bool).reshape(len(fte), len(roles)),
    )


def allocate(
    demand: NDArray[np.floating],
    capacity: NDArray[np.floating],
    can: NDArray[np.bool_],
    *,
    by_group: bool = False,
) -> NDArray[np.float64]:
    """Hours of work each role gets done, sharing the people's hours by scarcity.

    Parameters
    ----------
    demand
        (..., roles) hours of work by role (per run, or per run and week).
    capacity
        (..., groups) hours each group of people has, broadcastable against ``demand``'s
        leading axes.
    can
        (groups, roles) which roles each group can do.
    by_group
        Return the hours each group gives each role, (..., groups, roles), instead.

    Returns
    -------
    numpy.ndarray
        (..., roles) hours done, at most ``demand``; what a role gets never exceeds the
        hours of the people who can do it.

    Examples
    --------
    A specialist and a generalist: the specialist's role is served by the specialist first,
    so the generalist's hours go where only they can help.

    >>> can = np.array([[True, False], [True, True]])
    >>> allocate(np.array([10.0, 5.0]), np.array([8.0, 8.0]), can).tolist()
    [10.0, 5.0]
    """
    demand = np.asarray(demand, dtype=np.float64)
    lead = demand.shape[:-1]
    # hours left per group, one array each (a group's column is touched once per role)
    left = [np.array(np.broadcast_to(capacity[..., g], lead), np.float64)
            for g in range(can.shape[0])]
    done = np.zeros_like(demand)
    flow = np.zeros((*lead, *can.shape)) if by_group else None
    able = can.sum(axis=0)
    breadth = can.sum(axis=1)
    # scarce roles first (fewest groups can do them); specialists before generalists
    for r in sorted((r for r in range(can.shape[1]) if able[r]), key=lambda r: (able[r], r)):
        need = demand[..., r].copy()
        for g in sorted(np.flatnonzero(can[:, r]), key=lambda g: (breadth[g], g)):
            take = np.minimum(need, left[g])
            need -= take
            left[g] -= take
            done[..., r] += take
            if flow is not None:
                flow[..., g, r] = take
    return flow if flow is not None else done


def fte_by_role(
    demand_hours: NDArray[np.floating], hours_per_fte: NDArray[np.float64], team: Team
) -> NDArray[np.float64]:
    """(runs, roles) today's FTE by role: each person's time where their work goes.

    A person's FTE is split over their roles in proportion to the hours they give each
    (by :func:`allocate`); a person with nothing to do is split evenly over their roles.
    Each run adds up to the team's FTE.
    """
    fte, can = team.groups()
    capacity = hours_per_fte[:, None] * fte  # (runs, groups)
    flow = allocate(demand_hours, capacity, can, by_group=True)  # (runs, groups, roles)
    busy = flow.sum(axis=2, keepdims=True)
    even = np.broadcast_to(can / np.maximum(can.sum(axis=1, keepdims=True), 1), flow.shape)
    split = np.where(busy > 0, flow / np.where(busy > 0, busy, 1.0), even)
    return (split * fte[None, :, None]).sum(axis=1)


def today_by_week(
    team: Team,
    weekly_hours: NDArray[np.floating],
    hours_per_week_per_fte: NDArray[np.float64],
    crisis_offhours: NDArray[np.float64],
) -> dict[str, NDArray]:
    """What today's team does each week of each run.

    Parameters
    ----------
    team
        Today's people.
    weekly_hours
        (runs, roles, weeks) hours of work by role.
    hours_per_week_per_fte
        (runs,) productive hours of one FTE in an average week.
    crisis_offhours
        (runs, weeks) crisis work that falls outside normal working hours.

    Returns
    -------
    dict
        ``current_capacity_per_week`` (runs,) the team's productive hours a week;
        ``current_weeks_overloaded`` (runs, weeks) work left undone (for lack of hours or of
        anyone who can do it); ``current_overtime_weekly`` (runs, weeks) work the team can
        do beyond its hours, and at least the crisis work outside normal hours;
        ``current_unstaffed_hours`` (runs, roles) hours a year of roles nobody can do;
        ``current_done_hours`` (runs, roles) hours a year the team gets done.
    """
    fte, can = team.groups()
    runs, n_roles, weeks = weekly_hours.shape
    capacity = hours_per_week_per_fte[:, None, None] * fte[None, None, :]  # (runs, 1, groups)
    demand = np.moveaxis(weekly_hours, 1, 2)  # (runs, weeks, roles)
    done = allocate(demand, capacity, can)
    undone = np.maximum(demand - done, 0.0)
    staffed = team.staffed()
    short_of_hours = undone[..., staffed].sum(axis=2)
    return {
        "current_capacity_per_week": hours_per_week_per_fte * team.fte_total,
        "current_weeks_overloaded": undone.sum(axis=2) > _TOLERANCE_HOURS,
        "current_overtime_weekly": np.maximum(short_of_hours, crisis_offhours).astype(np.float32),
        "current_unstaffed_hours": np.where(staffed, 0.0, demand.sum(axis=1)),
        "current_done_hours": done.sum(axis=1),
    }
