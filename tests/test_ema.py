"""The EMA Workbench adapter (model/ema.py): lever translation, parameters from config metadata,
up-front checks, and a small real experiment set with the SequentialEvaluator (replications
over seeds, a policy lever moving its outcome, seeds reaching the model)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip(
    "ema_workbench",
    reason="ema_workbench is not installed (optional extra: pip install -e '.[ema]'; "
           "EMA Workbench 3.0 needs Python >= 3.12)")

from ema_workbench import (  # noqa: E402
    ArrayOutcome,
    BooleanParameter,
    RealParameter,
    Sample,
    SequentialEvaluator,
    perform_experiments,
)

from model.config import ConfigError, field_meta  # noqa: E402
from model.ema import (  # noqa: E402
    DEFAULT_OUTCOMES,
    DEFAULT_UNCERTAINTIES,
    FAST,
    POLICY_NAMES,
    make_model,
    to_run_kwargs,
    uncertainty_from_config,
)
from model.indicators import headlines  # noqa: E402

SEEDS = (1, 2)
SCENARIO = dict(income_elasticity=0.6, network_elasticity=0.4, job_loss_rate=0.16,
                price_sensitivity=0.15, return_rate_settled=0.02)
OTHER = dict(income_elasticity=0.9, network_elasticity=0.2, job_loss_rate=0.24,
             price_sensitivity=0.3, return_rate_settled=0.03)


def _switches(**on):
    return {name: bool(on.get(name, False)) for name in POLICY_NAMES}


# --- lever translation (no model runs) --------------------------------------------------------

def test_switch_levers_become_the_policies_mapping():
    kw = to_run_kwargs(seed=3, job_loss_rate=0.2, skill_recognition=True,
                       fair_recruitment=np.bool_(True), diaspora_bonds=False)
    assert kw == {"seed": 3, "job_loss_rate": 0.2, "progress": False,
                  "policies": {"skill_recognition": {}, "fair_recruitment": {}}}


def test_intensity_and_setting_levers():
    kw = to_run_kwargs(cheaper_remittances=np.float64(0.5), fair_recruitment=0.0,
                       skill_recognition=1.0, skill_recognition__start_year=2022.0,
                       diaspora_bonds__intensity=0.3)
    assert kw["policies"] == {
        "cheaper_remittances": {"intensity": 0.5},
        "skill_recognition": {"intensity": 1.0, "start_year": 2022.0},
        "diaspora_bonds": {"intensity": 0.3},  # a settings lever alone turns its policy on
    }
    assert type(kw["policies"]["cheaper_remittances"]["intensity"]) is float


def test_levers_act_on_base_policies_from_constants():
    kw = to_run_kwargs(policies=["fair_recruitment", "diaspora_bonds"],
                       fair_recruitment=False, skill_recognition=True)
    assert kw["policies"] == {"diaspora_bonds": {}, "skill_recognition": {}}
    kw = to_run_kwargs(policies={"fair_recruitment": {"start_year": 2021.0}},
                       fair_recruitment=0.4)
    assert kw["policies"] == {"fair_recruitment": {"start_year": 2021.0, "intensity": 0.4}}


# --- parameters and the model object -----------------------------------------------------------

def test_uncertainty_from_config_uses_a_band_around_the_default_clipped_to_the_range():
    from model.config import flat_defaults

    p = uncertainty_from_config("income_elasticity")
    assert isinstance(p, RealParameter)
    d = flat_defaults()["income_elasticity"]  # the fitted default
    assert (p.lower_bound, p.upper_bound, p.default) == pytest.approx((0.5 * d, 1.5 * d, d))
    p = uncertainty_from_config("formal_share_initial", 0.5, 2.0)  # 1.4 > hi = 0.99
    assert (p.lower_bound, p.upper_bound) == pytest.approx((0.35, 0.99))
    f = field_meta()["formal_share_initial"][1]
    assert p.upper_bound == f.metadata["hi"]
    for bad in ("native_wage_elasticity", "no_such_setting", "seed", "world"):
        with pytest.raises(ValueError):
            uncertainty_from_config(bad)


def test_make_model_defaults():
    m = make_model(constants=FAST)
    assert [u.name for u in m.uncertainties] == list(DEFAULT_UNCERTAINTIES)
    assert [lv.name for lv in m.levers] == list(POLICY_NAMES)
    assert all(isinstance(lv, BooleanParameter) for lv in m.levers)
    assert [o.name for o in m.outcomes] == list(DEFAULT_OUTCOMES)
    assert all(isinstance(o, ArrayOutcome) for o in m.outcomes)
    assert set(DEFAULT_OUTCOMES) <= {h.name for h in headlines()}
    assert [dict(r) for r in m.replications] == [{"seed": 1}, {"seed": 2}, {"seed": 3}]
    assert {c.name: c.value for c in m.constants} == FAST
    m = make_model(levers="intensity", seeds=[5])
    assert all(isinstance(lv, RealParameter) and (lv.lower_bound, lv.upper_bound) == (0, 1)
               for lv in m.levers)


def test_make_model_accepts_world_base_policies_and_policy_settings():
    m = make_model(constants={**FAST, "world": "global", "policies": ["fair_recruitment"]},
                   levers=["skill_recognition",
                           RealParameter("fair_recruitment__start_year", 2020.0, 2025.0)])
    assert {c.name: c.value for c in m.constants}["policies"] == ["fair_recruitment"]
    assert [lv.name for lv in m.levers] == ["skill_recognition", "fair_recruitment__start_year"]


@pytest.mark.parametrize("kwargs", [
    dict(constants={"no_such_setting": 1}),
    dict(constants={"seed": 1}),
    dict(constants={"people_per_agent": 0.0}),            # out of its allowed range
    dict(constants={"policies": ["no_such_policy"]}),
    dict(outcomes=["no_such_outcome"]),
    dict(uncertainties=[RealParameter("no_such_setting", 0, 1)]),
    dict(levers=[RealParameter("fair_recruitment__no_such_setting", 0, 1)]),
    dict(levers=["no_such_policy"]),
    dict(uncertainties=["job_loss_rate"], constants={"job_loss_rate": 0.1}),
    dict(seeds=()),
    dict(constants={"world": "nowhere"}),
    dict(uncertainties=[RealParameter("job_loss_rate", -1.0, 1.0)]),   # below lo = 0
    dict(levers=[RealParameter("cheaper_remittances", 0.0, 2.0)]),     # intensity above 1
    dict(levers=[RealParameter("fair_recruitment__start_year", 1900.0, 2025.0)]),
])
def test_bad_input_fails_when_the_model_is_made_not_in_a_worker(kwargs):
    with pytest.raises((ValueError, TypeError, ConfigError)):
        make_model(**kwargs)


# --- a small real experiment set ----------------------------------------------------------------

@pytest.fixture(scope="module")
def results():
    """3 scenarios (A, a copy of A, B) x 2 policies (none, cheaper remittances) x 2 seeds."""
    model = make_model(seeds=SEEDS, constants=FAST)
    scenarios = [Sample("A", **SCENARIO), Sample("A_copy", **SCENARIO), Sample("B", **OTHER)]
    policies = [Sample("none", **_switches()),
                Sample("cheaper", **_switches(cheaper_remittances=True))]
    experiments, outcomes = perform_experiments(
        model, scenarios=scenarios, policies=policies, evaluator=SequentialEvaluator(model))
    rows = {(str(s), str(p)): i for i, (s, p) in
            enumerate(zip(experiments["scenario"], experiments["policy"]))}
    return experiments, outcomes, rows


def test_outcome_arrays_are_experiments_by_seeds_and_finite(results):
    experiments, outcomes, rows = results
    assert len(experiments) == 6 and len(rows) == 6
    assert set(outcomes) == set(DEFAULT_OUTCOMES)
    for name, values in outcomes.items():
        assert values.shape == (6, len(SEEDS)), name
        assert np.isfinite(values).all(), name


def test_cheaper_remittances_lever_lowers_the_price(results):
    _, outcomes, rows = results
    price = outcomes["remittance_price_pct_end"]
    cost = outcomes["policy_cost_total_usd"]
    for scenario in ("A", "B"):
        base, policy = rows[(scenario, "none")], rows[(scenario, "cheaper")]
        assert (price[policy] < price[base]).all()          # same scenario, same seed
        assert (cost[base] == 0).all() and (cost[policy] > 0).all()


def test_replication_seeds_reach_the_model(results):
    _, outcomes, rows = results
    stock = outcomes["migrant_stock_end"]
    assert (stock[:, 0] != stock[:, 1]).all()               # different seeds, different runs
    for policy in ("none", "cheaper"):
        a, a_copy = rows[("A", policy)], rows[("A_copy", policy)]
        for name, values in outcomes.items():                # same inputs and seed: identical
            np.testing.assert_array_equal(values[a], values[a_copy], err_msg=name)


def test_uncertainties_reach_the_model(results):
    _, outcomes, rows = results
    stock = outcomes["migrant_stock_end"]
    assert (stock[rows[("A", "none")]] != stock[rows[("B", "none")]]).all()


def test_intensity_levers_scale_the_policy():
    model = make_model(levers="intensity", seeds=(3,), constants=FAST,
                       outcomes=["remittance_price_pct_end"])
    policies = [Sample(f"i{x}", **{n: (x if n == "cheaper_remittances" else 0.0)
                                   for n in POLICY_NAMES}) for x in (0.0, 0.5, 1.0)]
    experiments, outcomes = perform_experiments(
        model, scenarios=[Sample("A", **SCENARIO)], policies=policies,
        evaluator=SequentialEvaluator(model))
    price = dict(zip(experiments["policy"].astype(str), outcomes["remittance_price_pct_end"][:, 0]))
    assert price["i1.0"] < price["i0.5"] < price["i0.0"]
