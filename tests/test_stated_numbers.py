"""What the texts say a run shows, computed from the run: the numbers in the presets' learning
goals and in the README are claims, each checked here against the run it describes, within a
tolerance stated beside it, so text and output cannot drift apart.

A claim names its file, a phrase found there verbatim (line breaks and comment marks folded to
single spaces), a function that measures the same quantity in the run's own output files (in
the phrase's unit) and an absolute tolerance. The stated number is the first number in the
phrase unless the claim gives it. Every number in a preset's header must belong to a claim of
that preset (`test_every_number_in_a_preset_header_is_claimed`): an output measured from the
run, or an input read from the composed config.

When a mechanism changes, these tests name the sentences to rewrite and the new values.
"""

from __future__ import annotations


import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT, evidence_script

pytestmark = pytest.mark.slow


def folded(path: str) -> str:
    """A file's text with comment marks and line breaks folded to single spaces."""
    text = (ROOT / path).read_text()
    text = re.sub(r"(?m)^#\s?", "", text)
    return re.sub(r"\s+", " ", text)


NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def first_number(phrase: str) -> float:
    return float(NUMBER.search(phrase).group().replace(",", ""))


# --- the runs the texts describe (each run once, into a temporary folder, as run.py would) ----

@dataclass
class Run:
    """A finished run's folder: the files a user reads."""

    folder: Path

    @property
    def ts(self) -> pd.DataFrame:
        return pd.read_csv(self.folder / "timeseries.csv")

    @property
    def summary(self) -> dict:
        return json.loads((self.folder / "summary.json").read_text())

    def table(self, name: str) -> pd.DataFrame:
        path = self.folder / name
        return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


RUNS = {
    "default": [],
    "covid_2020": ["+scenario=covid_2020"],
    "return_reintegration_el_salvador": ["+scenario=return_reintegration_el_salvador"],
    "sdg_targets_2030": ["+scenario=sdg_targets_2030"],
    "facility_seed_1": ["facility=gcff", "seed=1"],
    **{name: [f"+scenario={name}"] for name in (
        "syria_2011", "syria_2011_work_rights", "syria_2011_no_work_rights", "venezuela_2015",
        "venezuela_2015_regional_response")},
}


def compose(overrides: list[str]):
    """The run's config as run.py composes it (figures off: the numbers are in the tables)."""
    from tests.output_values import compose as compose_run

    return compose_run(overrides)


@cache
def run(name: str) -> Run:
    import tempfile

    from model.runner import run as run_config

    folder = Path(tempfile.mkdtemp(prefix=f"stated-{name}-")) / "run"
    run_config(compose(RUNS[name]), out_dir=folder)
    return Run(folder)


@cache
def built(name: str):
    """The model as the run builds it, before its first step."""
    from model.model import MigrationModel

    return MigrationModel(_config=composed(name))


@cache
def composed(name: str):
    from model.runner import to_config
    return to_config(compose(RUNS.get(name, [f"+scenario={name}"])))


# --- measures, each in the unit its phrase uses ------------------------------------------------

def shock_row(name: str, column: str) -> dict:
    """summary.json's recovery record of the first shock event for one indicator."""
    return run(name).summary["shocks"][0]["recovery"][column]


def yearly(ts: pd.DataFrame, column: str) -> pd.Series:
    return ts.assign(y=np.floor(ts["year"]).astype(int)).groupby("y")[column].sum()


def stock_fall_2020_pct(name: str) -> float:
    """The stock's fall in 2020 from its highest to its lowest quarter, in %."""
    s = run(name).ts.query("year >= 2020 and year < 2021")["migrant_stock"]
    return 100 * (1 - s.min() / s.max())


def arrivals_fall_pct(name: str) -> float:
    """Arrivals in the lockdown's deepest quarter against the same quarter without the shock."""
    shocked = run(name).ts.set_index("step")["inflows"]
    base = run("default").ts.set_index("step")["inflows"]
    step = shocked.idxmin()
    return 100 * (1 - shocked[step] / base[step])


