"""What each role does: its hours a week by task, and when its on-duty hours fall.

The engine counts hours by role and kind of work (``hours_by_role_kind``). This module splits
each (role, kind) cell into the tasks behind it, from the same run's inputs and arrays:

- content: each format's production hours (pieces x hours per piece x the adaptation to
  further platforms) and its publishing minutes, exactly as the engine adds them;
- replies: a role's queue hours split over the channels it answers by their share of the
  reply work (messages a year x handle time);
- monitoring: listening reports (hours a week), and the rest, being on duty in covered hours;
- crises: round-the-clock watch added by crisis coverage, the extra hours by role, and the
  rest (the surge's replies);
- recurring work: each task's hours a week (times the platforms where it is per platform).

Whatever a cell holds that no named task accounts for is kept as "other ... work", so a role's
tasks always add up to its hours. Nothing here draws random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import WEEKS
from estimator.engine.calendar_periods import content_factors
from estimator.engine.chunk import DAY_STARTS, EVENING_STARTS, ON_DUTY_WHEN
from estimator.engine.compile import CRISIS, ENGAGEMENT, KINDS, MONITORING

#: A :class:`estimator.engine.result.Result` (not imported: the result imports this module).
Result = Any

__all__ = ["Task", "role_profiles", "role_tasks"]

#: Hours a year below which a task is not listed (float noise, or a task of no weight).
_NEGLIGIBLE_HOURS = 1e-6


@dataclass(frozen=True)
class Task:
    """One task of one role, per run.

    Attributes
    ----------
    task
        Its name as a reader says it (``"vertical video: production"``).
    kind
        The engine's kind of work (``content``, ``engagement``, ``monitoring``, ``crisis``,
        ``recurring``).
    role
        Index of the role in ``model.roles``.
    hours_per_year
        (runs,) hours a year.
    inputs
        Field paths of the inputs behind it (for "the numbers behind it").
    platforms
        The platforms it works on.
    """

    task: str
    kind: str
    role: int
    hours_per_year: NDArray[np.float64]
    inputs: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()


def role_tasks(result: Result) -> list[Task]:
    """Every role's tasks, per run; for each role they add up to its hours a year."""
    model = result.model
    s = model.scenario
    values = result.inputs
    a = result.arrays
    hk = a["hours_by_role_kind"]
    runs = hk.shape[0]
    tasks: list[Task] = []

    # content: the engine's own formula, format by format, over the calendar's weeks
    calendar = content_factors(model.periods, values, runs)
    content_weeks = WEEKS if calendar is None else calendar.sum(axis=1)
    for spec, c in zip(model.content, s.content, strict=True):
        pieces = values[spec.per_week]
        factor = 1 + values[spec.adapt_share] * (spec.platforms - 1)
        platforms = tuple(dict.fromkeys(c.platforms))
        for role, path in spec.effort:
            tasks.append(Task(f"{c.format}: production", "content", role,
                              pieces * values[path] * factor * content_weeks,
                              (spec.per_week, path, spec.adapt_share), platforms))
        if spec.publish_role is not None:
            tasks.append(Task(f"{c.format}: publishing", "content", spec.publish_role,
                              pieces * values[spec.publish_minutes] / 60 * spec.platforms
                              * content_weeks,
                              (spec.per_week, spec.publish_minutes), platforms))

    # replies: a queue's hours over its channels by their share of the reply work
    messages = a.get("messages_by_channel")
    for q in model.queues:
        hours = hk[:, q.role, ENGAGEMENT]
        if messages is not None:
            work = np.stack([messages[:, c] * model.channels[c].handle_minutes
                             for c in q.channels], axis=1)
        else:
            work = np.ones((runs, len(q.channels)))
        total = work.sum(axis=1, keepdims=True)
        share = np.where(total > 0, work / np.where(total > 0, total, 1.0), 1.0 / work.shape[1])
        for j, c in enumerate(q.channels):
            ch = s.channels[c]
            tasks.append(Task(f"{ch.platform} {ch.kind}: replies", "engagement", q.role,
                              hours * share[:, j], _channel_inputs(model, c), (ch.platform,)))

    # monitoring: listening reports, and being on duty in covered hours
    if model.on_duty_role is not None:
        role = model.on_duty_role
        watched = tuple(dict.fromkeys(s.monitoring.platforms)) if s.monitoring else ()
        reports = np.zeros(runs)
        if model.report_hours is not None:
            reports = values[model.report_hours] * WEEKS
            tasks.append(Task("social listening and reports", "monitoring", role, reports,
                              (model.report_hours,), watched))
        watching = hk[:, role, MONITORING] - reports
        name = (f"watching {len(watched)} platforms on duty in covered hours"
                if watched else "on duty in covered hours, between replies")
        inputs = ("coverage.weekdays", "coverage.weekends", "coverage.min_on_duty")
        if model.monitoring_minutes is not None:
            inputs += (model.monitoring_minutes,)
        tasks.append(Task(name, "monitoring", role, watching, inputs, watched))

    # crises: the watch their coverage adds, the extra hours, and the surge's replies
    watch = a.get("crisis_watch_hours_by_role", np.zeros(hk.shape[:2]))
    extra = a.get("crisis_extra_hours_by_role", np.zeros(hk.shape[:2]))
    queue_roles = {q.role for q in model.queues}
    for role in range(len(model.roles)):
        crisis_inputs = ("crises.per_year",)
        tasks.append(Task("crisis on-call: round-the-clock watch", "crisis", role,
                          watch[:, role], (*crisis_inputs, "coverage.during_crisis")))
        extra_inputs = tuple(f"crises.severity[{i}].extra_hours_per_day.{model.roles[role]}"
                             for i, sev in enumerate(s.crises.severity)
                             if model.roles[role] in sev.extra_hours_per_day)
        tasks.append(Task("crisis: statements, approvals and briefings", "crisis", role,
                          extra[:, role], (*crisis_inputs, *extra_inputs)))
        rest = hk[:, role, CRISIS] - watch[:, role] - extra[:, role]
        name = "crisis: replies to the surge" if role in queue_roles else "crisis: other work"
        tasks.append(Task(name, "crisis", role, rest, crisis_inputs))

    # recurring work, task by task (two entries of the same task and role are one task)
    n_platforms = len(s.platforms())
    for i, ((role, path, times), w) in enumerate(zip(model.work, s.work, strict=True)):
        platforms = tuple(s.platforms()) if w.per_platform else ()
        name = f"{w.task} ({n_platforms} platforms)" if w.per_platform else w.task
        tasks.append(Task(name, "recurring", role, values[path] * times * WEEKS,
                          (f"work[{i}].hours_per_week",), platforms))

    tasks = _merge(tasks)
    # what no named task accounts for stays visible, so the tasks add up to the role's hours
    for role in range(len(model.roles)):
        for k, kind in enumerate(KINDS):
            named = sum((t.hours_per_year for t in tasks if t.role == role and t.kind == kind),
                        np.zeros(runs))
            rest = hk[:, role, k] - named
            if np.abs(rest).max(initial=0.0) > 1e-6 * (1 + np.abs(hk[:, role, k]).max()):
                tasks.append(Task(f"other {_KIND_WORDS[kind]} work", kind, role, rest))
    return [t for t in tasks if np.abs(t.hours_per_year).max(initial=0.0) > _NEGLIGIBLE_HOURS]


