"""Validation of forced displacement as Flee reports it (issue 23, item 7).

From a 2015 start of the global world (5000 people per agent, seeds 1 and 2, the default
settings, so the observed flight of 2015-2020 is added year by year: `flight_history`), the
simulated refugees + asylum seekers + others in need of international protection (oip) abroad
at mid-2020, by host and by origin, against UNHCR's mid-2020 counts (`displaced.csv`, year
2020): the averaged relative difference ARD = sum |sim - obs| / sum obs over hosts (or
origins), beside two naive forecasts made at the aggregate (host or origin) level, holding the
mid-2015 count and continuing the 2010-2015 change linearly to 2020 (floored at 0). Also the
totals and the share hosted in low- and middle-income countries.

Run `python docs/displacement_validation.py` (about 5 s); it prints the markdown section of
`docs/validation.md` ("Forced displacement ...") and writes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.model import MigrationModel
from model.processes import displacement
from model.world.loader import DISPLACED_GROUPS, shipped_countries, shipped_displaced

SEEDS = (1, 2)
SETTINGS = {"world": "global", "start_year": 2015, "end_year": 2020,
            "people_per_agent": 5000.0, "progress": False}
READ_AT = 2020.5  # mid-2020, UNHCR's mid-year count


def simulate(seed: int) -> pd.DataFrame:
    """The protected (all three statuses) per corridor at mid-2020: origin, destination, people."""
    m = MigrationModel(rng=seed, **SETTINGS)
    while m.now() < READ_AT - m.dt - 1e-9:
        m.step()
    m.step()  # the step that ends at mid-2020
    assert abs(m.now() - READ_AT) < 1e-9, m.now()
    k, iso = m.corridors, m.countries.iso3
    people = displacement.protected_counts(m)[0][1:].sum(axis=0)
    return pd.DataFrame({"origin": np.asarray(iso)[k.o], "destination": np.asarray(iso)[k.d],
                         "people": people})


def observed() -> pd.DataFrame:
    """UNHCR's three groups summed per corridor and mid-year (2010, 2015, 2020)."""
    table = shipped_displaced()
    table = table.assign(people=table[list(DISPLACED_GROUPS)].sum(axis=1))
    return table[table["year"].isin([2010, 2015, 2020])]


def _ard(forecast: pd.Series, obs: pd.Series) -> float:
    both = pd.concat([forecast, obs], axis=1).fillna(0.0)
    return float((both.iloc[:, 0] - both.iloc[:, 1]).abs().sum() / both.iloc[:, 1].sum())


def scores() -> dict:
    """The forecasts by host and by origin, their ARDs, totals and LMIC shares."""
    sims = [simulate(seed) for seed in SEEDS]
    obs = observed()
    countries = shipped_countries().set_index("iso3")
    lmic = countries["income_group"] != "High income"
    out = {"per_seed": {}}
    for side in ("destination", "origin"):
        by_year = obs.groupby(["year", side])["people"].sum().unstack(0).fillna(0.0)
        forecasts = {
            "model": pd.concat([s.groupby(side)["people"].sum() for s in sims], axis=1)
                     .fillna(0.0).mean(axis=1),
            "hold 2015": by_year[2015],
            "trend 2010-2015": (2 * by_year[2015] - by_year[2010]).clip(lower=0.0),
        }
        out[side] = {name: _ard(f, by_year[2020]) for name, f in forecasts.items()}
        out["per_seed"][side] = [_ard(s.groupby(side)["people"].sum(), by_year[2020])
                                 for s in sims]
        if side == "destination":
            forecasts["observed"] = by_year[2020]
            out["total"] = {n: float(f.sum()) for n, f in forecasts.items()}
            out["lmic"] = {n: float(f[f.index.map(lmic).fillna(False).astype(bool)].sum()
                                    / f.sum()) for n, f in forecasts.items()}
            out["hosts"] = pd.DataFrame(forecasts).fillna(0.0)
        else:
            out["origins"] = pd.DataFrame({**forecasts, "observed": by_year[2020]}).fillna(0.0)
    return out