@cache
def lmic_formal_growth_pct(year: int) -> float:
    """Formal remittances received by low- and middle-income countries in `year` against the
    year before, in %, in the covid_2020 timeline from 2019, mean of seeds 1-3 (as
    tests/test_gates.py, which checks the directions)."""
    from tests.test_gates import SEEDS, covid_run

    growth = []
    for seed in SEEDS:
        _, years, received = covid_run(seed)
        growth.append(received[years == year].sum() / received[years == year - 1].sum() - 1)
    return 100 * float(np.mean(growth))


@cache
@cache
def evidence_mean(quantity: str) -> float:
    """A simulated quantity of docs/evidence.py, averaged over its seeds."""
    module = evidence_script()
    simulate = getattr(module, quantity)
    return sum(simulate(seed) for seed in module.SEEDS) / len(module.SEEDS)


def world_size(name: str) -> tuple[int, int]:
    """Countries and corridors of a world, as `validate=true` reports them."""
    from model.runner import describe

    text = describe(compose([f"world={name}"]))
    countries, corridors = re.search(r"(\d+) countries, (\d+) corridors", text).groups()
    return int(countries), int(corridors)


def per_million_usd(theme: str) -> float:
    """Units a facility theme bought per million USD spent (summary.json)."""
    return run("facility_seed_1").summary["facility"]["effect_per_dollar"][theme][
        "units_per_million_usd"]


def calibration(quantity: str) -> pd.DataFrame:
    table = run("default").table("calibration.csv")
    return table[table["quantity"] == quantity]


def corridor_stocks_2020() -> pd.DataFrame:
    rows = calibration("corridor_stock_2020")
    return rows[rows["item"] != "all corridors"]


def off_pct(rows: pd.DataFrame) -> pd.Series:
    return 100 * (rows["ratio"] - 1).abs()


def covered_returns_share(name: str) -> float:
    """Returnees enrolled per returnee of the covered corridors, over the programme's years."""
    r = run(name)
    cfg = composed(name).policies["return_reintegration"]
    ct = r.table("corridor_timeseries.parquet")
    pairs = {tuple(c.split("-")) for c in cfg.corridors}
    on = ct[[(o, d) in pairs for o, d in zip(ct["origin"].astype(str),
                                             ct["destination"].astype(str))]]
    on = on[on["year"] >= cfg.start_year]
    supported = r.ts.query("year >= @cfg.start_year")["returnees_supported"].sum()
    return supported / on["returns"].sum()


def protected_abroad(name: str, origin: str, hosts: tuple[str, ...] = ()) -> tuple[float, float]:
    """People from `origin` under protection (refugees, asylum seekers, others in need of
    protection) at the run's end, in `hosts` (every host if none), and the share employed."""
    c = run(name).table("corridors.csv")
    rows = c[(c["origin"] == origin) & (c["destination"].isin(hosts) if hosts else True)]
    people = rows[["refugees_end", "asylum_seekers_end", "other_protection_needs_end"]].sum(
        axis=1).sum()
    return people, rows["protected_employed_end"].sum() / people


def unhcr_2020(origin: str, host: str) -> float:
    """UNHCR's refugees, asylum seekers and others in need of protection at mid-2020."""
    from model.world.loader import shipped_displaced

    d = shipped_displaced()
    row = d[(d["origin"] == origin) & (d["destination"] == host) & (d["year"] == 2020)]
    return float(row[["refugees", "asylum_seekers", "oip"]].sum(axis=1).sum())


def displacement_settings():
    from model.processes.displacement import DisplacementConfig

    return DisplacementConfig()


def return_rate(origin: str) -> float:
    """An origin's voluntary return rate a year (the solutions' rates by country)."""
    from model.processes.solution_rates import country_rates

    return float(country_rates([origin], displacement_settings(), data=True)["return"][0])


def end_value(name: str, column: str) -> float:
    return float(run(name).ts[column].iloc[-1])


@dataclass(frozen=True)
class Claim:
    """A number a text states about a run, and how to measure it there."""

    file: str
    phrase: str
    measure: Callable[[], float]
    tolerance: float
    stated: float | None = None   # when the phrase's first number is not the claim's
    why: str = ""

    @property
    def value(self) -> float:
        return first_number(self.phrase) if self.stated is None else self.stated


COVID = "scenarios/covid_2020.yaml"
SALVADOR = "scenarios/return_reintegration_el_salvador.yaml"
SDG = "scenarios/sdg_targets_2030.yaml"
BASELINE = "scenarios/baseline_2019.yaml"
GOVERNANCE = "scenarios/facility_governance.yaml"
ABOUT = "'about' a whole number: within one unit"

