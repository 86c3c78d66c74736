"""Forced displacement validated as Flee reports it (issue 23, item 7).

From a 2015 start of the global world (`SETTINGS`: 5000 people per agent, otherwise the default
settings, so the start holds UNHCR's mid-2015 counts and the observed flight of 2015-2020 is
added year by year: `displacement.flight_history`), the simulated refugees + asylum seekers +
others in need of international protection (oip) abroad at mid-2020, by host and by origin,
against UNHCR's mid-2020 counts (`displaced.csv`, year 2020): the averaged relative difference
ARD = sum |sim - obs| / sum obs over hosts (or origins), as Suleimenova, Bell and Groen (2017,
Sci. Rep. 7:13377) score Flee, beside two naive forecasts made at the same (host or origin)
level: holding the mid-2015 count, and continuing the 2010-2015 change linearly to 2020
(floored at 0). Also the totals and the share hosted in low- and middle-income countries.

`python -m model.validation` writes this section into docs/validation.md (`markdown`), its
tables and its figure into docs/validation/; `python -m model.validation.displacement` prints
the section alone (seeds 1, 2, 3) and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SETTINGS = {"world": "global", "start_year": 2015, "end_year": 2020,
            "people_per_agent": 5000.0, "progress": False, "figures": False}
READ_AT = 2020.5  # mid-2020, UNHCR's mid-year count
FORECASTS = ("model", "hold 2015", "trend 2010-2015")
SIDES = {"destination": "host", "origin": "origin"}


def simulate(seed: int, settings: dict | None = None) -> pd.DataFrame:
    """The protected (all three statuses) per corridor at mid-2020: origin, destination,
    people."""
    from model.model import MigrationModel
    from model.processes.displacement import protected_counts

    m = MigrationModel(rng=seed, **{**SETTINGS, **(settings or {})})
    # The step that starts at READ_AT - dt ends at mid-2020.
    while m.now() < READ_AT - m.dt - 1e-9:
        m.step()
    m.step()
    iso = np.asarray(m.countries.iso3)
    k = m.corridors
    return pd.DataFrame({"origin": iso[k.o], "destination": iso[k.d],
                         "people": protected_counts(m)[0][1:].sum(axis=0)})


def observed() -> pd.DataFrame:
    """UNHCR's three groups summed per corridor and mid-year (2010, 2015, 2020)."""
    from model.world.loader import DISPLACED_GROUPS, shipped_displaced

    table = shipped_displaced()
    table = table.assign(people=table[list(DISPLACED_GROUPS)].sum(axis=1))
    return table[table["year"].isin([2010, 2015, 2020])]


def ard(forecast: pd.Series, obs: pd.Series) -> float:
    """sum |forecast - obs| / sum obs over the union of the two indexes (absent = 0)."""
    both = pd.concat([forecast, obs], axis=1).fillna(0.0)
    return float((both.iloc[:, 0] - both.iloc[:, 1]).abs().sum() / both.iloc[:, 1].sum())


def table(sims: list[pd.DataFrame], obs: pd.DataFrame, side: str) -> pd.DataFrame:
    """People at mid-2020 per host (`side="destination"`) or origin ("origin"): the model (mean
    of the runs `sims`), the two naive forecasts from UNHCR's 2010 and 2015 counts in `obs`,
    and UNHCR's 2020 count (0 where a forecast or the record has none)."""
    by_year = obs.groupby(["year", side])["people"].sum().unstack(0)
    by_year = by_year.reindex(columns=[2010, 2015, 2020]).fillna(0.0)
    model = pd.concat([s.groupby(side)["people"].sum() for s in sims], axis=1).fillna(0.0)
    out = pd.DataFrame({"model": model.mean(axis=1),
                        "hold 2015": by_year[2015],
                        "trend 2010-2015": (2 * by_year[2015] - by_year[2010]).clip(lower=0.0),
                        "observed": by_year[2020]}).fillna(0.0)
    out.index.name = side
    return out.sort_values("observed", ascending=False)


