"""Entry by channel: a regular channel rationed by quotas and an irregular one with its own
costs and risks, chosen together with the destination (used by `model.processes.emigration`).

A potential migrant of origin o and skill s chooses among staying (utility 0) and, for every
corridor c from o, its regular and its irregular channel: a nested logit (McFadden 1978) in
which a corridor's two channels form a nest, so they are closer substitutes of each other than
of staying or of other corridors (`channel_nesting`, the nest's dissimilarity lambda: 1 is a
plain multinomial logit, smaller values make migrants switch channels more readily than they
give up migrating). Both channels share the corridor's pull (expected earnings relative to home,
the diaspora), and differ in what they cost and risk:

    V_reg = ASC_reg + income_elasticity * log(E / H)
            - cost_sensitivity * log(1 + (travel + recruitment fee) / (12 H)) + network
    V_irr = ASC_irr + income_elasticity * log(E_irr / H)
            - cost_sensitivity * log(1 + smuggling fee / (12 H)) + network
            + log(1 - detection_probability) - removal_rate

- the regular channel costs travel and documents plus the worker-paid recruitment fee (SDG
  10.7.1, `corridors.recruitment_months`);
- the irregular channel costs `irregular_cost_multiplier` times the travel cost (smugglers' fees;
  UNODC 2018), pays less (`earnings.irregular_wage_ratio`, less wage theft), fails at the border
  with probability `detection_probability` (the attempt is lost: the migrant stays home) and
  abroad ends in removal at `removal_rate` a year (the returns process removes them), the two
  risk terms being the log chance of getting through and of not being removed within a year.

Regular entry is rationed by the corridor's quota (visas, work permits): it accrues every step,
a step's share of the year's quota, and unused room carries over up to one year's quota, so
rationing is spread through the year as visa offices spread it, with no seasonal artefact.
Applicants refused a visa in a step stay home and choose again later (the choice is made anew
every step): a tight quota does not push them into the irregular channel; a cheaper regular
channel (fair recruitment) draws people away from the irregular one, because the two compete
within the corridor's nest. The constants are calibrated at the start so that each channel's expected inflow
replaces its expected outflows (returns, and removals for the irregular), times the observed
2015-2020 trend (see `model.model.MigrationModel`).
"""

from __future__ import annotations

import numpy as np

from model.population import HIGH, LOW


def recruitment_cost(model) -> np.ndarray:
    """Worker-paid recruitment cost per skill and corridor ([2, K], USD): months of the
    destination wage of a job at the migrant's skill (SDG 10.7.1)."""
    k, c = model.corridors, model.countries
    return k.recruitment_months * np.stack([c.wage_low[k.d], c.wage_high[k.d]])


def channel_costs(model) -> tuple[np.ndarray, np.ndarray]:
    """USD cost of a move by skill and corridor ([2, K] each): regular (travel and documents
    plus the worker-paid recruitment fee), irregular (the smuggler's fee)."""
    k, cfg = model.corridors, model.cfg.emigration
    regular = k.travel_cost_usd + recruitment_cost(model)
    irregular = np.broadcast_to(k.travel_cost_usd * cfg.irregular_cost_multiplier, regular.shape)
    return regular, irregular


class ImplausibleStart(ValueError):
    """The start cannot be calibrated: replacing the outflows the settings imply would need more
    than half of an origin's potential migrants to leave in a step."""


def risk_term(model) -> float:
    """Utility of the irregular channel's risks: log of the chance to get through the border and
    of not being removed within the first year."""
    e = model.cfg.emigration
    return float(np.log1p(-e.detection_probability) - e.removal_rate)


def irregular_pay_factor(model) -> np.ndarray:
    """Earnings of an irregular migrant relative to a regular one per corridor (the wage penalty
    and the share lost to wage theft)."""
    return model.cfg.earnings.irregular_wage_ratio * (1.0 - model.corridors.wage_theft_share)


