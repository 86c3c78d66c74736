"""displaced.csv and solutions.csv: UNHCR's forced displacement on the shipped corridors.

``displaced.csv`` splits the people in need of international protection that corridors.csv
sums in ``refugees_YYYY`` into UNHCR's three groups, for every mid-year 2010-2020 (a run's start
year reads its own year); ``solutions.csv`` holds UNHCR's durable solutions per year. UNHCR
counts stocks at the end of a year, UN DESA at mid-year, so mid-year Y is the mean of the
end-year counts of Y-1 and Y, as for ``refugees_YYYY``. The loader's rule where UNHCR counts
more than UN DESA (a floor on the stock) is measured here for SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from helpers import Log, read_csv

# Mid-years a run can start in (the loader's START_YEARS) and the three groups counted.
DISPLACED_YEARS = tuple(range(2010, 2021))
GROUPS = ("refugees", "asylum_seekers", "oip")
DISPLACED_COLUMNS = ["origin", "destination", "year", *GROUPS]
SOLUTIONS = ("returned_refugees", "resettlement", "naturalisation")
SOLUTION_COLUMNS = ["origin", "destination", "year", *SOLUTIONS]
# The UN DESA estimates between which the loader interpolates a start year's stock.
ESTIMATES = (2010, 2015, 2020)


def unhcr_end_year(path: Path) -> pd.DataFrame:
    """UNHCR's end-year counts of the three groups per origin, asylum country and year
    (people abroad only: origin = asylum country rows are internally displaced or returnees)."""
    unhcr = read_csv(path)
    unhcr = unhcr[unhcr["coo_iso"] != unhcr["coa_iso"]]
    out = unhcr[["year", "coo_iso", "coa_iso", *GROUPS]].rename(
        columns={"coo_iso": "origin", "coa_iso": "destination"})
    out[list(GROUPS)] = out[list(GROUPS)].fillna(0.0)
    return out.groupby(["origin", "destination", "year"])[list(GROUPS)].sum()


def mid_year(end_year: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mean of the end-year counts of year-1 and year per (origin, destination), 0 if absent."""
    wide = end_year.unstack("year", fill_value=0.0)
    cols = {g: 0.5 * (wide[(g, year - 1)] + wide[(g, year)]) for g in GROUPS}
    return pd.DataFrame(cols)


