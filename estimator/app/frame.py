"""The dashboard's frame: every widget it shows, laid out, and wired to its actions; and the
scenario picker, which offers the shipped scenarios and those saved from the dashboard.

:class:`DashboardFrame` is mixed into :class:`~estimator.app.dashboard.Dashboard`: the
widgets it builds are the dashboard's attributes (``picker``, ``tabs``, ``save_button``...),
and the actions they call (``_on_pick``, ``full_run``, ``save``...) are the dashboard's.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as W

from estimator.app.chart_tabs import CHART_TABS, MORE_CHARTS, PEOPLE_TAB
from estimator.app.panels import STYLE
from estimator.scenario import ScenarioError, load_scenario
from estimator.scenario.paths import DATA_DIR

SCENARIOS_DIR = DATA_DIR / "scenarios"
#: The precisions the full run may ask for instead of a number of simulated years.
PRECISION_OPTIONS: tuple[tuple[str, float | None], ...] = (
    ("the years given", None), ("P90 known +/- 0.2 FTE", 0.2),
    ("P90 known +/- 0.1 FTE", 0.1), ("P90 known +/- 0.05 FTE", 0.05),
)


def shipped_scenarios(folder: Path = SCENARIOS_DIR) -> list[Path]:
    return sorted(folder.glob("*.toml"))


class DashboardFrame:
    """The widgets of a :class:`~estimator.app.dashboard.Dashboard`, built once."""

    def _build_frame(self) -> None:
        self._build_top()
        self._build_outputs()
        self._build_files()
        self._build_switch()
        self._build_upload()
        self._wire()
        self._lay_out()
        self._refresh_picker()

    def _build_top(self) -> None:
        """The scenario picker and the buttons beside it."""
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

    def _build_outputs(self) -> None:
        """The status line, the messages, the numbers, the chart tabs and the controls' box."""
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

    def _build_files(self) -> None:
        """Save, Overwrite and Downloads, and their messages."""
        self.file_name = W.Text(description="Save as", layout=W.Layout(width="330px"),
                                style={"description_width": "60px"})
        self.save_button = W.Button(description="Save scenario", icon="save",
                                    layout=W.Layout(width="140px"))
        self.overwrite_button = W.Button(description="Overwrite", icon="exclamation-triangle",
                                         button_style="danger",
                                         layout=W.Layout(width="120px", display="none"))
        self.export_button = W.Button(description="Downloads", icon="download",
                                      tooltip="A full run, then links to download the charts "
                                              "(zip), the brief, the workbook and the scenario",
                                      layout=W.Layout(width="140px"))
        self.file_message = W.HTML()
        self.file_message.add_class("sse-file-message")
        self.downloads_box = W.HTML()
        self.downloads_box.add_class("sse-downloads")

    def _build_switch(self) -> None:
        """The question asked before another scenario replaces unsaved edits."""
        self.switch_prompt = W.HTML()
        self.switch_button = W.Button(description="Switch, lose my edits", button_style="danger",
                                      layout=W.Layout(width="190px"))
        self.stay_button = W.Button(description="Keep editing", layout=W.Layout(width="130px"))
        self.switch_box = W.HBox([self.switch_prompt, self.switch_button, self.stay_button],
                                 layout=W.Layout(display="none", align_items="center"))
        self.switch_box.add_class("sse-switch")
        self._pending: str | None = None

    def _build_upload(self) -> None:
        """Your own exports: calibrate reads the uploaded bytes (nothing is read from a path)."""
        self.upload = W.FileUpload(accept=".csv,.tsv,.txt", multiple=True,
                                   description="Load export", layout=W.Layout(width="160px"))
        self.apply_button = W.Button(description="Apply calibration", icon="check",
                                     disabled=True, layout=W.Layout(width="170px"))
        self.calibration_message = W.HTML()
        self.calibration = None
        self.upload.observe(lambda _c: self._safely(self._on_upload), "value")
        self.apply_button.on_click(lambda _b: self._safely(self.apply_calibration))

    def _wire(self) -> None:
        """Each widget to its action; an action's problem becomes a message (``_safely``)."""
        self.picker.observe(self._on_pick, "value")
        self.full_button.on_click(lambda _b: self._safely(self.full_run))
        self.reset_button.on_click(lambda _b: self._safely(self.reset))
        self.save_button.on_click(lambda _b: self._safely(self.save))
        self.overwrite_button.on_click(lambda _b: self._safely(lambda: self.save(overwrite=True)))
        self.export_button.on_click(lambda _b: self._safely(self.prepare_downloads))
        self.switch_button.on_click(lambda _b: self._safely(self._switch_anyway))
        self.stay_button.on_click(lambda _b: self._safely(self._stay))
        self.file_name.observe(lambda _c: self._hide_overwrite(), "value")
        self.tabs.observe(lambda _c: self._safely(self._draw_visible), "selected_index")

    def _lay_out(self) -> None:
        """The page: the controls on the left, the numbers and the charts on the right."""
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
            [W.HTML(STYLE), top, self.switch_box, self.status, self.message,
             W.HBox([left, right], layout=W.Layout(width="100%", flex_flow="row wrap",
                                                   align_items="flex-start")),
             files, self.file_message, self.downloads_box,
             W.HBox([self.upload, self.apply_button, self.calibration_message],
                    layout=W.Layout(flex_flow="row wrap", align_items="center"))],
            layout=W.Layout(width="100%", max_width="1500px"),
        )
        self.widget.add_class("sse-dashboard")

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