def choice_probabilities(model, utilities: tuple[np.ndarray, np.ndarray],
                         trend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-step probabilities ([2, K] each) that a potential migrant of the corridor's origin and
    skill applies through the regular channel or attempts the irregular one; staying takes the
    rest. A nested logit: the corridor's two channels form a nest with dissimilarity
    `channel_nesting` (lambda), so P(channel | corridor) = exp(V / lambda) / S with S the sum
    over the nest, and the corridor's pull is S ** lambda against staying's 1. `utilities`:
    systematic utilities without constants; `trend`: the fading factor of the observed trend."""
    k, lam = model.corridors, model.cfg.emigration.channel_nesting
    v_reg, v_irr = utilities
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ev_reg = np.exp((k.asc_regular + v_reg) / lam)
        ev_irr = np.exp((k.asc_irregular + v_irr) / lam)
        nest = ev_reg + ev_irr
        pull = nest ** lam * trend
        n_c = len(model.countries.iso3)
        total = np.stack([np.bincount(k.o, pull[s], n_c) for s in (LOW, HIGH)])
        corridor = pull / (1.0 + total[:, k.o])
        share_reg = np.where(nest > 0, ev_reg / nest, 0.0)
    return corridor * share_reg, corridor * (1.0 - share_reg)


def calibrate_constants(model, regular_per_year: np.ndarray, irregular_per_year: np.ndarray,
                        utilities: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
    """ASC_reg and ASC_irr ([2, K]) that make the expected regular entries and irregular
    arrivals equal the given flows (people a year) now. Irregular attempts are the arrivals
    divided by the chance to get through. With P(c) the corridor's probability, P(ch | c) the
    channel's share and T the origin's total, the nested logit gives
    ASC_ch = lambda log P(ch | c) + log P(c) - log(1 - T) - V_ch."""
    k, lam = model.corridors, model.cfg.emigration.channel_nesting
    pot = model.countries.potential_migrants[:, k.o]  # [2, K]
    through = 1.0 - model.cfg.emigration.detection_probability
    attempts = irregular_per_year / max(through, 1e-12)
    p_reg = np.where(pot > 0, regular_per_year * model.dt / np.maximum(pot, 1.0), 0.0)
    p_irr = np.where(pot > 0, attempts * model.dt / np.maximum(pot, 1.0), 0.0)
    p_corridor = p_reg + p_irr
    n_c = len(model.countries.iso3)
    total = np.stack([np.bincount(k.o, p_corridor[s], n_c) for s in (LOW, HIGH)])
    if (total >= 0.5).any():
        raise ImplausibleStart("calibrated emigration probabilities exceed 50% a step for some "
                         "origin; the corridor stocks are implausible for its population")
    with np.errstate(divide="ignore", invalid="ignore"):
        pull = np.log(p_corridor) - np.log1p(-total[:, k.o])
        share = np.where(p_corridor > 0, p_reg / p_corridor, 0.0)
        # Corridors or channels with no inflow get -700 rather than -inf: exp() is the same to
        # the last digit that matters and several times faster than on infinities.
        asc_reg = np.maximum(lam * np.log(share) + pull - utilities[0], -700.0)
        asc_irr = np.maximum(lam * np.log1p(-share) + pull - utilities[1], -700.0)
    return np.nan_to_num(asc_reg, nan=-700.0), np.nan_to_num(asc_irr, nan=-700.0)


def accrue_quota(model) -> None:
    """A step's share of each corridor's yearly quota becomes available; unused room carries
    over, up to one year's quota (`corridors.quota_multiplier` widens the channel)."""
    k = model.corridors
    yearly = k.quota * k.quota_multiplier
    k.quota_left = np.minimum(k.quota_left + yearly * model.dt, yearly)


def ration(k, corridor: np.ndarray, w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which regular applicants (rows of `corridor`) get a visa: per corridor, as many agents as
    the quota has room for (stochastically rounded, so a quota smaller than one agent still
    admits its share over time), chosen at random among the corridor's applicants. The admitted
    use up their room (`quota_left`, people), which can end below zero by less than one agent.
    `w`: people per agent, by corridor."""
    applicants = np.bincount(corridor, minlength=len(k.o))
    room = np.floor(np.maximum(k.quota_left, 0.0) / w + rng.random(len(k.o))).astype(np.int64)
    admitted = np.minimum(applicants, room)
    # Random rank of each applicant within its corridor; the lowest `admitted` ranks get in.
    order = np.lexsort((rng.random(len(corridor)), corridor))
    start = np.concatenate([[0], np.cumsum(applicants)[:-1]])
    rank = np.empty(len(corridor), dtype=np.int64)
    rank[order] = np.arange(len(corridor)) - start[corridor[order]]
    k.quota_left = k.quota_left - admitted * w
    return rank < admitted[corridor]
