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


def conflict(flight: float, oip: float = 0.0, origin: str = "IND",
             refugees: float = 0.0) -> list[dict]:
    return [{"kind": "conflict", "start": 2019.0, "end": 2020.0, "countries": [origin],
             "flight_per_year": flight, "flight_oip_share": oip,
             "flight_refugee_share": refugees, "emigration_multiplier": 1.0}]


def test_the_flight_goes_to_hosts_by_distance_networks_and_admission(tmp_path):
    m = toy_model(tmp_path, shocks=conflict(4e6, oip=0.25), **CLOSED, **NO_HISTORY)
    k, cfg = m.corridors, m.cfg.displacement
    ia, ip = corridor_index(m, "IND", "ARE"), corridor_index(m, "IND", "PHL")
    stock = m.stock_now.copy()
    m.step()
    # By hand: the logit of the two hosts of India (no shared borders in a custom file).
    population = m.countries.population
    v = {c: -cfg.flight_distance_elasticity * math.log(k.distance_km[c])
         + cfg.flight_network_elasticity * math.log1p(stock[c])
         + cfg.flight_population_elasticity * math.log(population[k.d[c]]) for c in (ia, ip)}
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
    # Every host closed: nobody from India arrives anywhere (no share is divided by zero).
    m.countries.admission[m.corridors.d[ip]] = 0.0
    assert (_host_shares(m)[[ia, ip]] == 0.0).all()


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
    """A closed toy world where `n_rows` migrants abroad on IND->PHL and IND->ARE, drawn among
    both, are refugees (marked after the start, as the start year's draw would)."""
    m = toy_model(tmp_path, **CLOSED, **settings, **NO_HISTORY)
    pop = m.migrants
    rows = np.flatnonzero((pop.status == ABROAD) & (m.corridors.o[pop.corridor]
                                                  == list(m.countries.iso3).index("IND")))
    # (the rows are in corridor order: the first ones would all be on IND->ARE)
    rows = np.sort(np.random.default_rng(5).choice(rows, n_rows, replace=False))
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
    assert in_phl > 2000
    within_sd(f["resettled"].sum() / w, in_phl, leave * 0.3 / 0.9, "resettled")
    moved = rows[(before == ip) & (pop.corridor[rows] == ia)]
    assert pop.weight[moved].sum() == pytest.approx(f["resettled"][ip], rel=1e-6)
    assert f["resettled_in"][ia] == pytest.approx(f["resettled"][ip], rel=1e-12)
    home = rows[pop.status[rows] == RETURNEE]
    assert pop.weight[home].sum() == pytest.approx(f["voluntary_returns"].sum(), rel=1e-6)
    assert (pop.protection[home] == 0).all() and not pop.return_exempt[home].any()
    # Without the observed history no status ends otherwise.
    assert f["protection_ended"][0] == 0.0


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
        # The index's counts (model/processes/protected.py) against one pass over everyone:
        # by status and corridor, and the employed among the protected.
        pop, K = m.migrants, len(m.corridors.o)
        abroad = pop.weight * (pop.status == ABROAD)
        scan = np.bincount(pop.protection.astype(np.intp) * K + pop.corridor, abroad, 4 * K)
        counts, employed = displacement.protected_counts(m)
        np.testing.assert_allclose(counts[1:], scan.reshape(4, K)[1:], rtol=1e-6, atol=1e-3)
        np.testing.assert_allclose(employed, np.bincount(
            pop.corridor, abroad * pop.employed * (pop.protection > 0), K), rtol=1e-6, atol=1e-3)
        assert (pop.status[pop.protection > 0] == ABROAD).all()
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
    ({"shocks": [{"kind": "conflict", "flight_refugee_share": 0.7, "flight_oip_share": 0.4}]},
     ["shocks.timeline[0]", "flight_refugee_share", "flight_oip_share"]),
])
def test_bad_displacement_settings_are_refused_naming_the_key(tmp_path, settings, words):
    with pytest.raises(ConfigError) as err:
        toy_model(tmp_path, **settings)
    for word in words:
        assert word in str(err.value)


# ---------------------------------------------------------------- tests of size, by hand
DATA = ROOT / "model" / "world" / "data"


