"""Who is a member of the financing facility, and why: votes, preferences, fairness, what
membership is worth and costs each country, the yearly judgement and the conditions.

Membership: each year every candidate judges membership (`judge_membership`): it joins or stays
with a probability that rises with what the programmes' outcomes are worth to itself (its
remittances, taxes and enforcement costs avoided, `themes.outcome_value`), weighted by
trust and by its perceived fairness, against its fee and compliance cost. Before any outcome is
known, a candidate expects its share of the year's programmes to be worth
`expected_value_per_usd` per dollar; it then learns, the promise counting less each year until
after `outcome_learning_years` only the outcomes count. Perceived fairness falls with a voting weight below an
equal share, with conditions, and with outcomes worth less than it pays. Whether
equal, unconditional partnerships last longer is thus an outcome of these rules, which a sweep
can confirm or refute (`conf/sweep/facility_governance.yaml`).

Governance settings read here: `voting` (`equal`, one member one vote, or `weighted` by
contribution: the votes set the themes' shares from the members' preferences, `model.facility.
budget`); `participation` (`unconditional`, or `conditional` on migration outcomes: a member
receives programmes only while its irregular departures fall or stay low, and every member
bears a reporting and compliance cost).
"""

from __future__ import annotations

import numpy as np

from model.facility.themes import outcome_value

# Theme preferences of a member by its role (shares, in the order of `themes.THEMES`; an
# assumption: origins favour skilling, technology and protection; destinations governance,
# irregular migration and partnerships).
ORIGIN_PREFERENCE = np.array([0.10, 0.30, 0.30, 0.20, 0.05, 0.05])
DESTINATION_PREFERENCE = np.array([0.30, 0.05, 0.05, 0.10, 0.35, 0.15])


class Membership:
    """The facility's members (mixed into `FinancingFacility`).

    Reads the facility's `model`, `cfg`, `fee`, `candidate`, `reached`, `trust`, `loan_cost`,
    `year_irregular` and `programme_budget()`; writes `member`, `years_seen`, `compliant` and
    `last_irregular`.
    """

    def roles(self) -> tuple[np.ndarray, np.ndarray]:
        """People abroad from and living in each country now."""
        m = self.model
        stock = m.tallies.stock()
        C = len(m.countries.iso3)
        return (np.bincount(m.corridors.o, stock, C), np.bincount(m.corridors.d, stock, C))

    def votes(self) -> np.ndarray:
        """Voting shares of the members (0 for others)."""
        if not self.member.any():
            return np.zeros_like(self.fee)
        if self.cfg.voting == "equal":
            return self.member / self.member.sum()
        paid = self.fee * self.member
        return paid / paid.sum()

    def preferences(self) -> np.ndarray:
        """Theme preferences of every country ([C, T]) from its role as origin or destination."""
        emigrants, immigrants = self.roles()
        origin_share = np.divide(emigrants, emigrants + immigrants,
                                 out=np.full(len(emigrants), 0.5), where=emigrants + immigrants > 0)
        return (origin_share[:, None] * ORIGIN_PREFERENCE
                + (1 - origin_share[:, None]) * DESTINATION_PREFERENCE)

    def fairness(self) -> np.ndarray:
        """Perceived fairness 0-1 of membership for every country (as member or candidate)."""
        n = max(int(self.member.sum()), 1)
        c = self.model.countries
        if self.cfg.voting == "weighted":
            members_fees = (self.fee * self.member).sum() or self.fee.mean() * n
            voice = np.minimum(1.0, self.fee / members_fees * n)  # vote share / equal share
        else:
            voice = np.ones(len(c.iso3))
        conditions = 1.0 - (self.cfg.conditional_fairness_penalty
                            if self.cfg.participation == "conditional" else 0.0)
        returns = np.minimum(1.0, self.own_value() / np.maximum(self.membership_cost(), 1.0))
        return voice * conditions * (0.5 + 0.5 * returns)

    def outcome_values(self) -> np.ndarray:
        """What the programmes' outcomes are worth a year to each country, by theme ([T, C],
        USD; `themes.outcome_value`)."""
        return outcome_value(self.model, self, self.reached)

    def own_value(self) -> np.ndarray:
        """What membership is worth a year to each country: its own outcomes for members; for
        candidates, what members get on average; before any outcome, the promise of an equal
        share of the year's programmes (`expected_value_per_usd` per dollar)."""
        value = self.outcome_values().sum(axis=0)
        promise = np.full(len(value), self.cfg.expected_value_per_usd * self.programme_budget()
                          / max(self.candidate.sum(), 1))
        if not self.member.any() or not self.reached.any():
            return promise
        seen = np.where(self.member, value, value[self.member].mean())
        # Countries learn from outcomes as they come in: the promise counts less each year.
        weight = min(1.0, self.years_seen / max(self.cfg.outcome_learning_years, 1e-9))
        return weight * seen + (1.0 - weight) * promise

    def membership_cost(self) -> np.ndarray:
        """What membership costs each country a year: its fee, its compliance cost and the part
        of last year's loans to it that is not a grant (USD)."""
        return self.fee + self._compliance() + self.loan_cost

    def _compliance(self) -> np.ndarray:
        if self.cfg.participation == "conditional":
            return np.full(len(self.fee), self.cfg.compliance_cost_usd)
        return np.zeros(len(self.fee))

    def judge_membership(self) -> None:
        """Candidates join, members stay or leave: value x fairness against cost (logit)."""
        m, cfg = self.model, self.cfg
        rng = m.streams["facility"]
        cost = self.membership_cost()
        value = self.own_value() * (1.0 + self.trust) * self.fairness()
        ratio = np.log(np.maximum(value, 1.0) / np.maximum(cost, 1.0))
        p_in = 1.0 / (1.0 + np.exp(-cfg.exit_sensitivity * ratio))
        stays = rng.random(len(cost)) < p_in
        self.member = self.candidate & stays
        if self.reached.any():
            self.years_seen += 1

    def check_conditions(self) -> None:
        """Conditional participation: origins comply while their irregular departures do not
        rise (destinations always comply)."""
        irregular = self.count_irregular_by_origin()
        if self.last_irregular is not None:
            # One person of slack: integer agents make "no rise" noisy for tiny origins.
            self.compliant = irregular <= self.last_irregular + 1.0
        self.last_irregular = irregular

    def count_irregular_by_origin(self) -> np.ndarray:
        """Irregular arrivals per origin since the facility's year began (people)."""
        m = self.model
        return np.bincount(m.corridors.o, self.year_irregular, len(m.countries.iso3))
