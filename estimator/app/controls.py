"""The dashboard's controls, each tied to one scenario field by its dotted path.

A :class:`Control` is what a person moves (a slider, a tick box, a drop-down, a number box)
and the field it sets (``content.0.per_week``, ``channels.1.reply_within_minutes``,
``coverage.weekends``, ``current_staff.writer``...). :func:`build_controls` makes the levers
people argue about for a scenario; the dashboard applies the moved ones with
:func:`estimator.scenario.with_values`, so every value is checked like a file.

Uncertain inputs (``{ low, mode, high }`` or ``{ median, p90 }``) get one slider on their
most likely value (the mode, or the median); the low and high (or the P90) are scaled by the
same factor (:func:`rescale`), so the relative uncertainty the file gives is kept. A channel
given by audience and reply rate is shown as messages a day; its slider scales the reply rate.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from estimator.scenario import Scenario, ScenarioError, field_docs, parse_coverage
from estimator.scenario.quantities import LogNormal, Pert

__all__ = ["Control", "build_controls", "css_class", "minutes_text", "rescale"]

#: Response targets offered for a channel (minutes); a file's own value is added if missing.
REPLY_TARGETS = (15, 30, 60, 120, 240, 480, 1440, 2880)
WARN = "#D55E00"  # Okabe-Ito vermillion, as the charts


# --------------------------------------------------------------------------- helpers


def minutes_text(minutes: float) -> str:
    """``90 -> '1.5 hours'``, ``1440 -> '1 day'``, ``30 -> '30 minutes'``."""
    if minutes >= 1440 and minutes % 720 == 0:
        days = minutes / 1440
        return f"{days:g} day" + ("" if days == 1 else "s")
    if minutes >= 60:
        hours = minutes / 60
        return f"{hours:g} hour" + ("" if hours == 1 else "s")
    return f"{minutes:g} minutes"


def most_likely(q: Any) -> float:
    """The value a person would call 'most likely': a number, a PERT's mode, a median."""
    if isinstance(q, Pert):
        return q.mode
    if isinstance(q, LogNormal):
        return q.median
    if isinstance(q, dict):
        return float(q.get("mode", q.get("median", 0.0)))
    return float(q)


def rescale(q: Any, new: float) -> float | dict[str, float]:
    """``q`` (a number, PERT or lognormal) moved so that its most likely value is ``new``.

    Low, mode and high (or median and P90) are scaled by the same factor, which keeps the
    relative uncertainty; a PERT whose mode is 0 is shifted instead.

    >>> rescale(Pert(low=2, mode=4, high=8), 6)
    {'low': 3.0, 'mode': 6.0, 'high': 12.0}
    >>> rescale(LogNormal(median=2, p90=6), 1)
    {'median': 1.0, 'p90': 3.0}
    >>> rescale(3.0, 5)
    5.0
    """

    def r(x: float) -> float:
        return round(float(x), 6)

    old = most_likely(q)
    if isinstance(q, Pert):
        if old > 0:
            k = new / old
            return {"low": r(q.low * k), "mode": r(new), "high": r(q.high * k)}
        d = new - old
        return {"low": r(max(q.low + d, 0.0)), "mode": r(new), "high": r(q.high + d)}
    if isinstance(q, LogNormal):
        if new <= 0:
            raise ValueError(f"expected a value above 0 (a right-skewed quantity), got {new:g}")
        k = new / old
        return {"median": r(new), "p90": r(q.p90 * k)}
    return r(new)


def range_text(value: Any, per: float = 1.0) -> str:
    """The range the engine draws a quantity from, for a note beside its slider."""
    if isinstance(value, dict) and "low" in value:
        lo, hi = value["low"] * per, value["high"] * per
        return "exact" if lo == hi else f"range {_num(lo)}–{_num(hi)}"
    if isinstance(value, dict) and "median" in value:
        return f"9 in 10 below {_num(value['p90'] * per)}"
    return "exact"


def _num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}".removesuffix(".0")
    return f"{x:.2g}" if x < 1 else f"{x:.2f}".rstrip("0").rstrip(".")


