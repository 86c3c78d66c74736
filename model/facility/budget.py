"""The financing facility's year: its budget and how it is allocated (`Budget.plan_year`).

At the start of each of its years, from `start_year`, the facility sets the year's money: fees of
this year's members (two tiers, `fee_high_income_usd`, `fee_other_usd`), donor grants
(`donor_grants_usd`) and concessional loans from development banks (grants x (leverage - 1));
its split by theme and by receiving member; and what the year's loans will cost each member.
`model.facility.payments` pays it over the year's steps.

Allocation settings (each a setting, so a sweep can compare them):
- theme shares from the members' votes over their preferences (`model.facility.membership`);
- `allocation`: `static`, or `adaptive`: while a shock is on, `crisis_share` of the programme
  budget goes to crisis response (job retention in member destinations);
- `review`: a voluntary review framework: members report outcomes each year and the theme
  shares learn towards the themes that moved their indicator most per dollar.
"""

from __future__ import annotations

import numpy as np

from model.facility.themes import THEMES


class Budget:
    """The year's budget and its allocation (mixed into `FinancingFacility`).

    Reads the facility's `cfg`, `model`, `fee`, `member`, `compliant`, `theme_shares`,
    `last_outcome`, `crisis_weight` and its members' votes, preferences, roles and compliance
    (`Membership`); writes `theme_shares`, `crisis_spent`, `by_theme`, `crisis_weight`,
    `loan_cost`, `plan` (the year's money, which `Payments.pay_step` pays) and `history`.
    """

    def programme_budget(self) -> float:
        """Programmes a year: (fees + grants) x leverage."""
        fees = float((self.fee * self.member).sum())
        return (fees + self.cfg.donor_grants_usd) * self.cfg.leverage

    def plan_year(self) -> None:
        """Set the year's budget at the start of the year: fees of this year's members, donor
        grants and bank loans; its split by theme (votes, review, crisis rule) and by receiving
        member; what the year's loans will cost each member. `pay_step` pays it over the year."""
        m, cfg = self.model, self.cfg
        fees = float((self.fee * self.member).sum())
        grants = cfg.donor_grants_usd
        bank_loans = (fees + grants) * (cfg.leverage - 1.0)
        # Theme shares: votes over preferences, the review's learning, the crisis rule.
        shares = self.votes() @ self.preferences() if self.member.any() else self.theme_shares
        if cfg.review and self.last_outcome is not None:
            shares = self.theme_shares * np.exp(cfg.learning_rate * self.last_outcome)
        shares = shares / shares.sum()
        self.theme_shares = shares
        crisis = cfg.allocation == "adaptive" and m.shocks.any_on(m)
        budget = fees + grants + bank_loans
        crisis_budget = budget * cfg.crisis_share if crisis else 0.0
        self.crisis_spent = crisis_budget
        themed = (budget - crisis_budget) * shares
        # Members that receive: all members, or under conditions the compliant ones.
        eligible = self.member & (self.compliant if cfg.participation == "conditional" else True)
        emigrants, immigrants = self.roles()
        spend = np.zeros((len(THEMES), len(self.fee)))
        for t, theme in enumerate(THEMES):
            base = immigrants if theme in ("governance", "protection") else (
                emigrants if theme in ("skilling", "irregular") else emigrants + immigrants)
            weight = base * eligible
            if weight.sum() > 0:
                spend[t] = themed[t] * weight / weight.sum()
        self.by_theme = spend.sum(axis=1)
        if crisis_budget and eligible.any():
            weight = immigrants * eligible
            self.crisis_weight = weight / max(weight.sum(), 1.0)
        crisis_paid = crisis_budget if eligible.any() else 0.0
        # The loan part of what is spent is on-lent to the receiving governments; its cost to a
        # member is the part of the loan that is not a grant.
        loan_share = bank_loans / budget if budget else 0.0
        gross = spend.sum(axis=0) + (crisis_budget * self.crisis_weight if crisis_budget else 0.0)
        self.loan_cost = gross * loan_share * (1.0 - cfg.loan_grant_element)
        # Members' fees: a cost to their governments (as origin or destination by role).
        origin_role = emigrants >= immigrants
        self.plan = {"fees": fees, "grants": grants, "bank_loans": bank_loans, "spend": spend,
                     "crisis": crisis_paid, "loan_share": loan_share,
                     "fees_origin": float((self.fee * self.member * origin_role).sum()),
                     "fees_destination": float((self.fee * self.member * ~origin_role).sum()),
                     "compliance": float((self._compliance() * self.member).sum())}
        self.history.append({"year": m.now(), "members": int(self.member.sum()), "fees": fees,
                             "grants": grants, "bank_loans": bank_loans,
                             **{f"theme_{t}": float(x) for t, x in zip(THEMES, self.by_theme)},
                             "crisis_response": crisis_budget})

    def theme_outcomes(self) -> dict[str, float]:
        """One indicator per GFMD theme, higher is better (the voluntary review)."""
        v = self.model.measure()
        return {"governance": 1.0 - v["irregular_share"],
                "skilling": v["recognised_share"],
                "technology": -v["remittance_price_pct"] / 100.0,
                "protection": -v["wage_theft_usd"] / max(v["remittances_sent_usd"], 1.0),
                "irregular": -v["arrivals_irregular"] / max(v["inflows"], 1.0),
                "partnerships": float(self.member.mean())}

    def review_outcomes(self, before: dict, after: dict) -> None:
        """Voluntary review: the relative improvement of each theme's indicator per dollar."""
        gains = np.array([after[k] - before[k] for k in THEMES])
        per_dollar = gains / np.maximum(self.by_theme, 1.0)
        scale = np.abs(per_dollar).max()
        self.last_outcome = per_dollar / scale if scale > 0 else np.zeros(len(THEMES))
