"""Destination labour markets by skill: job loss, job finding and matching to skill.

Flows follow a two-state (employed / unemployed) Markov chain per destination and skill, the
textbook flow approach to unemployment (e.g. Shimer 2012, RED 15(2)): the job-loss hazard `s`
is a parameter and the job-finding hazard `f` of each destination is set at the start so that
the steady-state unemployment rate s / (s + f) equals the destination's unemployment rate times
`migrant_unemployment_ratio`. A skilled migrant who finds a job gets one at its skill level
with a probability that depends on the destination and is higher when its credentials are
recognised: each destination's probabilities are set so that its steady-state share of skilled
migrants in jobs below their skill equals its published over-qualification rate of
tertiary-educated immigrants (`model/world/data/overqualification.csv`, one source per row;
`labour.overqualification_*` where none is published). A skilled migrant in a job below its
skill is "brain waste" (Mattoo, Neagu and Ozden 2008, JDE 87(2)): the brain-waste rate is the
share of employed tertiary-educated migrants in such jobs, as the OECD's over-qualification rate
(the unemployed do not count).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import (
    Component,
    Field,
    Flow,
    Headline,
    Indicator,
    Lever,
    RunFigure,
    Series,
    StepEvents,
    ratio,
    step_flow,
)
from model.params import param
from model.population import ABROAD, HIGH
from model.processes.earnings import settle, start_accrual
from model.streams import bernoulli_candidates, thin
from model.tallies import S_ABROAD, S_EMPLOYED, S_HIGH, S_MATCHED, S_RECOGNISED


@dataclass
class LabourConfig:
    """Destination labour markets by skill (process `labour`)."""

    job_loss_rate: float = param(
        0.16, "per year", 0.0, 2.0, label="job-loss hazard of employed migrants",
        source="assumption in the range of OECD employment-to-unemployment flows "
               "(Elsby, Hobijn and Sahin 2013, REStat 95(2): 1-5% a quarter)",
               fit="labour.job_loss_rate")
    migrant_unemployment_ratio: float = param(
        1.4, "ratio", 0.5, 5.0, label="migrant / native unemployment rate",
        source="OECD/EU (2018) Settling In: foreign-born unemployment about 1.4x native-born "
               "in the EU; sets the job-finding rate so the start matches it")
    recognised_share_initial: float = param(
        0.4, "share", 0.0, 1.0, label="skilled migrants with recognised credentials at start",
        source="assumption (no cross-country data); the matching probabilities of each "
               "destination are set with it to give that destination's over-qualification rate")
    overqualification_high_income: float = param(
        0.34, "share", 0.0, 0.95,
        label="over-qualification rate of skilled migrants, high-income destinations without "
              "a published rate (e.g. the Gulf)",
        source="OECD/EU (2018) Settling In 2018, ch. 3: OECD average for employed "
               "tertiary-educated foreign-born, about 34% (2017)")
    overqualification_other: float = param(
        0.40, "share", 0.0, 0.95,
        label="over-qualification rate of skilled migrants, other destinations (none has a "
              "published rate)",
        source="assumption to be fitted; Eurostat (2024): 39.4% of employed tertiary-educated "
               "non-EU citizens in the EU were over-qualified in 2023")
    recognition_match_gain: float = param(
        0.5, "share", 0.0, 1.0,
        label="share of the risk of a job below skill that recognised credentials remove",
        source="OECD/EU (2015) Settling In 2015, indicator 6.4: in the EU, immigrants with "
               "foreign qualifications are over-qualified about twice as often as those with "
               "host-country qualifications")
    tax_share: float = param(
        0.3, "share of earnings", 0.0, 1.0,
        label="taxes and contributions a destination collects on a regular migrant's earnings",
        source="assumption below the OECD average tax wedge on a single worker's labour costs "
               "(about 35% in 2020, OECD Taxing Wages 2021), as migrants earn less")
    native_wage_elasticity: float = param(
        0.0, "elasticity", -2.0, 2.0, label="destination wage response to migrant share",
        source="disputed in sign and size (Card 2009 AER P&P; Borjas 2003 QJE): 0 by default; "
               "wage changes by elasticity x change in the migrant share of the population")
    wage_growth_high_income: float = param(
        0.015, "per year", -0.5, 0.5, label="nominal wage growth, high-income countries",
        source="assumption of the order of OECD real GDP-per-capita growth in 2010-2019 "
               "(about 1-2% a year; World Bank WDI)")
    wage_growth_other: float = param(
        0.03, "per year", -0.5, 0.5, label="nominal wage growth, other countries",
        source="assumption of the order of developing-country GDP-per-capita growth in "
               "2010-2019 (about 3% a year; World Bank WDI)")


def match_probabilities(rate: np.ndarray, recognised_share: float,
                        gain: float) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities that a skilled migrant who finds a job in a destination gets one at its
    skill, without and with recognised credentials, such that in the steady state the share of
    employed skilled migrants below their skill (brain waste, the OECD's over-qualification
    rate: the unemployed are not counted) equals the destination's `rate` when a share
    `recognised_share` of them is recognised. Recognition removes a share `gain` of the risk:
    p_rec = p + gain (1 - p), and 1 - rate = (1 - r) p + r p_rec."""
    rg = recognised_share * gain
    p = np.clip((1.0 - rate - rg) / max(1.0 - rg, 1e-12), 0.0, 1.0)
    return p, p + gain * (1.0 - p)


