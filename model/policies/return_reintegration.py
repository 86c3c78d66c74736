"""Return and reintegration support, with return-to-job agreements.

Documentation, job placement, psychosocial and cash support for returnees and recognition of
skills gained abroad (the GFMD paper cites El Salvador's reintegration programme and the EU-IOM
Joint Initiative); return-to-job agreements let returnees go back to their former host, through
regular channels, when demand recovers. Mechanism (covered corridors):

- returnees reintegrate `reintegration_multiplier` times faster;
- each returnee costs `cash_grant_usd` + `services_usd` (paid by `funder`);
- with `return_to_job`, returnees who worked abroad and are not yet reintegrated go back to their
  former host at `remigration_rate`, as regular migrants outside the quota; they take the place
  of irregular newcomers on the corridor (the same number of irregular arrivals is not drawn),
  so re-migration shifts from irregular to regular channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Indicator, corridor_flow
from model.params import param
from model.policies.base import (
    PAYERS,
    RETURNS_PER_SETTLED_RATE,
    Policy,
    PolicyConfig,
    register,
)
from model.population import ABROAD, RETURNEE
from model.processes.labour import hazard_to_prob


@dataclass
class ReturnReintegrationConfig(PolicyConfig):
    reintegration_multiplier: float = param(
        2.0, "ratio", 1.0, 20.0, label="faster reintegration with support",
        source="assumption informed by IOM (2019) Reintegration Handbook and evaluations of "
               "the EU-IOM Joint Initiative (supported returnees report higher economic "
               "self-sufficiency)")
    cash_grant_usd: float = param(
        1500.0, "USD per returnee", 0.0, 1e6, label="cash and in-kind reintegration support",
        source="EU-IOM Joint Initiative reintegration packages of about 1,500-2,000 EUR")
    services_usd: float = param(
        500.0, "USD per returnee", 0.0, 1e6,
        label="documentation, job placement, psychosocial support", source="assumption")
    return_to_job: bool = param(True, "", label="return-to-job agreements in force",
                                source="GFMD paper, section 3")
    remigration_rate: float = param(
        0.2, "per year", 0.0, 10.0,
        label="rate at which unreintegrated returnees go back to their former job",
        source="assumption")
    CHOICES = {"funder": PAYERS}
    funder: str = param("destination", "", label="who pays: origin, destination, employers or "
                        "facility", source="scenario choice (often the destination, as in the "
                                           "EU-IOM Joint Initiative)")


@register
class ReturnReintegration(Policy):
    """Reintegration support and return-to-job agreements (see the module docstring)."""

    name = "return_reintegration"
    label = "return and reintegration support"
    main_parameter = "reintegration_multiplier"
    config_class = ReturnReintegrationConfig
    moves_levers = ("corridors.reintegration_multiplier", "corridors.substitute_irregular")
    flows = (Flow("remigrants", "people", "returnees going back to their former host through "
                  "return-to-job agreements", per_corridor=True),)
    indicators = (Indicator("remigrants_regular", "people per step",
                            "returnees going back to their former host through return-to-job "
                            "agreements", corridor_flow("remigrants")),)
    moves = {"reintegration_rate": "up", "remigrants_regular": "up",
             "arrivals_irregular": "down"}

    def before_step(self, model, events) -> None:
        k, cfg, pop = model.corridors, self.cfg, model.migrants
        k.reintegration_multiplier = np.where(
            self.covered, k.reintegration_multiplier
            * (1.0 + cfg.intensity * (cfg.reintegration_multiplier - 1.0)),
            k.reintegration_multiplier)
        if not cfg.return_to_job:
            return
        rng = model.streams[f"policy:{self.name}"]
        home = self.covered_rows(np.flatnonzero((pop.status == RETURNEE) & (pop.weight > 0)))
        # Those with a past job abroad (arrived before they returned), not yet reintegrated.
        eligible = home[~pop.reintegrated[home] & (pop.returned[home] > pop.arrived[home])]
        p = hazard_to_prob(cfg.intensity * cfg.remigration_rate, model.dt)
        going = eligible[rng.random(len(eligible)) < p]
        with model.tallies.changing(pop, going, ("status", "regular", "employed", "matched")):
            pop.status[going] = ABROAD
            pop.regular[going] = True
            pop.employed[going] = False
            pop.matched[going] = False
        pop.arrived[going] = model.now()
        pop.stranded[going] = False
        people = model.count_people(going)
        model.flows["remigrants"] += people
        model.flows["arrivals"] += people
        k.substitute_irregular = k.substitute_irregular + people

    def after_returns(self, model, events) -> None:
        returned = self.covered_rows(events.returned)
        people = model.migrants.weight[returned].sum(dtype=float)
        self.pay(self.cfg.funder, people * self.cfg.intensity
                 * (self.cfg.cash_grant_usd + self.cfg.services_usd))

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The cash grants returnees bring home (origin), against the whole package, paid by the
        destination."""
        returns = view.stock * model.cfg.returns.return_rate_settled * RETURNS_PER_SETTLED_RATE
        zero = np.zeros(len(view.c))
        return (returns * cfg.cash_grant_usd, zero, zero,
                returns * (cfg.cash_grant_usd + cfg.services_usd))