def _slider_scale(value: float, high: float, floor: float) -> tuple[float, float]:
    """(max, step) of a slider for a value whose plausible high is ``high``."""
    top = max(floor, 3 * high, 2 * value)
    for step, limit in ((0.05, 5), (0.1, 20), (0.5, 100), (1, 500), (5, 2500)):
        if top <= limit:
            return float(round(top / step) * step), step
    return float(round(top, -2)), 10.0


def _quantity_high(q: Any, per: float = 1.0) -> float:
    if isinstance(q, Pert):
        return q.high * per
    if isinstance(q, LogNormal):
        return q.p90 * per
    return float(q) * per


def field_help() -> dict[str, str]:
    """Each field's description from the schema, keyed like ``content[].per_week``."""
    return {path: desc for path, _, _, desc in field_docs()}


def _doc_key(path: str) -> str:
    key = re.sub(r"\.\d+", "[]", path)
    return "current_staff" if key.startswith("current_staff.") else key


def _clock(text: str) -> tuple[bool, tuple[int, int]] | None:
    """(covered, one same-day range) for a slider; None for what a slider cannot show
    (overnight or several ranges a day)."""
    ranges = parse_coverage(text)
    if not ranges:
        return False, (9, 17)
    if len(ranges) == 1 and ranges[0][1] <= 24:
        return True, ranges[0]
    return None


# --------------------------------------------------------------------------- controls


@dataclass
class Control:
    """One lever: the scenario field it sets and the widgets a person moves.

    ``value`` is what the field should hold now (``base`` when the widgets are where the
    scenario put them); ``widget`` is the main widget (the one a test or a script sets).
    """

    path: str
    label: str
    widgets: tuple[W.ValueWidget, ...]
    view: W.Widget
    base: Any
    read: Callable[[], Any]
    note: W.HTML | None = None
    describe: Callable[[Any], str] | None = None

    @property
    def widget(self) -> W.ValueWidget:
        return self.widgets[-1]

    @property
    def value(self) -> Any:
        return self.read()

    @property
    def changed(self) -> bool:
        return self.value != self.base

    def __post_init__(self) -> None:
        # for a browser (and its tests) to find a control by its field
        self.view.add_class("sse-control")
        self.view.add_class(css_class(self.path))

    def observe(self, handler: Callable[[Any], None]) -> None:
        """Call ``handler`` on every change (after the note beside the control is updated)."""
        if self.note is not None and self.describe is not None:
            for w in self.widgets:
                w.observe(lambda _change: self._renote(), "value")
        for w in self.widgets:
            w.observe(handler, "value")

    def _renote(self) -> None:
        try:
            self.note.value = self.describe(self.value)  # type: ignore[union-attr, misc]
        except ValueError:  # ScenarioError too: the dashboard's message says what is wrong
            self.note.value = ""  # type: ignore[union-attr]

    def mark(self, bad: bool) -> None:
        self.view.layout.border = f"2px solid {WARN}" if bad else ""


def css_class(path: str) -> str:
    """The CSS class of a control's box: ``coverage.weekends`` -> ``sse-coverage-weekends``."""
    return "sse-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _row(label: str, *parts: W.Widget, help_text: str = "", inline: str = "") -> W.Box:
    """A control's label above its widgets (or beside them, ``inline`` giving its width)."""
    text = html.escape(label)
    if inline:
        title = W.HTML(f"<span style='font-size:0.92em'>{text}</span>",
                       layout=W.Layout(width=inline))
        box: W.Box = W.HBox([title, *parts], layout=W.Layout(align_items="center",
                                                            padding="0 4px", margin="0 0 4px 0"))
    else:
        title = W.HTML(f"<span style='font-size:0.92em'>{text}</span>",
                       layout=W.Layout(margin="0 0 -4px 0"))
        box = W.VBox([title, W.HBox(list(parts), layout=W.Layout(align_items="center"))],
                     layout=W.Layout(padding="2px 4px", margin="0 0 2px 0"))
    if help_text:
        title.tooltip = help_text
    return box


