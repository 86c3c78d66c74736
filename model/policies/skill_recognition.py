"""Skill recognition and certification in a corridor partnership.

The paper's example is the UAE-India skills harmonisation framework: workers are tested and
certified before departure against standards both sides recognise, and employers who hire
certified workers pay less for work permits. Mechanism here (all in covered corridors):

- skilled arrivals come with recognised credentials with probability `recognised_share_arrivals`
  (instead of the baseline `labour.recognised_share_initial`);
- skilled migrants already abroad get their credentials recognised at `certification_rate`;
- recognised skilled migrants in jobs below their skill move to jobs at their skill at
  `upgrade_rate` (in the baseline they only do so through unemployment and a new job);
- returnees with recognised skills reintegrate faster at home
  (`returnee_reintegration_multiplier`).

So recognised credentials, matched jobs and earnings rise and brain waste falls; costs are the
certification (origin) and the permit-fee discount for employers hiring certified workers
(destination, as forgone fees).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.params import param
from model.policies.base import Policy, PolicyConfig, register
from model.population import ABROAD, HIGH
from model.processes.earnings import settle, start_accrual
from model.processes.labour import hazard_to_prob


@dataclass
class SkillRecognitionConfig(PolicyConfig):
    recognised_share_arrivals: float = param(
        0.8, "share", 0.0, 1.0, label="skilled arrivals certified before departure",
        source="assumption for a working partnership (pre-departure testing and certification "
               "as in the UAE-India framework cited by the GFMD paper)",
        prior_range=(0.3, 1))
    certification_rate: float = param(
        0.25, "per year", 0.0, 10.0, label="rate at which skilled migrants abroad get certified",
        source="assumption",
        prior_range=(0.05, 1))
    upgrade_rate: float = param(
        0.5, "per year", 0.0, 10.0,
        label="rate at which recognised migrants in jobs below skill move up",
        source="calibrated to Brucker, Glitz, Lerche and Romiti (2021), J. Labor Econ. 39(2): "
               "full recognition of foreign qualifications in Germany raised wages by about 20% "
               "and employment by about 25 points within three years",
        prior_range=(0.1, 2))
    returnee_reintegration_multiplier: float = param(
        1.5, "ratio", 1.0, 10.0, label="faster reintegration of returnees with recognised skills",
        source="assumption (recognised skills gained abroad ease reintegration, GFMD paper)",
        prior_range=(1, 2))
    certification_cost_usd: float = param(
        250.0, "USD per person", 0.0, 1e5, label="cost of testing and certifying a worker",
        source="assumption (skills tests cost roughly 100-500 USD)")
    permit_discount_usd: float = param(
        200.0, "USD per person", 0.0, 1e5,
        label="work-permit fee discount for employers hiring certified workers",
        source="assumption")


@register
class SkillRecognition(Policy):
    """Mutual recognition of skills in covered corridors (see the module docstring)."""

    name = "skill_recognition"
    label = "skill recognition"
    main_parameter = "recognised_share_arrivals"
    config_class = SkillRecognitionConfig
    moves_levers = ("corridors.recognition_share", "corridors.recognised_reintegration_multiplier")
    moves = {"recognised_share": "up", "brain_waste_rate": "down",
             "migrant_earnings_usd_month": "up"}

    def before_step(self, model, events) -> None:
        cfg, k, pop = self.cfg, model.corridors, model.migrants
        rng = model.streams[f"policy:{self.name}"]
        s = cfg.intensity
        # New skilled arrivals in covered corridors come certified.
        k.recognition_share = np.where(
            self.covered, k.recognition_share + s * (cfg.recognised_share_arrivals
                                                     - k.recognition_share), k.recognition_share)
        skilled = self.covered_rows(np.flatnonzero((pop.skill == HIGH) & (pop.status == ABROAD)))
        # Skilled migrants abroad get certified.
        waiting = skilled[~pop.recognised[skilled]]
        certified = waiting[rng.random(len(waiting))
                            < hazard_to_prob(s * cfg.certification_rate, model.dt)]
        with model.tallies.changing(pop, certified, ("recognised",)):
            pop.recognised[certified] = True
        self.pay("origin", pop.weight[certified].sum(dtype=float) * cfg.certification_cost_usd)
        # Recognised migrants in jobs below their skill move up.
        below = skilled[pop.recognised[skilled] & pop.employed[skilled] & ~pop.matched[skilled]]
        movers = below[rng.random(len(below)) < hazard_to_prob(s * cfg.upgrade_rate, model.dt)]
        settle(model, movers)
        with model.tallies.changing(pop, movers, ("matched",)):
            pop.matched[movers] = True
        start_accrual(model, movers)
        # Returnees with recognised skills reintegrate faster.
        k.recognised_reintegration_multiplier = np.where(
            self.covered, 1.0 + s * (cfg.returnee_reintegration_multiplier - 1.0),
            k.recognised_reintegration_multiplier)

    def after_emigration(self, model, events) -> None:
        pop = model.migrants
        new = self.covered_rows(events.arrivals)
        hired = new[pop.recognised[new]]
        people = pop.weight[hired].sum(dtype=float)
        self.pay("origin", people * self.cfg.certification_cost_usd)
        self.pay("destination", people * self.cfg.permit_discount_usd)

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The earnings gain of skilled migrants certified in a year who move to jobs at their
        skill within it (origin: the remitted share; destination: taxes, `labour.tax_share`,
        and its employers' gain, `agreements.productivity_share`), against the certification
        (origin) and the permit discounts (destination)."""
        waiting = view.stock * view.high_skill * (1.0 - model.corridors.recognition_share[view.c])
        certified = waiting * min(cfg.certification_rate, 1.0)
        # Recognition raises the chance of a job at one's skill from the destination's
        # unrecognised to its recognised probability (`labour.match_probabilities`).
        d = model.corridors.d[view.c]
        c = model.countries
        step_up = (c.match_recognised[d] - c.match_unrecognised[d]) * -np.expm1(-cfg.upgrade_rate)
        gain = (certified * step_up * (view.wage_high - view.wage_low)
                * model.cfg.earnings.migrant_wage_ratio * 12.0)
        share = view.remit_share
        return (share * gain, certified * cfg.certification_cost_usd,
                gain * (model.cfg.labour.tax_share + model.cfg.agreements.productivity_share),
                view.arrivals * view.high_skill * cfg.permit_discount_usd)
