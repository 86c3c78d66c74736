"""The built-in world tables: reproducible, traceable to the publishers' files, well-formed presets.

These tests read real files only: the shipped tables in ``model/world/data`` and the publishers'
files in ``../shared/data`` (tests needing the latter skip when that folder is absent).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from model.world.loader import DATA_DIR, load_world, shipped_corridors, shipped_countries
from tests.conftest import ROOT, SHARED_DATA, shared_file

# The offline script that builds the shipped tables (run as a script, not a module).
DERIVE_SCRIPT = ROOT / "docs" / "world" / "derive.py"
SHIPPED_TABLES = ("countries.csv", "corridors.csv", "country_years.csv", "prices.csv",
                  "displaced.csv", "solutions.csv", "flight.csv")

# /work/shared/data/FACTS.md, "Top 30 migration corridors by migrant stock, mid-2020" (UN DESA).
TOP30_CORRIDORS = [
    ("MEX", "USA"), ("SYR", "TUR"), ("RUS", "UKR"), ("IND", "ARE"), ("IND", "USA"),
    ("AFG", "IRN"), ("BGD", "IND"), ("CHN", "HKG"), ("PSE", "JOR"), ("CHN", "USA"),
    ("PHL", "USA"), ("BGD", "SAU"), ("IND", "SAU"), ("PRI", "USA"), ("PAK", "SAU"),
    ("YEM", "SAU"), ("UKR", "RUS"), ("POL", "DEU"), ("VEN", "COL"), ("BFA", "CIV"),
    ("IDN", "MYS"), ("KAZ", "RUS"), ("AFG", "PAK"), ("IND", "PAK"), ("MMR", "THA"),
    ("EGY", "SAU"), ("SLV", "USA"), ("SYR", "JOR"), ("DZA", "FRA"), ("VNM", "USA"),
]
# /work/shared/data/FACTS.md, "Top 20 remittance recipients, 2019" (WDI BX.TRF.PWKR.CD.DT).
TOP20_RECIPIENTS = [
    "IND", "MEX", "PHL", "FRA", "EGY", "NGA", "PAK", "BGD", "DEU", "CHN",
    "UKR", "BEL", "IDN", "VNM", "GTM", "ITA", "RUS", "UZB", "NPL", "THA",
]
# RPW's non-ISO codes, as documented in SOURCES.md ("RPW codes KSV -> XKX ..., ANT ... -> CUW").
RPW_CODE_FIX = {"KSV": "XKX", "ANT": "CUW"}


def read_raw(path) -> pd.DataFrame:
    """A publisher's CSV, keeping codes such as 'NAM' (Namibia) as strings."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def sources_md() -> str:
    return (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------
# 1. Reproducibility
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def derived_dir(tmp_path_factory):
    """Run the derive script on ../shared/data into a fresh folder (once per module)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} not present (the publishers' files live beside the project)")
    out = tmp_path_factory.mktemp("derived")
    proc = subprocess.run(
        [sys.executable, str(DERIVE_SCRIPT), "--data-dir", str(SHARED_DATA),
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, f"derive failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.mark.parametrize("name", [*SHIPPED_TABLES, "SOURCES.md"])
def test_derive_reproduces_shipped_file_byte_for_byte(derived_dir, name):
    produced = (derived_dir / name).read_bytes()
    shipped = (DATA_DIR / name).read_bytes()
    assert produced == shipped, (
        f"{name}: regenerated file differs from the shipped one "
        f"({len(produced)} vs {len(shipped)} bytes); rerun python docs/world/derive.py"
    )


# --------------------------------------------------------------------------
# 2. Traceability against the publishers' files
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def un_desa_wide():
    raw = read_raw(shared_file("un_desa_ims_bilateral_stock_1990_2020_long.csv"))
    assert not raw.duplicated(["origin_iso3", "dest_iso3", "year"]).any()
    wide = raw[raw["year"].isin([2015, 2020])].pivot(
        index=["origin_iso3", "dest_iso3"], columns="year", values="stock")
    wide.index.names = ["origin", "destination"]
    return wide


def test_corridor_stocks_equal_un_desa(un_desa_wide):
    cor = shipped_corridors().set_index(["origin", "destination"])
    assert not cor.index.duplicated().any()
    missing = cor.index.difference(un_desa_wide.index)
    assert missing.empty, f"shipped corridors absent from UN DESA: {list(missing[:10])}"
    raw = un_desa_wide.reindex(cor.index)
    # stock_2020 exactly as published; stock_2015 too, "no estimate" -> 0 (SOURCES.md).
    np.testing.assert_array_equal(cor["stock_2020"].to_numpy(), raw[2020].to_numpy())
    np.testing.assert_array_equal(cor["stock_2015"].to_numpy(), raw[2015].fillna(0).to_numpy())
    assert (cor["stock_2020"] > 0).all()
    mex_usa = cor.loc[("MEX", "USA")]
    assert mex_usa["stock_2020"] == pytest.approx(11.18e6, abs=0.005e6)  # FACTS.md


def test_every_un_desa_corridor_between_listed_economies_is_shipped(un_desa_wide):
    """The selection rule of SOURCES.md: 2020 stock > 0, known origin, both ends in countries.csv."""
    known = set(shipped_countries()["iso3"])
    raw = un_desa_wide[un_desa_wide[2020].fillna(0) > 0].reset_index()
    raw = raw[raw["origin"].isin(known) & raw["destination"].isin(known)
              & (raw["origin"] != raw["destination"])]
    expected = set(zip(raw["origin"], raw["destination"]))
    cor = shipped_corridors()
    shipped = set(zip(cor["origin"], cor["destination"]))
    assert shipped == expected, (
        f"only shipped: {sorted(shipped - expected)[:10]}; "
        f"only in UN DESA: {sorted(expected - shipped)[:10]}")


def test_total_2020_stock_matches_sources_md(un_desa_wide):
    """Shipped total = UN DESA world - unknown origin - dropped pairs, as SOURCES.md states."""
    text = " ".join(sources_md().split())
    world = float(re.search(r"UN DESA 2020 world stock ([\d.]+) M", text).group(1))
    unknown = float(re.search(r"origin `OOO` \(unknown, ([\d.]+) M\)", text).group(1))
    dropped = float(re.search(r"\(\d+ rows, ([\d.]+) M people", text).group(1))
    # The documented world total is the raw file's (pairs with a 2020 stock).
    assert un_desa_wide[2020].sum() / 1e6 == pytest.approx(world, abs=0.05)
    total = shipped_corridors()["stock_2020"].sum() / 1e6
    # Half a unit of the last printed digit for each figure.
    assert total == pytest.approx(world - unknown - dropped, abs=0.05 + 0.005 + 0.0005)
    assert 240 < total < 260


@pytest.fixture(scope="module")
def wdi_2019():
    raw = read_raw(shared_file("wdi_remittances_2000_2019.csv"))
    assert not raw.duplicated(["iso3", "year"]).any()
    return raw[raw["year"] == 2019].set_index("iso3")


@pytest.mark.parametrize("iso3", ["IND", "MEX", "PHL", "EGY"])
def test_remittances_received_equal_wdi_for_top_recipients(wdi_2019, iso3):
    """SOURCES.md: current USD, rounded to 1e5."""
    countries = shipped_countries().set_index("iso3")
    raw = float(wdi_2019.at[iso3, "remittances_received_usd"])
    assert countries.at[iso3, "remittances_received_usd_2019"] == round(raw / 1e5) * 1e5
    assert countries.at[iso3, "remittances_received_usd_2019"] > 20e9


@pytest.mark.parametrize("column", ["remittances_received_usd_2019", "remittances_paid_usd_2019"])
def test_remittance_totals_equal_wdi_within_rounding(wdi_2019, column):
    raw_col = column.replace("_2019", "")
    countries = shipped_countries().set_index("iso3")
    raw = countries.index.to_series().map(wdi_2019[raw_col])
    shipped = countries[column]
    # blank = not reported, and nothing else is blank
    pd.testing.assert_series_equal(shipped.isna(), raw.isna(), check_names=False)
    reported = raw.notna()
    assert reported.sum() > 150
    diff = (shipped[reported] - raw[reported]).abs()
    assert diff.max() <= 0.5e5, diff.sort_values().tail()
    assert (shipped[reported] % 100_000 == 0).all()
    # every WDI economy with a 2019 value is in the table
    assert set(wdi_2019.index[wdi_2019[raw_col].notna()]) <= set(countries.index)


@pytest.fixture(scope="module")
def rpw_2019_means():
    """Mean of each RPW corridor's 2019 quarters, keyed (sender, receiver)."""
    raw = read_raw(shared_file("rpw_corridor_avg_cost_2011q1_2020q3.csv"))
    for col in ("source_iso3", "dest_iso3"):
        raw[col] = raw[col].replace(RPW_CODE_FIX)
    y19 = raw[raw["period"].str.startswith("2019Q")]
    return y19.groupby(["source_iso3", "dest_iso3"])["avg_total_cost_pct"].mean()


def test_rpw_2019_prices_equal_mean_of_2019_quarters(rpw_2019_means):
    cor = shipped_corridors()
    rpw = cor[cor["price_source"] == "rpw_2019"]
    assert len(rpw) > 250
    # Remittances go back from the migrant's destination (sender) to the origin (receiver).
    key = pd.MultiIndex.from_arrays([rpw["destination"], rpw["origin"]])
    expected = rpw_2019_means.reindex(key).to_numpy()
    assert not np.isnan(expected).any(), "rpw_2019 corridors without 2019 RPW quarters"
    diff = np.abs(rpw["remittance_price_pct"].to_numpy() - expected)
    assert diff.max() <= 0.005 + 1e-9, rpw.assign(expected=expected)[diff > 0.005 + 1e-9].head()

    usa_mex = cor[(cor["origin"] == "MEX") & (cor["destination"] == "USA")].iloc[0]
    assert usa_mex["price_source"] == "rpw_2019"
    assert 4.0 <= usa_mex["remittance_price_pct"] < 5.0
    assert usa_mex["remittance_price_pct"] == pytest.approx(rpw_2019_means[("USA", "MEX")],
                                                            abs=0.005)


def test_every_matching_rpw_2019_corridor_is_used(rpw_2019_means):
    """Where RPW has 2019 quarters for the reverse of a shipped corridor, that price is taken."""
    cor = shipped_corridors()
    key = pd.MultiIndex.from_arrays([cor["destination"], cor["origin"]])
    has_2019 = key.isin(rpw_2019_means.index)
    assert (cor.loc[has_2019, "price_source"] == "rpw_2019").all()
    assert (cor.loc[~has_2019, "price_source"] != "rpw_2019").all()


def test_population_and_gdp_equal_shared_countries_within_rounding():
    raw = read_raw(shared_file("countries.csv")).set_index("iso3")
    countries = shipped_countries().set_index("iso3")
    assert set(countries.index) == set(raw.index)
    assert "NAM" in countries.index  # Namibia is not read as missing
    raw = raw.reindex(countries.index)

    has_pop = raw["population_2023"].notna()
    assert (~has_pop).sum() <= 1  # TWN: filled from GeoNames (SOURCES.md)
    np.testing.assert_array_equal(countries.loc[has_pop, "population"].to_numpy(),
                                  raw.loc[has_pop, "population_2023"].round().to_numpy())
    assert countries["population"].notna().all()

    for col, raw_col, half_step in [("gdp_per_capita_usd", "gdp_per_capita_usd", 0.5),
                                    ("gdp_usd", "gdp_current_usd", 0.5e6)]:
        pd.testing.assert_series_equal(countries[col].isna(), raw[raw_col].isna(),
                                       check_names=False)
        ok = raw[raw_col].notna()
        diff = (countries.loc[ok, col] - raw.loc[ok, raw_col]).abs()
        assert diff.max() <= half_step + 1e-6, (col, diff.sort_values().tail())

    assert countries.at["IND", "population"] > 1.4e9
    assert countries.at["USA", "gdp_per_capita_usd"] > 60_000


# --------------------------------------------------------------------------
# 3. Presets
# --------------------------------------------------------------------------
def test_default_world_covers_regions_top_corridors_and_recipients():
    world = load_world("default", None, 2019)
    countries, cor = world.countries, world.corridors
    assert 50 <= len(countries) <= 60
    assert len(countries) == int(shipped_countries()["in_default"].sum())

    all_regions = set(shipped_countries()["region"])
    assert len(all_regions) == 7
    assert set(countries["region"]) == all_regions

    pairs = set(zip(cor["origin"], cor["destination"]))
    missing = [p for p in TOP30_CORRIDORS if p not in pairs]
    assert not missing, f"default world lacks top-30 corridors {missing}"
    missing_rec = sorted(set(TOP20_RECIPIENTS) - set(countries["iso3"]))
    assert not missing_rec, f"default world lacks top-20 recipients {missing_rec}"

    # indices point at the right countries
    iso = countries["iso3"].to_numpy()
    assert (iso[cor["o"]] == cor["origin"].to_numpy()).all()
    assert (iso[cor["d"]] == cor["destination"].to_numpy()).all()


def test_facts_top30_is_the_shipped_top30():
    """The hard-coded FACTS.md list is the 30 largest shipped corridors of 2020."""
    top = shipped_corridors().nlargest(30, "stock_2020")
    assert set(zip(top["origin"], top["destination"])) == set(TOP30_CORRIDORS)


def test_facts_top20_recipients_are_the_shipped_top20():
    top = shipped_countries().nlargest(20, "remittances_received_usd_2019")
    assert set(top["iso3"]) == set(TOP20_RECIPIENTS)


def test_global_world_size_and_interpolated_stocks():
    world = load_world("global", None, 2019)
    cor = world.corridors
    assert len(cor) >= 8_000
    assert len(world.countries) >= 200
    assert 240e6 < cor["stock"].sum() < 260e6
    assert 240e6 < cor["stock_2020"].sum() < 260e6

    s15 = cor["stock_2015"].to_numpy(float)
    s20 = cor["stock_2020"].to_numpy(float)
    # Interpolated, raised to UNHCR's count where it is larger (the loader's floor).
    displaced = cor[["refugees", "asylum_seekers", "oip"]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(cor["stock"].to_numpy(),
                               np.maximum(s15 + 0.8 * (s20 - s15), displaced), rtol=1e-12)
    # The trend is the economic stock's change (net of UNHCR's displaced, floored at zero).
    e15, e20 = (np.maximum(cor[f"stock_{y}"].to_numpy(float)
                           - cor[f"refugees_{y}"].to_numpy(float), 0.0) for y in (2015, 2020))
    np.testing.assert_allclose(cor["trend_per_year"].to_numpy(), (e20 - e15) / 5.0, rtol=1e-12)

    w2020 = load_world("global", None, 2020)
    np.testing.assert_array_equal(w2020.corridors["stock"].to_numpy(),
                                  np.maximum(w2020.corridors["stock_2020"].to_numpy(float),
                                             w2020.corridors["refugees_2020"].to_numpy(float)))
    assert len(w2020.corridors) == len(shipped_corridors())


# --------------------------------------------------------------------------
# 4. Every column has a documented source
# --------------------------------------------------------------------------
def _documented_columns(section: str) -> set[str]:
    """First cells of the '| column | publisher | ...' table rows in one section."""
    names = set()
    for line in section.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        first = line.split("|")[1].strip()
        if first == "column":
            continue
        names.update(n.strip() for n in first.split(","))
    return names


@pytest.mark.parametrize("table", SHIPPED_TABLES)
def test_every_column_is_documented_in_sources_md(table):
    text = sources_md()
    sections = re.split(r"^## ", text, flags=re.M)
    section = next(s for s in sections if s.startswith(f"`{table}`"))
    documented = _documented_columns(section)
    header = (DATA_DIR / table).read_text(encoding="utf-8").splitlines()[0].split(",")
    undocumented = [c for c in header if c not in documented]
    assert not undocumented, f"{table} columns missing from SOURCES.md: {undocumented}"
    stale = sorted(documented - set(header))
    assert not stale, f"SOURCES.md documents columns {table} lacks: {stale}"


# --------------------------------------------------------------------------
# 5. Shipped tables are derived, not copied
# --------------------------------------------------------------------------
def test_shipped_files_are_not_copies_of_shared_data():
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} not present")
    shared = {sha256(p): p.name for p in SHARED_DATA.rglob("*") if p.is_file()}
    assert shared
    shipped = sorted(p for p in DATA_DIR.iterdir() if p.is_file())
    assert {p.name for p in shipped} >= {*SHIPPED_TABLES, "SOURCES.md"}
    copies = [(p.name, shared[h]) for p in shipped if (h := sha256(p)) in shared]
    assert not copies, f"shipped files identical to publishers' files: {copies}"


# --------------------------------------------------------------------------
# 5. Start years 2010-2020, the trend window and economic migrants
# --------------------------------------------------------------------------
def _by_pair(world) -> pd.DataFrame:
    return world.corridors.set_index(["origin", "destination"])


def test_a_2010_start_takes_the_2010_estimate_and_the_2010_2015_trend():
    cor = _by_pair(load_world("global", None, 2010))
    row = cor.loc[("MEX", "USA")]
    assert row["stock"] == row["stock_2010"]
    # The economic trend: Mexicans under protection in the USA (asylum seekers) left out.
    assert row["trend_per_year"] == pytest.approx(
        ((row["stock_2015"] - row["refugees_2015"]) - (row["stock_2010"] - row["refugees_2010"]))
        / 5)
    # Corridors without a 2010 estimate are not in a 2010 world.
    assert (cor["stock_2010"] > 0).all()
    mid = _by_pair(load_world("global", None, 2012)).loc[("MEX", "USA")]
    assert mid["stock"] == pytest.approx(0.6 * row["stock_2010"] + 0.4 * row["stock_2015"])


def test_the_trend_before_the_start_uses_no_later_estimate():
    cor = _by_pair(load_world("global", None, 2015, trend="before"))
    row = cor.loc[("IND", "ARE")]
    assert row["stock"] == row["stock_2015"]
    assert row["trend_per_year"] == pytest.approx((row["stock_2015"] - row["stock_2010"]) / 5)
    later = _by_pair(load_world("global", None, 2019, trend="before")).loc[("IND", "ARE")]
    assert later["stock"] == pytest.approx(row["stock_2015"] + 4 * row["trend_per_year"])
    # A 2010 start's trend is 2005-2010.
    first = _by_pair(load_world("global", None, 2010, trend="before")).loc[("IND", "ARE")]
    assert first["trend_per_year"] == pytest.approx((row["stock_2010"] - row["stock_2005"]) / 5)


def test_economic_migrants_are_the_stocks_net_of_unhcr_refugees():
    every = _by_pair(load_world("global", None, 2020))
    economic = _by_pair(load_world("global", None, 2020, migrants="economic"))
    syr = economic.loc[("SYR", "TUR")]
    # UN DESA 3.83 M Syrians in Turkey in 2020, UNHCR 3.6 M of them under protection.
    assert every.loc[("SYR", "TUR"), "stock"] > 3.8e6
    assert syr["stock"] == syr["stock_2020"] - syr["refugees_2020"]
    assert syr["stock"] < 0.3e6
    assert economic.loc[("MEX", "USA"), "stock"] > 0.98 * every.loc[("MEX", "USA"), "stock"]
    assert economic["stock"].sum() == pytest.approx(
        np.maximum(every["stock_2020"] - every["refugees_2020"], 0).sum(), rel=1e-9)
    # The 2015->2020 change of the economic stock leaves the Syrian flight out.
    whole = every.loc[("SYR", "TUR")]
    assert syr["trend_per_year"] < 0.1 * (whole["stock_2020"] - whole["stock_2015"]) / 5


def test_start_year_remittances_and_prices_come_from_that_year():
    from model.world.loader import corridor_prices, country_years

    world = load_world("default", None, 2012)
    wdi = country_years().set_index(["iso3", "year"])["remittances_received_usd"]
    got = world.countries.set_index("iso3")["remittances_received_usd"]
    assert got["IND"] == wdi[("IND", 2012)] and got["MEX"] == wdi[("MEX", 2012)]
    later = load_world("default", None, 2020).countries.set_index("iso3")
    assert later.at["IND", "remittances_received_usd"] == wdi[("IND", 2019)]

    prices = corridor_prices().set_index(["origin", "destination", "year"])["price_pct"]
    cor = _by_pair(world)
    assert cor.loc[("MEX", "USA"), "remittance_price_pct"] == prices[("MEX", "USA", 2012)]
    early = _by_pair(load_world("default", None, 2010))
    assert early.loc[("MEX", "USA"), "remittance_price_pct"] == prices[("MEX", "USA", 2011)]
    # 2019 is the shipped column's year: unchanged.
    w19 = load_world("default", None, 2019).corridors
    np.testing.assert_array_equal(w19["remittance_price_pct"],
                                  shipped_corridors().set_index(["origin", "destination"])
                                  .loc[list(zip(w19["origin"], w19["destination"])),
                                       "remittance_price_pct"].to_numpy())
    # Unsurveyed corridors move with the median change of the surveyed ones (prices fell).
    surveyed = set(zip(*[prices.xs(2012, level="year").reset_index()[c]
                         for c in ("origin", "destination")]))
    other = [p for p in cor.index if p not in surveyed]
    ratio = (cor.loc[other, "remittance_price_pct"]
             / shipped_corridors().set_index(["origin", "destination"])
             .loc[other, "remittance_price_pct"])
    np.testing.assert_allclose(ratio, ratio.iloc[0], rtol=1e-12)
    assert 1.05 < ratio.iloc[0] < 1.6


@pytest.mark.parametrize("overrides, words", [
    ({"start_year": 2009}, ["start_year", "2010"]),
    ({"world_trend": "after"}, ["world.trend", "within, before"]),
    ({"world_migrants": "refugees"}, ["world.migrants", "all, economic"]),
])
def test_bad_start_year_and_world_options_are_refused(overrides, words):
    from model.config import ConfigError, nest

    with pytest.raises(ConfigError) as err:
        nest(overrides)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_a_custom_world_refuses_the_shipped_worlds_options(tmp_path):
    from model.config import ConfigError
    from tests.toy_world import toy_model

    with pytest.raises(ConfigError, match="shipped worlds"):
        toy_model(tmp_path, world_migrants="economic")


def test_a_world_is_named_by_its_preset():
    assert load_world("default", None, 2019).name == "default"
    assert load_world("global", None, 2015, trend="before").name == "global"
