"""The base of every table of the scenario file (``[capacity]``, ``[[channels]]``...)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    # strict: a quoted "5" is not the number 5; frozen: a scenario never changes once read
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
