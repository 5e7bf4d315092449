"""Your own exports in the dashboard: uploaded analytics exports are read by
:mod:`estimator.calibrate` (from the uploaded bytes, never from a path), what it found is
shown, and **Apply** writes the calibrated scenario into the save folder and loads it.

:class:`CalibrationUploads` is mixed into :class:`~estimator.app.dashboard.Dashboard`,
whose widgets (:mod:`estimator.app.frame`) and scenario it uses.
"""

from __future__ import annotations

import html
from pathlib import Path

from estimator.report.files import slug
from estimator.scenario import ScenarioError, load_scenario, to_toml


class CalibrationUploads:
    """Load export and Apply calibration of a :class:`~estimator.app.dashboard.Dashboard`."""

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