def _top(frame: pd.DataFrame, n: int = 8) -> list[str]:
    frame = frame.sort_values("observed", ascending=False).head(n)
    lines = ["| | observed | model | hold 2015 | trend 2010-2015 |", "|---|---:|---:|---:|---:|"]
    for iso, row in frame.iterrows():
        lines.append(f"| {iso} | {row['observed'] / 1e6:.2f} | {row['model'] / 1e6:.2f} | "
                     f"{row['hold 2015'] / 1e6:.2f} | {row['trend 2010-2015'] / 1e6:.2f} |")
    return lines


def markdown(result: dict) -> str:
    """The section of docs/validation.md."""
    names = ("model", "hold 2015", "trend 2010-2015")
    lines = [
        "## Forced displacement: 2015 start against UNHCR's mid-2020 counts",
        "",
        "Regenerate with `python docs/displacement_validation.py` (prints this section; about "
        "5 s). As Flee reports its validation (Suleimenova, Bell and Groen 2017): from the "
        "mid-2015 start of the global world (5000 people per agent, seeds "
        f"{', '.join(map(str, SEEDS))}, mean of the seeds; default settings, so the observed "
        "flight of 2015-2020, `model/world/data/flight.csv`, is added year by year and sent to "
        "hosts by the fitted logit of docs/displacement_fit.py), the refugees, asylum seekers "
        "and others in need of international protection abroad at mid-2020 against UNHCR's "
        "mid-2020 counts (`displaced.csv`). ARD = sum |sim - obs| / sum obs over hosts or "
        "origins. Naive forecasts per host or origin: *hold 2015* (the mid-2015 count) and "
        "*trend 2010-2015* (the 2010-2015 change continued to 2020, floored at 0). The flight "
        "sizes are fitted to UNHCR's year-on-year changes by origin, so the totals by origin are "
        "not out of sample; where the flight goes (the hosts) is predicted.",
        "",
        "| forecast | ARD by host | ARD by origin | total (M) | share in low- and middle-income "
        "hosts |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in names:
        lines.append(f"| {name} | {result['destination'][name]:.3f} | "
                     f"{result['origin'][name]:.3f} | {result['total'][name] / 1e6:.2f} | "
                     f"{result['lmic'][name]:.1%} |")
    lines.append(f"| observed | | | {result['total']['observed'] / 1e6:.2f} | "
                 f"{result['lmic']['observed']:.1%} |")
    seeds = result["per_seed"]
    lines += ["", "Per seed, ARD by host: " + ", ".join(f"{v:.3f}" for v in seeds["destination"])
              + "; by origin: " + ", ".join(f"{v:.3f}" for v in seeds["origin"]) + ".",
              "", "The largest hosts at mid-2020 (millions):", "", *_top(result["hosts"]),
              "", "The largest origins at mid-2020 (millions):", "", *_top(result["origins"]),
              "", "Where it falls short, and why:", "",
              "- The total falls short of UNHCR's: flight.csv is the net growth of each origin's "
              "count plus its returns and naturalisations, so the rejections of asylum claims "
              "and the solutions that UNHCR's counts already net out are taken off a second time "
              "in the model (asylum decisions, voluntary return, resettlement out of the world's "
              "count).",
              "- The run starts from UNHCR's mid-2015 counts and adds the whole of 2015's flight "
              "from the start, so the first half of 2015's flight is counted twice (it goes the "
              "other way from the point above).",
              "- Hosts: the logit has no distance term left (fitted to 0) and a strong network "
              "term, so far hosts with large diasporas (the United States for Venezuelans) draw "
              "more than they hosted, and the new corridors (Venezuelans in Colombia and Peru, "
              "small before 2015) less; the fitted network weight is inflated because UN DESA's "
              "2015 and 2020 stocks, which it is fitted on, include the refugees who arrived "
              "before them (docs/displacement_fit.py prints the fit on stocks net of UNHCR's "
              "counts)."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(scores()))
