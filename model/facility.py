"""The Concessional Financing Facility for Migration (section 4 of the GFMD paper), as a Mesa agent.

Modelled on the Global Concessional Financing Facility (GCFF), which blends donor grants with
concessional loans from development banks: by 2020 it had approved 622 M USD of grants
supporting 4.2 bn USD of projects, so one grant dollar buys down the interest on about 5.75
dollars of loans (`leverage` = 4.2 bn / 622 M = 6.75 dollars of programmes per grant dollar).

Money, from `start_year`: the year's budget is set at the start of each year (members, fees,
theme shares, recipients) and paid over the year's steps, a step's share `dt` at a time, as the
policies pay theirs (`budget_usd_per_year * model.dt`); programmes disburse through the year and
the development banks' loans are drawn as they disburse:
- in: membership fees in two tiers (`fee_high_income_usd`, `fee_other_usd`), donor grants
  (`donor_grants_usd`), and concessional loans from development banks (grants x (leverage - 1));
- out: programmes in the six GFMD themes in member countries, paid as grants (fees and donor
  grants) and as concessional loans on-lent to member governments, which repay each step's
  loans over `loan_years`, from a year after they were lent (the facility passes the repayments
  on to the development banks);
- the books balance every step: money in (fees + grants + bank loans) = money out (programme
  grants + repayments to the banks) + cash + loans outstanding (tested).
Paying a year's programmes in one step would add the year's capital at once and let it wear
off over the year: a yearly saw-tooth in every outcome the themes move (issue 20: wage theft
1.3% and remittance prices 0.26% of their level from the year's first quarter to its last).

Programmes take effect after `lag_years`, through capital that builds with spending and
depreciates (`capacity_depreciation`); in each theme the capital buys units at a cost per unit
with diminishing returns, and the units move one model mechanism in the member's corridors
(`model.facility_themes`, where the table of themes, units and mechanisms is):
- governance of labour migration: extra regular places (quotas) into member destinations;
- skilling migrants: credentials recognised for skilled emigrants from member origins;
- new technologies for migrants: migrants moved to digital transfers, so lower prices;
- migrant protection: irregular workers under wage protection, so less wage theft;
- preventing irregular migration: risk information for young people in member origins, so
  fewer irregular departures;
- partnerships: dialogue, so trust among members (agreements between members value it).
The summary prints, by theme, the money spent, the units bought and the units per million USD,
and what the outcomes are worth a year per USD spent.

Governance options (each a setting, so a sweep can compare them):
- `voting`: `equal` (one member, one vote) or `weighted` by contribution; votes set the shares of
  the themes from members' preferences (origins favour skilling, technology and protection;
  destinations governance, irregular migration and partnerships);
- `participation`: `unconditional`, or `conditional` on migration outcomes: a member receives
  programmes only while its irregular departures fall (or stay low), and every member bears a
  reporting and compliance cost;
- `allocation`: `static`, or `adaptive`: while a shock is on, `crisis_share` of the programme
  budget goes to crisis response (job retention in member destinations);
- `review`: a voluntary review framework: members report outcomes each year and the theme
  shares learn towards the themes that moved their indicator most per dollar.

Membership: each year every candidate judges membership (`judge_membership`): it joins or stays
with a probability that rises with what the programmes' outcomes are worth to itself (its
remittances, taxes and enforcement costs avoided, `facility_themes.outcome_value`), weighted by
trust and by its perceived fairness, against its fee and compliance cost. Before any outcome is
known, a candidate expects its share of the year's programmes to be worth
`expected_value_per_usd` per dollar; it then learns, the promise counting less each year until
after `outcome_learning_years` only the outcomes count. Perceived fairness falls with a voting weight below an
equal share, with conditions, and with outcomes worth less than it pays. Whether
equal, unconditional partnerships last longer is thus an outcome of these rules, which a sweep
can confirm or refute (`conf/sweep/facility_governance.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from model.components import Component, Flow, Indicator, StepEvents, step_flow
from model.facility_themes import THEMES, UNITS, apply_themes, outcome_value, reached_shares, sizes, units
from model.params import ConfigError, param, typed
from model.policies.employer_crisis_support import EmployerCrisisSupportConfig, funded_retention

# Theme preferences of a member by its role (shares; assumption stated in the docstring).
ORIGIN_PREFERENCE = np.array([0.10, 0.30, 0.30, 0.20, 0.05, 0.05])
DESTINATION_PREFERENCE = np.array([0.30, 0.05, 0.05, 0.10, 0.35, 0.15])
CHOICES = {"voting": ("equal", "weighted"), "participation": ("unconditional", "conditional"),
           "allocation": ("static", "adaptive")}


@dataclass
class FacilityConfig:
    """Settings of the financing facility (`facility` in the config)."""

    enabled: bool = param(False, "", label="the facility exists", source="scenario choice")
    start_year: float = param(2021.0, "year", 2000.0, 2100.0, label="first year of operation",
                              source="scenario choice")
    candidates: list[str] = field(default_factory=list)  # ISO3; empty = every country
    voting: str = param("equal", "", label="equal or weighted (by contribution) voting",
                        source="GFMD paper: the GCFF gives members equal voice")
    participation: str = param("unconditional", "",
                               label="unconditional, or conditional on migration outcomes",
                               source="scenario choice")
    allocation: str = param("static", "", label="static, or adaptive (crisis response in shocks)",
                            source="scenario choice")
    review: bool = param(False, "", label="voluntary review framework (allocation learns)",
                         source="GFMD paper, section 4")
    fee_high_income_usd: float = param(5e6, "USD per year", 0.0, 1e10,
                                       label="membership fee, high-income members",
                                       source="assumption (two tiers, as the paper proposes)")
    fee_other_usd: float = param(0.5e6, "USD per year", 0.0, 1e10,
                                 label="membership fee, other members", source="assumption")
    donor_grants_usd: float = param(
        125e6, "USD per year", 0.0, 1e12, label="donor grants",
        source="GCFF: 622 M USD of grants approved in 2016-2020, about 125 M a year")
    leverage: float = param(6.75, "USD of programmes per grant USD", 1.0, 50.0,
                            label="programmes per grant dollar (grants blended with loans)",
                            source="GCFF: 622 M USD of grants supported 4.2 bn USD of projects")
    loan_years: float = param(25.0, "years", 1.0, 60.0, label="repayment period of the loans",
                              source="assumption (IDA-like concessional terms, 25-40 years)")
    lag_years: float = param(1.0, "years", 0.0, 10.0, label="delay before programmes take effect",
                             source="assumption")
    capacity_depreciation: float = param(0.1, "per year", 0.0, 1.0,
                                         label="decay of what programmes built",
                                         source="assumption")
    governance_cost_usd: float = param(
        50000.0, "USD per regular place a year", 1.0, 1e9,
        label="cost of an extra regular place a year (first places)",
        source="GFMD paper, note 6: PALIM (Belgium-Morocco) spent 1.5 M EUR to train 60 "
               "graduates and place about half in jobs in Flanders, about 50,000 EUR a placement "
               "(a pilot; larger schemes may cost less)")
    governance_max_expansion: float = param(
        1.0, "share of the quota", 0.0, 10.0, label="most the quotas can grow",
        source="Germany's Western Balkans regulation: 25,000 places a year from 2021, doubled "
               "to 50,000 in 2024")
    skilling_cost_usd: float = param(
        2000.0, "USD per credential", 1.0, 1e9,
        label="cost of training and certifying a skilled emigrant (first ones)",
        source="assumption between skills tests (100-500 USD, as skill recognition) and "
               "training (about 25,000 EUR per PALIM trainee, GFMD paper note 6)")
    technology_cost_usd: float = param(
        50.0, "USD per migrant", 0.01, 1e9, label="cost of moving a migrant to digital transfers",
        source="assumption, as the cheaper-remittances programme (to be fitted)")
    protection_cost_usd: float = param(
        100.0, "USD per worker", 0.01, 1e9,
        label="cost of bringing an irregular worker under wage protection",
        source="assumption (to be fitted; no published cost found)")
    protection_effect: float = param(
        0.3, "share", 0.0, 1.0, label="share of a protected worker's stolen wages recovered",
        source="assumption; the evidence is weak: Engineers Against Poverty (2019) finds the "
               "UAE Wage Protection System has not reduced late or non-payment")
    information_cost_usd: float = param(
        20.0, "USD per person reached", 0.01, 1e9,
        label="cost of reaching a young person with risk information",
        source="assumption (to be fitted), above Aware Migrants' about 3 EUR per person "
               "reached online (1.5 M EUR, over 530,000 people, IOM), as face-to-face sessions "
               "like the Guinea trial's cost more")
    audience_per_irregular: float = param(
        20.0, "people per irregular departure", 1.0, 1e6,
        label="young people a campaign must reach per would-be irregular migrant",
        source="assumption (to be fitted)")
    information_effect: float = param(
        0.25, "share", 0.0, 1.0, label="fall in irregular departures among those reached",
        source="between Battiston, Corno and La Ferrara (Guinea RCT): migration without a visa "
               "fell 51% a year later, and Bah, Batista, Gubert and McKenzie (2023, J. Dev. "
               "Econ.): no detectable effect in The Gambia")
    partnerships_cost_usd: float = param(
        1e6, "USD per member a year", 1.0, 1e12,
        label="dialogue and secretariat per member (63% of the trust)", source="assumption (to be fitted)")
    max_trust: float = param(0.5, "share", 0.0, 10.0,
                             label="most trust dialogue builds (the value of agreements "
                                   "between members rises by it)", source="assumption (to be fitted)")
    outcome_learning_years: float = param(
        3.0, "years", 0.0, 50.0,
        label="years of outcomes after which countries judge on outcomes alone",
        source="assumption (to be fitted; before, they blend what they see with the promise)")
    expected_value_per_usd: float = param(
        1.0, "USD of value per USD of programmes", 0.0, 100.0,
        label="what a candidate expects of a programme dollar before any outcome is known",
        source="assumption (to be fitted; a dollar is expected to be worth a dollar)")
    compliance_cost_usd: float = param(2e6, "USD per member per year", 0.0, 1e10,
                                       label="reporting and compliance cost when conditional",
                                       source="assumption")
    conditional_fairness_penalty: float = param(
        0.3, "share", 0.0, 1.0, label="perceived fairness lost to conditions",
        source="assumption (conditionality is resented as intrusive, GFMD paper)")
    loan_grant_element: float = param(
        0.35, "share", 0.0, 1.0, label="grant element of the concessional loans",
        source="IMF/World Bank: loans count as concessional with a grant element of at least "
               "35%")
    exit_sensitivity: float = param(3.0, "", 0.0, 100.0,
                                    label="how sharply members react to value / cost",
                                    source="assumption")
    crisis_share: float = param(0.5, "share", 0.0, 1.0,
                                label="adaptive allocation: budget to crisis response in shocks",
                                source="GCFF restructured operations for COVID-19 (paper)")
    learning_rate: float = param(0.5, "", 0.0, 5.0, label="review: speed of reallocation",
                                 source="assumption")


def validate_facility(cfg: FacilityConfig) -> FacilityConfig:
    """Checks beyond the fields' own ranges: text options, the six effects, country codes."""
    typed(FacilityConfig, cfg, "facility", choices=CHOICES)
    from model.world.loader import shipped_countries

    bad = sorted(set(cfg.candidates) - set(shipped_countries()["iso3"]))
    if bad:
        raise ConfigError(f"facility.candidates: unknown country code(s) {', '.join(bad)}")
    return cfg


