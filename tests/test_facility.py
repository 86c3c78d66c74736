"""The financing facility: books that balance, governance options that change what they should,
programmes that act after a lag, membership that responds to fairness, and bad settings."""

from __future__ import annotations

import numpy as np
import pytest

from model import MigrationModel
from model.config import ConfigError
from model.facility import THEMES

RUN = dict(rng=2, end_year=2026, people_per_agent=5000.0, progress=False)
PANDEMIC = [{"kind": "pandemic", "start": 2022.0, "end": 2023.0}]


def run(shocks=(), **facility) -> MigrationModel:
    m = MigrationModel(facility={"enabled": True, **facility}, shocks=list(shocks), **RUN)
    m.run()
    return m


@pytest.mark.parametrize("options", [
    {}, {"voting": "weighted"}, {"participation": "conditional"},
    {"allocation": "adaptive", "review": True},
])
def test_books_balance_every_step(options):
    m = MigrationModel(facility={"enabled": True, **options}, shocks=PANDEMIC, **RUN)
    gaps = []
    for _ in range(m.n_steps):
        m.step()
        gaps.append(m.facility.balance_gap())
    b = m.facility.books
    assert b["fees"] > 0 and b["grants"] > 0 and b["bank_loans"] > 0
    assert b["loans_outstanding"] > 0 and b["repaid_to_banks"] > 0
    assert np.abs(gaps).max() < 1e-3 * (b["fees"] + b["grants"] + b["bank_loans"]) * 1e-6


def test_leverage_follows_the_gcff():
    m = run()
    b = m.facility.books
    programmes = b["programme_grants"] + b["loans_outstanding"] + b["repaid_to_banks"]
    assert programmes / (b["fees"] + b["grants"]) == pytest.approx(6.75, rel=0.01)


def test_weighted_voting_shifts_allocation_to_large_contributors():
    equal, weighted = run(), run(voting="weighted")
    destination_themes = [THEMES.index("governance"), THEMES.index("irregular")]
    # Large contributors (high-income members pay the higher fee) are mostly destinations.
    assert weighted.facility.theme_shares[destination_themes].sum() > \
        equal.facility.theme_shares[destination_themes].sum() + 0.05


def test_conditionality_adds_compliance_costs():
    assert run(participation="conditional").facility.compliance_paid > 0
    assert run().facility.compliance_paid == 0


def test_adaptive_allocation_turns_to_crisis_response_in_a_shock():
    adaptive = run(PANDEMIC, allocation="adaptive").datacollector.get_model_vars_dataframe()
    static = run(PANDEMIC).datacollector.get_model_vars_dataframe()
    in_shock = (adaptive["year"] >= 2022.0) & (adaptive["year"] < 2023.0)
    assert adaptive.loc[in_shock, "facility_crisis_response_usd"].sum() > 0
    assert static["facility_crisis_response_usd"].sum() == 0
    assert adaptive.loc[~in_shock, "facility_crisis_response_usd"].sum() == 0


def test_review_framework_moves_theme_shares():
    learning = run(review=True)
    fixed = run()
    assert not np.allclose(learning.facility.theme_shares, fixed.facility.theme_shares, atol=0.01)


def test_programmes_act_after_their_lag():
    base = MigrationModel(**RUN)
    base.run()
    m = run(lag_years=2.0)
    ts, b = m.datacollector.get_model_vars_dataframe(), base.datacollector.get_model_vars_dataframe()
    before = ts["year"] < 2023.0  # starts 2021, lag 2 years
    np.testing.assert_allclose(ts.loc[before, "remittance_price_pct"],
                               b.loc[before, "remittance_price_pct"])
    after = ts["year"] >= 2024.0
    assert ts.loc[after, "remittance_price_pct"].mean() < b.loc[after, "remittance_price_pct"].mean()
    # The other themes' levers move too (at the last step, after the lag).
    k = m.corridors
    assert (k.recognition_share > base.corridors.recognition_share + 1e-6).any()
    assert (k.quota_multiplier > 1.0).any() and (k.irregular_deterrence > 0).any()
    assert (k.wage_theft_share < base.corridors.wage_theft_share - 1e-9).any()


def test_fairness_drives_membership():
    resented = run(participation="conditional", conditional_fairness_penalty=0.9)
    tolerated = run(participation="conditional", conditional_fairness_penalty=0.0)
    assert np.mean([h["members"] for h in resented.facility.history]) < \
        np.mean([h["members"] for h in tolerated.facility.history])


