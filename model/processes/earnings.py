"""Earnings, savings and repayment of recruitment debt.

A migrant earns the destination wage of the job it holds (a matched skilled migrant the
high-skill wage, everyone else the low-skill wage), times the migrant wage gap, times the
irregular-status penalty. It saves a share of its earnings, which first repays the recruitment
debt it arrived with (debt bondage is a central concern of fair recruitment, ILO 2019 General
Principles and Operational Guidelines for Fair Recruitment).
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD, HIGH


def monthly_wage(model, dest: np.ndarray, skill: np.ndarray, matched: np.ndarray,
                 regular: np.ndarray) -> np.ndarray:
    """Monthly earnings (USD) of migrants holding a job, by destination, skill and status."""
    c, cfg = model.countries, model.cfg.labour
    at_skill = (skill == HIGH) & matched
    wage = np.where(at_skill, c.wage_high[dest], c.wage_low[dest])
    return wage * cfg.migrant_wage_ratio * np.where(regular, 1.0, cfg.irregular_wage_ratio)


def step(model) -> None:
    """Set this step's income; add savings; repay debt out of savings."""
    pop, c, cfg = model.migrants, model.countries, model.cfg.labour
    months = 12.0 * model.dt
    # Earnings per (corridor, job at skill, regular): gathered, not computed per migrant.
    status = np.array([cfg.irregular_wage_ratio, 1.0])
    wages = np.stack([c.wage_low, c.wage_high], axis=1)[model.corridors.d]
    table = (wages[:, :, None] * status[None, None, :]
             * cfg.migrant_wage_ratio * months).astype(np.float32)
    at_skill = (pop.skill == HIGH) & pop.matched
    income = table.ravel()[pop.corridor * 4 + at_skill * 2 + pop.regular]
    income *= pop.employed  # returnees are never employed (abroad)
    pop.income[:] = income
    pop.savings += np.float32(model.cfg.remittances.saving_rate) * income
    # Only migrants still in debt repay (few after the first years): work on that subset.
    owing = np.flatnonzero(pop.debt > 0)
    repay = np.minimum(pop.debt[owing], pop.savings[owing])
    pop.debt[owing] -= repay
    pop.savings[owing] -= repay
