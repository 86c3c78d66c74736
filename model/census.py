"""The model-wide count of people: stocks abroad, their skill and status, agents, regions.

A component with no phase of its own: it reports what the population is at the end of every
step (from the kept counts of `model.tallies`, so recording costs no pass over the migrants),
and declares the per-migrant arrays every other component relies on.
"""

from __future__ import annotations

import re

import numpy as np

from model.components import Component, Field, Headline, Indicator, ratio
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


class Census(Component):
    """Stocks of people abroad and the core per-migrant arrays (see the module docstring)."""

    name = "census"
    label = "migrant stock"
    fields = (
        Field("uid", np.int64, "stable id (rows are kept in uid order)"),
        # intp: numpy gathers with native-width indices 3x faster.
        Field("corridor", np.intp, "index into the model's corridor table"),
        Field("status", np.int8, "ABROAD or RETURNEE"),
        Field("weight", np.float32, "people this agent stands for"),
        Field("skill", np.int8, "LOW or HIGH (tertiary education)"),
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