def parse_facility(spec) -> FacilityConfig:
    """A validated FacilityConfig from a mapping (or one already built)."""
    return validate_facility(typed(FacilityConfig, spec, "facility"))


def _books(key: str):
    return lambda model: model.facility.books[key] if model.facility is not None else 0.0


class FinancingFacility(mesa.Agent, Component):
    """The facility: members, money, programmes by theme and member, governance rules.

    As a component it runs the `facility` phase of the step (the year's decisions and budget
    at the start of each year; every step, the step's share of the money and the programmes'
    effects), counts irregular arrivals after the emigration phase and, with the voluntary
    review, learns at the end of each year.
    """

    name = "facility"
    label = "financing facility"
    phase = "facility"
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

    def count_irregular_by_origin(self) -> np.ndarray:
        """Irregular arrivals per origin since the facility's year began (people)."""
        m = self.model
        return np.bincount(m.corridors.o, self.year_irregular, len(m.countries.iso3))

    def theme_outcomes(self) -> dict[str, float]:
        """One indicator per GFMD theme, higher is better (the voluntary review)."""
        v = self.model.measure()
        return {"governance": 1.0 - v["irregular_share"],
                "skilling": v["recognised_share"],
                "technology": -v["remittance_price_pct"] / 100.0,
                "protection": -v["wage_theft_usd"] / max(v["remittances_sent_usd"], 1.0),
                "irregular": -v["arrivals_irregular"] / max(v["inflows"], 1.0),
                "partnerships": float(self.member.mean())}

    # ---------------------------------------------------------------- yearly decisions
    def active(self) -> bool:
        return self.model.now() + 1e-9 >= self.cfg.start_year

    def roles(self) -> tuple[np.ndarray, np.ndarray]:
        """People abroad from and living in each country now."""
        m = self.model
        stock = m.tallies.stock()
        C = len(m.countries.iso3)
        return (np.bincount(m.corridors.o, stock, C), np.bincount(m.corridors.d, stock, C))

    def votes(self) -> np.ndarray:
        """Voting shares of the members (0 for others)."""
        if not self.member.any():
            return np.zeros_like(self.fee)
        if self.cfg.voting == "equal":
            return self.member / self.member.sum()
        paid = self.fee * self.member
        return paid / paid.sum()

    def preferences(self) -> np.ndarray:
        """Theme preferences of every country ([C, T]) from its role as origin or destination."""
        emigrants, immigrants = self.roles()
        origin_share = np.divide(emigrants, emigrants + immigrants,
                                 out=np.full(len(emigrants), 0.5), where=emigrants + immigrants > 0)
        return (origin_share[:, None] * ORIGIN_PREFERENCE
                + (1 - origin_share[:, None]) * DESTINATION_PREFERENCE)

    def fairness(self) -> np.ndarray:
        """Perceived fairness 0-1 of membership for every country (as member or candidate)."""
        n = max(int(self.member.sum()), 1)
        c = self.model.countries
        if self.cfg.voting == "weighted":
            members_fees = (self.fee * self.member).sum() or self.fee.mean() * n
            voice = np.minimum(1.0, self.fee / members_fees * n)  # vote share / equal share
        else:
            voice = np.ones(len(c.iso3))
        conditions = 1.0 - (self.cfg.conditional_fairness_penalty
                            if self.cfg.participation == "conditional" else 0.0)
        returns = np.minimum(1.0, self.own_value() / np.maximum(self.membership_cost(), 1.0))
        return voice * conditions * (0.5 + 0.5 * returns)

    def outcome_values(self) -> np.ndarray:
        """What the programmes' outcomes are worth a year to each country, by theme ([T, C],
        USD; `facility_themes.outcome_value`)."""
        return outcome_value(self.model, self, self.reached)

    def own_value(self) -> np.ndarray:
        """What membership is worth a year to each country: its own outcomes for members; for
        candidates, what members get on average; before any outcome, the promise of an equal
        share of the year's programmes (`expected_value_per_usd` per dollar)."""
        value = self.outcome_values().sum(axis=0)
        promise = np.full(len(value), self.cfg.expected_value_per_usd * self.programme_budget()
                          / max(self.candidate.sum(), 1))
        if not self.member.any() or not self.reached.any():
            return promise
        seen = np.where(self.member, value, value[self.member].mean())
        # Countries learn from outcomes as they come in: the promise counts less each year.
        weight = min(1.0, self.years_seen / max(self.cfg.outcome_learning_years, 1e-9))
        return weight * seen + (1.0 - weight) * promise

    def membership_cost(self) -> np.ndarray:
        """What membership costs each country a year: its fee, its compliance cost and the part
        of last year's loans to it that is not a grant (USD)."""
        return self.fee + self._compliance() + self.loan_cost

    def _compliance(self) -> np.ndarray:
        if self.cfg.participation == "conditional":
            return np.full(len(self.fee), self.cfg.compliance_cost_usd)
        return np.zeros(len(self.fee))

    def judge_membership(self) -> None:
        """Candidates join, members stay or leave: value x fairness against cost (logit)."""
        m, cfg = self.model, self.cfg
        rng = m.streams["facility"]
        cost = self.membership_cost()
        value = self.own_value() * (1.0 + self.trust) * self.fairness()
        ratio = np.log(np.maximum(value, 1.0) / np.maximum(cost, 1.0))
        p_in = 1.0 / (1.0 + np.exp(-cfg.exit_sensitivity * ratio))
        stays = rng.random(len(cost)) < p_in
        self.member = self.candidate & stays
        if self.reached.any():
            self.years_seen += 1

    def programme_budget(self) -> float:
        """Programmes a year: (fees + grants) x leverage."""
        fees = float((self.fee * self.member).sum())
        return (fees + self.cfg.donor_grants_usd) * self.cfg.leverage

    # ---------------------------------------------------------------- the year's money
    def plan_year(self) -> None:
        """Set the year's budget at the start of the year: fees of this year's members, donor
        grants and bank loans; its split by theme (votes, review, crisis rule) and by receiving
        member; what the year's loans will cost each member. `pay_step` pays it over the year."""
        m, cfg = self.model, self.cfg
        fees = float((self.fee * self.member).sum())
        grants = cfg.donor_grants_usd
        bank_loans = (fees + grants) * (cfg.leverage - 1.0)
        # Theme shares: votes over preferences, the review's learning, the crisis rule.
        shares = self.votes() @ self.preferences() if self.member.any() else self.theme_shares
        if cfg.review and self.last_outcome is not None:
            shares = self.theme_shares * np.exp(cfg.learning_rate * self.last_outcome)
        shares = shares / shares.sum()
        self.theme_shares = shares
        crisis = cfg.allocation == "adaptive" and m.shocks.any_on(m)
        budget = fees + grants + bank_loans
        crisis_budget = budget * cfg.crisis_share if crisis else 0.0
        self.crisis_spent = crisis_budget
        themed = (budget - crisis_budget) * shares
        # Members that receive: all members, or under conditions the compliant ones.
        eligible = self.member & (self.compliant if cfg.participation == "conditional" else True)
        emigrants, immigrants = self.roles()
        spend = np.zeros((len(THEMES), len(self.fee)))
        for t, theme in enumerate(THEMES):
            base = immigrants if theme in ("governance", "protection") else (
                emigrants if theme in ("skilling", "irregular") else emigrants + immigrants)
            weight = base * eligible
            if weight.sum() > 0:
                spend[t] = themed[t] * weight / weight.sum()
        self.by_theme = spend.sum(axis=1)
        if crisis_budget and eligible.any():
            weight = immigrants * eligible
            self.crisis_weight = weight / max(weight.sum(), 1.0)
        crisis_paid = crisis_budget if eligible.any() else 0.0
        # The loan part of what is spent is on-lent to the receiving governments; its cost to a
        # member is the part of the loan that is not a grant.
        loan_share = bank_loans / budget if budget else 0.0
        gross = spend.sum(axis=0) + (crisis_budget * self.crisis_weight if crisis_budget else 0.0)
        self.loan_cost = gross * loan_share * (1.0 - cfg.loan_grant_element)
        # Members' fees: a cost to their governments (as origin or destination by role).
        origin_role = emigrants >= immigrants
        self.plan = {"fees": fees, "grants": grants, "bank_loans": bank_loans, "spend": spend,
                     "crisis": crisis_paid, "loan_share": loan_share,
                     "fees_origin": float((self.fee * self.member * origin_role).sum()),
                     "fees_destination": float((self.fee * self.member * ~origin_role).sum()),
                     "compliance": float((self._compliance() * self.member).sum())}
        self.history.append({"year": m.now(), "members": int(self.member.sum()), "fees": fees,
                             "grants": grants, "bank_loans": bank_loans,
                             **{f"theme_{t}": float(x) for t, x in zip(THEMES, self.by_theme)},
                             "crisis_response": crisis_budget})

    def pay_step(self) -> None:
        """Collect and spend the step's share `dt` of the year's budget (`plan_year`): fees,
        grants and bank loans in; programmes by theme and member out, into the pipeline that
        builds capital after `lag_years`; the loan part on-lent; everything booked."""
        m, cfg, b, p, dt = self.model, self.cfg, self.books, self.plan, self.model.dt
        fees, grants, bank_loans = p["fees"] * dt, p["grants"] * dt, p["bank_loans"] * dt
        b["fees"] += fees
        b["grants"] += grants
        b["bank_loans"] += bank_loans
        b["cash"] += fees + grants + bank_loans
        spend = p["spend"] * dt
        crisis = p["crisis"] * dt
        spent = float(spend.sum()) + crisis
        loan_part = spent * p["loan_share"]
        b["cash"] -= spent
        b["programme_grants"] += spent - loan_part
        b["loans_outstanding"] += loan_part
        if loan_part > 0:
            # Repaid in equal parts a step over loan_years, from a year after it was lent.
            n = max(int(round(cfg.loan_years * m.steps_per_year)), 1)
            self.loan_book = np.vstack([self.loan_book,
                                        [loan_part / n, m.steps + m.steps_per_year, n]])
        self.spent += spend.sum(axis=1)
        self.pipeline.append((m.now() + cfg.lag_years, spend))
        f = m.flows
        f["cost_facility"][0] += spent
        f["cost_origin"][0] += p["fees_origin"] * dt
        f["cost_destination"][0] += p["fees_destination"] * dt
        comp = p["compliance"] * dt
        self.compliance_paid += comp
        f["cost_origin"][0] += comp / 2
        f["cost_destination"][0] += comp / 2
        f["facility_fees"][0] += fees
        f["facility_grants"][0] += grants
        f["facility_bank_loans"][0] += bank_loans
        f["facility_crisis_response"][0] += crisis
        for t, theme in enumerate(THEMES):
            f[f"facility_theme_{theme}"][0] += float(spend[t].sum())

    def repay_loans(self) -> None:
        """Members repay the step's instalments of their loans; the facility passes them on to
        the development banks, so its cash is unchanged."""
        book = self.loan_book
        if not len(book):
            return
        due = book[:, 1] <= self.model.steps
        repaid = float(book[due, 0].sum())
        book[due, 2] -= 1
        self.loan_book = book[book[:, 2] > 0]
        self.books["loans_outstanding"] -= repaid
        self.books["repaid_to_banks"] += repaid

    def review_outcomes(self, before: dict, after: dict) -> None:
        """Voluntary review: the relative improvement of each theme's indicator per dollar."""
        gains = np.array([after[k] - before[k] for k in THEMES])
        per_dollar = gains / np.maximum(self.by_theme, 1.0)
        scale = np.abs(per_dollar).max()
        self.last_outcome = per_dollar / scale if scale > 0 else np.zeros(len(THEMES))

    def check_conditions(self) -> None:
        """Conditional participation: origins comply while their irregular departures do not
        rise (destinations always comply)."""
        irregular = self.count_irregular_by_origin()
        if self.last_irregular is not None:
            # One person of slack: integer agents make "no rise" noisy for tiny origins.
            self.compliant = irregular <= self.last_irregular + 1.0
        self.last_irregular = irregular

    # ---------------------------------------------------------------- effects every step
    def apply(self) -> None:
        """Programmes whose lag has passed build capital; capital buys units in each theme,
        which move the levers (`facility_themes`)."""
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

    def balance_gap(self) -> float:
        """in - (out + cash + loans outstanding): zero when the books balance."""
        b = self.books
        money_in = b["fees"] + b["grants"] + b["bank_loans"]
        money_out = b["programme_grants"] + b["repaid_to_banks"]
        return money_in - (money_out + b["cash"] + b["loans_outstanding"])


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
