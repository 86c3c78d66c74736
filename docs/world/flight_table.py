"""flight.csv: the built-in flight history, fitted to UNHCR's year-on-year changes by origin.

No event data are shipped (issue 23): the people who fled abroad from an origin in a calendar
year are read off UNHCR's end-year stocks and its durable solutions,

    flight(o, y) = max(0, D(o, y) - D(o, y - 1) + returned_refugees(o, y) + naturalisation(o, y))

where D(o, y) is the refugees + asylum seekers + other people in need of international
protection (oip) from origin o at the end of year y in every country of asylum of the global
world (the ends of ``corridors.csv``), and the solutions are UNHCR's returns to o and
naturalisations of o's refugees in those countries that year (people who left the stock without
ending the count of arrivals). Resettlement moves people between hosts and does not count.
The groups' own changes are kept for a run to split the arrivals by status:
``refugees_in`` = R(y) - R(y - 1) + the year's returns and naturalisations (the refugees' net
arrivals: direct recognitions on arrival, prima facie or temporary protection counted as
refugees, plus the claims the hosts granted), ``asylum_change`` = A(y) - A(y - 1) and
``oip_in`` = O(y) - O(y - 1) (signed), with ``asylum_seekers`` = A(y - 1), the origin's asylum
seekers at the year's start, and ``displaced`` = D(y - 1).
``model.world.loader.history_arrivals`` splits them with a run's own asylum decisions (decision rate d, recognition share r): claims = max(0, asylum_change +
d A), direct refugees = max(0, refugees_in - d r A), oip = max(0, oip_in); so the claims its
decisions grant are not counted again as refugees, and the claims they reject, which UNHCR's
net changes leave out, are added. What the three terms fall below 0 is the people who left the
counts otherwise (other residence permits, deregistration, onward movement): a run ends their
status at that share of ``displaced`` in the year (``history_exits``). UNHCR first counted Venezuelans as oip at end-2018, so that
year's flight from Venezuela is largely the count beginning, not only people leaving.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from displaced_table import GROUPS, unhcr_end_year
from helpers import Log, read_csv

FLIGHT_YEARS = tuple(range(2010, 2021))
FLIGHT_COLUMNS = ["origin", "year", "flight", "refugees_in", "asylum_change", "oip_in",
                  "asylum_seekers", "displaced"]
# Solutions that take people out of the stocks at the origin's side: returns and local
# integration (resettlement only moves them to another host, within D).
LEAVING = ("returned_refugees", "naturalisation")


def world_stocks(population: Path, iso: set[str]) -> pd.DataFrame:
    """End-year D and its three groups per origin and year, over the asylum countries among
    `iso`."""
    end_year = unhcr_end_year(population).reset_index()
    end_year = end_year[end_year["destination"].isin(iso)]
    end_year["displaced"] = end_year[list(GROUPS)].sum(axis=1)
    return end_year.groupby(["origin", "year"])[["displaced", *GROUPS]].sum()


def world_solutions(solutions: Path, iso: set[str]) -> pd.Series:
    """Returns and naturalisations per origin and year, from asylum countries among `iso`."""
    sol = read_csv(solutions)
    sol = sol[(sol["coo_iso"] != sol["coa_iso"]) & sol["coa_iso"].isin(iso)]
    sol = sol.rename(columns={"coo_iso": "origin"})
    leaving = sol[list(LEAVING)].fillna(0.0).sum(axis=1)
    return leaving.groupby([sol["origin"], sol["year"]]).sum()


def build_flight(population: Path, solutions: Path, corridors: pd.DataFrame,
                 log: Log) -> pd.DataFrame:
    """flight.csv: people who fled abroad per origin of the global world and calendar year
    2010-2020, the three groups' changes and the asylum seekers at the year's start; rows with
    any of them not 0."""
    iso = set(corridors["origin"]) | set(corridors["destination"])
    stocks = world_stocks(population, iso)
    leaving = world_solutions(solutions, iso)
    years = range(FLIGHT_YEARS[0] - 1, FLIGHT_YEARS[-1] + 1)
    origins = sorted(set(corridors["origin"]))
    idx = pd.MultiIndex.from_product([origins, years], names=["origin", "year"])
    d = stocks.reindex(idx, fill_value=0.0).unstack("year")
    left = leaving.reindex(idx, fill_value=0.0).unstack("year")
    rows = []
    for year in FLIGHT_YEARS:
        change = d[("displaced", year)] - d[("displaced", year - 1)]
        flight = np.maximum(change + left[year], 0.0)
        change_of = {g: (d[(g, year)] - d[(g, year - 1)]).to_numpy() for g in GROUPS}
        rows.append(pd.DataFrame({
            "origin": d.index, "year": year,
            "flight": np.round(flight.to_numpy()).astype(np.int64),
            "refugees_in": np.round(change_of["refugees"] + left[year].to_numpy()).astype(np.int64),
            "asylum_change": np.round(change_of["asylum_seekers"]).astype(np.int64),
            "oip_in": np.round(change_of["oip"]).astype(np.int64),
            "asylum_seekers": np.round(d[("asylum_seekers", year - 1)].to_numpy()
                                       ).astype(np.int64),
            "displaced": np.round(d[("displaced", year - 1)].to_numpy()).astype(np.int64)}))
    out = pd.concat(rows, ignore_index=True)
    out = out[(out[FLIGHT_COLUMNS[2:]] != 0).any(axis=1)]
    out = out.sort_values(["origin", "year"])[FLIGHT_COLUMNS]
    out = out.reset_index(drop=True)
    log_flight(out, d, log)
    return out


def log_flight(flight: pd.DataFrame, d: pd.DataFrame, log: Log) -> None:
    """Counts and the check figures SOURCES.md states (Syrians, Venezuelans)."""
    log.set("flight_rows", int(len(flight)))
    log.set("flight_origins", int(flight["origin"].nunique()))
    log.set("flight_total", float(flight["flight"].sum()))
    by = flight.set_index(["origin", "year"])
    log.set("flight_syr_2011_2015", float(by.loc["SYR", "flight"].loc[2011:2015].sum()))
    log.set("flight_ven_2015_2019", float(by.loc["VEN", "flight"].loc[2015:2019].sum()))
    ven = by.loc["VEN"].loc[2015:2019]
    log.set("flight_ven_oip_2015_2019", float(ven["oip_in"].clip(lower=0).sum()))
    log.set("flight_ven_2018", float(by.loc[("VEN", 2018), "flight"]))
    log.set("flight_oip_ven_2018", float(by.loc[("VEN", 2018), "oip_in"]))
    log.set("displaced_ven_end_2019", float(d.loc["VEN", ("displaced", 2019)]))
    log.set("displaced_syr_end_2015", float(d.loc["SYR", ("displaced", 2015)]))
    top = flight.groupby("origin")["flight"].sum().nlargest(5)
    log.set("flight_top", [f"{o} {n / 1e6:.2f} M" for o, n in top.items()])
    per_year = flight.groupby("year")["flight"].sum()
    log.set("flight_by_year", [f"{y} {n / 1e6:.2f} M" for y, n in per_year.items()])
