"""What each side of an agreement expects of each policy (`Policy.value_for_agreement`) and what
the facility's outcomes are worth to members (`model.facility.themes.outcome_value`), by hand from the
model's state after a year, and the small pieces of money flow they rest on."""

from __future__ import annotations

import numpy as np
import pytest

from model import MigrationModel
from model.policies import REGISTRY
from model.policies.base import CorridorView
from tests.conftest import FAST


@pytest.fixture(scope="module")
def year():
    """The default world after a year (five steps), and the ten largest corridors."""
    m = MigrationModel(**{**FAST, "end_year": 2021})
    for _ in range(5):
        m.step()
    c = np.argsort(-m.tallies.stock())[:10]
    return m, c, CorridorView.of(m, c)


def value(m, view, name, **settings):
    cls = REGISTRY[name]
    return [np.asarray(x) for x in cls.value_for_agreement(m, cls.config_class(**settings),
                                                            view)]


def test_the_corridor_view_reads_returns_and_receipts_a_year(year):
    m, c, view = year
    years = 5 / 4
    np.testing.assert_allclose(view.returns, m.totals["returns"][c] / years, rtol=1e-12)
    np.testing.assert_allclose(view.formal, m.totals["formal_received"][c] / years, rtol=1e-12)


def test_return_support_is_worth_the_home_earnings_of_those_it_reintegrates(year):
    m, c, view = year
    r = m.cfg.reintegration
    b_o, c_o, b_d, c_d = value(m, view, "return_reintegration", budget_usd_per_year=3e8)
    package = 1500.0 + 100.0 * r.undocumented_share + 300.0 * r.distressed_share
    enrolled = view.returns * (1 - np.exp(-3e8 / (view.returns * package)))
    h = (r.reintegration_rate * (1 - r.undocumented_share * (1 - r.undocumented_factor))
         * (1 - r.distressed_share * (1 - r.distressed_factor)))
    extra = np.exp(-h) - np.exp(-(h + r.economic_support_rate * min(r.support_years, 1.0)))
    wage = m.countries.wage_low[m.corridors.o[c]] * 12.0
    np.testing.assert_allclose(b_o, enrolled * extra * wage, rtol=1e-9)
    np.testing.assert_allclose(c_d, enrolled * package, rtol=1e-9)  # the destination funds it
    assert (c_o == 0).all() and (b_d == 0).all()
    # Paid by the origin, the cost moves to its side.
    _, c_o, _, c_d = value(m, view, "return_reintegration", budget_usd_per_year=3e8,
                           funder="origin")
    np.testing.assert_allclose(c_o, enrolled * package, rtol=1e-9)
    assert (c_d == 0).all()


def test_cheaper_remittances_are_worth_the_fees_a_years_budget_removes(year):
    m, c, view = year
    b_o, c_o, b_d, c_d = value(m, view, "cheaper_remittances", budget_usd_per_year=2e7)
    base = m.corridors.base_price_pct[c]
    competition = 0.5 * (1 - np.exp(-0.4 * 2e7 / 5e6))
    adopted = 1 - np.exp(-0.4 * 2e7 / (50.0 * view.stock))
    digital = 0.3 + 0.7 * adopted
    cash0 = base / (0.3 * 0.72 + 0.7)
    floor = np.minimum(2.0, cash0)
    cash = floor + (cash0 - floor) * (1 - competition)
    price = digital * 0.72 * cash + (1 - digital) * cash
    np.testing.assert_allclose(b_o, view.formal / (1 - base / 100) * (base - price) / 100,
                               rtol=1e-9)
    np.testing.assert_allclose(c_d, 2e7, rtol=1e-12)
    assert (c_o == 0).all() and (b_d == 0).all()


def test_matching_is_worth_its_matches_within_the_cap_and_the_budgets_pace(year):
    m, c, view = year
    b_o, c_o, b_d, c_d = value(m, view, "remittance_matching", match_rate=1.0,
                               earmarked_share=0.2, directed_response=0.5, cap_usd_per_year=50.0,
                               budget_usd=4e9, programme_years=4.0)
    match = np.minimum(np.minimum(view.formal * 0.2 * 1.5, view.stock * 50.0), 1e9)
    assert (match == view.stock * 50.0).any() or (match == 1e9).any()
    np.testing.assert_allclose(b_o, match, rtol=1e-12)
    np.testing.assert_allclose(c_o, match, rtol=1e-12)  # the origin funds it by default
    assert (b_d == 0).all() and (c_d == 0).all()


