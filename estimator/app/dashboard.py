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
"""

from __future__ import annotations

import html
import io
import os
import re
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as W

from estimator.app.controls import Control, build_controls
from estimator.engine.result import Result
from estimator.engine.runner import DEFAULT_SEED, simulate, simulate_to_precision
from estimator.report import charts
from estimator.report.files import slug
from estimator.report.words import fte as _fte
from estimator.report.words import (
    interval_sentence,
    money,
    people_sentences,
    precision_sentence,
    to_html,
    today_sentences,
)
from estimator.report.words import staff as _staff
from estimator.scenario import (
    Scenario,
    ScenarioError,
    get_value,
    load_scenario,
    to_toml,
    with_values,
)
from estimator.scenario.paths import DATA_DIR, allowed_folders, confine

__all__ = ["Control", "Dashboard", "PREVIEW_RUNS", "FULL_RUNS", "SCENARIOS_DIR"]

#: Simulated years behind each update while a control moves (see benchmarks/bench_dashboard.py).
PREVIEW_RUNS = 512
#: Simulated years of the "Full run" button (and of the exported charts).
FULL_RUNS = 5000
SCENARIOS_DIR = DATA_DIR / "scenarios"

#: The chart tabs: title and the chart function.
CHART_TABS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("Staff by role", charts.plot_fte_by_role),
    ("How sure", charts.plot_fte_distribution),
    ("Week by week", charts.plot_weekly_demand),
    ("Cost", charts.plot_cost),
    ("Kind of work", charts.plot_fte_by_kind),
    ("What moves it", charts.plot_variance_shares),
    ("Today's week", charts.plot_todays_week),
    ("People", charts.plot_roster),
)
#: The tab that shows people: today's people and their roles, the headcount, the roster.
PEOPLE_TAB = len(CHART_TABS) - 1
#: Further charts shown below a tab's first one, by tab title.
MORE_CHARTS: dict[str, tuple[Callable[..., Any], ...]] = {
    "What moves it": (charts.plot_bad_years, charts.plot_sensitivity),
}
#: The precisions the full run may ask for instead of a number of simulated years.
PRECISION_OPTIONS: tuple[tuple[str, float | None], ...] = (
    ("the years given", None), ("P90 known +/- 0.2 FTE", 0.2),
    ("P90 known +/- 0.1 FTE", 0.1), ("P90 known +/- 0.05 FTE", 0.05),
)
CHART_INCHES = (7.2, 4.0)
CHART_DPI = 100
CHART_FONT_SIZE = 10

WARN = "#D55E00"  # Okabe-Ito vermillion, as the charts
OK = "#009E73"
#: A few rules for the dashboard's own boxes (an HTML widget's <style> applies to the page).
STYLE = """<style>
.sse-note { white-space: nowrap; font-size: 0.85em; color: #5F5F5F; line-height: 1.25; }
.sse-dashboard .widget-readout { min-width: 3em; }
.sse-headline .widget-html-content, .sse-today .widget-html-content,
.sse-message .widget-html-content { line-height: 1.45; }
</style>"""


# --------------------------------------------------------------------------- charts


def _wrap_title(title: str, inches: float) -> str:
    """``title`` in as few lines as fit ``inches`` of a chart, the lines of even length."""
    chars = int(inches * 72 / (CHART_FONT_SIZE * 1.2 * 0.62)) - 4  # bold, "large" characters
    lines = textwrap.wrap(title, chars, break_on_hyphens=False)
    for width in range(len(title) // max(len(lines), 1), chars):
        even = textwrap.wrap(title, width, break_on_hyphens=False)
        if len(even) == len(lines):
            return "\n".join(even)
    return "\n".join(lines)


def chart_size(tab: int, result: Result) -> tuple[float, float]:
    """Inches of a chart tab: taller for the roles chart of a large team (bars stay legible)."""
    if CHART_TABS[tab][1] is charts.plot_fte_by_role and len(result.roles) > 8:
        return (CHART_INCHES[0], 1.4 + 0.36 * len(result.roles))
    if CHART_TABS[tab][1] is charts.plot_todays_week:  # a row a task, up to 16
        return (CHART_INCHES[0] * 1.25, CHART_INCHES[1] * 1.4)
    return CHART_INCHES


def tab_pngs(tab: int, result: Result) -> list[bytes]:
    """Every chart of a tab as PNG bytes: its first chart, then those of :data:`MORE_CHARTS`."""
    title, first = CHART_TABS[tab]
    return [png(first, result, chart_size(tab, result)),
            *(png(plot, result) for plot in MORE_CHARTS.get(title, ()))]


def png(plot: Callable[..., Any], result: Result, size: tuple[float, float] = CHART_INCHES,
        dpi: int = CHART_DPI) -> bytes:
    """One chart of :mod:`estimator.report.charts` drawn for the screen, as PNG bytes."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(charts.style(CHART_FONT_SIZE)):
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        ax = plot(result, ax=fig.add_subplot())
        # The chart's title states its finding; on a screen-sized figure it spans the figure
        # (not only the axes, which long role names push right), wrapped to fit.
        title = " ".join(ax.get_title(loc="left").split())
        if title:
            ax.set_title("", loc="left")
            fig.suptitle(_wrap_title(title, size[0]), x=0.01, ha="left", fontsize="large",
                         fontweight="bold", parse_math=False)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# --------------------------------------------------------------------------- dashboard


def shipped_scenarios(folder: Path = SCENARIOS_DIR) -> list[Path]:
    return sorted(folder.glob("*.toml"))


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
class Dashboard:
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
        Worker processes for the preview (the full run uses every core).
    save_dir
        Where **Save** writes scenario files and **Export charts** writes chart folders
        (``my_scenarios`` in the working folder by default). Files saved there are offered
        in the scenario picker.
    """

    scenario: Scenario | str | Path | None = None
    preview_runs: int = PREVIEW_RUNS
    full_runs: int = FULL_RUNS
    full_precision: float | None = None
    seed: int = DEFAULT_SEED
    jobs: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
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

    # ------------------------------------------------------------------ layout
    def _build_frame(self) -> None:
        self.picker = W.Dropdown(description="Scenario", layout=W.Layout(width="500px"),
                                 style={"description_width": "70px"})
        self.full_button = W.Button(description=f"Full run ({self.full_runs:,} years)",
                                    icon="play", button_style="primary",
                                    layout=W.Layout(width="210px"))
        self.precision = W.Dropdown(
            description="or until", options=PRECISION_OPTIONS,
            value=self.full_precision if self.full_precision in dict(
                (v, k) for k, v in PRECISION_OPTIONS) else None,
            layout=W.Layout(width="260px"), style={"description_width": "60px"})
        self.precision.observe(self._on_precision, "value")
        self._on_precision(None)
        self.reset_button = W.Button(description="Reset controls", icon="undo",
                                     layout=W.Layout(width="150px"))
        self.status = W.HTML()
        self.status.add_class("sse-status")
        self.message = W.HTML()
        self.message.add_class("sse-message")
        self.headline = W.HTML()
        self.headline.add_class("sse-headline")
        self.today = W.HTML()
        self.today.add_class("sse-today")
        def image() -> W.Image:
            return W.Image(format="png", layout=W.Layout(width="100%", height="auto"))

        self.images = [image() for _ in CHART_TABS]  # each tab's first chart
        #: every chart of each tab: its first, then those of MORE_CHARTS
        self.tab_images = [[im, *(image() for _ in MORE_CHARTS.get(title, ()))]
                           for im, (title, _) in zip(self.images, CHART_TABS, strict=True)]
        self.people = W.HTML()
        self.people.add_class("sse-people")
        self.tabs = W.Tab(children=[
            W.VBox([self.people, *ims] if i == PEOPLE_TAB else ims,
                   layout=W.Layout(width="100%"))
            for i, ims in enumerate(self.tab_images)], titles=[t for t, _ in CHART_TABS])
        self.controls_box = W.Accordion(layout=W.Layout(width="100%"))
        self.file_name = W.Text(description="Save as", layout=W.Layout(width="330px"),
                                style={"description_width": "60px"})
        self.save_button = W.Button(description="Save scenario", icon="save",
                                    layout=W.Layout(width="140px"))
        self.overwrite_button = W.Button(description="Overwrite", icon="exclamation-triangle",
                                         button_style="danger",
                                         layout=W.Layout(width="120px", display="none"))
        self.export_button = W.Button(description="Export charts", icon="image",
                                      layout=W.Layout(width="140px"))
        self.file_message = W.HTML()
        self.file_message.add_class("sse-file-message")
        # your own exports: calibrate reads the uploaded bytes (nothing is read from a path)
        self.upload = W.FileUpload(accept=".csv,.tsv,.txt", multiple=True,
                                   description="Load export", layout=W.Layout(width="160px"))
        self.apply_button = W.Button(description="Apply calibration", icon="check",
                                     disabled=True, layout=W.Layout(width="170px"))
        self.calibration_message = W.HTML()
        self.calibration = None
        self.upload.observe(lambda _c: self._safely(self._on_upload), "value")
        self.apply_button.on_click(lambda _b: self._safely(self.apply_calibration))

        self.picker.observe(self._on_pick, "value")
        self.full_button.on_click(lambda _b: self._safely(self.full_run))
        self.reset_button.on_click(lambda _b: self._safely(self.reset))
        self.save_button.on_click(lambda _b: self._safely(self.save))
        self.overwrite_button.on_click(lambda _b: self._safely(lambda: self.save(overwrite=True)))
        self.export_button.on_click(lambda _b: self._safely(self.export))
        self.file_name.observe(lambda _c: self._hide_overwrite(), "value")
        self.tabs.observe(lambda _c: self._safely(self._draw_visible), "selected_index")

        top = W.HBox([self.picker, self.full_button, self.precision, self.reset_button],
                     layout=W.Layout(flex_flow="row wrap", align_items="center"))
        files = W.HBox([self.file_name, self.save_button, self.overwrite_button,
                        self.export_button],
                       layout=W.Layout(flex_flow="row wrap", align_items="center"))
        left = W.VBox([W.HTML("<b>What if…</b> move a control; the estimate follows."),
                       self.controls_box],
                      layout=W.Layout(width="38%", min_width="330px", padding="0 12px 0 0"))
        right = W.VBox([self.headline, self.today, self.tabs],
                       layout=W.Layout(width="62%", min_width="420px"))
        self.widget = W.VBox(
            [W.HTML(STYLE), top, self.status, self.message,
             W.HBox([left, right], layout=W.Layout(width="100%", flex_flow="row wrap",
                                                   align_items="flex-start")),
             files, self.file_message,
             W.HBox([self.upload, self.apply_button, self.calibration_message],
                    layout=W.Layout(flex_flow="row wrap", align_items="center"))],
            layout=W.Layout(width="100%", max_width="1500px"),
        )
        self.widget.add_class("sse-dashboard")
        self._refresh_picker()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _refresh_picker(self, select: Path | None = None) -> None:
        options: list[tuple[str, str]] = []
        for path in shipped_scenarios(self.scenarios_dir):
            try:
                name = load_scenario(path).scenario.name
            except ScenarioError:
                name = path.stem
            options.append((f"{name} ({path.name})", str(path)))
        saved = sorted(Path(self.save_dir).glob("*.toml")) if Path(self.save_dir).is_dir() else []
        options += [(f"Saved: {p.name}", str(p)) for p in saved]
        if select is not None and str(select) not in {v for _, v in options}:
            options.append((f"{select.name}", str(select)))
        if select is None and self.source is None and getattr(self, "base", None) is not None:
            options.insert(0, (f"{self.base.scenario.name} (given)", ""))
        self._quiet = True
        try:
            self.picker.options = options
            value = str(select) if select is not None else (
                str(self.source) if self.source is not None else "")
            if value in {v for _, v in options}:
                self.picker.value = value
        finally:
            self._quiet = False

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
        """Rerun with ``full_runs`` simulated years on every core (the numbers to quote), or,
        with ``full_precision``, until the P90 is known within +/- that many FTE."""
        self.status.value = self._status_text(running=self.full_runs)
        self.full_button.disabled = True
        try:
            return self._run(self.full_runs, None, precision=self.full_precision)
        finally:
            self.full_button.disabled = False

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
        # Everything is drawn first and shown together, so that a reader never sees a new
        # headline beside an old chart.
        t1 = time.perf_counter()
        headline, today, people = headline_html(result), today_html(result), people_html(result)
        timings.numbers = time.perf_counter() - t1
        t2 = time.perf_counter()
        shown = self.tabs.selected_index or 0
        images = tab_pngs(shown, result)
        timings.chart = time.perf_counter() - t2
        self.edited, self.result, self.error = scenario, result, ""
        for c in self.controls:
            c.mark(False)
        for widget, image in zip(self.tab_images[shown], images, strict=True):
            widget.value = image
        self.headline.value = headline
        self.today.value = today
        self.people.value = people
        self.message.value = ""
        self._stale = set(range(len(CHART_TABS))) - {shown}
        timings.total = time.perf_counter() - t0
        self.timings = timings
        self.status.value = self._status_text()
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
        self._stale.discard(i)

    def _status_text(self, running: int | None = None) -> str:
        if running:
            return f"<i>Running {running:,} simulated years…</i>"
        r = self.result
        if r is None:
            return ""
        kind = "Full run" if self.is_full_run else "Preview"
        more = ("" if kind == "Full run" else
                f" · press <b>Full run</b> for {self.full_runs:,} years before you quote a number")
        if r.precision is not None:
            more = f" · {html.escape(precision_sentence(r.summary()))}"
        return (f"<span style='color:#5F5F5F'>{kind}: {r.runs:,} simulated years, seed "
                f"{r.seed} · updated in {self.timings.total:.2f} s{more}</span>")

    # ------------------------------------------------------------------ events
    def _on_control(self, _change: Any) -> None:
        if not self._quiet:
            self._safely(self.refresh)

    def _on_pick(self, change: Any) -> None:
        if self._quiet or not change["new"]:
            return
        self._safely(lambda: self.load(change["new"]))

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

    # ------------------------------------------------------------------ calibrate
    def _on_upload(self) -> None:
        files = []
        for item in self.upload.value:  # ipywidgets 8: name, content (memoryview), ...
            files.append((str(item["name"]), bytes(item["content"])))
        if files:
            self.load_export(files)

    def load_export(self, files: list[tuple[str, bytes]]) -> None:
        """Estimate inputs from exports (file name, bytes); **Apply** puts them in."""
        from estimator.calibrate import calibrate

        self.calibration = calibrate(files)
        found = [f"{ch.platform} {ch.fit.per_day[1]:,.1f} a day (CV {ch.fit.daily_cv:.2f})"
                 for ch in self.calibration.channels]
        found += [f"{f.name} {f.per_week[1]:g} a week" for f in self.calibration.formats]
        crises = (f"; {len(self.calibration.crises)} crisis days found"
                  if self.calibration.channels else "")
        self.calibration_message.value = html.escape(
            "Found: " + ", ".join(found) + crises + ". Press Apply to use them.")
        self.apply_button.disabled = False

    def apply_calibration(self) -> Path:
        """Apply what calibrate found to the scenario being edited: both are written to
        ``save_dir`` (the fragment starts ``base = `` the edited scenario) and the result is
        loaded in its place."""
        from estimator.calibrate import write_fragment

        if self.calibration is None:
            raise ScenarioError("calibration: load an export first")
        folder = Path(self.save_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.source.stem if self.source is not None else slug(self.base.scenario.name)
        before = folder / f"{stem}-before-calibration.toml"
        before.write_text(to_toml(self.edited_scenario()), encoding="utf-8")
        out = folder / f"{stem}-calibrated.toml"
        write_fragment(self.calibration, out, before)
        self._set_base(load_scenario(out), out)
        self.calibration_message.value = html.escape(f"Applied: {out}")
        self.refresh()
        return out

    # ------------------------------------------------------------------ files
    def _hide_overwrite(self) -> None:
        self.overwrite_button.layout.display = "none"

    def save_path(self) -> Path:
        name = self.file_name.value.strip()
        if not name:
            raise ScenarioError("file name: expected a name such as my-scenario.toml, got none")
        if not name.lower().endswith(".toml"):
            name += ".toml"
        if Path(name).name != name or name.startswith("."):
            # a visitor of the web app types this name: it never leaves the save folder
            raise ScenarioError(f"file name: expected a file name without a folder, such as "
                                f"my-scenario.toml, got {name!r}")
        return Path(self.save_dir) / name

    def save(self, overwrite: bool = False) -> Path | None:
        """Write the edited scenario as TOML; ask (the Overwrite button) before replacing."""
        path = self.save_path()
        scenario = self.edited_scenario()  # raises, with its message, if a value is bad
        if path.is_dir():
            raise ScenarioError(f"file name: expected a file name, got the folder {path}")
        if path.exists() and not overwrite:
            self.overwrite_button.layout.display = ""
            self.file_message.value = (
                f"<span style='color:{WARN}'><b>{html.escape(str(path))}</b> already exists. "
                "Press <b>Overwrite</b> to replace it, or change the name.</span>")
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        text = saved_header(scenario, self.source, self.controls) + to_toml(scenario)
        load_check = path.with_name(f".{path.name}.partial")
        load_check.write_text(text, encoding="utf-8")
        try:
            load_scenario(load_check)  # the file must load back exactly as a scenario
            load_check.replace(path)
        finally:
            load_check.unlink(missing_ok=True)
        self._hide_overwrite()
        self.file_message.value = (f"<span style='color:{OK}'>Saved <b>{html.escape(str(path))}"
                                   "</b>. It is in the scenario list now.</span>")
        self._refresh_picker(self.source)
        return path

    def export(self, folder: str | Path | None = None,
               formats: tuple[str, ...] = ("png", "svg", "pdf")) -> list[Path]:
        """Every chart of a full run (PNG, SVG, PDF) into ``folder``: by default a new folder
        ``charts/<scenario>-<date-time>`` under ``save_dir``, so nothing is replaced."""
        from estimator.report.figures import export_charts

        if not self.is_full_run:
            if not self.full_run():
                return []
        assert self.result is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = slug(self.result.scenario_name)
        target = Path(folder) if folder else Path(self.save_dir) / "charts" / f"{name}-{stamp}"
        self.file_message.value = "<i>Exporting the charts…</i>"
        written = export_charts(self.result, target, formats=formats)
        self.file_message.value = (
            f"<span style='color:{OK}'>Saved {len(written)} chart files in "
            f"<b>{html.escape(str(target))}</b> (PNG for slides, SVG to edit, PDF to print)."
            "</span>")
        return written


# --------------------------------------------------------------------------- text outputs


def headline_html(result: Result) -> str:
    """FTE needed (P50, P90), the recommended team and the yearly cost, as HTML."""
    s = result.summary()
    cur = s["currency"]
    fte, cost = s["fte_total"], s["cost_total"]
    small = [result.model.scenario.role_label(r) for r in s["combine_or_contract"]]
    combine = (f"<div style='color:#5F5F5F;font-size:0.9em'>Under half an FTE (combine or "
               f"contract): {html.escape(', '.join(small))}</div>" if small else "")
    return (
        "<div style='padding:6px 10px;border:1px solid #DDD;border-radius:6px;"
        "background:#F7FAFC'>"
        f"<div style='color:#5F5F5F'>{html.escape(s['scenario'])}</div>"
        "<div style='margin:2px 0'>The programme needs "
        f"<span class='sse-fte-p50' style='font-size:2.1em;font-weight:bold;color:#0072B2'>"
        f"{_fte(fte['p50'])}</span> <b>FTE</b> (median), "
        f"<span class='sse-fte-p90' style='font-size:1.4em;font-weight:bold;color:#0072B2'>"
        f"{_fte(fte['p90'])}</span> <b>FTE</b> in 9 years out of 10 (P90)</div>"
        f"<div class='sse-how-sure' style='color:#5F5F5F;font-size:0.9em'>How sure: "
        f"{html.escape(interval_sentence(s, 90))} (Monte Carlo error of {s['runs']:,} "
        f"simulated years)</div>"
        f"<div>Team to plan for: <b class='sse-team'>{_fte(s['recommended_fte_total'])} FTE"
        f"</b>, <b class='sse-people'>{s['headcount_total']} people</b> (all roles' weekly "
        f"work met together in {s['plan_weeks_covered_share']:.0%} of simulated weeks), "
        f"costing <b>{money(s['recommended_cost'], cur)}</b> a year</div>"
        f"<div>Yearly cost of the FTE needed: <b class='sse-cost'>{money(cost['p50'], cur)}"
        f"</b> (median), <b>{money(cost['p90'], cur)}</b> (P90)</div>"
        f"{combine}</div>"
    )


def today_html(result: Result) -> str:
    """What today's team gets (the same sentences as the terminal and the brief)."""
    sentences = today_sentences(result.summary())
    if not sentences:
        return ("<div style='padding:6px 10px'>This scenario does not give today's team: "
                "enter it under <b>Today's team</b> to see what it gets.</div>")
    short = result.summary()["current_staff"]["gap_fte_p50"] > 0.05
    color = WARN if short else OK
    first, *rest = (to_html(x) for x in sentences)
    items = "".join(f"<li>{r}</li>" for r in rest)
    return (f"<div class='sse-today-box' style='padding:6px 10px'>"
            f"<div style='color:{color}'>{first}</div><ul style='margin:2px 0'>{items}</ul></div>")


def people_html(result: Result) -> str:
    """The people view: today's people and the roles they can do (and the work nobody on
    the team can do), then the planned headcount by role beside its FTE and its shifts."""
    s = result.summary()
    labels = s["role_labels"]
    cell = "style='padding:1px 8px;text-align:{}'"
    left, right = cell.format("left"), cell.format("right")
    parts = []
    c = s.get("current_staff")
    if c:
        rows = "".join(
            f"<tr><td {left}>{html.escape(p['name'])}</td><td {right}>{_staff(p['fte'])}</td>"
            f"<td {left}>{html.escape(', '.join(labels[r] for r in p['roles']))}</td></tr>"
            for p in c["people"])
        unstaffed = {r: h for r, h in c["unstaffed_hours_by_role"].items() if h >= 0.5}
        gap = ("<div style='color:{}'>Nobody on today's team can do: {}</div>".format(
            WARN, html.escape(", ".join(f"{labels[r]} ({h:,.0f} h a year)"
                                        for r, h in unstaffed.items())))
               if unstaffed else f"<div style='color:{OK}'>Someone on today's team can do every "
               "role's work.</div>")
        parts.append(
            "<div><b>Today's people</b></div><table class='sse-today-people'>"
            f"<tr><th {left}>Person</th><th {right}>FTE</th><th {left}>Can do</th></tr>"
            f"{rows}</table>{gap}")
    else:
        parts.append("<div>This scenario does not give today's people.</div>")
    detail = s["headcount_detail"]
    rows = "".join(
        f"<tr><td {left}>{html.escape(labels[r])}</td><td {right}>{_fte(d['plan_fte'])}</td>"
        f"<td {right}>{d['rostered'] or ''}</td><td {right}>{d['bench'] or ''}</td>"
        f"<td {right}><b>{d['people']}</b></td></tr>"
        for r, d in detail.items() if d["people"] or d["plan_fte"])
    parts.append(
        "<div style='margin-top:6px'><b>The planned team in people</b></div>"
        "<table class='sse-headcount'>"
        f"<tr><th {left}>Role</th><th {right}>FTE</th><th {right}>On the roster</th>"
        f"<th {right}>Bench</th><th {right}>People</th></tr>{rows}"
        f"<tr><td {left}><b>Total</b></td><td {right}><b>{_fte(s['recommended_fte_total'])}"
        f"</b></td><td></td><td></td><td {right}><b>{s['headcount_total']}</b></td></tr>"
        "</table>")
    parts += [f"<div>{to_html(x)}</div>" for x in people_sentences(s)]
    return "<div style='padding:6px 10px'>" + "".join(parts) + "</div>"


def saved_header(scenario: Scenario, source: Path | None, controls: list[Control]) -> str:
    """Comment lines at the top of a saved scenario: where it came from and what changed."""
    lines = [f"# {scenario.scenario.name}: saved from the estimator's dashboard on "
             f"{datetime.now():%Y-%m-%d %H:%M}."]
    if source is not None:
        lines.append(f"# Started from {source.name}: the sources of its numbers are the comments "
                     "in that file.")
    changed = [c for c in controls if c.changed]
    if changed:
        lines.append("# Changed in the dashboard:")
        for c in changed:
            try:
                value = get_value(scenario, c.path)
            except ScenarioError:
                value = c.value
            lines.append(f"#   {c.path} = {value!r}  ({c.label})")
    return "\n".join(lines) + "\n\n"
