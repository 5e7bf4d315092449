"""A queue's messages by hour, kept separable by day.

Channel j's messages in hour h of day d of a run are ``day[j, run, d] x
profiles[profile[j], hour of the week] x (1 + surge[run, h])``: its day's messages / 24, its
hour-of-week weight and the crisis surge (volumes.hourly's float32 steps, then the surge's).
Kept so, the count of a channel's messages on target is a sum over its 364 days of the day's
messages times the day's shares on target, weighted once per profile and target
(queue_kernel._day_shares), and the (channels x runs x hours) array of messages is never
made: it was the engine's largest, 36 MB a chunk for enterprise.toml, written once and read
at every judgement of the queue model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import DAYS, HOURS

FLOAT = np.float32


@dataclass
class Arrivals:
    """The messages of one queue's channels, for a chunk of runs."""

    day: NDArray[np.float32]  # (channels, runs, days) messages a day / 24
    profile: NDArray[np.int64]  # (channels,) each channel's row of ``profiles``
    profiles: NDArray[np.float32]  # (profiles, 168) hour-of-week weights
    surge: NDArray[np.float32] | None  # (runs, hours) crisis surge, or None

    @property
    def runs(self) -> int:
        return self.day.shape[1]

    def kernel_args(self) -> tuple[NDArray, ...]:
        """What the compiled queue model reads: no surge is a (1, 1) array of zeros."""
        surge = np.zeros((1, 1), FLOAT) if self.surge is None else self.surge
        return self.day, self.profile, self.profiles, surge

    def hourly(self) -> NDArray[np.float32]:
        """(channels, runs, hours) the messages by hour, in the engine's float32 steps (for
        the numpy statement of the queue model, the reference in tests)."""
        by_day = np.tile(self.profiles.reshape(-1, 7, 24), (1, DAYS // 7, 1))  # (p, days, 24)
        out = self.day[:, :, :, None] * by_day[self.profile][:, None]
        out = out.reshape(len(self.profile), self.runs, HOURS)
        if self.surge is not None:
            out *= FLOAT(1.0) + self.surge
        return out

    def subset(self, rows: NDArray[np.int64]) -> Arrivals:
        """The same channels for some of the runs."""
        return Arrivals(day=np.ascontiguousarray(self.day[:, rows]), profile=self.profile,
                        profiles=self.profiles,
                        surge=None if self.surge is None else self.surge[rows])


__all__ = ["Arrivals"]
