"""What the dashboard writes: the edited scenario saved as TOML (with a header saying where it
came from and what changed), the files a visitor downloads (made in memory, never written on
the server) and the charts exported into a folder for a script.

:class:`ScenarioFiles` is mixed into :class:`~estimator.app.dashboard.Dashboard`, whose
widgets (:mod:`estimator.app.frame`) and scenario it uses.
"""

from __future__ import annotations

import html
import io
from datetime import datetime
from pathlib import Path

from estimator.app.controls import Control
from estimator.app.panels import OK, WARN
from estimator.report import charts
from estimator.report.files import slug
from estimator.scenario import Scenario, ScenarioError, get_value, load_scenario, to_toml


class ScenarioFiles:
    """Save, Overwrite, Downloads and :meth:`export` of a
    :class:`~estimator.app.dashboard.Dashboard`."""

    def _hide_overwrite(self) -> None:
        self.overwrite_button.layout.display = "none"

    def save_path(self) -> Path:
        """The file **Save** writes: the typed name, in the save folder (never elsewhere)."""
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
        self._mark_clean()
        self.file_message.value = (f"<span style='color:{OK}'>Saved <b>{html.escape(str(path))}"
                                   "</b>. It is in the scenario list now.</span>")
        self._refresh_picker(self.source)
        return path

    def download_files(self) -> dict[str, bytes]:
        """The files a visitor takes away, from a full run, made in memory (nothing is
        written on the server): ``charts.zip`` (every chart as PNG, SVG and PDF),
        ``brief.pdf``, ``workbook.xlsx`` and the edited scenario (with its sources)."""
        import tempfile
        import zipfile

        from estimator.report.brief import brief_figure
        from estimator.report.workbook import write_workbook

        if self.result is None or self.result.runs < self.full_runs:
            if not self.full_run():
                return {}
        result = self.result
        assert result is not None
        name = slug(result.scenario_name)
        charts_zip = io.BytesIO()
        with zipfile.ZipFile(charts_zip, "w", zipfile.ZIP_DEFLATED) as z:
            for stem, plot in charts.CHARTS.items():
                fig = plot(result).figure
                for fmt in ("png", "svg", "pdf"):
                    buf = io.BytesIO()
                    fig.savefig(buf, format=fmt, dpi=charts.SLIDE_DPI if fmt == "png" else None)
                    z.writestr(f"{name}-charts/{stem}.{fmt}", buf.getvalue())
        brief = io.BytesIO()
        brief_figure(result).savefig(brief, format="pdf")
        # openpyxl writes to a path: a private temporary file, gone when read
        with tempfile.TemporaryDirectory() as tmp:
            book = write_workbook(result, Path(tmp) / "workbook.xlsx").read_bytes()
        scenario = self.edited or self.base
        toml = (saved_header(scenario, self.source, self.controls) + to_toml(scenario)).encode()
        return {f"{name}-charts.zip": charts_zip.getvalue(), f"{name}-brief.pdf": brief.getvalue(),
                f"{name}-workbook.xlsx": book, f"{name}.toml": toml}

    def prepare_downloads(self) -> dict[str, bytes]:
        """Run in full if needed, then show a download link for each file (data URLs: the
        files go to the visitor's browser, never into a folder on the server)."""
        self.downloads_box.value = "<i>Preparing the downloads (a full run)…</i>"
        files = self.download_files()
        self.downloads_box.value = downloads_html(files)
        return files

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


_MIME = {".zip": "application/zip", ".pdf": "application/pdf", ".toml": "application/toml",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def downloads_html(files: dict[str, bytes]) -> str:
    """A link per file that downloads it from the page itself (a base64 data URL)."""
    import base64

    if not files:
        return ""
    links = []
    for name, data in files.items():
        mime = _MIME.get(Path(name).suffix, "application/octet-stream")
        url = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        links.append(f"<a class='sse-download' download='{html.escape(name)}' "
                     f"href='{url}' style='margin-right:14px'>⬇ {html.escape(name)}</a> "
                     f"<small>({len(data) / 1e6:.1f} MB)</small>")
    return "<div style='margin:6px 0'>Download: " + " ".join(links) + "</div>"


def saved_header(scenario: Scenario, source: Path | None, controls: list[Control]) -> str:
    """Comment lines at the top of a saved scenario: where it came from and what changed."""
    lines = [f"# {scenario.scenario.name}: saved from the estimator's dashboard on "
             f"{datetime.now():%Y-%m-%d %H:%M}."]
    if source is not None:
        lines.append(f"# Started from {source.name}; where its numbers come from is in the "
                     "[sources] table below.")
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
