"""The set-up step that compiles the engine's kernels (make setup)."""

from __future__ import annotations

import numba

from estimator.engine import queue_kernel
from estimator.engine.warm import main
from tests.conftest import EXAMPLE


def test_warm_up_compiles_the_queue_model_and_says_so(capsys):
    assert main([str(EXAMPLE)]) == 0
    assert "engine compiled and cached" in capsys.readouterr().out
    # the kernels were compiled for the argument types the engine passes them
    for kernel in (queue_kernel.queue_arrivals, queue_kernel.on_time_by_run):
        assert isinstance(kernel, numba.core.registry.CPUDispatcher)
        assert kernel.signatures, f"{kernel.__name__} was never compiled"
