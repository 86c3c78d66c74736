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
