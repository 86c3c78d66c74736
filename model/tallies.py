"""People counted by state, kept up to date as migrants change state (event-driven bookkeeping).

Most migrants do not change state in a given quarter: about 4% lose a job, 2% return, and so on.
So instead of passing over every migrant each step to count who is where, the model keeps these
counts and updates them only for the rows that change: a process wraps each change in

    with model.tallies.changing(rows):
        pop.employed[rows] = False

which takes the rows out of the counts before the change and puts them back after it. `recount()`
rebuilds every count from the arrays (at the start, and in tests, which check that the kept
counts equal a recount).

Three tables:
- `corridor` [16, K]: people abroad per cell (employed, job at skill, regular, bank account)
  and corridor, which gives stocks, employment and the base of remittances by channel (cells
  first, so that each cell is one contiguous row: per-cell sums are then fast vector adds);
- `tertiary` [4, K]: tertiary-educated people abroad per corridor by work (not employed, in a
  job at their skill, -, in a job below it), for the stock by skill and brain waste per corridor;
- `state` [128]: people in each combination of seven yes/no states (abroad, tertiary-educated,
  employed, job at skill, irregular, reintegrated, credentials recognised), which gives the
  headline shares.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from model.population import ABROAD, HIGH

# Bits of the corridor cell.
EMPLOYED, AT_SKILL, REGULAR, ACCOUNT = 8, 4, 2, 1
# Bits of the state code.
(S_ABROAD, S_HIGH, S_EMPLOYED, S_MATCHED, S_IRREGULAR, S_REINTEGRATED,
 S_RECOGNISED) = (1 << i for i in range(7))
N_STATES = 128
_CODES = np.arange(N_STATES)
_MASKS: dict[tuple[int, int], np.ndarray] = {}  # (on, off) -> the state codes that match


# The per-migrant arrays the counts depend on.
COUNTED = ("status", "weight", "corridor", "employed", "skill", "matched", "regular",
           "has_account", "reintegrated", "recognised")


def job_cell(pop, rows) -> np.ndarray:
    """The earnings cell 0..3 of a migrant's job: 2 x (job at tertiary level) + regular status."""
    return ((pop.skill[rows] == HIGH) & pop.matched[rows]) * np.intp(2) + pop.regular[rows]


def _gather(pop, rows: np.ndarray, names) -> dict[str, np.ndarray]:
    return {name: getattr(pop, name)[rows] for name in names}


def _corridor_index(v: dict, n_corridors: int) -> np.ndarray:
    """Flat index cell x K + corridor; cell = employed, job at skill, regular, bank account."""
    job = ((v["skill"] == HIGH) & v["matched"]) * np.intp(AT_SKILL // REGULAR) + v["regular"]
    cell = v["employed"] * np.intp(EMPLOYED) + job * np.intp(REGULAR) + v["has_account"]
    return cell * np.intp(n_corridors) + v["corridor"]


def _tertiary_index(v: dict, n_corridors: int) -> np.ndarray:
    """Flat index work x K + corridor: 0 not employed, 1 job at skill, 3 job below skill."""
    work = v["employed"] * (np.intp(1) + np.intp(2) * ~v["matched"])
    return work * np.intp(n_corridors) + v["corridor"]


def _state_code(v: dict) -> np.ndarray:
    """State code 0..127 (see the S_ bits)."""
    code = (v["status"] == ABROAD).astype(np.intp)
    for bit, flag in ((S_HIGH, v["skill"] == HIGH), (S_EMPLOYED, v["employed"]),
                      (S_MATCHED, v["matched"]), (S_IRREGULAR, ~v["regular"]),
                      (S_REINTEGRATED, v["reintegrated"]), (S_RECOGNISED, v["recognised"])):
        code |= flag * np.intp(bit)
    return code


class Tallies:
    """People per corridor cell (abroad) and per state code (everyone), kept by events."""

    def __init__(self, n_corridors: int):
        self.corridor = np.zeros((16, n_corridors))
        self.tertiary = np.zeros((4, n_corridors))
        self.state = np.zeros(N_STATES)

    def _apply(self, v: dict, sign: float) -> None:
        if len(v["weight"]) == 0:
            return
        w = v["weight"].astype(np.float64) * sign  # same dtype as the counts: add.at's fast path
        abroad = v["status"] == ABROAD
        index = _corridor_index(v, self.corridor.shape[1])
        np.add.at(self.corridor.reshape(-1), index[abroad], w[abroad])
        high = abroad & (v["skill"] == HIGH)
        if high.any():
            np.add.at(self.tertiary.reshape(-1), _tertiary_index(v, self.corridor.shape[1])[high],
                      w[high])
        self.state += np.bincount(_state_code(v), w, N_STATES)

    def add(self, pop, rows: np.ndarray) -> None:
        """Count `rows` (new migrants)."""
        self._apply(_gather(pop, np.asarray(rows), COUNTED), 1.0)

    def remove(self, pop, rows: np.ndarray) -> None:
        """Stop counting `rows`."""
        self._apply(_gather(pop, np.asarray(rows), COUNTED), -1.0)

    @contextmanager
    def changing(self, pop, rows: np.ndarray, fields=COUNTED):
        """Wrap a change of `fields` of `rows` so the counts follow it: the rows are counted out
        before the change and back in after it (naming the changed fields saves gathers)."""
        rows = np.asarray(rows)
        v = _gather(pop, rows, COUNTED)
        self._apply(v, -1.0)
        yield rows
        v.update(_gather(pop, rows, [f for f in fields if f in COUNTED]))
        self._apply(v, 1.0)

    def recount(self, pop) -> None:
        """Rebuild every count from the arrays (one full pass)."""
        self.corridor[:] = 0.0
        self.tertiary[:] = 0.0
        self.state[:] = 0.0
        self.add(pop, np.arange(pop.n))

    # ---------------------------------------------------------------- reading the counts
    def stock(self) -> np.ndarray:
        """People abroad per corridor."""
        return self.corridor.sum(axis=0)

    def tertiary_by_work(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tertiary-educated people abroad per corridor: all, employed, employed below skill."""
        t = self.tertiary
        return t.sum(axis=0), t[1] + t[3], t[3].copy()

    def employed(self) -> np.ndarray:
        """Employed people abroad per corridor."""
        return self.corridor[EMPLOYED:].sum(axis=0)

    def banked(self) -> np.ndarray:
        """People abroad with a bank account per corridor (cells with the ACCOUNT bit)."""
        return self.corridor[ACCOUNT::2].sum(axis=0)

    def regular(self) -> np.ndarray:
        """Regular migrants abroad per corridor (cells with the REGULAR bit)."""
        return self.corridor[[cell for cell in range(16) if cell & REGULAR]].sum(axis=0)

    def employed_by_job(self) -> np.ndarray:
        """Employed people abroad per job cell (0..3, see `job_cell`) and bank account ([4, 2, K])."""
        return self.corridor[EMPLOYED:].reshape(4, 2, -1)

    def people(self, on: int = 0, off: int = 0) -> float:
        """People whose state code has every bit of `on` set and every bit of `off` clear."""
        mask = _MASKS.get((on, off))
        if mask is None:  # a handful of combinations, asked for every step
            mask = _MASKS[on, off] = np.flatnonzero(((_CODES & on) == on) & ((_CODES & off) == 0))
        return float(self.state[mask].sum())
