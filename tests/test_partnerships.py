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


def test_more_than_two_agreements_in_force_in_2030_each_with_its_reason(run):
    ts = run.datacollector.get_model_vars_dataframe()
    assert ts.loc[ts["year"] >= 2030, "agreements_in_force"].iloc[0] > 2
    for a in run.agreements.summary()["agreements"]:
        assert a["reason_to_exist"] and a["policies"]
        for name in a["policies"]:
            assert a["reason_to_exist"].count(f"{name}:") == 1
        if a["ended"] is not None:
            assert a["side_left"] in ("origin", "destination", "both")
            assert f"{a['side_left'] if a['side_left'] != 'both' else 'origin'} left" in \
                a["reason_ended"]


def test_negotiation_picks_the_largest_joint_surplus_neither_side_loses():
    from model.partnerships import negotiate

    # Two corridors, three policies; rows: origin benefit, origin cost, destination benefit,
    # destination cost. Corridor 0: A helps both; B gives the origin 10 and costs the
    # destination 4 (joint +6, destination loses alone, but A's surplus covers it); C loses.
    values = np.zeros((3, 4, 2))
    values[0, :, 0] = [5, 1, 6, 1]     # A: +4 origin, +5 destination
    values[1, :, 0] = [10, 0, 0, 4]    # B: +10, -4
    values[2, :, 0] = [0, 3, 0, 3]     # C: -3, -3
    values[1, :, 1] = [10, 0, 0, 4]    # corridor 1: only B, which the destination refuses
    chosen = negotiate(values)
    assert chosen[:, 0].tolist() == [True, True, False]
    assert chosen[:, 1].tolist() == [False, False, False]


def test_each_side_judges_its_own_outcomes_against_the_destinations_other_corridors():
    m = MigrationModel(agreements={"enabled": True, "review_years": 0.0}, **RUN)
    while m.running and not m.agreements.active:
        m.step()
    ag = m.agreements
    ci, a = next(iter(ag.active.items()))
    # A year of outcomes by hand: on the agreement's corridor per migrant remittances rose by
    # 100 USD and earnings by 1,000 (regular ones by 800) since signing, and the irregular share
    # of arrivals fell by 0.1; on the destination's other corridors nothing changed.
    y = {key: v.copy() for key, v in ag.last_year.items()}
    control = ag._control(np.array([ci]))
    before = {key: float(v[0]) for key, v in control.items()}
    a.before = {"corridor": dict(before), "control": dict(before)}
    stock, arrivals = 1e6, 2e4
    y["stock"][ci], y["arrivals"][ci] = stock, arrivals
    y["formal_received"][ci] = (before["remittances"] + 100.0) * stock
    y["earnings"][ci] = (before["earnings"] + 1000.0) * stock
    y["regular_earnings"][ci] = (before["regular_earnings"] + 800.0) * stock
    y["arrivals_irregular"][ci] = (before["irregular_share"] - 0.1) * arrivals
    ag.last_year = y
    assert np.allclose(ag._control(np.array([ci]))["earnings"], before["earnings"])
    a.gains = {}
    for p in a.policies:
        p.delivered = 0.0
    a.policies[0].delivered = 3e6  # e.g. pension rights carried home since signing
    ag.judge()
    g = a.gains
    assert g[("origin", "remittances")] == pytest.approx(100.0 * stock, rel=1e-9)
    assert g[("origin", "transfers")] == pytest.approx(3e6, rel=1e-12)
    assert g[("destination", "taxes")] == pytest.approx(
        m.cfg.labour.tax_share * 800.0 * stock, rel=1e-9)
    assert g[("destination", "employers")] == pytest.approx(
        m.cfg.agreements.productivity_share * 1000.0 * stock, rel=1e-9)
    assert g[("destination", "enforcement")] == pytest.approx(
        0.1 * arrivals * m.cfg.emigration.enforcement_cost_usd, rel=1e-9)
