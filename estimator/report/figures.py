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


#: zlib level of the PNGs and of the PDFs' streams: 1 writes a slide-sized chart's PNG in
#: half the time of level 3 and its PDF (fonts embedded) in 0.6 s instead of 1.1, for files
#: about 2% larger (the pixels and the drawing are the same).
PNG_COMPRESS_LEVEL = 1
PDF_COMPRESSION = 1


def save_figure(fig: Any, stem: Path, formats: Sequence[str] = CHART_FORMATS,
                title: str = "") -> list[Path]:
    """Save ``fig`` as ``stem.png`` (300 dpi), ``stem.svg`` and ``stem.pdf``.

    The figure's layout is computed once and kept for every format: constrained layout
    otherwise runs again, with a dry draw, for each file.
    """
    import matplotlib as mpl

    from estimator._version import __version__
    from estimator.report.charts import SLIDE_DPI, style

    software = f"social-staffing-estimator {__version__}"
    meta = {"png": {"Software": software, "Title": title},
            "svg": {"Creator": software, "Title": title},
            "pdf": {"Creator": software, "Title": title}}
    extra: dict[str, dict[str, Any]] = {
        "png": {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}}
    written = []
    with mpl.rc_context({**style(), "pdf.compression": PDF_COMPRESSION}):
        engine = fig.get_layout_engine()
        if engine is not None:
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        try:
            for fmt in _check_formats(formats):
                path = stem.with_name(f"{stem.name}.{fmt}")
                fig.savefig(path, format=fmt, dpi=SLIDE_DPI, metadata=meta[fmt],
                            **extra.get(fmt, {}))
                written.append(path)
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
    return written


#: What the worker processes of :func:`export_charts` draw from: set before they fork, so
#: that a large result is shared, not pickled.
_JOB: dict[str, Any] = {}


def _tasks(results: list[Result], stage: Path) -> list[tuple[Any, str, Path]]:
    """(what to draw, chart name, file stem) for every chart of the set."""
    from estimator.report import charts

    tasks: list[tuple[Any, str, Path]] = []
    if len(results) > 1:
        tasks += [("comparison", measure, stage / name)
                  for measure, name in (("fte", "comparison"), ("cost", "comparison_cost"))]
        subfolders = [stage / f"{i + 1:02d}-{slug(r.scenario_name)}"
                      for i, r in enumerate(results)]
    else:
        subfolders = [stage]
    for i, folder in enumerate(subfolders):
        folder.mkdir(exist_ok=True)
        tasks += [(i, name, folder / name) for name in charts.CHARTS]
    return tasks


def _draw(task: tuple[Any, str, Path]) -> list[Path]:
    """Draw one chart of the set in :data:`_JOB` and save it in each format."""
    from estimator.report import charts

    which, name, stem = task
    results, formats = _JOB["results"], _JOB["formats"]
    if which == "comparison":
        ax = charts.plot_comparison(results, measure=name)
    else:
        ax = charts.CHARTS[name](results[which])
    return save_figure(ax.figure, stem, formats, ax.get_title(loc="left"))


def _draw_all(tasks: list[tuple[Any, str, Path]], jobs: int) -> list[Path]:
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in _start_methods():
        return [path for task in tasks for path in _draw(task)]
    import multiprocessing

    # fork: the workers see the results without pickling them; each task is one chart
    with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks))) as pool:
        drawn = pool.map(_draw, tasks, chunksize=1)
    return [path for paths in drawn for path in paths]


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def export_charts(results_or_result: Result | Sequence[Result], folder: str | Path,
                  formats: Sequence[str] = CHART_FORMATS, *, jobs: int = 1) -> list[Path]:
    """Every chart of :data:`estimator.report.charts.CHARTS` as PNG (300 dpi, 16:9 slide),
    SVG and PDF in ``folder``; for several results, ``comparison`` and ``comparison_cost``
    too, and each result's charts in a subfolder ``NN-scenario-name``.

    Each chart is drawn once and saved in each format; with ``jobs`` > 1, charts are drawn
    by that many forked worker processes at once (a command line's choice: a Jupyter kernel
    should not fork). All charts are drawn into a temporary folder first: if one fails, no
    file in ``folder`` is created or replaced. Returns the paths written.
    """
    fmts = _check_formats(formats)
    results = ([results_or_result] if isinstance(results_or_result, Result)
               else list(results_or_result))
    if not results:
        raise ValueError("export_charts: expected a result, got none")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".charts.", suffix=".partial", dir=folder))
    _JOB.update(results=results, formats=fmts)
    try:
        drawn = _draw_all(_tasks(results, stage), jobs)
        out = []
        for path in drawn:
            final = folder / path.relative_to(stage)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            out.append(final)
    finally:
        _JOB.clear()
        shutil.rmtree(stage, ignore_errors=True)
    return out