def test_a_small_matching_fund_is_worth_what_migrants_expect_it_to_pay(year):
    """With fewer dollars than requests, migrants direct more only by the share the fund can
    meet: fill = the budget's yearly pace over the requests at the baseline directed share."""
    m, c, view = year
    b_o, c_o, _, _ = value(m, view, "remittance_matching", match_rate=1.0,
                           earmarked_share=0.2, directed_response=0.5, cap_usd_per_year=1e6,
                           budget_usd=4e7, programme_years=4.0)
    asked = np.minimum(view.formal * 0.2, view.stock * 1e6)
    fill = np.minimum(1.0, 1e7 / asked)
    assert (fill < 1).any() and (fill > 0).all()
    directed = view.formal * 0.2 * (1 + 0.5 * fill)
    match = np.minimum(np.minimum(directed, view.stock * 1e6), 1e7)
    np.testing.assert_allclose(b_o, match, rtol=1e-12)
    np.testing.assert_allclose(c_o, match, rtol=1e-12)


def test_skill_recognition_is_worth_the_step_up_to_jobs_at_skill(year):
    m, c, view = year
    k, co = m.corridors, m.countries
    lab, ag = m.cfg.labour, m.cfg.agreements
    b_o, c_o, b_d, c_d = value(m, view, "skill_recognition", certification_rate=0.3,
                               upgrade_rate=0.6, certification_cost_usd=100.0,
                               permit_discount_usd=50.0)
    d = k.d[c]
    certified = view.stock * view.high_skill * (1 - k.recognition_share[c]) * 0.3
    step_up = (co.match_recognised[d] - co.match_unrecognised[d]) * (1 - np.exp(-0.6))
    gain = certified * step_up * (view.wage_high - view.wage_low) * m.cfg.earnings.migrant_wage_ratio * 12
    np.testing.assert_allclose(b_o, view.remit_share * gain, rtol=1e-9)
    np.testing.assert_allclose(b_d, gain * (lab.tax_share + ag.productivity_share), rtol=1e-9)
    np.testing.assert_allclose(c_o, certified * 100.0, rtol=1e-9)
    np.testing.assert_allclose(c_d, view.arrivals * view.high_skill * 50.0, rtol=1e-9)


def test_fair_recruitment_moves_the_fees_and_avoids_irregular_arrivals(year):
    from model.processes.emigration import irregular_arrivals_a_year

    m, c, view = year
    k = m.corridors
    months = k.recruitment_months.copy()
    b_o, c_o, b_d, c_d = value(m, view, "fair_recruitment", cap_months=0.5)
    h = view.high_skill
    saved = view.arrivals * ((1 - h) * np.maximum(months[0, c] - 0.5, 0) * view.wage_low
                             + h * np.maximum(months[1, c] - 0.5, 0) * view.wage_high)
    np.testing.assert_allclose(b_o, saved, rtol=1e-12)
    np.testing.assert_allclose(c_d, saved, rtol=1e-12)
    # The lever is back as it was, and the destination's gain is the arrivals the cap avoids.
    np.testing.assert_array_equal(k.recruitment_months, months)
    without = irregular_arrivals_a_year(m)[c]
    k.recruitment_months = months.copy()
    k.recruitment_months[:, c] = np.minimum(months[:, c], 0.5)
    with_cap = irregular_arrivals_a_year(m)[c]
    k.recruitment_months = months
    avoided = without - with_cap
    # Every corridor with irregular arrivals avoids some (Syria -> Turkey, whose arrivals are
    # people fleeing, has none).
    assert ((avoided > 0) == (without > 0)).all() and (without > 0).sum() >= 8
    np.testing.assert_allclose(b_d, avoided * m.cfg.emigration.enforcement_cost_usd, rtol=1e-9)


def test_portability_is_worth_the_rights_regular_returnees_carry(year):
    m, c, view = year
    r = m.cfg.returns
    b_o, c_o, b_d, c_d = value(m, view, "social_security_portability",
                               admin_usd_per_migrant_year=8.0)
    regular = m.tallies.regular()[c] / view.stock
    carried = (view.returns * regular * r.pension_contribution_rate * 12 * view.wage_low
               * m.cfg.earnings.migrant_wage_ratio * r.vesting_years)
    np.testing.assert_allclose(b_o, carried, rtol=1e-9)
    np.testing.assert_allclose(c_o, view.stock * 4.0, rtol=1e-12)
    np.testing.assert_allclose(c_d, view.stock * 4.0, rtol=1e-12)
    assert (b_d == 0).all()


