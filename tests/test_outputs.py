"""The run's table writer gives pandas' bytes exactly (floats, missing values, quoting), so the
faster writer changes no output; and a sweep worker's garbage collection skips the libraries."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.outputs import FLOAT, write_csv
from model.population import ABROAD


def _same_as_pandas(table: pd.DataFrame, tmp: Path) -> None:
    table.to_csv(tmp / "pandas.csv", index=False, float_format=FLOAT)
    write_csv(table, tmp / "ours.csv")
    assert (tmp / "ours.csv").read_bytes() == (tmp / "pandas.csv").read_bytes()


def test_every_kind_of_cell_is_written_as_pandas_writes_it(tmp_path):
    table = pd.DataFrame({
        "step": [1, 2, 3, 4],
        "value": [0.1 + 0.2, np.nan, -0.0, 1e-12],
        "big": [1e21, np.inf, -np.inf, 123456789.123456789],
        "name": ["plain", "with, comma", 'with "quotes"', None],
        "flag": [True, False, True, False],
        "source": pd.array(["a", None, "b, c", "d"], dtype="string"),
    })
    _same_as_pandas(table, tmp_path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1,
                max_size=30),
       st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF,
                                               blacklist_categories=("Cs",)), max_size=8),
                min_size=1, max_size=30))
def test_floats_and_text_match_pandas(tmp_path_factory, floats, texts):
    n = min(len(floats), len(texts))
    table = pd.DataFrame({"x": floats[:n], "t": texts[:n], "i": range(n)})
    _same_as_pandas(table, tmp_path_factory.mktemp("csv"))


def test_a_sweep_worker_freezes_what_it_holds_before_its_first_job_once():
    from model import sweeps

    sweeps.STATE.pop("frozen", None)
    try:
        sweeps.freeze_imports()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the libraries imported by the tests
        kept = [[] for _ in range(10)]  # objects the first job made
        sweeps.freeze_imports()  # a second job: nothing more is frozen
        assert kept
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        sweeps.STATE.pop("frozen", None)


# ----------------------------------------------------------------- the tidy corridor series

@pytest.fixture(scope="module")
def tabled_run():
    """A finished fast run that records its analysis tables (tables=parquet)."""
    from model import MigrationModel

    m = MigrationModel(rng=11, end_year=2020, people_per_agent=5000.0, progress=False,
                       tables="parquet")
    m.run()
    return m


def test_without_tables_their_inputs_are_not_kept():
    """tables=none (a large sweep's choice): no per-step corridor arrays are held for them."""
    from model import MigrationModel
    from tests.conftest import FAST

    m = MigrationModel(rng=2, tables="none", **FAST)
    m.run()
    # The tables' series are not kept at all (model.components.Series, tables=True).
    assert "arrivals_corridor" not in m.history and "cohort_abroad" not in m.history
    assert len(m.history["stock_by_corridor"]) == m.steps  # the run's own
    kept = MigrationModel(rng=2, **FAST)
    kept.run()
    assert len(kept.history["arrivals_corridor"]) == kept.steps
    assert len(kept.history["cohort_abroad"]) == kept.steps // kept.steps_per_year

def _corridor_series(model, tmp: Path, fmt: str = "parquet") -> pd.DataFrame:
    from model.outputs import corridor_timeseries, write_table

    path = write_table(corridor_timeseries(model), tmp / "corridor_timeseries", fmt)
    return pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)