SYRIA = "scenarios/syria_2011.yaml"
SYRIA_RIGHTS = "scenarios/syria_2011_work_rights.yaml"
SYRIA_NO_RIGHTS = "scenarios/syria_2011_no_work_rights.yaml"
VENEZUELA = "scenarios/venezuela_2015.yaml"
VENEZUELA_RESPONSE = "scenarios/venezuela_2015_regional_response.yaml"
NEIGHBOURS = ("TUR", "JOR", "LBN")
SOUTH_AMERICA = ("COL", "PER", "ECU", "CHL", "BRA")
MILLIONS = "millions to one decimal"
PCT = "a whole %"

CLAIMS = [
    # forced displacement (issue 23): the README's fitted numbers
    *[Claim("README.md", phrase, tolerance=0.005, why="to the hundredth",
            measure=lambda name=name: getattr(displacement_settings(), name))
      for phrase, name in [("distance 0.78", "flight_distance_elasticity"),
                           ("border 1.00", "flight_border_bonus"),
                           ("network 0.27", "flight_network_elasticity"),
                           ("population 0.49", "flight_population_elasticity")]],
    Claim("README.md", "Syrians 1.8% a year", tolerance=0.05, why="a tenth of a %",
          measure=lambda: 100 * return_rate("SYR")),
    Claim("README.md", "Venezuelans 0.06%", tolerance=0.005, why="a hundredth of a %",
          measure=lambda: 100 * return_rate("VEN")),
    # forced displacement: the end of each run (2025), corridors.csv and timeseries
    Claim(SYRIA, "host 3.2 M of the 6.1 M Syrians", tolerance=0.05, why=MILLIONS,
          measure=lambda: protected_abroad("syria_2011", "SYR", NEIGHBOURS)[0] / 1e6),
    Claim(SYRIA, "of the 6.1 M Syrians under protection", tolerance=0.05, why=MILLIONS,
          measure=lambda: protected_abroad("syria_2011", "SYR")[0] / 1e6),
    Claim(SYRIA, "Turkey 1.3 M (UNHCR", tolerance=0.05, why=MILLIONS,
          measure=lambda: protected_abroad("syria_2011", "SYR", ("TUR",))[0] / 1e6),
    Claim(SYRIA, "UNHCR counted 3.6 M Syrians in Turkey in 2020", tolerance=0.05, why=MILLIONS,
          measure=lambda: unhcr_2020("SYR", "TUR") / 1e6),
    Claim(SYRIA, "about 1.2 M Syrians go home", tolerance=0.1, why="'about', millions",
          measure=lambda: run("syria_2011").table("corridors.csv").query("origin == 'SYR'")[
              "voluntary_returns"].sum() / 1e6),
    Claim(SYRIA, "falls from 78% to 58% in 2015", tolerance=0.5, why="the first quarter, " + PCT,
          measure=lambda: 100 * run("syria_2011").ts["protected_employment_rate"].iloc[0]),
    Claim(SYRIA, "to 58% in 2015", tolerance=0.5, why="the lowest quarter, " + PCT,
          measure=lambda: 100 * run("syria_2011").ts["protected_employment_rate"].min()),
    Claim(SYRIA, "back at 75% by 2025", tolerance=0.5, why=PCT,
          measure=lambda: 100 * end_value("syria_2011", "protected_employment_rate")),
    Claim(SYRIA_RIGHTS, "(87% in 2025", tolerance=0.5, why=PCT,
          measure=lambda: 100 * end_value("syria_2011_work_rights", "protected_employment_rate")),
    Claim(SYRIA_RIGHTS, "against 75% in syria_2011", tolerance=0.5, why=PCT,
          measure=lambda: 100 * end_value("syria_2011", "protected_employment_rate")),
    Claim(SYRIA_RIGHTS, "and 64% in syria_2011_no_work_rights", tolerance=0.5, why=PCT,
          measure=lambda: 100 * end_value("syria_2011_no_work_rights",
                                          "protected_employment_rate")),
    Claim(SYRIA_RIGHTS, "(79% of those protected there", tolerance=0.5, why=PCT,
          measure=lambda: 100 * protected_abroad("syria_2011_work_rights", "SYR", NEIGHBOURS)[1]),
    Claim(SYRIA_RIGHTS, "against 44% with no right", tolerance=0.5, why=PCT,
          measure=lambda: 100 * protected_abroad("syria_2011_no_work_rights", "SYR",
                                                 NEIGHBOURS)[1]),
    Claim(SYRIA_NO_RIGHTS, "(64% in 2025", tolerance=0.5, why=PCT,
          measure=lambda: 100 * end_value("syria_2011_no_work_rights",
                                          "protected_employment_rate")),
    Claim(SYRIA_NO_RIGHTS, "against 87% with the", tolerance=0.5, why=PCT,
          measure=lambda: 100 * end_value("syria_2011_work_rights", "protected_employment_rate")),
    Claim(SYRIA_NO_RIGHTS, "(44% of those protected there", tolerance=0.5, why=PCT,
          measure=lambda: 100 * protected_abroad("syria_2011_no_work_rights", "SYR",
                                                 NEIGHBOURS)[1]),
    Claim(SYRIA_NO_RIGHTS, "against 79%)", tolerance=0.5, why=PCT,
          measure=lambda: 100 * protected_abroad("syria_2011_work_rights", "SYR", NEIGHBOURS)[1]),
    Claim(VENEZUELA, "by 2025 4.3 M Venezuelans", stated=4.3, tolerance=0.05, why=MILLIONS,
          measure=lambda: protected_abroad("venezuela_2015", "VEN")[0] / 1e6),
    Claim(VENEZUELA, "2.0 M of them in the five", tolerance=0.05, why=MILLIONS,
          measure=lambda: protected_abroad("venezuela_2015", "VEN", SOUTH_AMERICA)[0] / 1e6),
    Claim(VENEZUELA, "and 1.2 M in Colombia", tolerance=0.05, why=MILLIONS,
          measure=lambda: protected_abroad("venezuela_2015", "VEN", ("COL",))[0] / 1e6),
    Claim(VENEZUELA, "UNHCR's 2020 count: 1.8 M", stated=1.8, tolerance=0.05, why=MILLIONS,
          measure=lambda: unhcr_2020("VEN", "COL") / 1e6),
    Claim(VENEZUELA_RESPONSE, "(78% of those protected there in 2025", tolerance=0.5, why=PCT,
          measure=lambda: 100 * protected_abroad("venezuela_2015_regional_response", "VEN",
                                                 SOUTH_AMERICA)[1]),
    Claim(VENEZUELA_RESPONSE, "against 69% in venezuela_2015", tolerance=0.5, why=PCT,
          measure=lambda: 100 * protected_abroad("venezuela_2015", "VEN", SOUTH_AMERICA)[1]),
    Claim(VENEZUELA_RESPONSE, "for 182 M USD paid", tolerance=1.0, why="millions of USD, to the unit",
          measure=lambda: run("venezuela_2015_regional_response").summary["policies"][
              "regional_response"]["costs_usd"]["destination"] / 1e6),
    # baseline_2019: the default run (the preset sets only the defaults)
    Claim(BASELINE, "prices stay near 7%", lambda: run("default").ts["remittance_price_pct"].agg(
        lambda s: s.iloc[(s - 7).abs().argmax()]), 0.5,
        why="every quarter's average price within half a point of 7%"),
    Claim(BASELINE, "far from the 3% target", lambda: __import__(
        "model.plots", fromlist=["x"]).SDG_PRICE_TARGET_PCT, 0.0),
    # covid_2020
    Claim(COVID, "employment of migrants falls by about 15 points",
          lambda: 100 * (shock_row("covid_2020", "employment_rate")["before"]
                         - shock_row("covid_2020", "employment_rate")["worst"]), 1.0, why=ABOUT),
    Claim(COVID, "from 88% to 73%",
          lambda: 100 * shock_row("covid_2020", "employment_rate")["before"], 0.5,
          why="the mean of the year before the shock, rounded"),
    Claim(COVID, "to 73%, and is back", stated=73,
          measure=lambda: 100 * shock_row("covid_2020", "employment_rate")["worst"],
          tolerance=0.5, why="the lowest quarter, rounded"),
    Claim(COVID, "is back about a year after the shock", stated=1,
          measure=lambda: shock_row("covid_2020", "employment_rate")["years_to_recover"],
          tolerance=0.5, why="within 2% of the level before, in years after the event's end"),
    Claim(COVID, "arrivals fall by 70% in the lockdown", lambda: arrivals_fall_pct("covid_2020"),
          5.0, why="against the same quarter of the same-seed baseline; 'by 70%' is rounded to "
          "tens"),
    Claim(COVID, "up to about 1.5 M stranded",
          lambda: run("covid_2020").ts["stranded"].max() / 1e6, 0.1, why=ABOUT),
    Claim(COVID, "a stock that falls by about 1%", lambda: stock_fall_2020_pct("covid_2020"),
          0.5, why="highest to lowest quarter of 2020, rounded to a whole %"),
    Claim(COVID, "more returns in 2020 than in 2019", stated=1, tolerance=0.0,
          measure=lambda: float(yearly(run("covid_2020").ts, "returns")[2020]
                                > yearly(run("covid_2020").ts, "returns")[2019])),
    # return_reintegration_el_salvador
    Claim(SALVADOR, "50 M USD a year", tolerance=0.0,
          measure=lambda: composed("return_reintegration_el_salvador")
          .policies["return_reintegration"].budget_usd_per_year / 1e6),
    Claim(SALVADOR, "about 33% of the returnees of the three corridors", tolerance=1.0,
          measure=lambda: 100 * covered_returns_share("return_reintegration_el_salvador"),
          why="returnees enrolled per returnee of the covered corridors, 2020-2030; " + ABOUT),
    # south_south_africa
    Claim("scenarios/south_south_africa.yaml", "(the global world, 2,000 people per agent)",
          tolerance=0.0, measure=lambda: composed("south_south_africa").people_per_agent),
    # sdg_targets_2030
    Claim(SDG, "costs at 3% (10.c.1)", lambda: __import__(
        "model.plots", fromlist=["x"]).SDG_PRICE_TARGET_PCT, 0.0),
    Claim(SDG, "with 5 bn USD a year", tolerance=0.0, measure=lambda: composed(
        "sdg_targets_2030").policies["cheaper_remittances"].budget_usd_per_year / 1e9),
    Claim(SDG, "capped at a month's earnings", stated=1, tolerance=0.0,
          measure=lambda: composed("sdg_targets_2030").policies["fair_recruitment"].cap_months),
    Claim(SDG, "the price falls, but not to 3%", tolerance=0.0, stated=1,
          measure=lambda: float(3 < run("sdg_targets_2030").ts["remittance_price_pct"].iloc[-1]
                                < run("default").ts["remittance_price_pct"].iloc[-1])),
    # facility_governance: a sweep; its numbers are the sweep's own size
    Claim(GOVERNANCE, "Four designs, five seeds each", stated=4, tolerance=0.0,
          measure=lambda: len(sweep_grid()) / len(set(sweep_grid()["seed"]))),
    Claim(GOVERNANCE, "five seeds each", stated=5, tolerance=0.0,
          measure=lambda: len(set(sweep_grid()["seed"]))),
    Claim(GOVERNANCE, "(20 runs;", tolerance=0.0, measure=lambda: len(sweep_grid())),
    # README: the built-in world (world=global, as validate=true reports it)
    Claim("README.md", "The built-in world is real: 215 economies and 8,816 corridors",
          tolerance=0.0, measure=lambda: world_size("global")[0]),
    Claim("README.md", "215 economies and 8,816 corridors", stated=8816, tolerance=0.0,
          measure=lambda: world_size("global")[1]),
    # README: the quickstart's default run
    Claim("README.md", "60 countries, 1,173 corridors",
          lambda: run("default").summary["countries"], 0.0),
    Claim("README.md", "1,173 corridors, about 180,000 migrant agents", stated=1173,
          tolerance=0.0, measure=lambda: run("default").summary["corridors"]),
    Claim("README.md", "about 180,000 migrant agents of 1,000 people each", tolerance=500,
          measure=lambda: built("default").migrants.n,
          why="the agents the run's log reports when the world is built, to the thousand"),
    Claim("README.md", "48 quarterly steps from 2019 to 2030", tolerance=0.0,
          measure=lambda: run("default").summary["steps"]),
    # README: the shocks section's COVID-19 paragraph (the covid_2020 preset's run)
    Claim("README.md", "migrants' employment falls from 88% to 73%", tolerance=0.5,
          measure=lambda: 100 * shock_row("covid_2020", "employment_rate")["before"]),
    Claim("README.md", "falls from 88% to 73%, arrivals", stated=73, tolerance=0.5,
          measure=lambda: 100 * shock_row("covid_2020", "employment_rate")["worst"]),
    Claim("README.md", "arrivals by 70% in the lockdown", tolerance=5.0,
          measure=lambda: arrivals_fall_pct("covid_2020"), why="rounded to tens"),
    Claim("README.md", "about 1.5 million migrants are stranded", tolerance=0.1, why=ABOUT,
          measure=lambda: run("covid_2020").ts["stranded"].max() / 1e6),
    Claim("README.md", "the migrant stock falls by about 1% in 2020", tolerance=0.5,
          measure=lambda: stock_fall_2020_pct("covid_2020")),
    Claim("README.md", "3.54 USD of education spending per", tolerance=0.005,
          measure=lambda: evidence_mean("matching_education_per_dollar"),
          why="to the hundredth, as docs/evidence.md"),
    Claim("README.md", "price elasticity -1.08, against", stated=-1.08, tolerance=0.005,
          measure=lambda: evidence_mean("price_elasticity"), why="to the hundredth"),
    Claim("README.md", "hold up (about 0% in 2020, seeds 1-3", tolerance=1.0, why=ABOUT,
          measure=lambda: lmic_formal_growth_pct(2020)),
    Claim("README.md", "rise again in 2021 (about +3%;", stated=3, tolerance=1.0, why=ABOUT,
          measure=lambda: lmic_formal_growth_pct(2021)),
    # README: the facility's effect per dollar (seed 1 of the default world, facility on)
    *[Claim("README.md", phrase, stated=stated, tolerance=tolerance, why=why,
            measure=lambda theme=theme: per_million_usd(theme))
      for phrase, stated, theme, tolerance, why in [
          ("default world: 11 regular places", 11, "governance", 0.5, "to the unit"),
          ("11 regular places, 282 credentials", 282, "skilling", 0.5, "to the unit"),
          ("10,900 digital senders", 10900, "technology", 50, "to the hundred"),
          ("4,600 protected workers", 4600, "protection", 50, "to the hundred"),
          ("12,900 young people reached", 12900, "irregular", 50, "to the hundred")]],
    # README: calibration and the baseline (default world, seed 42)
    Claim("README.md", "the 30 largest corridors within 0.6% at the median",
          stated=0.6, tolerance=0.05, measure=lambda: off_pct(corridor_stocks_2020()).median()),
    Claim("README.md", "26 of the 30 within 2%", tolerance=0.0,
          measure=lambda: int((off_pct(corridor_stocks_2020()) <= 2).sum())),
    Claim("README.md", "all corridors together within 0.5% of UN DESA's 161.0 M", tolerance=0.05,
          measure=lambda: off_pct(calibration("corridor_stock_2020").query(
              "item == 'all corridors'")).iloc[0]),
    Claim("README.md", "UN DESA's 161.0 M", tolerance=0.05, measure=lambda: calibration(
        "corridor_stock_2020").query("item == 'all corridors'")["data"].iloc[0] / 1e6),
    Claim("README.md", "16 of the top 20 recipients within 2% (median 0.8%)", tolerance=0.0,
          measure=lambda: int((off_pct(calibration("remittances_received_usd")) <= 2).sum())),
    Claim("README.md", "(median 0.8%)", tolerance=0.05,
          measure=lambda: off_pct(calibration("remittances_received_usd")).median()),
    Claim("README.md", "the average remittance price (SDG 10.c.1) 6.9%", stated=6.9,
          tolerance=0.05, measure=lambda: calibration("remittance_price_pct")["simulated"].iloc[0]),
    Claim("README.md", "the RPW 2019 corridor mean of 7.1%", stated=7.1, tolerance=0.05,
          measure=lambda: calibration("remittance_price_pct")["data"].iloc[0]),
    Claim("README.md", "the stock abroad grows by about 11%", tolerance=1.0, why=ABOUT,
          measure=lambda: 100 * (run("default").ts["migrant_stock"].iloc[-1]
                                 / run("default").ts["migrant_stock"].iloc[0] - 1)),
    Claim("README.md", "(159 M to 176 M", tolerance=0.5,
          measure=lambda: run("default").ts["migrant_stock"].iloc[0] / 1e6),
    Claim("README.md", "to 176 M, 0.9% a year", tolerance=0.5,
          measure=lambda: run("default").ts["migrant_stock"].iloc[-1] / 1e6),
    Claim("README.md", "0.9% a year)", tolerance=0.05, measure=lambda: 100 * (
        (run("default").ts["migrant_stock"].iloc[-1] / run("default").ts["migrant_stock"]
         .iloc[0]) ** (1 / 11.75) - 1), why="compound growth over the 11.75 years between the "
          "first and last quarter"),
    Claim("README.md", "(US$191 bn to 258 bn a quarter)", tolerance=0.5,
          measure=lambda: run("default").ts["remittances_sent_usd"].iloc[0] / 1e9),
    Claim("README.md", "to 258 bn a quarter", tolerance=0.5,
          measure=lambda: run("default").ts["remittances_sent_usd"].iloc[-1] / 1e9),
    Claim("README.md", "the brain-waste rate stays between 33% and 34%", tolerance=0.5,
          measure=lambda: 100 * run("default").ts["brain_waste_rate"].min(),
          why="the lowest quarter, rounded"),
    Claim("README.md", "between 33% and 34% (each", stated=34, tolerance=0.5,
          measure=lambda: 100 * run("default").ts["brain_waste_rate"].max(),
          why="the highest quarter, rounded"),
    Claim("README.md", "the employment rate at 87-89%", tolerance=0.5,
          measure=lambda: 100 * run("default").ts["employment_rate"].min(),
          why="the lowest quarter, rounded"),
    Claim("README.md", "at 87-89%, and", stated=89, tolerance=0.5,
          measure=lambda: 100 * run("default").ts["employment_rate"].max()),
    Claim("README.md", "the irregular share rises from 17% to 20%", tolerance=0.5,
          measure=lambda: 100 * run("default").ts["irregular_share"].iloc[0]),
    Claim("README.md", "to 20%, moving", stated=20, tolerance=0.5,
          measure=lambda: 100 * run("default").ts["irregular_share"].iloc[-1]),
    Claim("README.md", "moving by at most 0.2 points a quarter", tolerance=0.0,
          stated=1, measure=lambda: float(
              100 * run("default").ts["irregular_share"].diff().abs().max() <= 0.2)),
    Claim("README.md", "about 91%, 79% and 74% still abroad", tolerance=1.0, why=ABOUT,
          measure=lambda: 100 * run("default").table("cohorts.parquet")
          ["share_abroad_after_1y"].iloc[0]),
    Claim("README.md", "91%, 79% and 74% still abroad", stated=79, tolerance=1.0, why=ABOUT,
          measure=lambda: 100 * run("default").table("cohorts.parquet")
          ["share_abroad_after_3y"].iloc[0]),
    Claim("README.md", "79% and 74% still abroad", stated=74, tolerance=1.0, why=ABOUT,
          measure=lambda: 100 * run("default").table("cohorts.parquet")
          ["share_abroad_after_5y"].iloc[0]),
]


