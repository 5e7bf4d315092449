"""The documented import path of the Erlang C function
(``from estimator.queueing import erlang_c_agents``); the code lives in
:mod:`estimator.engine.queueing`."""

from estimator.engine.queueing import (
    StaffingTable,
    achieved_service_level,
    erlang_c_agents,
    erlang_c_wait_probability,
)

__all__ = [
    "StaffingTable",
    "achieved_service_level",
    "erlang_c_agents",
    "erlang_c_wait_probability",
]