def test_fair_recruitment_books_what_employers_take_over_as_delivered_to_workers():
    from model.processes.entry import recruitment_cost

    m = MigrationModel(policies={"fair_recruitment": {"start_year": 2019.0, "cap_months": 0.5}},
                       **FAST)
    policy = m.policies.policies[0]
    pop = m.migrants
    before = pop.n
    m.step()
    uncapped = policy.uncapped
    capped = recruitment_cost(m)
    assert (uncapped >= capped).all() and (uncapped > capped).any()
    # By hand: each regular arrival's fee above the cap, in people.
    new = np.arange(before, pop.n)
    new = new[pop.regular[new] & (pop.arrived[new] >= m.now() - m.dt - 1e-9)]
    shifted = (uncapped - capped)[pop.skill[new], pop.corridor[new]]
    expected = float(np.dot(pop.weight[new], shifted))
    assert expected > 0
    assert policy.costs["employers"] == pytest.approx(expected, rel=1e-9)
    assert policy.delivered == pytest.approx(expected, rel=1e-9)


def test_the_facilitys_remittance_and_protection_outcomes_by_hand():
    from model.facility.themes import THEMES, digital_price_ratio

    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0, "lag_years": 0.0},
                       **{**FAST, "end_year": 2021})
    m.run()
    f, k, co = m.facility, m.corridors, m.countries
    lab = m.cfg.labour
    value = f.outcome_values()
    skill, tech, prot = (f.reached[THEMES.index(t)] for t in
                         ("skilling", "technology", "protection"))
    stock = m.tallies.stock()
    low = co.wage_low[k.d] * m.cfg.earnings.migrant_wage_ratio * 12
    high = co.wage_high[k.d] * m.cfg.earnings.migrant_wage_ratio * 12
    remit = co.remit_share[k.o]
    C = len(co.iso3)
    unrecognised = stock * k.high_skill_share * (1 - k.recognition_share)
    gain = unrecognised * skill[k.o] * (co.match_recognised[k.d] - co.match_unrecognised[k.d]) \
        * (high - low)
    np.testing.assert_allclose(value[1], np.bincount(k.o, remit * gain, C), rtol=1e-9)
    formal = m.totals["formal_received"] / m.steps * 4
    ratio = digital_price_ratio(np.maximum(tech[k.o], tech[k.d]))
    np.testing.assert_allclose(value[2], np.bincount(
        k.o, formal * (1 - ratio) * k.price_pct / 100, C), rtol=1e-9)
    irregular = stock - m.tallies.regular()
    kept = irregular * k.wage_theft_share * f.cfg.protection_effect * prot[k.d] * low
    np.testing.assert_allclose(value[3], np.bincount(k.o, remit * kept, C), rtol=1e-9)
    assert (value[1:4].sum(axis=1) > 0).all()
    # Digital transfers at 72% of the cash price: all senders switched from 30% gives
    # (0.72) / (0.3 x 0.72 + 0.7).
    assert digital_price_ratio(np.array([1.0]))[0] == pytest.approx(0.72 / (0.3 * 0.72 + 0.7))


def test_the_match_migrants_expect_is_the_rate_times_the_share_of_requests_met():
    m = MigrationModel(policies={"remittance_matching": {
        "start_year": 2019.0, "budget_usd": 4e7, "programme_years": 1.0, "match_rate": 1.0,
        "earmarked_share": 0.2, "directed_response": 0.5, "intensity": 0.5}}, **FAST)
    policy = m.policies.policies[0]
    m.step()
    assert 0 < policy.fill < 1  # a small fund: fewer dollars than requests
    fill = policy.fill
    m.step()
    sens = m.cfg.remittances.price_sensitivity
    # The match migrants expect: rate x intensity x fill; they direct more as far as they
    # expect it, and the formal channel gains that much of a negative price.
    expect = 1.0 * 0.5 * fill
    expected = sens * 100.0 * expect * min(1.0, 0.2 * (1 + 0.5 * expect))
    np.testing.assert_allclose(m.corridors.formal_bonus, expected, rtol=1e-12)
    # Demand met in full: fill is 1, never more.
    rich = MigrationModel(policies={"remittance_matching": {"start_year": 2019.0,
                                                            "budget_usd": 1e13}}, **FAST)
    rich.step()
    assert rich.policies.policies[0].fill == 1.0


