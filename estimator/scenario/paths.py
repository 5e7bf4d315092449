"""Where the shipped data lives: scenarios, arrival profiles and sample exports."""

from __future__ import annotations

import os
from pathlib import Path

#: The shipped data folder (``scenarios/``, ``profiles/``, ``samples/``); the environment
#: variable ESTIMATOR_DATA points it elsewhere.
DATA_DIR = Path(
    os.environ.get("ESTIMATOR_DATA", Path(__file__).resolve().parents[2] / "data")
)
