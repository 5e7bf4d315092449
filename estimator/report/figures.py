"""Every chart saved as a file (PNG at 300 dpi on a 16:9 slide, SVG, PDF), drawn into a
temporary folder first so that a failure replaces nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from estimator.engine.result import Result
from estimator.report.files import slug

#: The chart file formats :func:`export_charts` writes.
CHART_FORMATS = ("png", "svg", "pdf")





def _check_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    out = tuple(f.lower().lstrip(".") for f in formats)
    bad = [f for f in out if f not in CHART_FORMATS]
    if bad or not out:
        raise ValueError(f"formats: expected some of {', '.join(CHART_FORMATS)}, got "
                         f"{', '.join(bad) or 'none'}")
    return out


def save_figure(fig: Any, stem: Path, formats: Sequence[str] = CHART_FORMATS,
                title: str = "") -> list[Path]:
    """Save ``fig`` as ``stem.png`` (300 dpi), ``stem.svg`` and ``stem.pdf``."""
    import matplotlib as mpl

    from estimator._version import __version__
    from estimator.report.charts import SLIDE_DPI, style

    software = f"social-staffing-estimator {__version__}"
    meta = {"png": {"Software": software, "Title": title},
            "svg": {"Creator": software, "Title": title},
            "pdf": {"Creator": software, "Title": title}}
    written = []
    with mpl.rc_context(style()):
        for fmt in _check_formats(formats):
            path = stem.with_name(f"{stem.name}.{fmt}")
            fig.savefig(path, format=fmt, dpi=SLIDE_DPI, metadata=meta[fmt])
            written.append(path)
    return written


def _draw_set(results: list[Result], stage: Path, formats: tuple[str, ...]) -> list[Path]:
    from estimator.report import charts

    written: list[Path] = []
    if len(results) > 1:
        for measure, name in (("fte", "comparison"), ("cost", "comparison_cost")):
            ax = charts.plot_comparison(results, measure=measure)
            written += save_figure(ax.figure, stage / name, formats, ax.get_title(loc="left"))
        subfolders = [stage / f"{i + 1:02d}-{slug(r.scenario_name)}"
                      for i, r in enumerate(results)]
    else:
        subfolders = [stage]
    for result, folder in zip(results, subfolders, strict=True):
        folder.mkdir(exist_ok=True)
        for name, plot in charts.CHARTS.items():
            ax = plot(result)
            written += save_figure(ax.figure, folder / name, formats, ax.get_title(loc="left"))
    return written


def export_charts(results_or_result: Result | Sequence[Result], folder: str | Path,
                  formats: Sequence[str] = CHART_FORMATS) -> list[Path]:
    """Every chart of :data:`estimator.charts.CHARTS` as PNG (300 dpi, 16:9 slide), SVG and
    PDF in ``folder``; for several results, ``comparison`` and ``comparison_cost`` too, and
    each result's charts in a subfolder ``NN-scenario-name``.

    All charts are drawn into a temporary folder first: if one fails, no file in ``folder``
    is created or replaced. Returns the paths written.
    """
    fmts = _check_formats(formats)
    results = ([results_or_result] if isinstance(results_or_result, Result)
               else list(results_or_result))
    if not results:
        raise ValueError("export_charts: expected a result, got none")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".charts.", suffix=".partial", dir=folder))
    try:
        drawn = _draw_set(results, stage, fmts)
        out = []
        for path in drawn:
            final = folder / path.relative_to(stage)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            out.append(final)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out


