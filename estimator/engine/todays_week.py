"""Today's week: the hours today's team would need for all the work it is given, set against
the hours it has, and what gets left undone first.

The work is every task of every role (:func:`estimator.engine.role_profiles.role_tasks`), an
average week (hours a year / 52, mean over runs); the hours are the team's productive hours a
week. The team does its work in a stated order, the order a stretched social media team
protects it in (docs/model.md, "Today's week"):

1. replies and crisis work: people waiting for an answer, and a crisis, cannot wait;
2. monitoring: being on duty in covered hours, listening and reports;
3. content: production and publishing;
4. recurring work: strategy, reporting, self-support, learning new platforms, meetings.

Within a step the smaller tasks are done first (a team short of hours keeps the quick posts
and drops the big production). What the hours do not reach is left undone, the last step
first. Work of a role that nobody on today's team can do (``unstaffed_hours_by_role``, when
the team is given as people with roles) is left undone whatever the hours.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from estimator.engine.calendar import WEEKS
from estimator.engine.role_profiles import role_tasks

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any

__all__ = ["PRIORITY", "todays_week"]

#: The order today's team does its work in: kinds of work, protected first.
PRIORITY: tuple[tuple[str, ...], ...] = (
    ("engagement", "crisis"), ("monitoring",), ("content",), ("recurring",))


def _tier(kind: str) -> int:
    return next(i for i, kinds in enumerate(PRIORITY) if kind in kinds) + 1


def todays_week(result: Result, hours_available_per_week: float,
                unstaffed_hours_by_role: dict[str, float] | None = None) -> dict[str, Any]:
    """The week today's team would need, against the hours it has.

    Parameters
    ----------
    result
        A simulation with current staff.
    hours_available_per_week
        Today's team's productive hours a week (mean over runs).
    unstaffed_hours_by_role
        Hours a year of each role's work that nobody on today's team can do, if known.

    Returns
    -------
    dict
        ``hours_needed_per_week``, ``hours_available_per_week``, ``hours_short_per_week``
        (needed less available, at least 0), ``hours_undone_per_week``, ``tasks`` (in the
        order the team does them: ``task``, ``kind``, ``roles``, ``priority`` 1-4,
        ``hours_needed_per_week``, ``hours_done_per_week``, ``hours_undone_per_week``) and
        ``left_undone`` (the tasks not fully done, the first dropped first: ``task``,
        ``kind``, ``hours_per_week`` undone, ``share`` of the task undone, ``reason``).
    """
    s = result.model.scenario
    role_hours = result.hours_by_role().mean(axis=0)
    unstaffed = unstaffed_hours_by_role or {}
    nobody = {i: min(max(float(unstaffed.get(r, 0.0)) / float(role_hours[i]), 0.0), 1.0)
              if role_hours[i] > 0 else 0.0 for i, r in enumerate(result.roles)}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for t in role_tasks(result):
        hours = max(float(t.hours_per_year.mean()) / WEEKS, 0.0)
        row = rows.setdefault((t.task, t.kind), {
            "task": t.task, "kind": t.kind, "roles": [], "priority": _tier(t.kind),
            "hours_needed_per_week": 0.0, "nobody_per_week": 0.0})
        row["hours_needed_per_week"] += hours
        row["nobody_per_week"] += hours * nobody[t.role]
        label = s.role_label(result.roles[t.role])
        if label not in row["roles"]:
            row["roles"].append(label)
    order = sorted(rows.values(), key=lambda r: (r["priority"], r["hours_needed_per_week"]
                                                 - r["nobody_per_week"], r["task"]))
    left = max(float(hours_available_per_week), 0.0)
    for row in order:
        doable = row["hours_needed_per_week"] - row["nobody_per_week"]
        done = min(doable, left)
        left -= done
        row["hours_done_per_week"] = done
        row["hours_undone_per_week"] = row["hours_needed_per_week"] - done
        row["hours_unstaffed_per_week"] = row.pop("nobody_per_week")
    needed = sum(r["hours_needed_per_week"] for r in order)
    undone = [
        {"task": r["task"], "kind": r["kind"], "hours_per_week": r["hours_undone_per_week"],
         "share": r["hours_undone_per_week"] / r["hours_needed_per_week"],
         "reason": ("nobody on today's team does this work"
                    if r["hours_unstaffed_per_week"] >= r["hours_undone_per_week"] - 1e-9
                    else "no hours left for it")}
        for r in reversed(order) if r["hours_undone_per_week"] > 1e-6
    ]
    # what nobody can do goes first, whatever its step; then the last step first
    undone.sort(key=lambda u: u["reason"] != "nobody on today's team does this work")
    return {
        "hours_needed_per_week": needed,
        "hours_available_per_week": float(hours_available_per_week),
        "hours_short_per_week": max(needed - float(hours_available_per_week), 0.0),
        "hours_undone_per_week": float(np.sum([r["hours_undone_per_week"] for r in order])),
        "priority": [list(kinds) for kinds in PRIORITY],
        "tasks": order,
        "left_undone": undone,
    }
