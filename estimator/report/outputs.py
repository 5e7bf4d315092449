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
    ``charts/`` (PNG, SVG, PDF; drawn by ``jobs`` worker processes)."""
    with atomic_dir(out_dir) as tmp:
        write_tables(result, tmp)
        write_job_descriptions(result, tmp / "roles", source=source)
        write_workbook(result, tmp / "workbook.xlsx")
        write_brief(result, tmp / "brief.pdf")
        if charts:
            export_charts(result, tmp / "charts", jobs=jobs)
    return Path(out_dir)