def test_skill_recognition_books_certification_and_permit_discounts_for_recognised_arrivals():
    m = MigrationModel(policies={"skill_recognition": {
        "start_year": 2019.0, "certification_rate": 0.0, "certification_cost_usd": 300.0,
        "permit_discount_usd": 70.0}}, **FAST)
    policy = m.policies.policies[0]
    pop = m.migrants
    before = pop.n
    m.step()
    new = np.arange(before, pop.n)
    new = new[pop.arrived[new] >= m.now() - m.dt - 1e-9]
    hired = pop.weight[new][pop.recognised[new]].sum(dtype=float)
    assert hired > 0
    assert policy.costs["destination"] == pytest.approx(hired * 70.0, rel=1e-9)
    assert policy.costs["origin"] == pytest.approx(hired * 300.0, rel=1e-9)


def test_wage_theft_recovery_is_the_recovered_share_of_what_irregular_workers_lose():
    from model.processes.earnings import earnings_table

    settings = {"start_year": 2019.0, "recovery_share": 0.4, "budget_usd_per_year": 0.0,
                "cost_usd_per_corridor_year": 0.0}
    m = MigrationModel(policies={"employer_crisis_support": settings}, **FAST)
    k = m.corridors
    theft = m.lever_baseline("corridors.wage_theft_share").copy()
    gross = earnings_table(m, gross=True)
    irregular = m.tallies.employed_by_job().sum(axis=1)[[0, 2]]
    m.policies.call("before_step", None)  # the policy's own step start, on the model as it is
    expected = (gross[[0, 2]] * 0.4 * theft * irregular).sum()
    assert expected > 0
    assert m.flows["wages_recovered_usd"][0] == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(k.wage_theft_share, theft * 0.6, rtol=1e-12)


def test_the_voluntary_review_scores_themes_by_improvement_per_dollar():
    from model.facility.themes import THEMES

    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0, "review": True}, **FAST)
    m.step()
    f = m.facility
    v = m.measure()
    out = f.theme_outcomes()
    assert out["technology"] == pytest.approx(-v["remittance_price_pct"] / 100.0)
    assert out["governance"] == pytest.approx(1.0 - v["irregular_share"])
    f.by_theme = np.array([1e6, 2e6, 1e6, 4e6, 1e6, 1e6])
    before = {t: 0.0 for t in THEMES}
    after = {"governance": 0.01, "skilling": 0.04, "technology": -0.005, "protection": 0.0,
             "irregular": 0.002, "partnerships": 0.0}
    f.review_outcomes(before, after)
    per_dollar = np.array([after[t] for t in THEMES]) / f.by_theme
    np.testing.assert_allclose(f.last_outcome, per_dollar / np.abs(per_dollar).max(), rtol=1e-12)
    f.review_outcomes(before, before)  # nothing moved: nothing to learn
    assert (f.last_outcome == 0).all()


def test_fairness_and_preferences_by_hand():
    from model.facility import DESTINATION_PREFERENCE, ORIGIN_PREFERENCE

    # A compliance cost at which some members' own value falls short of what they pay and
    # others' does not, so both sides of each min(1, .) are exercised.
    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0, "voting": "weighted",
                                 "participation": "conditional",
                                 "conditional_fairness_penalty": 0.2,
                                 "compliance_cost_usd": 1.2e7}, **FAST)
    m.run()
    f = m.facility
    emigrants, immigrants = f.roles()
    share = np.where(emigrants + immigrants > 0, emigrants / np.maximum(emigrants + immigrants,
                                                                        1e-300), 0.5)
    np.testing.assert_allclose(f.preferences(), share[:, None] * ORIGIN_PREFERENCE
                               + (1 - share[:, None]) * DESTINATION_PREFERENCE, rtol=1e-12)
    n = int(f.member.sum())
    voice = np.minimum(1.0, f.fee / (f.fee * f.member).sum() * n)
    paid = f.fee + f.cfg.compliance_cost_usd + f.loan_cost
    np.testing.assert_allclose(f.membership_cost(), paid, rtol=1e-12)
    returns = np.minimum(1.0, f.own_value() / np.maximum(paid, 1.0))
    np.testing.assert_allclose(f.fairness(), voice * 0.8 * (0.5 + 0.5 * returns), rtol=1e-12)
    assert (voice < 1).any() and (returns < 1).any() and (returns == 1).any()


