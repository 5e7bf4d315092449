"""Random streams keyed by what they are for, so results do not depend on how runs are cut.

Every stream comes from ``numpy.random.SeedSequence(seed, spawn_key=...)``, never from
global state or ``seed + i``:

- a per-run scalar (an uncertain planning assumption) has one stream per *input*, keyed by
  the input's name (``channel:Instagram/comments:per_day``), from which run ``i`` takes the
  ``i``-th uniform number. Two scenarios that share an input therefore share its uniforms
  (common random numbers), whatever else they add or remove;
- day-by-day noise and crises are drawn per *block* of :data:`BLOCK_RUNS` runs, keyed by the
  block's index and the input's name. A chunk of runs is a whole number of blocks, so the
  chunk size and the number of worker processes never change a number.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

#: Runs that share one block of day-level and crisis random numbers.
BLOCK_RUNS = 32

_SCALAR_TAG = 1
_BLOCK_TAG = 2


def _key_hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def scalar_uniforms(seed: int, key: str, runs: int) -> NDArray[np.float64]:
    """``runs`` uniform numbers in (0, 1) for the input named ``key``; a prefix never changes."""
    ss = np.random.SeedSequence(seed, spawn_key=(_SCALAR_TAG, _key_hash(key)))
    u = np.random.Generator(np.random.PCG64(ss)).random(runs)
    return np.clip(u, 1e-12, 1 - 1e-12)


def block_generator(seed: int, key: str, block: int) -> np.random.Generator:
    """The generator of block ``block`` for the input named ``key``."""
    ss = np.random.SeedSequence(seed, spawn_key=(_BLOCK_TAG, _key_hash(key), block))
    return np.random.Generator(np.random.PCG64(ss))
