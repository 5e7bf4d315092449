"""People, not only FTE: the shifts and the headcount that a pattern of on-duty hours needs.

A week of whole hours (168, Monday 00:00 first) says how many people must be on duty each
hour. :func:`roster_week` finds the fewest people, then the fewest shift hours, that staff
it with shifts of at most ``max_shift_hours``, each person working at most ``days_per_week``
shifts a week, at most one a day, within their contracted hours (docs/model.md, "People
and a roster"). It is an integer programme (``scipy.optimize.milp``, HiGHS):

- one whole-number variable per candidate shift (a start hour and a length of
  :data:`MIN_SHIFT_HOURS` (4, or the whole stretch of cover if shorter) to
  ``max_shift_hours`` hours, lying in hours that need someone): how many people work it;
- one for the people;
- every hour has at least its requirement on shift; no day has more shifts than people;
  the week has at most ``days_per_week`` shifts and at most the contracted hours per person;
- minimise people first, then hours on shift.

The shifts are then given to named people, each day's shifts to the people with the most
working days left (longest shift first, fewest hours so far breaking ties), so that every
person keeps one shift a day, ``days_per_week`` days and their contract; a shift that
crosses midnight is not followed by an overlapping one. Should that fail (long shifts that
no one's contract can hold five of), the programme is solved again for the same people,
with shifts no longer than a contract's day where the cover allows; should that fail too,
a person is added. The people found are then at least the programme's count, its lower
bound.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from estimator.engine.calendar import HOURS_PER_WEEK

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Shift:
    """One person's shift: ``start`` hour of the week (0 = Monday 00:00), ``hours`` long."""

    person: int
    start: int
    hours: int

    @property
    def day(self) -> str:
        return DAYS[self.start // 24]

    def clock(self) -> tuple[str, str]:
        """Start and end as HH:MM (an end of 24:00 is midnight; past it, the next day's time)."""
        begin = self.start % 24
        end = begin + self.hours
        return f"{begin:02d}:00", f"{end if end <= 24 else end - 24:02d}:00"


@dataclass(frozen=True)
class RosterWeek:
    """The people and shifts that staff one week's on-duty requirement."""

    people: int
    shifts: tuple[Shift, ...]
    required: NDArray[np.int64]  # (168,) people needed on duty each hour

    def on_duty(self) -> NDArray[np.int64]:
        """(168,) people on shift each hour of the week."""
        out = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
        for s in self.shifts:
            out[(s.start + np.arange(s.hours)) % HOURS_PER_WEEK] += 1
        return out

    @property
    def shift_hours(self) -> int:
        return sum(s.hours for s in self.shifts)


#: Shortest shift, hours (or the whole stretch of cover, if shorter): nobody comes in for
#: one hour of a peak.
MIN_SHIFT_HOURS = 4


def _stretches(need: NDArray[np.bool_]) -> NDArray[np.int64]:
    """(168,) length of the run of hours needing someone that each hour lies in (circular)."""
    out = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    if need.all():
        return np.full(HOURS_PER_WEEK, HOURS_PER_WEEK)
    first = int(np.flatnonzero(~need)[0])  # start the walk at an hour nobody is needed
    h = first
    for _ in range(HOURS_PER_WEEK):
        h = (h + 1) % HOURS_PER_WEEK
        if need[h] and not need[(h - 1) % HOURS_PER_WEEK]:
            run = 0
            while need[(h + run) % HOURS_PER_WEEK]:
                run += 1
            out[(h + np.arange(run)) % HOURS_PER_WEEK] = run
    return out


def _candidates(required: NDArray[np.int64], max_shift_hours: int) -> list[tuple[int, int]]:
    """(start, hours) of every shift that lies in hours needing someone, at least
    :data:`MIN_SHIFT_HOURS` long or the whole stretch of such hours it lies in."""
    need = required > 0
    stretch = _stretches(need)
    out = []
    for start in np.flatnonzero(need):
        shortest = min(MIN_SHIFT_HOURS, max_shift_hours, int(stretch[start]))
        for length in range(1, max_shift_hours + 1):
            if not need[(start + length - 1) % HOURS_PER_WEEK]:
                break
            if length >= shortest:
                out.append((int(start), length))
    return out


def roster_week(
    required: NDArray[np.integer],
    *,
    max_shift_hours: int,
    days_per_week: int,
    hours_per_week: float,
) -> RosterWeek:
    """The fewest people (then shift hours) that staff ``required`` people each hour.

    Parameters
    ----------
    required
        (168,) whole people needed on duty each hour of the week, Monday 00:00 first.
    max_shift_hours
        Longest shift, hours.
    days_per_week
        Most shifts a person works in a week (at most one a day).
    hours_per_week
        A person's contracted hours: their shifts add up to no more.

    Examples
    --------
    08:00-18:00 on weekdays and 10:00-14:00 at weekends with one person on duty: 58 hours,
    but two shifts each weekday (10 hours > 9) and one each weekend day, five days a week.

    >>> week = np.zeros(168, int)
    >>> for d in range(7):
    ...     week[d * 24 + (8 if d < 5 else 10): d * 24 + (18 if d < 5 else 14)] = 1
    >>> r = roster_week(week, max_shift_hours=9, days_per_week=5, hours_per_week=40)
    >>> r.people, r.shift_hours
    (3, 58)
    """
    required = np.asarray(required, dtype=np.int64)
    if required.shape != (HOURS_PER_WEEK,) or (required < 0).any():
        raise ValueError("expected 168 whole, non-negative people on duty, one per hour")
    return _solved(required.tobytes(), max_shift_hours, days_per_week, float(hours_per_week))


@functools.lru_cache(maxsize=256)
def _solved(required_bytes: bytes, max_shift_hours: int, days_per_week: int,
            hours_per_week: float) -> RosterWeek:
    """:func:`roster_week`, remembered: a moved control that leaves the whole people on duty
    as they were (most do) gets the same roster without solving it again."""
    required = np.frombuffer(required_bytes, dtype=np.int64).copy()
    required.setflags(write=False)
    if not required.any():
        return RosterWeek(0, (), required)
    # a shift longer than a person's whole week could never be given to anyone
    max_shift_hours = max(1, min(max_shift_hours, math.floor(hours_per_week + 1e-9)))
    cands = _candidates(required, max_shift_hours)
    n = len(cands)
    starts = np.array([c[0] for c in cands])
    lengths = np.array([c[1] for c in cands])
    rows, cols = [], []
    for j, (start, length) in enumerate(cands):
        hours = (start + np.arange(length)) % HOURS_PER_WEEK
        rows.extend(hours.tolist())
        cols.extend([j] * length)
    cover = coo_array((np.ones(len(rows)), (rows, cols)), shape=(HOURS_PER_WEEK, n + 1)).tocsr()
    needed = np.flatnonzero(required)
    day = starts // 24
    per_day = np.zeros((7, n + 1))
    per_day[day, np.arange(n)] = 1
    per_day[:, n] = -1
    totals = np.zeros((2, n + 1))
    totals[0, :n], totals[0, n] = 1, -days_per_week
    totals[1, :n], totals[1, n] = lengths, -hours_per_week
    constraints = [
        LinearConstraint(cover[needed], lb=required[needed], ub=np.inf),
        LinearConstraint(per_day, lb=-np.inf, ub=0),
        LinearConstraint(totals, lb=-np.inf, ub=0),
    ]
    # people first: one person outweighs every shift hour the week could hold
    weight = float(lengths.sum() * required.max() + 1)
    upper = np.append(np.full(n, float(required.max())), np.inf)
    integer = np.ones(n + 1)

    def solve(cost: NDArray[np.float64], people_fixed: int | None) -> NDArray[np.float64]:
        lower = np.zeros(n + 1)
        top = upper.copy()
        if people_fixed is not None:
            lower[n] = top[n] = people_fixed
        res = milp(cost, constraints=constraints, integrality=integer,
                   bounds=Bounds(lower, top), options={"time_limit": 10})
        if res.x is None:
            raise RuntimeError(f"the roster programme found no solution ({res.message})")
        return np.round(res.x).astype(int)

    x = solve(np.append(lengths.astype(float), weight), None)
    people = int(x[n])
    # If long shifts cannot be shared out within contracts, the same people with shifts
    # no longer than a contract's day, where the cover allows.
    day_hours = hours_per_week / days_per_week
    long_cost = np.append(np.maximum(lengths - day_hours, 0) * weight + lengths, 0.0)
    for extra in range(HOURS_PER_WEEK):
        for attempt in (x, None) if extra == 0 else (None,):
            counts = attempt if attempt is not None else solve(long_cost, people + extra)
            chosen = [(int(s), int(L)) for s, L, c in zip(starts, lengths, counts[:n], strict=True)
                      for _ in range(c)]
            shifts = _assign(chosen, people + extra, days_per_week, hours_per_week)
            if shifts is not None:
                return RosterWeek(people + extra, shifts, required)
    raise RuntimeError("could not give the roster's shifts to people")  # pragma: no cover


def _assign(
    shifts: list[tuple[int, int]], people: int, days_per_week: int, hours_per_week: float
) -> tuple[Shift, ...] | None:
    """Each shift to a person: one a day, ``days_per_week`` a week, within the contract.

    The busiest days first (they need the most people with days left), the longest shifts
    first; each goes to the free person with the most days left, then the fewest hours,
    then the first. Whole arrays over the people (hours worked as 168-bit masks), so that a
    team of thousands is assigned in a blink rather than person by person."""
    days_left = np.full(people, days_per_week, dtype=np.int64)
    hours = np.zeros(people, dtype=np.int64)
    worked = np.zeros((people, _WORDS), dtype=np.uint64)  # hours of the week worked
    days = np.zeros(people, dtype=np.int64)  # bit d: a shift starts on day d
    order = np.arange(people)
    out: list[Shift] = []
    by_day: dict[int, list[tuple[int, int]]] = {}
    for s in shifts:
        by_day.setdefault(s[0] // 24, []).append(s)
    for d in sorted(by_day, key=lambda d: (-len(by_day[d]), d)):
        for start, length in sorted(by_day[d], key=lambda s: (-s[1], s[0])):
            mask = _hour_mask(start, length)
            free = ((days_left > 0) & (hours + length <= hours_per_week)
                    & ~(worked & mask).any(axis=1) & ((days >> d) & 1 == 0))
            if not free.any():
                return None
            # most days left, then fewest hours, then the first person
            score = np.where(free, days_left * (HOURS_PER_WEEK * 8) - hours, -1)
            p = int(order[np.argmax(score)])
            days_left[p] -= 1
            hours[p] += length
            worked[p] |= mask
            days[p] |= 1 << d
            out.append(Shift(p, start, length))
    return tuple(sorted(out, key=lambda s: (s.person, s.start)))


_WORDS = 3  # 168 hours of the week in three 64-bit words


@functools.lru_cache(maxsize=4096)
def _hour_mask(start: int, length: int) -> NDArray[np.uint64]:
    """The hours of the (circular) week a shift covers, as bits of three 64-bit words."""
    words = np.zeros(_WORDS, dtype=np.uint64)
    for h in (start + np.arange(length)) % HOURS_PER_WEEK:
        words[h // 64] |= np.uint64(1) << np.uint64(h % 64)
    words.setflags(write=False)
    return words


def with_bench(people: int, days_worked: float, days_away: float) -> int:
    """People a roster of ``people`` needs to keep it staffed through leave and sickness:
    each person is away ``days_away`` of ``days_worked`` working days a year.

    >>> with_bench(3, 260, 25)
    4
    >>> with_bench(0, 260, 25)
    0
    """
    if people == 0:
        return 0
    present = max(days_worked - days_away, 1e-9)
    return math.ceil(people * days_worked / present - 1e-9)
