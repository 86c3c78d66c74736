"""The model's agents: countries (ordinary Mesa agents) and migrants (Mesa views on arrays).

Countries are few (55 in the default world, 218 in the global one), so each is a real
`mesa.Agent`; its changing state (wages, unemployment, stocks) is read from the model's country
arrays, which the vectorised processes update, so nothing is stored twice.

Migrants are many (up to millions), so their state lives in `model.population.MigrantSet` and a
`Migrant` is a view on one row, created on demand by `MigrationModel.migrant(uid)`.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np

from model.population import ABROAD, HIGH


class Country(mesa.Agent):
    """A country: origin of emigrants, destination of immigrants, or both.

    Attributes:
        index: position in the model's country arrays.
        iso3, name, region, income_group: identity (World Bank classification).
    """

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index
        c = model.countries
        self.iso3 = str(c.iso3[index])
        self.name = str(c.name[index])
        self.region = str(c.region[index])
        self.income_group = str(c.income_group[index])

    @property
    def population(self) -> float:
        """Population (people)."""
        return float(self.model.countries.population[self.index])

    @property
    def wages(self) -> tuple[float, float]:
        """Monthly wages (USD) for low- and high-skill jobs now."""
        c = self.model.countries
        return float(c.wage_low[self.index]), float(c.wage_high[self.index])

    @property
    def unemployment(self) -> float:
        """Native unemployment rate (fraction)."""
        return float(self.model.countries.unemployment[self.index])

    @property
    def emigrants(self) -> float:
        """People born here living abroad in the model now."""
        k = self.model.corridors
        return float(self.model.stock_by_corridor()[k.o == self.index].sum())

    @property
    def immigrants(self) -> float:
        """Migrants living here now."""
        k = self.model.corridors
        return float(self.model.stock_by_corridor()[k.d == self.index].sum())

    def __repr__(self) -> str:
        return f"Country({self.iso3})"


class Migrant(mesa.Agent):
    """One migrant agent, standing for `weight` people with the same state.

    What a migrant is: born in its corridor's origin, living in its destination (or back home as
    a returnee), low- or high-skilled, with or without recognised credentials, employed or not,
    in a job at its skill or below it (brain waste), regular or irregular, banked or not; it
    earns, saves, repays its recruitment debt, remits, and may return.

    What a migrant does each step is written once, vectorised over all migrants, in
    `model.processes` (labour, earnings, remittances, returns, reintegration); this class reads
    the migrant's row of the arrays, so it always shows the current state. Create views with
    `model.migrant(uid)`; `remove()` a view when done with it (a view is a registered Mesa
    agent; the migrant itself stays in the arrays).
    """

    def __init__(self, model, uid: int):
        super().__init__(model)
        self.uid = int(uid)

    def _row(self) -> int:
        row = self.model.migrants.row_of(self.uid)
        if row < 0:
            raise LookupError(f"migrant {self.uid} has left the model")
        return row

    def _get(self, field: str):
        return getattr(self.model.migrants, field)[self._row()]

    @property
    def origin(self) -> str:
        """ISO3 code of the country of birth."""
        return str(self.model.countries.iso3[self.model.corridors.o[self._get("corridor")]])

    @property
    def destination(self) -> str:
        """ISO3 code of the country the migrant went to."""
        return str(self.model.countries.iso3[self.model.corridors.d[self._get("corridor")]])

    @property
    def location(self) -> str:
        """Where the migrant lives now: its destination, or its origin after return."""
        return self.destination if self._get("status") == ABROAD else self.origin

    @property
    def weight(self) -> float:
        """People this agent stands for."""
        return float(self._get("weight"))

    @property
    def skilled(self) -> bool:
        """Tertiary-educated."""
        return bool(self._get("skill") == HIGH)

    @property
    def brain_waste(self) -> bool:
        """A skilled migrant employed in a job below its skill."""
        return self.skilled and bool(self._get("employed")) and not bool(self._get("matched"))

    @property
    def years_abroad(self) -> float:
        """Years spent abroad so far (until return, for a returnee)."""
        end = self.model.now() if self._get("status") == ABROAD else self._get("returned")
        return float(end - self._get("arrived"))

    @property
    def years_home(self) -> float:
        """Years since return (0 while abroad)."""
        if self._get("status") == ABROAD:
            return 0.0
        return float(self.model.now() - self._get("returned"))

    @property
    def savings(self) -> float:
        """Savings now (USD per person), after repaying recruitment debt."""
        from model.processes.earnings import current_savings

        return float(current_savings(self.model, np.array([self._row()]))[0][0])

    @property
    def debt(self) -> float:
        """Recruitment debt outstanding (USD per person)."""
        from model.processes.earnings import current_savings

        return float(current_savings(self.model, np.array([self._row()]))[1][0])

    @property
    def income(self) -> float:
        """Earnings this step (USD per person)."""
        from model.processes.earnings import income

        return float(income(self.model, np.array([self._row()]))[0])

    @property
    def remittance(self) -> float:
        """What the migrant sends this step (USD per person, before fees)."""
        from model.processes.remittances import amount

        return float(amount(self.model, np.array([self._row()]))[0])

    def __getattr__(self, name: str):
        # Every other array of the population (employed, savings, debt, ...) reads through.
        if name == "model" or name.startswith("_"):  # not set yet: no recursion
            raise AttributeError(name)
        if name in self.model.migrants.field_names:
            value = self._get(name)
            return value.item() if hasattr(value, "item") else value
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"Migrant(uid={self.uid}, {self.origin}->{self.destination})"


def build_network(model) -> nx.DiGraph:
    """The corridor network: countries as nodes (ISO3, with their agent, region and income
    group), corridors as edges (with their index in the corridor arrays)."""
    g = nx.DiGraph()
    for agent in model.country_agents:
        g.add_node(agent.iso3, agent=agent, region=agent.region, income_group=agent.income_group)
    cor = model.world.corridors
    for i, (o, d) in enumerate(zip(cor["origin"], cor["destination"])):
        g.add_edge(o, d, index=i)
    return g


class MigrantViews:
    """`Migrant` views on demand and people counts, for a model whose migrants are rows of
    `model.migrants`."""

    def count_people(self, rows: np.ndarray) -> np.ndarray:
        """People in `rows`, summed per corridor."""
        pop = self.migrants
        return np.bincount(pop.corridor[rows], pop.weight[rows], len(self.corridors.o))

    def stock_by_corridor(self) -> np.ndarray:
        """People abroad in each corridor now."""
        pop = self.migrants
        return np.bincount(pop.corridor, pop.weight * (pop.status == ABROAD),
                           len(self.corridors.o))

    def migrant(self, uid: int) -> Migrant:
        """A `Migrant` view on the migrant with stable id `uid` (the same view on repeat calls)."""
        view = self._views.get(uid)
        if view is None:
            if self.migrants.row_of(uid) < 0:
                raise LookupError(f"no migrant with uid {uid}")
            view = self._views[uid] = Migrant(self, uid)
        return view

    def release_views(self) -> None:
        """Deregister every Migrant view handed out so far (the migrants stay in the arrays)."""
        for view in self._views.values():
            view.remove()
        self._views.clear()
