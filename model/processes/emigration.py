"""Emigration: a random-utility choice of destination, or staying, and entry through a channel.

Each step, every potential migrant of origin o and skill k (working-age population by skill)
chooses among staying (utility 0) and the corridors from o. The utility of corridor c is

    V_ck = ASC_ck + income_elasticity * log(E_ck / H_ok)
                  - cost_sensitivity * log(1 + cost_ck / (12 * home wage_ok))
                  + network_elasticity * log((stock_c + 1) / (stock0_c + 1))

with E the expected monthly earnings at destination (employment rate x wage, including the
chance of a job below skill), H the expected earnings at home, cost the travel cost (a fixed part
plus a part rising with distance) plus the worker-paid recruitment cost (SDG 10.7.1), and the
diaspora already there relative to the start (network effects, Beine, Docquier and Ozden 2011).
Choice probabilities are multinomial logit (McFadden 1974; the standard random-utility model of
migration, e.g. Grogger and Hanson 2011, JDE 95(1)).

The corridor constants ASC_ck are calibrated at the start so that the expected inflow equals the
expected returns; the 2015-2020 trend of the corridor's stock multiplies that inflow at the start
and fades with a half-life (`trend_half_life_years`), since bilateral surges such as the
Venezuelan exodus of 2015-2020 do not go on for ever. So the baseline starts on the observed
trend and settles towards replacement, and everything that moves E, H, costs or diasporas moves
flows through the elasticities above.

Entry: arrivals are regular up to the corridor's annual quota (set at the start from the
destination's irregular share, renewed each year); the rest come irregularly, pay
`irregular_cost_multiplier` times the travel cost to smugglers and no recruitment fee, earn less
and bank less.
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD, HIGH, LOW
from model.processes import earnings


def expected_earnings(model) -> np.ndarray:
    """Expected monthly earnings of a new migrant, per skill and corridor ([2, K], USD)."""
    k, c, cfg = model.corridors, model.countries, model.cfg.labour
    d = k.d
    employ = 1.0 - c.migrant_unemployment[d]
    p_match = (k.recognition_share * cfg.matched_prob_recognised
               + (1.0 - k.recognition_share) * cfg.matched_prob_unrecognised)
    low = c.wage_low[d] * employ
    high = (p_match * c.wage_high[d] + (1.0 - p_match) * c.wage_low[d]) * employ
    return np.stack([low, high]) * cfg.migrant_wage_ratio


def home_earnings(model) -> np.ndarray:
    """Expected monthly earnings at home per skill and corridor ([2, K], USD)."""
    c, o = model.countries, model.corridors.o
    employ = 1.0 - c.unemployment[o]
    return np.stack([c.wage_low[o] * employ, c.wage_high[o] * employ])


def recruitment_cost(model) -> np.ndarray:
    """Worker-paid recruitment cost per skill and corridor ([2, K], USD): months of the
    destination wage of a job at the migrant's skill."""
    k, c = model.corridors, model.countries
    return k.recruitment_months * np.stack([c.wage_low[k.d], c.wage_high[k.d]])


def travel_cost(cfg, distance_km: np.ndarray) -> np.ndarray:
    """Travel and document cost of a regular move per corridor (USD): a fixed part and a part
    rising with distance. The model keeps it in `corridors.travel_cost_usd`."""
    e = cfg.emigration
    return e.travel_cost_fixed_usd + e.travel_cost_per_1000km_usd * distance_km / 1000.0


def systematic_utility(model, expected: np.ndarray | None = None) -> np.ndarray:
    """V_ck without the calibrated constant ([2, K]: skill, corridor); `expected` is
    `expected_earnings(model)` if already computed."""
    k, cfg = model.corridors, model.cfg.emigration
    expected = expected_earnings(model) if expected is None else expected
    home = home_earnings(model)
    gain = np.log(np.maximum(expected, 1e-9) / np.maximum(home, 1e-9))
    cost = k.travel_cost_usd + recruitment_cost(model)
    # Log of (1 + cost in years of home earnings): a semi-elasticity, so a given relative cut in
    # costs matters alike in rich and poor origins (gravity models use log costs).
    cost_years = np.log1p(cost / (12.0 * np.maximum(home, 1e-9)))
    # The diaspora as it stood at the end of the previous step.
    network = np.log((model.stock_now + 1.0) / (k.stock0 + 1.0))
    return (cfg.income_elasticity * gain - cfg.cost_sensitivity * cost_years
            + cfg.network_elasticity * network)


def choice_probabilities(model, expected: np.ndarray | None = None) -> np.ndarray:
    """Per-step probability that a potential migrant of the corridor's origin and skill picks
    the corridor ([2, K]); staying takes the rest."""
    k = model.corridors
    # The observed 2015-2020 trend scales the inflow by trend_ratio at the start and fades.
    fade = 0.5 ** (model.years_elapsed() / model.cfg.emigration.trend_half_life_years)
    trend = np.maximum(1.0 + (k.trend_ratio - 1.0) * fade, 0.0)
    with np.errstate(over="ignore", divide="ignore"):
        ev = np.exp(k.asc + systematic_utility(model, expected)) * trend
    n_c = len(model.countries.iso3)
    total = np.stack([np.bincount(k.o, ev[s], n_c) for s in (LOW, HIGH)])
    return ev / (1.0 + total[:, k.o])


