"""The recommended team: the least FTE by role that meets all its work together in the
planned share of weeks.

A week is met when every role's hours that week fit in its FTE times the productive hours
of an average week (docs/model.md, "One plan"). The cells are the simulated weeks, every
run's 52. Per-role percentiles do not make such a team: each role met in 90% of weeks
leaves all of them met together in fewer (65% on the university scenario), and summing
them overshoots the total. :func:`least_team` searches FTE in ``fte_step`` steps:

1. start from each role's own percentile, a lower bound (a team that meets all roles in a
   share of weeks meets each role in at least that share);
2. while the team meets fewer weeks than asked, add steps to the role that gains the most
   weeks per step (over the weeks in which that role alone falls short);
3. then take back, one at a time, the step that loses the fewest weeks, while the team
   still meets the share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import WEEKS


@dataclass(frozen=True)
class Plan:
    """A team of FTE by role and the share of simulated weeks in which it meets all work."""

    fte: NDArray[np.float64]  # (roles,)
    weeks_covered_share: float
    lower_bound_fte: float  # the sum of the roles' own percentiles, in steps


def steps_needed(
    weekly_hours: NDArray[np.floating], productive_hours_per_fte: NDArray[np.float64],
    step: float,
) -> list[NDArray[np.integer]]:
    """Per role, the (runs x weeks) steps of FTE each week's work needs, each role in the
    smallest integer type that holds its most (int8 for most roles: at 100,000 runs a role
    is 5 MB a byte, and the plan search's peak is these arrays)."""
    per_week = (productive_hours_per_fte / WEEKS)[:, None]
    runs, n_roles, weeks = weekly_hours.shape
    least_week = per_week.min(initial=np.inf)
    block = 8192  # runs at a time, in place: a 3 MB float array instead of (runs x weeks)
    need = np.empty((min(block, runs), weeks))
    out = []
    for r in range(n_roles):
        most = float(weekly_hours[:, r, :].max(initial=0.0) / least_week / step) + 1
        dtype = next(t for t in (np.int8, np.int16, np.int32) if most < np.iinfo(t).max)
        k = np.empty((runs, weeks), dtype=dtype)
        for start in range(0, runs, block):
            rows = slice(start, min(start + block, runs))
            here = need[: rows.stop - rows.start]
            np.divide(weekly_hours[rows, r, :], per_week[rows], out=here)
            here /= step
            here -= 1e-9
            np.ceil(here, out=here)
            np.maximum(here, 0, out=here)
            k[rows] = here
        out.append(k.reshape(runs * weeks))
    return out


def _short(k: list[NDArray[np.integer]], x: NDArray[np.int64]) -> NDArray[np.int16]:
    """Per cell, the roles whose steps ``x`` fall short of it: role by role, so that no
    (roles x cells) array is made (at 100,000 runs one would be 60 MB a role-byte)."""
    short = np.zeros(k[0].size if k else 0, np.int16)
    for k_r, x_r in zip(k, x, strict=True):
        short += k_r > x_r
    return short


def weeks_covered_share(
    weekly_hours: NDArray[np.floating], productive_hours_per_fte: NDArray[np.float64],
    fte: NDArray[np.float64],
) -> float:
    """Share of simulated weeks in which every role's hours fit in ``fte`` (by role) times
    the productive hours of an average week."""
    per_week = (productive_hours_per_fte / WEEKS)[:, None]
    met = np.ones(weekly_hours.shape[0] * weekly_hours.shape[2], bool)
    for r in range(weekly_hours.shape[1]):
        met &= (weekly_hours[:, r, :] <= fte[r] * per_week * (1 + 1e-9) + 1e-9).ravel()
    return float(met.mean())


def _gains(k: list[NDArray[np.integer]], alone: NDArray[np.int64], x: NDArray[np.int64]
           ) -> NDArray[np.int64]:
    """(roles, steps + 1) the weeks, among ``alone`` (each short in one role only), that
    each role would meet with that many more steps: counted a block of weeks at a time, so
    that no (roles x weeks) copy of ``k`` is made (0.3 GB at 100,000 runs)."""
    n_roles = len(k)
    gains = np.zeros((n_roles, 1), np.int64)
    for start in range(0, alone.size, _GAIN_BLOCK):
        cells = alone[start : start + _GAIN_BLOCK]
        ks = np.stack([k_r[cells] for k_r in k]).astype(np.int64)
        role = np.argmax(ks > x[:, None], axis=0)
        extra = ks[role, np.arange(cells.size)] - x[role]
        width = max(int(extra.max()) + 1, gains.shape[1])
        gains = np.pad(gains, ((0, 0), (0, width - gains.shape[1])))
        gains += np.bincount(role * width + extra, minlength=n_roles * width).reshape(
            n_roles, width)
    return gains


_GAIN_BLOCK = 1 << 19


def least_team(
    weekly_hours: NDArray[np.floating],
    productive_hours_per_fte: NDArray[np.float64],
    share: float,
    step: float,
) -> Plan:
    """The least team (FTE by role in ``step`` steps) that meets all roles' work together in
    at least ``share`` of the simulated weeks.

    Parameters
    ----------
    weekly_hours
        (runs, roles, weeks) hours of work by role.
    productive_hours_per_fte
        (runs,) productive hours of one FTE a year.
    share
        Share of weeks to meet, e.g. 0.9.
    step
        FTE are whole numbers of this step.

    Examples
    --------
    Two roles whose busy weeks never coincide: each alone needs 1 FTE in 3 weeks of 4,
    both together 2 FTE in every week.

    >>> hours = np.array([[[0, 0, 0, 10], [0, 0, 10, 0]]], dtype=float)  # 1 run, 4 weeks
    >>> p = least_team(hours, np.array([520.0]), 0.75, 1.0)  # 10 productive hours a week
    >>> p.fte.tolist(), p.weeks_covered_share
    ([1.0, 0.0], 0.75)
    """
    k = steps_needed(weekly_hours, productive_hours_per_fte, step)
    n_roles, cells = len(k), weekly_hours.shape[0] * weekly_hours.shape[2]
    goal = int(np.ceil(share * cells - 1e-9))
    if n_roles == 0 or cells == 0:
        return Plan(np.zeros(n_roles), 1.0, 0.0)
    # the roles' own percentiles: a lower bound on each role of any team that meets the share
    at = max(goal - 1, 0)
    x = np.array([np.partition(k[r], at)[at] for r in range(n_roles)], dtype=np.int64)
    lower = float(x.sum() * step)
    short = _short(k, x)  # roles falling short in each week
    # Adding steps never loses a week, so the search works on the weeks still short only
    # (all of them while most are: a copy of most of k is what the memory cannot spare).
    if np.count_nonzero(short) > cells // 2:
        met_before, k_act, short_act = 0, k, short.copy()
    else:
        active = np.flatnonzero(short > 0)
        met_before = cells - active.size
        k_act, short_act = [k_r[active] for k_r in k], short[active]
    rounds = 0
    while met_before + int((short_act == 0).sum()) < goal:
        # the weeks one role alone leaves short, and by how many steps
        alone = np.flatnonzero(short_act == 1)
        best, best_by = -1, 1
        if alone.size:
            gains = _gains(k_act, alone, x)
            per_step = np.cumsum(gains, axis=1)[:, 1:] / np.arange(1, gains.shape[1])
            best, by = np.unravel_index(int(np.argmax(per_step)), per_step.shape)
            best, best_by = int(best), int(by) + 1
        if best < 0:  # no week is one role short: raise the role short in most weeks
            best = int(np.argmax([np.count_nonzero(k_r > x_r)
                                  for k_r, x_r in zip(k_act, x, strict=True)]))
        old = x[best]
        x[best] += best_by
        short_act -= (k_act[best] > old) & (k_act[best] <= x[best])
        rounds += 1
        if rounds % 8 == 0:  # drop the weeks now met, once they are half of them
            keep = short_act > 0
            if np.count_nonzero(keep) * 2 < keep.size:
                met_before += int((~keep).sum())
                k_act, short_act = [k_r[keep] for k_r in k_act], short_act[keep]
    short = _short(k, x)
    # take back steps the share can spare: each time the step that loses the fewest weeks
    while True:
        met = short == 0
        n_met = int(np.count_nonzero(met))
        spare = n_met - goal
        # weeks each role's last step holds
        lost = np.array([np.count_nonzero((k[r] == x[r]) & met) for r in range(n_roles)])
        lost[x == 0] = n_met + 1
        r = int(np.argmin(lost))
        if lost[r] > spare:
            break
        short += k[r] == x[r]
        x[r] -= 1
    fte = np.round(x * step, 6)
    return Plan(fte, float((short == 0).mean()), round(lower, 6))
