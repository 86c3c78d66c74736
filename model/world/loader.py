"""Build the model's world (countries and corridors) from the shipped tables or a user's file.

The shipped tables in `model/world/data/` are derived by `docs/world/derive.py` from the
publishers' files (UN DESA, World Bank WDI / KNOMAD / RPW, OECD DIOC, CEPII, GeoNames, ILOSTAT);
`data/SOURCES.md` says where every column comes from.

Presets:
- `default`: the countries flagged `in_default` (about 55, every region, the largest corridors)
  and the corridors among them;
- `global`: every country and corridor with a UN DESA 2020 stock;
- a file path (`world=custom world.path=FILE`): a user's corridor table, see `model.world.custom`.

Start years 2010-2020. The stock at the start year is interpolated linearly between the UN DESA
estimates (2010, 2015, 2020) around it, and the corridor's trend is the change over those five
years (`trend="within"`, the default); `trend="before"` uses only estimates up to the start
year (the five years before the last estimate at or before it, extrapolated to the start), which
is what a forecast made at the start could know. `migrants="economic"` takes the UNHCR refugees,
asylum seekers and other people in need of international protection out of every stock, so that
flight is not read as a response to wages (the calibration fits on these stocks).

The trend is economic in every `migrants` mode: the change of the stock net of the three UNHCR
groups of the same years (`refugees_YYYY`, floored at zero as the economic stock), since flight
now comes only from conflict events on the shock timeline (`model.processes.displacement`) and a
war corridor's surge (SYR->TUR 2015-2020) is not a labour trend to continue. With
`migrants="all"` the displaced of the start year stay within `stock`, which is unchanged (with
`trend="before"` it is still extrapolated with the whole stock's trend). Measured at a 2019
start: the default world's total trend falls from 2.66 to 1.61 M people a year ("within") and
from 3.71 to 3.00 M ("before"); the global world's from 4.86 to 2.73 M and from 5.59 to
4.11 M. The largest changes ("within"): VEN->COL +353k -> 0 a year, SYR->TUR +346k -> +30k,
VEN->PER +198k -> +7k, SSD->UGA +139k -> 0, MMR->BGD +134k -> +8k. A corridor without
displaced in any of the years keeps its trend exactly.

Forced displacement (`displaced.csv`, UNHCR): a shipped world's corridors carry the refugees,
asylum seekers and other people in need of international protection (`refugees`,
`asylum_seekers`, `oip`, people at mid-year of the start year; 0 where UNHCR has none; a custom
world gets zeros). They are a legal status within the stock, never added on top. Where UNHCR
counts more than UN DESA's stock (UNHCR registers, UN DESA estimates by place of birth), the
rule is a floor: with `migrants="all"` the stock is raised to UNHCR's count (the three groups
summed), on corridors with a UN DESA stock at the start year. Measured on the global world
(SOURCES.md): 116 corridors, +0.39 M people (0.19% of UN DESA's total) in 2010; 140, +0.32 M
(0.14%) in 2015; 185, +0.47 M (0.19%) in 2020; at most 237 corridors (2019) and +1.9 M (0.8%,
2018). A cap (displaced cut to the stock) would change no UN DESA total but lose 3.8% of UNHCR's
people in 2010 and 8% in 2018, beyond the 2% the start year must reproduce. With
`migrants="economic"` the displaced are not within `stock`: it is as before, net of them and
floored at zero (the floor does not change it: max(s, D) - D = max(s - D, 0)); at 2010, 2015 and
2020 it equals the floored stock minus the displaced exactly; in between it is interpolated
between those, not the stock minus the start year's displaced (in 2019 the two differ by 1.7 M
people summed over the global world's corridors). Corridors with no economic migrants are left
out of an economic world with their displaced (4.5 M people in 2020).

Flight (`flight.csv`): people who fled abroad per origin and calendar year 2010-2020, fitted to
UNHCR's year-on-year changes (not event data; SOURCES.md); `flight_timeline` turns it into
conflict events of the shock timeline, the only source of flight in a run.

Remittances received by country are the WDI figure of the start year (2019 for 2020, the last
in the table); remittance prices are RPW's of the start year (2011's before 2011), see
`start_prices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"

COUNTRY_COLUMNS = ["iso3", "name", "region", "income_group", "population", "gdp_usd",
                   "gdp_per_capita_usd", "wage_low_usd_month", "wage_high_usd_month",
                   "unemployment_pct", "remittances_received_usd_2019",
                   "remittances_paid_usd_2019", "lat", "lon", "in_default"]
CORRIDOR_COLUMNS = ["origin", "destination", "stock_2005", "stock_2010", "stock_2015",
                    "stock_2020", "refugees_2005", "refugees_2010", "refugees_2015",
                    "refugees_2020", "high_skill_share", "remittance_price_pct", "distance_km",
                    "remittances_usd_2018"]
# UNHCR's groups in displaced.csv (people at mid-year, one row per corridor and year 2010-2020).
DISPLACED_GROUPS = ("refugees", "asylum_seekers", "oip")
# The calendar years of flight.csv (the built-in flight history), first and last.
FLIGHT_YEARS = (2010, 2020)
# UN DESA estimate years in corridors.csv; a run starts between the second and the last.
STOCK_YEARS = (2005, 2010, 2015, 2020)
START_YEARS = (2010, 2020)
TRENDS = ("within", "before")
MIGRANTS = ("all", "economic")
# The last year of WDI remittances in country_years.csv, and RPW's first and last years.
LAST_REMITTANCE_YEAR = 2019
PRICE_YEARS = (2011, 2020)
PRICE_REFERENCE_YEAR = 2019  # the year of corridors.csv's remittance_price_pct


@dataclass
class World:
    """Countries and corridors of one run, with integer country indices on the corridors.

    Attributes:
        countries: one row per country in the run (index 0..C-1 is the country's model index).
        corridors: one row per origin->destination corridor: `o`, `d` (country indices),
            `stock` (people at the start year), `trend_per_year` (people per year, the change
            of the economic stock, net of the displaced, over the trend's five years),
            `refugees`, `asylum_seekers`, `oip` (UNHCR, people at the start
            year, within `stock` with migrants="all"), and the corridor attributes of the
            shipped table.
        name: the preset name or the custom file's path.
    """

    countries: pd.DataFrame
    corridors: pd.DataFrame
    name: str


@cache
def shipped_countries() -> pd.DataFrame:
    """The shipped country table (all economies)."""
    return _read(DATA_DIR / "countries.csv", COUNTRY_COLUMNS)


@cache
def shipped_corridors() -> pd.DataFrame:
    """The shipped corridor table (every UN DESA corridor with a 2020 stock)."""
    return _read(DATA_DIR / "corridors.csv", CORRIDOR_COLUMNS)


@cache
def country_years() -> pd.DataFrame:
    """WDI remittances received and paid per country and year (`country_years.csv`)."""
    return _read(DATA_DIR / "country_years.csv",
                 ["iso3", "year", "remittances_received_usd", "remittances_paid_usd"])


@cache
def corridor_prices() -> pd.DataFrame:
    """RPW yearly mean price per surveyed corridor (`prices.csv`: origin, destination, year,
    price_pct)."""
    return _read(DATA_DIR / "prices.csv", ["origin", "destination", "year", "price_pct"])


@cache
def overqualification() -> pd.DataFrame:
    """Published over-qualification rates of employed tertiary-educated immigrants by
    destination (`overqualification.csv`: iso3, foreign_born_rate, native_born_rate, year,
    source; one source per row)."""
    return _read(DATA_DIR / "overqualification.csv", ["iso3", "foreign_born_rate", "source"])


@cache
def shipped_displaced() -> pd.DataFrame:
    """UNHCR's refugees, asylum seekers and other people in need of international protection
    per shipped corridor and mid-year 2010-2020 (`displaced.csv`; absent rows are 0)."""
    return _read(DATA_DIR / "displaced.csv", ["origin", "destination", "year",
                                              *DISPLACED_GROUPS])


@cache
def shipped_solutions() -> pd.DataFrame:
    """UNHCR's durable solutions per shipped origin, country of asylum and year 2010-2020
    (`solutions.csv`: returned_refugees, resettlement, naturalisation; absent rows are 0)."""
    return _read(DATA_DIR / "solutions.csv", ["origin", "destination", "year",
                                              "returned_refugees", "resettlement",
                                              "naturalisation"])


@cache
def shipped_flight() -> pd.DataFrame:
    """People who fled abroad per origin and calendar year 2010-2020 (`flight.csv`: origin, year,
    flight, the changes refugees_in, asylum_change, oip_in, and asylum_seekers at the year's
    start; fitted to UNHCR's year-on-year changes, not event data; absent rows are 0)."""
    return _read(DATA_DIR / "flight.csv", ["origin", "year", "flight", "refugees_in",
                                           "asylum_change", "oip_in", "asylum_seekers",
                                           "displaced"])


def history_arrivals(rows: pd.DataFrame, decision_rate: float,
                     recognition_rate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrivals a year of `rows` of flight.csv, with a run's asylum decisions: (people,
    share recognised on arrival, share oip) per row; the rest are asylum claims.

    Asylum claims: max(0, asylum_change + d A); refugees recognised on arrival: max(0,
    refugees_in - d r A); oip: max(0, oip_in), with A the asylum seekers at the year's start, d
    the decision rate and r the recognition share. UNHCR's net changes leave out the claims
    rejected (d (1 - r) A a year, added here) and count the claims granted among the refugees
    (d r A, taken off here, as the run's decisions grant them)."""
    seekers = rows["asylum_seekers"].to_numpy(float)
    claims = np.maximum(rows["asylum_change"].to_numpy(float) + decision_rate * seekers, 0.0)
    refugees = np.maximum(rows["refugees_in"].to_numpy(float)
                          - decision_rate * recognition_rate * seekers, 0.0)
    oip = np.maximum(rows["oip_in"].to_numpy(float), 0.0)
    people = claims + refugees + oip
    safe = np.where(people > 0, people, 1.0)
    return people, refugees / safe, oip / safe


def history_exits(rows: pd.DataFrame, decision_rate: float,
                  recognition_rate: float) -> np.ndarray:
    """The share of each row's displaced at the year's start (`displaced`) who left UNHCR's
    counts by routes it does not count as solutions (other residence permits, deregistration,
    onward movement) in the year: what the three terms of `history_arrivals` fall below 0,
    over `displaced` (at most 1; 0 where nobody was displaced)."""
    seekers = rows["asylum_seekers"].to_numpy(float)
    short = (np.maximum(-(rows["asylum_change"].to_numpy(float) + decision_rate * seekers), 0.0)
             + np.maximum(-(rows["refugees_in"].to_numpy(float)
                            - decision_rate * recognition_rate * seekers), 0.0)
             + np.maximum(-rows["oip_in"].to_numpy(float), 0.0))
    displaced = rows["displaced"].to_numpy(float)
    return np.minimum(np.divide(short, displaced, out=np.zeros_like(short),
                                where=displaced > 0), 1.0)


def flight_timeline(origins: list[str] | None = None, start: int = FLIGHT_YEARS[0],
                    end: int = FLIGHT_YEARS[1], decision_rate: float = 0.5,
                    recognition_rate: float = 0.45) -> list[dict]:
    """The built-in flight history as conflict events of a shock timeline.

    One event per origin and calendar year from `start` to `end` (both included) with arrivals
    in `flight.csv`: kind "conflict" from the year's first day to the next's, `flight_per_year`
    the year's arrivals and `flight_refugee_share`, `flight_oip_share` their shares recognised
    on arrival and oip (`history_arrivals` with the decision settings given), and no other
    lever moved (`emigration_multiplier` 1). The sizes are for the global world's hosts (a
    smaller world sends them all to its own). Use as `MigrationModel(shocks=flight_timeline(
    ["SYR"], 2011, 2015), flight_history=False)`; the events must lie within the run (the
    config refuses those outside it).

    Args:
        origins: ISO3 codes of the origins; None: every origin with flight in those years.
        start, end: first and last calendar year, within 2010-2020.
        decision_rate, recognition_rate: the run's asylum decisions (the displacement
            settings; their defaults here are DisplacementConfig's).
    """
    if not FLIGHT_YEARS[0] <= start <= end <= FLIGHT_YEARS[1]:
        raise ValueError(f"flight_timeline years {start}-{end}: give {FLIGHT_YEARS[0]} <= start "
                         f"<= end <= {FLIGHT_YEARS[1]} (the years of flight.csv)")
    table = shipped_flight()
    rows = table[table["year"].between(start, end)]
    if origins is not None:
        unknown = sorted(set(origins) - set(shipped_countries()["iso3"]))
        if unknown:
            raise ValueError(f"flight_timeline origins: unknown country code(s) "
                             f"{', '.join(unknown)}; use ISO3 codes of countries.csv")
        rows = rows[rows["origin"].isin(origins)]
    rows = rows.sort_values(["year", "origin"])
    people, refugees, oip = history_arrivals(rows, decision_rate, recognition_rate)
    return [{"kind": "conflict", "start": float(year), "end": float(year + 1),
             "countries": [origin], "flight_per_year": float(n),
             "flight_refugee_share": float(r), "flight_oip_share": float(o),
             "emigration_multiplier": 1.0}
            for origin, year, n, r, o in zip(rows["origin"], rows["year"], people, refugees, oip)
            if n > 0]


def start_displaced(corridors: pd.DataFrame, year: int) -> pd.DataFrame:
    """The three UNHCR groups on each corridor at mid-year `year` (0 where absent), aligned
    with `corridors`' rows."""
    rows = shipped_displaced()
    rows = rows[rows["year"] == year].set_index(["origin", "destination"])
    idx = pd.MultiIndex.from_arrays([corridors["origin"], corridors["destination"]])
    out = rows.reindex(idx)[list(DISPLACED_GROUPS)].fillna(0.0)
    return pd.DataFrame(out.to_numpy(float), columns=list(DISPLACED_GROUPS),
                        index=corridors.index)


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: shipped table lacks columns {missing}; "
                         "regenerate it with python docs/world/derive.py")
    return df


def interpolate_stock(s2015: np.ndarray, s2020: np.ndarray, year: int) -> np.ndarray:
    """Linear interpolation between the two UN DESA estimates (both are mid-year stocks)."""
    w = (year - 2015) / 5.0
    return (1.0 - w) * s2015 + w * s2020


def corridor_stocks(corridors: pd.DataFrame, migrants: str = "all") -> dict[int, np.ndarray]:
    """The UN DESA estimate of each year in STOCK_YEARS per corridor; with
    `migrants="economic"`, net of UNHCR's refugees, asylum seekers and other people in need of
    international protection (floored at zero: UNHCR's end-year counts averaged to mid-year
    can exceed a small UN DESA stock)."""
    out = {}
    for year in STOCK_YEARS:
        stock = corridors[f"stock_{year}"].to_numpy(float)
        if migrants == "economic":
            stock = np.maximum(stock - corridors[f"refugees_{year}"].to_numpy(float), 0.0)
        out[year] = stock
    return out


def start_stock_and_trend(stocks: dict[int, np.ndarray], year: int,
                          trend: str = "within") -> tuple[np.ndarray, np.ndarray]:
    """(stock at the start year, trend in people a year) per corridor.

    "within": interpolated between the estimates around the start year, with their change as
    the trend (2015-2020 for a start in 2015-2020); "before": the trend of the five years up to
    the last estimate at or before the start, extrapolated from that estimate to the start."""
    if trend == "within":
        lo = max(y for y in STOCK_YEARS[1:-1] if y <= year)
        hi = lo + 5
        per_year = (stocks[hi] - stocks[lo]) / 5.0
        w = (year - lo) / 5.0
        return (1.0 - w) * stocks[lo] + w * stocks[hi], per_year
    lo = max(y for y in STOCK_YEARS[1:] if y <= year)
    per_year = (stocks[lo] - stocks[lo - 5]) / 5.0
    return np.maximum(stocks[lo] + per_year * (year - lo), 0.0), per_year


def start_remittances(countries: pd.DataFrame, year: int) -> pd.Series:
    """WDI remittances received by each country in the start year (the last year in the table
    for later starts); NaN where not reported."""
    rows = country_years()
    rows = rows[rows["year"] == min(year, LAST_REMITTANCE_YEAR)]
    return countries["iso3"].map(rows.set_index("iso3")["remittances_received_usd"])


def start_prices(corridors: pd.DataFrame, year: int) -> np.ndarray:
    """Remittance prices at the start year: RPW's mean of that year on the corridors it
    surveyed (2011's before 2011, RPW's first year); the others keep the shipped price (2019 or
    the nearest year, see SOURCES.md) scaled by the median change of the surveyed corridors
    between 2019 and that year."""
    y = int(np.clip(year, *PRICE_YEARS))
    shipped = corridors["remittance_price_pct"].to_numpy(float)
    if y == PRICE_REFERENCE_YEAR:
        return shipped
    prices = corridor_prices().set_index(["origin", "destination", "year"])["price_pct"]
    both = prices.unstack("year")[[y, PRICE_REFERENCE_YEAR]].dropna()
    scale = float(np.median(both[y] / both[PRICE_REFERENCE_YEAR])) if len(both) else 1.0
    idx = pd.MultiIndex.from_arrays([corridors["origin"], corridors["destination"],
                                     np.full(len(corridors), y)])
    surveyed = prices.reindex(idx).to_numpy(float)
    return np.where(np.isfinite(surveyed), surveyed, shipped * scale)


def load_world(name: str, path: str | None, start_year: int, trend: str = "within",
               migrants: str = "all") -> World:
    """Build the world of a run. `name` is default, global or custom (then `path` is read);
    `trend` and `migrants` as in the module docstring (shipped worlds only)."""
    countries = shipped_countries()
    corridors = shipped_corridors()
    if name == "default":
        keep = set(countries.loc[countries["in_default"] == 1, "iso3"])
        corridors = corridors[corridors["origin"].isin(keep) & corridors["destination"].isin(keep)]
    elif name == "custom":
        corridors = _custom_corridors(path, countries, corridors)
    corridors = corridors.copy()
    if name != "custom":
        stock, _ = start_stock_and_trend(corridor_stocks(corridors, migrants), start_year, trend)
        # The trend is economic in every mode: flight comes from conflict events (module
        # docstring), so the displaced's surge is not continued as a labour trend.
        _, per_year = start_stock_and_trend(corridor_stocks(corridors, "economic"), start_year,
                                            trend)
        displaced = start_displaced(corridors, start_year)
        corridors[list(DISPLACED_GROUPS)] = displaced
        if migrants == "all":
            # The floor: UNHCR's count where it exceeds UN DESA's (module docstring).
            stock = np.where(stock > 0, np.maximum(stock, displaced.sum(axis=1).to_numpy()),
                             stock)
        corridors["stock"] = stock
        corridors["trend_per_year"] = per_year
        corridors["remittance_price_pct"] = start_prices(corridors, start_year)
    corridors = corridors[corridors["stock"] > 0]
    used = pd.unique(pd.concat([corridors["origin"], corridors["destination"]]))
    countries = countries[countries["iso3"].isin(used)].sort_values("iso3").reset_index(drop=True)
    countries["remittances_received_usd"] = (
        countries["remittances_received_usd_2019"] if name == "custom"
        else start_remittances(countries, start_year))
    rates = overqualification().set_index("iso3")["foreign_born_rate"]
    countries["overqualification_rate"] = countries["iso3"].map(rates)  # NaN: not published
    index = pd.Series(np.arange(len(countries)), index=countries["iso3"])
    corridors = corridors.sort_values(["origin", "destination"]).reset_index(drop=True)
    corridors["o"] = index.loc[corridors["origin"]].to_numpy()
    corridors["d"] = index.loc[corridors["destination"]].to_numpy()
    return World(countries=countries, corridors=corridors, name=path if name == "custom" else name)


def _custom_corridors(path: str | None, countries: pd.DataFrame,
                      shipped: pd.DataFrame) -> pd.DataFrame:
    """A user's corridors, with attributes the file lacks filled from the shipped tables.

    Stocks are taken as they are (the file's year is the start year) and have no trend.
    """
    from model.world.custom import read_corridor_file

    user = read_corridor_file(path, countries)
    merged = user.merge(shipped.drop(columns=[f"{c}_{y}" for c in ("stock", "refugees")
                                              for y in STOCK_YEARS]),
                        on=["origin", "destination"], how="left", suffixes=("", "_shipped"))
    for col in ("high_skill_share", "remittance_price_pct", "distance_km"):
        if f"{col}_shipped" in merged:
            merged[col] = merged[col].fillna(merged.pop(f"{col}_shipped"))
        # Pairs the shipped tables do not know get the median of the shipped corridors.
        merged[col] = merged[col].fillna(float(shipped[col].median()))
    merged["remittances_usd_2018"] = merged["remittances_usd_2018"].fillna(0.0)
    for year in STOCK_YEARS:
        merged[f"stock_{year}"] = merged["stock"]
        merged[f"refugees_{year}"] = 0.0
    merged["trend_per_year"] = 0.0
    for group in DISPLACED_GROUPS:
        merged[group] = 0.0
    return merged
