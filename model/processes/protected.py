"""The migrants under protection, indexed, and their counts by status and corridor.

Refugees, asylum seekers and others in need of protection are a few % of the rows, scattered
among a million: a gather of one of their fields from the population's arrays costs about as
much as the displacement process's own work. The index keeps their rows (ascending), uids, and
copies of the fields only the displacement process changes (status, corridor) or nobody
changes (weight, arrival time), so a step reads them contiguously; only `employed` (the labour
process's) is gathered, once a step, for the counts.

The index follows the population: the rows that `Displacement` protects are appended, the
statuses it ends are dropped, a compaction of the rows (the reintegration process drops
returnees past their follow-up, keeping the others in order) is followed by the uids, and if
the protected counted in `population.protection` are not the index's (a status set by other
code, e.g. a test), the index is rebuilt from one scan. Protected migrants are always abroad:
going home ends the status (`Displacement._go_home`).
"""

from __future__ import annotations

import numpy as np

from model.components import ratio

NONE, ASYLUM, REFUGEE, OIP = 0, 1, 2, 3
INCOME_GROUPS = ("High income", "Upper middle income", "Lower middle income", "Low income")
_FIELDS = ("uid", "status", "corridor", "weight", "arrived")


class ProtectedIndex:
    """Rows of the protected and the copies of their fields (see the module docstring); an
    entry whose status ended keeps status 0 until the index is compacted."""

    def __init__(self):
        self.rows = np.zeros(0, np.int64)
        self.uid = np.zeros(0, np.int64)
        self.status = np.zeros(0, np.int8)
        self.corridor = np.zeros(0, np.intp)
        self.weight = np.zeros(0, np.float32)
        self.arrived = np.zeros(0, np.float64)
        self.version = 0        # changes with every change of the index (the counts' cache key)
        self.rescanned = False  # rebuilt from a scan since the displacement process last looked

    def _fields(self, pop, rows: np.ndarray) -> dict[str, np.ndarray]:
        return {"uid": pop.uid[rows], "status": pop.protection[rows],
                "corridor": pop.corridor[rows].astype(np.intp), "weight": pop.weight[rows],
                "arrived": pop.arrived[rows]}

    def _keep(self, keep: np.ndarray) -> None:
        self.rows = self.rows[keep]
        for name in _FIELDS:
            setattr(self, name, getattr(self, name)[keep])
        self.version += 1

    def sync(self, pop) -> ProtectedIndex:
        """Follow a compaction, drop the statuses that ended, rebuild if the population holds
        other protected rows than the index; returns the index."""
        if len(self.rows) and not (self.rows[-1] < pop.n
                                   and pop.uid[self.rows[-1]] == self.uid[-1]):
            # Rows move only by a compaction, which keeps their order: if the last did not
            # move, none did; else find each by its uid.
            at = np.minimum(np.searchsorted(pop.uid[:pop.n], self.uid), max(pop.n - 1, 0))
            found = pop.uid[at] == self.uid if pop.n else np.zeros(len(self.uid), bool)
            self.rows = at
            self._keep(found)
        # Entries whose status ended stay (status 0, read by nobody) until they are a quarter.
        active = np.count_nonzero(self.status)
        if active < 0.75 * len(self.status):
            self._keep(self.status > 0)
        if active != np.count_nonzero(pop.protection[:pop.n]):
            self.rows = np.flatnonzero(pop.protection[:pop.n]).astype(np.int64)
            for name, values in self._fields(pop, self.rows).items():
                setattr(self, name, values)
            self.version += 1
            self.rescanned = True
        return self

    def append(self, pop, rows: np.ndarray) -> None:
        """Index `rows`, whose `protection` is set: new rows (after every indexed one) are
        appended; others are merged in order."""
        rows = np.asarray(rows, np.int64)
        if len(rows) == 0:
            return
        if len(rows) > 1 and not (rows[1:] > rows[:-1]).all():  # (the flight's ascend)
            rows = np.unique(rows)
        if len(self.rows) and rows[0] <= self.rows[-1]:
            rows = np.union1d(self.rows, rows)
            self.rows = rows
            for name, values in self._fields(pop, rows).items():
                setattr(self, name, values)
        else:
            self.rows = np.concatenate([self.rows, rows])
            for name, values in self._fields(pop, rows).items():
                setattr(self, name, np.concatenate([getattr(self, name), values]))
        self.version += 1

    def set_status(self, pop, at: np.ndarray, status: int) -> None:
        """The index's entries `at` (positions) and their migrants take `status`."""
        pop.protection[self.rows[at]] = status
        self.status[at] = status
        self.version += 1

    def set_corridor(self, at: np.ndarray, corridor: np.ndarray) -> None:
        """The index's copy of the corridor of entries `at` (the population's is set by the
        caller, with the tallies)."""
        self.corridor[at] = corridor
        self.version += 1


