"""The durable solutions' rates by country (model/processes/solution_rates.py), by hand.

Each country's relative rate is recomputed from UNHCR's tables (solutions.csv over the
refugees + oip of displaced.csv, 2010-2019, shrunk toward the pooled rate with 100,000
person-years); the rates a run uses are the settings times it (the settings alone in a custom
world); and in the default world one quarter's voluntary returns by origin match the hazards
by hand.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from model.population import ABROAD
from model.processes.displacement import OIP, REFUGEE, DisplacementConfig
from model.processes.labour import hazard_to_prob
from model.processes.solution_rates import country_rates, relative_rates
from tests.conftest import ROOT
from tests.toy_world import toy_model

DATA = ROOT / "model" / "world" / "data"
N0 = 100_000.0  # the shrinkage's person-years (assumption of the module)


def hand_relative(column: str, side: str, country: str) -> float:
    """The country's shrunk rate over the pooled rate, from the CSV files afresh."""
    displaced = pd.read_csv(DATA / "displaced.csv")
    displaced = displaced[displaced["year"].between(2010, 2019)].fillna(0.0)
    solutions = pd.read_csv(DATA / "solutions.csv")
    solutions = solutions[solutions["year"].between(2010, 2019)].fillna(0.0)
    people = displaced["refugees"] + displaced["oip"]
    pooled = solutions[column].sum() / people.sum()
    mine = people[displaced[side] == country].sum()
    solved = solutions[solutions[side] == country][column].sum()
    return (solved + pooled * N0) / (mine + N0) / pooled


@pytest.mark.parametrize("country, name, column, side", [
    ("SYR", "return", "returned_refugees", "origin"),
    ("SYR", "resettlement", "resettlement", "origin"),
    ("AFG", "return", "returned_refugees", "origin"),
    ("CAN", "naturalisation", "naturalisation", "destination"),
    ("TUR", "naturalisation", "naturalisation", "destination"),
])
def test_relative_rates_by_hand_from_unhcrs_tables(country, name, column, side):
    hand = hand_relative(column, side, country)
    assert relative_rates().loc[country, name] == pytest.approx(hand, rel=1e-9)


def test_the_rates_stated_in_the_module_docstring():
    cfg = DisplacementConfig()
    rel = relative_rates()
    # "Syrians returned at 1.8% a year, Venezuelans at 0.06%, Burundians at 6.1%; Canada
    # naturalised 9.0% of its refugees a year, Turkey 0.5%, Lebanon and Jordan none."
    for country, name, setting, stated in (
            ("SYR", "return", cfg.voluntary_return_rate, 0.018),
            ("VEN", "return", cfg.voluntary_return_rate, 0.0006),
            ("BDI", "return", cfg.voluntary_return_rate, 0.061),
            ("CAN", "naturalisation", cfg.naturalisation_rate, 0.090),
            ("TUR", "naturalisation", cfg.naturalisation_rate, 0.005)):
        rate = setting * rel.loc[country, name]
        assert rate == pytest.approx(stated, abs=0.5 * 10 ** math.floor(math.log10(stated))), \
            country
    for country in ("LBN", "JOR"):
        assert cfg.naturalisation_rate * rel.loc[country, "naturalisation"] < 5e-5


def test_country_rates_scale_with_the_settings_and_are_the_settings_without_data():
    iso = ["SYR", "CAN", "VEN", "XXX"]  # XXX: not in UNHCR's data, the pooled rate
    cfg = DisplacementConfig()
    base = country_rates(iso, cfg, data=True)
    rel = relative_rates()
    for name, setting in (("return", cfg.voluntary_return_rate),
                          ("resettlement", cfg.resettlement_rate),
                          ("naturalisation", cfg.naturalisation_rate)):
        expected = [setting * rel.loc[c, name] for c in iso[:3]] + [setting]
        np.testing.assert_allclose(base[name], expected, rtol=1e-12)
    doubled = country_rates(iso, SimpleNamespace(
        voluntary_return_rate=2 * cfg.voluntary_return_rate,
        resettlement_rate=cfg.resettlement_rate, naturalisation_rate=cfg.naturalisation_rate),
        data=True)
    np.testing.assert_allclose(doubled["return"], 2 * base["return"], rtol=1e-12)
    np.testing.assert_allclose(doubled["resettlement"], base["resettlement"], rtol=1e-12)
    np.testing.assert_allclose(doubled["naturalisation"], base["naturalisation"], rtol=1e-12)
    custom = country_rates(iso, cfg, data=False)
    for name, setting in (("return", cfg.voluntary_return_rate),
                          ("resettlement", cfg.resettlement_rate),
                          ("naturalisation", cfg.naturalisation_rate)):
        assert (custom[name] == setting).all(), name


