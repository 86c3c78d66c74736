"""Derive the package's built-in world tables from publishers' data files.

The model ships two small tables in ``model/world/data``:

* ``countries.csv`` - one row per economy of the World Bank classification
  (218 economies): region, income group, population, GDP, monthly wages for a
  low- and a high-skilled worker, unemployment, remittances received and paid,
  capital coordinates and a flag for the default (reduced) world;
* ``corridors.csv`` - one row per origin -> destination pair with a positive
  UN DESA migrant stock in 2020: stocks 2015/2020, the tertiary share of the
  migrants, the price of sending remittances back (destination -> origin),
  distance and gravity dummies, and the 2018 bilateral remittance estimate.

Why a script rather than hand-made tables: every number in the package must be
traceable to a publisher, and the raw files are neither ours to redistribute
nor small.  This script reads the raw files (passed as arguments; they are not
part of the package), aggregates, imputes where a publisher has no value,
rounds, and writes the two tables plus ``SOURCES.md`` which documents every
column, every assumption and how many rows each imputation rule touched.

Regenerate from the repository root with::

    .venv/bin/python -m model.world.derive --data-dir ../shared/data

Only pandas and numpy are used; columns are always selected by name and rows
are sorted, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------
# Inputs: option name -> standard file name inside --data-dir
# --------------------------------------------------------------------------
STANDARD_FILES: dict[str, str] = {
    "un_desa": "un_desa_ims_bilateral_stock_1990_2020_long.csv",
    "wdi_remittances": "wdi_remittances_2000_2019.csv",
    "rpw": "rpw_corridor_avg_cost_2011q1_2020q3.csv",
    "countries": "countries.csv",
    "cepii_dist": "cepii_geodist_dist.csv",
    "capitals": "geonames_capitals.csv",
    "cepii_cities": "cepii_geo_cities.csv",
    "dioc_origin": "dioc2015_emigrants_in_oecd_by_origin_education.csv",
    "dioc_dest": "dioc2015_population_by_dest_nativity_education.csv",
    "wdi_unemployment": "wdi_unemployment_2000_2023.csv",
    "ilo_earnings": "ilo_avg_monthly_earnings_ppp2021.csv",
    "bilateral_remittances": "wb_bilateral_remittance_2018_long.csv",
    "unhcr": "unhcr_population_2000_2024.csv",
}

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

COUNTRY_COLUMNS = [
    "iso3", "name", "region", "income_group", "population", "gdp_usd",
    "gdp_per_capita_usd", "wage_low_usd_month", "wage_high_usd_month",
    "unemployment_pct", "unemployment_source", "remittances_received_usd_2019",
    "remittances_paid_usd_2019", "lat", "lon", "in_default", "wage_source",
]
CORRIDOR_COLUMNS = [
    "origin", "destination", "stock_2005", "stock_2010", "stock_2015", "stock_2020",
    "refugees_2005", "refugees_2010", "refugees_2015", "refugees_2020", "high_skill_share",
    "skill_source", "remittance_price_pct", "price_source", "distance_km",
    "contiguous", "common_language", "colonial_link", "remittances_usd_2018",
]

# --------------------------------------------------------------------------
# Assumptions (documented in SOURCES.md)
# --------------------------------------------------------------------------
# The FY2026 World Bank classification leaves two economies unclassified.
# We use their most recent previous classification so that every row has a
# group for the income-based rules below.
INCOME_GROUP_FILL = {
    "ETH": ("Low income", "classified Low income up to FY2025; unclassified in FY2026"),
    "VEN": ("Upper middle income", "last classified Upper middle income (FY2021); "
            "unclassified since for lack of data"),
}

# Tertiary share of the adult population (Barro and Lee 2013, orders of magnitude).
TERTIARY_SHARE = {"Low income": 0.05, "Lower middle income": 0.12,
                  "Upper middle income": 0.20, "High income": 0.35}
# Ratio of tertiary to non-tertiary earnings (Montenegro and Patrinos 2014:
# returns to tertiary schooling are higher in poorer countries).
SKILL_PREMIUM = {"Low income": 2.5, "Lower middle income": 2.2,
                 "Upper middle income": 1.9, "High income": 1.6}
# Subsistence floor: below about 2 USD a day a full-time wage is not a
# meaningful labour-market wage, and the model compares wages across borders.
WAGE_FLOOR_USD_MONTH = 60.0
# The earnings ratio k is fitted on high-income economies at least this rich
# (GDP per capita, current USD): ILOSTAT earnings are in PPP dollars, GDP in
# market dollars, and only near the US price level are the two close.
K_FIT_MIN_GDP_PC = 40_000.0
# GDP per capita older than this year does not set wages (e.g. Venezuela 2014,
# before its collapse; South Sudan 2015; Eritrea 2011): such economies get the
# imputed GDP per capita used for economies without GDP. The published gdp
# columns keep the WDI value.
WAGE_GDP_MIN_YEAR = 2018

# Gulf and South-South migration is more low-skilled than migration to the
# OECD; DIOC only covers OECD destinations, so we scale the origin share.
NON_OECD_SKILL_FACTOR = 0.5
SKILL_SHARE_CLIP = (0.02, 0.9)

# GeoNames lists Jersey and Guernsey separately; the World Bank's Channel
# Islands (CHI) takes the capital of the larger one (St Helier, Jersey).
CAPITAL_PROXY = {"CHI": "JEY"}

DEFAULT_WORLD = (
    "MEX USA SYR TUR RUS UKR IND ARE AFG IRN BGD CHN HKG PSE JOR PHL SAU PRI PAK "
    "YEM POL DEU VEN COL BFA CIV IDN MYS KAZ MMR THA EGY SLV DZA FRA VNM NGA BEL "
    "GTM ITA UZB NPL GBR ESP CAN AUS KWT QAT OMN LKA KOR JPN ZAF ZWE MOZ KEN ETH "
    "MAR HND ROU"
).split()

EARTH_RADIUS_KM = 6371.0088

# RPW (DataBank export) still uses two non-ISO codes: Kosovo as KSV (the World
# Bank's code elsewhere is XKX) and the dissolved Netherlands Antilles (ANT),
# whose largest successor, Curacao (CUW), stands in for it.
RPW_CODE_FIX = {"KSV": "XKX", "ANT": "CUW"}


@dataclass
class Log:
    """Counts and facts collected while deriving, written to SOURCES.md."""

    items: dict = field(default_factory=dict)

    def set(self, key: str, value) -> None:
        self.items[key] = value

    def __getitem__(self, key: str):
        return self.items[key]


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------
def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km between arrays of decimal-degree points."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def round_to(series: pd.Series, step: float) -> pd.Series:
    """Round to a multiple of ``step`` and return nullable integers."""
    return (np.round(series / step) * step).round().astype("Int64")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV keeping ISO codes such as 'NAM' (Namibia) as strings."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""],
                       encoding="utf-8-sig")


# --------------------------------------------------------------------------
# countries.csv
# --------------------------------------------------------------------------
def load_countries(path: Path, log: Log) -> pd.DataFrame:
    """World Bank classification, population and GDP; fill blank income groups."""
    raw = read_csv(path)
    df = pd.DataFrame({
        "iso3": raw["iso3"],
        "name": raw["name"],
        "region": raw["wb_region"],
        "income_group": raw["wb_income_group"],
        "population": raw["population_2023"],
        "gdp_current_usd": raw["gdp_current_usd"],
        "gdp_per_capita_raw": raw["gdp_per_capita_usd"],
        "gdp_year": raw["gdp_year"],
    })
    filled = []
    for iso, (group, why) in INCOME_GROUP_FILL.items():
        mask = (df["iso3"] == iso) & df["income_group"].isna()
        if mask.any():
            df.loc[mask, "income_group"] = group
            filled.append((iso, group, why))
    still_blank = df.loc[df["income_group"].isna(), "iso3"].tolist()
    if still_blank:
        raise ValueError(f"income group blank and no fill rule: {still_blank}")
    log.set("income_filled", filled)
    stale = df.loc[df["gdp_year"].notna() & (df["gdp_year"] < 2022),
                   ["iso3", "gdp_year"]]
    log.set("gdp_stale", [(r.iso3, int(r.gdp_year)) for r in stale.itertuples()])
    return df


def fill_population(df: pd.DataFrame, capitals: pd.DataFrame, log: Log) -> pd.DataFrame:
    """WDI population 2023; where WDI has none (Taiwan) use GeoNames' figure."""
    geo_pop = capitals.set_index("iso3")["country_population"]
    missing = df["population"].isna()
    df.loc[missing, "population"] = df.loc[missing, "iso3"].map(geo_pop)
    log.set("population_geonames", df.loc[missing, "iso3"].tolist())
    df["population"] = df["population"].round().astype("Int64")
    return df


