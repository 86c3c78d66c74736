"""Destination labour markets by skill: job loss, job finding and matching to skill.

Flows follow a two-state (employed / unemployed) Markov chain per destination and skill, the
textbook flow approach to unemployment (e.g. Shimer 2012, RED 15(2)): the job-loss hazard `s`
is a parameter and the job-finding hazard `f` of each destination is set at the start so that
the steady-state unemployment rate s / (s + f) equals the destination's unemployment rate times
`migrant_unemployment_ratio`. A skilled migrant who finds a job gets one at its skill level
with a probability that is higher when its credentials are recognised; a skilled migrant in a
job below its skill is "brain waste" (Mattoo, Neagu and Ozden 2008, JDE 87(2)).
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD, HIGH
from model.processes import earnings
from model.streams import bernoulli_candidates, thin


def finding_rate(job_loss_rate: float, unemployment_rate: np.ndarray) -> np.ndarray:
    """Job-finding hazard (per year) that makes s / (s + f) equal `unemployment_rate`."""
    u = np.clip(unemployment_rate, 0.005, 0.9)
    return job_loss_rate * (1.0 - u) / u


def hazard_to_prob(rate_per_year: np.ndarray | float, dt: float) -> np.ndarray:
    """Probability of at least one event in `dt` years for a constant hazard."""
    return -np.expm1(-np.asarray(rate_per_year, dtype=np.float64) * dt)


def step(model) -> None:
    """Employed migrants may lose their job, unemployed ones may find one (simultaneously)."""
    pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.labour
    rng = model.streams["labour"]
    p_find = hazard_to_prob(c.job_finding_rate, model.dt)
    p_lose = hazard_to_prob(c.job_loss_rate * c.job_loss_multiplier, model.dt)  # [skill, C]
    # Unemployed migrants abroad (a minority) each try to find a job.
    idle = np.flatnonzero(~pop.employed & (pop.status == ABROAD))
    found = rng.random(len(idle)) < p_find[k.d[pop.corridor[idle]]]
    finders = idle[found]
    # Job loss is rare: draw candidates by geometric skipping, keep the employed, thin by
    # each destination's rate (exactly a Bernoulli draw per employed migrant).
    p_max = float(p_lose.max(initial=0.0))
    rows = bernoulli_candidates(rng, pop.n, p_max)
    rows = rows[pop.employed[rows]]
    losers = thin(rng, rows, p_lose[pop.skill[rows], k.d[pop.corridor[rows]]], p_max)
    # Whether a new job matches the migrant's skill.
    p_match = np.where(pop.recognised[finders], cfg.matched_prob_recognised,
                       cfg.matched_prob_unrecognised)
    matched = (pop.skill[finders] != HIGH) | (rng.random(len(finders)) < p_match)
    model.flows["job_losses"][0] += pop.weight[losers].sum(dtype=np.float64)
    earnings.settle(model, losers)  # their savings stop accruing
    with model.tallies.changing(pop, np.concatenate([losers, finders]), ("employed", "matched")):
        pop.employed[losers] = False
        pop.matched[losers] = False
        pop.employed[finders] = True
        pop.matched[finders] = matched
    earnings.start_accrual(model, finders)
    # The unemployed abroad after this step's moves, for the remittance process (saves it a
    # pass over every migrant): the idle who found nothing, plus the new job losers.
    model.idle_rows = np.concatenate([idle[~found], losers])
