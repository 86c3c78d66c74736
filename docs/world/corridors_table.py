"""corridors.csv and prices.csv: one row per origin -> destination pair, and per pair and year.

A corridor is an origin (country of birth) -> destination (country of residence) pair with a
UN DESA stock in 2020; remittances flow the other way, so RPW's sending country is the
corridor's destination. The rules and their row counts are written out in SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from helpers import Log, great_circle_km, read_csv

CORRIDOR_COLUMNS = [
    "origin", "destination", "stock_2005", "stock_2010", "stock_2015", "stock_2020",
    "refugees_2005", "refugees_2010", "refugees_2015", "refugees_2020", "high_skill_share",
    "skill_source", "remittance_price_pct", "price_source", "distance_km",
    "contiguous", "common_language", "colonial_link", "remittances_usd_2018",
]

# Gulf and South-South migration is more low-skilled than migration to the
# OECD; DIOC only covers OECD destinations, so we scale the origin share.
NON_OECD_SKILL_FACTOR = 0.5
SKILL_SHARE_CLIP = (0.02, 0.9)

# RPW (DataBank export) still uses two non-ISO codes: Kosovo as KSV (the World
# Bank's code elsewhere is XKX) and the dissolved Netherlands Antilles (ANT),
# whose largest successor, Curacao (CUW), stands in for it.
RPW_CODE_FIX = {"KSV": "XKX", "ANT": "CUW"}

# The UN DESA estimates the model starts from (a start year between two is interpolated) and
# the one before the earliest start, for a trend that uses only data before the start.
STOCK_YEARS = (2005, 2010, 2015, 2020)


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