@cache
def sweep_grid() -> pd.DataFrame:
    """The facility_governance sweep's jobs: its sweeper's parameters, expanded as Hydra's
    basic sweeper does (every combination)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    params = OmegaConf.load(ROOT / GOVERNANCE)["hydra"]["sweeper"]["params"]
    parsed = OverridesParser.create().parse_overrides([f"{k}={v}" for k, v in params.items()])
    batches = BasicSweeper.split_arguments(parsed, max_batch_size=None)[0]
    return pd.DataFrame([dict(a.split("=", 1) for a in job) for job in batches])


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: f"{Path(c.file).stem}: {c.phrase}")
def test_a_stated_number_is_what_the_run_gives(claim):
    assert claim.phrase in folded(claim.file), f"{claim.file} no longer says {claim.phrase!r}"
    measured = float(claim.measure())
    assert abs(measured - claim.value) <= claim.tolerance + 1e-9, (
        f"{claim.file} says {claim.phrase!r} ({claim.value:g}) but the run gives "
        f"{measured:.4g} (tolerance {claim.tolerance:g}{': ' + claim.why if claim.why else ''})")


def header_numbers(path: Path) -> list[str]:
    """The numbers a preset's header states, except its years, its commands and the names of
    SDG indicators (10.c.1) and presets (covid_2020)."""
    header = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    text = " ".join(line.lstrip("# ") for line in header
                    if not line.startswith(("# @package", "# Title:", "# Run:")))
    text = re.sub(r"python run\.py[^)]*", " ", text)           # a command on a later line
    text = re.sub(r"\b\d+\.[a-z0-9]\.\d+\b|\w*_\w+", " ", text)   # 10.c.1, covid_2020
    numbers = NUMBER.findall(text)
    return [n for n in numbers if not re.fullmatch(r"(19|20)\d\d", n)]


def test_every_number_in_a_preset_header_is_claimed():
    from model.presets import preset_files

    unclaimed = []
    for path in preset_files():
        phrases = " | ".join(c.phrase for c in CLAIMS if c.file == f"scenarios/{path.name}")
        unclaimed += [f"{path.name}: {n}" for n in header_numbers(path)
                      if not re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d,]|\.\d)", phrases)]
    assert not unclaimed, f"numbers with no claim in tests/test_stated_numbers.py: {unclaimed}"


def test_the_header_scan_finds_numbers_and_skips_years_and_names(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("# @package _global_\n# Title: A 2030 title\n# Learning goal: from 88% to\n"
                    "#   1.8 M by 2020 in 10.c.1 (python run.py +scenario=covid_2020)\n"
                    "# Run: python run.py -m x     (20 runs)\nend_year: 2030\n")
    assert header_numbers(path) == ["88", "1.8"]


def readme_shell_examples() -> list[tuple[str, list[str]]]:
    """The README's `$ python run.py ...` examples with the lines printed after each."""
    examples, blocks, inside = [], [], False
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("```"):
            inside = not inside
            blocks.append([]) if inside else None
        elif inside:
            blocks[-1].append(line)
    for block in map("\n".join, blocks):
        for chunk in re.split(r"(?m)^(?=\$ python run\.py)", block):
            if chunk.startswith("$ python run.py"):
                command, *printed = chunk.rstrip("\n").splitlines()
                examples.append((command.removeprefix("$ "), printed))
    return examples