_KIND_WORDS = {"content": "content", "engagement": "reply", "monitoring": "monitoring",
               "crisis": "crisis", "recurring": "recurring"}


def _channel_inputs(model: Any, c: int) -> tuple[str, ...]:
    volume = model.channels[c].volume
    return (volume, f"channels[{c}].handle_minutes", f"channels[{c}].reply_within_minutes",
            f"channels[{c}].service_level")


def _merge(tasks: list[Task]) -> list[Task]:
    """Tasks of the same name, kind and role as one (their hours and inputs together)."""
    out: dict[tuple[str, str, int], Task] = {}
    for t in tasks:
        key = (t.task, t.kind, t.role)
        if key in out:
            o = out[key]
            t = Task(t.task, t.kind, t.role, o.hours_per_year + t.hours_per_year,
                     tuple(dict.fromkeys(o.inputs + t.inputs)),
                     tuple(dict.fromkeys(o.platforms + t.platforms)))
        out[key] = t
    return list(out.values())


def _when(result: Result, role: int, hours_per_week: float) -> dict[str, Any]:
    """The share of a role's on-duty hours in evenings, nights, weekends and on holidays."""
    when = result.arrays.get("on_duty_hours_by_role_when")
    if when is None:
        return {}
    mean = when[:, role].mean(axis=0)
    total = float(mean[0])
    out: dict[str, Any] = {"on_duty_hours_per_week": total / WEEKS}
    for j, name in enumerate(ON_DUTY_WHEN[1:], 1):
        out[f"{name}_share"] = float(mean[j] / total) if total > 0 else None
    return out


def role_profiles(result: Result, headcount: dict[str, Any] | None = None
                  ) -> dict[str, dict[str, Any]]:
    """For each role: its tasks with hours a week (mean over runs; largest first, adding up
    to the role's hours a year / 52), when it works (on-duty hours and their shares in
    evenings, nights, weekends and holidays), crisis on-call, FTE (P50 and the plan),
    headcount (when given: ``headcount_by_role``), salary, and the platforms it works on.

    Evenings are on-duty hours from 18:00 to midnight, nights from midnight to 08:00, weekends
    Saturday and Sunday, holidays the public holidays and extra days off; a Saturday evening
    counts as evening and weekend.
    """
    s = result.model.scenario
    hours = result.hours_by_role().mean(axis=0)
    crisis = result.arrays["hours_by_role_kind"][:, :, CRISIS].mean(axis=0)
    fte = result.fte_by_role()
    plan = result.recommended_fte()
    tasks = role_tasks(result)
    out: dict[str, dict[str, Any]] = {}
    for i, role in enumerate(result.roles):
        mine = sorted((t for t in tasks if t.role == i),
                      key=lambda t: -float(t.hours_per_year.mean()))
        per_week = float(hours[i]) / WEEKS
        rows = []
        for t in mine:
            h = float(t.hours_per_year.mean()) / WEEKS
            rows.append({"task": t.task, "kind": t.kind, "hours_per_week": h,
                         "share": h / per_week if per_week > 0 else 0.0,
                         "inputs": list(t.inputs), "platforms": list(t.platforms)})
        platforms = list(dict.fromkeys(p for t in mine for p in t.platforms))
        profile: dict[str, Any] = {
            "label": s.role_label(role),
            "hours_per_week": per_week,
            "tasks": rows,
            "fte": {"p50": float(np.percentile(fte[:, i], 50)), "plan": plan[role]},
            "salary": float(s.roles[role].salary),
            "platforms": platforms,
            "crisis_on_call": bool(crisis[i] > _NEGLIGIBLE_HOURS),
            "crisis_hours_per_year": float(crisis[i]),
            **_when(result, i, per_week),
        }
        if headcount and role in headcount:
            profile["headcount"] = headcount[role]
        out[role] = profile
    return out


#: When the on-duty shares start and end, for the words shown to readers.
EVENING_FROM, NIGHT_UNTIL = f"{EVENING_STARTS:02d}:00", f"{DAY_STARTS:02d}:00"