def quantity_control(path: str, label: str, base: Any, *, per: float = 1.0, floor: float = 10,
                     help_text: str = "") -> Control:
    """A slider on the most likely value of a quantity (times ``per``: e.g. followers/1,000)."""
    start = most_likely(base) * per
    top, step = _slider_scale(start, _quantity_high(base, per), floor)
    slider = W.FloatSlider(value=start, min=0.0, max=top, step=step, continuous_update=False,
                           readout_format=".2f" if step < 0.1 else
                           ".1f" if step < 1 and top <= 30 else ".0f",
                           layout=W.Layout(flex="1 1 auto", min_width="120px"))
    plain = scenario_to_dict_value(base)
    note = W.HTML(range_text(plain, per), layout=W.Layout(width="118px"))
    note.add_class("sse-note")

    def read() -> Any:
        if slider.value == start:
            return plain
        try:
            return rescale(base, slider.value / per)
        except ValueError as exc:
            raise ScenarioError(f"{path}: {exc}", field=path) from None

    view = _row(label, slider, note, help_text=help_text)
    return Control(path, label, (slider,), view, plain, read, note,
                   lambda v: range_text(v, per))


def scenario_to_dict_value(q: Any) -> Any:
    """A quantity as plain TOML-ready data (what ``get_value`` returns for it)."""
    if isinstance(q, Pert | LogNormal):
        return q.model_dump()
    return q


def hours_control(path: str, label: str, base: str, help_text: str = "") -> Control:
    """A tick box (covered or not) and a range of whole hours: ``"08:00-18:00"`` or ``""``;
    a text box for what one range cannot show (``"22:00-06:00"``, two ranges a day)."""
    parsed = _clock(base)
    note = W.HTML(layout=W.Layout(width="118px"))
    note.add_class("sse-note")
    if parsed is None:
        text = W.Text(value=base, continuous_update=False,
                      layout=W.Layout(flex="1 1 auto", min_width="120px"))

        def describe_text(value: str) -> str:
            hours = sum(b - a for a, b in parse_coverage(value))
            return f"{hours} hours a day" if hours else "not covered"

        note.value = describe_text(base)
        view = _row(label, text, note, help_text=help_text)
        return Control(path, label, (text,), view, base, lambda: text.value, note, describe_text)
    on, (a, b) = parsed
    box = W.Checkbox(value=on, description="covered", indent=False,
                     layout=W.Layout(width="90px"))
    hours = W.IntRangeSlider(value=(a, b), min=0, max=24, step=1, continuous_update=False,
                             disabled=not on, readout=False,
                             layout=W.Layout(flex="1 1 auto", min_width="120px"))

    def read() -> str:
        if (box.value, hours.value) == (on, (a, b)):
            return base  # "24/7" stays as written
        if not box.value:
            return ""
        lo, hi = hours.value
        return f"{lo:02d}:00-{hi:02d}:00"

    def describe(value: str) -> str:
        hours.disabled = not value
        if not value:
            return "not covered"
        lo, hi = hours.value
        return f"{lo:02d}:00–{hi:02d}:00<br><small>{max(hi - lo, 0)} hours a day</small>"

    note.value = describe(base)
    view = _row(label, box, hours, note, help_text=help_text)
    return Control(path, label, (hours, box), view, base, read, note, describe)


def choice_control(path: str, label: str, base: float, options: Iterable[float],
                   text: Callable[[float], str], help_text: str = "", shown: str = "") -> Control:
    """A drop-down of values (``shown`` is the label on screen, beside it)."""
    values = sorted({float(o) for o in options} | {float(base)})
    drop = W.Dropdown(options=[(text(v), v) for v in values], value=float(base),
                      layout=W.Layout(width="150px"))
    view = _row(shown or label, drop, help_text=help_text, inline="90px" if shown else "")
    return Control(path, label, (drop,), view, base, lambda: drop.value)