def protected_index(model) -> ProtectedIndex:
    """The model's index of the protected, in step with its population."""
    pop = model.migrants
    index = getattr(pop, "protected_index", None)
    if not isinstance(index, ProtectedIndex):
        index = pop.protected_index = ProtectedIndex()
    return index.sync(pop)


def protected_rows(model) -> np.ndarray:
    """The rows of the migrants under protection (`protection` > 0), ascending, as
    `np.flatnonzero(pop.protection)` would find them."""
    index = protected_index(model)
    return index.rows[index.status > 0]


def protected_counts(model) -> tuple[np.ndarray, np.ndarray]:
    """People abroad by protection status and corridor ([4, K]; row 0 the others) and the
    protected employed ([K]), now; kept until the step, the rows or the index change (the
    indicators read them at the step's end)."""
    k, pop = model.corridors, model.migrants
    index = getattr(pop, "protected_index", None)
    key = (model.steps, pop.n, getattr(index, "version", None))
    if getattr(k, "protected_key", None) != key:
        index = protected_index(model)
        key = (model.steps, pop.n, index.version)
        K = len(k.o)
        cell = index.status.astype(np.intp) * K + index.corridor
        k.protected = np.bincount(cell, index.weight, 4 * K).reshape(4, K)
        # (entries whose status ended stay in the index with status 0: not counted)
        k.protected_employed = np.bincount(
            index.corridor, index.weight * (pop.employed[index.rows] & (index.status > 0)), K)
        k.protected_key = key
        k.protected_hosted = k.protected[1:].sum(axis=0)
        k.protected[NONE] = model.tallies.stock() - k.protected_hosted
    return k.protected, k.protected_employed


def protected_hosted(model) -> np.ndarray:
    """The protected abroad per corridor, all three statuses ([K]), now."""
    protected_counts(model)
    return model.corridors.protected_hosted


# ------------------------------------------------------------------ the indicators' measures
def people_of(status: int):
    """The measure of the people abroad in `status` (an indicator)."""
    return lambda model: float(protected_counts(model)[0][status].sum())


def protected_total(model) -> float:
    """Refugees, asylum seekers and others in need of protection abroad, now."""
    return float(protected_hosted(model).sum())


def in_lmic_share(model) -> float:
    """The share of the protected hosted in low- and middle-income countries."""
    k, c = model.corridors, model.countries
    hosted = protected_hosted(model)
    return ratio(float(hosted[~c.high_income[k.d]].sum()), float(hosted.sum()))


def hosted_by_income(group: str):
    """The measure of the protected hosted in countries of income `group` (an indicator)."""
    def measure(model) -> float:
        k, c = model.corridors, model.countries
        masks = getattr(k, "income_masks", None)  # the hosts' groups are fixed for the run
        if masks is None:
            masks = k.income_masks = {g: c.income_group[k.d] == g for g in INCOME_GROUPS}
        return float(protected_hosted(model)[masks[group]].sum())
    return measure


def migrants_per_protected(model) -> float:
    """Migrants abroad per refugee, asylum seeker or other in need of protection."""
    return ratio(float(model.stock_now.sum()), protected_total(model))


def employment_rate(model) -> float:
    """The share of the protected who are employed."""
    return ratio(float(protected_counts(model)[1].sum()), protected_total(model))
