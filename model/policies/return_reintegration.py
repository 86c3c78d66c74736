"""Return and reintegration support, with return-to-job agreements.

Documentation, psychosocial and economic support for returnees (the GFMD paper cites El
Salvador's reintegration programme and the EU-IOM Joint Initiative); return-to-job agreements let
returnees go back to their former host, through regular channels, when demand recovers.
Mechanism (covered corridors):

- a yearly budget (`budget_usd_per_year`, paid by `funder`) enrols returnees as they come home.
  A returnee's package costs `economic_cost_usd` (skills training, job placement or a start-up
  grant), plus `documentation_cost_usd` if it came home without documents and
  `psychosocial_cost_usd` if it is in distress. With a budget B for the step and a cost N of
  enrolling every new returnee, the share enrolled is 1 - exp(-B / N): nothing without money,
  diminishing returns (the first returnees are the easiest to reach), at most everyone; the
  cost is at most the budget;
- an enrolled returnee gets its papers (`documented`), its distress ends with probability
  `psychosocial_success`, and it receives economic support, which adds to its reintegration
  hazard for the support period (`model.processes.reintegration`). Reintegration then follows
  from the process; the policy never sets it;
- with `return_to_job`, returnees who worked abroad and are not yet reintegrated go back to their
  former host at `remigration_rate`, as regular migrants outside the quota; they take the place
  of irregular newcomers on the corridor (the same number of irregular arrivals is not drawn),
  so re-migration shifts from irregular to regular channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Headline, Indicator, corridor_flow
from model.params import param
from model.policies.base import PAYERS, Policy, PolicyConfig, by_side, register
from model.population import ABROAD, RETURNEE
from model.processes.labour import hazard_to_prob
from model.processes.reintegration import mean_hazard


@dataclass
class ReturnReintegrationConfig(PolicyConfig):
    budget_usd_per_year: float = param(
        100e6, "USD per year", 0.0, 1e12, label="the programme's yearly budget",
        source="scenario choice")
    economic_cost_usd: float = param(
        1500.0, "USD per returnee", 0.0, 1e6,
        label="economic support: skills training, job placement or a start-up grant",
        source="European Migration Network (2016) 'Incentives to return ... and support for "
               "reintegration' (87 programmes): in-kind reintegration assistance of 500 EUR "
               "(Bulgaria, Poland) to 5,000 EUR (Norway); the Netherlands 2,000 EUR in kind")
    documentation_cost_usd: float = param(
        100.0, "USD per returnee", 0.0, 1e6, label="replacing identity papers and certificates",
        source="assumption (to be fitted)",
        prior_range=(20, 500))
    psychosocial_cost_usd: float = param(
        300.0, "USD per returnee", 0.0, 1e6, label="psychosocial counselling",
        source="assumption (to be fitted)",
        prior_range=(100, 1000))
    psychosocial_success: float = param(
        0.5, "share", 0.0, 1.0, label="share of supported returnees whose distress ends",
        source="assumption; IOM (2020) Thematic evaluation of reintegration in the Sahel and "
               "Lake Chad (EU-IOM Joint Initiative) reports strong results for economic and "
               "psychosocial assistance combined (no effect size)",
        prior_range=(0.2, 0.8))
    return_to_job: bool = param(True, "", label="return-to-job agreements in force",
                                source="GFMD paper, section 3")
    remigration_rate: float = param(
        0.2, "per year", 0.0, 10.0,
        label="rate at which unreintegrated returnees go back to their former job",
        source="assumption",
        prior_range=(0, 0.3))
    CHOICES = {"funder": PAYERS}
    funder: str = param("destination", "", label="who pays: origin, destination, employers or "
                        "facility", source="scenario choice (often the destination, as in the "
                                           "EU-IOM Joint Initiative)")


def enrol(model, rows: np.ndarray, budget: float, cfg: ReturnReintegrationConfig,
          rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Enrol new returnees `rows` in support from `budget` (USD for the step): each with
    probability 1 - exp(-budget / N), N the cost of enrolling them all; the enrolled get their
    services (papers, counselling, economic support). Returns the rows enrolled and the cost
    (USD, at most `budget`)."""
    pop = model.migrants
    rows = rows[(pop.status[rows] == RETURNEE) & ~pop.reintegrated[rows]]
    price = (cfg.economic_cost_usd + cfg.documentation_cost_usd * ~pop.documented[rows]
             + cfg.psychosocial_cost_usd * pop.distressed[rows])
    need = float((price * pop.weight[rows]).sum())
    if need <= 0.0 or budget <= 0.0:
        return rows[:0], 0.0
    reach = -np.expm1(-budget / need)
    draws = rng.random((2, len(rows)))
    chosen = draws[0] < reach
    # The realised cost can exceed the budget by sampling noise: the last enrolled wait.
    spent = np.cumsum(np.where(chosen, price * pop.weight[rows], 0.0))
    chosen &= spent <= budget
    served = rows[chosen]
    pop.documented[served] = True
    pop.distressed[served] &= draws[1][chosen] >= cfg.psychosocial_success
    pop.supported[served] = True
    return served, float((price * pop.weight[rows])[chosen].sum())


