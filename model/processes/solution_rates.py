"""The durable solutions' rates of each country, fitted to UNHCR's solutions table.

Voluntary return and resettlement belong to the origin (whether its refugees can go home,
whether resettlement states select them); local integration belongs to the host (whether it
naturalises refugees). Pooled over the world, the three rates are the displacement settings
(`voluntary_return_rate`, `resettlement_rate`, `naturalisation_rate`, fitted to the same table).
Each country's rate is its own solutions over its own person-years of refugees and others in
need of protection, 2010-2019 (`model/world/data/solutions.csv` over `displaced.csv`), shrunk
toward the pooled rate with the weight of `PSEUDO_PERSON_YEARS` (an assumption: a country with
few displaced keeps close to the pooled rate, one with millions has its own), as a ratio to the
pooled rate of the data, so that the settings stay the level a user moves:

    rate(c) = setting x (solutions(c) + pooled x N0) / (person_years(c) + N0) / pooled

Syrians returned at 1.8% a year, Venezuelans at 0.06%, Burundians at 6.1%; Canada naturalised
9.0% of its refugees a year, Turkey 0.5%, Lebanon and Jordan none. A world without UNHCR's data
(a custom world) has the settings everywhere.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

# The years the rates (and the settings) are fitted on.
YEARS = tuple(range(2010, 2020))
# Shrinkage weight toward the pooled rate (assumption; see the module docstring).
PSEUDO_PERSON_YEARS = 100_000.0
# Each solution, the table's column, and whose rate it is (the origin's or the host's).
SOLUTIONS = {"return": ("returned_refugees", "origin"),
             "resettlement": ("resettlement", "origin"),
             "naturalisation": ("naturalisation", "destination")}


@cache
def relative_rates() -> pd.DataFrame:
    """Each country's shrunk rate of each solution over the pooled rate (index ISO3, columns
    return, resettlement, naturalisation; a country absent from the data has 1)."""
    from model.world.loader import shipped_displaced, shipped_solutions

    displaced = shipped_displaced()
    displaced = displaced[displaced["year"].isin(YEARS)]
    people = displaced["refugees"] + displaced["oip"]
    done = shipped_solutions()
    done = done[done["year"].isin(YEARS)]
    out = {}
    for name, (column, side) in SOLUTIONS.items():
        pooled = done[column].sum() / people.sum()
        years = people.groupby(displaced[side]).sum()
        solved = done[column].groupby(done[side]).sum().reindex(years.index, fill_value=0.0)
        shrunk = (solved + pooled * PSEUDO_PERSON_YEARS) / (years + PSEUDO_PERSON_YEARS)
        out[name] = shrunk / pooled
    return pd.DataFrame(out).fillna(1.0)


def country_rates(iso3, settings, data: bool) -> dict[str, np.ndarray]:
    """The three rates a year per country of the world ([C] each): the settings times each
    country's relative rate where the world carries UNHCR's data (`data`), else the settings."""
    level = {"return": settings.voluntary_return_rate,
             "resettlement": settings.resettlement_rate,
             "naturalisation": settings.naturalisation_rate}
    relative = (relative_rates().reindex(list(iso3), fill_value=1.0) if data
                else pd.DataFrame(1.0, index=list(iso3), columns=list(level)))
    return {name: level[name] * relative[name].to_numpy(float) for name in level}
