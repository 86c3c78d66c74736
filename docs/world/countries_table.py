"""countries.csv and country_years.csv: one row per economy, and per economy and year.

The assumptions below (income-group fills, tertiary shares, skill premia, the wage floor, the
fit of the earnings ratio, the default world) are written out in SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from helpers import Log, read_csv, round_to

COUNTRY_COLUMNS = [
    "iso3", "name", "region", "income_group", "population", "gdp_usd",
    "gdp_per_capita_usd", "wage_low_usd_month", "wage_high_usd_month",
    "unemployment_pct", "unemployment_source", "remittances_received_usd_2019",
    "remittances_paid_usd_2019", "lat", "lon", "in_default", "wage_source",
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


# GeoNames lists Jersey and Guernsey separately; the World Bank's Channel
# Islands (CHI) takes the capital of the larger one (St Helier, Jersey).
CAPITAL_PROXY = {"CHI": "JEY"}

DEFAULT_WORLD = (
    "MEX USA SYR TUR RUS UKR IND ARE AFG IRN BGD CHN HKG PSE JOR PHL SAU PRI PAK "
    "YEM POL DEU VEN COL BFA CIV IDN MYS KAZ MMR THA EGY SLV DZA FRA VNM NGA BEL "
    "GTM ITA UZB NPL GBR ESP CAN AUS KWT QAT OMN LKA KOR JPN ZAF ZWE MOZ KEN ETH "
    "MAR HND ROU"
).split()

# Years of the per-country series (country_years.csv).
SERIES_YEARS = range(2005, 2021)


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