def scores(sims: list[pd.DataFrame], obs: pd.DataFrame, lmic: set[str]) -> dict:
    """The forecasts by host and by origin (`table`), each forecast's ARD against the record
    per side and per seed, the totals and the share hosted in the countries `lmic`."""
    out = {"per_seed": {}, "ard": {}}
    for side in SIDES:
        t = table(sims, obs, side)
        out[side] = t
        out["ard"][side] = {name: ard(t[name], t["observed"]) for name in FORECASTS}
        out["per_seed"][side] = [ard(s.groupby(side)["people"].sum(), t["observed"])
                                 for s in sims]
    hosts = out["destination"]
    in_lmic = hosts.index.isin(sorted(lmic))
    out["total"] = {name: float(hosts[name].sum()) for name in (*FORECASTS, "observed")}
    out["lmic"] = {name: float(hosts.loc[in_lmic, name].sum() / hosts[name].sum())
                   for name in (*FORECASTS, "observed")}
    return out


def run(seeds: list[int], settings: dict | None = None) -> dict:
    """`scores` of runs with `seeds` against UNHCR's counts, with the seeds."""
    from model.world.loader import shipped_countries

    countries = shipped_countries()
    lmic = set(countries.loc[countries["income_group"] != "High income", "iso3"])
    result = scores([simulate(s, settings) for s in seeds], observed(), lmic)
    result["seeds"] = list(seeds)
    return result


def _top(frame: pd.DataFrame, n: int = 8) -> list[str]:
    lines = ["| | observed | model | hold 2015 | trend 2010-2015 |", "|---|---:|---:|---:|---:|"]
    for iso, row in frame.head(n).iterrows():
        lines.append(f"| {iso} | {row['observed'] / 1e6:.2f} | {row['model'] / 1e6:.2f} | "
                     f"{row['hold 2015'] / 1e6:.2f} | {row['trend 2010-2015'] / 1e6:.2f} |")
    return lines


