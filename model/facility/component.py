"""The financing facility as a Mesa agent and a model component: what it declares (the levers it
moves, its flows, indicators), its state, its phase of the step and its hooks, and what its
programmes do every step.

Programmes take effect after `lag_years`, through capital that builds with spending and
depreciates (`capacity_depreciation`); in each theme the capital buys units at a cost per unit
with diminishing returns, and the units move one model mechanism in the member's corridors
(`model.facility.themes`, where the table of themes, units and mechanisms is):
- governance of labour migration: extra regular places (quotas) into member destinations;
- skilling migrants: credentials recognised for skilled emigrants from member origins;
- new technologies for migrants: migrants moved to digital transfers, so lower prices;
- migrant protection: irregular workers under wage protection, so less wage theft;
- preventing irregular migration: risk information for young people in member origins, so
  fewer irregular departures;
- partnerships: dialogue, so trust among members (agreements between members value it).
The summary prints, by theme, the money spent, the units bought and the units per million USD,
and what the outcomes are worth a year per USD spent.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.components import Component, Flow, Indicator, RunFigure, StepEvents, step_flow
from model.facility.budget import Budget
from model.facility.config import FacilityConfig
from model.facility.membership import Membership
from model.facility.payments import Payments
from model.facility.themes import THEMES, UNITS, apply_themes, reached_shares, sizes, units
from model.policies.employer_crisis_support import EmployerCrisisSupportConfig, funded_retention


def _books(key: str):
    return lambda model: model.facility.books[key] if model.facility is not None else 0.0


class FinancingFacility(Membership, Budget, Payments, mesa.Agent, Component):
    """The facility: members, money, programmes by theme and member, governance rules.

    As a component it runs the `facility` phase of the step (the year's decisions and budget
    at the start of each year; every step, the step's share of the money and the programmes'
    effects), counts irregular arrivals after the emigration phase and, with the voluntary
    review, learns at the end of each year. Its members (`Membership`), the year's budget
    (`Budget`) and the step's money (`Payments`) are in their own modules.
    """

    name = "facility"
    label = "financing facility"
    phase = "facility"
    figures = (RunFigure("facility.png", "with the facility: money in by source and programmes "
                         "by theme per year, member countries, and what a dollar of each theme "
                         "bought", "model.plots.facility:plot_facility"),)
    config_key = "facility"
    config_class = FacilityConfig
    moves_levers = ("corridors.quota_multiplier", "corridors.recognition_share",
                    "corridors.price_pct", "corridors.wage_theft_share",
                    "corridors.irregular_deterrence", "countries.job_loss_multiplier")
    flows = (Flow("facility_fees", "USD", "membership fees received by the facility"),
             Flow("facility_grants", "USD", "donor grants received by the facility"),
             Flow("facility_bank_loans", "USD", "concessional loans blended in"),
             Flow("facility_crisis_response", "USD", "programmes for crisis response"),
             *(Flow(f"facility_theme_{t}", "USD", f"facility programmes: {t}") for t in THEMES))
    indicators = (
        Indicator("facility_members", "countries", "members of the financing facility",
                  lambda model: (float(model.facility.member.sum())
                                 if model.facility is not None else 0.0)),
        Indicator("facility_fees_usd", "USD per step", "membership fees received by the facility",
                  step_flow("facility_fees")),
        Indicator("facility_grants_usd", "USD per step", "donor grants received by the facility",
                  step_flow("facility_grants")),
        Indicator("facility_bank_loans_usd", "USD per step",
                  "concessional loans from development banks blended in",
                  step_flow("facility_bank_loans")),
        Indicator("facility_cash_usd", "USD", "the facility's cash balance", _books("cash")),
        Indicator("facility_loans_outstanding_usd", "USD", "loans on-lent to members, outstanding",
                  _books("loans_outstanding")),
        Indicator("facility_crisis_response_usd", "USD per step", "programmes for crisis response",
                  step_flow("facility_crisis_response")),
        *(Indicator(f"facility_theme_{t}_usd", "USD per step", f"facility programmes: {t}",
                    step_flow(f"facility_theme_{t}")) for t in THEMES),
    )

    @classmethod
    def build(cls, model) -> FinancingFacility | None:
        """The facility when it is on."""
        return cls(model, model.cfg.facility) if model.cfg.facility.enabled else None

    def __init__(self, model, cfg: FacilityConfig):
        super().__init__(model)
        self.cfg = cfg
        c, C = model.countries, len(model.countries.iso3)
        self.candidate = (np.isin(c.iso3, cfg.candidates) if cfg.candidates
                          else np.ones(C, dtype=bool))
        self.member = np.zeros(C, dtype=bool)
        self.years_seen = 0  # judgements made with outcomes to see
        self.fee = np.where(c.high_income, cfg.fee_high_income_usd, cfg.fee_other_usd)
        self.theme_shares = np.full(len(THEMES), 1.0 / len(THEMES))
        self.capacity = np.zeros((len(THEMES), C))     # built by programmes, USD
        self.pipeline: list[tuple[float, np.ndarray]] = []  # (year effective, spending [T, C])
        self.loan_cost = np.zeros(C)  # last year's loans to each member, at their cost to it, USD
        self.trust = np.zeros(C)
        self.sizes = np.zeros((len(THEMES), C))  # the most units each theme could buy
        self.reached = np.zeros((len(THEMES), C))  # the share of them bought
        self.spent = np.zeros(len(THEMES))  # programme money by theme over the run, USD
        # Irregular arrivals per corridor in each of the last steps_per_year steps (a ring, the
        # slot of a step's position in the year): the trailing year the campaigns' audience
        # follows every step, instead of jumping once a year to the last calendar year's count.
        self.recent_irregular = np.zeros((model.steps_per_year, len(model.corridors.o)))
        self.compliant = np.ones(C, dtype=bool)
        self.last_irregular = None
        self.last_outcome = None
        # Books (cumulative, USD) and balances.
        self.books = {"fees": 0.0, "grants": 0.0, "bank_loans": 0.0, "programme_grants": 0.0,
                      "repaid_to_banks": 0.0, "cash": 0.0, "loans_outstanding": 0.0}
        # Loans on-lent, one row a step: (repayment a step, step of the first, steps left).
        self.loan_book = np.zeros((0, 3))
        self.by_theme = np.zeros(len(THEMES))           # programme money by theme this year
        self.crisis_spent = 0.0                         # crisis response this year, USD
        self.plan: dict | None = None                   # this year's money, paid per step
        self.crisis_jobs_kept = 0.0  # job-steps kept by the crisis response
        self.compliance_paid = 0.0
        self.crisis_weight = np.zeros(C)  # shares of crisis response by member destination
        self.history: list[dict] = []
        self.year_irregular = np.zeros(len(model.corridors.o))  # irregular arrivals this year
        self.last_outcomes: dict | None = None  # theme outcomes at the last review

    # ---------------------------------------------------------------- the step
    def run(self, model, events: StepEvents) -> None:
        """The facility phase: at the start of its year, conditions, membership and the year's
        budget; every step, loan repayments, the step's share of the budget and the programmes'
        effects on the levers."""
        if not self.active():
            return
        if (model.steps - 1) % model.steps_per_year == 0:
            self.check_conditions()
            self.judge_membership()
            self.plan_year()
            self.year_irregular[:] = 0.0
        self.repay_loans()
        if self.plan is not None:
            self.pay_step()
        self.apply()

    def after_emigration(self, model, events: StepEvents) -> None:
        """Count the step's irregular arrivals: in the facility's year (conditional
        participation judges them) and in the trailing year (the campaigns' audience)."""
        self.year_irregular += model.flows["arrivals_irregular"]
        self.recent_irregular[(model.steps - 1) % model.steps_per_year] = \
            model.flows["arrivals_irregular"]

    def end_of_year(self, model, events: StepEvents) -> None:
        """The voluntary review: theme outcomes now against a year ago."""
        if not (self.active() and self.cfg.review):
            return
        outcomes = self.theme_outcomes()
        if self.last_outcomes is not None:
            self.review_outcomes(self.last_outcomes, outcomes)
        self.last_outcomes = outcomes

    def active(self) -> bool:
        """Whether the facility operates yet (from `start_year`)."""
        return self.model.now() + 1e-9 >= self.cfg.start_year

    # ---------------------------------------------------------------- effects every step
    def apply(self) -> None:
        """Programmes whose lag has passed build capital; capital buys units in each theme,
        which move the levers (`themes`)."""
        m, cfg = self.model, self.cfg
        now = m.now()
        arrived = [s for y, s in self.pipeline if y <= now + 1e-9]
        self.pipeline = [(y, s) for y, s in self.pipeline if y > now + 1e-9]
        for spend in arrived:
            self.capacity += spend
        self.capacity *= (1.0 - cfg.capacity_depreciation) ** m.dt
        self.sizes = sizes(m, self)
        self.reached = reached_shares(self, units(m, self))
        apply_themes(m, self, self.reached)
        if self.crisis_spent and m.shocks.any_on(m):
            # Crisis response: wage subsidies for job retention in member destinations, by the
            # employer-support rule (its default settings) with the year's crisis money.
            kept, _ = funded_retention(m, self.crisis_weight > 0, self.crisis_spent * m.dt,
                                       EmployerCrisisSupportConfig())
            self.crisis_jobs_kept += float(kept.sum())

    def irregular_past_year(self) -> np.ndarray:
        """Irregular arrivals per corridor over the last steps_per_year steps (people; at the
        start of the facility's year, its last full year)."""
        return self.recent_irregular.sum(axis=0)

    def irregular_last_year(self) -> np.ndarray:
        """Irregular arrivals per origin over the last steps_per_year steps (people)."""
        m = self.model
        return np.bincount(m.corridors.o, self.irregular_past_year(), len(m.countries.iso3))

    def effect_per_dollar(self) -> dict[str, dict[str, float]]:
        """By theme: money spent over the run, units bought now, units per million USD, and the
        outcomes' worth a year per USD spent (the summary's `effect_per_dollar`)."""
        bought = (self.reached * self.sizes).sum(axis=1)
        worth = self.outcome_values().sum(axis=1)
        out = {}
        for t, theme in enumerate(THEMES):
            spent = float(self.spent[t])
            out[theme] = {"unit": UNITS[theme], "spent_usd": round(spent, 2),
                          "units": round(float(bought[t]), 2),
                          "units_per_million_usd": round(float(bought[t]) / spent * 1e6, 4)
                          if spent > 0 else 0.0,
                          "value_per_year_per_usd": round(float(worth[t]) / spent, 6)
                          if spent > 0 else 0.0}
        return out

    def summary(self) -> dict:
        """What summary.json records of the facility: settings, books, membership."""
        import dataclasses

        members = [h["members"] for h in self.history]
        return {"parameters": dataclasses.asdict(self.cfg),
                "books_usd": {k: round(v, 2) for k, v in self.books.items()},
                "balance_gap_usd": round(self.balance_gap(), 6),
                "compliance_costs_usd": round(self.compliance_paid, 2),
                "crisis_jobs_kept": round(self.crisis_jobs_kept, 2),
                "members_by_year": members,
                "members_mean": float(np.mean(members)) if members else 0.0,
                "members_end": members[-1] if members else 0,
                "theme_shares_end": dict(zip(THEMES, np.round(self.theme_shares, 4).tolist())),
                "effect_per_dollar": self.effect_per_dollar(),
                "years": [h["year"] for h in self.history]}
