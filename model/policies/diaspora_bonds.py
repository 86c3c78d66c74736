"""Diaspora bonds.

An origin government sells bonds to its diaspora; proceeds fund programmes at home, and coupons
and principal are repaid over time. Israel (since 1951) and India (1991, 1998, 2000) raised
billions this way and Nigeria raised 300 M USD in 2017 (GFMD paper; Ketkar and Ratha 2009,
"Innovative Financing for Development", World Bank). Mechanism (origins in `members`, or every
origin with scope `all`):

- once a year, migrants abroad from an issuing origin put a share of their savings into the
  bond: `uptake_rate` x `trust` x exp(`rate_sensitivity` x (coupon - `reference_yield_pct`)),
  so demand rises with the diaspora's savings, the coupon's spread and trust; the issuer may cap
  an issue (`issue_size_usd`), scaling every order down alike;
- holders receive the coupon yearly and the principal after `maturity_years` (into savings);
- the issuer pays coupons and principal (an origin cost); what it raised funds programmes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.components import Field, Flow, Indicator, step_flow
from model.params import param
from model.policies.base import Policy, PolicyConfig, register
from model.population import ABROAD
from model.processes.earnings import settle, start_accrual


@dataclass
class DiasporaBondsConfig(PolicyConfig):
    # Issuers: origins that have sold diaspora bonds (GFMD paper: India, Nigeria).
    scope: str = param("members", "", label="issuers: every origin (all) or the `members`",
                       source="scenario choice")
    members: list[str] = field(default_factory=lambda: ["IND", "NGA"])
    coupon_pct: float = param(
        5.625, "% a year", 0.0, 30.0, label="coupon",
        source="Nigeria's 2017 diaspora bond: 300 M USD, 5 years, 5.625% (Debt Management "
               "Office of Nigeria)")
    maturity_years: int = param(5, "years", 1, 30, label="maturity", source="as Nigeria 2017")
    reference_yield_pct: float = param(
        3.0, "% a year", 0.1, 30.0, label="return on the diaspora's other savings",
        source="assumption (deposit and treasury yields in host countries around 2019)",
        prior_range=(1, 6))
    trust: float = param(
        0.5, "share", 0.0, 1.0, label="the diaspora's trust in the issuer",
        source="assumption (Ketkar and Ratha 2009: trust and patriotism drive take-up)",
        prior_range=(0.2, 1))
    uptake_rate: float = param(
        0.0025, "share of savings per year", 0.0, 1.0,
        label="savings invested in a year at full trust and a coupon at the reference yield",
        source="calibrated: Nigeria's 2017 diaspora bond (300 M USD at 5.625%) was 130% "
               "subscribed (Debt Management Office of Nigeria), i.e. orders of about 390 M USD; "
               "the default world's Nigerian diaspora holds about 150 bn USD of savings")
    rate_sensitivity: float = param(
        0.3, "per percentage point", 0.0, 5.0,
        label="rise of log demand per point of coupon above the reference yield",
        source="to be fitted (no published elasticity; Ketkar and Ratha 2009 argue diasporas "
               "accept a 'patriotic discount', i.e. demand is not very rate-sensitive)",
        prior_range=(0, 1))
    issue_size_usd: float = param(
        0.0, "USD per year per issuer", 0.0, 1e12,
        label="most an issuer sells in a year (0: no cap, demand decides)",
        source="issuer's choice (Nigeria capped its 2017 issue at 300 M USD)")


def demand_share(cfg: DiasporaBondsConfig) -> float:
    """Share of its savings a migrant of an issuing origin puts into the bond in a year: the
    uptake at a coupon equal to the reference yield, times trust, rising exponentially with the
    coupon's spread over the reference yield (at most all of it)."""
    spread = cfg.coupon_pct - cfg.reference_yield_pct
    return min(1.0, cfg.intensity * cfg.uptake_rate * cfg.trust
               * float(np.exp(cfg.rate_sensitivity * spread)))


