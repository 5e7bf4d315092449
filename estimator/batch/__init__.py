"""Many scenarios at once: compare them with common random numbers, or sweep a grid of fields.

The unit of work is the engine's own :func:`~estimator.engine.chunk.simulate_chunk` (a whole
number of 32-run blocks of one scenario). All chunks of all scenarios of a batch go to one
pool: this process (``jobs=1``), ``jobs`` worker processes, or an existing Dask cluster
(``scheduler=ADDRESS``, needs the ``dask`` extra). Random numbers are keyed by input and by
block, never by worker, so every way of running a batch gives the same numbers as
:func:`estimator.simulate` run scenario by scenario with the same seed; and two scenarios run
with one seed share their random numbers (common random numbers), so the difference between
them, run by run, is the effect of what differs and not sampling noise.

>>> from estimator import load_scenario, with_values
>>> from estimator.batch import compare, sweep
>>> base = load_scenario("tests/data/model_example.toml")
>>> c = compare([base, with_values(base, {"coverage.weekends": ""})], runs=64, seed=1)
>>> c.difference(1).shape
(64,)
>>> s = sweep(base, {"channels.0.per_day": [40, 80]}, runs=64, seed=1)
>>> [p.values for p in s]
[{'channels.0.per_day': 40}, {'channels.0.per_day': 80}]

Nothing here draws or writes: :mod:`estimator.report.batch_charts` plots a comparison or a sweep and
:mod:`estimator.report.batch_files` writes their folders.
"""


from estimator.batch.compare import Comparison, compare
from estimator.batch.entries import (
    Entry,
    Problem,
    as_problem,
    check_entry,
    load_batch,
    simulate_many,
)
from estimator.batch.sweep import (
    Sweep,
    SweepPoint,
    format_value,
    grid,
    parse_value,
    parse_vary,
    run_points,
    sweep,
    sweep_points,
)

__all__ = [
    "Comparison",
    "Entry",
    "Problem",
    "Sweep",
    "SweepPoint",
    "as_problem",
    "check_entry",
    "compare",
    "format_value",
    "grid",
    "load_batch",
    "parse_value",
    "parse_vary",
    "run_points",
    "simulate_many",
    "sweep",
    "sweep_points",
]
