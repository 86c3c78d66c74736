"""Independent random streams, one per process (common random numbers).

Each process draws from its own numpy Generator seeded by `SeedSequence(seed, spawn_key=(id,))`
where the id is a checksum of the process's name, not its position in a list. So adding a draw
to one process, or a new process, never reshuffles the draws of the others, and
"policy minus baseline" with the same seed compares the same people under the same luck
(the practice of Starsim and of common-random-numbers designs).
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """A lazily created Generator per process name, all derived from one seed."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._gens: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._gens.get(name)
        if gen is None:
            key = zlib.crc32(name.encode("utf-8"))
            gen = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(self.seed, spawn_key=(key,))))
            self._gens[name] = gen
        return gen


def bernoulli_candidates(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Rows 0..n-1 at which an independent Bernoulli(p) trial succeeds, drawn by skipping.

    The gaps between successes are geometric, so drawing them costs O(n p) instead of O(n):
    for rare events (job loss, return) only the candidates are touched. Combined with `thin`,
    this samples independent Bernoulli(p_i) events with p_i <= p exactly (thinning of a
    Bernoulli process).
    """
    if p <= 0.0 or n == 0:
        return np.empty(0, dtype=np.intp)
    if p >= 0.1:  # geometric draws cost several uniforms each: draw every row instead
        return np.flatnonzero(rng.random(n) < p)
    out, start = [], 0
    while start < n:
        expected = (n - start) * p
        gaps = rng.geometric(p, size=int(expected + 6.0 * np.sqrt(expected) + 16))
        rows = start - 1 + np.cumsum(gaps)
        out.append(rows[rows < n])
        start = int(rows[-1]) + 1
    return np.concatenate(out).astype(np.intp, copy=False)


def thin(rng: np.random.Generator, rows: np.ndarray, p: np.ndarray, p_max: float) -> np.ndarray:
    """Keep each candidate row with probability p / p_max (p: per candidate, <= p_max)."""
    return rows[rng.random(len(rows)) * p_max < p]