def test_corridor_series_add_up_to_the_runs_totals_step_by_step(tabled_run, tmp_path):
    """Every step and corridor once; summed over corridors, each column is the run's own
    indicator of that step (the table adds detail, never different numbers)."""
    from model.outputs import timeseries

    table = _corridor_series(tabled_run, tmp_path)
    ts = timeseries(tabled_run)
    K = len(tabled_run.corridors.o)
    assert len(table) == tabled_run.steps * K
    assert (table.groupby("step").size() == K).all()
    by_step = table.groupby("step").sum(numeric_only=True)
    pairs = {"stock": "migrant_stock", "arrivals_irregular": "arrivals_irregular",
             "returns": "returns", "remittances_formal_usd": "remittances_formal_usd"}
    for column, indicator in pairs.items():
        np.testing.assert_allclose(by_step[column], ts[indicator], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(by_step["arrivals_regular"] + by_step["arrivals_irregular"],
                               ts["inflows"], rtol=1e-9)
    np.testing.assert_allclose(
        by_step["remittances_formal_usd"] + by_step["remittances_informal_usd"],
        ts["remittances_received_usd"], rtol=1e-9)
    np.testing.assert_allclose(table["stock_high_skill"] + table["stock_other_skill"],
                               table["stock"], rtol=1e-12)
    assert (table["stock_high_skill"] >= 0).all() and (table["stock_other_skill"] >= -1e-6).all()
    assert (table["remittances_informal_usd"] >= -1e-3).all()


def test_corridor_series_identify_corridors_years_and_prices(tabled_run, tmp_path):
    table = _corridor_series(tabled_run, tmp_path)
    k, c = tabled_run.corridors, tabled_run.countries
    last = table[table["step"] == tabled_run.steps]
    assert list(last["origin"]) == list(c.iso3[k.o])
    assert list(last["destination"]) == list(c.iso3[k.d])
    np.testing.assert_allclose(last["remittance_price_pct"], k.price_pct)
    np.testing.assert_allclose(last["stock"], tabled_run.stock_now)
    years = table.groupby("step")["year"].first()
    np.testing.assert_allclose(np.diff(years), 1 / tabled_run.steps_per_year)
    assert years.iloc[0] == tabled_run.start_year


def test_corridor_series_as_csv_hold_the_same_numbers(tabled_run, tmp_path):
    parquet = _corridor_series(tabled_run, tmp_path)
    csv = _corridor_series(tabled_run, tmp_path, "csv")
    assert list(csv.columns) == list(parquet.columns)
    for column in parquet.columns:
        if parquet[column].dtype.kind == "f":
            np.testing.assert_allclose(csv[column], parquet[column], rtol=1e-9)
        else:
            assert list(csv[column].astype(str)) == list(parquet[column].astype(str))


def test_an_unknown_table_format_is_refused_before_the_run():
    import pytest

    from model import MigrationModel
    from model.params import ConfigError

    with pytest.raises(ConfigError, match="tables = 'xlsx': allowed none, parquet, csv"):
        MigrationModel(tables="xlsx")


def test_the_analysis_tables_are_written_when_asked_for(tmp_path):
    from model import MigrationModel
    from model.outputs import write_run

    for fmt, expected in (("none", set()), ("parquet", {"corridor_timeseries.parquet",
                                                        "country_roles.parquet",
                                                        "cohorts.parquet"}),
                          ("csv", {"corridor_timeseries.csv", "country_roles.csv",
                                   "cohorts.csv"})):
        m = MigrationModel(rng=2, end_year=2019, people_per_agent=20000.0, progress=False,
                           tables=fmt)
        m.run()
        write_run(m, tmp_path / fmt)
        written = {p.name for p in (tmp_path / fmt).iterdir()}
        analysis = {n for n in written if n.startswith(("corridor_timeseries", "country_roles",
                                                        "cohorts"))}
        assert analysis == expected
        assert {"timeseries.csv", "corridors.csv", "summary.json"} <= written


def test_country_roles_add_up_to_the_runs_totals_for_each_role(tabled_run, tmp_path):
    """As origins and as destinations, the countries hold every migrant once; their employed
    and brain-wasted migrants give the run's own rates; remittances are received by origins
    and sent by destinations."""
    from model.outputs import country_roles, timeseries, write_table

    table = pd.read_parquet(write_table(country_roles(tabled_run), tmp_path / "roles", "parquet"))
    ts = timeseries(tabled_run).set_index("step")
    C = len(tabled_run.countries.iso3)
    assert len(table) == 2 * tabled_run.steps * C
    for role, group in table.groupby("role"):
        by_step = group.groupby("step").sum(numeric_only=True)
        np.testing.assert_allclose(by_step["migrants"], ts["migrant_stock"], rtol=1e-9)
        np.testing.assert_allclose(by_step["employed"] / by_step["migrants"],
                                   ts["employment_rate"], rtol=1e-6)
        below = (group["brain_waste_rate"].fillna(0) * group["skilled_employed"]).groupby(
            group["step"]).sum()
        np.testing.assert_allclose(below / by_step["skilled_employed"], ts["brain_waste_rate"],
                                   rtol=1e-6)
        money = "remittances_received_usd" if role == "origin" else "remittances_sent_usd"
        other = "remittances_sent_usd" if role == "origin" else "remittances_received_usd"
        np.testing.assert_allclose(by_step[money], ts[money], rtol=1e-9)
        assert (by_step[other] == 0).all()
    india = table[(table["iso3"] == "IND") & (table["role"] == "origin")
                  & (table["step"] == tabled_run.steps)]
    k, c = tabled_run.corridors, tabled_run.countries
    assert india["migrants"].item() == pytest.approx(
        tabled_run.stock_now[c.iso3[k.o] == "IND"].sum(), rel=1e-9)


# ----------------------------------------------------------------- arrival cohorts

def test_a_cohort_abroad_after_a_year_is_counted_from_the_migrants_at_the_end(tabled_run):
    """The run (2019-2020) ends a year after the 2019 arrivals' year: those still abroad are the
    migrants abroad at the end who arrived during 2019 (an arrival is dated at the end of its
    step: 2019.25 to 2020.0)."""
    from model.outputs import cohorts

    table = cohorts(tabled_run)
    pop = tabled_run.migrants
    abroad = pop.status == ABROAD
    arrived_2019 = (pop.arrived > 2019.0) & (pop.arrived <= 2020.0 + 1e-9)
    assert table["abroad_after_1y"][0] == pytest.approx(
        float(pop.weight[abroad & arrived_2019].sum(dtype=float)), rel=1e-12)
    assert list(table["arrival_year"]) == [2019, 2020]
    assert np.isnan(table["abroad_after_1y"][1])  # 2021 lies beyond the run
    assert np.isnan(table["share_abroad_after_3y"]).all()


def test_cohorts_count_each_years_arrivals_and_shrink_as_they_return(tabled_run):
    """Arrivals per year are the steps' arrivals; the share abroad falls with the years."""
    from model.outputs import cohorts, timeseries

    table = cohorts(tabled_run)
    ts = timeseries(tabled_run)
    by_year = ts.groupby(np.floor(ts["year"]))["inflows"].sum()
    np.testing.assert_allclose(table["arrivals"], by_year.to_numpy(), rtol=1e-9)
    assert table["abroad_after_1y"][0] <= table["arrivals"][0]
    assert 0.5 < table["share_abroad_after_1y"][0] < 1.0  # returns and removals happen


def test_cohort_retention_of_the_default_run_is_within_published_ranges():
    """OECD (2008) International Migration Outlook, Part III (Dumont and Spielvogel): 20-50% of
    immigrants leave within five years of arrival, so 50-80% are still there."""
    from model import MigrationModel
    from model.outputs import cohorts

    m = MigrationModel(rng=5, end_year=2025, people_per_agent=5000.0, progress=False,
                       tables="parquet")
    m.run()
    share = cohorts(m)["share_abroad_after_5y"][0]
    assert 0.5 <= share <= 0.8


def test_the_kept_tertiary_counts_equal_a_recount_after_a_run():
    """The tertiary-educated counts per corridor follow every change of work and status."""
    from model import MigrationModel

    m = MigrationModel(rng=8, end_year=2021, people_per_agent=5000.0, progress=False,
                       shocks=[{"kind": "pandemic", "start": 2020.25, "end": 2021.0}])
    m.run()
    kept = m.tallies.tertiary.copy()
    m.tallies.recount(m.migrants)
    np.testing.assert_allclose(kept, m.tallies.tertiary, rtol=1e-9, atol=1e-6)
    pop = m.migrants
    high_abroad = (pop.status == ABROAD) & (pop.skill == 1)
    assert m.tallies.tertiary.sum() == pytest.approx(float(pop.weight[high_abroad].sum()))
