"""Social-security portability through bilateral agreements.

Without an agreement, regular migrants who return lose the pension rights they built abroad
(or get a partial refund), which holds vested migrants abroad longer (`returns.pension_lock_in`
in the baseline); with an agreement, contributions follow the migrant (Holzmann and Koettl 2015,
CESifo Economic Studies 61(2); Avato, Koettl and Sabates-Wheeler 2010, World Development 38(4)).
Mechanism (covered corridors):

- the lock-in is lifted, so vested migrants return as they otherwise would;
- returnees carry their rights home: `returns.pension_contribution_rate` x their regular annual
  earnings x their years abroad, paid out as old-age income at home over `annuity_years`;
- administering the agreement costs `admin_usd_per_migrant_year`, shared by both governments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Indicator, step_flow
from model.params import param
from model.policies.base import Policy, PolicyConfig, register
from model.population import HIGH


@dataclass
class SocialSecurityPortabilityConfig(PolicyConfig):
    annuity_years: float = param(
        15.0, "years", 1.0, 50.0, label="years over which carried rights are paid at home",
        source="assumption (remaining life expectancy at 65 is about 15-20 years)")
    admin_usd_per_migrant_year: float = param(
        10.0, "USD per migrant per year", 0.0, 1e5, label="administration of the agreement",
        source="assumption")


@register
class SocialSecurityPortability(Policy):
    """Portable pension rights (see the module docstring)."""

    name = "social_security_portability"
    label = "social-security portability"
    main_parameter = "intensity"
    config_class = SocialSecurityPortabilityConfig
    moves_levers = ("corridors.portable",)
    moves = {"returns": "up", "pension_income_home_usd": "up"}
    flows = (Flow("pension_rights_carried_usd", "USD",
                  "pension rights carried home by returnees under portability agreements"),)
    indicators = (
        Indicator("pension_rights_carried_usd", "USD per step",
                  "pension rights carried home by returnees under portability agreements",
                  step_flow("pension_rights_carried_usd")),
        Indicator("pension_income_home_usd", "USD per year",
                  "old-age income at home from the portable rights carried so far",
                  lambda model: float(sum(p.carried / p.cfg.annuity_years
                                          for p in model.policies.running()
                                          if p.name == "social_security_portability"))),
    )

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        self.carried = 0.0

    def before_step(self, model, events) -> None:
        k = model.corridors
        if self.cfg.intensity > 0:
            k.portable = k.portable | self.covered
        people = model.tallies.stock()[self.covered].sum()
        cost = people * self.cfg.admin_usd_per_migrant_year * model.dt * self.cfg.intensity
        self.pay("origin", cost / 2)
        self.pay("destination", cost / 2)

    def after_returns(self, model, events) -> None:
        pop, c, k, r = model.migrants, model.countries, model.corridors, model.cfg.returns
        rows = self.covered_rows(events.returned)
        rows = rows[pop.regular[rows]]
        d = k.d[pop.corridor[rows]]
        monthly = np.where(pop.skill[rows] == HIGH, c.wage_high[d], c.wage_low[d])
        years = np.minimum(pop.returned[rows] - pop.arrived[rows], 45.0)
        rights = (r.pension_contribution_rate * 12.0 * monthly * model.cfg.earnings.migrant_wage_ratio
                  * years * self.cfg.intensity)
        carried = float(np.dot(pop.weight[rows], rights))
        self.carried += carried
        self.delivered += carried
        model.flows["pension_rights_carried_usd"][0] += carried

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The pension rights returnees carry home (origin), against the administration (both
        sides)."""
        r = model.cfg.returns
        # Regular returnees carry rights; the share of regular migrants on the corridor now.
        regular = model.tallies.regular()[view.c] / np.maximum(view.stock, 1.0)
        returns = view.returns * regular
        carried = (returns * r.pension_contribution_rate * 12.0 * view.wage_low
                   * model.cfg.earnings.migrant_wage_ratio * r.vesting_years)
        admin = view.stock * cfg.admin_usd_per_migrant_year / 2
        return carried, admin, np.zeros(len(view.c)), admin
