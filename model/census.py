"""The model-wide count of people: stocks abroad, their skill and status, agents, regions.

A component with no phase of its own: it reports what the population is at the end of every
step (from the kept counts of `model.tallies`, so recording costs no pass over the migrants),
and declares the per-migrant arrays every other component relies on.
"""

from __future__ import annotations

import re

import numpy as np

from model.components import Component, Field, Headline, Indicator, RunFigure, Series, ratio
from model.population import ABROAD
from model.tallies import S_ABROAD, S_HIGH, S_IRREGULAR


def region_column(region: str) -> str:
    """Column name of the stock living in a destination region, e.g. `stock_in_south_asia`."""
    return "stock_in_" + re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")


def stock_by_region(model) -> dict[str, float]:
    """People abroad by World Bank region of destination (one column each)."""
    c, k = model.countries, model.corridors
    by_region = np.bincount(c.region_code[k.d], model.stock_now, len(c.regions))
    return {region_column(name): float(value) for name, value in zip(c.regions, by_region)}


def _irregular_share(model) -> float:
    t = model.tallies
    return ratio(t.people(on=S_ABROAD | S_IRREGULAR), t.people(on=S_ABROAD))


def _stock_change_pct(ts, model) -> float:
    start = float(model.corridors.stock0.sum())
    return 100.0 * ratio(float(ts.iloc[-1]["migrant_stock"]) - start, start)


def stock_change(model) -> np.ndarray:
    """This step's change of each corridor's stock abroad by the declared flows: the sum of
    every per-corridor flow with its `stock` sign (arrivals +, returns -, ...)."""
    out = np.zeros(len(model.corridors.o))
    for spec in model.flow_specs:
        if spec.stock:
            out += spec.stock * model.flows[spec.name]
    return out


def tally(model) -> None:
    """Stock per corridor (`model.stock_now`) and migrants' unemployment rate per destination
    from the kept counts, at the end of every step (the next step's choices read both)."""
    k, c = model.corridors, model.countries
    C = len(c.iso3)
    model.stock_now = model.tallies.stock()
    total = np.bincount(k.d, model.stock_now, C)
    employed = np.bincount(k.d, model.tallies.employed(), C)
    c.migrant_unemployment = np.divide(total - employed, total,
                                       out=c.migrant_unemployment.copy(), where=total > 0)


def abroad_by_arrival_year(model) -> np.ndarray:
    """People abroad now by the year they arrived in, from the start year on (index 0).
    An arrival of a step is dated at the step's end (`arrived`); half a step back gives
    the step's own year, whatever the float rounding of the step length."""
    pop = model.migrants
    rows = np.flatnonzero((pop.status == ABROAD) & (pop.arrived > model.start_year))
    cohort = np.floor(pop.arrived[rows] - 0.5 * model.dt).astype(np.int64) - model.start_year
    keep = cohort >= 0
    years = int(np.floor(model.now() + 0.5 * model.dt)) - model.start_year + 1
    return np.bincount(cohort[keep], pop.weight[rows][keep], years)[:years]


class Census(Component):
    """Stocks of people abroad and the core per-migrant arrays (see the module docstring)."""

    name = "census"
    label = "migrant stock"
    figures = (
        RunFigure("stocks_by_region.png", "migrants living in each destination World Bank "
                  "region, stacked, in millions of people, step by step",
                  "model.plots.migrants:plot_stocks_by_region"),
        RunFigure("corridor_network.png", "the 40 largest corridors at the end of the run, as "
                  "arrows between capitals on a world map; with policies, the corridors they "
                  "cover in orange", "model.plots.network:plot_corridor_network"),
        RunFigure("calibration.png", "the start year simulated against published data: "
                  "remittances received by country and corridor stocks in 2020, log-log",
                  "model.plots.calibration:plot_calibration"),
    )
    fields = (
        Field("uid", np.int64, "stable id (rows are kept in uid order)"),
        # intp: numpy gathers with native-width indices 3x faster.
        Field("corridor", np.intp, "index into the model's corridor table"),
        Field("status", np.int8, "ABROAD or RETURNEE"),
        Field("weight", np.float32, "people this agent stands for"),
        Field("skill", np.int8, "LOW or HIGH (tertiary education)"),
    )
    series = (
        Series("stock_by_corridor", "people", "migrants abroad, by corridor",
               lambda model: model.stock_now),
        Series("stock_high_by_corridor", "people", "tertiary-educated migrants abroad, by "
               "corridor", lambda model: model.tallies.tertiary_by_work()[0], tables=True),
        Series("cohort_abroad", "people", "migrants abroad by year of arrival (index 0: the "
               "start year)", abroad_by_arrival_year, tables=True, yearly=True),
    )
    indicators = (
        Indicator("year", "year", "start of the step's period",
                  lambda model: model.start_year + (model.steps - 1) * model.dt),
        Indicator("migrant_stock", "people", "migrants living abroad (all corridors)",
                  lambda model: float(model.stock_now.sum()),
                  compare=("Migrants living abroad", "people")),
        Indicator("migrant_stock_high_skill", "people", "tertiary-educated migrants abroad",
                  lambda model: model.tallies.people(on=S_ABROAD | S_HIGH)),
        Indicator("irregular_share", "share", "migrants abroad with irregular status",
                  _irregular_share,
                  compare=("Migrants abroad with irregular status", "share")),
        Indicator("migrant_agents", "agents", "migrant agents in the arrays (a cost, not a result)",
                  lambda model: float(model.migrants.n)),
    )
    headlines = (
        Headline("migrant_stock_end", "people", "migrants abroad at the horizon",
                 "migrant_stock", "end"),
        Headline("migrant_stock_change_pct", "%", "change of the migrant stock over the run",
                 measure=_stock_change_pct),
        Headline("irregular_share_end", "share", "irregular share at the horizon",
                 "irregular_share", "end"),
    )
