"""A batch from Python: compare the shipped scenarios, then sweep weekend coverage.

    python scripts/batch_example.py OUT_DIR [--runs 2000] [--seed 1] [--jobs 2]

Writes ``OUT_DIR/compare`` (every scenario side by side, with its run-by-run difference
from the first) and ``OUT_DIR/sweep`` (the university with four weekend watches), each with
its tables, chart and ``manifest.json``. The same as::

    estimator compare data/scenarios/*.toml --out OUT_DIR/compare
    estimator sweep data/scenarios/university.toml \\
        --vary "coverage.weekends=,10:00-14:00,09:00-17:00,08:00-20:00" --out OUT_DIR/sweep
"""

from __future__ import annotations

import argparse
from pathlib import Path

from estimator.batch import compare, sweep
from estimator.report.batch_files import write_comparison, write_sweep

SCENARIOS = Path(__file__).resolve().parent.parent / "data" / "scenarios"
WEEKENDS = ["", "10:00-14:00", "09:00-17:00", "08:00-20:00"]  # "" = no weekend watch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write compare/ and sweep/ into")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args(argv)
    options = dict(runs=args.runs, seed=args.seed, jobs=args.jobs)

    base = SCENARIOS / "university.toml"
    files = sorted(SCENARIOS.glob("*.toml"), key=lambda p: (p != base, p.name))  # base first
    comparison = compare(files, **options)
    rows = comparison.summary()["scenarios"]
    width = max(len(row["label"]) for row in rows)
    print(f"{'scenario':<{width}} {'FTE P50':>8} {'FTE P90':>8}  FTE minus the first, P10 to P90")
    for row in rows:
        fte, diff = row["fte_total"], row["difference"]
        spread = (f"{diff['fte_total']['p10']:+.2f} to {diff['fte_total']['p90']:+.2f}"
                  if diff else "(the first)")
        print(f"{row['label']:<{width}} {fte['p50']:8.2f} {fte['p90']:8.2f}  {spread}")
    write_comparison(comparison, args.out / "compare")

    grid = sweep(files[0], {"coverage.weekends": WEEKENDS}, **options)
    print()
    for row in grid.table():
        print(f"weekends {row['coverage.weekends']:<12} FTE P50 {row['fte_p50']:5.2f}  "
              f"P90 {row['fte_p90']:5.2f}  ({row['diff_fte_mean']:+.2f} vs no weekend watch)")
    write_sweep(grid, args.out / "sweep")
    print(f"\nWritten to {args.out}/compare and {args.out}/sweep")


if __name__ == "__main__":
    main()
