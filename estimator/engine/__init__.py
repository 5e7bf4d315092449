"""Computation only: the calendar, capacity, queueing, random streams, the compiled model,
volumes, crises, the queue model, the chunk of runs, the one runner and the result.

Nothing here imports matplotlib or ipywidgets, or anything from ``batch``, ``report`` or
``app``.
"""

from estimator.engine.result import Result
from estimator.engine.runner import simulate

__all__ = ["Result", "simulate"]