def test_the_flight_arrives_as_refugees_oip_and_asylum_seekers_in_the_events_shares(tmp_path):
    r, o = 0.45, 0.3
    m = toy_model(tmp_path, shocks=conflict(2e7, oip=o, refugees=r), **CLOSED, **NO_HISTORY)
    m.step()
    pop = m.migrants
    # The toy world has no protected at the start, and this step's arrivals are neither decided
    # nor solved: every protected row is an arrival with the status it arrived with.
    new = np.flatnonzero(pop.protection > 0)
    n = len(new)
    assert n > 50_000 and (pop.arrived[new] > 2019.0).all()
    for status, share in ((REFUGEE, r), (OIP, o), (ASYLUM, 1.0 - r - o)):
        within_sd(np.count_nonzero(pop.protection[new] == status), n, share, status)
    # Shares that add up to exactly 1 leave no asylum seekers.
    m2 = toy_model(tmp_path, shocks=conflict(2e6, oip=0.4, refugees=0.6), **CLOSED, **NO_HISTORY)
    m2.step()
    assert (m2.migrants.protection > 0).sum() > 1000
    assert not (m2.migrants.protection == ASYLUM).any()


def _hand_world_share(m, origin: str, year: int) -> float:
    """The origin's refugees + asylum seekers + oip on the model's corridors over those on every
    shipped corridor, mid-year `year` (displaced.csv read afresh)."""
    table = pd.read_csv(DATA / "displaced.csv")
    iso = np.asarray(m.countries.iso3)
    mine = set(zip(iso[m.corridors.o], iso[m.corridors.d]))
    rows = table[(table["origin"] == origin) & (table["year"] == year)]
    people = rows[["refugees", "asylum_seekers", "oip"]].fillna(0.0).sum(axis=1).to_numpy()
    here = np.array([(a, b) in mine for a, b in zip(rows["origin"], rows["destination"])])
    return float(people[here].sum() / people.sum())


def _hand_arrivals(origin: str, year: int, d: float, r: float) -> tuple[float, float, float]:
    """flight.csv's arrivals of `origin` in `year` for the global world, split with asylum
    decisions at rate d and recognition share r: (people, refugees, oip) a year. The claims
    are the asylum seekers' change plus those decided, d A (UNHCR's net change leaves out the
    rejected and counts the granted among the refugees, so those are taken off the refugees)."""
    table = pd.read_csv(DATA / "flight.csv")
    row = table[(table["origin"] == origin) & (table["year"] == year)].iloc[0]
    seekers = float(row["asylum_seekers"])
    claims = max(0.0, float(row["asylum_change"]) + d * seekers)
    refugees = max(0.0, float(row["refugees_in"]) - d * r * seekers)
    oip = max(0.0, float(row["oip_in"]))
    return claims + refugees + oip, refugees, oip


def test_the_observed_flight_is_flight_csv_with_the_runs_decisions_on_the_worlds_share():
    from model import MigrationModel

    event = [{"kind": "conflict", "start": 2018.5, "end": 2019.0, "countries": ["VEN"],
              "flight_per_year": 1e6, "flight_refugee_share": 0.2, "flight_oip_share": 0.1,
              "emigration_multiplier": 1.0}]
    values = {}
    for d, r, shocks in ((0.5, 0.45, event), (1.5, 0.2, [])):
        m = MigrationModel(people_per_agent=20000.0, start_year=2018, end_year=2018,
                           progress=False, decision_rate=d, recognition_rate=r, shocks=shocks)
        c, iso = m.countries, list(m.countries.iso3)
        ven, syr = iso.index("VEN"), iso.index("SYR")
        for _ in range(2):
            m.step()
            # The start's counts are UNHCR's at mid-year: the first half-year's flight is in them.
            assert c.flight_per_year[ven] == 0.0 and c.flight_per_year[syr] == 0.0
        m.step()  # mid-2018: the year's flight, to the default world's hosts
        for origin, i in (("SYR", syr), ("VEN", ven)):
            people, refugees, oip = _hand_arrivals(origin, 2018, d, r)
            share = _hand_world_share(m, origin, 2019)
            assert share < 1.0
            extra = 1e6 if (shocks and origin == "VEN") else 0.0
            total = extra + share * people
            assert c.flight_per_year[i] == pytest.approx(total, rel=1e-9), (origin, d, r)
            # The event's shares and the history's mix by their people.
            refugee_share = (extra * 0.2 + share * refugees) / total
            oip_share = (extra * 0.1 + share * oip) / total
            assert c.flight_refugee_share[i] == pytest.approx(refugee_share, rel=1e-9, abs=1e-12)
            assert c.flight_oip_share[i] == pytest.approx(oip_share, rel=1e-9, abs=1e-12)
            values[origin, d] = share * people
    # The decision settings move the arrivals (both origins had asylum seekers at the start of
    # 2018), so the hand values above test the settings' terms.
    for origin in ("SYR", "VEN"):
        assert values[origin, 1.5] > values[origin, 0.5] * 1.01