@register
class DiasporaBonds(Policy):
    """Bonds sold to the diaspora (see the module docstring)."""

    name = "diaspora_bonds"
    label = "diaspora bonds"
    main_parameter = "coupon_pct"
    config_class = DiasporaBondsConfig
    fields = (Field("bonds", np.float64, "diaspora bonds held, USD per person"),)
    flows = (Flow("bonds_raised_usd", "USD", "diaspora bonds sold"),
             Flow("bonds_repaid_usd", "USD", "diaspora bond coupons and principal paid"))
    indicators = (
        Indicator("bonds_raised_usd", "USD per step", "diaspora bonds sold",
                  step_flow("bonds_raised_usd")),
        Indicator("bonds_repaid_usd", "USD per step", "diaspora bond coupons and principal paid",
                  step_flow("bonds_repaid_usd")),
        Indicator("bonds_outstanding_usd", "USD", "diaspora bond principal outstanding",
                  lambda model: float(sum(p.outstanding for p in model.policies.running()
                                          if p.name == "diaspora_bonds"))),
    )
    moves = {"bonds_raised_usd": "up", "bonds_outstanding_usd": "up", "bonds_repaid_usd": "up"}

    members_cover = "origin"  # issuers are origins: any destination of their diaspora

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        self.issues: list[tuple[float, float]] = []  # (year of maturity, principal)
        self.raised = 0.0
        self.demand = 0.0  # orders placed, before any issue cap (USD)
        self.outstanding = 0.0  # principal of this issuer programme, USD

    def end_of_year(self, model, events) -> None:
        pop, k, cfg = model.migrants, model.corridors, self.cfg
        year_end = model.now() + model.dt
        f = model.flows
        holders = np.flatnonzero(pop.bonds > 0)
        # Coupons on what is outstanding, then principal of the issues that mature.
        coupon = pop.bonds[holders] * cfg.coupon_pct / 100.0
        matured = sum(p for y, p in self.issues if y <= year_end + 1e-9)
        share = matured / self.outstanding if self.outstanding > 0 else 0.0
        principal = pop.bonds[holders] * share
        pop.savings[holders] += coupon + principal
        pop.bonds[holders] -= principal
        paid = float(np.dot(pop.weight[holders], coupon + principal))
        self.issues = [(y, p) for y, p in self.issues if y > year_end + 1e-9]
        self.outstanding -= matured
        f["bonds_repaid_usd"][0] += paid
        self.pay("origin", paid)
        # New purchases out of savings (settled first, so the accrued part counts).
        buyers = self.covered_rows(np.flatnonzero(pop.status == ABROAD))
        settle(model, buyers)
        start_accrual(model, buyers[pop.employed[buyers]])
        want = pop.savings[buyers] * demand_share(cfg)
        issuer = k.o[pop.corridor[buyers]]
        demand = np.bincount(issuer, pop.weight[buyers] * want, len(model.countries.iso3))
        self.demand += float(demand.sum())
        # An issue cap (a choice of the issuer) scales every buyer's order down alike.
        cap = cfg.issue_size_usd if cfg.issue_size_usd > 0 else np.inf
        scale = np.minimum(1.0, cap / np.maximum(demand, 1e-9))
        bought = want * scale[issuer]
        pop.savings[buyers] -= bought
        pop.bonds[buyers] += bought
        raised = float(np.dot(pop.weight[buyers], bought))
        if raised > 0:
            self.issues.append((year_end + cfg.maturity_years, raised))
            self.outstanding += raised
        f["bonds_raised_usd"][0] += raised
        self.raised += raised

    def summary(self):
        out = super().summary()
        out["raised_usd"] = round(self.raised, 2)
        out["demand_usd"] = round(self.demand, 2)
        out["outstanding_usd"] = round(self.outstanding, 2)
        return out
