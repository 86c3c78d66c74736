"""Remittance matching fund.

A government (or the financing facility) tops up remittances that migrants send through formal
channels and earmark for education or investment, at `match_rate` per dollar, up to a cap per
migrant, from a finite budget. The design follows the matching-fund field experiment of Ambler,
Aycinena and Yang (2015, AEJ: Applied 7(2)) with Salvadoran migrants, in which matches for
education remittances raised education spending at home. Mechanism (covered corridors):

- migrants direct part of their formal transfers to the matched use (education, investment):
  a share `earmarked_share` without a match, rising with its generosity,
  `earmarked_share` x (1 + `directed_response` x match rate), as migrants offered matches in the
  experiment directed more to education. The directed part is taken from what they already
  send (the experiment found no fall in other remittances, i.e. some new money, which this
  conservative rule leaves out);
- the match makes the formal channel that much more attractive: its utility rises by the price
  sensitivity times the match migrants can expect as a percentage of the amount (a match is a
  negative price; it is prorated by the share of requests the fund met in the last step);
- the fund pays `match_rate` x the directed receipts, capped per migrant, from a budget paced
  over `programme_years`: each step it spends at most what is left of the year's budget
  divided by the steps left in the year (matches are prorated when demand exceeds it);
  household income and investment at origin rise by the match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Headline, Indicator, corridor_flow, step_flow
from model.params import param
from model.policies.base import PAYERS, Policy, PolicyConfig, by_side, register


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
    directed_response: float = param(
        1.0, "per unit of match rate", 0.0, 20.0,
        label="rise of the directed share per dollar of match per dollar",
        source="to be fitted; Ambler, Aycinena and Yang (2015): the matches raised remittances "
               "directed to education (each 1 USD received raised education spending by 3.72 "
               "USD) with no fall in other remittances")
    cap_usd_per_year: float = param(
        300.0, "USD per migrant per year", 0.0, 1e6, label="most a migrant's remittances attract",
        source="assumption")
    budget_usd: float = param(
        2e9, "USD", 0.0, 1e13, label="the fund's budget for the whole programme",
        source="assumption (of the order of the GCFF's 622 M USD of grants, scaled to a "
               "multi-country programme)")
    programme_years: float = param(
        10.0, "years", 0.25, 100.0, label="years over which the budget is paced",
        source="scenario choice (to the SDG horizon)")
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
                  corridor_flow("topup")),
        Indicator("origin_investment_usd", "USD per step",
                  "remittances and matches earmarked for education and investment at origin",
                  step_flow("investment_usd")),
    )
    headlines = (Headline("household_income_total_usd", "USD",
                          "household income from abroad over the run", "household_income_usd",
                          "sum", effect=("Household income from abroad, whole run", "money")),)
    moves = {"household_income_usd": "up", "origin_investment_usd": "up",
             "formal_share": "up", "matching_topup_usd": "up"}

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        self.spent = 0.0
        self.year_left = 0.0   # the year's budget not yet spent
        self.available = 0.0   # what this step may spend
        self.budget_year = None
        self.fill = 0.0        # share of match requests the fund met last step (none yet)

    def budget_left(self) -> float:
        return max(self.cfg.budget_usd - self.spent, 0.0)

    def directed_share(self) -> float:
        """Share of formal transfers migrants direct to the matched use."""
        cfg = self.cfg
        return min(1.0, cfg.earmarked_share
                   * (1.0 + cfg.directed_response * cfg.match_rate * cfg.intensity))

    def step_budget(self, model) -> float:
        """What the fund may spend this step: the year's budget left, spread over the steps left
        in the year (so the budget lasts the year and the programme its `programme_years`)."""
        year = int(np.floor(model.now() + 1e-9))
        if year != self.budget_year:  # a new year (or the programme's first step)
            self.budget_year = year
            self.year_left = min(self.cfg.budget_usd / self.cfg.programme_years,
                                 self.budget_left())
        steps_left = model.steps_per_year - (model.steps - 1) % model.steps_per_year
        return self.year_left / steps_left

    def before_step(self, model, events) -> None:
        self.available = self.step_budget(model)
        if self.available <= 0:
            return
        k, sens = model.corridors, model.cfg.remittances.price_sensitivity
        # The match a migrant can expect: the rate, times the share of requests the fund met
        # last step (a small fund for many migrants is a small incentive).
        effective_pct = (100.0 * self.cfg.intensity * self.cfg.match_rate * self.fill
                         * self.directed_share())
        k.formal_bonus = k.formal_bonus + np.where(self.covered, sens * effective_pct, 0.0)

    def after_remittances(self, model, events) -> None:
        f, cfg = model.flows, self.cfg
        directed = np.where(self.covered, f["formal_received"] * self.directed_share(), 0.0)
        match = directed * cfg.match_rate * cfg.intensity
        cap = model.tallies.stock() * cfg.cap_usd_per_year * model.dt
        match = np.minimum(match, cap)
        total = match.sum()
        self.fill = min(1.0, self.available / total) if total > 0 else 1.0
        if total > self.available:  # more demand than this step's budget: prorated
            match *= self.available / total
            total = match.sum()
        self.spent += total
        self.year_left -= total
        f["topup"] += match
        f["investment_usd"][0] += float(directed.sum() + total)
        self.pay(cfg.funder, total)

    def summary(self):
        out = super().summary()
        out["budget_spent_usd"] = round(self.spent, 2)
        return out

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The matches a year the corridor's formal receipts attract (origin households), at
        most the cap per migrant and the budget's yearly pace, paid by the funder."""
        directed = view.formal * cfg.earmarked_share * (1.0 + cfg.directed_response
                                                        * cfg.match_rate)
        match = np.minimum(cfg.intensity * cfg.match_rate * directed,
                           view.stock * cfg.cap_usd_per_year)
        match = np.minimum(match, cfg.budget_usd / cfg.programme_years)
        c_o, c_d = by_side(cfg.funder, match)
        return match, c_o, np.zeros(len(view.c)), c_d