def test_the_world_share_is_one_in_the_global_world_and_the_hand_share_in_the_default():
    from model import MigrationModel
    from model.processes.flight_history import world_share as _world_share

    glob = MigrationModel(world="global", people_per_agent=50000.0, start_year=2019,
                          end_year=2019, progress=False, flight_history=False)
    shares = _world_share(glob)
    assert sorted(shares) == list(range(2010, 2021))
    for year, share in shares.items():
        assert (share == 1.0).all(), year
    m = MigrationModel(people_per_agent=50000.0, start_year=2019, end_year=2019, progress=False,
                       flight_history=False)
    shares, iso = _world_share(m), list(m.countries.iso3)
    for origin in ("VEN", "SYR", "AFG"):
        for year in (2012, 2019):
            hand = _hand_world_share(m, origin, year)
            assert shares[year][iso.index(origin)] == pytest.approx(hand, rel=1e-12)
    assert shares[2019][iso.index("VEN")] < 0.6  # most Venezuelans abroad are outside it
    # An origin without any displaced in a year keeps the whole of its (nil) flight.
    table = pd.read_csv(DATA / "displaced.csv")
    none = sorted(set(iso) - set(table[table["year"] == 2019]["origin"]))
    for code in none:
        assert shares[2019][iso.index(code)] == 1.0


def _start_model(**settings):
    from model import MigrationModel

    return MigrationModel(people_per_agent=500.0, start_year=2019, end_year=2019,
                          progress=False, **settings)


@pytest.mark.parametrize("factor", [0.2, 0.6])
def test_the_start_protected_without_the_right_to_work_are_employed_at_their_steady_state(factor):
    m = _start_model(no_rights_finding_factor=factor)
    pop, k, c = m.migrants, m.corridors, m.countries
    rows = np.flatnonzero((pop.protection > 0) & (pop.job_barrier > 0) & (pop.status == ABROAD))
    assert len(rows) > 10_000
    assert (pop.job_barrier[rows] == np.float32(1.0 - factor)).all()
    d = k.d[pop.corridor[rows]]
    f, lose = c.job_finding_rate[d], c.job_loss_rate[d]
    # By hand: the steady state of finding at f (1 - b) and losing at l, host by host.
    slowed = f * factor
    p = slowed / (slowed + lose)
    employed = np.count_nonzero(pop.employed[rows])
    sd = math.sqrt(float((p * (1.0 - p)).sum()))
    assert abs(employed - p.sum()) <= 4.0 * sd, (employed, p.sum(), sd)
    # and clearly below the other migrants' f / (f + l), which they were drawn with.
    assert p.sum() < (0.8 if factor < 0.5 else 0.95) * (f / (f + lose)).sum()
    # The protected with the right to work keep the other migrants' steady state.
    free = np.flatnonzero((pop.protection > 0) & (pop.job_barrier == 0) & (pop.status == ABROAD))
    d = k.d[pop.corridor[free]]
    p = c.job_finding_rate[d] / (c.job_finding_rate[d] + c.job_loss_rate[d])
    within_sd(np.count_nonzero(pop.employed[free]), len(free), float(p.mean()), "with rights")


def test_no_job_at_the_start_without_the_right_and_no_finding_and_all_with_the_right():
    m = _start_model(no_rights_finding_factor=0.0)
    pop = m.migrants
    barred = (pop.protection > 0) & (pop.job_barrier > 0)
    assert barred.sum() > 10_000 and (pop.job_barrier[barred] == 1.0).all()
    assert not pop.employed[barred].any()
    # Everyone with the right: the protected are employed as the other migrants of their
    # corridors (drawn at 1 - u of the host), per corridor.
    m = _start_model(work_rights_share=1.0)
    pop, k, c = m.migrants, m.corridors, m.countries
    abroad = pop.status == ABROAD
    protected = (pop.protection > 0) & abroad
    assert protected.sum() > 20_000 and (pop.job_barrier == 0).all()
    rows = np.flatnonzero(protected)
    p = 1.0 - c.migrant_unemployment[k.d[pop.corridor[rows]]]
    within_sd(np.count_nonzero(pop.employed[rows]), len(rows), float(p.mean()), "all rights")
    # On the corridors with other migrants too (many carry only the displaced: UNHCR's counts
    # reach the UN DESA stock there), the protected's employed share is the others'.
    others = np.flatnonzero(~protected & abroad)
    K = len(k.o)
    n_others = np.bincount(pop.corridor[others], minlength=K)
    share_others = np.bincount(pop.corridor[others], pop.employed[others], K) / np.maximum(
        n_others, 1)
    rows = rows[n_others[pop.corridor[rows]] >= 200]
    assert len(rows) > 5_000
    within_sd(np.count_nonzero(pop.employed[rows]), len(rows),
              float(share_others[pop.corridor[rows]].mean()), "as the others", k=5.0)


