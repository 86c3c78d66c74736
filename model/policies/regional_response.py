"""Regional response to displacement: temporary protection, regularisation, burden sharing.

When many people flee one country, its neighbours can coordinate rather than decide claims one
by one: Colombia's 2021 Temporary Protection Statute for Venezuelan Migrants gave ten-year
permits with the right to work to Venezuelans who registered (about 1.7 million had done so by
2022, Migracion Colombia), and the Quito Process coordinated the region's hosts. Mechanism
(member hosts; with `scope: all`, every host):

- temporary protection and regularisation, paid for by a budget: asylum seekers and others in
  need of protection waiting in a member host, and irregular migrants from the origins whose
  people it protects, register for a permit with the right to work. With a budget B for the
  step and a cost N of registering those waiting who ever would (a share `take_up`, each at
  `registration_cost_usd`), a share 1 - exp(-B / N) of them registers this step: nothing
  without money, diminishing returns (the easiest to reach register first). A registered asylum seeker or other in need of protection holds the
  permit (the right to work, whatever the host's share); a registered irregular migrant becomes
  regular;
- burden sharing: the members' pull on people fleeing is tilted towards their share of the
  members' population, by `sharing` (0: none; 1: the flight splits as the population), through
  `countries.admission`.

The process (`model.processes.displacement`) then does the rest: with the right to work the
protected find jobs at the usual rate, so employment, earnings and remittances follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Headline, Indicator, corridor_flow
from model.params import param
from model.policies.base import PAYERS, Policy, PolicyConfig, register
from model.population import ABROAD
from model.processes.displacement import ASYLUM, OIP


@dataclass
class RegionalResponseConfig(PolicyConfig):
    budget_usd_per_year: float = param(
        50e6, "USD per year", 0.0, 1e12, label="the members' yearly budget for registration",
        source="scenario choice")
    registration_cost_usd: float = param(
        100.0, "USD per person", 0.01, 1e5,
        label="cost of registering a person for a permit (biometrics, documents)",
        source="assumption (no published cost per permit of Colombia's statute found)",
        prior_range=(20, 500))
    take_up: float = param(
        0.65, "share", 0.0, 1.0, label="most of those eligible who ever register (information, "
        "trust, access)", source="64% of the 442,000 undocumented Venezuelans in Colombia's "
        "2018 census (RAMV) obtained the PEP they were offered (Bahar, Ibanez and Rozo 2021, "
        "J. Dev. Econ. 151:102652); Ibanez, Moya, Ortega, Rozo and Urbina (2024, JEEA, "
        "doi:10.1093/jeea/jvae044) evaluate its effects (docs/evidence.md)")
    regularise_irregular: bool = param(
        True, "", label="irregular migrants from the protected origins may register too",
        source="as Colombia's statute (Venezuelans in an irregular situation on 31 January "
               "2021 could register)")
    sharing: float = param(
        0.0, "share", 0.0, 1.0, label="how far the flight is shared among members by "
        "population", source="scenario choice (no agreed burden-sharing key exists)")
    CHOICES = {"funder": PAYERS}
    funder: str = param("destination", "", label="who pays: origin, destination, employers or "
                        "facility", source="scenario choice")


@register
class RegionalResponse(Policy):
    """Temporary protection, regularisation and burden sharing (see the module docstring)."""

    name = "regional_response"
    label = "regional response to displacement"
    main_parameter = "budget_usd_per_year"
    config_class = RegionalResponseConfig
    members_cover = "destination"  # members are hosts: any origin of their protected
    moves_levers = ("countries.admission",)
    flows = (Flow("registered", "people", "people registered for temporary protection or "
                  "regularised", per_corridor=True),)
    indicators = (Indicator("temporary_protection_registered", "people per step",
                            "people registered for temporary protection or regularised",
                            corridor_flow("registered")),)
    headlines = (Headline("registered_total", "people", "people registered for temporary "
                          "protection or regularised over the run",
                          "temporary_protection_registered", "sum",
                          effect=("Registered for temporary protection, whole run", "people")),)
    moves = {"temporary_protection_registered": "up", "protected_employment_rate": "up"}

    def before_step(self, model, events) -> None:
        c, k, cfg = model.countries, model.corridors, self.cfg
        hosts = np.bincount(k.d[self.covered], minlength=len(c.iso3)) > 0
        if cfg.sharing > 0 and hosts.sum() > 1:
            share = np.where(hosts, c.population, 0.0) / c.population[hosts].sum()
            c.admission = np.where(hosts, c.admission * (share * hosts.sum()) ** cfg.sharing,
                                   c.admission)
        self._register(model, hosts)

    def _register(self, model, hosts: np.ndarray) -> None:
        pop, k, cfg = model.migrants, model.corridors, self.cfg
        rng = model.streams[f"policy:{self.name}"]
        covered = self.covered[pop.corridor] & (pop.status == ABROAD)
        waiting = covered & ((pop.protection == ASYLUM) | (pop.protection == OIP)) & (
            pop.rights_draw >= 0)
        if cfg.regularise_irregular:
            # Irregular migrants from the origins whose people the hosts protect.
            protected_origins = np.bincount(
                k.o[pop.corridor], pop.protection > 0, len(model.countries.iso3)) > 0
            waiting |= covered & ~pop.regular & protected_origins[k.o[pop.corridor]]
        # Who would ever register: a fixed share `take_up`, by a draw each migrant keeps (its
        # uid's golden-ratio fraction, so the same people stay away step after step).
        willing = (pop.uid * 0.6180339887498949) % 1.0 < cfg.take_up
        rows = np.flatnonzero(waiting & willing)
        if len(rows) == 0:
            return
        budget = cfg.intensity * cfg.budget_usd_per_year * model.dt
        need = float(pop.weight[rows].sum(dtype=np.float64)) * cfg.registration_cost_usd
        share = -np.expm1(-budget / need) if need > 0 else 0.0
        rows = rows[rng.random(len(rows)) < share]
        protected = rows[pop.protection[rows] > 0]
        pop.rights_draw[protected] = -1.0  # a permit: the right to work in any host,
        pop.job_barrier[protected] = 0.0   # so no barrier to finding a job (as displacement's)
        irregular = rows[pop.protection[rows] == 0]
        with model.tallies.changing(pop, irregular, ("regular",)):
            pop.regular[irregular] = True
        people = float(pop.weight[rows].sum(dtype=np.float64))
        model.flows["registered"] += model.count_people(rows)
        self.pay(cfg.funder, people * cfg.registration_cost_usd)
        self.delivered += people

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """Not a subject of bilateral agreements (a regional, multilateral response)."""
        zero = np.zeros(len(view.c))
        return zero, zero, zero, zero