def test_a_custom_world_uses_the_pooled_settings_and_the_default_world_the_countries(tmp_path):
    from model import MigrationModel

    settings = {"voluntary_return_rate": 0.3, "resettlement_rate": 0.02,
                "naturalisation_rate": 0.01}
    toy = toy_model(tmp_path, **settings)
    rates = next(p for p in toy.processes if p.name == "displacement").rates
    assert (rates["return"] == 0.3).all() and (rates["naturalisation"] == 0.01).all()
    m = MigrationModel(people_per_agent=50000.0, start_year=2019, end_year=2019,
                       progress=False, **settings)
    rates = next(p for p in m.processes if p.name == "displacement").rates
    iso = list(m.countries.iso3)
    assert rates["return"][iso.index("SYR")] == pytest.approx(
        0.3 * hand_relative("returned_refugees", "origin", "SYR"), rel=1e-9)
    # An economic world has no displaced and no data for them: the settings.
    m = MigrationModel(people_per_agent=50000.0, start_year=2019, end_year=2019,
                       progress=False, world_migrants="economic", **settings)
    rates = next(p for p in m.processes if p.name == "displacement").rates
    assert (rates["return"] == 0.3).all()


def test_one_quarters_voluntary_returns_by_origin_at_each_origins_rate():
    """Default world, 500 people per agent: every protected refugee or oip may go home, be
    resettled or naturalised in the first quarter; each origin's returns are, by hand, the sum
    over its protected of P(leave) x (return hazard / all three hazards). No decisions (no new
    refugees in the step) and no flight (the start year's first half is in the start's counts).
    A high voluntary_return_rate makes the returns large enough to tell the origins apart."""
    from model import MigrationModel

    cfg = DisplacementConfig()
    back = 0.5
    m = MigrationModel(people_per_agent=500.0, start_year=2019, end_year=2019, progress=False,
                       decision_rate=0.0, voluntary_return_rate=back)
    pop, k = m.migrants, m.corridors
    iso = np.asarray(m.countries.iso3)
    rows = np.flatnonzero(((pop.protection == REFUGEE) | (pop.protection == OIP))
                          & (pop.status == ABROAD))
    origin, host = iso[k.o[pop.corridor[rows]]], iso[k.d[pop.corridor[rows]]]
    weight = pop.weight[rows].astype(float)
    m.step()
    returns = m.flows["voluntary_returns"]
    for code in ("AFG", "SYR", "VEN"):
        mine = origin == code
        h_back = back * hand_relative("returned_refugees", "origin", code)
        h_res = cfg.resettlement_rate * hand_relative("resettlement", "origin", code)
        hosts = {h: cfg.naturalisation_rate * hand_relative("naturalisation", "destination", h)
                 for h in set(host[mine])}
        h_nat = np.array([hosts[h] for h in host[mine]])
        total = h_back + h_res + h_nat
        p = hazard_to_prob(total, m.dt) * h_back / total
        w = weight[mine]
        expected = float((w * p).sum())
        sd = math.sqrt(float((w ** 2 * p * (1 - p)).sum()))
        observed = float(returns[k.o == list(iso).index(code)].sum())
        assert abs(observed - expected) <= 4.0 * sd + 1.0, (code, observed, expected, sd)
        # The pooled rate (the setting alone) would be far off for every one of them.
        pooled = float((w * hazard_to_prob(back, m.dt)).sum())
        assert abs(pooled - expected) > 6.0 * sd, code


def test_a_country_on_one_side_of_the_data_only_has_the_pooled_rate_on_the_other():
    """A host that is no origin in 2010-2019 (Luxembourg) returns and is resettled at the
    pooled rate; an origin that hosts nobody (Bhutan) naturalises at it (found by mutation
    testing: the missing side read 2 instead of 1 went unnoticed)."""
    displaced = pd.read_csv(DATA / "displaced.csv")
    displaced = displaced[displaced["year"].between(2010, 2019)]
    hosts_only = set(displaced["destination"]) - set(displaced["origin"])
    origins_only = set(displaced["origin"]) - set(displaced["destination"])
    assert "LUX" in hosts_only and "BTN" in origins_only
    rel = relative_rates()
    for code in hosts_only:
        assert rel.loc[code, "return"] == 1.0 and rel.loc[code, "resettlement"] == 1.0, code
    for code in origins_only:
        assert rel.loc[code, "naturalisation"] == 1.0, code
    assert rel.loc["LUX", "naturalisation"] == pytest.approx(
        hand_relative("naturalisation", "destination", "LUX"), rel=1e-9)
