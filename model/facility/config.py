"""Settings of the financing facility (`facility` in the config): `FacilityConfig`, every setting
with its unit, range and source, and the checks beyond the fields' own ranges (`parse_facility`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.params import ConfigError, param, typed

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
               "training (about 25,000 EUR per PALIM trainee, GFMD paper note 6)",
        prior_range=(200, 25000))
    technology_cost_usd: float = param(
        50.0, "USD per migrant", 0.01, 1e9, label="cost of moving a migrant to digital transfers",
        source="assumption, as the cheaper-remittances programme (to be fitted)",
        prior_range=(10, 500))
    protection_cost_usd: float = param(
        100.0, "USD per worker", 0.01, 1e9,
        label="cost of bringing an irregular worker under wage protection",
        source="assumption (to be fitted; no published cost found)",
        prior_range=(20, 1000))
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
               "Econ.): no detectable effect in The Gambia",
        prior_range=(0, 0.51))
    partnerships_cost_usd: float = param(
        1e6, "USD per member a year", 1.0, 1e12,
        label="dialogue and secretariat per member (63% of the trust)", source="assumption (to be fitted)",
        prior_range=(100000, 1e+07))
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
