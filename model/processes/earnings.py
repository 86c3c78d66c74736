"""Earnings, savings and repayment of recruitment debt.

A migrant earns the destination wage of the job it holds (a matched skilled migrant the
high-skill wage, everyone else the low-skill wage), times the migrant wage gap, times the
irregular-status penalty: so earnings depend only on the corridor and a job cell (job at skill
or not, regular or not), and this step's earnings are one small table, `model.earnings` [4, K].

Savings accrue lazily, which saves a pass over every migrant each step: the process adds
`saving_rate x earnings` to a cumulative index per corridor and job cell; a migrant's savings
are its settled savings plus what the index of its cell gained since it last settled (`mark`).
A migrant settles whenever its job changes or it leaves, and savings first repay the
recruitment debt it arrived with (debt bondage is a central concern of fair recruitment, ILO
2019 General Principles and Operational Guidelines for Fair Recruitment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import Component, Field, Flow, Indicator, Lever, StepEvents, ratio, step_flow
from model.params import param
from model.population import HIGH
from model.tallies import S_ABROAD, S_EMPLOYED, job_cell


@dataclass
class EarningsConfig:
    """Migrants' earnings and savings (process `earnings`)."""

    migrant_wage_ratio: float = param(
        0.85, "ratio", 0.1, 1.5, label="migrant / native wage in the same job",
        source="OECD (2018) Settling In: immigrant wage gaps of 10-20% in most OECD countries")
    irregular_wage_ratio: float = param(
        0.75, "ratio", 0.1, 1.0, label="irregular / regular migrant wage",
        source="assumption (undocumented wage penalties of 10-25%, e.g. Borjas 2017, "
               "ILR Review 70(1))")
    wage_theft_share: float = param(
        0.05, "share of earnings", 0.0, 1.0, label="earnings of irregular migrants withheld by employers",
        source="assumption (wage theft against irregular and low-wage migrants is widely "
               "documented, e.g. ILO 2020 and Migrant Forum in Asia 2020, but not measured "
               "across countries)")
    saving_rate: float = param(
        0.15, "share of earnings", 0.0, 0.9, label="share of earnings saved",
        source="assumption (target-saver migrants, Dustmann and Gorlach 2016, JEL 54(1))")


def earnings_table(model, gross: bool = False) -> np.ndarray:
    """USD per person this step for an employed migrant, per job cell and corridor ([4, K]);
    row = 2 x (job at skill) + regular. Irregular migrants are paid less and lose a share
    `corridors.wage_theft_share` to wage theft, unless `gross`."""
    c, k, cfg = model.countries, model.corridors, model.cfg.earnings
    scale = cfg.migrant_wage_ratio * 12.0 * model.dt
    low, high = c.wage_low[k.d] * scale, c.wage_high[k.d] * scale
    irregular = cfg.irregular_wage_ratio * (1.0 if gross else 1.0 - k.wage_theft_share)
    return np.stack([low * irregular, low, high * irregular, high])


def monthly_wage(model, dest: np.ndarray, skill: np.ndarray, matched: np.ndarray,
                 regular: np.ndarray) -> np.ndarray:
    """Monthly earnings (USD) of migrants holding a job, by destination, skill and status."""
    c, cfg = model.countries, model.cfg.earnings
    at_skill = (skill == HIGH) & matched
    wage = np.where(at_skill, c.wage_high[dest], c.wage_low[dest])
    return wage * cfg.migrant_wage_ratio * np.where(regular, 1.0, cfg.irregular_wage_ratio)


def _mean_earnings(model) -> float:
    """Average monthly earnings of employed migrants abroad (USD per month)."""
    by_job = model.tallies.employed_by_job()
    total = float(sum((model.earnings[j] * (by_job[j, 0] + by_job[j, 1])).sum() for j in range(4)))
    employed = model.tallies.people(on=S_ABROAD | S_EMPLOYED)
    return ratio(total, employed * 12.0 * model.dt)


class Earnings(Component):
    """Earnings, lazily accrued savings and repayment of recruitment debt (module docstring)."""

    name = "earnings"
    label = "earnings and savings"
    phase = "earnings"
    config_key = "earnings"
    config_class = EarningsConfig
    levers = (Lever("corridors", "wage_theft_share",
                    "share of irregular migrants' earnings withheld by employers",
                    lambda model: np.full(len(model.corridors.o),
                                          model.cfg.earnings.wage_theft_share)),)
    fields = (
        Field("savings", np.float64, "USD per person, as of the last settlement (savings "
              "accrue lazily)"),
        Field("mark", np.float64, "the savings index of its job cell at that settlement"),
        Field("debt", np.float64, "recruitment debt outstanding, USD per person"),
    )
    flows = (Flow("wage_theft_usd", "USD", "earnings withheld from irregular migrants"),)
    indicators = (
        Indicator("migrant_earnings_usd_month", "USD per month",
                  "average monthly earnings of employed migrants", _mean_earnings),
        Indicator("wage_theft_usd", "USD per step", "earnings withheld from irregular migrants",
                  step_flow("wage_theft_usd")),
    )

    def init_pre(self, model) -> None:
        """The savings index (cumulative savings per job cell and corridor) and the start's
        earnings table."""
        model.savings_index = np.zeros((4, len(model.corridors.o)))
        model.earnings = earnings_table(model)

    def run(self, model, events: StepEvents) -> None:
        """This step's earnings table; the savings index of every corridor and job cell grows."""
        model.earnings = earnings_table(model)
        model.savings_index += model.cfg.earnings.saving_rate * model.earnings
        # Wage theft this step: what irregular workers (job cells 0 and 2) earned but were not
        # paid.
        employed = model.tallies.employed_by_job().sum(axis=1)  # [job cell, K]
        withheld = earnings_table(model, gross=True) - model.earnings
        model.flows["wage_theft_usd"][0] += float((withheld * employed).sum())


def _flat(model, rows: np.ndarray) -> np.ndarray:
    """Index of each row's job cell and corridor in the flattened [4, K] tables."""
    pop = model.migrants
    return job_cell(pop, rows) * np.intp(len(model.corridors.o)) + pop.corridor[rows]


def _accrued(model, rows: np.ndarray) -> np.ndarray:
    pop = model.migrants
    index = model.savings_index.reshape(-1)[_flat(model, rows)]
    return np.where(pop.employed[rows], index - pop.mark[rows], 0.0)


def current_savings(model, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Savings and debt of `rows` now, as if they settled (nothing is written)."""
    pop = model.migrants
    savings = pop.savings[rows] + _accrued(model, rows)
    repay = np.minimum(pop.debt[rows], savings)
    return savings - repay, pop.debt[rows] - repay


def settle(model, rows: np.ndarray) -> None:
    """Write the accrued savings of `rows` and repay debt from them. Call before a change of
    job cell or status; after the change, `start_accrual` for rows that are employed."""
    pop = model.migrants
    pop.savings[rows], pop.debt[rows] = current_savings(model, rows)
    pop.mark[rows] = np.nan  # no accrual until start_accrual (an error shows as NaN savings)


def start_accrual(model, rows: np.ndarray) -> None:
    """Savings of `rows` accrue from now on in their current job cell."""
    pop = model.migrants
    pop.mark[rows] = model.savings_index.reshape(-1)[_flat(model, rows)]


def income(model, rows: np.ndarray) -> np.ndarray:
    """Earnings of `rows` this step (USD per person; 0 for the unemployed and returnees)."""
    pop = model.migrants
    table = model.earnings.reshape(-1)[_flat(model, rows)]
    return np.where(pop.employed[rows], table, 0.0)
