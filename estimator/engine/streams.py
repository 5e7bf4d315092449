"""Random streams keyed by what they are for, so results do not depend on how runs are cut.

Every stream comes from ``numpy.random.SeedSequence(seed, spawn_key=...)``, never from
global state or ``seed + i``:

- a per-run scalar (an uncertain planning assumption) has one stream per *input*, keyed by
  what the input is, never by where it sits in the file: a channel by its platform and kind
  (``channel:instagram/comments:volume``), a content format by its name
  (``content:photo post:per_week``), recurring work by its task and role
  (``work:analytics/community_manager``). Run ``i`` takes the ``i``-th uniform number of
  the stream. Two scenarios that share an input therefore share its uniforms (common random
  numbers), whatever else they add, remove or reorder; only true duplicates (two channels
  with the same platform and kind) get an occurrence number, ``#2`` for the second
  (:func:`identity_keys`);
- day-by-day noise and crises are drawn per *block* of :data:`BLOCK_RUNS` runs, keyed by the
  block's index and the input's name (each channel's own day factor by the channel's key,
  the day factor all channels share by :data:`SHARED_DAY_KEY`). A chunk of runs is a whole
  number of blocks, so the chunk size and the number of worker processes never change a
  number.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

#: Runs that share one block of day-level and crisis random numbers.
BLOCK_RUNS = 32

#: The stream of the day factor that all channels share (busy days come to all at once).
SHARED_DAY_KEY = "engagement:shared_day"

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


def identity(*parts: str) -> str:
    """A key part from what an input is: trimmed and case-folded, so that ``Instagram`` and
    ``instagram `` are the same channel.

    >>> identity("Instagram", "Comments")
    'instagram/comments'
    """
    return "/".join(" ".join(p.split()).casefold() for p in parts)


def identity_keys(identities: list[str]) -> list[str]:
    """The keys of inputs named by identity, an occurrence number added only to duplicates.

    The first input with a given identity keeps it as its key; a second one with the same
    identity gets ``#2``, a third ``#3``. Inserting an input with a new identity anywhere
    leaves every other key unchanged.

    >>> identity_keys(["channel:x/dms", "channel:fb/comments", "channel:x/dms"])
    ['channel:x/dms', 'channel:fb/comments', 'channel:x/dms#2']
    """
    seen: dict[str, int] = {}
    out = []
    for ident in identities:
        seen[ident] = seen.get(ident, 0) + 1
        out.append(ident if seen[ident] == 1 else f"{ident}#{seen[ident]}")
    return out