def finding_rate(job_loss_rate: float, unemployment_rate: np.ndarray) -> np.ndarray:
    """Job-finding hazard (per year) that makes s / (s + f) equal `unemployment_rate`."""
    u = np.clip(unemployment_rate, 0.005, 0.9)
    return job_loss_rate * (1.0 - u) / u


def hazard_to_prob(rate_per_year: np.ndarray | float, dt: float) -> np.ndarray:
    """Probability of at least one event in `dt` years for a constant hazard."""
    return -np.expm1(-np.asarray(rate_per_year, dtype=np.float64) * dt)


def _employment_rate(model) -> float:
    t = model.tallies
    return ratio(t.people(on=S_ABROAD | S_EMPLOYED), t.people(on=S_ABROAD))


def _brain_waste_rate(model) -> float:
    t = model.tallies
    return ratio(t.people(on=S_ABROAD | S_HIGH | S_EMPLOYED, off=S_MATCHED),
                 t.people(on=S_ABROAD | S_HIGH | S_EMPLOYED))


def _recognised_share(model) -> float:
    t = model.tallies
    return ratio(t.people(on=S_ABROAD | S_HIGH | S_RECOGNISED), t.people(on=S_ABROAD | S_HIGH))


class Labour(Component):
    """Job loss, job finding and matching to skill (see the module docstring)."""

    name = "labour"
    label = "labour markets"
    phase = "labour"
    figures = (RunFigure("brain_waste.png", "brain waste (tertiary-educated migrants employed "
                         "below their skill level) and the migrants' employment rate over time, "
                         "and brain waste by destination against its published rate",
                         "model.plots.labour:plot_brain_waste"),)
    config_key = "labour"
    config_class = LabourConfig
    levers = (
        Lever("countries", "job_loss_rate", "job-loss hazard of employed migrants (per year)",
              lambda model: np.full(len(model.countries.iso3), model.cfg.labour.job_loss_rate)),
        Lever("countries", "job_finding_rate", "job-finding hazard of unemployed migrants "
              "(per year; set at the start from unemployment)",
              lambda model: finding_rate(model.cfg.labour.job_loss_rate,
                                         model.countries.migrant_unemployment)),
        Lever("countries", "job_loss_multiplier", "factor on the job-loss hazard by skill and "
              "destination (a crisis raises it, job retention lowers it)", 1.0, by_skill=True),
        Lever("corridors", "recognition_share", "share of skilled arrivals whose credentials "
              "are recognised",
              lambda model: np.full(len(model.corridors.o),
                                    model.cfg.labour.recognised_share_initial)),
    )
    fields = (
        Field("recognised", bool, "credentials recognised at destination"),
        Field("employed", bool, "holds a job"),
        Field("matched", bool, "job at own skill level (False + employed + HIGH = brain waste)"),
        Field("job_barrier", np.float32, "share of the job-finding hazard a migrant loses (0: "
              "none; e.g. a refugee without the right to work)"),
    )
    flows = (Flow("job_losses", "people", "migrants who lost their job"),)
    series = (
        Series("employed_corridor", "people", "migrants abroad with a job, by corridor",
               lambda model: model.tallies.employed(), tables=True),
        Series("skilled_employed_corridor", "people", "tertiary-educated migrants abroad with "
               "a job, by corridor", lambda model: model.tallies.tertiary_by_work()[1],
               tables=True),
        Series("skilled_below_corridor", "people", "tertiary-educated migrants abroad in a job "
               "below their skill, by corridor",
               lambda model: model.tallies.tertiary_by_work()[2], tables=True),
    )
    indicators = (
        Indicator("employment_rate", "share", "migrants abroad who are employed",
                  _employment_rate, compare=("Migrants abroad who are employed", "share")),
        Indicator("brain_waste_rate", "share",
                  "employed tertiary-educated migrants in jobs below their skill",
                  _brain_waste_rate,
                  compare=("Skilled migrants working below their skill level", "share")),
        Indicator("recognised_share", "share",
                  "tertiary-educated migrants abroad with recognised credentials",
                  _recognised_share),
        Indicator("job_losses", "people per step", "migrants who lost their job",
                  step_flow("job_losses")),
    )

    headlines = (
        Headline("brain_waste_rate_end", "share", "brain-waste rate at the horizon",
                 "brain_waste_rate", "end"),
        Headline("employment_rate_end", "share", "migrant employment rate at the horizon",
                 "employment_rate", "end", effect=("Employment rate, end", "share")),
        Headline("brain_waste_rate_mean", "share", "brain-waste rate, mean over the run",
                 "brain_waste_rate", "mean", effect=("Brain-waste rate, mean over run", "share")),
        Headline("recognised_share_end", "share",
                 "recognised share of skilled migrants at the end", "recognised_share", "end"),
        Headline("job_losses_total", "people", "job losses over the run", "job_losses", "sum"),
    )

    def run(self, model, events: StepEvents) -> None:
        """Employed migrants may lose their job, unemployed ones may find one (simultaneously)."""
        pop, k, c = model.migrants, model.corridors, model.countries
        rng = model.streams["labour"]
        p_find = hazard_to_prob(c.job_finding_rate, model.dt)
        p_lose = hazard_to_prob(c.job_loss_rate * c.job_loss_multiplier, model.dt)  # [skill, C]
        # Unemployed migrants abroad (a minority) each try to find a job.
        idle = np.flatnonzero(~pop.employed & (pop.status == ABROAD))
        d = k.d[pop.corridor[idle]]
        p = p_find[d]
        # Some may not work legally (e.g. refugees without the right): a lower hazard for them
        # only (a few rows).
        barred = np.flatnonzero(pop.job_barrier[idle] > 0)
        if len(barred):
            p[barred] = hazard_to_prob(c.job_finding_rate[d[barred]]
                                       * (1.0 - pop.job_barrier[idle[barred]]), model.dt)
        found = rng.random(len(idle)) < p
        finders = idle[found]
        # Job loss is rare: draw candidates by geometric skipping, keep the employed, thin by
        # each destination's rate (exactly a Bernoulli draw per employed migrant).
        p_max = float(p_lose.max(initial=0.0))
        rows = bernoulli_candidates(rng, pop.n, p_max)
        rows = rows[pop.employed[rows]]
        losers = thin(rng, rows, p_lose[pop.skill[rows], k.d[pop.corridor[rows]]], p_max)
        # Whether a new job matches the migrant's skill.
        d = k.d[pop.corridor[finders]]
        p_match = np.where(pop.recognised[finders], c.match_recognised[d], c.match_unrecognised[d])
        matched = (pop.skill[finders] != HIGH) | (rng.random(len(finders)) < p_match)
        model.flows["job_losses"][0] += pop.weight[losers].sum(dtype=np.float64)
        settle(model, losers)  # their savings stop accruing
        with model.tallies.changing(pop, np.concatenate([losers, finders]),
                                    ("employed", "matched")):
            pop.employed[losers] = False
            pop.matched[losers] = False
            pop.employed[finders] = True
            pop.matched[finders] = matched
        start_accrual(model, finders)
        # The unemployed abroad after this step's moves, for the remittance process (saves it a
        # pass over every migrant): the idle who found nothing, plus the new job losers.
        events.idle = np.concatenate([idle[~found], losers])
