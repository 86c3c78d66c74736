"""Employer support in crises and protection from wage theft.

In the COVID-19 crisis the GFMD paper calls for support that keeps migrant workers employed and
for recovery of unpaid wages. Mechanism (covered corridors' destinations):

- job retention, paid for from a budget: when a destination's job-loss hazard rises above
  `crisis_threshold` times its normal level (a shock), a fund pays employers `subsidy_share` of
  the wages of workers they keep. What it can keep depends on the money: with a budget b for the
  step and a cost N of keeping every job at risk (the extra job losses the shock would cause,
  times the subsidy for the step), the share of the extra job losses prevented is
  `retention_share` x (1 - exp(-b / N)): nothing without money, diminishing returns as the
  budget grows (doubling it less than doubles the effect), at most `retention_share` (some jobs
  cannot be saved by a subsidy). Fewer migrants lose their job, so fewer want to return and
  fewer are stranded when borders are closed; the fund pays for the jobs it keeps;
- wage theft: a share `recovery_share` of the earnings withheld from irregular migrants is
  recovered (complaint mechanisms, wage protection systems).

Costs: the wage subsidy (`subsidy_share` of the wages of the workers kept, for the months of
the step; never more than the budget) and the recovery system (`cost_usd_per_corridor_year`),
paid by `funder`. The financing facility's crisis response uses the same rule with its money.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Indicator, step_flow
from model.params import param
from model.policies.base import PAYERS, Policy, PolicyConfig, register
from model.processes.earnings import earnings_table
from model.processes.labour import hazard_to_prob


@dataclass
class EmployerCrisisSupportConfig(PolicyConfig):
    crisis_threshold: float = param(
        1.5, "ratio", 1.0, 100.0, label="job-loss hazard / normal above which support starts",
        source="assumption",
        prior_range=(1, 3))
    retention_share: float = param(
        0.5, "share", 0.0, 1.0,
        label="most of the extra job losses a subsidy can prevent (with ample money)",
        source="assumption informed by OECD (2020) 'Job retention schemes during the COVID-19 "
               "lockdown and beyond': schemes covered about 50 M jobs, ten times the 2008-09 "
               "crisis",
        prior_range=(0.2, 0.8))
    budget_usd_per_year: float = param(
        10e9, "USD per year", 0.0, 1e13, label="the fund's budget for wage subsidies in crises",
        source="scenario choice (OECD job retention schemes cost several % of GDP in 2020; "
               "10 bn USD a year is of the order of the migrant share of such spending in "
               "the default world's destinations)")
    subsidy_share: float = param(
        0.6, "share of wages", 0.0, 1.0, label="share of the kept workers' wages the fund pays",
        source="OECD (2020): short-time work schemes replaced 60-100% of lost earnings")
    recovery_share: float = param(
        0.5, "share", 0.0, 1.0, label="share of withheld wages recovered", source="assumption",
        prior_range=(0.1, 0.8))
    cost_usd_per_corridor_year: float = param(
        20000.0, "USD per corridor per year", 0.0, 1e9,
        label="cost of complaint and wage-protection systems", source="assumption",
        prior_range=(5000, 100000))
    CHOICES = {"funder": PAYERS}
    funder: str = param("destination", "", label="who pays: origin, destination, employers or "
                        "facility", source="scenario choice")


def funded_retention(model, where: np.ndarray, budget: float, cfg: EmployerCrisisSupportConfig,
                     ) -> tuple[np.ndarray, float]:
    """The job-retention rule, paid for from `budget` (USD for this step) in the destinations
    `where`: the part of the job-loss hazard above `crisis_threshold` x its normal level is cut
    by the share `retention_share` x (1 - exp(-budget / N)), N being what keeping every job at
    risk would cost, through `countries.job_loss_multiplier`. Returns the jobs kept this step
    by destination (people) and their cost (USD, at most `budget`). The financing facility's
    crisis response uses the same rule with its money."""
    c, k, dt = model.countries, model.corridors, model.dt
    normal = model.lever_baseline("countries.job_loss_rate")
    hazard = c.job_loss_rate * c.job_loss_multiplier  # [skill, C]: a shock may have raised it
    excess = np.maximum(hazard - normal * cfg.crisis_threshold, 0.0) * where
    per_corridor = model.tallies.employed()
    employed = np.stack([np.bincount(k.d, per_corridor * w, len(c.iso3))
                         for w in (1.0 - k.high_skill_share, k.high_skill_share)])
    # The subsidy that keeps one job for the step, by skill and destination.
    wages = np.stack([c.wage_low, c.wage_high]) * model.cfg.earnings.migrant_wage_ratio
    per_job = cfg.subsidy_share * wages * 12.0 * dt
    at_risk = employed * (hazard_to_prob(hazard, dt) - hazard_to_prob(hazard - excess, dt))
    need = float((at_risk * per_job).sum())
    if need <= 0.0 or budget <= 0.0:
        return np.zeros(len(c.iso3)), 0.0
    share = cfg.retention_share * -np.expm1(-budget / need)
    supported = hazard - share * excess
    c.job_loss_multiplier = np.divide(supported, c.job_loss_rate,
                                      out=c.job_loss_multiplier.copy(),
                                      where=c.job_loss_rate > 0)
    # Jobs kept: employed x (job-loss probability without - with support); the probability is
    # concave in the hazard, so this is at most `share` x the jobs at risk, and the cost at
    # most the budget.
    kept = employed * (hazard_to_prob(hazard, dt) - hazard_to_prob(supported, dt))
    return kept.sum(axis=0), float((kept * per_job).sum())


@register
class EmployerCrisisSupport(Policy):
    """Job retention in crises and wage-theft recovery (see the module docstring)."""

    name = "employer_crisis_support"
    label = "employer support in crises"
    main_parameter = "budget_usd_per_year"
    config_class = EmployerCrisisSupportConfig
    moves_levers = ("countries.job_loss_multiplier", "corridors.wage_theft_share")
    flows = (Flow("wages_recovered_usd", "USD", "withheld earnings recovered"),)
    indicators = (Indicator("wages_recovered_usd", "USD per step", "withheld earnings recovered",
                            step_flow("wages_recovered_usd")),)
    # Not "stranded": fewer job losers want to go home, but employed target savers reach their
    # targets sooner; with the fitted return hazards the two nearly cancel, seed by seed.
    moves = {"job_losses": "down", "wage_theft_usd": "down"}

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        self.jobs_kept = 0.0  # job-steps kept by the subsidy (people x steps)

    def summary(self):
        out = super().summary()
        out["jobs_kept"] = round(self.jobs_kept, 2)
        return out

    def before_step(self, model, events) -> None:
        c, k, cfg = model.countries, model.corridors, self.cfg
        s = cfg.intensity
        covered_destinations = np.bincount(k.d[self.covered], minlength=len(c.iso3)) > 0
        kept, cost = funded_retention(model, covered_destinations,
                                      s * cfg.budget_usd_per_year * model.dt, cfg)
        self.jobs_kept += float(kept.sum())
        self.pay(cfg.funder, cost)
        # Wage theft: recover a share of what irregular workers are not paid.
        recovered_share = s * cfg.recovery_share * k.wage_theft_share
        gross = earnings_table(model, gross=True)
        irregular_employed = model.tallies.employed_by_job().sum(axis=1)[[0, 2]]  # [2, K]
        recovered = (gross[[0, 2]] * recovered_share * irregular_employed)[:, self.covered].sum()
        k.wage_theft_share = np.where(self.covered, k.wage_theft_share - recovered_share,
                                      k.wage_theft_share)
        model.flows["wages_recovered_usd"][0] += float(recovered)
        self.pay(cfg.funder, self.covered.sum() * cfg.cost_usd_per_corridor_year * model.dt)