def test_the_flights_arrivals_carry_their_corridors_skills_rights_and_exemption(tmp_path):
    m = toy_model(tmp_path, shocks=conflict(2e7), **CLOSED, **NO_HISTORY, work_rights_share=0.3)
    m.step()
    pop, k = m.migrants, m.corridors
    new = np.flatnonzero(pop.protection > 0)
    assert pop.return_exempt[new].all()
    np.testing.assert_allclose(pop.arrived[new], 2019.0 + m.dt, rtol=1e-12)
    ia = corridor_index(m, "IND", "ARE")
    on_ia = new[pop.corridor[new] == ia]
    within_sd(np.count_nonzero(pop.skill[on_ia] == 1), len(on_ia), k.high_skill_share[ia],
              "skilled arrivals")
    # The right to work: a share work_rights_share of them, the rest barred.
    within_sd(np.count_nonzero(pop.job_barrier[new] == 0), len(new), 0.3, "with the right")
    assert (pop.job_barrier[new][pop.job_barrier[new] > 0] == np.float32(0.8)).all()


def test_voluntary_return_rises_once_the_origins_conflict_has_ended(tmp_path):
    """A conflict event in India for the first quarter only: India's refugees return at
    voluntary_return_rate in it and at return_after_conflict times that after it."""
    event = [{"kind": "conflict", "start": 2019.0, "end": 2019.25, "countries": ["IND"],
              "flight_per_year": 100.0, "emigration_multiplier": 1.0}]
    m, rows = _refugees(tmp_path, shocks=event, decision_rate=0.0, voluntary_return_rate=0.2,
                        return_after_conflict=4.0, resettlement_rate=0.0,
                        naturalisation_rate=0.0)
    w = float(m.migrants.weight[rows[0]])
    m.step()
    within_sd(m.flows["voluntary_returns"].sum() / w, len(rows), hazard_to_prob(0.2, m.dt),
              "returns while fleeing")
    left = np.count_nonzero(m.migrants.protection[rows] == REFUGEE)
    m.step()
    within_sd(m.flows["voluntary_returns"].sum() / w, left, hazard_to_prob(0.8, m.dt),
              "returns after the conflict")


def test_host_shares_by_hand_with_borders_and_admission_in_the_default_world():
    from model import MigrationModel

    m = MigrationModel(people_per_agent=50000.0, start_year=2019, end_year=2019,
                       progress=False)
    k, c, cfg = m.corridors, m.countries, m.cfg.displacement
    iso = list(c.iso3)
    mine = np.flatnonzero(k.o == iso.index("VEN"))
    col = mine[k.d[mine] == iso.index("COL")][0]
    assert k.contiguous[col] == 1 and k.contiguous[mine].sum() < len(mine)

    def hand(admission: np.ndarray) -> np.ndarray:
        pull = np.array([math.exp(-cfg.flight_distance_elasticity
                                  * math.log(max(k.distance_km[j], 1.0))
                                  + cfg.flight_border_bonus * k.contiguous[j]
                                  + cfg.flight_network_elasticity * math.log1p(k.stock0[j])
                                  + cfg.flight_population_elasticity
                                  * math.log(c.population[k.d[j]]))
                         * admission[k.d[j]] for j in mine])
        return pull / pull.sum()

    np.testing.assert_allclose(_host_shares(m)[mine], hand(c.admission), rtol=1e-9)
    c.admission[iso.index("COL")] = 0.5
    np.testing.assert_allclose(_host_shares(m)[mine], hand(c.admission), rtol=1e-9)
    assert _host_shares(m)[k.o == iso.index("SYR")].sum() == pytest.approx(1.0)


def test_the_flight_keeps_its_size_in_whole_agents_on_average():
    """Each corridor's arrivals are whole agents, rounded up with the probability of the
    fraction: over Syria's corridors in the default world their sum is the flight's people over
    each corridor's agent weight within its binomial noise (rounding down would lose about
    half an agent a corridor)."""
    from model import MigrationModel

    event = [{"kind": "conflict", "start": 2019.0, "end": 2020.0, "countries": ["SYR"],
              "flight_per_year": 4e5, "emigration_multiplier": 1.0}]
    m = MigrationModel(people_per_agent=20000.0, start_year=2019, end_year=2019, progress=False,
                       shocks=event, **NO_HISTORY)
    k, iso = m.corridors, list(m.countries.iso3)
    mine = np.flatnonzero(k.o == iso.index("SYR"))
    assert len(mine) > 20
    m.step()
    agents = 4e5 * m.dt * _host_shares(m)[mine] / k.agent_weight[mine]
    frac = agents - np.floor(agents)
    observed = (m.flows["flight"][mine] / k.agent_weight[mine]).sum()
    sd = math.sqrt(float((frac * (1 - frac)).sum()))
    assert abs(observed - agents.sum()) <= 4.0 * sd + 0.5, (observed, agents.sum(), sd)
    assert frac.sum() > 4.0 * sd + 2.0  # what rounding down would lose is outside the noise
