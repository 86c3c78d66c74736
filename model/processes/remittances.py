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
    corridor_flow,
    ratio,
)
from model.params import param
from model.population import ABROAD
from model.processes.earnings import income
from model.tallies import S_ABROAD


# Rounds of the joint calibration of the formal constant and the remitted shares: the formal
# share at the start is within 0.1 point of its target after 4 in the default world.
CALIBRATION_ROUNDS = 4

@dataclass
class RemittanceConfig:
    """Earnings, savings, remittance amounts and channels (processes `earnings`, `remittances`)."""

    remit_share_min: float = param(
        0.03, "share of earnings", 0.0, 1.0, label="lower bound of the calibrated remittance share",
        source="calibration bound: the share of earnings each origin's migrants remit is fitted "
               "at the start to WDI 2019 remittances received")
    remit_share_max: float = param(
        0.6, "share of earnings", 0.0, 1.0, label="upper bound of the calibrated remittance share",
        source="calibration bound (surveys of migrant workers rarely report more than half)")
    unemployed_remit_ratio: float = param(
        0.3, "ratio", 0.0, 1.0, label="remittance of an unemployed migrant / usual amount",
        source="assumption: remittances are smoothed from savings during unemployment")
    amount_price_elasticity: float = param(
        0.22, "elasticity", 0.0, 3.0, label="fall of the amount sent per 1% rise of the price",
        source="Gibson, McKenzie and Rohorua (2006), 'How cost elastic are remittances?', "
               "estimate an elasticity of about -0.22")
    formal_share_initial: float = param(
        0.7, "share", 0.05, 0.99, label="formal-channel share of remittances at start",
        source="calibration: informal flows 35-75% of recorded ones (Freund and Spatafora "
               "2008, JDE 86(2)); 0.7 formal means informal = 43% of formal")
    price_sensitivity: float = param(
        1.0, "per percentage point", 0.0, 5.0, label="logit slope of channel choice on price",
        source="set so that formal remittances' price elasticity is about -1.1 in the default "
               "world (docs/evidence.md; it rises no further with the slope): near Kpodar and "
               "Imam (2024, World Development 177) "
               "'an absolute elasticity greater than one' and Ahmed, Mughal and Martinez-Zarzoso "
               "(2021, The World Economy 44(8)): a 1% lower cost of sending 200 USD, 1.6% more "
               "remittances; the 2010-2015 calibration does not identify it",
        fit="remittances.price_sensitivity")
    informal_price_pct: float = param(
        3.0, "% of amount", 0.0, 30.0, label="cost of informal channels (hawala, couriers)",
        source="assumption (World Bank 2006, Global Economic Prospects ch. 4: informal "
               "channels are cheaper but risky)")
    account_access_high_income: float = param(
        0.85, "share", 0.0, 1.0, label="migrants with a bank account, high-income destination",
        source="Global Findex 2017: 94% of adults in high-income economies have an account; "
               "lower for migrants (assumption)")
    account_access_other: float = param(
        0.55, "share", 0.0, 1.0, label="migrants with a bank account, other destinations",
        source="Global Findex 2017: 63% of adults in developing economies; lower for migrants")
    need_response: float = param(
        0.75, "elasticity", 0.0, 10.0,
        label="rise of the amount sent per unit of income shortfall of families at home",
        source="to be fitted; Yang and Choi (2007, WBER 21(2)): remittances replace roughly 60% "
               "of income shortfalls of Philippine households with migrants; with remittances "
               "about 40% of such households' income that is an elasticity of up to 1.5; half "
               "of it, as not every recipient household is hit")
    no_account_penalty: float = param(
        1.0, "utility", 0.0, 10.0, label="extra cost of the formal channel without an account",
        source="assumption (cash-to-cash transfers cost more and are less convenient)")


def formal_probability(price_pct: np.ndarray, informal_price_pct: float, has_account: np.ndarray,
                       constant: float, price_sensitivity: float,
                       no_account_penalty: float) -> np.ndarray:
    """P(formal channel): a logit in the price gap and account access."""
    v = (constant - price_sensitivity * (price_pct - informal_price_pct)
         - no_account_penalty * (~has_account))
    return 1.0 / (1.0 + np.exp(-v))


