"""Fair recruitment: a cap on the recruitment costs workers pay.

SDG indicator 10.7.1 measures the recruitment cost borne by workers in months of their foreign
earnings; the ILO General Principles and Operational Guidelines for Fair Recruitment (2019) ask
that workers pay no fees at all, and the Philippines caps placement fees at one month's salary.
Mechanism (covered corridors): worker-paid recruitment costs are capped at `cap_months` of the
destination wage (the employer pays the rest, a cost to employers). Lower costs raise the utility
of migrating most where home earnings are lowest (costs enter in years of home earnings), so
applications from poorer origins rise most; where visas are rationed the extra applicants are
refused, and regular entry draws would-be irregular migrants (mostly from poorer origins) into
the regular channel, so irregular arrivals fall and the poorer origins' share of arrivals can
fall too. Newcomers arrive with less debt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.params import param
from model.policies.base import Policy, PolicyConfig, register
from model.processes.emigration import irregular_arrivals_a_year
from model.processes.entry import recruitment_cost


@dataclass
class FairRecruitmentConfig(PolicyConfig):
    cap_months: float = param(
        1.0, "months of destination earnings", 0.0, 36.0,
        label="most a worker may pay for recruitment",
        source="the Philippines' one-month placement-fee cap; the ILO employer-pays principle "
               "would be 0")


@register
class FairRecruitment(Policy):
    """A cap on worker-paid recruitment fees (see the module docstring)."""

    name = "fair_recruitment"
    label = "fair recruitment"
    main_parameter = "cap_months"
    config_class = FairRecruitmentConfig
    moves_levers = ("corridors.recruitment_months",)
    # Not "arrivals_poorer_origins_share": cheaper regular entry draws applicants from the
    # irregular channel (mostly poorer origins), and where visas are rationed they are refused,
    # so the share can fall; fewer irregular arrivals is the robust consequence.
    moves = {"recruitment_cost_months": "down", "debt_at_arrival_usd": "down",
             "arrivals_irregular": "down"}

    def before_step(self, model, events) -> None:
        k, cfg = model.corridors, self.cfg
        self.uncapped = recruitment_cost(model)
        capped = np.minimum(k.recruitment_months, cfg.cap_months)
        cut = cfg.intensity * (k.recruitment_months - capped)
        k.recruitment_months = np.where(self.covered, k.recruitment_months - cut,
                                        k.recruitment_months)

    def after_emigration(self, model, events) -> None:
        pop = model.migrants
        rows = self.covered_rows(events.arrivals)
        rows = rows[pop.regular[rows]]
        # Employers pay what workers no longer do.
        shifted = (self.uncapped - recruitment_cost(model))[pop.skill[rows], pop.corridor[rows]]
        paid = float(np.dot(pop.weight[rows], shifted))
        self.pay("employers", paid)
        self.delivered += paid  # what the workers no longer pay

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The fees workers no longer pay: the origin's benefit, a cost to the destination's
        employers (counted on the destination side); the destination gains the enforcement cost
        of the irregular arrivals the cheaper regular channel is expected to avoid (the choice
        model's irregular arrivals with the cap against without)."""
        k = model.corridors
        months = k.recruitment_months[:, view.c]
        h, cap = view.high_skill, cfg.cap_months
        saved = view.arrivals * ((1 - h) * np.maximum(months[0] - cap, 0) * view.wage_low
                                 + h * np.maximum(months[1] - cap, 0) * view.wage_high)
        without = irregular_arrivals_a_year(model)[view.c]
        uncapped = k.recruitment_months
        k.recruitment_months = uncapped.copy()
        k.recruitment_months[:, view.c] = np.minimum(months, cap)
        try:
            avoided = np.maximum(without - irregular_arrivals_a_year(model)[view.c], 0.0)
        finally:
            k.recruitment_months = uncapped
        zero = np.zeros(len(view.c))
        return saved, zero, avoided * model.cfg.emigration.enforcement_cost_usd, saved
