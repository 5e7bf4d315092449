"""What ``estimator run --out DIR`` writes, as one atomic folder::

    summary.json  summary.csv  by_role.csv  hours_by_kind.csv  weekly.csv
    assumptions.csv  runs.csv  scenario.toml
    workbook.xlsx     the same tables for a spreadsheet
    brief.pdf         one A4 page for a budget meeting (a second: today's week)
    roles/ROLE.md     a job-description draft per role
    charts/NAME.png|svg|pdf   every chart (PNG at 300 dpi on a 16:9 slide)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from estimator.engine.result import Result
from estimator.report.brief import write_brief
from estimator.report.figures import export_charts
from estimator.report.files import atomic_dir
from estimator.report.job_description import write_job_descriptions
from estimator.report.tables import write_tables
from estimator.report.workbook import write_workbook


def write_run_outputs(result: Result, out_dir: str | Path, *, charts: bool = True,
                      jobs: int = 1, source: str | Path | None = None) -> Path:
    """Everything ``estimator run --out DIR`` writes, atomically: the tables (JSON, CSV),
    ``workbook.xlsx``, ``brief.pdf``, ``roles/<role>.md`` (a job-description draft per role;
    ``source``, the scenario file, gives each number's source) and, with ``charts``,
    ``charts/`` (PNG, SVG, PDF; drawn by ``jobs`` worker processes). With ``jobs`` > 1 the
    brief is drawn by a worker process of its own while the rest is written."""
    with atomic_dir(out_dir) as tmp:
        result.summary()  # once, before any worker forks: every file reads the same one
        brief = _brief_in_worker(result, tmp / "brief.pdf") if jobs > 1 else None
        if brief is None:
            write_brief(result, tmp / "brief.pdf")
        try:
            write_tables(result, tmp)
            write_job_descriptions(result, tmp / "roles", source=source)
            write_workbook(result, tmp / "workbook.xlsx")
            if charts:
                export_charts(result, tmp / "charts", jobs=jobs)
        finally:
            if brief is not None:
                pool, future = brief
                try:
                    future.result()  # re-raises the worker's error, if any
                finally:
                    pool.shutdown()
    return Path(out_dir)


#: What the brief's worker process draws: set before it forks, so that a large result is
#: shared, not pickled.
_BRIEF: dict[str, Any] = {}


def _write_brief_job() -> None:
    write_brief(_BRIEF["result"], _BRIEF["path"])


def _brief_in_worker(result: Result, path: Path) -> tuple[Any, Any] | None:
    """(pool, future) of the brief written by a forked worker; None where fork is missing."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    _BRIEF.update(result=result, path=path)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        future = pool.submit(_write_brief_job)
    finally:
        # the worker forks on submit and keeps its own copy; the parent lets go of its one
        _BRIEF.clear()
    return pool, future
