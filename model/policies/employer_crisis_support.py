"""Employer support in crises and protection from wage theft.

In the COVID-19 crisis the GFMD paper calls for support that keeps migrant workers employed and
for recovery of unpaid wages. Mechanism (covered corridors' destinations):

- job retention: when a destination's job-loss hazard rises above `crisis_threshold` times its
  normal level (a shock), a fund pays employers part of the wages of workers they keep, so a
  share `retention_share` of the extra job losses does not happen; fewer migrants lose their
  job, so fewer want to return and fewer are stranded when borders are closed;
- wage theft: a share `recovery_share` of the earnings withheld from irregular migrants is
  recovered (complaint mechanisms, wage protection systems).

Costs: the wage subsidy (`subsidy_share` of the wages of the workers kept, for the months of
the step) and the recovery system (`cost_usd_per_corridor_year`), paid by `funder`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Flow, Indicator
from model.params import param
from model.policies.base import PAYERS, Policy, PolicyConfig, register
from model.processes.earnings import earnings_table
from model.processes.labour import hazard_to_prob


@dataclass
class EmployerCrisisSupportConfig(PolicyConfig):
    crisis_threshold: float = param(
        1.5, "ratio", 1.0, 100.0, label="job-loss hazard / normal above which support starts",
        source="assumption")
    retention_share: float = param(
        0.5, "share", 0.0, 1.0, label="share of the extra job losses prevented",
        source="assumption informed by OECD (2020) 'Job retention schemes during the COVID-19 "
               "lockdown and beyond': schemes covered about 50 M jobs, ten times the 2008-09 "
               "crisis")
    subsidy_share: float = param(
        0.6, "share of wages", 0.0, 1.0, label="share of the kept workers' wages the fund pays",
        source="OECD (2020): short-time work schemes replaced 60-100% of lost earnings")
    recovery_share: float = param(
        0.5, "share", 0.0, 1.0, label="share of withheld wages recovered", source="assumption")
    cost_usd_per_corridor_year: float = param(
        20000.0, "USD per corridor per year", 0.0, 1e9,
        label="cost of complaint and wage-protection systems", source="assumption")
    CHOICES = {"funder": PAYERS}
    funder: str = param("destination", "", label="who pays: origin, destination, employers or "
                        "facility", source="scenario choice")


def retain_jobs(model, where: np.ndarray, threshold: float,
                retention: float) -> tuple[np.ndarray, np.ndarray]:
    """The job-retention rule: in the destinations `where`, the part of the job-loss hazard above
    `threshold` x its normal level (a shock raised it) is cut by the share `retention`, through
    `countries.job_loss_multiplier`. Returns the hazard by skill and destination before and
    after ([2, C], per year). The facility's crisis response uses the same rule."""
    c = model.countries
    normal = model.lever_baseline("countries.job_loss_rate")
    hazard = c.job_loss_rate * c.job_loss_multiplier
    excess = np.maximum(hazard - normal * threshold, 0.0) * where
    supported = hazard - retention * excess
    c.job_loss_multiplier = np.divide(supported, c.job_loss_rate,
                                      out=c.job_loss_multiplier.copy(),
                                      where=c.job_loss_rate > 0)
    return hazard, supported


@register
class EmployerCrisisSupport(Policy):
    """Job retention in crises and wage-theft recovery (see the module docstring)."""

    name = "employer_crisis_support"
    label = "employer support in crises"
    main_parameter = "retention_share"
    config_class = EmployerCrisisSupportConfig
    moves_levers = ("countries.job_loss_multiplier", "corridors.wage_theft_share")
    flows = (Flow("wages_recovered_usd", "USD", "withheld earnings recovered"),)
    indicators = (Indicator("wages_recovered_usd", "USD per step", "withheld earnings recovered",
                            lambda model: float(model.flows["wages_recovered_usd"][0])),)
    moves = {"job_losses": "down", "stranded": "down", "wage_theft_usd": "down"}

    def before_step(self, model, events) -> None:
        c, k, cfg = model.countries, model.corridors, self.cfg
        s = cfg.intensity
        covered_destinations = np.bincount(k.d[self.covered], minlength=len(c.iso3)) > 0
        hazard, supported = retain_jobs(model, covered_destinations, cfg.crisis_threshold,
                                        s * cfg.retention_share)
        # Workers kept this step: employed x (job-loss probability without - with support).
        # Employed per skill and destination, with each corridor's tertiary share.
        per_corridor = model.tallies.employed()
        employed = np.stack([np.bincount(k.d, per_corridor * w, len(c.iso3))
                             for w in (1.0 - k.high_skill_share, k.high_skill_share)])
        kept = (employed * (hazard_to_prob(hazard, model.dt)
                            - hazard_to_prob(supported, model.dt))).sum(axis=0)
        monthly = c.wage_low * model.cfg.labour.migrant_wage_ratio
        self.pay(cfg.funder, float(np.dot(kept, monthly)) * 12.0 * model.dt * cfg.subsidy_share)
        # Wage theft: recover a share of what irregular workers are not paid.
        recovered_share = s * cfg.recovery_share * k.wage_theft_share
        gross = earnings_table(model, gross=True)
        irregular_employed = model.tallies.employed_by_job().sum(axis=1)[[0, 2]]  # [2, K]
        recovered = (gross[[0, 2]] * recovered_share * irregular_employed)[:, self.covered].sum()
        k.wage_theft_share = np.where(self.covered, k.wage_theft_share - recovered_share,
                                      k.wage_theft_share)
        model.flows["wages_recovered_usd"][0] += float(recovered)
        self.pay(cfg.funder, self.covered.sum() * cfg.cost_usd_per_corridor_year * model.dt)
