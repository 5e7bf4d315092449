"""The what-if dashboard: sliders tied to scenario fields, the estimate redrawn on every change.

>>> from estimator.app.dashboard import Dashboard
>>> dash = Dashboard("university")   # a shipped scenario's name, a file, or a Scenario
>>> dash.control("coverage.weekends").value
'10:00-14:00'
>>> dash.control("coverage.weekends").widget.value = False   # untick "covered"
>>> dash.edited.coverage.weekends
''
>>> dash.widget   # in a notebook, the last line of a cell shows it  # doctest: +SKIP

Every control carries the dotted path of the scenario field it sets (``content.0.per_week``,
``coverage.weekends``, ``current_staff.writer``...). On a change the dashboard builds the
edited scenario from the picked one with :func:`estimator.scenario.with_values` (so it is
checked like a file: a bad value shows its one-line message in the dashboard, never a
traceback), runs a quick preview and redraws the outputs. **Full run** reruns with many more
simulated years. The seed is fixed, so moving a control back gives the same numbers again, and
the difference a control makes is not sampling noise (common random numbers).

The controls and how each maps to its field are in :mod:`estimator.app.controls` (an
uncertain input gets one slider on its most likely value; its low and high move with it).

Charts are drawn by :mod:`estimator.report.charts` onto matplotlib Figures (no pyplot) and shown as
PNG images: robust in JupyterLab and Voila. To keep an update fast, a change redraws the
numbers and the chart tab on show; the other tabs are redrawn when they are opened.
Nothing here computes the model: the numbers come from :class:`~estimator.result.Result`.

This module holds :class:`Dashboard`: the scenario being edited, the runs and the events.
Its parts are :mod:`~estimator.app.frame` (the widgets, laid out and wired, and the
scenario picker), :mod:`~estimator.app.chart_tabs` (the charts drawn for the screen),
:mod:`~estimator.app.panels` (the numbers and sentences as HTML),
:mod:`~estimator.app.saving` (Save, Downloads, export) and :mod:`~estimator.app.uploads`
(your own exports); their public names are importable from here as well.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as W

from estimator.app.chart_tabs import (
    CHART_DPI,
    CHART_FONT_SIZE,
    CHART_INCHES,
    CHART_TABS,
    MORE_CHARTS,
    PEOPLE_TAB,
    chart_size,
    png,
    screen_figure,
    tab_pngs,
)
from estimator.app.controls import Control, build_controls
from estimator.app.frame import PRECISION_OPTIONS, SCENARIOS_DIR, DashboardFrame, shipped_scenarios
from estimator.app.panels import (
    OK,
    STYLE,
    WARN,
    headline_html,
    people_html,
    sampling_noise,
    today_html,
)
from estimator.app.saving import ScenarioFiles, downloads_html, saved_header
from estimator.app.uploads import CalibrationUploads
from estimator.engine.result import Result
from estimator.engine.runner import DEFAULT_SEED, simulate, simulate_to_precision
from estimator.report.files import slug
from estimator.report.words import precision_sentence
from estimator.scenario import Scenario, ScenarioError, load_scenario, with_values
from estimator.scenario.paths import allowed_folders, confine

__all__ = ["Control", "Dashboard", "PREVIEW_RUNS", "FULL_RUNS", "SCENARIOS_DIR",
           # the dashboard's parts, importable from here as before
           "CHART_DPI", "CHART_FONT_SIZE", "CHART_INCHES", "CHART_TABS", "MORE_CHARTS", "OK",
           "PEOPLE_TAB", "PRECISION_OPTIONS", "STYLE", "WARN", "chart_size", "downloads_html",
           "headline_html", "people_html", "png", "sampling_noise", "saved_header",
           "screen_figure", "shipped_scenarios", "tab_pngs", "today_html"]

#: Simulated years behind each update while a control moves (see benchmarks/bench_dashboard.py
#: and bench_browser.py): the status line gives the preview's sampling noise.
PREVIEW_RUNS = 256
#: Simulated years of the "Full run" button (and of the exported charts).
FULL_RUNS = 5000


def _resolve(scenario: Scenario | str | Path | None, folder: Path) -> tuple[Scenario, Path | None]:
    if isinstance(scenario, Scenario):
        return scenario, None
    if scenario is None:
        scenario = folder / "university.toml"
    path = Path(scenario)
    if not path.exists():  # "university" or "university.toml": a shipped scenario
        shipped = folder / (path.name if path.suffix else f"{path.name}.toml")
        path = shipped if shipped.exists() else path
    return load_scenario(path), path


def _close(widget: W.Widget) -> None:
    """Close a widget and everything in it (a kernel keeps widgets until they are closed)."""
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()


@dataclass
class _Timings:
    scenario: float = 0.0
    simulate: float = 0.0
    numbers: float = 0.0
    chart: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items()}


@dataclass
class Dashboard(DashboardFrame, ScenarioFiles, CalibrationUploads):
    """The what-if dashboard for one scenario at a time (``.widget`` to show it).

    Parameters
    ----------
    scenario
        A :class:`~estimator.scenario.Scenario`, a scenario file, or the name of a shipped
        scenario (``"university"``); the University scenario by default.
    preview_runs, full_runs
        Simulated years behind a control change, and behind the **Full run** button.
    full_precision
        If set, the **Full run** adds simulated years until the P90 of total FTE is known
        within +/- this many FTE at 95% (the "Precision" menu beside the button sets it).
    seed
        The one seed (common random numbers across every change).
    jobs
        Worker processes for the preview: 1 (in the kernel) by default, since Voila runs a
        kernel per visitor and a pool each would multiply the memory. The full run uses up
        to ``full_jobs`` workers, stopped when it ends.
    save_dir
        Where **Save** writes scenario files (``my_scenarios`` in the working folder by
        default); :meth:`export` writes chart folders there for a script. Files saved there
        are offered in the scenario picker.
    """

    scenario: Scenario | str | Path | None = None
    preview_runs: int = PREVIEW_RUNS
    full_runs: int = FULL_RUNS
    full_precision: float | None = None
    seed: int = DEFAULT_SEED
    jobs: int = 1
    full_jobs: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    save_dir: Path | str | None = None
    scenarios_dir: Path = SCENARIOS_DIR
    run_on_start: bool = True

    base: Scenario = field(init=False)
    source: Path | None = field(init=False, default=None)
    result: Result | None = field(init=False, default=None)
    edited: Scenario | None = field(init=False, default=None)
    controls: list[Control] = field(init=False, default_factory=list)
    sections: dict[str, list[Control]] = field(init=False, default_factory=dict)
    timings: _Timings = field(init=False, default_factory=_Timings)
    error: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.save_dir = Path(self.save_dir) if self.save_dir else Path.cwd() / "my_scenarios"
        self.scenarios_dir = Path(self.scenarios_dir)
        self._stale: set[int] = set()
        self._quiet = False
        self._build_frame()
        given, path = _resolve(self.scenario, self.scenarios_dir)
        self._set_base(given, path)
        if self.run_on_start:
            self.refresh()

    # ------------------------------------------------------------------ scenario
    def _set_base(self, scenario: Scenario, source: Path | None) -> None:
        staff = scenario.current_staff.shorthand if scenario.current_staff is not None else None
        if staff is not None and set(scenario.roles) - set(staff):
            # every role gets a field for its "today's team" box to set (0 FTE: none today)
            scenario = with_values(scenario, {f"current_staff.{r}": 0.0
                                              for r in scenario.roles if r not in staff})
        self.base, self.source = scenario, source
        self.edited = scenario
        for old in self.controls_box.children:  # the previous scenario's controls
            _close(old)
        self.sections = build_controls(scenario)
        self.controls = [c for cs in self.sections.values() for c in cs]
        for c in self.controls:
            c.observe(self._on_control)
        counts = {"Content": f" ({len(scenario.content)} formats)",
                  "Replies": f" ({len(scenario.channels)} channels)"}
        children, titles = [], []
        for title, cs in self.sections.items():
            if not cs:
                continue
            children.append(W.VBox([c.view for c in cs]))
            titles.append(title + counts.get(title.split(":")[0], ""))
        self.controls_box.children = children
        self.controls_box.titles = titles
        self.controls_box.selected_index = 0
        stem = source.stem if source is not None else slug(scenario.scenario.name)
        self.file_name.value = f"{stem}-edited.toml"
        self._mark_clean()
        self._refresh_picker(source)

    def control(self, path: str) -> Control:
        """The control that sets the scenario field ``path``."""
        for c in self.controls:
            if c.path == path:
                return c
        raise KeyError(f"no control sets {path!r}")

    def edited_scenario(self) -> Scenario:
        """The picked scenario with every moved control's value (validated)."""
        values = {c.path: c.value for c in self.controls if c.changed}
        if not values:
            return self.base
        return with_values(self.base, values, source="your changes")

    def load(self, path: str | Path) -> None:
        """Pick another scenario file (and run its preview): a shipped one or one in the save
        folder, never another path (the picker's value comes from the visitor's browser)."""
        confine(path, allowed_folders(self.scenarios_dir, self.save_dir), "scenario")
        self._set_base(load_scenario(path), Path(path))
        self.refresh()

    def reset(self) -> None:
        """Back to the picked scenario's own values."""
        self._set_base(self.base, self.source)
        self.refresh()

    # ------------------------------------------------------------------ runs
    def refresh(self) -> bool:
        """Rerun the preview for the controls as they are and redraw; False on a bad value."""
        return self._run(self.preview_runs, self.jobs)

    def full_run(self) -> bool:
        """Rerun with ``full_runs`` simulated years (the numbers to quote), or, with
        ``full_precision``, until the P90 is known within +/- that many FTE."""
        self.status.value = self._status_text(running=self.full_runs)
        self.full_button.disabled = True
        try:
            return self._run(self.full_runs, self.full_jobs, precision=self.full_precision)
        finally:
            self.full_button.disabled = False
            if self.full_jobs > 1:  # no idle workers kept per visitor
                from estimator.engine.runner import shutdown_workers

                shutdown_workers()

    def _on_precision(self, _change: Any) -> None:
        self.full_precision = self.precision.value
        self.full_button.description = (
            f"Full run ({self.full_runs:,} years)" if self.full_precision is None
            else f"Full run (P90 +/- {self.full_precision:g})")

    @property
    def is_full_run(self) -> bool:
        """Whether the numbers on show come from a full run (the ones to quote)."""
        r = self.result
        return r is not None and (r.runs >= self.full_runs or r.precision is not None)

    def _run(self, runs: int, jobs: int | None, precision: float | None = None) -> bool:
        t0 = time.perf_counter()
        timings = _Timings()
        try:
            scenario = self.edited_scenario()
        except ScenarioError as exc:
            self._show_error(exc)
            return False
        timings.scenario = time.perf_counter() - t0
        try:
            if precision is None:
                result = simulate(scenario, runs=runs, seed=self.seed, jobs=jobs)
            else:
                result = simulate_to_precision(scenario, precision, seed=self.seed, jobs=jobs)
        except ScenarioError as exc:
            self._show_error(exc)
            return False
        timings.simulate = time.perf_counter() - t0 - timings.scenario
        # The numbers go to the browser first (the answer a person waits for); the chart on
        # show is faded until its new image replaces it, so an old chart never passes for
        # the new numbers' (drawing it takes as long as the run).
        t1 = time.perf_counter()
        summary = result.summary()
        headline, today = headline_html(result, summary), today_html(result, summary)
        people = people_html(result)
        timings.numbers = time.perf_counter() - t1
        shown = self.tabs.selected_index or 0
        self.edited, self.result, self.error = scenario, result, ""
        for c in self.controls:
            c.mark(False)
        for widget in self.tab_images[shown]:
            widget.layout.opacity = "0.35"
        self.headline.value = headline
        self.today.value = today
        self.people.value = people
        self.message.value = ""
        self._stale = set(range(len(CHART_TABS)))
        timings.total = time.perf_counter() - t0
        self.timings = timings
        self.status.value = self._status_text()
        t2 = time.perf_counter()
        self._draw(shown)
        timings.chart = time.perf_counter() - t2
        return True

    def _draw_visible(self) -> None:
        i = self.tabs.selected_index or 0
        if i in self._stale:
            self._draw(i)

    def _draw(self, i: int) -> None:
        if self.result is None:
            return
        for widget, image in zip(self.tab_images[i], tab_pngs(i, self.result), strict=True):
            widget.value = image
            widget.layout.opacity = "1"
        self._stale.discard(i)

    def _status_text(self, running: int | None = None) -> str:
        if running:
            return f"<i>Running {running:,} simulated years…</i>"
        r = self.result
        if r is None:
            return ""
        noise = sampling_noise(r.fte_total(), 90)
        if self.is_full_run:
            head = f"Full run of {r.runs:,} simulated years: P90 ± {noise:.1f} FTE"
            more = ""
            if r.precision is not None:
                more = f" · {html.escape(precision_sentence(r.summary()))}"
        else:
            head = f"<b>Preview</b> of {r.runs:,} runs: P90 ± {noise:.1f} FTE"
            more = (f" · the full run ({self.full_runs:,} years) can differ by that much: "
                    "press <b>Full run</b> before you quote a number")
        self._updates = getattr(self, "_updates", 0) + 1  # for a browser to see each answer
        return (f"<span class='sse-preview' data-update='{self._updates}' "
                f"style='color:#5F5F5F'>{head} (sampling noise, "
                f"95%) · seed {r.seed} · updated in {self.timings.total:.2f} s{more}</span>")

    # ------------------------------------------------------------------ events
    def _on_control(self, _change: Any) -> None:
        if not self._quiet:
            self._safely(self.refresh)

    @property
    def unsaved(self) -> bool:
        """True when a control has moved since the scenario was picked or last saved."""
        clean = getattr(self, "_clean", {})
        return any(c.value != clean.get(c.path, c.base) for c in self.controls)

    def _mark_clean(self) -> None:
        self._clean = {c.path: c.value for c in self.controls}

    def _on_pick(self, change: Any) -> None:
        if self._quiet or not change["new"]:
            return
        if self.unsaved:  # ask first: switching would throw the edits away
            self._pending = change["new"]
            self._quiet = True
            try:
                self.picker.value = change["old"]
            finally:
                self._quiet = False
            self.switch_prompt.value = (
                f"<span style='color:{WARN}'>Your changes to <b>"
                f"{html.escape(self.base.scenario.name)}</b> are not saved. Switch to "
                f"<b>{html.escape(Path(self._pending).name)}</b> and lose them?</span> ")
            self.switch_box.layout.display = ""
            return
        self._safely(lambda: self.load(change["new"]))

    def _switch_anyway(self) -> None:
        pending, self._pending = self._pending, None
        self.switch_box.layout.display = "none"
        if pending:
            self._quiet = True
            try:
                self.picker.value = pending
            finally:
                self._quiet = False
            self.load(pending)

    def _stay(self) -> None:
        self._pending = None
        self.switch_box.layout.display = "none"

    def _safely(self, action: Callable[[], Any]) -> None:
        """Run a button's or control's action; any problem becomes a message, not a traceback."""
        try:
            action()
        except ScenarioError as exc:
            self._show_error(exc)
        except Exception as exc:  # the dashboard must never show a traceback
            self._show_error(f"Something went wrong: {type(exc).__name__}: {exc}")

    def _show_error(self, exc: ScenarioError | str) -> None:
        text = str(exc).removeprefix("your changes: ")
        self.error = text
        bad = ""
        if isinstance(exc, ScenarioError) and exc.field:
            wanted = re.sub(r"\[(\d+)\]", r".\1", exc.field)
            for c in self.controls:
                hit = (c.path == wanted or wanted.startswith(c.path + ".")
                       or c.path.startswith(wanted + "."))
                c.mark(hit)
                bad = bad or (c.label if hit else "")
        where = f" (check <b>{html.escape(bad)}</b>)" if bad else ""
        self.message.value = (
            f"<div style='border-left:4px solid {WARN};padding:4px 10px;background:#FFF4EC'>"
            f"<b>This change cannot be estimated</b>{where}: {html.escape(text)}<br>"
            "<span style='color:#5F5F5F'>The numbers below are from the last settings that "
            "worked.</span></div>"
        )
        self.status.value = self._status_text()
