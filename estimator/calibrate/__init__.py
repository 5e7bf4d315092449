"""Scenario inputs from a user's own exports (``estimator calibrate``).

Layers: this package reads files and estimates; it imports :mod:`estimator.scenario` only
(scenario -> calibrate -> engine -> batch -> report -> app).
"""

from estimator.calibrate.backtest import BackTest, back_test
from estimator.calibrate.calibration import Calibration, Options, calibrate, read_files
from estimator.calibrate.errors import ExportError
from estimator.calibrate.fragment import fragment_text, write_fragment

__all__ = [
    "BackTest",
    "Calibration",
    "ExportError",
    "Options",
    "back_test",
    "calibrate",
    "fragment_text",
    "read_files",
    "write_fragment",
]
