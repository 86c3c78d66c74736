"""Return migration: a hazard driven by time abroad, unemployment and savings.

The hazard (per year) is `return_rate_settled + return_rate_new * exp(-years abroad / decay)`:
most returns happen in the first years (Dustmann and Gorlach 2016, JEL 54(1)); it is multiplied
for the unemployed (Bijwaard, Schluter and Wahba 2014, REStat 96(3)) and for target savers who
have reached their savings target. A migrant who draws a return while its destination blocks
departures (a shock closing borders, `countries.return_blocked`) stays, stranded.
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD, RETURNEE
from model.processes import earnings
from model.streams import bernoulli_candidates, thin


def return_hazard(model, rows: np.ndarray | None = None) -> np.ndarray:
    """Return hazard per year of the migrants in `rows` (all if None); 0 for returnees."""
    pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.returns
    if rows is None:
        rows = np.arange(pop.n)
    h = _time_hazard(model, rows)
    target = cfg.savings_target_years * 12.0 * c.wage_low[k.o]
    corridor = pop.corridor[rows]
    savings, _ = earnings.current_savings(model, rows)
    h = h * np.where(pop.employed[rows], 1.0, cfg.unemployed_return_multiplier)
    h = h * np.where(savings >= target[corridor], cfg.savings_return_multiplier, 1.0)
    # Vested regular migrants whose pension rights would be lost on return stay longer; the
    # factor per corridor and vested state is one small table.
    vested = pop.regular[rows] & (model.now() - pop.arrived[rows] >= cfg.vesting_years)
    factor = np.stack([k.return_multiplier, k.return_multiplier
                       * np.where(k.portable, 1.0, cfg.pension_lock_in)], axis=1).ravel()
    h = h * factor[corridor * 2 + vested]
    return h * (pop.status[rows] == ABROAD)


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


def step(model) -> None:
    """Draw returns; returnees go home (status RETURNEE), or are stranded if departure is blocked."""
    pop, k = model.migrants, model.corridors
    rng = model.streams["returns"]
    # Returns are rare events: candidates at the largest possible rate, thinned by each
    # migrant's own hazard (exactly a Bernoulli draw per migrant, at O(n p) cost).
    p_max = float(-np.expm1(-max_hazard(model) * model.dt))
    rows = bernoulli_candidates(rng, pop.n, p_max)
    rows = rows[pop.status[rows] == ABROAD]
    # Two stages of thinning: first by a bound that needs only the time abroad, then by the
    # exact hazard (which needs savings) for the few that remain.
    bound = -np.expm1(-_time_hazard(model, rows) * _max_multiplier(model) * model.dt)
    rows = thin(rng, rows, bound, p_max)
    bound = -np.expm1(-_time_hazard(model, rows) * _max_multiplier(model) * model.dt)
    wants = rows[rng.random(len(rows)) * bound < -np.expm1(-return_hazard(model, rows) * model.dt)]
    blocked = model.countries.return_blocked[k.d[pop.corridor[wants]]]
    pop.stranded[:] = False
    pop.stranded[wants[blocked]] = True
    model.flows["stranded"][0] = pop.weight[wants[blocked]].sum(dtype=np.float64)
    go = wants[~blocked]
    model.flows["returns"] += np.bincount(pop.corridor[go], pop.weight[go], len(k.o))
    earnings.settle(model, go)
    with model.tallies.changing(pop, go, ("status", "employed", "matched", "reintegrated")):
        pop.status[go] = RETURNEE
        pop.employed[go] = False
        pop.matched[go] = False
        pop.reintegrated[go] = False
    pop.returned[go] = model.now() + model.dt  # back home by the end of the step
    model.returned_rows = go
    model.policies.call("after_returns")
