"""Return migration: a hazard driven by time abroad, unemployment and savings.

The hazard (per year) is `return_rate_settled + return_rate_new * exp(-years abroad / decay)`:
most returns happen in the first years (Dustmann and Gorlach 2016, JEL 54(1)); it is multiplied
for the unemployed (Bijwaard, Schluter and Wahba 2014, REStat 96(3)) and for target savers who
have reached their savings target; so job losses in a crisis raise return intentions. A migrant
who draws a return while its destination blocks departures (a shock closing borders,
`countries.return_blocked`) is stranded and keeps the intention: it leaves as soon as departures
reopen, so closed borders delay returns rather than cancel them (in 2020 many stranded migrants
went home on repatriation flights once they could, e.g. India's Vande Bharat Mission). Irregular
migrants are also removed to their origin at `emigration.removal_rate` a year (not while
departures are blocked).
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
    Series,
    StepEvents,
    corridor_flow,
    step_flow,
)
from model.params import param
from model.population import ABROAD, HIGH, LOW, RETURNEE
from model.processes.earnings import current_savings, settle
from model.streams import bernoulli_candidates, thin


@dataclass
class ReturnConfig:
    """Return migration (process `returns`)."""

    return_rate_settled: float = param(
        0.02, "per year", 0.0, 1.0, label="return hazard of long-settled migrants",
        source="Dustmann and Gorlach (2016) JEL 54(1) and OECD (2008) International Migration "
               "Outlook: 20-50% of new immigrants leave within five years, far fewer later",
               fit="returns.return_rate_settled")
    return_rate_new: float = param(
        0.10, "per year", 0.0, 2.0, label="extra return hazard of recent arrivals",
        source="as above: with the decay below, 29% of an arrival cohort leaves within 5 years",
        fit="returns.return_rate_new")
    return_decay_years: float = param(
        3.0, "years", 0.1, 50.0, label="time over which the extra hazard of newcomers fades",
        source="assumption fitted to the five-year figure above", fit="returns.return_decay_years")
    unemployed_return_multiplier: float = param(
        2.0, "ratio", 1.0, 20.0, label="return hazard of the unemployed / employed",
        source="Bijwaard, Schluter and Wahba (2014) REStat 96(3): unemployment spells raise "
               "immigrants' return hazard (size assumed)",
        prior_range=(1, 4))
    savings_target_years: float = param(
        2.0, "years of home earnings", 0.0, 50.0, label="target savings of a target saver",
        source="assumption (target-saver model, Dustmann and Gorlach 2016)",
        prior_range=(0.5, 5))
    savings_return_multiplier: float = param(
        1.5, "ratio", 1.0, 20.0, label="return hazard once the savings target is met",
        source="assumption (target-saver model)",
        prior_range=(1, 3))
    pension_lock_in: float = param(
        0.85, "ratio", 0.1, 1.0, label="return hazard of vested migrants without portable pensions",
        source="assumption (losing pension rights on return discourages it: Holzmann and "
               "Koettl 2015, CESifo Economic Studies 61(2)); social-security portability lifts it",
        prior_range=(0.7, 1))
    vesting_years: float = param(
        10.0, "years", 0.0, 50.0, label="years of contributions before pension rights vest",
        source="assumption (10-15 years is common in OECD pension systems)")
    pension_contribution_rate: float = param(
        0.10, "share of earnings", 0.0, 0.5, label="pension contributions of regular migrants",
        source="assumption of the order of OECD pension contribution rates (OECD Pensions at a "
               "Glance 2019: about 18% of wages in total, employer and employee)")


def return_hazard(model, rows: np.ndarray | None = None) -> np.ndarray:
    """Return hazard per year of the migrants in `rows` (all if None); 0 for returnees and for
    migrants exempt from the economic return decision (`return_exempt`)."""
    pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.returns
    if rows is None:
        rows = np.arange(pop.n)
    h = _time_hazard(model, rows)
    target = cfg.savings_target_years * 12.0 * c.wage_low[k.o]
    corridor = pop.corridor[rows]
    savings, _ = current_savings(model, rows)
    h = h * np.where(pop.employed[rows], 1.0, cfg.unemployed_return_multiplier)
    h = h * np.where(savings >= target[corridor], cfg.savings_return_multiplier, 1.0)
    # Vested regular migrants whose pension rights would be lost on return stay longer; the
    # factor per corridor and vested state is one small table.
    vested = pop.regular[rows] & (model.now() - pop.arrived[rows] >= cfg.vesting_years)
    factor = np.stack([k.return_multiplier, k.return_multiplier
                       * np.where(k.portable, 1.0, cfg.pension_lock_in)], axis=1).ravel()
    h = h * factor[corridor * 2 + vested]
    return h * ((pop.status[rows] == ABROAD) & ~pop.return_exempt[rows])


def _time_hazard(model, rows: np.ndarray) -> np.ndarray:
    """The hazard's dependence on time abroad (per year), before the multipliers."""
    cfg = model.cfg.returns
    years = model.now() - model.migrants.arrived[rows]
    return cfg.return_rate_settled + cfg.return_rate_new * np.exp(-years / cfg.return_decay_years)


