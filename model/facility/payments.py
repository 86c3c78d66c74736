"""The financing facility's money, step by step: the year's budget paid a step's share at a
time, loans on-lent and repaid, and the books.

Money, from `start_year`: the year's budget (`model.facility.budget`: members, fees, theme
shares, recipients) is paid over the year's steps, a step's share `dt` at a time, as the
policies pay theirs (`budget_usd_per_year * model.dt`); programmes disburse through the year and
the development banks' loans are drawn as they disburse:
- in: membership fees in two tiers (`fee_high_income_usd`, `fee_other_usd`), donor grants
  (`donor_grants_usd`), and concessional loans from development banks (grants x (leverage - 1));
- out: programmes in the six GFMD themes in member countries, paid as grants (fees and donor
  grants) and as concessional loans on-lent to member governments, which repay each step's
  loans over `loan_years`, from a year after they were lent (the facility passes the repayments
  on to the development banks);
- the books balance every step: money in (fees + grants + bank loans) = money out (programme
  grants + repayments to the banks) + cash + loans outstanding (tested).
Paying a year's programmes in one step would add the year's capital at once and let it wear
off over the year: a yearly saw-tooth in every outcome the themes move (issue 20: wage theft
1.3% and remittance prices 0.26% of their level from the year's first quarter to its last).
"""

from __future__ import annotations

import numpy as np

from model.facility.themes import THEMES


class Payments:
    """The step's money and the books (mixed into `FinancingFacility`).

    Reads the facility's `cfg`, `model` and `plan` (set by `Budget.plan_year`); writes `books`,
    `loan_book`, `spent`, `pipeline` (the programmes' money until it takes effect),
    `compliance_paid` and the model's flows (`cost_*` and `facility_*`).
    """

    def pay_step(self) -> None:
        """Collect and spend the step's share `dt` of the year's budget (`plan_year`): fees,
        grants and bank loans in; programmes by theme and member out, into the pipeline that
        builds capital after `lag_years`; the loan part on-lent; everything booked."""
        m, cfg, b, p, dt = self.model, self.cfg, self.books, self.plan, self.model.dt
        fees, grants, bank_loans = p["fees"] * dt, p["grants"] * dt, p["bank_loans"] * dt
        b["fees"] += fees
        b["grants"] += grants
        b["bank_loans"] += bank_loans
        b["cash"] += fees + grants + bank_loans
        spend = p["spend"] * dt
        crisis = p["crisis"] * dt
        spent = float(spend.sum()) + crisis
        loan_part = spent * p["loan_share"]
        b["cash"] -= spent
        b["programme_grants"] += spent - loan_part
        b["loans_outstanding"] += loan_part
        if loan_part > 0:
            # Repaid in equal parts a step over loan_years, from a year after it was lent.
            n = max(int(round(cfg.loan_years * m.steps_per_year)), 1)
            self.loan_book = np.vstack([self.loan_book,
                                        [loan_part / n, m.steps + m.steps_per_year, n]])
        self.spent += spend.sum(axis=1)
        self.pipeline.append((m.now() + cfg.lag_years, spend))
        f = m.flows
        f["cost_facility"][0] += spent
        f["cost_origin"][0] += p["fees_origin"] * dt
        f["cost_destination"][0] += p["fees_destination"] * dt
        comp = p["compliance"] * dt
        self.compliance_paid += comp
        f["cost_origin"][0] += comp / 2
        f["cost_destination"][0] += comp / 2
        f["facility_fees"][0] += fees
        f["facility_grants"][0] += grants
        f["facility_bank_loans"][0] += bank_loans
        f["facility_crisis_response"][0] += crisis
        for t, theme in enumerate(THEMES):
            f[f"facility_theme_{theme}"][0] += float(spend[t].sum())

    def repay_loans(self) -> None:
        """Members repay the step's instalments of their loans; the facility passes them on to
        the development banks, so its cash is unchanged."""
        book = self.loan_book
        if not len(book):
            return
        due = book[:, 1] <= self.model.steps
        repaid = float(book[due, 0].sum())
        book[due, 2] -= 1
        self.loan_book = book[book[:, 2] > 0]
        self.books["loans_outstanding"] -= repaid
        self.books["repaid_to_banks"] += repaid

    def balance_gap(self) -> float:
        """in - (out + cash + loans outstanding): zero when the books balance."""
        b = self.books
        money_in = b["fees"] + b["grants"] + b["bank_loans"]
        money_out = b["programme_grants"] + b["repaid_to_banks"]
        return money_in - (money_out + b["cash"] + b["loans_outstanding"])