def calibrate_constants(model, inflow_per_year: np.ndarray) -> np.ndarray:
    """ASC_ck that make the expected inflow equal `inflow_per_year` ([2, K], people) now."""
    k = model.corridors
    pot = model.countries.potential_migrants[:, k.o]  # [2, K]
    p = np.where(pot > 0, inflow_per_year * model.dt / np.maximum(pot, 1.0), 0.0)
    n_c = len(model.countries.iso3)
    total = np.stack([np.bincount(k.o, p[s], n_c) for s in (LOW, HIGH)])
    if (total >= 0.5).any():
        raise ValueError("calibrated emigration probabilities exceed 50% a step for some "
                         "origin; the corridor stocks are implausible for its population")
    with np.errstate(divide="ignore"):
        asc = np.log(p) - np.log1p(-total[:, k.o]) - systematic_utility(model)
    # Corridors with no inflow get -700 rather than -inf: exp() is the same to the last digit
    # that matters (1e-304) and several times faster than on infinities.
    return np.maximum(asc, -700.0)


def _regular_entries(k, corridor: np.ndarray, arrivals: np.ndarray, w: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Which new migrants enter regularly: per corridor, as many agents as this year's quota has
    room for (stochastically rounded, so a quota smaller than one agent still admits its share
    over time), chosen at random among the arrivals; the rest come irregularly.

    Quotas are annual, as visa caps are; `quota_left` can end up below zero by less than one
    agent's weight, which the next entries of the year absorb. So regular entries per year never
    exceed the quota by more than one agent's weight.
    """
    room = np.floor(np.maximum(k.quota_left, 0.0) / w + rng.random(len(k.o))).astype(np.int64)
    admitted = np.minimum(arrivals, room)
    # Random rank of each arrival within its corridor; the lowest `admitted` ranks are regular.
    order = np.lexsort((rng.random(len(corridor)), corridor))
    start = np.concatenate([[0], np.cumsum(arrivals)[:-1]])
    rank = np.empty(len(corridor), dtype=np.int64)
    rank[order] = np.arange(len(corridor)) - start[corridor[order]]
    k.quota_left = k.quota_left - admitted * w
    return rank < admitted[corridor]


def _substituted(k, corridor: np.ndarray, regular: np.ndarray, w: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Irregular arrivals replaced by regular re-migrants (`corridors.substitute_irregular`,
    people per corridor, set by return-to-job agreements): that many, at random, per corridor."""
    irregular = np.flatnonzero(~regular)
    cor = corridor[irregular]
    drop = np.floor(k.substitute_irregular / w + rng.random(len(k.o))).astype(np.int64)
    order = irregular[np.lexsort((rng.random(len(irregular)), cor))]
    counts = np.bincount(cor, minlength=len(k.o))
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(order)) - start[corridor[order]]
    out = np.zeros(len(corridor), dtype=bool)
    out[order[rank < drop[corridor[order]]]] = True
    return out


def step(model) -> None:
    """Draw new migrants per corridor and skill; add them to the population."""
    k, c, cfg = model.corridors, model.countries, model.cfg.emigration
    rng = model.streams["emigration"]
    expected = expected_earnings(model)
    people = (choice_probabilities(model, expected) * c.potential_migrants[:, k.o]  # [2, K]
              * c.emigration_multiplier[k.o] * c.entry_multiplier[k.d])  # shocks: push, entry
    w = model.cfg.people_per_agent
    n = rng.poisson(people / w)
    if n.sum() == 0:
        return
    corridor = np.repeat(np.tile(np.arange(len(k.o)), 2), n.ravel())
    skill = np.repeat(np.array([LOW, HIGH], dtype=np.int8), n.sum(axis=1))
    # Wider regular channels (corridors.quota_multiplier) add to this year's quota.
    k.quota_left = k.quota_left + k.quota * (k.quota_multiplier - 1.0) * model.dt
    regular = _regular_entries(k, corridor, n[LOW] + n[HIGH], w, rng)
    if k.substitute_irregular.any():
        keep = ~_substituted(k, corridor, regular, w, rng)
        corridor, skill, regular = corridor[keep], skill[keep], regular[keep]
    if k.irregular_deterrence.any():  # some would-be irregular migrants stay home
        keep = regular | (rng.random(len(corridor)) >= k.irregular_deterrence[corridor])
        corridor, skill, regular = corridor[keep], skill[keep], regular[keep]
    m = len(corridor)
    d = k.d[corridor]
    access = c.account_access[d] * np.where(regular, 1.0, 0.5)
    recognised = (skill == HIGH) & (rng.random(m) < k.recognition_share[corridor])
    fee = recruitment_cost(model)[skill, corridor]
    debt = np.where(regular, fee, k.travel_cost_usd[corridor] * (cfg.irregular_cost_multiplier - 1.0))
    model.migrants.add(corridor=corridor, skill=skill, status=ABROAD, arrived=model.now() + model.dt,
                       weight=np.full(m, w, np.float32), regular=regular,
                       recognised=recognised, has_account=rng.random(m) < access,
                       debt=debt)
    f = model.flows
    new = np.arange(model.migrants.n - m, model.migrants.n)
    earnings.start_accrual(model, new)
    model.tallies.add(model.migrants, new)
    f["arrivals"] += np.bincount(corridor, np.full(m, w), len(k.o))
    f["arrivals_irregular"] += np.bincount(corridor, np.where(regular, 0.0, w), len(k.o))
    # SDG 10.7.1: recruitment cost borne by the worker in months of earnings at destination.
    earn = expected[skill, corridor]
    f["recruitment_cost_usd"][0] += float((np.where(regular, fee, 0.0) * w).sum())
    f["recruitment_earnings_usd"][0] += float((np.where(regular, earn, 0.0) * w).sum())
    f["arrival_debt_usd"][0] += float(debt.sum() * w)
    f["arrivals_poorer_origins"][0] += float(c.poorer[k.o[corridor]].sum() * w)
    model.arrival_rows = new
    model.policies.call("after_emigration")
