"""Doctests in estimator/ use paths relative to the project, wherever pytest starts."""

import os
from pathlib import Path

os.chdir(Path(__file__).resolve().parent)
