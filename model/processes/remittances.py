"""Remittances: how much each migrant sends and through which channel.

Amount: a share of earnings that is the same for all migrants of one origin; the share is
calibrated at the start so that each origin's formal (recorded) receipts match World Bank WDI
2019 personal remittances received (`calibrate_remit_share`). Unemployed migrants keep sending
a reduced amount out of their savings (remittances as insurance; Yang and Choi 2007, WBER 21(2)).

Channel: a binary logit between formal channels (at the corridor's price, World Bank Remittance
Prices Worldwide, % of a 200 USD transfer) and informal ones (at `informal_price_pct`), where the
formal channel costs more without an account. A migrant chooses on arrival and reviews its
choice at `channel_review_rate` a year (senders tend to stick to a provider), so a change of
prices moves the channel mix within a year or so, not at once. The constant is calibrated so the formal share of
the amount sent matches `formal_share_initial` at the start (`calibrate_formal_constant`).

Fees: the sender hands over `amount`; the provider keeps `price% x amount`; the household gets
the rest. So money is conserved: sent = received + fees, per corridor and step.
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD
from model.processes.labour import hazard_to_prob
from model.streams import bernoulli_candidates


def formal_probability(price_pct: np.ndarray, informal_price_pct: float, has_account: np.ndarray,
                       constant: float, price_sensitivity: float,
                       no_account_penalty: float) -> np.ndarray:
    """P(formal channel) for each migrant: a logit in the price gap and account access."""
    v = (constant - price_sensitivity * (price_pct - informal_price_pct)
         - no_account_penalty * (~has_account))
    return 1.0 / (1.0 + np.exp(-v))


def intended_amount(model, spend: bool = False) -> np.ndarray:
    """USD per person each migrant sends this step (before fees), savings permitting.

    With `spend`, the remittances of the unemployed are taken out of their savings.
    """
    pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.remittances
    share = c.remit_share[k.o].astype(np.float32)
    amount = share[pop.corridor] * pop.income  # employed abroad: a share of earnings
    # Unemployed migrants abroad (a minority) send a reduced amount out of savings.
    idle = getattr(model, "idle_rows", None)
    if idle is None or spend is False:  # outside a step (calibration): find them
        idle = np.flatnonzero(~pop.employed & (pop.status == ABROAD))
    fallback = (c.remit_share[k.o] * c.wage_low[k.d] * 12.0 * model.dt
                * cfg.unemployed_remit_ratio).astype(np.float32)
    from_savings = np.minimum(fallback[pop.corridor[idle]], pop.savings[idle])
    amount[idle] = from_savings
    if spend:
        pop.savings[idle] -= from_savings
    return amount


def choose_channel(model, rows: np.ndarray, rng: np.random.Generator) -> None:
    """The migrants in `rows` (re)choose between formal and informal channels."""
    pop, k, cfg = model.migrants, model.corridors, model.cfg.remittances
    # P(formal) per (corridor, has account): a small table, gathered per migrant.
    table = np.stack([formal_probability(k.price_pct, cfg.informal_price_pct,
                                         np.full(len(k.o), has), model.formal_constant,
                                         cfg.price_sensitivity, cfg.no_account_penalty)
                      for has in (False, True)], axis=1).ravel()
    p = table[pop.corridor[rows] * 2 + pop.has_account[rows]]
    pop.formal[rows] = rng.random(len(rows)) < p


def step(model) -> None:
    """Send remittances; record sent, fees and received per corridor (model.flows)."""
    pop, k, cfg = model.migrants, model.corridors, model.cfg.remittances
    rng = model.streams["remittances"]
    amount = intended_amount(model, spend=True)
    # Senders keep their channel and review it at `channel_review_rate` (habit); newcomers
    # chose on arrival. Reviewers are drawn by skipping, so the cost is O(reviewers).
    reviewers = bernoulli_candidates(rng, pop.n, float(hazard_to_prob(cfg.channel_review_rate,
                                                                      model.dt)))
    choose_channel(model, reviewers, rng)
    formal = pop.formal
    cor2 = pop.corridor * 2
    pop.remittance[:] = amount
    # Sent and fees per (corridor, channel) in one pass; received = sent - fees.
    K = len(k.o)
    sent_cell = np.bincount(cor2 + formal, pop.weight * amount, 2 * K).reshape(K, 2)
    price = np.stack([np.full(K, cfg.informal_price_pct), k.price_pct], axis=1) / 100.0
    fees_cell = sent_cell * price
    f = model.flows
    f["sent"] += sent_cell.sum(axis=1)
    f["fees"] += fees_cell.sum(axis=1)
    f["received"] += (sent_cell - fees_cell).sum(axis=1)
    f["formal_sent"] += sent_cell[:, 1]
    f["formal_received"] += sent_cell[:, 1] - fees_cell[:, 1]


def calibrate_formal_constant(model, amount: np.ndarray) -> float:
    """Logit constant giving the configured formal share of the amount sent (bisection)."""
    pop, k, cfg = model.migrants, model.corridors, model.cfg.remittances
    volume = pop.weight * amount
    if volume.sum() <= 0:
        return 0.0
    price = k.price_pct[pop.corridor]
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        p = formal_probability(price, cfg.informal_price_pct, pop.has_account, mid,
                               cfg.price_sensitivity, cfg.no_account_penalty)
        if (volume * p).sum() / volume.sum() < cfg.formal_share_initial:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def calibrate_remit_share(model, target_formal_per_year: np.ndarray) -> np.ndarray:
    """Share of earnings remitted, per origin, matching formal receipts to `target` (USD/year).

    Uses expected values over the initial migrants with a share of 1, then scales; origins with
    no target get the median share; all shares are clipped to the configured bounds.
    """
    pop, k, cfg = model.migrants, model.corridors, model.cfg.remittances
    # Amounts per unit share; savings do not bind in expectation, so the unemployed count with
    # their full fallback amount.
    dest = k.d[pop.corridor]
    unemployed = model.countries.wage_low[dest] * 12.0 * model.dt * cfg.unemployed_remit_ratio
    amount = np.where(pop.employed, pop.income, np.where(pop.status == ABROAD, unemployed, 0.0))
    p_formal = formal_probability(k.price_pct[pop.corridor], cfg.informal_price_pct,
                                  pop.has_account, model.formal_constant,
                                  cfg.price_sensitivity, cfg.no_account_penalty)
    received = pop.weight * amount * p_formal * (1.0 - k.price_pct[pop.corridor] / 100.0)
    origin = k.o[pop.corridor]
    per_unit = np.bincount(origin, received, len(model.countries.iso3)) * model.steps_per_year
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where((per_unit > 0) & (target_formal_per_year > 0),
                         target_formal_per_year / per_unit, np.nan)
    fill = np.nanmedian(share) if np.isfinite(share).any() else 0.1
    share = np.where(np.isfinite(share), share, fill)
    return np.clip(share, cfg.remit_share_min, cfg.remit_share_max)
