"""Remittances: how much each migrant sends and through which channel.

Amount: a share of earnings that is the same for all migrants of one origin; the share is
calibrated at the start so that each origin's formal (recorded) receipts match World Bank WDI
2019 personal remittances received (`calibrate_remit_share`). Unemployed migrants keep sending
a reduced amount out of their savings (remittances as insurance; Yang and Choi 2007, WBER 21(2)).
Since the employed all send the same share of earnings that depend only on corridor and job
cell, their total is computed from the counts of `model.tallies` (people per corridor, job cell
and channel) times the earnings table: the same sum as over every migrant, without the pass.

Channel: each transfer is a binary logit choice between formal channels (at the corridor's
price, World Bank Remittance Prices Worldwide, % of a 200 USD transfer) and informal ones (at
`informal_price_pct`), where the formal channel costs more without an account. A migrant sends
several transfers a quarter, so its remittances split between the channels in the proportions
of the choice probabilities (the expected outcome of its transfers), which is how the model
books them; a change of prices or of account access moves the split at once. The logit's
constant is calibrated so that the formal share of the amount sent matches
`formal_share_initial` at the start (`calibrate_formal_constant`). The amount sent responds to
the price relative to the start (`amount_price_elasticity`, Gibson, McKenzie and Rohorua 2006).

Fees: the sender hands over `amount`; the provider keeps `price% x amount`; the household gets
the rest. So money is conserved: sent = received + fees, per corridor and step.
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD
from model.processes.earnings import income


def formal_probability(price_pct: np.ndarray, informal_price_pct: float, has_account: np.ndarray,
                       constant: float, price_sensitivity: float,
                       no_account_penalty: float) -> np.ndarray:
    """P(formal channel): a logit in the price gap and account access."""
    v = (constant - price_sensitivity * (price_pct - informal_price_pct)
         - no_account_penalty * (~has_account))
    return 1.0 / (1.0 + np.exp(-v))


def formal_table(model, constant: float | None = None) -> np.ndarray:
    """P(formal) per corridor and account access, flat: index 2 x corridor + has_account.
    `corridors.formal_bonus` (utility) is where policies such as a remittance match act."""
    k, cfg = model.corridors, model.cfg.remittances
    constant = model.formal_constant if constant is None else constant
    return np.stack([formal_probability(k.price_pct, cfg.informal_price_pct,
                                        np.full(len(k.o), has), constant + k.formal_bonus,
                                        cfg.price_sensitivity, cfg.no_account_penalty)
                     for has in (False, True)], axis=1).ravel()


def price_response(model) -> np.ndarray:
    """Factor on the amount sent per corridor: (price / start price) ^ -elasticity, so cheaper
    sending raises what migrants send (1 in the baseline, where prices stay put), times the
    origin's remittance multiplier."""
    k = model.corridors
    ratio = np.maximum(k.price_pct, 0.01) / np.maximum(k.base_price_pct, 0.01)
    # Shocks at origin (a disaster) make migrants send more: `countries.remittance_multiplier`.
    return (ratio ** -model.cfg.remittances.amount_price_elasticity
            * model.countries.remittance_multiplier[k.o])


def unemployed_amount(model) -> np.ndarray:
    """What an unemployed migrant sends per step (USD per person) per corridor, savings
    permitting: the origin's share of a low-skill wage times `unemployed_remit_ratio`."""
    k, c, cfg = model.corridors, model.countries, model.cfg.remittances
    return (c.remit_share[k.o] * c.wage_low[k.d] * 12.0 * model.dt
            * cfg.unemployed_remit_ratio * price_response(model))


def amount(model, rows: np.ndarray) -> np.ndarray:
    """What the migrants in `rows` send this step (USD per person, before fees)."""
    pop, k = model.migrants, model.corridors
    share = (model.countries.remit_share[k.o] * price_response(model))[pop.corridor[rows]]
    idle = np.minimum(unemployed_amount(model)[pop.corridor[rows]], pop.savings[rows])
    abroad = pop.status[rows] == ABROAD
    return np.where(pop.employed[rows], share * income(model, rows), idle * abroad)