def round_to_total(values: np.ndarray) -> np.ndarray:
    """Whole people per group that add up to the rounded total (as ``refugees_YYYY`` rounds it),
    so the economic stocks net of the displaced equal corridors.csv's at the UN DESA years:
    each group is rounded down and the units left go to the groups with the largest
    remainders, the first group in GROUPS order on a tie."""
    down = np.floor(values)
    left = (np.round(values.sum(axis=1)) - down.sum(axis=1)).astype(np.int64)
    # Stable sort: among equal remainders the earlier group comes first.
    order = np.argsort(-(values - down), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return (down + (rank < left[:, None])).astype(np.int64)


def build_displaced(path: Path, corridors: pd.DataFrame, log: Log) -> pd.DataFrame:
    """displaced.csv: refugees, asylum seekers and oip per shipped corridor and mid-year."""
    end_year = unhcr_end_year(path)
    idx = pd.MultiIndex.from_arrays([corridors["origin"], corridors["destination"]])
    frames = []
    for year in DISPLACED_YEARS:
        mid = mid_year(end_year, year).reindex(idx).fillna(0.0)
        frame = mid.reset_index()
        frame.columns = ["origin", "destination", *GROUPS]
        frame.insert(2, "year", year)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out[list(GROUPS)] = round_to_total(out[list(GROUPS)].to_numpy())
    out = out[(out[list(GROUPS)] > 0).any(axis=1)]
    out = out.sort_values(["origin", "destination", "year"])[DISPLACED_COLUMNS]
    log.set("displaced_rows", int(len(out)))
    log.set("displaced_corridors", int(len(out[["origin", "destination"]].drop_duplicates())))
    log_checks(end_year, out, log)
    log_floor(out, corridors, log)
    log_coverage(end_year, out, corridors, log)
    return out.reset_index(drop=True)


def log_checks(end_year: pd.DataFrame, displaced: pd.DataFrame, log: Log) -> None:
    """UNHCR's published check figures, recomputed from the file, and the shipped table's."""
    totals = end_year.groupby(level="year").sum()
    log.set("unhcr_refugees_end_2019", float(totals.loc[2019, "refugees"]))
    log.set("unhcr_refugees_end_2020", float(totals.loc[2020, "refugees"]))
    log.set("unhcr_asylum_seekers_end_2019", float(totals.loc[2019, "asylum_seekers"]))
    log.set("unhcr_syr_tur_end_2020", float(end_year.loc[("SYR", "TUR", 2020), "refugees"]))
    syr_tur = displaced.set_index(["origin", "destination", "year"])
    log.set("displaced_syr_tur_2010", float(syr_tur.loc[("SYR", "TUR", 2010), list(GROUPS)].sum()))
    log.set("displaced_syr_tur_2020", float(syr_tur.loc[("SYR", "TUR", 2020), list(GROUPS)].sum()))
    for year in ESTIMATES:
        rows = displaced[displaced["year"] == year]
        log.set(f"displaced_{year}", float(rows[list(GROUPS)].sum().sum()))
        log.set(f"displaced_refugees_{year}", float(rows["refugees"].sum()))
        log.set(f"unhcr_abroad_{year}", float(mid_year(end_year, year).sum().sum()))


def global_start_stock(corridors: pd.DataFrame, year: int) -> np.ndarray:
    """The global world's UN DESA stock at a start year (the loader's default trend "within":
    linear between the estimates around the year)."""
    lo = 2010 if year < 2015 else 2015
    w = (year - lo) / 5.0
    return ((1.0 - w) * corridors[f"stock_{lo}"].to_numpy(float)
            + w * corridors[f"stock_{lo + 5}"].to_numpy(float))


def log_floor(displaced: pd.DataFrame, corridors: pd.DataFrame, log: Log) -> None:
    """How much the loader's floor (stock raised to UNHCR's count where UNHCR counts more, on the
    corridors with a UN DESA stock at the start year) adds to the global world's UN DESA total,
    and what a cap (the displaced cut to the stock) would take from UNHCR's instead."""
    idx = pd.MultiIndex.from_arrays([corridors["origin"], corridors["destination"]])
    per_year = displaced.set_index(["origin", "destination", "year"])[list(GROUPS)].sum(axis=1)
    rows = []
    for year in DISPLACED_YEARS:
        stock = global_start_stock(corridors, year)
        people = per_year.xs(year, level="year").reindex(idx).fillna(0).to_numpy(float)
        world = stock > 0
        over = world & (people > stock)
        excess = float((people - stock)[over].sum())
        rows.append((year, int(over.sum()), excess, excess / stock[world].sum(),
                     excess / people[world].sum()))
        if year in ESTIMATES:
            log.set(f"floor_{year}_corridors", int(over.sum()))
            log.set(f"floor_{year}_people", excess)
            log.set(f"floor_{year}_desa_share", excess / stock[world].sum())
            log.set(f"floor_{year}_unhcr_share", excess / people[world].sum())
    log.set("floor_by_year", rows)


def log_coverage(end_year: pd.DataFrame, displaced: pd.DataFrame, corridors: pd.DataFrame,
                 log: Log) -> None:
    """The displaced on the global world's corridors against UNHCR's count between the world's
    countries (the rest sit on pairs with no UN DESA stock, mostly where UN DESA gives few
    origins, e.g. DEU, GBR, FRA) and against UNHCR's count of people abroad."""
    for year in ESTIMATES:
        world = corridors[corridors[f"stock_{year}"] > 0]
        iso = set(world["origin"]) | set(world["destination"])
        mid = mid_year(end_year, year).sum(axis=1)
        origin = mid.index.get_level_values(0)
        destination = mid.index.get_level_values(1)
        between = float(mid[origin.isin(iso) & destination.isin(iso)].sum())
        rows = displaced[displaced["year"] == year].merge(world[["origin", "destination"]])
        log.set(f"world_displaced_{year}", float(rows[list(GROUPS)].sum().sum()))
        log.set(f"world_refugees_{year}", float(rows["refugees"].sum()))
        log.set(f"world_desa_{year}", float(world[f"stock_{year}"].sum()))
        log.set(f"unhcr_between_{year}", between)


def build_solutions(path: Path, countries: pd.DataFrame, log: Log) -> pd.DataFrame:
    """solutions.csv: UNHCR's durable solutions per origin, asylum country and year, 2010-2020,
    between economies of countries.csv."""
    sol = read_csv(path)
    sol = sol[sol["year"].between(DISPLACED_YEARS[0], DISPLACED_YEARS[-1])
              & (sol["coo_iso"] != sol["coa_iso"])]
    sol = sol.rename(columns={"coo_iso": "origin", "coa_iso": "destination"})
    sol[list(SOLUTIONS)] = sol[list(SOLUTIONS)].fillna(0.0)
    known = set(countries["iso3"])
    keep = sol["origin"].isin(known) & sol["destination"].isin(known)
    for s in SOLUTIONS:
        log.set(f"solutions_{s}", float(sol.loc[keep, s].sum()))
        log.set(f"solutions_{s}_dropped", float(sol.loc[~keep, s].sum()))
    out = sol[keep & (sol[list(SOLUTIONS)] > 0).any(axis=1)].copy()
    for s in SOLUTIONS:
        out[s] = np.round(out[s].to_numpy()).astype(np.int64)
    log.set("solutions_rows", int(len(out)))
    return out.sort_values(["origin", "destination", "year"])[SOLUTION_COLUMNS].reset_index(
        drop=True)
