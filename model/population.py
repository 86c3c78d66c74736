"""The migrant population: one set of numpy arrays, never a Python object per migrant.

A Mesa Agent costs 600-1,000 bytes, so a world-scale run with a million migrants cannot hold a
million of them. `MigrantSet` owns the state of every migrant as parallel arrays (a
structure of arrays, in the spirit of Mesa's AgentSet and of mesa-frames), every process works
on whole arrays at once, and `Migrant` views (real Mesa agents, see `model.agents`) are handed
out on demand for inspection, tests and the browser app. Nothing about a migrant is stored twice.

Rows are kept in order of a stable id (`uid`), so a view finds its row by binary search even
after removed rows are compacted away. Which arrays a migrant has is declared by the components
that use them (`fields` in `model.components`), so a new mechanism adds its own.
"""

from __future__ import annotations

import numpy as np

# Where a migrant is (the `status` array).
ABROAD = 0      # living in the destination of its corridor
RETURNEE = 1    # back in its origin, followed by the reintegration process

# Skill levels (the `skill` array): tertiary education or not, as in DIOC and IAB data.
LOW, HIGH = 0, 1

class MigrantSet:
    """All migrants of a model as parallel numpy arrays.

    Attributes are the arrays named by `fields` (name -> dtype; the components declare them,
    see `model.catalogue.fields`, among them a stable id `uid`), each of length `n` (views into
    a larger buffer, so adding migrants is amortised O(1)). Processes read and write them in
    place.
    """

    def __init__(self, fields: dict[str, np.dtype], capacity: int = 1024):
        if "uid" not in fields:
            raise ValueError("a migrant set needs a 'uid' field")
        self.dtypes = {name: np.dtype(dtype) for name, dtype in fields.items()}
        self.field_names = frozenset(self.dtypes)
        self._capacity = max(int(capacity), 16)
        self._buf = {k: np.zeros(self._capacity, dtype=dt) for k, dt in self.dtypes.items()}
        self.n = 0
        self._next_uid = 0
        self._bind()

    def _bind(self) -> None:
        for k, arr in self._buf.items():
            setattr(self, k, arr[: self.n])

    def __len__(self) -> int:
        return self.n

    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append migrants; `columns` gives arrays (or scalars) per field, the rest start at zero.

        Returns the index slice of the new rows as an array of row numbers.
        """
        sizes = {np.size(v) for v in columns.values() if np.ndim(v) > 0}
        if len(sizes) > 1:
            raise ValueError(f"columns of different lengths: {sizes}")
        m = sizes.pop() if sizes else 0
        if m == 0:
            return np.arange(self.n, self.n)
        unknown = set(columns) - self.field_names | ({"uid"} & set(columns))
        if unknown:
            raise ValueError(f"cannot set {sorted(unknown)} on new migrants")
        if self.n + m > self._capacity:
            self._grow(self.n + m)
        lo, hi = self.n, self.n + m
        for k, arr in self._buf.items():
            arr[lo:hi] = columns.get(k, 0)
        self._buf["uid"][lo:hi] = np.arange(self._next_uid, self._next_uid + m)
        self._next_uid += m
        self.n = hi
        self._bind()
        return np.arange(lo, hi)

    def _grow(self, needed: int) -> None:
        cap = self._capacity
        while cap < needed:
            cap = int(cap * 1.5) + 16
        for k in self._buf:
            new = np.zeros(cap, dtype=self.dtypes[k])
            new[: self.n] = self._buf[k][: self.n]
            self._buf[k] = new
        self._capacity = cap

    def keep(self, mask: np.ndarray) -> None:
        """Drop every row where `mask` is False (order, and so uid order, is preserved)."""
        rows = np.flatnonzero(mask)
        m = len(rows)
        if m == self.n:
            return
        for k, arr in self._buf.items():
            # take() with integer rows (computed once) is several times faster than masking.
            arr[:m] = arr[: self.n].take(rows)
        self.n = m
        self._bind()

    def row_of(self, uid: int) -> int:
        """Row number of the migrant with stable id `uid`, or -1 if it has left the model."""
        i = int(np.searchsorted(self.uid, uid))
        return i if i < self.n and self.uid[i] == uid else -1

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (the allocated buffer, not only the used part)."""
        return sum(a.nbytes for a in self._buf.values())