def fit_earnings_ratio(df: pd.DataFrame, ilo_path: Path, log: Log) -> float:
    """k = median of ILO earnings / (GDP pc / 12) over rich high-income countries.

    ILO earnings are in 2021 PPP dollars and GDP per capita in market dollars.
    In the cheaper high-income economies (e.g. BGR, ROU, POL, GRC) a PPP dollar
    buys more than a market dollar, so their ratio is inflated (the median over
    all high-income economies, about 1.25, puts US earnings 43% above ILOSTAT's).
    Only near the US price level are the two close, so k is the median over the
    high-income economies with GDP per capita >= K_FIT_MIN_GDP_PC; the
    all-high-income median is kept in the log for comparison. GDP per capita
    older than WAGE_GDP_MIN_YEAR is not used (it sets no wages either).
    """
    ilo = read_csv(ilo_path)
    latest = (ilo.sort_values(["iso3", "year"])
                 .groupby("iso3", as_index=False).last()
                 [["iso3", "year", "avg_monthly_earnings_ppp2021"]])
    m = latest.merge(df[["iso3", "income_group", "gdp_per_capita_raw", "gdp_year"]], on="iso3")
    m = m[(m["income_group"] == "High income") & m["gdp_per_capita_raw"].notna()
          & (m["gdp_year"] >= WAGE_GDP_MIN_YEAR)]
    ratio = m["avg_monthly_earnings_ppp2021"] / (m["gdp_per_capita_raw"] / 12.0)
    # Comparison only (SOURCES.md): the median over all high-income economies,
    # inflated by the PPP/market gap of the cheaper ones.
    log.set("k_all", (float(ratio.median()), int(len(m))))
    rich = m["gdp_per_capita_raw"] >= K_FIT_MIN_GDP_PC
    k = float(ratio[rich].median())
    log.set("k", k)
    log.set("k_n", int(rich.sum()))
    log.set("k_countries", sorted(m.loc[rich, "iso3"].tolist()))
    log.set("k_iqr", (float(ratio[rich].quantile(0.25)), float(ratio[rich].quantile(0.75))))
    usa = m["iso3"] == "USA"
    log.set("k_usa", float(ratio[usa].iloc[0]) if usa.any() else float("nan"))
    return k


def add_wages(df: pd.DataFrame, k: float, log: Log) -> pd.DataFrame:
    """Monthly wages of a non-tertiary (low) and tertiary (high) worker.

    avg = k * GDP pc / 12 and avg = (1-h) w_low + h w_high with
    w_high = premium * w_low, so w_low = avg / (1 - h + h premium).
    Where GDP per capita is missing, or stale (gdp_year before
    WAGE_GDP_MIN_YEAR), the median of the same region and income group (else
    of the income group) stands in for the wage computation only; the GDP
    columns keep the WDI value (blank where missing). Stale values are also
    not donors. ``wage_source`` records which GDP per capita set the wages.
    """
    stale = df["gdp_per_capita_raw"].notna() & (df["gdp_year"] < WAGE_GDP_MIN_YEAR)
    log.set("wage_gdppc_stale",
            [(r.iso3, int(r.gdp_year)) for r in df.loc[stale, ["iso3", "gdp_year"]].itertuples()])
    gdppc = df["gdp_per_capita_raw"].where(~stale)
    missing = gdppc.isna()
    cell_median = gdppc.groupby([df["region"], df["income_group"]]).transform("median")
    # A region x income cell may have no donor (North Korea is the only low-income
    # economy in East Asia & Pacific); fall back to the income-group median.
    group_median = gdppc.groupby(df["income_group"]).transform("median")
    by_cell = missing & cell_median.notna()
    by_group = missing & cell_median.isna()
    gdppc[by_cell] = cell_median[by_cell]
    gdppc[by_group] = group_median[by_group]
    log.set("wage_gdppc_imputed", df.loc[by_cell & ~stale, "iso3"].tolist())
    log.set("wage_gdppc_imputed_group", df.loc[by_group & ~stale, "iso3"].tolist())
    df["wage_source"] = np.select([by_cell, by_group],
                                  ["imputed_region_income_median", "imputed_income_median"],
                                  default="gdp_per_capita")
    if gdppc.isna().any():
        raise ValueError("GDP per capita could not be imputed for some rows")
    h = df["income_group"].map(TERTIARY_SHARE)
    premium = df["income_group"].map(SKILL_PREMIUM)
    avg = k * gdppc / 12.0
    low = avg / (1.0 - h + h * premium)
    floored = low < WAGE_FLOOR_USD_MONTH
    log.set("wage_floored", df.loc[floored, "iso3"].tolist())
    low = low.clip(lower=WAGE_FLOOR_USD_MONTH)
    df["wage_low_usd_month"] = low.round().astype("Int64")
    # The high wage keeps the premium over the (possibly floored) low wage.
    df["wage_high_usd_month"] = (premium * low).round().astype("Int64")
    return df


