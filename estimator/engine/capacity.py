"""Productive hours of one full-time employee, and the shrinkage that separates them from
the contracted hours.

Contracted hours (``hours_per_week * 52``) lose, in this order: public holidays that fall on
working days, vacation days and sick days (each at ``hours_per_week / days_per_week``);
of the hours at work, training takes ``training_hours_per_week`` of each week worked and
admin (meetings, email) takes ``admin_share`` of the rest.

>>> import numpy as np
>>> h = productive_hours(40, 5, holiday_days=10, vacation_days=np.array([15.0]),
...                      sick_days=np.array([5.0]), training_hours_per_week=np.array([2.0]),
...                      admin_share=np.array([0.1]))
>>> h.contracted, float(h.productive[0]), round(float(h.shrinkage[0]), 4)
(2080.0, 1573.2, 0.2437)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from estimator.engine.calendar import WEEKS


@dataclass(frozen=True)
class ProductiveHours:
    """Where one FTE's contracted hours go, per run (arrays) or as plain numbers."""

    contracted: float
    holidays: float
    vacation: NDArray[np.float64]
    sick: NDArray[np.float64]
    training: NDArray[np.float64]
    admin: NDArray[np.float64]
    productive: NDArray[np.float64]

    @property
    def shrinkage(self) -> NDArray[np.float64]:
        """Share of contracted hours that are not productive."""
        return 1.0 - self.productive / self.contracted

    @property
    def per_week(self) -> NDArray[np.float64]:
        """Productive hours in an average week of the planning year."""
        return self.productive / WEEKS


def productive_hours(
    hours_per_week: float,
    days_per_week: int,
    *,
    holiday_days: int,
    vacation_days: NDArray[np.float64],
    sick_days: NDArray[np.float64],
    training_hours_per_week: NDArray[np.float64],
    admin_share: NDArray[np.float64],
) -> ProductiveHours:
    """Productive hours per FTE for each run's draws of the uncertain capacity inputs."""
    hours_per_day = hours_per_week / days_per_week
    contracted = hours_per_week * WEEKS
    holidays = holiday_days * hours_per_day
    vacation = vacation_days * hours_per_day
    sick = sick_days * hours_per_day
    present = np.maximum(contracted - holidays - vacation - sick, 0.0)
    training = present * np.minimum(training_hours_per_week / hours_per_week, 1.0)
    admin = (present - training) * admin_share
    productive = present - training - admin
    return ProductiveHours(
        contracted=float(contracted),
        holidays=float(holidays),
        vacation=vacation,
        sick=sick,
        training=training,
        admin=admin,
        productive=productive,
    )