def markdown(result: dict) -> str:
    """The section of docs/validation.md."""
    seeds = result["seeds"]
    lines = [
        "## Forced displacement: 2015 start against UNHCR's mid-2020 counts",
        "",
        "As Flee reports its validation (Suleimenova, Bell and Groen 2017): from the mid-2015 "
        "start of the global world (5000 people per agent, seeds "
        f"{', '.join(map(str, seeds))}, mean of the seeds; default settings, so the world holds "
        "UNHCR's mid-2015 counts and the observed flight of 2015-2020, "
        "`model/world/data/flight.csv`, is added year by year and sent to hosts by the fitted "
        "logit of docs/displacement_fit.py), the refugees, asylum seekers and others in need of "
        "international protection abroad at mid-2020 against UNHCR's mid-2020 counts "
        "(`displaced.csv`). ARD = sum |sim - obs| / sum obs over hosts or origins. Naive "
        "forecasts per host or origin: *hold 2015* (the mid-2015 count) and *trend 2010-2015* "
        "(the 2010-2015 change continued to 2020, floored at 0). The flight sizes are fitted to "
        "UNHCR's year-on-year changes by origin, so the totals by origin are not out of sample; "
        "where the flight goes (the hosts) is predicted. Module `model/validation/"
        "displacement.py`; tables in `docs/validation/displacement_by_host.csv` and "
        "`displacement_by_origin.csv`.",
        "",
        "| forecast | ARD by host | ARD by origin | total (M) | share in low- and middle-income "
        "hosts |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in FORECASTS:
        lines.append(f"| {name} | {result['ard']['destination'][name]:.3f} | "
                     f"{result['ard']['origin'][name]:.3f} | {result['total'][name] / 1e6:.2f} | "
                     f"{result['lmic'][name]:.1%} |")
    lines.append(f"| observed | | | {result['total']['observed'] / 1e6:.2f} | "
                 f"{result['lmic']['observed']:.1%} |")
    per_seed = result["per_seed"]
    lines += ["", "Per seed, ARD by host: "
              + ", ".join(f"{v:.3f}" for v in per_seed["destination"])
              + "; by origin: " + ", ".join(f"{v:.3f}" for v in per_seed["origin"]) + ".",
              "", "The largest hosts at mid-2020 (millions):", "", *_top(result["destination"]),
              "", "The largest origins at mid-2020 (millions):", "", *_top(result["origin"]),
              "", "![displaced 2020](validation/displacement_2020.png)",
              "", "Where it falls short, and why:", "", *_shortfalls(result)]
    return "\n".join(lines) + "\n"


def _shortfalls(result: dict) -> list[str]:
    """The misses, stated from the numbers."""
    total, lines = result["total"], []
    if total["model"] < 0.95 * total["observed"]:
        lines.append(f"- The total falls short of UNHCR's ({total['model'] / 1e6:.1f} M against "
                     f"{total['observed'] / 1e6:.1f} M): flight.csv is the net growth of each "
                     "origin's count plus its returns and naturalisations, so the rejections of "
                     "asylum claims and the solutions that UNHCR's counts already net out are "
                     "taken off a second time in the model (asylum decisions, voluntary return, "
                     "resettlement out of the world's count).")
    elif total["model"] > 1.05 * total["observed"]:
        origins = result["origin"]
        over = (origins["model"] - origins["observed"]).sort_values()[::-1][:3]
        listed_origins = ", ".join(f"{iso} {origins.at[iso, 'model'] / 1e6:.2f} M against "
                                   f"{origins.at[iso, 'observed'] / 1e6:.2f} M" for iso in over.index)
        lines.append(f"- The total exceeds UNHCR's ({total['model'] / 1e6:.1f} M against "
                     f"{total['observed'] / 1e6:.1f} M), most for {listed_origins}: where an "
                     "origin's count fell by more than the solutions UNHCR reports (other "
                     "residence permits, deregistration, onward movement), the observed flight "
                     "is 0 and the model has no other exit from the three statuses, so those "
                     "people stay counted.")
    hosts = result["destination"]
    error = (hosts["model"] - hosts["observed"]).sort_values()
    ard_host = result["ard"]["destination"]
    if ard_host["model"] >= min(ard_host["hold 2015"], ard_host["trend 2010-2015"]):
        lines.append("- Hosts: the model does no better than a naive forecast by host "
                     f"(ARD {ard_host['model']:.3f}, holding 2015 {ard_host['hold 2015']:.3f}, "
                     f"the trend {ard_host['trend 2010-2015']:.3f}).")

    def listed(isos) -> str:
        return ", ".join(f"{iso} {hosts.at[iso, 'model'] / 1e6:.2f} M against "
                         f"{hosts.at[iso, 'observed'] / 1e6:.2f} M" for iso in isos)

    lines.append(f"- Too many in {listed(error.index[::-1][:3])}; too few in "
                 f"{listed(error.index[:3])}. The host logit (docs/displacement_fit.py) has a "
                 "shared border, distance and the origin's people in a host at the run's start; "
                 "it knows no host's registration policy (Lebanon and Jordan stopped registering "
                 "Syrians in 2015, the admission lever is left at 1 in the history) and no route "
                 "that opens during the run (Venezuelans reaching Peru, Ecuador and Chile "
                 "overland, where few of them lived in 2015).")
    return lines


def figure(result: dict, out: Path) -> Path:
    """The largest hosts and origins at mid-2020: the record, the model and the naive
    forecasts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, side in zip(axes, SIDES):
        t = result[side].head(10)
        x = np.arange(len(t))
        for j, (name, color) in enumerate((("observed", "k"), ("model", "C0"),
                                           ("hold 2015", "C7"), ("trend 2010-2015", "C2"))):
            ax.bar(x + (j - 1.5) * 0.2, t[name] / 1e6, 0.2, label=name, color=color)
        ax.set_xticks(x, t.index, rotation=30, ha="right", fontsize=8)
        ax.set(ylabel="people abroad, mid-2020 (M)",
               title=f"by {SIDES[side]}: ARD model {result['ard'][side]['model']:.3f}, "
                     f"hold 2015 {result['ard'][side]['hold 2015']:.3f}")
    axes[0].legend(fontsize=8)
    fig.suptitle("Refugees, asylum seekers and others in need of protection, from 2015")
    fig.tight_layout()
    path = out / "displacement_2020.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":  # print the section alone (seeds 1,2,3), writing nothing
    print(markdown(run([1, 2, 3])))