def step(model) -> None:
    """Send remittances; record sent, fees and received per corridor (model.flows)."""
    pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.remittances
    K = len(k.o)
    p_formal = formal_table(model).reshape(K, 2)  # by corridor and account access
    # The employed: share x earnings of each job cell x people in it (by account access),
    # split between channels by the choice probabilities.
    employed = model.tallies.employed_by_job()  # [job cell, account, K]
    share = c.remit_share[k.o] * price_response(model)
    by_account = np.stack([share * sum(model.earnings[j] * employed[j, a] for j in range(4))
                           for a in (0, 1)], axis=1)  # [K, account]
    # The unemployed (rows found by the labour process) send out of their savings.
    idle = model.idle_rows
    spent = np.minimum(unemployed_amount(model)[pop.corridor[idle]], pop.savings[idle])
    pop.savings[idle] -= spent
    by_account += np.bincount(pop.corridor[idle] * 2 + pop.has_account[idle],
                              pop.weight[idle] * spent, 2 * K).reshape(K, 2)
    # Small [K, 2] tables: add columns by hand (sum(axis=1) is slow on a 2-wide axis).
    formal = by_account[:, 0] * p_formal[:, 0] + by_account[:, 1] * p_formal[:, 1]
    sent = by_account[:, 0] + by_account[:, 1]
    informal = sent - formal
    formal_fees = formal * k.price_pct / 100.0
    fees = formal_fees + informal * cfg.informal_price_pct / 100.0
    f = model.flows
    f["sent"] += sent
    f["fees"] += fees
    f["received"] += sent - fees
    f["formal_sent"] += formal
    f["formal_received"] += formal - formal_fees
    model.policies.call("after_remittances")


def calibrate_formal_constant(model) -> float:
    """Logit constant giving the configured formal share of the amount sent (bisection over
    the start-year migrants, weighted by what each would send at a common share)."""
    pop, cfg = model.migrants, model.cfg.remittances
    rows = np.arange(pop.n)
    base = np.where(pop.employed, income(model, rows),
                    unemployed_amount(model)[pop.corridor] / np.maximum(
                        model.countries.remit_share[model.corridors.o[pop.corridor]], 1e-12))
    volume = pop.weight * base * (pop.status == ABROAD)
    if volume.sum() <= 0:
        return 0.0
    cell = pop.corridor * 2 + pop.has_account
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        share = (volume * formal_table(model, mid)[cell]).sum() / volume.sum()
        lo, hi = (mid, hi) if share < cfg.formal_share_initial else (lo, mid)
    return 0.5 * (lo + hi)


def calibrate_remit_share(model, target_formal_per_year: np.ndarray) -> np.ndarray:
    """Share of earnings remitted, per origin, so that formal receipts (what WDI records) match
    `target` (USD per year) with the start-year migrants.

    Origins with no target get the median share; all are clipped to the configured bounds.
    """
    k, c, cfg = model.corridors, model.countries, model.cfg.remittances
    K = len(k.o)
    cells = model.tallies.corridor.reshape(2, 4, 2, K)  # employed, job cell, account
    p_formal = formal_table(model).reshape(K, 2).T      # [account, K]
    per_person = unemployed_amount(model) / np.maximum(c.remit_share[k.o], 1e-12)
    formal_base = sum(p_formal[a] * (sum(model.earnings[j] * cells[1, j, a] for j in range(4))
                                     + per_person * cells[0, :, a].sum(axis=0))
                      for a in (0, 1))
    received = formal_base * (1.0 - k.price_pct / 100.0) * model.steps_per_year
    per_unit = np.bincount(k.o, received, len(c.iso3))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where((per_unit > 0) & (target_formal_per_year > 0),
                         target_formal_per_year / per_unit, np.nan)
    fill = np.nanmedian(share) if np.isfinite(share).any() else 0.1
    share = np.where(np.isfinite(share), share, fill)
    return np.clip(share, cfg.remit_share_min, cfg.remit_share_max)