def test_loans_are_repaid_over_their_years_and_then_stop():
    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0, "loan_years": 2.0},
                       **{**FAST, "end_year": 2023})
    m.run()
    b = m.facility.books
    # A year's loans are drawn a quarter a step; each quarter's is repaid in 8 quarterly parts
    # (two years), the first a year after it was drawn. By the end of 2023, of 2021's four
    # quarters 8, 7, 6 and 5 parts are repaid (26 of 32), of 2022's 4, 3, 2 and 1 (10 of 32),
    # of 2023's none; 2019's and 2020's are repaid in full.
    # Every member receives (unconditional participation), so each year's loan part is the
    # bank loans blended in that year.
    loan = [h["bank_loans"] for h in m.facility.history]
    assert len(loan) == 5  # 2019-2023
    repaid = loan[0] + loan[1] + loan[2] * 26 / 32 + loan[3] * 10 / 32
    assert b["repaid_to_banks"] == pytest.approx(repaid, rel=1e-6)
    assert b["loans_outstanding"] == pytest.approx(sum(loan) - repaid, rel=1e-6)


def test_returnees_go_back_to_their_job_at_the_remigration_rate():
    from model.population import RETURNEE
    from tests.test_behaviour import within_sd

    m = MigrationModel(policies={"return_reintegration": {
        "start_year": 2020.0, "budget_usd_per_year": 0.0, "remigration_rate": 0.8,
        "intensity": 0.5}}, **{**FAST, "end_year": 2021, "people_per_agent": 2000.0})
    for _ in range(4):  # a year of returns before the agreements start
        m.step()
    pop = m.migrants
    home = (pop.status == RETURNEE) & (pop.weight > 0)
    eligible = np.flatnonzero(home & ~pop.reintegrated & (pop.returned > pop.arrived))
    uid = pop.uid[eligible].copy()
    m.step()
    rows = np.searchsorted(pop.uid, uid)
    gone = np.count_nonzero(pop.status[rows] != RETURNEE)
    assert len(uid) > 1000
    within_sd(gone, len(uid), 1 - np.exp(-0.5 * 0.8 * m.dt), "re-migrated")


def test_returnees_carry_their_contributions_for_their_years_abroad():
    from model.population import HIGH, RETURNEE

    m = MigrationModel(policies={"social_security_portability": {"start_year": 2019.0,
                                                                 "intensity": 0.5}},
                       **{**FAST, "end_year": 2021})
    for _ in range(4):
        m.step()
    pop, k, c = m.migrants, m.corridors, m.countries
    abroad = pop.uid[pop.status != RETURNEE].copy()
    m.step()
    rows = np.searchsorted(pop.uid, abroad)
    back = rows[(pop.status[rows] == RETURNEE) & pop.regular[rows]]
    assert len(back) > 0
    d = k.d[pop.corridor[back]]
    monthly = np.where(pop.skill[back] == HIGH, c.wage_high[d], c.wage_low[d])
    years = np.minimum(pop.returned[back] - pop.arrived[back], 45.0)
    assert (years > 0).all()
    r = m.cfg.returns
    rights = r.pension_contribution_rate * 12 * monthly * m.cfg.earnings.migrant_wage_ratio \
        * years * 0.5
    assert m.flows["pension_rights_carried_usd"][0] == pytest.approx(
        float(np.dot(pop.weight[back], rights)), rel=1e-9)


def test_the_most_each_theme_could_buy_by_hand():
    from model.facility.themes import sizes

    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0,
                                 "governance_max_expansion": 0.5,
                                 "audience_per_irregular": 7.0}, **{**FAST, "end_year": 2021})
    m.run()
    f, k = m.facility, m.corridors
    C = len(m.countries.iso3)
    stock = m.tallies.stock()
    got = sizes(m, f)
    np.testing.assert_allclose(got[0], 0.5 * np.bincount(k.d, k.quota, C), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.bincount(
        k.o, stock * k.high_skill_share * (1 - k.recognition_share), C), rtol=1e-12)
    np.testing.assert_allclose(got[2], np.bincount(k.o, stock, C) + np.bincount(k.d, stock, C),
                               rtol=1e-12)
    np.testing.assert_allclose(got[3], np.bincount(k.d, stock - m.tallies.regular(), C),
                               rtol=1e-12)
    np.testing.assert_allclose(got[4], 7.0 * np.bincount(k.o, f.irregular_past_year(), C),
                               rtol=1e-12)
    assert (got[5] == 1).all() and (got[4] > 0).any()
    assert (k.recognition_share > 0).any()
