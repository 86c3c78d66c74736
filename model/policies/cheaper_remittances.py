"""Cheaper remittances: competition, digital channels and account access, paid for by a budget.

SDG 10.c.1 asks that the average cost of sending remittances fall to 3% by 2030 and that no
corridor cost more than 5%; regulation, competition and new technologies (mobile money) are the
means the GFMD paper names. Here a programme spends money on those means, and the providers'
prices follow from what it bought; no price path or target is imposed.

Providers' prices on a corridor: a share `digital_share_start` of formal transfers goes through
digital channels, which cost `digital_price_ratio` times the cash price, so the start price
(RPW) fixes the cash price. Every year the programme spends `budget_usd_per_year` (paid by
`funder`) on its covered corridors, in proportion to the migrants on each, split over three
instruments by `instrument_shares` (competition, digital, accounts); what competition and
digital programmes build accumulates (`capital_depreciation` a year):

- competition (licensing non-bank providers, ending exclusivity agreements, price
  transparency): the margin of the cash price above the cost of a transfer
  (`cost_floor_pct`) shrinks by `competition_max_cut` x (1 - exp(-K / `competition_cost_usd`)),
  K the money spent on the corridor so far;
- digital channels (interoperable payment systems, mobile money): the digital share rises
  towards 1 by 1 - exp(-K / (`digital_cost_usd_per_sender` x migrants on the corridor));
- account access (simplified due diligence, outreach): the first accounts cost
  `account_cost_usd` each, and each dollar opens fewer as the easiest unbanked are reached: all
  the money K spent on a corridor opens at most U0 x (1 - exp(-K / (cost x U0))) accounts, U0
  the unbanked migrants at the start (it sets the rate at which the unbanked open accounts).

Each instrument has diminishing returns; spending nothing leaves the baseline. The corridor's
price is digital share x digital price + the rest x cash price; through the price sensitivity
of the formal channel and the price elasticity of the amount sent (`remittances`) the formal
share and the amounts received follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.params import ConfigError, param
from model.policies.base import PAYERS, Policy, PolicyConfig, by_side, register

INSTRUMENTS = ("competition", "digital", "accounts")


@dataclass
class CheaperRemittancesConfig(PolicyConfig):
    budget_usd_per_year: float = param(
        100e6, "USD per year", 0.0, 1e12, label="the programme's yearly budget",
        source="scenario choice")
    instrument_shares: list[float] = param(
        [0.4, 0.4, 0.2], "shares", label="the budget's shares for competition, digital channels "
        "and accounts (summing to 1)", source="scenario choice")
    cost_floor_pct: float = param(
        2.0, "% of 200 USD", 0.0, 30.0, label="cost of providing a transfer (no margin)",
        source="assumption below the cheapest channels' averages: mobile money 2.7% (GSMA 2016, "
               "'Driving a price revolution'), the SmaRT index 3.36% (World Bank RPW Issue 47, "
               "Q3 2023)")
    competition_max_cut: float = param(
        0.5, "share", 0.0, 1.0, label="most of the margin above cost competition removes",
        source="assumption; Beck and Martinez Peria (2011) WBER 25(1): corridors with more "
               "competition among providers have lower prices (sign, size not taken)",
        prior_range=(0.2, 0.8))
    competition_cost_usd: float = param(
        5e6, "USD per corridor", 1.0, 1e12,
        label="spending on a corridor at which competition has 63% of its effect",
        source="assumption (no published cost of competition reforms found; to be fitted)",
        prior_range=(1e+06, 1e+08))
    digital_share_start: float = param(
        0.3, "share", 0.0, 1.0, label="share of formal transfers sent digitally at the start",
        source="assumption of the order of the largest providers' digital business in 2020 "
               "(Western Union 32%, MoneyGram 28%, company reports as cited in the press)")
    digital_price_ratio: float = param(
        0.72, "ratio", 0.0, 1.0, label="price of a digital transfer / a cash transfer",
        source="World Bank RPW Issue 47 (Q3 2023): digital remittances 4.84% against a global "
               "average of 6.18%; with 30% of transfers digital the rest cost 6.75%, "
               "ratio 0.72")
    digital_cost_usd_per_sender: float = param(
        50.0, "USD per migrant", 0.01, 1e6,
        label="spending per migrant at which 63% of cash senders have gone digital",
        source="assumption (to be fitted)",
        prior_range=(10, 500))
    account_cost_usd: float = param(
        20.0, "USD per account", 0.01, 1e6, label="cost of one account opened by a migrant",
        source="assumption (to be fitted), well above the Rs 140 (about 2.3 USD) a basic "
               "account cost India's banks under Jan Dhan (Indian Banks' Association, 2015), "
               "as migrants abroad are harder to reach",
        prior_range=(5, 100))
    capital_depreciation: float = param(
        0.1, "per year", 0.0, 1.0, label="decay of what competition and digital programmes "
        "built", source="assumption (to be fitted)",
        prior_range=(0.05, 0.3))
    CHOICES = {"funder": PAYERS}
    funder: str = param("destination", "", label="who pays: origin, destination, employers or "
                        "facility", source="scenario choice")

    def check(self, name: str) -> None:
        """The three instrument shares: non-negative, summing to 1."""
        x = np.asarray(self.instrument_shares, dtype=float)
        if x.shape != (3,) or (x < 0).any() or abs(x.sum() - 1.0) > 1e-9:
            raise ConfigError(f"policies.{name}.instrument_shares = "
                              f"{list(self.instrument_shares)}: three shares 0 to 1 summing "
                              f"to 1 ({', '.join(INSTRUMENTS)})")


def channel_mix(digital: np.ndarray, cfg: CheaperRemittancesConfig) -> np.ndarray:
    """The average price as a multiple of the cash price with a share `digital` of transfers
    sent digitally."""
    return digital * cfg.digital_price_ratio + 1.0 - digital


def providers_price(base_price: np.ndarray, competition_usd: np.ndarray, digital_usd: np.ndarray,
                    senders: np.ndarray, cfg: CheaperRemittancesConfig) -> np.ndarray:
    """The average price (% of 200 USD) of corridors whose start price is `base_price`, after
    `competition_usd` and `digital_usd` spent on them (depreciated), `senders` the migrants on
    each (module docstring)."""
    cash_start = base_price / channel_mix(cfg.digital_share_start, cfg)
    competition = cfg.competition_max_cut * -np.expm1(-competition_usd / cfg.competition_cost_usd)
    adopted = -np.expm1(-digital_usd / (cfg.digital_cost_usd_per_sender
                                        * np.maximum(senders, 1.0)))
    digital = cfg.digital_share_start + (1.0 - cfg.digital_share_start) * adopted
    floor = np.minimum(cfg.cost_floor_pct, cash_start)
    cash = floor + (cash_start - floor) * (1.0 - competition)
    return channel_mix(digital, cfg) * cash


@register
class CheaperRemittances(Policy):
    """Programmes that lower providers' prices and widen account access (module docstring)."""

    name = "cheaper_remittances"
    label = "cheaper remittances"
    main_parameter = "budget_usd_per_year"
    config_class = CheaperRemittancesConfig
    moves_levers = ("corridors.price_pct", "corridors.account_opening_rate")
    moves = {"remittance_price_pct": "down", "formal_share": "up",
             "remittances_received_usd": "up", "account_share": "up"}

    def __init__(self, model, cfg):
        super().__init__(model, cfg)
        self.shares = np.asarray(cfg.instrument_shares, dtype=float)
        K = len(model.corridors.o)
        self.capital = np.zeros((2, K))  # competition, digital: USD spent, depreciated
        self.account_spending = np.zeros(K)  # accounts: USD spent so far
        self.unbanked_start: np.ndarray | None = None  # unbanked migrants at the start
    def before_step(self, model, events) -> None:
        k, cfg, dt = model.corridors, self.cfg, model.dt
        stock = model.tallies.stock() * self.covered
        if stock.sum() <= 0:
            return
        spend = cfg.intensity * cfg.budget_usd_per_year * dt * stock / stock.sum()
        self.capital = self.capital * (1.0 - cfg.capital_depreciation) ** dt
        self.capital += self.shares[:2, None] * spend
        price = providers_price(k.base_price_pct, self.capital[0], self.capital[1], stock, cfg)
        # Other policies (the facility's technology theme) may have cut the price already:
        # the programme's cut applies on top, as a ratio to the start price.
        k.price_pct = np.where(self.covered, k.price_pct * price
                               / np.maximum(k.base_price_pct, 1e-12), k.price_pct)
        # Accounts: each dollar opens fewer as the easiest unbanked are reached: with K spent
        # so far and U0 unbanked at the start, a year's money B opens
        # B / cost x exp(-K / (cost x U0)) accounts (so all the money ever spent opens at most
        # U0 x (1 - exp(-K / (cost x U0)))), given as an opening rate of the unbanked now.
        unbanked = np.maximum(model.tallies.stock() - model.tallies.banked(), 0.0) * self.covered
        if self.unbanked_start is None:
            self.unbanked_start = unbanked.copy()
        scale = cfg.account_cost_usd * np.maximum(self.unbanked_start, 1.0)
        accounts_a_year = self.shares[2] * spend / dt / cfg.account_cost_usd * np.exp(
            -self.account_spending / scale)
        self.account_spending += self.shares[2] * spend
        k.account_opening_rate = k.account_opening_rate + np.divide(
            accounts_a_year, unbanked, out=np.zeros_like(unbanked), where=unbanked > 0)
        self.pay(cfg.funder, spend.sum())

    @classmethod
    def value_for_agreement(cls, model, cfg, view):
        """The fees the corridor's formal receipts no longer pay after a year of the budget
        spent on it (origin households), against the budget (the funder)."""
        base = model.corridors.base_price_pct[view.c]
        budget = cfg.intensity * cfg.budget_usd_per_year
        shares = np.asarray(cfg.instrument_shares, dtype=float)
        price = providers_price(base, shares[0] * budget, shares[1] * budget, view.stock, cfg)
        saved = view.formal / np.maximum(1.0 - base / 100.0, 1e-9) * (base - price) / 100.0
        c_o, c_d = by_side(cfg.funder, np.full(len(view.c), budget))
        return saved, c_o, np.zeros(len(view.c)), c_d
