"""The planning year: 52 weeks of 168 hours from the Monday of ISO week 1.

Hour ``h`` of the year is day ``h // 24`` (Monday = day 0), hour of the day ``h % 24`` and
hour of the week ``h % 168``. Public holidays come from the ``holidays`` package for the
scenario's country (and subdivision) plus the scenario's extra dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_lib
import numpy as np
from numpy.typing import NDArray

from estimator.scenario import Coverage, Scenario, parse_coverage

WEEKS = 52
DAYS = WEEKS * 7
HOURS_PER_WEEK = 168
HOURS = WEEKS * HOURS_PER_WEEK  # 8,736


@dataclass(frozen=True)
class PlanningYear:
    """The days of the planning year and which of them are public holidays."""

    start: date
    holiday: NDArray[np.bool_]  # (364,) True on a public holiday or an extra day off
    holiday_names: tuple[tuple[date, str], ...]

    @property
    def weekday(self) -> NDArray[np.int64]:
        """Day of the week of each day, Monday = 0."""
        return np.arange(DAYS) % 7


def iso_week1_monday(year: int) -> date:
    """The Monday of ISO week 1 of ``year`` (it may fall in late December of the year before).

    >>> iso_week1_monday(2027)
    datetime.date(2027, 1, 4)
    """
    return date.fromisocalendar(year, 1, 1)


def planning_year(scenario: Scenario) -> PlanningYear:
    """The scenario's planning year with its public holidays."""
    info = scenario.scenario
    start = iso_week1_monday(info.year)
    end = start + timedelta(days=DAYS)
    named: dict[date, str] = {}
    if info.country:
        calendar = holidays_lib.country_holidays(
            info.country, subdiv=info.subdivision or None, years=[start.year, end.year]
        )
        named.update({d: str(n) for d, n in calendar.items() if start <= d < end})
    for d in info.extra_holidays:
        if start <= d < end:
            named.setdefault(d, "extra day off")
    holiday = np.zeros(DAYS, dtype=bool)
    for d in named:
        holiday[(d - start).days] = True
    return PlanningYear(start=start, holiday=holiday, holiday_names=tuple(sorted(named.items())))


def day_kind(year: PlanningYear, coverage: Coverage) -> NDArray[np.int64]:
    """For each day, which coverage rule applies: 0 weekdays, 1 weekends, 2 none."""
    kind = np.where(year.weekday < 5, 0, 1)
    holiday_kind = {"weekdays": 0, "weekends": 1, "none": 2}[coverage.holidays]
    return np.where(year.holiday, holiday_kind, kind)


def _hours_mask(kind: NDArray[np.int64],
                windows: dict[int, tuple[tuple[int, int], ...]]) -> NDArray[np.bool_]:
    """(8736,) True in the ``windows`` of each day's kind; an overnight range's hours after
    midnight fall on the next day (the night shift belongs to the day it starts), the year
    read as a circle like :func:`run_lengths`."""
    hour = np.arange(48)
    by_kind = np.zeros((3, 48), dtype=bool)
    for k, ranges in windows.items():
        for start, end in ranges:
            by_kind[k] |= (hour >= start) & (hour < end)
    days = by_kind[kind]
    return (days[:, :24] | np.roll(days[:, 24:], 1, axis=0)).reshape(HOURS)


def covered_hours(year: PlanningYear, coverage: Coverage) -> NDArray[np.bool_]:
    """(8736,) True where the normal coverage has someone on duty (crises aside)."""
    windows = {0: parse_coverage(coverage.weekdays), 1: parse_coverage(coverage.weekends)}
    return _hours_mask(day_kind(year, coverage), windows)


def working_days(year: PlanningYear, days_per_week: int) -> NDArray[np.bool_]:
    """(364,) True on a person's working day: the first ``days_per_week`` days, not holidays."""
    return (year.weekday < days_per_week) & ~year.holiday


def normal_hours(year: PlanningYear, scenario: Scenario) -> NDArray[np.bool_]:
    """(8736,) A person's normal working hours; crisis work outside them is overtime.

    The working day is the weekday coverage window (09:00-17:00 when weekdays are not
    covered), on the person's working days.
    """
    window = parse_coverage(scenario.coverage.weekdays) or ((9, 17),)
    kind = np.where(working_days(year, scenario.capacity.days_per_week), 0, 2)
    return _hours_mask(kind, {0: window})


def run_lengths(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Lengths of the runs of True in a 1-D mask, the year read as a circle."""
    if mask.all():
        return np.array([mask.size])
    if not mask.any():
        return np.array([], dtype=np.int64)
    shift = int(np.argmin(mask))  # start the circle on an uncovered hour
    m = np.roll(mask, -shift).astype(np.int8)
    edges = np.diff(np.concatenate([[0], m, [0]]))
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