def add_unemployment(df: pd.DataFrame, path: Path, log: Log) -> pd.DataFrame:
    """WDI 2019 unemployment (modelled ILO); impute region x income median."""
    une = read_csv(path)
    u19 = une[une["year"] == 2019].set_index("iso3")["unemployment_pct"]
    df["unemployment_pct"] = df["iso3"].map(u19)
    df["unemployment_source"] = np.where(df["unemployment_pct"].notna(),
                                         "wdi_2019", "imputed_region_income_median")
    med = df.groupby(["region", "income_group"])["unemployment_pct"].transform("median")
    # A cell may have no donor (Seychelles is the only high-income economy of
    # Sub-Saharan Africa); then the income-group median is used and labelled.
    group_med = df.groupby("income_group")["unemployment_pct"].transform("median")
    missing = df["unemployment_pct"].isna()
    by_cell = missing & med.notna()
    by_group = missing & med.isna()
    df.loc[by_cell, "unemployment_pct"] = med[by_cell]
    df.loc[by_group, "unemployment_pct"] = group_med[by_group]
    df.loc[by_group, "unemployment_source"] = "imputed_income_median"
    log.set("unemployment_imputed", df.loc[by_cell, "iso3"].tolist())
    log.set("unemployment_imputed_group", df.loc[by_group, "iso3"].tolist())
    df["unemployment_pct"] = df["unemployment_pct"].round(2)
    return df


def add_remittance_totals(df: pd.DataFrame, path: Path, log: Log) -> pd.DataFrame:
    """WDI personal remittances received/paid in 2019 (blank = not reported)."""
    rem = read_csv(path)
    r19 = rem[rem["year"] == 2019].set_index("iso3")
    df["remittances_received_usd_2019"] = round_to(
        df["iso3"].map(r19["remittances_received_usd"]), 1e5)
    df["remittances_paid_usd_2019"] = round_to(
        df["iso3"].map(r19["remittances_paid_usd"]), 1e5)
    log.set("rem_received_blank", int(df["remittances_received_usd_2019"].isna().sum()))
    log.set("rem_paid_blank", int(df["remittances_paid_usd_2019"].isna().sum()))
    return df


def add_coordinates(df: pd.DataFrame, capitals: pd.DataFrame, cities_path: Path,
                    log: Log) -> pd.DataFrame:
    """Capital coordinates: GeoNames, else CEPII capital, else a proxy economy."""
    geo = capitals.dropna(subset=["capital_lat", "capital_lon"]).set_index("iso3")
    cities = read_csv(cities_path)
    cep = (cities[cities["cap"] == 1].drop_duplicates("iso3").set_index("iso3"))
    df["lat"] = df["iso3"].map(geo["capital_lat"])
    df["lon"] = df["iso3"].map(geo["capital_lon"])
    from_cepii, from_proxy = [], []
    for i in df.index[df["lat"].isna()]:
        iso = df.at[i, "iso3"]
        if iso in cep.index:
            df.at[i, "lat"], df.at[i, "lon"] = cep.at[iso, "lat"], cep.at[iso, "lon"]
            from_cepii.append(iso)
        elif CAPITAL_PROXY.get(iso) in geo.index:
            p = CAPITAL_PROXY[iso]
            df.at[i, "lat"], df.at[i, "lon"] = geo.at[p, "capital_lat"], geo.at[p, "capital_lon"]
            from_proxy.append(f"{iso} <- {p} ({geo.at[p, 'capital']})")
    if df["lat"].isna().any():
        raise ValueError(f"no coordinates for {df.loc[df['lat'].isna(), 'iso3'].tolist()}")
    log.set("coord_cepii", from_cepii)
    log.set("coord_proxy", from_proxy)
    df["lat"], df["lon"] = df["lat"].round(3), df["lon"].round(3)
    return df


def add_default_flag(df: pd.DataFrame, log: Log) -> pd.DataFrame:
    """in_default = 1 for the fixed default world; check it is well-formed."""
    known = set(df["iso3"])
    unknown = [c for c in DEFAULT_WORLD if c not in known]
    if unknown:
        raise ValueError(f"default-world codes not in countries.csv: {unknown}")
    dupes = sorted({c for c in DEFAULT_WORLD if DEFAULT_WORLD.count(c) > 1})
    if dupes:
        raise ValueError(f"duplicated default-world codes: {dupes}")
    df["in_default"] = df["iso3"].isin(DEFAULT_WORLD).astype(int)
    missing_regions = sorted(set(df["region"]) - set(df.loc[df["in_default"] == 1, "region"]))
    if missing_regions:
        raise ValueError(f"default world misses regions: {missing_regions}")
    log.set("default_n", len(DEFAULT_WORLD))
    log.set("default_regions", df[df["in_default"] == 1].groupby("region").size().to_dict())
    return df


