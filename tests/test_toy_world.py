"""The labour and earnings processes checked on the three-country toy world (tests/toy_world.py).

Every expected number is computed here by hand from the model's inputs (the wages and
unemployment rates it read from the shipped country table, the settings) and the documented
formulas; no function under test computes its own expectation. Exact checks compare with a
relative tolerance of 1e-12 (1e-9 where people are summed over tens of thousands of agents);
sampled checks allow 4 binomial standard deviations computed from the number of agents (the
draws are per agent, not per person), so a correct model fails one such check for about one
seed in 16,000; the seeds are fixed, so a failure here is a change of behaviour, not bad luck.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.population import ABROAD, HIGH, RETURNEE
from model.processes import earnings, labour
from tests.toy_world import (
    CLOSED,
    FLAT_WAGES,
    PEOPLE_PER_AGENT,
    TOY_CORRIDORS,
    corridor_index,
    rows_of,
    toy_model,
)

# How many binomial standard deviations a sampled count may stray from its expectation.
Z = 4.0


# --------------------------------------------------------------------------- hand formulas


def hand_target_unemployment(model) -> np.ndarray:
    """Migrants' unemployment target per country: native rate x ratio, clipped to 1 %..60 %."""
    ratio = model.cfg.labour.migrant_unemployment_ratio
    return np.array([min(max(u * ratio, 0.01), 0.6) for u in model.countries.unemployment])


def hand_finding_rate(model) -> np.ndarray:
    """Job-finding hazard per year per country: f = s (1 - u) / u at the target u."""
    s = model.cfg.labour.job_loss_rate
    return np.array([s * (1.0 - u) / u for u in hand_target_unemployment(model)])


def hand_earnings(model, corridor: int, at_skill: bool, regular: bool, gross: bool = False) -> float:
    """USD one employed person earns in one step on `corridor` in the given job cell."""
    lab, c = model.cfg.earnings, model.countries
    d = int(model.corridors.d[corridor])
    wage = float(c.wage_high[d] if at_skill else c.wage_low[d])  # USD a month
    months = 12.0 * model.dt  # months in one step
    pay = wage * lab.migrant_wage_ratio * months
    if not regular:
        pay *= lab.irregular_wage_ratio * (1.0 if gross else 1.0 - lab.wage_theft_share)
    return pay


def hand_earnings_of_rows(model, rows: np.ndarray, gross: bool = False) -> np.ndarray:
    """`hand_earnings` of each migrant in `rows` (taken as employed)."""
    pop = model.migrants
    at_skill = (pop.skill[rows] == HIGH) & pop.matched[rows]
    return np.array([hand_earnings(model, int(k), bool(a), bool(r), gross)
                     for k, a, r in zip(pop.corridor[rows], at_skill, pop.regular[rows])])


def job_cells(model, rows: np.ndarray) -> np.ndarray:
    """Job cell as documented: 2 x (job at skill) + regular."""
    pop = model.migrants
    return 2 * ((pop.skill[rows] == HIGH) & pop.matched[rows]) + pop.regular[rows]


def binomial_check(observed: float, p: np.ndarray, what: str) -> None:
    """`observed` successes of independent trials with probabilities `p` (one per agent)
    within Z standard deviations of the expected count."""
    expected = float(p.sum())
    sd = math.sqrt(float((p * (1.0 - p)).sum()))
    assert abs(observed - expected) <= Z * sd, (
        f"{what}: {observed} observed, {expected:.1f} expected, sd {sd:.1f} "
        f"(z = {(observed - expected) / sd:+.2f})")


# --------------------------------------------------------------------------- the toy world


def test_toy_world_is_what_the_table_says(tmp_path):
    """The fixture itself: three countries, the three corridors, equal agent weights."""
    model = toy_model(tmp_path, people_per_agent=1000.0)
    assert sorted(model.countries.iso3) == ["ARE", "IND", "PHL"]
    assert len(model.corridors.o) == len(TOY_CORRIDORS)
    pop = model.migrants
    for origin, destination, stock, share, price, km in TOY_CORRIDORS:
        k = corridor_index(model, origin, destination)
        assert model.tallies.stock()[k] == pytest.approx(stock, rel=1e-12)
        assert model.corridors.high_skill_share[k] == share
        assert model.corridors.price_pct[k] == price
        assert model.corridors.distance_km[k] == km
        start = (pop.corridor == k) & (pop.status == ABROAD)
        assert np.count_nonzero(start) == stock / 1000.0
    assert (pop.weight[pop.status == ABROAD] == 1000.0).all()