@register
class ReturnReintegration(Policy):
    """Reintegration support and return-to-job agreements (see the module docstring)."""

    name = "return_reintegration"
    label = "return and reintegration support"
    main_parameter = "budget_usd_per_year"
    config_class = ReturnReintegrationConfig
    moves_levers = ("corridors.substitute_irregular",)
    flows = (Flow("remigrants", "people", "returnees going back to their former host through "
                  "return-to-job agreements", per_corridor=True),
             Flow("returnees_supported", "people", "returnees enrolled in reintegration "
                  "support", per_corridor=True))
    indicators = (Indicator("remigrants_regular", "people per step",
                            "returnees going back to their former host through return-to-job "
                            "agreements", corridor_flow("remigrants")),
                  Indicator("returnees_supported", "people per step",
                            "returnees enrolled in reintegration support",
                            corridor_flow("returnees_supported")))
    headlines = (Headline("returnees_supported_total", "people",
                          "returnees enrolled in reintegration support over the run",
                          "returnees_supported", "sum",
                          effect=("Returnees enrolled in support, whole run", "people")),)
    moves = {"reintegration_rate": "up", "remigrants_regular": "up",
             "arrivals_irregular": "down"}

    def before_step(self, model, events) -> None:
        k, cfg, pop = model.corridors, self.cfg, model.migrants
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

    def after_reintegration(self, model, events) -> None:
        """Enrol this step's returnees on covered corridors (they drew their barriers in the
        reintegration phase); the services act from the next step."""
        rng = model.streams[f"policy:{self.name}:enrol"]
        served, cost = enrol(model, self.covered_rows(events.returned),
                             self.cfg.intensity * self.cfg.budget_usd_per_year * model.dt,
                             self.cfg, rng)
        model.flows["returnees_supported"] += model.count_people(served)
        self.pay(self.cfg.funder, cost)

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The origin gains the home earnings of the returnees that support reintegrates
        within the year who would not have been otherwise; the funder pays the packages of
        those enrolled (the year's returns on the corridor, at the enrolment rule)."""
        r = model.cfg.reintegration
        package = (cfg.economic_cost_usd + cfg.documentation_cost_usd * r.undocumented_share
                   + cfg.psychosocial_cost_usd * r.distressed_share)
        budget = cfg.intensity * cfg.budget_usd_per_year
        need = np.maximum(view.returns * package, 1e-9)
        enrolled = view.returns * -np.expm1(-budget / need)
        h = mean_hazard(r)
        extra = np.exp(-h) - np.exp(-(h + r.economic_support_rate * min(r.support_years, 1.0)))
        home_wage = model.countries.wage_low[model.corridors.o[view.c]] * 12.0
        c_o, c_d = by_side(cfg.funder, enrolled * package)
        return enrolled * extra * home_wage, c_o, np.zeros(len(view.c)), c_d
