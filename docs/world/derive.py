"""Derive the package's built-in world tables from publishers' data files.

The model ships seven small tables in ``model/world/data``:

* ``countries.csv`` - one row per economy of the World Bank classification
  (218 economies): region, income group, population, GDP, monthly wages for a
  low- and a high-skilled worker, unemployment, remittances received and paid,
  capital coordinates and a flag for the default (reduced) world;
* ``corridors.csv`` - one row per origin -> destination pair with a positive
  UN DESA migrant stock in 2020: stocks 2005-2020 and the refugees among them,
  the tertiary share of the migrants, the price of sending remittances back
  (destination -> origin), distance and gravity dummies, and the 2018 bilateral
  remittance estimate;
* ``country_years.csv`` and ``prices.csv`` - the yearly series of remittances
  per economy (WDI) and of prices per surveyed corridor (RPW);
* ``displaced.csv`` and ``solutions.csv`` - UNHCR's refugees, asylum seekers and other people
  in need of international protection per corridor and mid-year 2010-2020, and its durable
  solutions (returns, resettlement, naturalisation) per origin, asylum country and year;
* ``flight.csv`` - the built-in flight history: people who fled abroad per origin and year
  2010-2020, fitted to UNHCR's year-on-year changes (not event data), read by the loader's
  ``flight_timeline`` as conflict events.

Why a script rather than hand-made tables: every number in the package must be
traceable to a publisher, and the raw files are neither ours to redistribute
nor small.  This script reads the raw files (passed as arguments; they are not
part of the package), aggregates, imputes where a publisher has no value,
rounds, and writes the tables plus ``SOURCES.md`` which documents every
column, every assumption and how many rows each imputation rule touched.
It is not part of the installed package: the model only reads its output.

Modules beside it: ``countries_table.py`` (countries.csv, country_years.csv),
``corridors_table.py`` (corridors.csv, prices.csv), ``displaced_table.py`` (displaced.csv,
solutions.csv), ``flight_table.py`` (flight.csv), ``sources_md.py`` with
``sources_template.md`` (SOURCES.md) and ``helpers.py``.

Regenerate from the repository root with::

    .venv/bin/python docs/world/derive.py --data-dir ../shared/data

Only pandas and numpy are used; columns are always selected by name and rows
are sorted, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from corridors_table import STOCK_YEARS, build_corridors, build_prices
from countries_table import K_FIT_MIN_GDP_PC, WAGE_GDP_MIN_YEAR, build_countries, build_country_years
from displaced_table import build_displaced, build_solutions
from flight_table import build_flight
from helpers import Log, list_text
from sources_md import write_sources

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
    "unhcr_solutions": "unhcr_solutions_2000_2024.csv",
}

# The shipped tables, read by model/world/loader.py.
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "model" / "world" / "data"


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
          f"{WAGE_GDP_MIN_YEAR}): {list_text(f'{i} {y}' for i, y in log['wage_gdppc_stale'])}")
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
    for year in (2010, 2015, 2020):
        print(f"{year}: displaced on the global world's corridors "
              f"{log[f'world_displaced_{year}'] / 1e6:.2f} M of UNHCR's "
              f"{log[f'unhcr_between_{year}'] / 1e6:.2f} M between its countries; the floor "
              f"raises {log[f'floor_{year}_corridors']} corridors by "
              f"{log[f'floor_{year}_people'] / 1e6:.3f} M")
    print(f"flight 2010-2020 (fitted to UNHCR's changes): {log['flight_total'] / 1e6:.2f} M in "
          f"{log['flight_rows']} origin-years; Syrians 2011-2015 "
          f"{log['flight_syr_2011_2015'] / 1e6:.2f} M, Venezuelans 2015-2019 "
          f"{log['flight_ven_2015_2019'] / 1e6:.2f} M")
    for name in ("countries.csv", "corridors.csv", "country_years.csv", "prices.csv",
                 "displaced.csv", "solutions.csv", "flight.csv", "SOURCES.md"):
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
    build_displaced(paths["unhcr"], corridors, log).to_csv(
        out / "displaced.csv", index=False, lineterminator="\n")
    build_solutions(paths["unhcr_solutions"], countries, log).to_csv(
        out / "solutions.csv", index=False, lineterminator="\n")
    build_flight(paths["unhcr"], paths["unhcr_solutions"], corridors, log).to_csv(
        out / "flight.csv", index=False, lineterminator="\n")
    write_sources(out, log)
    report(countries, corridors, out, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
