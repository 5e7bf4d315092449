"""The one error an export can raise: a one-line message naming the file, row or column."""

from __future__ import annotations

from estimator.scenario import ScenarioError


class ExportError(ScenarioError):
    """An export cannot be read or holds a value that cannot be used (CLI exit 2)."""
