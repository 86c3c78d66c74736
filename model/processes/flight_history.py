"""The observed flight of the built-in history, as a run reads it (model/world/data/flight.csv).

Each origin's arrivals a year up to 2020 are split by status with the run's own asylum
decisions (`model.world.loader.history_arrivals`), with the yearly hazard of leaving UNHCR's
counts by other routes (`history_exits`); a world smaller than the global one takes the part of
the flight that went to its own hosts (`world_share`). The displacement process adds them to
what the shock timeline's conflict events set (`Displacement._observed_flight`).
"""

from __future__ import annotations

import numpy as np


def world_share(model) -> dict[int, np.ndarray]:
    """Mid-year -> share of each origin's displaced (all three groups) of the global world's
    corridors that live on this world's corridors ([C]; 1 where the origin has none)."""
    from model.world.loader import shipped_displaced

    table = shipped_displaced()
    iso = np.asarray(model.countries.iso3)
    k = model.corridors
    mine = set(zip(iso[k.o], iso[k.d]))
    people = table[["refugees", "asylum_seekers", "oip"]].sum(axis=1)
    here = np.fromiter((pair in mine for pair in zip(table["origin"], table["destination"])),
                       bool, len(table))
    index = {code: i for i, code in enumerate(iso)}
    out = {}
    for year, rows in table.assign(people=people, here=here).groupby("year"):
        rows = rows[rows["origin"].isin(index)]
        total = rows.groupby("origin")["people"].sum()
        inside = rows[rows["here"]].groupby("origin")["people"].sum().reindex(total.index,
                                                                                fill_value=0.0)
        share = np.ones(len(iso))
        fraction = np.divide(inside.to_numpy(), total.to_numpy(),
                             out=np.ones(len(total)), where=total.to_numpy() > 0)
        share[total.index.map(index).to_numpy()] = fraction
        out[int(year)] = share
    return out


def observed_flight(model) -> dict[int, tuple[np.ndarray, ...]]:
    """The observed flight by calendar year: year -> (people a year, share recognised on
    arrival, share oip, the hazard of leaving the counts otherwise) per country of the
    world, split with the run's asylum decisions (`model.world.loader.history_arrivals`,
    `history_exits`); origins absent from flight.csv flee nobody.
    flight.csv counts the hosts of the global world; a smaller world takes the part that
    went to its own hosts (the origin's displaced on its corridors over those on the global
    world's, a mid-year after the flight's year)."""
    # An economic world (world.migrants=economic) leaves the displaced out: the history too.
    cfg = model.cfg.displacement
    if not cfg.flight_history or model.cfg.world.migrants == "economic":
        return {}
    from model.world.loader import history_arrivals, history_exits, shipped_flight

    table = shipped_flight()
    iso = model.countries.iso3
    index = {code: i for i, code in enumerate(iso)}
    table = table[table["origin"].isin(index)]
    inside = world_share(model)
    out = {}
    for year, rows in table.groupby("year"):
        where = rows["origin"].map(index).to_numpy()
        share = inside.get(min(int(year) + 1, max(inside)), np.ones(len(iso)))[where]
        people, refugees, oip = history_arrivals(rows, cfg.decision_rate,
                                                 cfg.recognition_rate)
        # Those who left the counts otherwise, as a hazard a year.
        exits = -np.log1p(-np.minimum(history_exits(rows, cfg.decision_rate,
                                                    cfg.recognition_rate), 0.999))
        columns = [np.zeros(len(iso)) for _ in range(4)]
        for column, values in zip(columns, (people * share, refugees, oip, exits)):
            column[where] = values
        out[int(year)] = tuple(columns)
    return out
