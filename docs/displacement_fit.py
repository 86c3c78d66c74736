"""Fit the host choice of people who flee (issue 23, item 2) to where UNHCR's displaced went.

The displacement process (`model/processes/displacement.py`) sends an origin's flight to its
corridors by a logit: utility = -a log(distance_km) + b contiguous + c log1p(people from the
origin in the host at the run's start) + e log(the host's population), times the host's
admission (1 in the shipped worlds). The host's population is its capacity (as in gravity
models of flows; without it the fit's log-likelihood per person falls from -2.52 to -2.67 and
Jordan, not Turkey, takes most Syrians). This script fits
(a, b, c) by maximum likelihood of that multinomial logit:

- the observed choices: for each origin and year y = 2011-2020, the positive increases of the
  refugees + asylum seekers + others in need of international protection (oip) by host between
  mid-year y - 1 and mid-year y (`model/world/data/displaced.csv`), as shares of the origin's
  total increase;
- the alternatives: every corridor from the origin in the global world of start year y
  (`model.world.loader.load_world("global", None, y, "within", "all")`), with its distance and
  shared border, and as its network the UN DESA estimate before the flight: 2010's for the
  years 2011-2015, 2015's for 2016-2020 (as a run's network is its start year's stock). The
  stock interpolated to the start of year y would put the flight among its own predictors
  (UN DESA's 2015 and 2020 estimates count the refugees who arrived before them): fitted on it,
  the network weight doubles (0.85) and the border and distance weights fall to 0.5 and 0, so a
  run sends new flight where earlier flight went (Venezuelans to the United States rather than
  to Colombia and Peru); the script prints that fit beside;
- each origin-year weighted by its total increase (people), so the big flights dominate: the
  log-likelihood is sum over origin-years and hosts of increase x log(predicted share).

The weights are held within their allowed ranges (DisplacementConfig): one that the
unconstrained maximum puts past a bound is held at it and the others refitted by Newton's
method (the log-likelihood is concave). The standard errors are the inverse Hessian's (of the
free weights), with the weights rescaled to sum to the number of origin-years (each origin-year one observed share vector; counted per person they would be
sqrt(mean people per origin-year) times smaller, and meaningless: people flee in groups along
the same routes). Run `python docs/displacement_fit.py` to print the table; it writes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from model.world.loader import (
    DISPLACED_GROUPS,
    corridor_stocks,
    load_world,
    shipped_countries,
    shipped_displaced,
    start_stock_and_trend,
)

YEARS = tuple(range(2011, 2021))
NAMES = ("flight_distance_elasticity", "flight_border_bonus", "flight_network_elasticity",
         "flight_population_elasticity")


@dataclass
class Choices:
    """The fitting data: one row per corridor and origin-year (`group`)."""

    x: np.ndarray          # [n, 4] -log(distance), contiguous, log1p(stock), log(population)
    chosen: np.ndarray     # [n] the increase on the corridor (people, 0 where none)
    group: np.ndarray      # [n] the origin-year of the row (0..G-1)
    contiguous: np.ndarray  # [n] bool


def choices(years: tuple[int, ...] = YEARS, network: str = "estimate") -> Choices:
    """The observed increases against the corridors' attributes, origin-years with flight only.

    `network`: "estimate" (the UN DESA estimate of 2010 for 2011-2015 and of 2015 for
    2016-2020, as the model's start stock) or "interpolated" (the stock interpolated to the
    year's start, a sensitivity that holds some of the flight it predicts)."""
    countries = shipped_countries().set_index("iso3")
    displaced = shipped_displaced().copy()
    displaced["people"] = displaced[list(DISPLACED_GROUPS)].sum(axis=1)
    people = displaced.set_index(["origin", "destination", "year"])["people"]
    xs, chosen, groups, contiguous = [], [], [], []
    offset = 0
    for year in years:
        k = load_world("global", None, year, "within", "all").corridors
        if network == "interpolated":
            stock, _ = start_stock_and_trend(corridor_stocks(k, "all"), year, "within")
        else:
            stock = k[f"stock_{2010 if year <= 2015 else 2015}"].to_numpy(float)
        now = people.reindex(pd.MultiIndex.from_arrays(
            [k["origin"], k["destination"], np.full(len(k), year)])).fillna(0.0).to_numpy()
        before = people.reindex(pd.MultiIndex.from_arrays(
            [k["origin"], k["destination"], np.full(len(k), year - 1)])).fillna(0.0).to_numpy()
        increase = np.maximum(now - before, 0.0)
        origin = k["o"].to_numpy()
        total = np.bincount(origin, increase)
        keep = total[origin] > 0
        _, group = np.unique(origin[keep], return_inverse=True)
        distance = np.maximum(k["distance_km"].to_numpy(float), 1.0)
        border = np.nan_to_num(k["contiguous"].to_numpy(float))
        population = np.log(np.maximum(countries.loc[k["destination"], "population"]
                                       .to_numpy(float), 1.0))
        xs.append(np.column_stack([-np.log(distance), border, np.log1p(np.maximum(stock, 0.0)),
                                   population])[keep])
        chosen.append(increase[keep])
        groups.append(group + offset)
        contiguous.append(border[keep] > 0)
        offset += group.max() + 1 if len(group) else 0
    return Choices(np.vstack(xs), np.concatenate(chosen), np.concatenate(groups),
                   np.concatenate(contiguous))


def _shares(beta: np.ndarray, data: Choices) -> np.ndarray:
    v = data.x @ beta
    top = np.full(data.group.max() + 1, -np.inf)
    np.maximum.at(top, data.group, v)
    w = np.exp(v - top[data.group])
    return w / np.bincount(data.group, w)[data.group]


def _loglik(beta: np.ndarray, data: Choices, weight: np.ndarray):
    """Weighted log-likelihood, its gradient and Hessian; `weight` is per row's chosen people."""
    p = _shares(beta, data)
    n = np.bincount(data.group, weight)  # weighted people per origin-year
    ll = float(weight @ np.log(np.maximum(p, 1e-300)))
    # Mean attributes under the predicted shares, per origin-year.
    mean = np.stack([np.bincount(data.group, p * data.x[:, j]) for j in range(len(NAMES))],
                    axis=1)
    dx = data.x - mean[data.group]
    grad = (weight[:, None] * data.x).sum(axis=0) - (n[data.group, None] * p[:, None]
                                                     * data.x).sum(axis=0)
    hess = -np.einsum("i,ij,ik->jk", n[data.group] * p, dx, dx)
    return ll, grad, hess


def _newton(data: Choices, weight: np.ndarray, fixed: dict[int, float]) -> np.ndarray:
    """Maximise the (concave) log-likelihood over the weights not in `fixed`."""
    beta = np.array([0.5, 1.0, 0.3, 0.5])
    for j, value in fixed.items():
        beta[j] = value
    free = [j for j in range(len(NAMES)) if j not in fixed]
    for _ in range(100):
        _, grad, hess = _loglik(beta, data, weight)
        step = np.linalg.solve(hess[np.ix_(free, free)], grad[free])
        beta[free] -= step
        if np.abs(step).max() < 1e-12:
            break
    return beta


def bounds() -> list[tuple[float, float]]:
    """The allowed range of each weight (DisplacementConfig's metadata)."""
    from model.processes.displacement import DisplacementConfig

    fields = {f.name: f for f in dataclasses.fields(DisplacementConfig)}
    return [(fields[n].metadata["lo"], fields[n].metadata["hi"]) for n in NAMES]


def fit(data: Choices | None = None) -> dict:
    """The fitted weights within their allowed ranges (a weight past a bound is held at it and
    the others refitted), the unconstrained fit, standard errors of the free weights and the
    contiguous shares (observed, predicted), as a dict."""
    data = choices() if data is None else data
    people = data.chosen
    weight = people * (data.group.max() + 1) / people.sum()  # mean 1 per origin-year
    free_fit = _newton(data, weight, {})
    fixed: dict[int, float] = {}
    beta = free_fit
    while True:
        out = {j: min(max(beta[j], lo), hi) for j, (lo, hi) in enumerate(bounds())
               if not lo <= beta[j] <= hi}
        if not out:
            break
        fixed.update(out)
        beta = _newton(data, weight, fixed)
    free = [j for j in range(len(NAMES)) if j not in fixed]
    se = np.full(len(NAMES), np.nan)
    se_people = np.full(len(NAMES), np.nan)
    for w, target in ((weight, se), (people, se_people)):
        hess = _loglik(beta, data, w)[2][np.ix_(free, free)]
        target[free] = np.sqrt(np.diag(np.linalg.inv(-hess)))
    grad = _loglik(beta, data, weight)[1]
    p = _shares(beta, data)
    total = np.bincount(data.group, people)
    predicted = float((total[data.group] * p * data.contiguous).sum() / people.sum())
    observed = float(people[data.contiguous].sum() / people.sum())
    return {"beta": dict(zip(NAMES, beta)), "unconstrained": dict(zip(NAMES, free_fit)),
            "se": dict(zip(NAMES, se)), "se_per_person": dict(zip(NAMES, se_people)),
            "at_bound": [NAMES[j] for j in fixed], "origin_years": int(total.size),
            "people": float(people.sum()), "contiguous_observed": observed,
            "contiguous_predicted": predicted, "gradient": dict(zip(NAMES, grad))}


def table(result: dict, economic: dict | None = None) -> str:
    """The fit as markdown tables (`economic`: the fit with the interpolated network, if
    given)."""
    lines = ["| parameter | fitted (allowed range) | SE (per origin-year) | SE (per person) "
             "| unconstrained |" + (" network interpolated |" if economic else ""),
             "|---|---:|---:|---:|---:|" + ("---:|" if economic else "")]
    for name in NAMES:
        se = result["se"][name]
        lines.append(f"| `displacement.{name}` | {result['beta'][name]:.3f} | "
                     + ("at its bound |" if np.isnan(se) else f"{se:.3f} |")
                     + ("" if np.isnan(se) else f" {result['se_per_person'][name]:.5f}") + " | "
                     f"{result['unconstrained'][name]:.3f} |"
                     + (f" {economic['beta'][name]:.3f} |" if economic else ""))
    lines += ["", f"{result['origin_years']} origin-years with flight, "
              f"{result['people'] / 1e6:.2f} M people (sum of the positive increases by host "
              f"between mid-years {YEARS[0] - 1}-{YEARS[-1]}).",
              "", "| share of the flight to contiguous hosts | value |", "|---|---:|",
              f"| observed (UNHCR) | {result['contiguous_observed']:.1%} |",
              f"| predicted (fitted logit) | {result['contiguous_predicted']:.1%} |"]
    if economic:
        lines.append(f"| predicted (network interpolated) | "
                     f"{economic['contiguous_predicted']:.1%} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(fit(), fit(choices(network="interpolated"))))
