"""Remittance matching fund.

A government (or the financing facility) tops up remittances that migrants send through formal
channels and earmark for education or investment, at `match_rate` per dollar, up to a cap per
migrant, from a finite budget. The design follows the matching-fund field experiment of Ambler,
Aycinena and Yang (2015, AEJ: Applied 7(2)) with Salvadoran migrants (matches of 1:1 and 3:1):
for each dollar beneficiaries received (the migrant's money and the match), education spending
rose by 3.72 dollars, and remittances as a whole did not change. Mechanism (covered corridors):

- migrants respond to the match they can expect to be paid, not to the announced rate: the rate
  times the share of requests the fund met last step (`fill`; none before the first payment).
  A fund that can pay 1% of what is asked moves behaviour 1% as much as one that pays in full;
- migrants direct part of their formal transfers to the matched use (education, investment):
  a share `earmarked_share` without a match, rising with the expected match,
  `earmarked_share` x (1 + `directed_response` x match rate x fill). The directed part is taken
  from what they already send (the experiment found no change in remittances as a whole);
- the expected match makes the formal channel more attractive: its utility rises by the price
  sensitivity times the expected match as a percentage of the amount (a match is a negative
  price);
- the fund pays `match_rate` x the directed receipts, capped per migrant, from a budget paced
  over `programme_years`: each step it spends at most what is left of the year's budget
  divided by the steps left in the year (matches are prorated when demand exceeds it);
- households that receive matched transfers add their own spending on the matched use
  (`household_cospending` per dollar received through the programme, the crowd-in the
  experiment measured), so education and investment at origin rise by the directed receipts,
  the match and that added spending.
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
        source="to be fitted (prior 0 to 3): Ambler, Aycinena and Yang (2015) report that the "
               "matches raised what migrants sent to education, not by how much per unit of "
               "match; with no change in remittances as a whole",
        prior_range=(0, 3))
    household_cospending: float = param(
        2.72, "USD per USD", 0.0, 20.0,
        label="households' own added spending on the matched use per dollar received through "
        "the programme", source="Ambler, Aycinena and Yang (2015) AEJ: Applied 7(2), abstract: "
        "'for each $1 received by beneficiaries, educational expenditures increase by $3.72' "
        "(the dollar received and 2.72 of the household's own; interval in the paper's tables, "
        "not retrieved); Salvadoran students, one school year")
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
             Flow("investment_usd", "USD", "education and investment spending at origin from "
                  "earmarked remittances, matches and households' added spending"))
    indicators = (
        Indicator("household_income_usd", "USD per step",
                  "income of households at origin from abroad: remittances received plus "
                  "matches", lambda model: float(model.flows["received"].sum()
                                                 + model.flows["topup"].sum()),
                  compare=("Income of origin households from abroad", "usd_step")),
        Indicator("matching_topup_usd", "USD per step", "remittance matches paid",
                  corridor_flow("topup")),
        Indicator("origin_investment_usd", "USD per step",
                  "education and investment spending at origin from earmarked remittances: the "
                  "remittances, the matches and households' own added spending",
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
        self.fill = 0.0        # share of match requests the fund met last step (none yet):
        # what migrants expect to be paid, so an unfunded announcement moves nothing

    def budget_left(self) -> float:
        return max(self.cfg.budget_usd - self.spent, 0.0)

    def expected_match(self) -> float:
        """The match per dollar directed that migrants expect: the rate, times the share of
        requests the fund met last step."""
        return self.cfg.match_rate * self.cfg.intensity * self.fill

    def directed_share(self) -> float:
        """Share of formal transfers migrants direct to the matched use, given the match they
        expect."""
        cfg = self.cfg
        return min(1.0, cfg.earmarked_share * (1.0 + cfg.directed_response
                                               * self.expected_match()))

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
        # The match a migrant can expect on a formal dollar (a small fund for many migrants is
        # a small incentive), as a negative price in % of the amount.
        effective_pct = 100.0 * self.expected_match() * self.directed_share()
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
        # Received through the programme: the directed receipts the match was paid on, and the
        # match; households add their own spending to it.
        rate = cfg.match_rate * cfg.intensity
        through = total / rate + total if rate > 0 else 0.0
        f["investment_usd"][0] += float(directed.sum() + total
                                        + cfg.household_cospending * through)
        self.pay(cfg.funder, total)

    def summary(self):
        out = super().summary()
        out["budget_spent_usd"] = round(self.spent, 2)
        return out

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The matches a year the corridor's formal receipts attract (origin households), at
        most the cap per migrant and the budget's yearly pace, paid by the funder. Migrants
        direct more only as far as the fund can pay: the expected fill is the budget's yearly
        pace over the requests at the baseline directed share."""
        rate = cfg.intensity * cfg.match_rate
        asked = np.minimum(rate * view.formal * cfg.earmarked_share,
                           view.stock * cfg.cap_usd_per_year)
        fill = np.minimum(1.0, cfg.budget_usd / cfg.programme_years / np.maximum(asked, 1e-9))
        directed = view.formal * cfg.earmarked_share * (1.0 + cfg.directed_response
                                                        * rate * fill)
        match = np.minimum(rate * directed, view.stock * cfg.cap_usd_per_year)
        match = np.minimum(match, cfg.budget_usd / cfg.programme_years)
        c_o, c_d = by_side(cfg.funder, match)
        return match, c_o, np.zeros(len(view.c)), c_d