def number_control(path: str, label: str, base: float, widget: W.ValueWidget,
                   convert: Callable[[Any], Any] = float, help_text: str = "",
                   unit: str = "", inline: str = "") -> Control:
    parts = [widget] + ([W.HTML(unit, layout=W.Layout(width="118px"))] if unit else [])
    view = _row(label, *parts, help_text=help_text, inline=inline)

    def read() -> Any:
        return base if widget.value == base else convert(widget.value)

    return Control(path, label, (widget,), view, base, read)


def build_controls(scenario: Scenario) -> dict[str, list[Control]]:
    """Every control for a scenario, by section title. Each maps to one scenario field."""
    docs = field_help()

    def helped(path: str) -> str:
        return f"{docs.get(_doc_key(path), '')} (scenario field {path})".strip()

    content = [
        quantity_control(f"content.{i}.per_week", c.format[:1].upper() + c.format[1:], c.per_week,
                         floor=5, help_text=helped(f"content.{i}.per_week"))
        for i, c in enumerate(scenario.content)
    ]
    replies: list[Control] = []
    for i, ch in enumerate(scenario.channels):
        name = f"{ch.platform} {ch.kind}"
        target = f"channels.{i}.reply_within_minutes"
        if ch.per_day is not None:
            path, base, per = f"channels.{i}.per_day", ch.per_day, 1.0
        else:
            path = f"channels.{i}.replies_per_1000_audience_per_day"
            base, per = ch.replies_per_1000_audience_per_day, (ch.audience or 0) / 1000
        replies.append(quantity_control(path, f"{name}: messages a day that need a reply",
                                        base, per=per, floor=20, help_text=helped(path)))
        replies.append(choice_control(target, f"{name}: reply within", ch.reply_within_minutes,
                                      REPLY_TARGETS, minutes_text, helped(target),
                                      shown="Reply within"))
    cov, cap = scenario.coverage, scenario.capacity
    coverage = [
        hours_control("coverage.weekdays", "Covered hours, Monday to Friday", cov.weekdays,
                      helped("coverage.weekdays")),
        hours_control("coverage.weekends", "Covered hours, Saturday and Sunday", cov.weekends,
                      helped("coverage.weekends")),
        number_control("coverage.min_on_duty", "Minimum people on duty in covered hours",
                       cov.min_on_duty,
                       W.IntSlider(value=cov.min_on_duty, min=0, max=max(10, 2 * cov.min_on_duty),
                                   continuous_update=False,
                                   layout=W.Layout(flex="1 1 auto", min_width="120px")),
                       int, helped("coverage.min_on_duty"), unit="people"),
        quantity_control("crises.per_year", "Crises a year (most likely)",
                         scenario.crises.per_year, floor=10, help_text=helped("crises.per_year")),
    ]
    plan = [
        number_control("capacity.hours_per_week", "Contracted hours a week (one full-time person)",
                       cap.hours_per_week,
                       W.FloatSlider(value=cap.hours_per_week, min=10, max=60, step=0.5,
                                     readout_format=".1f", continuous_update=False,
                                     layout=W.Layout(flex="1 1 auto", min_width="120px")),
                       float, helped("capacity.hours_per_week"), unit="hours"),
        number_control("plan.percentile", "Plan for the work of this share of weeks",
                       scenario.plan.percentile,
                       W.IntSlider(value=round(scenario.plan.percentile), min=50, max=99,
                                   continuous_update=False,
                                   layout=W.Layout(flex="1 1 auto", min_width="120px")),
                       float, helped("plan.percentile"), unit="% of weeks"),
    ]
    today = scenario.current_staff or {}
    staff = [
        number_control(f"current_staff.{role}", scenario.role_label(role), today.get(role, 0.0),
                       W.BoundedFloatText(value=today.get(role, 0.0), min=0, max=500, step=0.1,
                                          continuous_update=False,
                                          layout=W.Layout(width="110px")),
                       float, helped(f"current_staff.{role}"), unit="FTE", inline="200px")
        for role in scenario.roles
    ]
    return {
        "Content: pieces a week": content,
        "Replies: volume and response target": replies,
        "Coverage and crises": coverage,
        "Working week and plan": plan,
        "Today's team": staff,
    }