def formal_table(model, constant: float | None = None) -> np.ndarray:
    """P(formal) per corridor and account access, flat: index 2 x corridor + has_account.
    `corridors.formal_bonus` (utility) is where policies such as a remittance match act;
    `countries.informal_penalty` where closed borders stop the informal channels (couriers,
    cash carried home) of migrants in a destination."""
    k, cfg = model.corridors, model.cfg.remittances
    constant = model.formal_constant if constant is None else constant
    shift = constant + k.formal_bonus + model.countries.informal_penalty[k.d]
    return np.stack([formal_probability(k.price_pct, cfg.informal_price_pct,
                                        np.full(len(k.o), has), shift,
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


def _formal_share(model) -> float:
    f = model.flows
    return ratio(f["formal_sent"].sum(), f["sent"].sum())


def _average_price(model) -> float:
    """SDG 10.c.1: the simple mean of the prices of the corridors with formal flows."""
    with_flow = model.flows["formal_sent"] > 0
    return float(model.corridors.price_pct[with_flow].mean()) if with_flow.any() else 0.0


def _weighted_price(model) -> float:
    f = model.flows
    formal_sent = f["formal_sent"].sum()
    return 100.0 * ratio(formal_sent - f["formal_received"].sum(), formal_sent)


def _pct_gdp(model) -> float:
    """SDG 17.3.2: formal receipts of low- and middle-income countries (annual rate), % of GDP."""
    c, k = model.countries, model.corridors
    lmic = ~c.high_income & np.isfinite(c.gdp_usd)
    received_by = np.bincount(k.o, model.flows["formal_received"], len(c.iso3))
    return 100.0 * ratio(received_by[lmic].sum() * model.steps_per_year, c.gdp_usd[lmic].sum())


def _account_share(model) -> float:
    return ratio(float(model.tallies.banked().sum()), model.tallies.people(on=S_ABROAD))


def _formal_share_last_year(ts, model) -> float:
    year = ts.iloc[-model.steps_per_year:]
    return ratio(float((year["formal_share"] * year["remittances_sent_usd"]).sum()),
                 float(year["remittances_sent_usd"].sum()))


def open_accounts(model) -> None:
    """Unbanked migrants abroad open a bank or mobile-money account at their corridor's
    `account_opening_rate` (an account, once opened, stays)."""
    k, pop = model.corridors, model.migrants
    if not k.account_opening_rate.any():
        return
    rng = model.streams["accounts"]
    unbanked = np.flatnonzero(~pop.has_account & (pop.status == ABROAD))
    p = -np.expm1(-k.account_opening_rate[pop.corridor[unbanked]] * model.dt)
    opening = unbanked[rng.random(len(unbanked)) < p]
    with model.tallies.changing(pop, opening, ("has_account",)):
        pop.has_account[opening] = True


def _account_access(model) -> np.ndarray:
    """Share of new regular migrants with an account, by destination income group."""
    r = model.cfg.remittances
    return np.where(model.countries.high_income, r.account_access_high_income,
                    r.account_access_other)


class Remittances(Component):
    """Amounts sent and the channel split (see the module docstring)."""

    name = "remittances"
    label = "remittances"
    phase = "remittances"
    figures = (
        RunFigure("remittances_top_recipients.png", "formal remittances received per calendar "
                  "year by the 10 largest recipients, in US$ billions",
                  "model.plots.remittances:plot_remittances_top_recipients"),
        RunFigure("sdg_indicators.png", "SDG 10.c.1 remittance price (with the 3% target and "
                  "the 5% corridor ceiling), SDG 10.7.1 recruitment cost in months of earnings "
                  "and SDG 17.3.2 remittances as % of GDP of low- and middle-income countries",
                  "model.plots.remittances:plot_sdg_indicators"),
    )
    config_key = "remittances"
    config_class = RemittanceConfig
    levers = (
        Lever("corridors", "price_pct", "cost of a formal 200 USD transfer (% of the amount; "
              "World Bank RPW at the start)",
              lambda model: model.world.corridors["remittance_price_pct"].to_numpy(float)),
        Lever("corridors", "formal_bonus", "utility added to the formal channel (e.g. a "
              "remittance match)", 0.0),
        Lever("countries", "account_access", "share of new regular migrants with an account",
              _account_access),
        Lever("countries", "remittance_multiplier", "factor on the remittances sent to an "
              "origin (a disaster at home makes migrants send more)", 1.0),
        Lever("countries", "informal_penalty", "utility lost by informal channels from a "
              "destination (closed borders stop couriers and cash carried home)", 0.0),
        Lever("corridors", "account_opening_rate", "rate at which unbanked migrants abroad "
              "open an account (per year; digital channels, account programmes)", 0.0),
    )
    fields = (Field("has_account", bool, "access to a bank or mobile-money account"),)
    series = (
        Series("formal_received_by_origin", "USD", "formal remittances received, by origin",
               lambda model: np.bincount(model.corridors.o, model.flows["formal_received"],
                                         len(model.countries.iso3))),
        Series("formal_received_corridor", "USD", "formal remittances received, by corridor",
               lambda model: model.flows["formal_received"]),
        Series("received_corridor", "USD", "remittances received, all channels, by corridor",
               lambda model: model.flows["received"], tables=True),
        Series("sent_corridor", "USD", "remittances sent, by corridor",
               lambda model: model.flows["sent"], tables=True),
        Series("price_corridor", "% of 200 USD", "price of a formal transfer, by corridor",
               lambda model: model.corridors.price_pct.copy(), tables=True),
    )
    flows = tuple(Flow(name, "USD", doc, per_corridor=True) for name, doc in (
        ("sent", "remittances sent, all channels, before fees"),
        ("fees", "fees paid on remittances"),
        ("received", "remittances received by households, all channels"),
        ("formal_sent", "remittances sent through formal channels"),
        ("formal_received", "remittances received through formal channels")))
    indicators = (
        Indicator("remittances_sent_usd", "USD per step",
                  "remittances sent, all channels, before fees", corridor_flow("sent")),
        Indicator("remittances_received_usd", "USD per step",
                  "remittances received by households, all channels", corridor_flow("received")),
        Indicator("remittances_formal_usd", "USD per step",
                  "remittances received through formal channels (what WDI records)",
                  corridor_flow("formal_received"),
                  compare=("Remittances received through formal channels", "usd_step")),
        Indicator("remittance_fees_usd", "USD per step", "fees paid on remittances",
                  corridor_flow("fees")),
        Indicator("formal_share", "share", "formal share of the amount sent", _formal_share),
        Indicator("remittance_price_pct", "% of 200 USD",
                  "SDG 10.c.1: average cost of sending, simple mean over corridors with flows",
                  _average_price, compare=("Cost of sending US$200 (SDG 10.c.1)", "pct")),
        Indicator("remittance_price_weighted_pct", "% of amount",
                  "average cost of formal transfers, weighted by amount", _weighted_price),
        Indicator("remittances_pct_gdp", "% of GDP",
                  "SDG 17.3.2: formal remittances received by low- and middle-income countries "
                  "(annual rate) as % of their GDP", _pct_gdp),
        Indicator("account_share", "share",
                  "migrants abroad with a bank or mobile-money account", _account_share,
                  compare=("Migrants abroad with an account", "share")),
    )

    headlines = (
        Headline("remittances_received_total_usd", "USD", "remittances received over the run",
                 "remittances_received_usd", "sum",
                 effect=("Remittances received, whole run", "money")),
        Headline("remittances_formal_last_year_usd", "USD per year",
                 "formal remittances received in the last simulated year",
                 "remittances_formal_usd", "last_year_sum"),
        Headline("remittance_fees_total_usd", "USD", "fees paid over the run",
                 "remittance_fees_usd", "sum"),
        Headline("formal_share_last_year", "share", "formal share of the amount sent, last year",
                 measure=_formal_share_last_year,
                 effect=("Formal share of remittances, last year", "share")),
        Headline("remittance_price_pct_end", "% of 200 USD", "SDG 10.c.1 in the last step",
                 "remittance_price_pct", "end"),
        Headline("remittances_pct_gdp_last_year", "% of GDP", "SDG 17.3.2, last year's mean",
                 "remittances_pct_gdp", "last_year_mean"),
    )

    def init_post(self, model) -> None:
        """Calibrate the formal channel's constant to `formal_share_initial` and each origin's
        remitted share of earnings to its WDI remittances of the start year, together: the
        constant weighs what each migrant sends, which the shares set, and the shares fit the
        formal receipts, which the constant sets (a few rounds reach the joint solution)."""
        target = np.nan_to_num(model.world.countries["remittances_received_usd"]
                               .to_numpy(float), nan=0.0)
        for _ in range(CALIBRATION_ROUNDS):
            model.formal_constant = calibrate_formal_constant(model)
            model.countries.remit_share = calibrate_remit_share(model, target)

    def run(self, model, events: StepEvents) -> None:
        """Unbanked migrants may open an account; send remittances; record sent, fees and
        received per corridor (model.flows)."""
        open_accounts(model)
        pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.remittances
        K = len(k.o)
        p_formal = formal_table(model).reshape(K, 2)  # by corridor and account access
        # The employed: share x earnings of each job cell x people in it (by account access),
        # split between channels by the choice probabilities.
        employed = model.tallies.employed_by_job()  # [job cell, account, K]
        share = c.remit_share[k.o] * price_response(model)
        by_account = np.stack([share * sum(model.earnings[j] * employed[j, a] for j in range(4))
                               for a in (0, 1)], axis=1)  # [K, account]
        # The unemployed (rows found by the labour phase) send out of their savings.
        idle = events.idle
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


def calibrate_formal_constant(model) -> float:
    """Logit constant giving the configured formal share of the amount sent (bisection over
    the start-year migrants, weighted by what each sends at the origins' current remitted
    shares)."""
    pop, cfg = model.migrants, model.cfg.remittances
    rows = np.arange(pop.n)
    volume = pop.weight * amount(model, rows) * (pop.status == ABROAD)
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