def test_no_facility_changes_nothing():
    base = MigrationModel(**RUN)
    base.run()
    off = MigrationModel(facility={"enabled": False, "voting": "weighted"}, **RUN)
    off.run()
    assert base.datacollector.get_model_vars_dataframe().equals(
        off.datacollector.get_model_vars_dataframe())


@pytest.mark.parametrize("spec, words", [
    ({"enabled": True, "voting": "plutocratic"}, ["facility.voting", "equal, weighted"]),
    ({"enabled": True, "information_effect": 1.5}, ["facility.information_effect", "out of range"]),
    ({"enabled": True, "leverage": 0.5}, ["facility.leverage", "out of range"]),
    ({"enabled": True, "votng": "equal"}, ["unknown setting", "votng"]),
    ({"enabled": True, "candidates": ["XYZ"]}, ["XYZ"]),
])
def test_bad_facility_settings_fail_before_the_run(spec, words):
    with pytest.raises(ConfigError) as err:
        MigrationModel(facility=spec, **RUN)
    for word in words:
        assert word in str(err.value)


def test_the_governance_sweep_overlay_composes(compose):
    from model.runner import to_config

    cfg = compose(["+sweep=facility_governance"])
    assert to_config(cfg).facility.enabled is True


def test_the_crisis_response_keeps_more_jobs_with_more_money_less_than_in_proportion():
    kept = {share: run(PANDEMIC, allocation="adaptive", crisis_share=share).facility
            .crisis_jobs_kept for share in (0.0, 0.25, 0.5)}
    assert kept[0.0] == 0
    assert 0 < kept[0.25] < kept[0.5] < 2 * kept[0.25]


def test_members_value_their_own_outcomes_by_hand():
    """Governance (taxes on the extra regular workers' earnings) and irregular migration (the
    enforcement cost of the arrivals deterred), computed from the facility's state."""
    m = run()
    f, k, c = m.facility, m.corridors, m.countries
    value = f.outcome_values()
    g, info = f.reached[THEMES.index("governance")], f.reached[THEMES.index("irregular")]
    wage = c.wage_low[k.d] * m.cfg.earnings.migrant_wage_ratio * 12.0
    places = f.cfg.governance_max_expansion * k.quota * g[k.d]
    np.testing.assert_allclose(value[THEMES.index("governance")], np.bincount(
        k.d, places * wage * m.cfg.labour.tax_share, len(c.iso3)), rtol=1e-9)
    x = f.cfg.information_effect * info[k.o]
    deterred = f.irregular_past_year() * x / (1 - x)
    np.testing.assert_allclose(value[THEMES.index("irregular")], np.bincount(
        k.d, deterred * m.cfg.emigration.enforcement_cost_usd, len(c.iso3)), rtol=1e-9)
    assert value[THEMES.index("governance")].sum() > 0 and value[THEMES.index("irregular")].sum() > 0
    # A member judges membership on what its own outcomes are worth to it.
    assert f.own_value()[f.member].mean() == pytest.approx(value.sum(axis=0)[f.member].mean())


def test_the_years_programmes_are_paid_a_steps_share_at_a_time():
    """Issue 20: a year's programmes paid in its first step gave the outcomes they move a yearly
    saw-tooth. Each step now pays `dt` of the year's budget, and the capital grows each step by
    what was paid `lag_years` before (then wears off at `capacity_depreciation` a year)."""
    m = MigrationModel(facility={"enabled": True}, **RUN)
    f, dt, s = None, m.dt, m.steps_per_year
    capital, paid = [], []
    for _ in range(m.n_steps):
        m.step()
        f = m.facility
        capital.append(f.capacity.sum())
        paid.append(sum(float(m.flows[f"facility_theme_{t}"][0]) for t in THEMES))
    capital, paid = np.array(capital), np.array(paid)
    plan = {h["year"]: sum(h[f"theme_{t}"] for t in THEMES) for h in f.history}
    years = m.start_year + np.arange(m.n_steps) * dt
    expected = np.array([plan.get(float(np.floor(y + 1e-9)), 0.0) * dt for y in years])
    assert len(plan) == 6 and min(plan.values()) > 1e8  # 2021-2026, a budget each year
    np.testing.assert_allclose(paid, expected, rtol=1e-9, atol=1e-3)
    # The capital: last step's, worn off, plus this step's arrivals (paid one year before).
    keep = (1.0 - f.cfg.capacity_depreciation) ** dt
    added = capital[1:] / keep - capital[:-1]
    np.testing.assert_allclose(added, np.r_[np.zeros(s), paid][1:len(capital)],
                               rtol=1e-9, atol=1e-3)
    assert added.max() <= max(plan.values()) * dt * (1 + 1e-9)


