"""Every programme works through money (issue 10's gates): in a whole model run, with the same
seed, a zero budget gives the baseline, and doubling the budget raises the programme's effect on
its outcome by more than nothing and by less than double - except a transfer paid out in full
(remittance matching while its budget binds), whose effect on household income is the money
itself and doubles with it (within 10%).

The facility's six themes are checked the same way on the units each theme buys, from the
facility's own budget (donor grants) and on its unit rule `model.facility.themes.bought`.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import MigrationModel
from model.facility.themes import THEMES, bought

RUN = dict(rng=3, start_year=2019, end_year=2022, people_per_agent=5000.0, progress=False)
PANDEMIC = {"kind": "pandemic", "start": 2020.0, "end": 2021.0}


def _outcome(policy: str, settings: dict, outcome: str, shocks=()) -> float:
    m = MigrationModel(policies={policy: settings} if settings is not None else {},
                       shocks=list(shocks), **RUN)
    m.run()
    return float(m.datacollector.get_model_vars_dataframe()[outcome].sum())


# (policy, its budget setting, a budget, other settings, outcome, the sign of the effect, shocks)
PROGRAMMES = [
    ("return_reintegration", "budget_usd_per_year", 5e9, {"return_to_job": False},
     "returnees_supported", +1, ()),
    ("return_reintegration", "budget_usd_per_year", 5e9, {"return_to_job": False},
     "reintegration_rate", +1, ()),
    ("cheaper_remittances", "budget_usd_per_year", 2e8, {}, "remittance_price_pct", -1, ()),
    ("cheaper_remittances", "budget_usd_per_year", 2e8, {}, "account_share", +1, ()),
    # A budget of the order of the need (1e11 USD a year for the pandemic year), where the
    # retention rule's diminishing returns show above the noise of one seed's job losses.
    ("employer_crisis_support", "budget_usd_per_year", 1e11,
     {"recovery_share": 0.0, "cost_usd_per_corridor_year": 0.0}, "employment_rate", +1,
     (PANDEMIC,)),
    # The matches are paid in full while requests exceed the money: twice the money, twice
    # the matches (household income rises faster, as migrants respond to the share of their
    # requests the fund meets).
    ("remittance_matching", "budget_usd", 2e8, {"programme_years": 3.0}, "matching_topup_usd",
     +1, ()),
]


@pytest.mark.parametrize("policy, key, budget, other, outcome, sign, shocks", PROGRAMMES,
                         ids=[f"{p[0]}:{p[4]}" for p in PROGRAMMES])
def test_twice_the_money_less_than_twice_the_effect_and_none_without_it(
        policy, key, budget, other, outcome, sign, shocks):
    settings = {"start_year": 2019.0, **other}
    base = _outcome(policy, None, outcome, shocks)
    zero = _outcome(policy, {**settings, key: 0.0}, outcome, shocks)
    once = _outcome(policy, {**settings, key: budget}, outcome, shocks) - base
    twice = _outcome(policy, {**settings, key: 2 * budget}, outcome, shocks) - base
    assert zero == pytest.approx(base, rel=1e-12, abs=1e-12)
    assert sign * once > 0, (once, twice)
    if policy == "remittance_matching":  # the matches are paid in full: twice the money
        assert twice / once == pytest.approx(2.0, rel=0.1), (once, twice)
    else:
        assert sign * once < sign * twice < 2 * sign * once, (once, twice)


def test_each_theme_buys_units_at_its_cost_with_diminishing_returns():
    size = np.array([1000.0, 50.0])
    assert (bought(np.zeros(2), 10.0, size) == 0).all()
    # The first dollars buy at the unit cost; the units never exceed the most there are.
    np.testing.assert_allclose(bought(np.array([1.0, 1.0]), 10.0, size), 0.1, rtol=1e-3)
    once, twice = bought(np.array([5000.0, 5000.0]), 10.0, size), bought(
        np.array([1e4, 1e4]), 10.0, size)
    np.testing.assert_allclose(once, size * (1 - np.exp(-500.0 / size)), rtol=1e-12)
    assert (once < twice).all() and (twice < 2 * once).all() and (twice <= size).all()


def _facility_units(grants: float) -> np.ndarray:
    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0, "lag_years": 0.0,
                                 "donor_grants_usd": grants, "fee_high_income_usd": 0.0,
                                 "fee_other_usd": 0.0, "expected_value_per_usd": 100.0},
                       **RUN)
    m.run()
    f = m.facility
    return (f.reached * f.sizes).sum(axis=1)


def test_the_facilitys_themes_buy_less_than_twice_as_much_with_twice_the_money():
    # Below saturation: from about 1 bn USD a year the information campaigns reach nearly all
    # the young people of the members' origins (the share reached is 1), and twice the money
    # then buys no more (0.88 times as many reached in the default world with displacement).
    once, twice = _facility_units(2.5e8), _facility_units(5e8)
    for t, theme in enumerate(THEMES):
        assert 0 < once[t] < twice[t] < 2 * once[t], (theme, once[t], twice[t])


def test_the_facility_summary_prints_its_effect_per_dollar_by_theme():
    m = MigrationModel(facility={"enabled": True, "start_year": 2019.0}, **RUN)
    m.run()
    per_dollar = m.facility.summary()["effect_per_dollar"]
    assert set(per_dollar) == set(THEMES)
    for theme, row in per_dollar.items():
        assert row["spent_usd"] > 0 and row["units"] > 0, theme
        assert row["units_per_million_usd"] == pytest.approx(row["units"] / row["spent_usd"]
                                                              * 1e6, rel=1e-3)


def test_a_facility_without_money_changes_nothing_in_the_world():
    base = MigrationModel(**RUN)
    base.run()
    idle = MigrationModel(facility={"enabled": True, "start_year": 2019.0, "donor_grants_usd": 0.0,
                                    "fee_high_income_usd": 0.0, "fee_other_usd": 0.0}, **RUN)
    idle.run()
    a, b = (x.datacollector.get_model_vars_dataframe() for x in (base, idle))
    world = [c for c in a.columns if not c.startswith("facility_")]
    assert idle.facility.books["bank_loans"] == 0 and idle.facility.history
    assert a[world].equals(b[world])
