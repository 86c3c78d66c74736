"""Forced displacement (model/processes/displacement.py): sizes on the toy world by hand.

The toy world (tests/toy_world.py) has no displaced at the start (a custom file has no UNHCR
counts); a conflict event in India sends people to the UAE and the Philippines, or a test marks
rows as refugees, and each mechanism is checked against its hand computation: the hosts' shares
of the flight, asylum decisions, the durable solutions, the work-rights barrier, the counts and
people conserved. The solution rates are recomputed from the shipped UNHCR tables.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from model.params import ConfigError
from model.population import ABROAD, RETURNEE
from model.processes import displacement
from model.processes.displacement import ASYLUM, OIP, REFUGEE, _host_shares
from model.processes.labour import hazard_to_prob
from tests.conftest import ROOT
from tests.toy_world import CLOSED, corridor_index, toy_model


def within_sd(observed: float, n: int, p: float, what: str, k: float = 4.0) -> None:
    sd = math.sqrt(n * p * (1.0 - p))
    assert abs(observed - n * p) <= k * sd + 1.0, (what, observed, n * p, sd)


# The toy tests compute flight by hand: no observed history is added.
NO_HISTORY = {"flight_history": False}


def conflict(flight: float, oip: float = 0.0, origin: str = "IND") -> list[dict]:
    return [{"kind": "conflict", "start": 2019.0, "end": 2020.0, "countries": [origin],
             "flight_per_year": flight, "flight_oip_share": oip, "emigration_multiplier": 1.0}]


def test_the_flight_goes_to_hosts_by_distance_networks_and_admission(tmp_path):
    m = toy_model(tmp_path, shocks=conflict(4e6, oip=0.25), **CLOSED, **NO_HISTORY)
    k, cfg = m.corridors, m.cfg.displacement
    ia, ip = corridor_index(m, "IND", "ARE"), corridor_index(m, "IND", "PHL")
    stock = m.stock_now.copy()
    m.step()
    # By hand: the logit of the two hosts of India (no shared borders in a custom file).
    v = {c: -cfg.flight_distance_elasticity * math.log(k.distance_km[c])
         + cfg.flight_network_elasticity * math.log1p(stock[c]) for c in (ia, ip)}
    share_are = 1.0 / (1.0 + math.exp(v[ip] - v[ia]))
    people = 4e6 * m.dt
    flow = m.flows["flight"]
    w = float(k.agent_weight[ia])
    assert flow[ia] == pytest.approx(people * share_are, abs=w)  # whole agents of 50 people
    assert flow[ip] == pytest.approx(people * (1 - share_are), abs=w)
    assert flow[corridor_index(m, "PHL", "ARE")] == 0.0
    pop = m.migrants
    new = np.flatnonzero(pop.protection > 0)
    assert pop.weight[new].sum() == pytest.approx(flow.sum(), rel=1e-6)
    within_sd(np.count_nonzero(pop.protection[new] == OIP), len(new), 0.25, "oip share")
    assert pop.regular[new].all() and not pop.employed[new].any()
    # A closed host takes nobody: the whole flight goes to the other.
    m.countries.admission[m.corridors.d[ia]] = 0.0
    shares = _host_shares(m)
    assert shares[ia] == 0.0 and shares[ip] == pytest.approx(1.0)


def test_asylum_seekers_are_decided_recognised_or_rejected_at_their_rates(tmp_path):
    settings = {"decision_rate": 2.0, "recognition_rate": 0.4, "rejected_return_share": 0.5}
    m = toy_model(tmp_path, shocks=conflict(2e7), **CLOSED, **settings, **NO_HISTORY)
    m.step()
    pop = m.migrants
    seekers = np.flatnonzero((pop.protection == ASYLUM) & (pop.status == ABROAD))
    n, w = len(seekers), float(pop.weight[seekers[0]])
    m.step()  # the second step's arrivals are decided from the third step on
    f = m.flows
    decided = hazard_to_prob(2.0, m.dt)
    within_sd(f["asylum_granted"][0] / w, n, decided * 0.4, "granted")
    within_sd(f["asylum_rejected"][0] / w, n, decided * 0.6, "rejected")
    within_sd(f["rejected_home"].sum() / w, n, decided * 0.6 * 0.5, "rejected who went home")
    stayed = np.flatnonzero((pop.protection == 0) & ~pop.regular & (pop.arrived > 2019.0)
                            & (pop.status == ABROAD))
    assert pop.weight[stayed].sum() == pytest.approx(
        f["asylum_rejected"][0] - f["rejected_home"].sum(), rel=1e-6)


def _refugees(tmp_path, n_rows: int = 20000, **settings):
    """A closed toy world whose first `n_rows` migrants abroad on IND->PHL and IND->ARE are
    refugees (marked after the start, as the start year's draw would)."""
    m = toy_model(tmp_path, **CLOSED, **settings, **NO_HISTORY)
    pop = m.migrants
    rows = np.flatnonzero((pop.status == ABROAD) & (m.corridors.o[pop.corridor]
                                                  == list(m.countries.iso3).index("IND")))
    rows = rows[:n_rows]
    pop.protection[rows] = REFUGEE
    pop.return_exempt[rows] = True
    return m, rows


def test_durable_solutions_at_their_fitted_rates_and_resettlement_to_a_third_country(tmp_path):
    rates = {"voluntary_return_rate": 0.4, "resettlement_rate": 0.3, "naturalisation_rate": 0.2}
    m, rows = _refugees(tmp_path, **rates)
    pop, k = m.migrants, m.corridors
    w = float(pop.weight[rows[0]])
    before = pop.corridor[rows].copy()
    m.step()
    f = m.flows
    leave = hazard_to_prob(0.9, m.dt)
    n = len(rows)
    within_sd(f["voluntary_returns"].sum() / w, n, leave * 0.4 / 0.9, "voluntary returns")
    within_sd(f["naturalised"][0] / w, n, leave * 0.2 / 0.9, "naturalised")
    # Resettlement: to the other high-income host of India (the UAE) from the Philippines; from
    # the UAE there is no third country with Indians (both redraws land on the UAE), so only
    # refugees in the Philippines can be resettled.
    ip, ia = corridor_index(m, "IND", "PHL"), corridor_index(m, "IND", "ARE")
    in_phl = np.count_nonzero(before == ip)
    within_sd(f["resettled"].sum() / w, in_phl, leave * 0.3 / 0.9, "resettled")
    moved = rows[(before == ip) & (pop.corridor[rows] == ia)]
    assert pop.weight[moved].sum() == pytest.approx(f["resettled"][ip], rel=1e-6)
    assert f["resettled_in"][ia] == pytest.approx(f["resettled"][ip], rel=1e-12)
    home = rows[pop.status[rows] == RETURNEE]
    assert pop.weight[home].sum() == pytest.approx(f["voluntary_returns"].sum(), rel=1e-6)
    assert (pop.protection[home] == 0).all() and not pop.return_exempt[home].any()


def test_refugees_without_the_right_to_work_find_jobs_more_slowly(tmp_path):
    m, rows = _refugees(tmp_path, work_rights_share=0.0, no_rights_finding_factor=0.25)
    pop, c, k = m.migrants, m.countries, m.corridors
    m.step()  # the barrier is set at the end of each step
    rows = rows[pop.protection[rows] == REFUGEE]  # those still protected
    assert (pop.job_barrier[rows] == np.float32(0.75)).all()
    idle = rows[~pop.employed[rows] & (pop.status[rows] == ABROAD)]
    assert len(idle) > 500
    m.step()
    found = np.count_nonzero(pop.employed[idle])
    p = hazard_to_prob(c.job_finding_rate[k.d[pop.corridor[idle]]] * 0.25, m.dt)
    within_sd(found, len(idle), float(p.mean()), "finders without the right to work")
    # With the right for everyone the barrier is gone.
    m2, rows2 = _refugees(tmp_path, work_rights_share=1.0)
    m2.step()
    assert (m2.migrants.job_barrier[rows2] == 0).all() and len(rows2) > 500


def test_counts_follow_every_change_and_people_are_conserved(tmp_path):
    m = toy_model(tmp_path, shocks=conflict(4e6), end_year=2020, decision_rate=3.0, **NO_HISTORY,
                  voluntary_return_rate=0.5, resettlement_rate=0.5, naturalisation_rate=0.3)
    ts_in = []
    start = float(m.stock_now.sum())
    for _ in range(8):
        m.step()
        f = m.flows
        ts_in.append(f["flight"].sum() + f["arrivals"].sum() - f["returns"].sum()
                     - f["resettled"].sum() + f["resettled_in"].sum()
                     - f["removals"].sum() - f["voluntary_returns"].sum()
                     - f["rejected_home"].sum())
        counted = m.tallies.corridor.copy()
        m.tallies.recount(m.migrants)
        np.testing.assert_allclose(counted, m.tallies.corridor, rtol=1e-9, atol=1e-3)
    assert float(m.stock_now.sum()) == pytest.approx(start + sum(ts_in), rel=1e-6)
    by_status = displacement.protected_counts(m)[0]
    assert by_status.sum() == pytest.approx(float(m.stock_now.sum()), rel=1e-6)
    row = m.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row["refugees"] == pytest.approx(by_status[REFUGEE].sum(), rel=1e-9)
    assert row["migrants_per_protected"] == pytest.approx(
        m.stock_now.sum() / by_status[1:].sum(), rel=1e-9)


def test_the_solution_rates_are_fitted_to_unhcrs_solutions_table():
    data = ROOT / "model" / "world" / "data"
    displaced = pd.read_csv(data / "displaced.csv")
    solutions = pd.read_csv(data / "solutions.csv")
    years = list(range(2010, 2020))
    stock = displaced[displaced["year"].isin(years)][["refugees", "oip"]].to_numpy().sum()
    done = solutions[solutions["year"].isin(years)]
    cfg = displacement.DisplacementConfig()
    for column, rate in (("returned_refugees", cfg.voluntary_return_rate),
                         ("resettlement", cfg.resettlement_rate),
                         ("naturalisation", cfg.naturalisation_rate)):
        assert rate == pytest.approx(done[column].sum() / stock, rel=0.01), column


def test_an_economic_world_has_no_protected_and_a_custom_world_none_at_the_start(tmp_path):
    from model import MigrationModel

    m = MigrationModel(world_migrants="economic", people_per_agent=20000.0, end_year=2019,
                       progress=False)
    assert (m.migrants.protection == 0).all()
    default = MigrationModel(people_per_agent=20000.0, end_year=2019, progress=False)
    assert displacement.protected_counts(default)[0][1:].sum() > 1e7  # the default world's
    toy = toy_model(tmp_path)
    assert (toy.migrants.protection == 0).all()


@pytest.mark.parametrize("settings, words", [
    ({"decision_rate": -1.0}, ["displacement.decision_rate", "0.0 to 12.0"]),
    ({"recognition_rate": 1.5}, ["displacement.recognition_rate", "0.0 to 1.0"]),
    ({"shocks": [{"kind": "conflict", "flight_per_year": -5.0}]}, ["flight_per_year"]),
    ({"shocks": [{"kind": "conflict", "flight_oip_share": 2.0}]}, ["flight_oip_share"]),
])
def test_bad_displacement_settings_are_refused_naming_the_key(tmp_path, settings, words):
    with pytest.raises(ConfigError) as err:
        toy_model(tmp_path, **settings)
    for word in words:
        assert word in str(err.value)
