"""Cheaper remittances and access to banking.

SDG 10.c.1 asks that the average cost of sending remittances fall to 3% by 2030 and that no
corridor cost more than 5%; regulation, competition and new technologies (mobile money) are the
means the GFMD paper names. Mechanism (covered corridors):

- prices fall linearly over `years_to_target` from their RPW level to a corridor target: each
  price scaled so that the covered corridors' average reaches `target_average_pct`, and none
  above `corridor_ceiling_pct`;
- each year a share `account_opening_rate` of unbanked migrants opens an account (mobile money,
  simplified due diligence), and new arrivals are banked more often (`account_access_gain`);
- cheaper, more accessible formal channels raise the formal share, and through the price
  elasticity of the amount sent (`remittances.amount_price_elasticity`) the amounts received.

Cost: supervision and infrastructure, `cost_usd_per_corridor_year`, paid by the destination.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.params import param
from model.policies.base import Policy, PolicyConfig, register, remittance_gain


@dataclass
class CheaperRemittancesConfig(PolicyConfig):
    target_average_pct: float = param(
        3.0, "% of 200 USD", 0.0, 30.0, label="average price reached at the end of the path",
        source="SDG target 10.c: reduce to less than 3% the transaction costs of remittances")
    corridor_ceiling_pct: float = param(
        5.0, "% of 200 USD", 0.0, 30.0, label="no covered corridor above this price",
        source="SDG target 10.c: eliminate corridors with costs higher than 5%")
    years_to_target: float = param(
        5.0, "years", 0.25, 50.0, label="time to reach the target from the start year",
        source="scenario choice (the SDG horizon is 2030)")
    account_opening_rate: float = param(
        0.1, "per year", 0.0, 10.0, label="rate at which unbanked migrants open an account",
        source="assumption (Global Findex 2017: account ownership rose by 7 points in three "
               "years worldwide, faster with mobile money)")
    account_access_gain: float = param(
        0.1, "share", 0.0, 1.0, label="rise in the share of new arrivals with an account",
        source="assumption")
    cost_usd_per_corridor_year: float = param(
        50000.0, "USD per corridor per year", 0.0, 1e9,
        label="supervision and infrastructure cost", source="assumption")


@register
class CheaperRemittances(Policy):
    """Lower remittance prices and wider account access (see the module docstring)."""

    name = "cheaper_remittances"
    label = "cheaper remittances"
    main_parameter = "target_average_pct"
    config_class = CheaperRemittancesConfig
    moves_levers = ("corridors.price_pct", "countries.account_access",
                    "corridors.account_opening_rate")
    moves = {"remittance_price_pct": "down", "formal_share": "up",
             "remittances_received_usd": "up", "account_share": "up"}

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        base = model.corridors.base_price_pct
        covered_mean = base[self.covered].mean() if self.covered.any() else 1.0
        self.target = np.minimum(base * cfg.target_average_pct / covered_mean,
                                 cfg.corridor_ceiling_pct)
        self.target = np.minimum(self.target, base)  # never a price rise

    def before_step(self, model, events) -> None:
        k, c, cfg = model.corridors, model.countries, self.cfg
        progress = min((model.now() - cfg.start_year) / cfg.years_to_target, 1.0)
        cut = cfg.intensity * progress * (k.price_pct - self.target)
        k.price_pct = np.where(self.covered, k.price_pct - np.maximum(cut, 0.0), k.price_pct)
        covered_destinations = np.bincount(k.d[self.covered], minlength=len(c.iso3)) > 0
        c.account_access = np.where(covered_destinations, np.minimum(
            1.0, c.account_access + cfg.intensity * cfg.account_access_gain), c.account_access)
        # Unbanked migrants open accounts faster (the remittances process opens them).
        k.account_opening_rate = np.where(self.covered, k.account_opening_rate
                                          + cfg.intensity * cfg.account_opening_rate,
                                          k.account_opening_rate)
        self.pay("destination", self.covered.sum() * cfg.cost_usd_per_corridor_year * model.dt)

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        return remittance_gain(model, view)
