"""Build the model's world (countries and corridors) from the shipped tables or a user's file.

The shipped tables in `model/world/data/` are derived by `model.world.derive` from the
publishers' files (UN DESA, World Bank WDI / KNOMAD / RPW, OECD DIOC, CEPII, GeoNames, ILOSTAT);
`data/SOURCES.md` says where every column comes from.

Presets:
- `default`: the countries flagged `in_default` (about 55, every region, the largest corridors)
  and the corridors among them;
- `global`: every country and corridor with a UN DESA 2020 stock;
- a file path (`world=custom world.path=FILE`): a user's corridor table, see `model.world.custom`.

Stocks at the start year are interpolated linearly between the UN DESA 2015 and 2020 estimates.
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
CORRIDOR_COLUMNS = ["origin", "destination", "stock_2015", "stock_2020", "high_skill_share",
                    "remittance_price_pct", "distance_km", "remittances_usd_2018"]


@dataclass
class World:
    """Countries and corridors of one run, with integer country indices on the corridors.

    Attributes:
        countries: one row per country in the run (index 0..C-1 is the country's model index).
        corridors: one row per origin->destination corridor: `o`, `d` (country indices),
            `stock` (people at the start year), `trend_per_year` (people per year, from the
            2015-2020 change), and the corridor attributes of the shipped table.
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
def overqualification() -> pd.DataFrame:
    """Published over-qualification rates of employed tertiary-educated immigrants by
    destination (`overqualification.csv`: iso3, foreign_born_rate, native_born_rate, year,
    source; one source per row)."""
    return _read(DATA_DIR / "overqualification.csv", ["iso3", "foreign_born_rate", "source"])


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: shipped table lacks columns {missing}; "
                         "regenerate it with python -m model.world.derive")
    return df


def interpolate_stock(s2015: np.ndarray, s2020: np.ndarray, year: int) -> np.ndarray:
    """Linear interpolation between the two UN DESA estimates (both are mid-year stocks)."""
    w = (year - 2015) / 5.0
    return (1.0 - w) * s2015 + w * s2020


def load_world(name: str, path: str | None, start_year: int) -> World:
    """Build the world of a run. `name` is default, global or custom (then `path` is read)."""
    countries = shipped_countries()
    corridors = shipped_corridors()
    if name == "default":
        keep = set(countries.loc[countries["in_default"] == 1, "iso3"])
        corridors = corridors[corridors["origin"].isin(keep) & corridors["destination"].isin(keep)]
    elif name == "custom":
        corridors = _custom_corridors(path, countries, corridors)
    corridors = corridors.copy()
    if name != "custom":
        corridors["stock"] = interpolate_stock(corridors["stock_2015"].to_numpy(float),
                                               corridors["stock_2020"].to_numpy(float),
                                               start_year)
        corridors["trend_per_year"] = (corridors["stock_2020"] - corridors["stock_2015"]) / 5.0
    corridors = corridors[corridors["stock"] > 0]
    used = pd.unique(pd.concat([corridors["origin"], corridors["destination"]]))
    countries = countries[countries["iso3"].isin(used)].sort_values("iso3").reset_index(drop=True)
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
    merged = user.merge(shipped.drop(columns=["stock_2015", "stock_2020"]),
                        on=["origin", "destination"], how="left", suffixes=("", "_shipped"))
    for col in ("high_skill_share", "remittance_price_pct", "distance_km"):
        if f"{col}_shipped" in merged:
            merged[col] = merged[col].fillna(merged.pop(f"{col}_shipped"))
        # Pairs the shipped tables do not know get the median of the shipped corridors.
        merged[col] = merged[col].fillna(float(shipped[col].median()))
    merged["remittances_usd_2018"] = merged["remittances_usd_2018"].fillna(0.0)
    merged["stock_2015"] = merged["stock"]
    merged["stock_2020"] = merged["stock"]
    merged["trend_per_year"] = 0.0
    return merged
