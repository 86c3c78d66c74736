"""Bilateral corridor agreements: they form when both sides gain, end when one side no longer
does, act only on their corridor, and count their costs."""

from __future__ import annotations

import numpy as np
import pytest

from model import MigrationModel
from model.config import ConfigError

RUN = dict(rng=1, end_year=2030, people_per_agent=5000.0, progress=False)


@pytest.fixture(scope="module")
def run():
    m = MigrationModel(agreements={"enabled": True}, **RUN)
    m.run()
    return m


def test_agreements_form_and_fail(run):
    ts = run.datacollector.get_model_vars_dataframe()
    assert ts["agreements_formed"].sum() >= 2
    assert ts["agreements_ended"].sum() >= 1
    assert (ts.loc[ts["year"] < 2021, "agreements_in_force"] == 0).all()
    summary = run.agreements.summary()
    assert summary["formed"] == ts["agreements_formed"].sum()
    assert all(a["ended"] is None or a["ended"] > a["formed"] for a in summary["agreements"])


def test_agreement_policies_act_on_their_corridor_only():
    m = MigrationModel(agreements={"enabled": True}, **RUN)
    while m.running and not m.agreements.active:
        m.step()
    m.step()  # the bundle acts from the step after signing
    corridor, agreement = next(iter(m.agreements.active.items()))
    assert "skill_recognition" in [p.name for p in agreement.policies]
    k = m.corridors
    share, base = k.recognition_share, m.lever_baseline("corridors.recognition_share")
    assert share[corridor] > base[corridor]
    others = ~np.isin(np.arange(len(k.o)), list(m.agreements.active))
    np.testing.assert_array_equal(share[others], base[others])


def test_agreements_cost_their_parties(run):
    paid = sum(sum(p.costs.values()) for a in run.agreements.all for p in a.policies)
    assert paid > 0


def test_no_agreements_change_nothing():
    base = MigrationModel(**RUN)
    base.run()
    off = MigrationModel(agreements={"enabled": False}, **RUN)
    off.run()
    assert base.datacollector.get_model_vars_dataframe().equals(
        off.datacollector.get_model_vars_dataframe())


@pytest.mark.parametrize("spec, words", [
    ({"enabled": True, "bundle": ["teleportation"]}, ["agreements.bundle", "skill_recognition"]),
    ({"enabled": True, "bundel": []}, ["unknown setting", "bundel"]),
    ({"enabled": True, "sensitivity": -1.0}, ["agreements.sensitivity", "out of range"]),
])
def test_bad_agreement_settings_fail_before_the_run(spec, words):
    with pytest.raises(ConfigError) as err:
        MigrationModel(agreements=spec, **RUN)
    for word in words:
        assert word in str(err.value)