# --------------------------------------------------------------------------- 1. exact: hazards


def test_finding_rate_and_hazard_formulas():
    """finding_rate = s (1-u)/u with u clipped to [0.005, 0.9]; hazard_to_prob = 1 - exp(-r dt)."""
    s = 0.2
    u = np.array([0.001, 0.005, 0.05, 0.1, 0.9, 0.95])
    clipped = [0.005, 0.005, 0.05, 0.1, 0.9, 0.9]
    expected = [s * (1.0 - x) / x for x in clipped]
    np.testing.assert_allclose(labour.finding_rate(s, u), expected, rtol=1e-12, atol=0.0)
    rates = np.array([0.0, 0.16, 1.0, 4.74])
    for dt in (0.25, 1.0 / 12.0):
        np.testing.assert_allclose(labour.hazard_to_prob(rates, dt),
                                   [1.0 - math.exp(-r * dt) for r in rates], rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("job_loss_rate, ratio", [(0.16, 1.4), (0.5, 3.0), (0.05, 0.5)])
def test_job_finding_hazard_has_target_steady_state(tmp_path, job_loss_rate, ratio):
    """The model's job-finding hazard is the closed form, and s/(s+f) is the target rate."""
    model = toy_model(tmp_path, people_per_agent=1000.0, job_loss_rate=job_loss_rate,
                      migrant_unemployment_ratio=ratio)
    c = model.countries
    f = hand_finding_rate(model)
    np.testing.assert_allclose(c.job_finding_rate, f, rtol=1e-12, atol=0.0)
    s = c.job_loss_rate
    np.testing.assert_allclose(s, job_loss_rate, rtol=0.0, atol=0.0)
    np.testing.assert_allclose(s / (s + c.job_finding_rate), hand_target_unemployment(model),
                               rtol=1e-12, atol=0.0)
    # The destinations, by name: ARE's target is its native rate times the ratio (no clip).
    are = list(c.iso3).index("ARE")
    assert s[are] / (s[are] + c.job_finding_rate[are]) == pytest.approx(
        c.unemployment[are] * ratio, rel=1e-12)


# --------------------------------------------------------------------------- 2. exact: earnings


@pytest.mark.parametrize("steps_per_year", [4, 12])
def test_earnings_table_by_hand(tmp_path, steps_per_year):
    """Every entry of the earnings table (net and gross) is the hand computation."""
    model = toy_model(tmp_path, people_per_agent=1000.0, steps_per_year=steps_per_year,
                      migrant_wage_ratio=0.8, irregular_wage_ratio=0.6, wage_theft_share=0.1)
    net = earnings.earnings_table(model)
    gross = earnings.earnings_table(model, gross=True)
    K = len(TOY_CORRIDORS)
    assert net.shape == gross.shape == (4, K)
    wts = model.cfg.earnings.wage_theft_share
    for k in range(K):
        for at_skill in (False, True):
            for regular in (False, True):
                row = 2 * at_skill + regular
                assert net[row, k] == pytest.approx(
                    hand_earnings(model, k, at_skill, regular), rel=1e-12, abs=0.0)
                assert gross[row, k] == pytest.approx(
                    hand_earnings(model, k, at_skill, regular, gross=True), rel=1e-12, abs=0.0)
                if regular:  # no theft from regular workers
                    assert gross[row, k] == net[row, k]
                else:  # what is withheld is the theft share of the gross pay
                    assert gross[row, k] - net[row, k] == pytest.approx(
                        wts * gross[row, k], rel=1e-12, abs=0.0)
    # The number itself, for one cell, so a reader can check it on paper: a regular low-skill
    # IND worker in ARE earns wage_low(ARE) x 0.8 x 12 / steps_per_year per step.
    k = corridor_index(model, "IND", "ARE")
    are = list(model.countries.iso3).index("ARE")
    assert net[1, k] == pytest.approx(
        model.countries.wage_low[are] * 0.8 * 12.0 / steps_per_year, rel=1e-12)


def test_monthly_wage_by_hand(tmp_path):
    """monthly_wage: high wage only for a matched skilled job; irregular pay penalty, no theft."""
    model = toy_model(tmp_path, people_per_agent=1000.0, migrant_wage_ratio=0.8,
                      irregular_wage_ratio=0.6, wage_theft_share=0.1)
    c = model.countries
    combos = [(d, skill, matched, regular) for d in range(len(c.iso3)) for skill in (0, 1)
              for matched in (False, True) for regular in (False, True)]
    dest, skill, matched, regular = (np.array(x) for x in zip(*combos))
    got = earnings.monthly_wage(model, dest, skill.astype(np.int8), matched, regular)
    for i, (d, s, m, r) in enumerate(combos):
        wage = c.wage_high[d] if (s == HIGH and m) else c.wage_low[d]
        expected = wage * 0.8 * (1.0 if r else 0.6)
        assert got[i] == pytest.approx(expected, rel=1e-12, abs=0.0), combos[i]


# --------------------------------------------------------------------------- 3. sampled: flows


def test_job_losses_and_findings_in_one_step(tmp_path):
    """Job losses ~ employed x (1 - exp(-s dt)); finders ~ unemployed x (1 - exp(-f dt)).

    In the closed toy world nothing but the labour process changes who is employed within the
    step, so losers and finders are counted exactly from the arrays (by uid).
    """
    model = toy_model(tmp_path, rng=3, **CLOSED)
    pop, k, dt = model.migrants, model.corridors, model.dt
    assert (pop.weight == PEOPLE_PER_AGENT).all()  # one agent = PEOPLE_PER_AGENT people
    abroad = pop.status == ABROAD
    d = k.d[pop.corridor]
    busy, idle = pop.employed & abroad, ~pop.employed & abroad
    busy_uid, idle_uid = pop.uid[busy].copy(), pop.uid[idle].copy()
    s = model.cfg.labour.job_loss_rate
    p_lose = np.full(len(busy_uid), 1.0 - math.exp(-s * dt))
    f = hand_finding_rate(model)
    p_find = np.array([1.0 - math.exp(-f[x] * dt) for x in d[idle]])
    stock = float(pop.weight[abroad].sum(dtype=np.float64))
    assert len(busy_uid) > 30_000 and len(idle_uid) > 1_000  # enough agents to test a rate

    model.step()

    assert model.flows["returns"].sum() == 0 and model.flows["arrivals"].sum() == 0  # closed
    lost = np.count_nonzero(~pop.employed[rows_of(model, busy_uid)])
    found = np.count_nonzero(pop.employed[rows_of(model, idle_uid)])
    # The recorded flow is the same losers, in people.
    assert model.flows["job_losses"][0] == pytest.approx(lost * PEOPLE_PER_AGENT, rel=1e-12)
    binomial_check(lost, p_lose, "job losses (agents)")
    binomial_check(found, p_find, "job finders (agents)")
    # The indicators say the same: employment after = before - losses + finds.
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row["job_losses"] == pytest.approx(lost * PEOPLE_PER_AGENT, rel=1e-12)
    employed_after = (len(busy_uid) - lost + found) * PEOPLE_PER_AGENT
    assert row["employment_rate"] == pytest.approx(employed_after / stock, rel=1e-9)


# --------------------------------------------------------------------------- 4. sampled: matching


def test_skilled_finders_matched_at_recognised_and_unrecognised_rates(tmp_path):
    """Skilled job finders get a job at their skill with the destination's P(match).

    High turnover (job-loss hazard 1 a year, migrants' unemployment 4x the native rate) and a
    year of four steps give several thousand skilled finders of each kind; matching draws of
    different steps are independent given who finds a job, so the counts pool.
    """
    p_rec, p_unrec = 0.9, 0.3  # far apart and off the defaults, so a swap or a default shows
    # Neither toy destination has a published rate: the fallbacks set them. With half the
    # skilled recognised, an over-qualification rate of 1 - (0.5 x 0.3 + 0.5 x 0.9) = 0.4 and a
    # recognition gain of (0.9 - 0.3) / (1 - 0.3) = 6/7 give exactly these probabilities.
    model = toy_model(tmp_path, rng=5, job_loss_rate=1.0, migrant_unemployment_ratio=4.0,
                      recognised_share_initial=0.5, recognition_match_gain=6.0 / 7.0,
                      overqualification_high_income=0.4, overqualification_other=0.4, **CLOSED)
    np.testing.assert_allclose(model.countries.match_unrecognised, p_unrec, rtol=1e-12)
    np.testing.assert_allclose(model.countries.match_recognised, p_rec, rtol=1e-12)
    pop = model.migrants
    finders = {True: 0, False: 0}
    matched = {True: 0, False: 0}
    for _ in range(round(1.0 / model.dt)):  # the toy run's one year
        idle = ~pop.employed & (pop.status == ABROAD) & (pop.skill == HIGH)
        uid, recognised = pop.uid[idle].copy(), pop.recognised[idle].copy()
        model.step()
        rows = rows_of(model, uid)
        got_job = pop.employed[rows]
        for rec in (True, False):
            mine = got_job & (recognised == rec)
            finders[rec] += int(np.count_nonzero(mine))
            matched[rec] += int(np.count_nonzero(pop.matched[rows[mine]]))
    for rec, p in ((True, p_rec), (False, p_unrec)):
        n = finders[rec]
        assert n > 2_000, n  # enough for a check to about +-4 percentage points
        binomial_check(matched[rec], np.full(n, p), f"matched jobs, recognised={rec}")
    # Brain waste, from the arrays: skilled employed abroad in a job below their skill.
    abroad = pop.status == ABROAD
    skilled_employed = abroad & (pop.skill == HIGH) & pop.employed
    waste = pop.weight[skilled_employed & ~pop.matched].sum(dtype=np.float64)
    rate = model.datacollector.get_model_vars_dataframe()["brain_waste_rate"].iloc[-1]
    assert rate == pytest.approx(waste / pop.weight[skilled_employed].sum(dtype=np.float64),
                                 rel=1e-9)


# --------------------------------------------------------------------------- 5. wage theft


def _theft_from_counts(model, employed_by_job: np.ndarray) -> float:
    """Sum over irregular job cells (0, 2) and corridors of people x (gross - net) by hand."""
    total = 0.0
    for k in range(len(model.corridors.o)):
        for at_skill in (False, True):
            cell = 2 * at_skill  # irregular
            withheld = (hand_earnings(model, k, at_skill, False, gross=True)
                        - hand_earnings(model, k, at_skill, False))
            total += float(employed_by_job[cell, k]) * withheld
    return total


def test_wage_theft_equals_withheld_pay_of_irregular_workers(tmp_path):
    """Closed world: nothing changes jobs after the earnings process, so the theft recorded in
    the step equals the hand computation from the counts after the step (rel 1e-9)."""
    model = toy_model(tmp_path, rng=7, wage_theft_share=0.1, **CLOSED, **FLAT_WAGES)
    model.step()
    recorded = model.flows["wage_theft_usd"][0]
    by_job = model.tallies.employed_by_job().sum(axis=1)  # [job cell, K], people
    assert recorded == pytest.approx(_theft_from_counts(model, by_job), rel=1e-9)
    # The same counts straight from the arrays (not from the kept tallies).
    pop = model.migrants
    rows = np.flatnonzero(pop.employed & (pop.status == ABROAD))
    counts = np.zeros((4, len(model.corridors.o)))
    np.add.at(counts, (job_cells(model, rows), pop.corridor[rows]), pop.weight[rows])
    np.testing.assert_allclose(by_job, counts, rtol=1e-12)
    assert recorded > 0 and np.count_nonzero(~pop.regular[rows]) > 1_000
    df = model.datacollector.get_model_vars_dataframe()
    assert df["wage_theft_usd"].iloc[-1] == pytest.approx(recorded, rel=1e-12)
    # Mean monthly earnings of the employed: net pay per step / months per step.
    pay = hand_earnings_of_rows(model, rows)
    monthly = (pay * pop.weight[rows]).sum() / pop.weight[rows].sum(dtype=np.float64) / (
        12.0 * model.dt)
    assert df["migrant_earnings_usd_month"].iloc[-1] == pytest.approx(monthly, rel=1e-9)


def test_wage_theft_in_the_open_world_within_returns(tmp_path):
    """Open world: returns come after the earnings process, so the counts after the step miss
    the irregular workers who went home in it (and arrivals, who come after that, are
    unemployed). So the recorded theft is at least the hand figure from the after-step counts
    and exceeds it by at most what this step's irregular returnees could have had withheld
    (each at the theft of the best job its skill allows). That bound is about 1 % here."""
    model = toy_model(tmp_path, rng=7, wage_theft_share=0.1, **FLAT_WAGES)
    pop = model.migrants
    abroad_uid = pop.uid[pop.status == ABROAD].copy()
    model.step()
    recorded = model.flows["wage_theft_usd"][0]
    after = _theft_from_counts(model, model.tallies.employed_by_job().sum(axis=1))
    rows = rows_of(model, abroad_uid)
    rows = rows[rows >= 0]
    went_home = rows[(pop.status[rows] == RETURNEE) & ~pop.regular[rows]]
    bound = sum(float(pop.weight[r]) * (hand_earnings(model, int(pop.corridor[r]),
                                                      bool(pop.skill[r] == HIGH), False, gross=True)
                                        - hand_earnings(model, int(pop.corridor[r]),
                                                        bool(pop.skill[r] == HIGH), False))
                for r in went_home)
    assert len(went_home) > 10  # the bound is not vacuous ...
    assert bound < 0.02 * recorded  # ... and pins the theft to within 2 %
    assert -1e-9 * recorded <= recorded - after <= bound * (1.0 + 1e-9)


# --------------------------------------------------------------------------- 6. savings and debt


def test_current_savings_repays_debt_first(tmp_path):
    """Settled savings first pay off recruitment debt: (100, 30) -> (70, 0), (20, 30) -> (0, 10)."""
    model = toy_model(tmp_path, people_per_agent=1000.0, **CLOSED)
    pop = model.migrants
    rows = np.flatnonzero(~pop.employed & (pop.status == ABROAD))[:2]  # nothing accrues
    pop.savings[rows] = [100.0, 20.0]
    pop.debt[rows] = [30.0, 30.0]
    savings, debt = earnings.current_savings(model, rows)
    np.testing.assert_array_equal(savings, [70.0, 0.0])
    np.testing.assert_array_equal(debt, [0.0, 10.0])


def test_savings_of_a_steady_worker_grow_by_saving_rate_times_earnings(tmp_path):
    """Over one step, savings of a migrant who keeps its job grow by saving_rate x its earnings
    (hand computed); for a migrant with debt and no savings the new savings repay the debt."""
    model = toy_model(tmp_path, rng=11, saving_rate=0.2, wage_theft_share=0.1, **CLOSED, **FLAT_WAGES)
    pop, rate = model.migrants, model.cfg.earnings.saving_rate
    employed = np.flatnonzero(pop.employed & (pop.status == ABROAD))
    pick = np.random.default_rng(0).choice(employed, size=300, replace=False)
    # The first 100 keep their savings and owe nothing; the other 200 are debtors with no
    # savings: half owe less than one step's saving, half more.
    part, over = pick[100:200], pick[200:]
    for rows, factor in ((part, 0.5), (over, 2.0)):
        pop.savings[rows] = 0.0
        pop.debt[rows] = factor * rate * hand_earnings_of_rows(model, rows)
    uid, cell = pop.uid[pick].copy(), job_cells(model, pick)
    s0, d0 = earnings.current_savings(model, pick)
    assert (d0[:100] == 0).all() and (s0[100:] == 0).all() and (d0[100:] > 0).all()

    model.step()

    rows = rows_of(model, uid)
    stayed = pop.employed[rows] & (job_cells(model, rows) == cell)
    assert np.count_nonzero(stayed[:100]) > 80 and np.count_nonzero(stayed[100:200]) > 80 \
        and np.count_nonzero(stayed[200:]) > 80
    rows, s0, d0 = rows[stayed], s0[stayed], d0[stayed]
    gain = rate * hand_earnings_of_rows(model, rows)  # this step's saving, by hand
    raw = s0 + gain
    repaid = np.minimum(d0, raw)
    s1, d1 = earnings.current_savings(model, rows)
    np.testing.assert_allclose(s1, raw - repaid, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(d1, d0 - repaid, rtol=1e-12, atol=1e-9)
    # Spelled out for the two kinds of debtor: half the saving repays the small debts, and the
    # large debts fall by the whole saving.
    small = d0 == 0.5 * gain
    assert small.sum() > 80 and np.allclose(s1[small], 0.5 * gain[small], rtol=1e-12)
    large = d0 > gain
    assert large.sum() > 80 and np.allclose(d1[large], d0[large] - gain[large], rtol=1e-12)
    assert (s1[large] == 0).all()