def build_countries(paths: dict[str, Path], log: Log) -> pd.DataFrame:
    """Assemble countries.csv."""
    capitals = read_csv(paths["capitals"])
    df = load_countries(paths["countries"], log)
    df = fill_population(df, capitals, log)
    k = fit_earnings_ratio(df, paths["ilo_earnings"], log)
    df = add_wages(df, k, log)
    df["gdp_usd"] = round_to(df["gdp_current_usd"], 1e6)
    df["gdp_per_capita_usd"] = df["gdp_per_capita_raw"].round().astype("Int64")
    df = add_unemployment(df, paths["wdi_unemployment"], log)
    df = add_remittance_totals(df, paths["wdi_remittances"], log)
    df = add_coordinates(df, capitals, paths["cepii_cities"], log)
    df = add_default_flag(df, log)
    return df.sort_values("iso3")[COUNTRY_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------
# corridors.csv
# --------------------------------------------------------------------------
# The UN DESA estimates the model starts from (a start year between two is interpolated) and
# the one before the earliest start, for a trend that uses only data before the start.
STOCK_YEARS = (2005, 2010, 2015, 2020)
# Years of the per-country and per-corridor series (country_years.csv, prices.csv).
SERIES_YEARS = range(2005, 2021)


def load_stocks(path: Path, countries: pd.DataFrame, log: Log) -> pd.DataFrame:
    """UN DESA stocks 2005-2020 for pairs with a 2020 stock > 0."""
    ims = read_csv(path)
    wide = (ims[ims["year"].isin(STOCK_YEARS)]
            .pivot_table(index=["origin_iso3", "dest_iso3"], columns="year",
                         values="stock", aggfunc="sum")
            .reset_index())
    wide.columns.name = None
    wide = wide.rename(columns={"origin_iso3": "origin", "dest_iso3": "destination",
                                **{y: f"stock_{y}" for y in STOCK_YEARS}})
    wide = wide[wide["stock_2020"].fillna(0) > 0]
    log.set("ims_world_2020", float(wide["stock_2020"].sum()))
    unknown = wide["origin"] == "OOO"
    log.set("ims_unknown_origin_2020", float(wide.loc[unknown, "stock_2020"].sum()))
    wide = wide[~unknown & (wide["origin"] != wide["destination"])]
    known = set(countries["iso3"])
    keep = wide["origin"].isin(known) & wide["destination"].isin(known)
    dropped = wide[~keep]
    log.set("ims_dropped_rows", int(len(dropped)))
    log.set("ims_dropped_stock", float(dropped["stock_2020"].sum()))
    codes = sorted(set(dropped["origin"]) - known | set(dropped["destination"]) - known)
    log.set("ims_dropped_codes", codes)
    out = wide[keep].copy()
    for year in STOCK_YEARS:
        out[f"stock_{year}"] = out[f"stock_{year}"].fillna(0).round().astype(int)
        log.set(f"stock_{year}_zero", int((out[f"stock_{year}"] == 0).sum()))
        log.set(f"stock_total_{year}", float(out[f"stock_{year}"].sum()))
    return out


def add_refugees(cor: pd.DataFrame, path: Path, log: Log) -> pd.DataFrame:
    """People in need of international protection per corridor at mid-year (UNHCR).

    UN DESA's stocks count refugees and asylum seekers where they live; the calibration fits
    economic migration to the stocks net of them (`world.migrants=economic`). UNHCR's counts are
    end-year stocks, so mid-year Y is the mean of end Y-1 and end Y; counted: refugees, asylum
    seekers and other people in need of international protection (`oip`, from 2018, mostly
    Venezuelans abroad). Palestine refugees under UNRWA's mandate are not in UNHCR's figures.
    """
    unhcr = read_csv(path)
    unhcr = unhcr[unhcr["coo_iso"] != unhcr["coa_iso"]]
    people = (unhcr["refugees"].fillna(0) + unhcr["asylum_seekers"].fillna(0)
              + unhcr["oip"].fillna(0))
    table = (pd.DataFrame({"origin": unhcr["coo_iso"], "destination": unhcr["coa_iso"],
                           "year": unhcr["year"], "people": people})
             .pivot_table(index=["origin", "destination"], columns="year", values="people",
                          aggfunc="sum", fill_value=0.0))
    for year in STOCK_YEARS:
        # A year before UNHCR's first (2000) or after its last cannot occur: 2005-2020 only.
        mid = 0.5 * (table[year - 1] + table[year])
        idx = pd.MultiIndex.from_arrays([cor["origin"], cor["destination"]])
        values = mid.reindex(idx).fillna(0.0).to_numpy()
        cor[f"refugees_{year}"] = np.round(values).astype(np.int64)
        log.set(f"refugees_{year}", float(values.sum()))
        log.set(f"refugees_{year}_over_stock",
                int((cor[f"refugees_{year}"] > cor[f"stock_{year}"]).sum()))
    return cor


def build_country_years(path: Path, countries: pd.DataFrame, log: Log) -> pd.DataFrame:
    """country_years.csv: WDI remittances received and paid per country and year 2005-2019."""
    rem = read_csv(path)
    rem = rem[rem["iso3"].isin(set(countries["iso3"])) & rem["year"].isin(SERIES_YEARS)]
    out = pd.DataFrame({"iso3": rem["iso3"], "year": rem["year"].astype(int),
                        "remittances_received_usd": round_to(rem["remittances_received_usd"], 1e5),
                        "remittances_paid_usd": round_to(rem["remittances_paid_usd"], 1e5)})
    out = out.dropna(subset=["remittances_received_usd", "remittances_paid_usd"], how="all")
    log.set("country_years_rows", int(len(out)))
    log.set("country_years_span", (int(out["year"].min()), int(out["year"].max())))
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def build_prices(path: Path, corridors: pd.DataFrame, log: Log) -> pd.DataFrame:
    """prices.csv: the RPW yearly mean price of every surveyed corridor of corridors.csv
    (origin receives, destination sends), 2011-2020."""
    yearly = rpw_corridor_year_means(path)
    out = pd.DataFrame({"origin": yearly["dest_iso3"], "destination": yearly["source_iso3"],
                        "year": yearly["year"],
                        "price_pct": yearly["avg_total_cost_pct"].round(2)})
    known = corridors.set_index(["origin", "destination"]).index
    out = out[pd.MultiIndex.from_frame(out[["origin", "destination"]]).isin(known)]
    log.set("prices_rows", int(len(out)))
    log.set("prices_per_year", out.groupby("year").size().to_dict())
    return out.sort_values(["origin", "destination", "year"]).reset_index(drop=True)


def add_skill_share(cor: pd.DataFrame, countries: pd.DataFrame, paths: dict[str, Path],
                    log: Log) -> pd.DataFrame:
    """Tertiary share of emigrants 25+ by origin (DIOC), scaled off the OECD."""
    dioc = read_csv(paths["dioc_origin"])
    high = dioc[(dioc["age_group"] == "25+") & (dioc["edu_level"] == "high")
                & dioc["origin_iso3"].notna()]
    origin_share = high.set_index("origin_iso3")["share_of_known"].dropna()
    oecd = set(read_csv(paths["dioc_dest"])["dest_iso3"].dropna())
    log.set("dioc_destinations", sorted(oecd))

    inc = countries.set_index("iso3")["income_group"]
    per_origin = pd.DataFrame({"iso3": countries["iso3"],
                               "income_group": countries["iso3"].map(inc)})
    per_origin["share"] = per_origin["iso3"].map(origin_share)
    # Origins absent from DIOC get the median DIOC share of their income group.
    grp_median = per_origin.groupby("income_group")["share"].median()
    log.set("dioc_group_median", grp_median.round(3).to_dict())
    has_dioc = per_origin["share"].notna()
    per_origin.loc[~has_dioc, "share"] = per_origin.loc[~has_dioc, "income_group"].map(grp_median)
    share = cor["origin"].map(per_origin.set_index("iso3")["share"])
    origin_in_dioc = cor["origin"].isin(per_origin.loc[has_dioc, "iso3"])
    to_oecd = cor["destination"].isin(oecd)

    scaled = np.where(to_oecd, share, share * NON_OECD_SKILL_FACTOR)
    cor["high_skill_share"] = np.clip(scaled, *SKILL_SHARE_CLIP).round(3)
    cor["skill_source"] = np.select(
        [~origin_in_dioc, to_oecd],
        ["income_group_median", "dioc_origin_oecd"],
        default="dioc_origin_scaled_non_oecd")
    log.set("skill_counts", cor["skill_source"].value_counts().sort_index().to_dict())
    log.set("skill_clipped", int((scaled != np.clip(scaled, *SKILL_SHARE_CLIP)).sum()))
    return cor


def rpw_corridor_year_means(path: Path) -> pd.DataFrame:
    """RPW ATCR.CORR quarterly averages -> one mean per corridor and year."""
    rpw = read_csv(path)
    for col in ("source_iso3", "dest_iso3"):
        rpw[col] = rpw[col].replace(RPW_CODE_FIX)
    rpw["year"] = rpw["period"].str.slice(0, 4).astype(int)
    return (rpw.groupby(["source_iso3", "dest_iso3", "year"], as_index=False)
               ["avg_total_cost_pct"].mean())


def add_remittance_price(cor: pd.DataFrame, path: Path, log: Log) -> pd.DataFrame:
    """Cost of sending 200 USD from the destination back to the origin.

    Remittances flow opposite to migrants: the RPW sending country is the
    corridor's destination and the receiving country is its origin.
    """
    yearly = rpw_corridor_year_means(path)
    y19 = yearly[yearly["year"] == 2019]
    # Nearest year to 2019 for corridors not surveyed in 2019; on a tie the
    # earlier year wins (2018 over 2020, whose prices COVID-19 disturbed).
    other = yearly[yearly["year"] != 2019].copy()
    other["gap"] = (other["year"] - 2019).abs()
    nearest = (other.sort_values(["source_iso3", "dest_iso3", "gap", "year"])
                    .drop_duplicates(["source_iso3", "dest_iso3"]))

    def lookup(table: pd.DataFrame) -> pd.Series:
        key = table.set_index(["source_iso3", "dest_iso3"])["avg_total_cost_pct"]
        idx = pd.MultiIndex.from_arrays([cor["destination"], cor["origin"]])
        return pd.Series(key.reindex(idx).to_numpy(), index=cor.index)

    by_origin = y19.groupby("dest_iso3")["avg_total_cost_pct"].mean()
    by_dest = y19.groupby("source_iso3")["avg_total_cost_pct"].mean()
    global_mean = float(y19["avg_total_cost_pct"].mean())
    log.set("rpw_global_mean_2019", global_mean)
    log.set("rpw_corridors_2019", int(len(y19)))

    candidates = [
        ("rpw_2019", lookup(y19)),
        ("rpw_nearest_year", lookup(nearest)),
        ("origin_mean", cor["origin"].map(by_origin)),
        ("destination_mean", cor["destination"].map(by_dest)),
    ]
    price = pd.Series(np.nan, index=cor.index)
    source = pd.Series("global_mean", index=cor.index, dtype=object)
    for label, values in candidates:
        take = price.isna() & values.notna()
        price[take] = values[take]
        source[take] = label
    price = price.fillna(global_mean)
    log.set("rpw_2019_unused", int(len(y19) - (source == "rpw_2019").sum()))
    cor["remittance_price_pct"] = price.round(2)
    cor["price_source"] = source
    log.set("price_counts", source.value_counts().sort_index().to_dict())
    return cor


def add_geography(cor: pd.DataFrame, countries: pd.DataFrame, path: Path,
                  log: Log) -> pd.DataFrame:
    """CEPII population-weighted distance and gravity dummies."""
    geo = read_csv(path)
    geo = geo.rename(columns={"origin_iso3": "origin", "dest_iso3": "destination"})
    cols = ["distw_km", "contig", "comlang_off", "colony"]
    cor = cor.merge(geo[["origin", "destination"] + cols], on=["origin", "destination"],
                    how="left")
    xy = countries.set_index("iso3")[["lat", "lon"]]
    gc = great_circle_km(cor["origin"].map(xy["lat"]), cor["origin"].map(xy["lon"]),
                         cor["destination"].map(xy["lat"]), cor["destination"].map(xy["lon"]))
    missing = cor["distw_km"].isna()
    log.set("distance_great_circle", int(missing.sum()))
    dist = cor["distw_km"].where(~missing, gc)
    cor["distance_km"] = dist.round().astype(int)
    dummy_missing = cor[["contig", "comlang_off", "colony"]].isna().any(axis=1)
    log.set("dummies_missing", int(dummy_missing.sum()))
    for src, dst in [("contig", "contiguous"), ("comlang_off", "common_language"),
                     ("colony", "colonial_link")]:
        cor[dst] = (cor[src].fillna(0) > 0).astype(int)
    return cor.drop(columns=cols)


def add_bilateral_remittances(cor: pd.DataFrame, path: Path, log: Log) -> pd.DataFrame:
    """World Bank/KNOMAD 2018 remittances sent from destination to origin."""
    rem = read_csv(path)
    rem = rem.groupby(["sending_iso3", "receiving_iso3"], as_index=False)["usd_millions"].sum()
    rem = rem.rename(columns={"sending_iso3": "destination", "receiving_iso3": "origin"})
    cor = cor.merge(rem, on=["origin", "destination"], how="left")
    log.set("bilat_matched", int(cor["usd_millions"].notna().sum()))
    log.set("bilat_matched_usd", float(cor["usd_millions"].sum() * 1e6))
    log.set("bilat_total_usd", float(rem["usd_millions"].sum() * 1e6))
    cor["remittances_usd_2018"] = (cor["usd_millions"].fillna(0) * 1e6).round().astype("int64")
    return cor.drop(columns="usd_millions")


def build_corridors(paths: dict[str, Path], countries: pd.DataFrame, log: Log) -> pd.DataFrame:
    """Assemble corridors.csv."""
    cor = load_stocks(paths["un_desa"], countries, log)
    cor = cor.sort_values(["origin", "destination"]).reset_index(drop=True)
    cor = add_skill_share(cor, countries, paths, log)
    cor = add_remittance_price(cor, paths["rpw"], log)
    cor = add_geography(cor, countries, paths["cepii_dist"], log)
    cor = add_bilateral_remittances(cor, paths["bilateral_remittances"], log)
    cor = add_refugees(cor, paths["unhcr"], log)
    return cor.sort_values(["origin", "destination"])[CORRIDOR_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------
# SOURCES.md
# --------------------------------------------------------------------------
def _list(xs) -> str:
    return ", ".join(map(str, xs)) if xs else "none"


def write_sources(out: Path, log: Log) -> None:
    """Write SOURCES.md: publisher, series, year, transformation per column."""
    k = log["k"]
    q1, q3 = log["k_iqr"]
    k_all, k_all_n = log["k_all"]
    stale_w = log["wage_gdppc_stale"]
    inc_fill = "; ".join(f"{i} -> {g} ({w})" for i, g, w in log["income_filled"]) or "none"
    price = log["price_counts"]
    skill = log["skill_counts"]
    dr = log["default_regions"]
    h_txt = ", ".join(f"{g} {v:.2f}" for g, v in TERTIARY_SHARE.items())
    p_txt = ", ".join(f"{g} {v:.1f}" for g, v in SKILL_PREMIUM.items())
    med_txt = ", ".join(f"{g} {v:.3f}" for g, v in log["dioc_group_median"].items())
    text = f"""# Sources of the built-in world tables

Generated by `model/world/derive.py`; do not edit by hand. Regenerate from the repository
root with

    .venv/bin/python -m model.world.derive --data-dir ../shared/data

(`--data-dir` names the folder holding the publishers' files under their standard names;
each file can also be given with its own option, see `--help`). The publishers' files are not
part of the package: these tables are aggregated, imputed where stated, and rounded.

## Attribution and licences

- **World Bank** (World Development Indicators; country classification FY2026; Remittance
  Prices Worldwide; World Bank/KNOMAD Bilateral Remittance Matrix 2018): CC BY 4.0,
  attribution "The World Bank".
- **UN DESA**: "United Nations, Department of Economic and Social Affairs, Population Division
  (2024). International Migrant Stock 2024".
- **OECD**: "Source: OECD, DIOC 2015/16" (Database on Immigrants in OECD Countries 2015/16).
- **CEPII** GeoDist: Mayer, T. and Zignago, S. (2011), "Notes on CEPII's distances measures:
  the GeoDist database", CEPII Working Paper 2011-25; Etalab Open Licence 2.0.
- **GeoNames** geographical database, capital coordinates: CC BY 4.0.
- **ILO**, ILOSTAT: CC BY 4.0.
- Assumptions: Barro, R. and Lee, J.-W. (2013), "A new data set of educational attainment in
  the world, 1950-2010", Journal of Development Economics 104; Montenegro, C. E. and
  Patrinos, H. A. (2014), "Comparable estimates of returns to schooling around the world",
  World Bank Policy Research Working Paper 7020.

## `countries.csv` (one row per economy of the World Bank classification, sorted by iso3)

| column | publisher | dataset / series | year | transformation |
|---|---|---|---|---|
| iso3 | World Bank | Country classification (CLASS, FY2026) | 2025 | ISO 3166 alpha-3 (World Bank codes `XKX` Kosovo, `CHI` Channel Islands) |
| name | World Bank | Country classification (FY2026) | 2025 | World Bank spelling, as published |
| region | World Bank | Country classification (FY2026) | 2025 | as published (2025 region names) |
| income_group | World Bank | Country classification (FY2026) | 2025 | as published; blanks filled (see below) |
| population | World Bank | WDI `SP.POP.TOTL` | 2023 | people, integer; missing -> GeoNames country population |
| gdp_usd | World Bank | WDI `NY.GDP.MKTP.CD` | latest at or before 2023 | current USD, rounded to 1e6; blank where WDI has none |
| gdp_per_capita_usd | World Bank | WDI `NY.GDP.MKTP.CD` / `SP.POP.TOTL` | same year as GDP | current USD, rounded to 1 |
| wage_low_usd_month | derived (World Bank, ILO) | from GDP per capita and ILOSTAT earnings | - | see "Wages" below; rounded to 1 USD |
| wage_high_usd_month | derived | as above | - | premium x wage_low; rounded to 1 USD |
| unemployment_pct | World Bank | WDI `SL.UEM.TOTL.ZS` (modelled ILO estimate) | 2019 | percent, 2 decimals; missing -> median of same region and income group |
| unemployment_source | - | - | - | `wdi_2019`, `imputed_region_income_median` or (no donor in the cell) `imputed_income_median` |
| remittances_received_usd_2019 | World Bank | WDI `BX.TRF.PWKR.CD.DT` personal remittances, received | 2019 | current USD, rounded to 1e5; blank = not reported |
| remittances_paid_usd_2019 | World Bank | WDI `BM.TRF.PWKR.CD.DT` personal remittances, paid | 2019 | current USD, rounded to 1e5; blank = not reported |
| lat, lon | GeoNames | capital city coordinates (cities500, 2020) | 2020 | decimal degrees, 3 decimals; fallbacks below |
| in_default | - | fixed list in `derive.py` | - | 1 if in the default world |
| wage_source | - | - | - | GDP per capita behind the wages: `gdp_per_capita` (the row's own, year >= {WAGE_GDP_MIN_YEAR}), `imputed_region_income_median` (GDP per capita missing or older than {WAGE_GDP_MIN_YEAR}: median of the same region and income group) or (no donor in the cell) `imputed_income_median` |

### Imputations and flags (countries)

- income_group blank in the FY2026 classification, filled: {inc_fill}.
- population from GeoNames (no WDI value): {_list(log["population_geonames"])}.
- GDP older than 2022 (the latest WDI value is published as is in the gdp columns; flag these
  when reading results): {_list(f"{i} {y}" for i, y in log["gdp_stale"])}.
- GDP per capita older than {WAGE_GDP_MIN_YEAR} does not set wages ({len(stale_w)} rows):
  {_list(f"{i} {y}" for i, y in stale_w)}. Their gdp columns keep the WDI value, but for the
  wage computation they are treated like missing GDP per capita (next item; they are not donors
  either), since e.g. Venezuela's 2014 GDP per capita predates its collapse and would make its
  wages far too high for 2019.
- no GDP at all (gdp columns blank; wages computed from the median GDP per capita of the same
  region and income group, wage_source = `imputed_region_income_median`):
  {_list(log["wage_gdppc_imputed"])} ({len(log["wage_gdppc_imputed"])} rows); where that cell has
  no donor, the income-group median, wage_source = `imputed_income_median`:
  {_list(log["wage_gdppc_imputed_group"])} ({len(log["wage_gdppc_imputed_group"])} rows).
- unemployment imputed with the region x income-group median ({len(log["unemployment_imputed"])}
  rows): {_list(log["unemployment_imputed"])}; where that cell has no WDI donor, the
  income-group median, unemployment_source = `imputed_income_median`
  ({len(log["unemployment_imputed_group"])} rows): {_list(log["unemployment_imputed_group"])}.
- remittances received blank: {log["rem_received_blank"]} rows; paid blank: {log["rem_paid_blank"]} rows.
- coordinates from the CEPII GeoDist capital (no GeoNames match): {_list(log["coord_cepii"])};
  from a proxy economy: {_list(log["coord_proxy"])}.

### Wages

ILOSTAT "Average monthly earnings of employees" (2021 PPP $, sex total, national) is not by
skill and misses many large economies, so wages are derived from GDP per capita:

1. average monthly earnings = k x GDP per capita / 12 (GDP per capita as in wage_source), where
   **k = {k:.4f}** is the median, over the {log["k_n"]} high-income economies with GDP per capita
   >= {K_FIT_MIN_GDP_PC:,.0f} USD and an ILOSTAT observation (latest year, 2014-2024), of ILOSTAT
   earnings / (GDP per capita / 12) (interquartile range {q1:.3f}-{q3:.3f}; economies:
   {" ".join(log["k_countries"])}; United States {log["k_usa"]:.3f}). k is then applied to all
   economies in market dollars.
   Why only the richest: ILOSTAT earnings are in 2021 PPP dollars and GDP in market dollars. The
   two are close only near the US price level; in the cheaper high-income economies (e.g. BGR,
   ROU, POL, GRC) a PPP dollar exceeds a market dollar, which inflates their ratio. For
   comparison, the median over all {k_all_n} high-income economies with an ILOSTAT observation
   is {k_all:.3f}, which would put US earnings {k_all / log["k_usa"] - 1:.0%} above ILOSTAT's.
   Wage *ratios* between economies, which drive migration in the model, do not depend on k
   except through the floor.
2. average = (1 - h) wage_low + h wage_high with wage_high = premium x wage_low, so
   wage_low = average / (1 - h + h x premium).
   - h = tertiary share of the adult population by income group (**assumption**, orders of
     magnitude from Barro and Lee 2013): {h_txt}.
   - premium = tertiary / non-tertiary earnings by income group (**assumption**; order of
     magnitude from Montenegro and Patrinos 2014, WB PRWP 7020: returns to tertiary schooling
     are higher in poorer countries): {p_txt}.
3. wage_low is floored at {WAGE_FLOOR_USD_MONTH:.0f} USD/month (about 2 USD a day, a
   subsistence level below which a full-time wage is not meaningful); wage_high = premium x the
   floored wage_low. Floored ({len(log["wage_floored"])} rows): {_list(log["wage_floored"])}.

### Default world

{log["default_n"]} economies (in_default = 1): {" ".join(sorted(DEFAULT_WORLD))}. Chosen to cover
every World Bank region, the top-30 UN DESA corridors of 2020 and the top-20 WDI remittance
recipients of 2019. Economies per region: {", ".join(f"{r} {n}" for r, n in dr.items())}.

## `corridors.csv` (one row per origin -> destination pair, sorted by origin, destination)

| column | publisher | dataset / series | year | transformation |
|---|---|---|---|---|
| origin, destination | UN DESA | International Migrant Stock 2024 | 2020 | ISO3; origin = country of birth (or citizenship) |
| stock_2005, stock_2010, stock_2015 | UN DESA | International Migrant Stock 2024 (both sexes) | mid-year | persons, integer; no estimate -> 0 |
| stock_2020 | UN DESA | International Migrant Stock 2024 (both sexes) | mid-2020 | persons, integer, > 0 |
| refugees_2005, refugees_2010, refugees_2015, refugees_2020 | UNHCR | Refugee Population Statistics Database (R package `refugees` 2025.12.1): refugees + asylum seekers + other people in need of international protection (`oip`, from 2018) | mid-year | persons, integer: mean of the end-year counts of Y-1 and Y (UNHCR counts end-year stocks; UN DESA mid-year ones); origin = `coo_iso`, destination = `coa_iso`; no entry -> 0 |
| high_skill_share | OECD | DIOC 2015/16 File A, by country of birth | 2015/16 | tertiary (ISCED 5-8) share of known education, emigrants aged 25+ in OECD countries, by origin; rules below; 3 decimals |
| skill_source | - | - | - | `dioc_origin_oecd`, `dioc_origin_scaled_non_oecd`, `income_group_median` |
| remittance_price_pct | World Bank | Remittance Prices Worldwide, `ATCR.CORR` average total cost to send USD 200 | 2019 | percent; RPW sending country = destination, receiving = origin; rules below; 2 decimals |
| price_source | - | - | - | `rpw_2019`, `rpw_nearest_year`, `origin_mean`, `destination_mean`, `global_mean` |
| distance_km | CEPII | GeoDist `distw` (population-weighted) | ~2011 | km, integer; missing -> great-circle distance between capitals (GeoNames coordinates) |
| contiguous | CEPII | GeoDist `contig` | ~2011 | 0/1; missing -> 0 |
| common_language | CEPII | GeoDist `comlang_off` | ~2011 | 0/1; missing -> 0 |
| colonial_link | CEPII | GeoDist `colony` (ever) | ~2011 | 0/1; missing -> 0 |
| remittances_usd_2018 | World Bank | World Bank/KNOMAD Bilateral Remittance Matrix 2018 (Oct 2019 release) | 2018 | USD (published in millions, x 1e6); sending = destination, receiving = origin; no entry -> 0 |

### Selection

UN DESA 2020 world stock {log["ims_world_2020"] / 1e6:.1f} M. Left out: origin `OOO` (unknown,
{log["ims_unknown_origin_2020"] / 1e6:.2f} M); pairs with an end outside `countries.csv`
({log["ims_dropped_rows"]} rows, {log["ims_dropped_stock"] / 1e6:.3f} M people; codes:
{_list(log["ims_dropped_codes"])}). Pairs without a 2015 estimate: {log["stock_2015_zero"]}
(stock_2015 = 0; UN DESA "no estimate" is not necessarily zero); without a 2010 estimate:
{log["stock_2010_zero"]}; without a 2005 estimate: {log["stock_2005_zero"]}. Totals over the
corridors kept: 2005 {log["stock_total_2005"] / 1e6:.1f} M, 2010 {log["stock_total_2010"] / 1e6:.1f} M,
2015 {log["stock_total_2015"] / 1e6:.1f} M, 2020 {log["stock_total_2020"] / 1e6:.1f} M.

### Refugees (UNHCR)

People in need of international protection on the corridors: 2005 {log["refugees_2005"] / 1e6:.1f} M,
2010 {log["refugees_2010"] / 1e6:.1f} M, 2015 {log["refugees_2015"] / 1e6:.1f} M, 2020 {log["refugees_2020"] / 1e6:.1f} M.
The model subtracts them from the stocks with `world.migrants=economic` (floored at zero: on
{log["refugees_2020_over_stock"]} corridors in 2020 UNHCR counts more than UN DESA, which estimates
stocks by country of birth and from censuses, UNHCR by registration). Palestine refugees under
UNRWA's mandate (about 5.6 M) are not in UNHCR's figures and stay in the stocks.

### Skill share rules

DIOC covers emigrants living in the {len(log["dioc_destinations"])} OECD destinations
({" ".join(log["dioc_destinations"])}) and is by origin only (no country-pair table by education
was available), so every corridor from an origin gets the same OECD share:

- destination is a DIOC destination -> origin share (`dioc_origin_oecd`: {skill.get("dioc_origin_oecd", 0)} rows);
- other destinations (Gulf, Russia, South-South) -> origin share x {NON_OECD_SKILL_FACTOR}
  (**assumption**: such migration is more low-skilled; `dioc_origin_scaled_non_oecd`:
  {skill.get("dioc_origin_scaled_non_oecd", 0)} rows);
- origin absent from DIOC -> median DIOC share of origins of the same income group
  ({med_txt}), then the same destination rule (`income_group_median`:
  {skill.get("income_group_median", 0)} rows);
- all values clipped to [{SKILL_SHARE_CLIP[0]}, {SKILL_SHARE_CLIP[1]}] ({log["skill_clipped"]} rows clipped).

### Remittance price rules

RPW official corridor averages (DataBank export, quarters 2011-2020Q3; RPW codes KSV -> XKX
Kosovo, ANT Netherlands Antilles -> CUW Curacao as proxy); {log["rpw_corridors_2019"]}
corridors have 2019 quarters (mean {log["rpw_global_mean_2019"]:.2f} %), of which
{log["rpw_2019_unused"]} have no UN DESA 2020 stock in the reverse direction (UN DESA gives few
origins for some destinations, e.g. GBR and DEU, and puts the rest under "unknown origin"), so
they only enter the origin and destination means. In order:

1. mean of the corridor's 2019 quarters (`rpw_2019`: {price.get("rpw_2019", 0)} rows);
2. mean of the quarters of the nearest surveyed year, earlier year on a tie
   (`rpw_nearest_year`: {price.get("rpw_nearest_year", 0)} rows);
3. mean 2019 price of RPW corridors into the same origin (`origin_mean`: {price.get("origin_mean", 0)} rows);
4. mean 2019 price of RPW corridors out of the same destination (`destination_mean`:
   {price.get("destination_mean", 0)} rows);
5. global 2019 mean {log["rpw_global_mean_2019"]:.2f} % (`global_mean`: {price.get("global_mean", 0)} rows).

### Distance and dummies

CEPII GeoDist has no row (or no distw) for {log["distance_great_circle"]} corridors (economies
created after ~2011 or tiny territories, e.g. SRB, MNE, XKX, SSD, CUW, SXM): their distance is the
great-circle (haversine, R = 6371 km) distance between capitals, and their dummies are 0
({log["dummies_missing"]} rows with missing dummies).

### Bilateral remittances

{log["bilat_matched"]} corridors match a matrix entry, carrying US$ {log["bilat_matched_usd"] / 1e9:.1f} bn
of the matrix's US$ {log["bilat_total_usd"] / 1e9:.1f} bn (the rest sits on pairs with no 2020 UN DESA stock
or with an end outside `countries.csv`). The matrix is a modelled estimate (migrant stocks and
incomes), not reported flows; China's receipts follow the Oct-2019 KNOMAD figure, well above
today's WDI series.

## `country_years.csv` (one row per economy and year with a WDI figure, sorted by iso3, year)

| column | publisher | dataset / series | year | transformation |
|---|---|---|---|---|
| iso3 | World Bank | WDI | - | ISO3, the economies of `countries.csv` |
| year | - | - | {log["country_years_span"][0]}-{log["country_years_span"][1]} | calendar year |
| remittances_received_usd | World Bank | WDI `BX.TRF.PWKR.CD.DT` personal remittances, received | year | current USD, rounded to 1e5; blank = not reported |
| remittances_paid_usd | World Bank | WDI `BM.TRF.PWKR.CD.DT` personal remittances, paid | year | current USD, rounded to 1e5; blank = not reported |

{log["country_years_rows"]} rows. The model calibrates each origin's remittance share to the
figure of its start year (2019's for a start in 2020, the table's last year).

## `prices.csv` (one row per surveyed corridor of `corridors.csv` and year, sorted)

| column | publisher | dataset / series | year | transformation |
|---|---|---|---|---|
| origin, destination | World Bank | Remittance Prices Worldwide | - | ISO3; RPW receiving country = origin, sending = destination |
| year | - | - | 2011-2020 | calendar year (2020: Q1-Q3) |
| price_pct | World Bank | RPW `ATCR.CORR` average total cost to send USD 200 | year | percent, mean of the year's quarters, 2 decimals |

Corridors surveyed per year: {", ".join(f"{y} {n}" for y, n in log["prices_per_year"].items())}.
A run starting in year Y takes the year's price on these corridors (2011's before 2011); the
other corridors keep `remittance_price_pct` scaled by the median change between 2019 and Y of
the corridors surveyed in both years.
"""
    (out / "SOURCES.md").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> tuple[dict[str, Path], Path]:
    """Resolve every input path: explicit option, else --data-dir/standard name."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path,
                   help="folder holding the input files under their standard names")
    for key, fname in STANDARD_FILES.items():
        p.add_argument("--" + key.replace("_", "-"), type=Path, dest=key,
                       help=f"path to {fname}")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="output folder (default: model/world/data)")
    ns = p.parse_args(argv)
    paths: dict[str, Path] = {}
    for key, fname in STANDARD_FILES.items():
        given = getattr(ns, key)
        if given is None and ns.data_dir is not None:
            given = ns.data_dir / fname
        if given is None:
            p.error(f"--{key.replace('_', '-')} is required (or give --data-dir)")
        if not given.is_file():
            p.error(f"input file not found: {given}")
        paths[key] = given
    return paths, ns.out


def check_default_coverage(countries: pd.DataFrame, corridors: pd.DataFrame) -> None:
    """Warn if the default world misses a top-30 corridor or top-20 recipient."""
    default = set(countries.loc[countries["in_default"] == 1, "iso3"])
    top = corridors.nlargest(30, "stock_2020")
    miss = top[~(top["origin"].isin(default) & top["destination"].isin(default))]
    rec = countries.nlargest(20, "remittances_received_usd_2019")
    miss_rec = sorted(set(rec["iso3"]) - default)
    print("default world covers the top-30 corridors: "
          + ("yes" if miss.empty else "NO, misses " + ", ".join(miss["origin"] + "->" + miss["destination"])))
    print("default world covers the top-20 WDI recipients 2019: "
          + ("yes" if not miss_rec else "NO, misses " + ", ".join(miss_rec)))


def report(countries: pd.DataFrame, corridors: pd.DataFrame, out: Path, log: Log) -> None:
    """Print the headline numbers a reviewer checks after regenerating."""
    default = set(countries.loc[countries["in_default"] == 1, "iso3"])
    in_def = corridors["origin"].isin(default) & corridors["destination"].isin(default)
    dc = corridors[in_def]
    rpw = corridors[corridors["price_source"] == "rpw_2019"]
    print(f"fitted k (ILO earnings / monthly GDP pc, high income with GDP pc >= "
          f"{K_FIT_MIN_GDP_PC:,.0f} USD, n={log['k_n']}): {log['k']:.4f} "
          f"(all high income, n={log['k_all'][1]}: {log['k_all'][0]:.4f})")
    print("wages from imputed GDP pc (stale, before "
          f"{WAGE_GDP_MIN_YEAR}): {_list(f'{i} {y}' for i, y in log['wage_gdppc_stale'])}")
    print(f"countries: {len(countries)} (default world: {len(default)})")
    print(f"corridors: {len(corridors)}")
    print(f"dropped (end not in countries.csv): {log['ims_dropped_rows']} rows, "
          f"{log['ims_dropped_stock'] / 1e6:.3f} M people")
    print(f"total stock 2020: {corridors['stock_2020'].sum() / 1e6:.1f} M")
    print(f"default-world corridors: {len(dc)}, stock {dc['stock_2020'].sum() / 1e6:.1f} M")
    print(f"share of default-world corridors with rpw_2019 price: "
          f"{(dc['price_source'] == 'rpw_2019').mean():.1%}")
    print(f"mean RPW 2019 price over rpw_2019 corridors: "
          f"{rpw['remittance_price_pct'].mean():.2f} % (n={len(rpw)})")
    check_default_coverage(countries, corridors)
    for year in STOCK_YEARS:
        print(f"stock {year}: {corridors[f'stock_{year}'].sum() / 1e6:.1f} M, of whom "
              f"refugees and asylum seekers (UNHCR) {log[f'refugees_{year}'] / 1e6:.1f} M")
    for name in ("countries.csv", "corridors.csv", "country_years.csv", "prices.csv",
                 "SOURCES.md"):
        print(f"{name}: {(out / name).stat().st_size / 1024:.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    """Derive both tables, write them and SOURCES.md, print a report."""
    paths, out = parse_args(argv)
    log = Log()
    countries = build_countries(paths, log)
    corridors = build_corridors(paths, countries, log)
    out.mkdir(parents=True, exist_ok=True)
    countries.to_csv(out / "countries.csv", index=False, lineterminator="\n")
    corridors.to_csv(out / "corridors.csv", index=False, lineterminator="\n")
    build_country_years(paths["wdi_remittances"], countries, log).to_csv(
        out / "country_years.csv", index=False, lineterminator="\n")
    build_prices(paths["rpw"], corridors, log).to_csv(
        out / "prices.csv", index=False, lineterminator="\n")
    write_sources(out, log)
    report(countries, corridors, out, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