def test_members_repay_each_steps_loans_from_a_year_later_over_the_loan_years():
    """By hand, every step: the loans drawn in a step (the programmes' loan part, here all the
    bank loans as every theme has recipients) are repaid in loan_years x steps_per_year equal
    parts a step, the first a year after they were drawn (not once a year)."""
    m = MigrationModel(facility={"enabled": True, "loan_years": 2.0}, **RUN)
    m.run()
    ts, b, s = m.datacollector.get_model_vars_dataframe(), m.facility.books, m.steps_per_year
    lent = ts["facility_bank_loans_usd"].to_numpy()
    n, N = 2 * s, len(lent)
    step = np.arange(N)
    # repaid[t, i]: an instalment of step i's loans is paid at step t.
    repaid = ((step[:, None] >= step[None, :] + s) & (step[:, None] < step[None, :] + s + n)) \
        * lent[None, :] / n
    outstanding = np.cumsum(lent) - np.cumsum(repaid.sum(axis=1))
    np.testing.assert_allclose(ts["facility_loans_outstanding_usd"], outstanding,
                               rtol=1e-9, atol=1e-3)
    assert b["repaid_to_banks"] == pytest.approx(float(repaid.sum()), rel=1e-9)
    # Loans of the first years are repaid in full, the last year's not yet at all.
    assert 0 < b["repaid_to_banks"] < b["bank_loans"]


def test_the_campaigns_audience_follows_the_last_years_irregular_arrivals_every_step():
    """The irregular theme's audience is `audience_per_irregular` per irregular arrival of the
    last steps_per_year steps (a trailing year), updated every step: not the calendar year's
    count, which jumped once a year (issue 20)."""
    from model.facility.themes import sizes

    m = MigrationModel(facility={"enabled": True, "audience_per_irregular": 7.0}, **RUN)
    s, C = m.steps_per_year, len(m.countries.iso3)
    for _ in range(m.n_steps - 2):  # stop after 2026's second quarter
        m.step()
    arrivals = np.array(m.history["arrivals_irregular_corridor"])  # [steps, K]
    by_hand = 7.0 * np.bincount(m.corridors.o, arrivals[-s:].sum(axis=0), C)
    np.testing.assert_allclose(sizes(m, m.facility)[THEMES.index("irregular")], by_hand,
                               rtol=1e-12)
    # The last calendar year (2025), which the audience used to be until 2026 ended.
    calendar_year = 7.0 * np.bincount(m.corridors.o, arrivals[-2 - s:-2].sum(axis=0), C)
    assert not np.allclose(by_hand, calendar_year, rtol=1e-3)


def test_each_years_budget_is_split_in_full_and_its_fees_by_role():
    """Mutation testing (issue 20), every year of a run with the review and the crisis rule: the
    theme shares, however the review reweights them, split the whole budget (fees, grants and
    bank loans, less the crisis response); the members' fees split between origin and
    destination governments add up to the fees; and each step pays a step's share of them."""
    m = MigrationModel(facility={"enabled": True, "allocation": "adaptive", "review": True},
                       shocks=PANDEMIC, **RUN)
    f, years = None, 0
    for _ in range(m.n_steps):
        m.step()
        f = m.facility
        if f.plan is None:
            continue
        p = f.plan
        budget = p["fees"] + p["grants"] + p["bank_loans"]
        assert f.theme_shares.sum() == pytest.approx(1.0, rel=1e-12)
        assert p["spend"].sum() + f.crisis_spent == pytest.approx(budget, rel=1e-9)
        assert p["fees_origin"] + p["fees_destination"] == pytest.approx(p["fees"], rel=1e-12)
        emigrants, immigrants = f.roles()
        if (m.steps - 1) % m.steps_per_year == 0:  # the year's first step: roles as planned
            years += 1
            by_hand = float((f.fee * f.member * (emigrants < immigrants)).sum())
            assert p["fees_destination"] == pytest.approx(by_hand, rel=1e-12)
        paid = float(m.flows["cost_origin"][0] + m.flows["cost_destination"][0])
        assert paid == pytest.approx(p["fees"] * m.dt, rel=1e-9)
    assert years == 6 and f.last_outcome is not None and 0 < f.member.sum() < len(f.member)
