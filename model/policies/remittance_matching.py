"""Remittance matching fund.

A government (or the financing facility) tops up remittances that migrants send through formal
channels and earmark for education or investment, at `match_rate` per dollar, up to a cap per
migrant, from a finite budget. The design follows the matching-fund field experiment of Ambler,
Aycinena and Yang (2015, AEJ: Applied 7(2)) with Salvadoran migrants, in which matches for
education remittances raised education spending at home. Mechanism (covered corridors):

- a share `earmarked_share` of formal remittances is earmarked for education or investment; the
  match makes the formal channel that much more attractive: its utility rises by the price
  sensitivity times the match as a percentage of the amount (a match is a negative price);
- each step the fund pays `match_rate` x earmarked formal receipts, capped per migrant, while
  its budget lasts; household income and investment at origin rise by the match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Headline, Indicator
from model.params import param
from model.policies.base import PAYERS, Policy, PolicyConfig, register, remittance_gain


@dataclass
class RemittanceMatchingConfig(PolicyConfig):
    match_rate: float = param(
        0.5, "USD per USD", 0.0, 3.0, label="top-up per dollar of earmarked formal remittances",
        source="Ambler, Aycinena and Yang (2015) tested matches of 1:1 and 3:1 (and 1:0.5); "
               "0.5 as a fiscally moderate default")
    earmarked_share: float = param(
        0.1, "share", 0.0, 1.0, label="share of formal remittances earmarked for education or "
        "investment", source="assumption (education is about 10% of remittance use in "
                             "household surveys; World Bank 2006 Global Economic Prospects)")
    cap_usd_per_year: float = param(
        300.0, "USD per migrant per year", 0.0, 1e6, label="most a migrant's remittances attract",
        source="assumption")
    budget_usd: float = param(
        2e9, "USD", 0.0, 1e13, label="the fund's budget for the whole programme",
        source="assumption (of the order of the GCFF's 622 M USD of grants, scaled to a "
               "multi-country programme)")
    CHOICES = {"funder": PAYERS}
    funder: str = param("origin", "", label="who pays the matches: origin, destination, "
                        "employers or facility", source="scenario choice")


@register
class RemittanceMatching(Policy):
    """Matched earmarked remittances (see the module docstring)."""

    name = "remittance_matching"
    label = "remittance matching"
    main_parameter = "match_rate"
    config_class = RemittanceMatchingConfig
    moves_levers = ("corridors.formal_bonus",)
    flows = (Flow("topup", "USD", "remittance matches paid", per_corridor=True),
             Flow("investment_usd", "USD", "remittances and matches earmarked for education "
                  "and investment at origin"))
    indicators = (
        Indicator("household_income_usd", "USD per step",
                  "income of households at origin from abroad: remittances received plus "
                  "matches", lambda model: float(model.flows["received"].sum()
                                                 + model.flows["topup"].sum()),
                  compare=("Income of origin households from abroad", "usd_step")),
        Indicator("matching_topup_usd", "USD per step", "remittance matches paid",
                  lambda model: float(model.flows["topup"].sum())),
        Indicator("origin_investment_usd", "USD per step",
                  "remittances and matches earmarked for education and investment at origin",
                  lambda model: float(model.flows["investment_usd"][0])),
    )
    headlines = (Headline("household_income_total_usd", "USD",
                          "household income from abroad over the run", "household_income_usd",
                          "sum", effect=("Household income from abroad, whole run", "money")),)
    moves = {"household_income_usd": "up", "origin_investment_usd": "up",
             "formal_share": "up", "matching_topup_usd": "up"}

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        self.spent = 0.0

    def budget_left(self) -> float:
        return max(self.cfg.budget_usd - self.spent, 0.0)

    def before_step(self, model, events) -> None:
        if self.budget_left() <= 0:
            return
        k, sens = model.corridors, model.cfg.remittances.price_sensitivity
        effective_pct = 100.0 * self.cfg.intensity * self.cfg.match_rate * self.cfg.earmarked_share
        k.formal_bonus = k.formal_bonus + np.where(self.covered, sens * effective_pct, 0.0)

    def after_remittances(self, model, events) -> None:
        f, cfg = model.flows, self.cfg
        earmarked = np.where(self.covered, f["formal_received"] * cfg.earmarked_share, 0.0)
        match = earmarked * cfg.match_rate * cfg.intensity
        cap = model.tallies.stock() * cfg.cap_usd_per_year * model.dt
        match = np.minimum(match, cap)
        total = match.sum()
        if total > self.budget_left():  # the last tranche: what is left, pro rata
            match *= self.budget_left() / total
            total = match.sum()
        self.spent += total
        f["topup"] += match
        f["investment_usd"][0] += float(earmarked.sum() + total)
        self.pay(cfg.funder, total)

    def summary(self):
        out = super().summary()
        out["budget_spent_usd"] = round(self.spent, 2)
        return out

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        return remittance_gain(model, view)