@pytest.mark.parametrize("command,printed", readme_shell_examples(), ids=lambda x: str(x)[:60])
def test_a_readme_example_prints_what_the_readme_shows(command, printed, tmp_path):
    """Each example runs from an empty folder; a line the README ends with '...' is a prefix
    of what the command prints."""
    import shlex

    args = shlex.split(command)[2:]
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    out = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    for expected in printed:
        if expected.endswith(" ..."):
            assert any(line.startswith(expected[:-4]) for line in out), (expected, out)
        else:
            assert expected in out, (expected, out)
    # Neither a refused command nor a check writes a file (Hydra's dated folders may stay, empty).
    assert not [f for f in tmp_path.rglob("*") if f.is_file()], command


def test_the_readme_examples_are_found():
    commands = [c for c, _ in readme_shell_examples()]
    assert any("validate=true" in c for c in commands)
    assert any("job_loss_rate=5" in c for c in commands)


def test_the_log_states_the_times_timing_json_records(tmp_path, caplog):
    """The log's "N steps in X s" is the model's stepping time, as timing.json records it, not
    the whole command's (which adds the tables and figures)."""
    import logging

    from model.runner import run as run_config
    with caplog.at_level(logging.INFO, logger="model.runner"):
        run_config(compose(["end_year=2020", "people_per_agent=20000"]), out_dir=tmp_path / "r")
    timing = json.loads((tmp_path / "r" / "timing.json").read_text())
    line = next(r.getMessage() for r in caplog.records if " steps in " in r.getMessage())
    steps, stepped, built = re.match(r"(\d+) steps in ([\d.]+) s \(world built in ([\d.]+) s\)",
                                     line).groups()
    assert int(steps) == 8
    assert float(stepped) == pytest.approx(timing["steps_seconds"], abs=0.051)
    assert float(built) == pytest.approx(timing["build_seconds"], abs=0.051)