def _max_multiplier(model) -> float:
    r = model.cfg.returns
    return (r.unemployed_return_multiplier * r.savings_return_multiplier
            * max(1.0, float(model.corridors.return_multiplier.max(initial=1.0))))


def max_hazard(model) -> float:
    """The largest hazard any migrant can have (a newcomer, unemployed, at its target)."""
    r = model.cfg.returns
    return (r.return_rate_settled + r.return_rate_new) * _max_multiplier(model)


def _go_home(model, rows: np.ndarray) -> None:
    """Migrants in `rows` go home: returnees from the end of this step, without a job abroad."""
    pop = model.migrants
    settle(model, rows)
    with model.tallies.changing(pop, rows, ("status", "employed", "matched", "reintegrated")):
        pop.status[rows] = RETURNEE
        pop.employed[rows] = False
        pop.matched[rows] = False
        pop.reintegrated[rows] = False
    pop.returned[rows] = model.now() + model.dt  # back home by the end of the step


class Returns(Component):
    """Return migration, and migrants stranded when borders are closed (module docstring)."""

    name = "returns"
    label = "return migration"
    phase = "returns"
    config_key = "returns"
    config_class = ReturnConfig
    levers = (
        Lever("corridors", "return_multiplier", "factor on the return hazard", 1.0),
        Lever("corridors", "portable", "pension rights are portable (a social-security "
              "agreement is in force)", False),
        Lever("countries", "return_blocked", "departures home blocked (a shock closing "
              "borders)", False),
    )
    fields = (
        Field("stranded", bool, "wants to return but cannot"),
        Field("return_exempt", bool, "takes no economic return decision (a refugee or asylum "
              "seeker goes home through the displacement process)"),
        Field("returned", np.float64, "year of return home (returnees)"),
    )
    series = (Series("returns_corridor", "people", "migrants who returned home, by corridor",
                     lambda model: model.flows["returns"], tables=True),)
    flows = (Flow("returns", "people", "migrants who returned home", per_corridor=True,
                  stock=-1),
             Flow("removals", "people", "irregular migrants removed to their origin",
                  per_corridor=True, stock=-1),
             Flow("stranded", "people", "migrants who want to return but cannot"))
    indicators = (
        Indicator("returns", "people per step", "migrants who returned home",
                  corridor_flow("returns")),
        Indicator("stranded", "people", "migrants who want to return but cannot (they "
                  "leave once departures reopen)",
                  step_flow("stranded")),
        Indicator("removals", "people per step", "irregular migrants removed to their origin",
                  corridor_flow("removals")),
    )

    def __init__(self):
        self.stranded_people = 0.0  # people stranded now (their rows carry `stranded`)

    headlines = (
        Headline("returns_total", "people", "returns over the run", "returns", "sum"),
        Headline("stranded_max", "people", "most migrants stranded at one time", "stranded",
                 "max"),
    )

    def init_post(self, model) -> None:
        """The start population's expected outflows a year by entry channel and skill
        (`corridors.outflow_regular`, `outflow_irregular`, [2, K]): returns, and for irregular
        migrants removals too. The entry constants are calibrated so that each channel's inflow
        replaces its outflow (`model.processes.emigration`), and the returnees of the years
        before the start are these outflows (`model.processes.reintegration`)."""
        pop, k = model.migrants, model.corridors
        hazard = return_hazard(model) * pop.weight
        removal = model.cfg.emigration.removal_rate * pop.weight * (pop.status == ABROAD)
        k.outflow_regular, k.outflow_irregular = (
            np.stack([np.bincount(pop.corridor, w * (pop.skill == s), len(k.o))
                      for s in (LOW, HIGH)])
            for w in (hazard * pop.regular, (hazard + removal) * ~pop.regular))

    def run(self, model, events: StepEvents) -> None:
        """Draw returns and removals; migrants go home (status RETURNEE) unless their destination
        blocks departures, in which case they are stranded and go as soon as it reopens."""
        pop, k = model.migrants, model.corridors
        rng = model.streams["returns"]
        blocked_at = model.countries.return_blocked
        # Returns are rare events: candidates at the largest possible rate, thinned by each
        # migrant's own hazard (exactly a Bernoulli draw per migrant, at O(n p) cost).
        p_max = float(-np.expm1(-max_hazard(model) * model.dt))
        rows = bernoulli_candidates(rng, pop.n, p_max)
        rows = rows[(pop.status[rows] == ABROAD) & ~pop.stranded[rows]]
        # Two stages of thinning: first by a bound that needs only the time abroad, then by the
        # exact hazard (which needs savings) for the few that remain.
        bound = -np.expm1(-_time_hazard(model, rows) * _max_multiplier(model) * model.dt)
        rows = thin(rng, rows, bound, p_max)
        bound = -np.expm1(-_time_hazard(model, rows) * _max_multiplier(model) * model.dt)
        wants = rows[rng.random(len(rows)) * bound
                     < -np.expm1(-return_hazard(model, rows) * model.dt)]
        # Migrants stranded earlier keep their intention: they leave once departures reopen.
        waiting = np.flatnonzero(pop.stranded) if self.stranded_people > 0 else wants[:0]
        wants = np.concatenate([waiting, wants])
        blocked = blocked_at[k.d[pop.corridor[wants]]]
        pop.stranded[wants] = blocked
        self.stranded_people = float(pop.weight[wants[blocked]].sum(dtype=np.float64))
        model.flows["stranded"][0] = self.stranded_people
        go = wants[~blocked]
        model.flows["returns"] += np.bincount(pop.corridor[go], pop.weight[go], len(k.o))
        _go_home(model, go)
        # Removals of irregular migrants still abroad (not while departures are blocked).
        removed = self._removals(model)
        model.flows["removals"] += np.bincount(pop.corridor[removed], pop.weight[removed],
                                               len(k.o))
        _go_home(model, removed)
        # After those who went home earlier in the step (e.g. refugees returning voluntarily).
        events.returned = np.concatenate([events.returned, go, removed])

    def _removals(self, model) -> np.ndarray:
        """Irregular migrants abroad removed this step, at `emigration.removal_rate` a year."""
        pop, k = model.migrants, model.corridors
        rate = model.cfg.emigration.removal_rate
        p = float(-np.expm1(-rate * model.dt))
        rows = bernoulli_candidates(model.streams["removals"], pop.n, p)
        rows = rows[(pop.status[rows] == ABROAD) & ~pop.regular[rows] & ~pop.stranded[rows]]
        return rows[~model.countries.return_blocked[k.d[pop.corridor[rows]]]]
