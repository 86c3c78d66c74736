"""Mesa agents, the corridor network, Migrant views, random streams and mesa.batch_run."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

from model import MigrationModel
from model.agents import Country, Migrant
from model.population import ABROAD, HIGH
from model.streams import Streams
from tests.conftest import FAST


def test_countries_are_mesa_agents_on_the_corridor_network(fast_run):
    countries = fast_run.agents.select(agent_type=Country)
    assert len(countries) == len(fast_run.countries.iso3) == fast_run.network.number_of_nodes()
    assert fast_run.network.number_of_edges() == len(fast_run.corridors.o)
    usa = next(c for c in countries if c.iso3 == "USA")
    assert usa.immigrants > 30e6 and usa.region == "North America"
    assert fast_run.network.has_edge("MEX", "USA")
    assert fast_run.network["MEX"]["USA"]["index"] == int(
        np.flatnonzero((fast_run.corridors.o == list(fast_run.countries.iso3).index("MEX"))
                       & (fast_run.corridors.d == list(fast_run.countries.iso3).index("USA")))[0])


def test_migrant_views_read_the_arrays_and_follow_them():
    m = MigrationModel(rng=2, **FAST)
    pop = m.migrants
    row = int(np.flatnonzero((pop.status == ABROAD) & (pop.skill == HIGH))[0])
    view = m.migrant(int(pop.uid[row]))
    assert isinstance(view, Migrant) and view in m.agents
    assert view.skilled and view.location == view.destination
    assert view.weight == pytest.approx(float(pop.weight[row]))
    pop.savings[row] = 1234.5
    assert view.savings == pytest.approx(1234.5)
    assert m.migrant(view.uid) is view  # one view per migrant
    m.release_views()
    assert view not in m.agents and pop.n > 0  # the migrant itself stays


def test_migrants_are_arrays_not_agent_objects(fast_run):
    # Only countries (and views handed out on request) are Mesa agent objects.
    assert len(fast_run.agents) == len(fast_run.countries.iso3)
    assert fast_run.migrants.n > 10_000


def test_streams_are_independent_by_name():
    a, b = Streams(1), Streams(1)
    a["labour"].random(1000)  # drawing from one process ...
    assert np.array_equal(a["returns"].random(5), b["returns"].random(5))  # ... leaves others


def test_one_process_change_does_not_reshuffle_another():
    """Common random numbers: a labour-market parameter changes labour outcomes, not the
    draws of other processes (the first step's returns are drawn for the same candidates)."""
    base = MigrationModel(rng=4, **FAST)
    other = MigrationModel(rng=4, **{**FAST, "job_loss_rate": 0.5})
    assert np.array_equal(base.migrants.employed, other.migrants.employed)  # same start
    base.step(), other.step()
    assert not np.array_equal(base.migrants.employed, other.migrants.employed)
    # Arrivals are drawn from the emigration stream: the same number of agents arrive.
    assert base.flows["arrivals"].sum() == pytest.approx(other.flows["arrivals"].sum(), rel=0.05)
    assert base.streams["returns"].random() == other.streams["returns"].random()


def test_mesa_batch_run_works_with_every_setting_as_keyword():
    results = mesa.batch_run(
        MigrationModel,
        parameters={"end_year": 2019, "people_per_agent": 10000.0, "progress": False,
                    "job_loss_rate": [0.05, 0.6]},
        rng=[1, 2], max_steps=100, data_collection_period=-1, display_progress=False)
    df = pd.DataFrame(results)
    assert len(df) == 4 and set(df["seed"]) == {1, 2}
    assert (df["Step"] == 4).all()  # 2019 has four quarterly steps, then the model stops
    low = df.loc[df["job_loss_rate"] == 0.05, "employment_rate"].mean()
    high = df.loc[df["job_loss_rate"] == 0.6, "employment_rate"].mean()
    assert low > high


def test_toy_world_has_exact_start_counts(tmp_path):
    """Three corridors from a user's file: agents carry exactly the stocks given."""
    path = tmp_path / "toy.csv"
    path.write_text("origin,destination,stock\nMEX,USA,1000000\nIND,ARE,250000\nPHL,SAU,12345\n")
    m = MigrationModel(world="custom", world_path=str(path), people_per_agent=1000.0,
                       progress=False, end_year=2019, rng=1)
    stocks = dict(zip(zip(m.world.corridors["origin"], m.world.corridors["destination"]),
                      m.stock_now))
    assert stocks == pytest.approx({("IND", "ARE"): 250000, ("MEX", "USA"): 1e6,
                                    ("PHL", "SAU"): 12345})
    counts = np.bincount(m.migrants.corridor[m.migrants.status == ABROAD])
    assert sorted(counts) == [13, 250, 1000]  # ceil(stock / 1000) agents per corridor
    m.run()
    assert m.steps == 4
