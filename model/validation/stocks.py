"""The economic-migrant backtest: corridor stocks and remittances, 2015 -> 2020.

The fitted defaults run from the UN DESA mid-2015 stocks net of UNHCR's refugees, asylum seekers
and others in need of international protection (`world.migrants=economic`), and are scored on
the economic stocks only (issue 23): the observed side is UN DESA's mid-2020 stock minus UNHCR's
mid-2020 counts (`model.calibration.observed`), the model's side its mid-2020 stock minus the
people it holds in one of the three protection statuses then
(`model.processes.displacement.protected_counts`): none in an economic world, which adds no
observed flight, unless a timeline's conflict events add some. A rejected asylum seeker who
stays is an irregular migrant (UN DESA counts them, UNHCR no longer does), so stays in the
economic part on both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.calibration import (
    FIT_SETTINGS,
    Simulated,
    ard,
    fitted_fields,
    naive_forecasts,
    naive_inputs,
    observed,
    scores,
)
from model.params import default_of

START, END = 2015, 2020
# The last calendar year of WDI receipts (`model.world.loader.LAST_REMITTANCE_YEAR`).
LAST_RECEIPTS = 2019
SIZE_BINS = [0, 1e3, 1e4, 1e5, 1e6, np.inf]
SIZE_LABELS = ["<1k", "1k-10k", "10k-100k", "100k-1M", ">1M"]
FORECASTS = ("model", "unchanged", "trend")


def fitted_values() -> dict[str, float]:
    """The current defaults of the fitted settings (the fitted values once fitted)."""
    return {key: float(default_of(f)) for key, f in fitted_fields().items()}


def simulate_economic(values: dict[str, float], seed: int, start: int = START, end: int = END,
                      settings: dict | None = None) -> tuple[Simulated, np.ndarray]:
    """A run as `model.calibration.simulate` reads it (same settings, same steps, so the same
    numbers seed for seed), stopped once both are read: the economic stock at mid-`end` (the
    stock less the protected) with each calendar year's formal receipts, and the protected
    per corridor at mid-`end` ([K], people)."""
    from model.model import MigrationModel
    from model.processes.displacement import protected_counts

    kw = {**FIT_SETTINGS, **(settings or {}), "start_year": start, "end_year": end}
    kw.update({key.split(".")[1]: v for key, v in values.items()})
    m = MigrationModel(rng=seed, **kw)
    spy = m.steps_per_year
    # The start stock is the mid-year estimate: mid-`end` is (end - start) * spy steps on; the
    # receipts of calendar year y are those of steps (y - start) * spy .. (y - start + 1) * spy.
    read = (end - start) * spy
    last = min(end, LAST_RECEIPTS)
    for step in range(max(read, (last - start + 1) * spy)):
        m.step()
        if step == read - 1:
            stock = np.asarray(m.history["stock_by_corridor"][-1], float)
            protected = protected_counts(m)[0][1:].sum(axis=0)
    received = np.asarray(m.history["formal_received_by_origin"])  # [steps, C]
    years = [received[(y - start) * spy:(y - start + 1) * spy].sum(axis=0)
             for y in range(start + 1, last + 1)]
    return Simulated(stock - protected, np.stack(years, axis=1)), protected


def forecasts(seeds: list[int], settings: dict | None = None) -> dict:
    """The model's 2015->2020 forecast of the economic stocks (mean over seeds) and the two
    naive ones, with each seed's scores and the model's protected at mid-2020."""
    world = {**FIT_SETTINGS, **(settings or {})}["world"]
    obs = observed(START, END, world)
    runs = [simulate_economic(fitted_values(), s, START, END, settings) for s in seeds]
    model = Simulated(np.mean([r.stock_end for r, _ in runs], axis=0),
                      np.mean([r.remittances for r, _ in runs], axis=0))
    return {"obs": obs, "model": model, **naive_forecasts(obs, *naive_inputs(world, START)),
            "per_seed": [scores(r, obs) for r, _ in runs],
            "protected": np.mean([p for _, p in runs], axis=0)}


def metrics(f: dict) -> pd.DataFrame:
    """The headline table: each forecast's ARD of the 2020 stocks (all corridors, the 100
    largest), of the change, and of remittances 2016-2019."""
    obs = f["obs"]
    top = np.argsort(-obs.stock_end)[:100]
    rows = []
    for name in FORECASTS:
        sim = f[name]
        rows.append({
            "forecast": name,
            "ard_stock_2020_all": ard(sim.stock_end, obs.stock_end),
            "ard_stock_2020_top100": ard(sim.stock_end[top], obs.stock_end[top]),
            "ard_change_2015_2020": ard(sim.stock_end - obs.stock_start,
                                        obs.stock_end - obs.stock_start),
            "ard_remittances_2016_2019": ard(sim.remittances, obs.remittances),
            "stock_2020_total_m": float(sim.stock_end.sum() / 1e6),
        })
    rows.append({"forecast": "observed", "stock_2020_total_m": float(obs.stock_end.sum() / 1e6)})
    return pd.DataFrame(rows)


def largest_errors(f: dict, n: int = 10) -> pd.DataFrame:
    """The corridors with the largest absolute errors of the model's 2020 stock."""
    obs = f["obs"]
    err = np.abs(f["model"].stock_end - obs.stock_end)
    i = np.argsort(-err)[:n]
    return pd.DataFrame({"corridor": obs.corridors[i],
                         "stock_2015_k": obs.stock_start[i] / 1e3,
                         "observed_2020_k": obs.stock_end[i] / 1e3,
                         "model_2020_k": f["model"].stock_end[i] / 1e3,
                         "trend_2020_k": f["trend"].stock_end[i] / 1e3,
                         "share_of_model_error": err[i] / err.sum()})


def breakdown(f: dict, by: str) -> pd.DataFrame:
    """ARD of the 2020 stocks and of the change per group of corridors: `by` is
    "destination_region", "origin_region" or "size" (the 2015 stock)."""
    obs = f["obs"]
    if by == "size":
        groups = pd.cut(obs.stock_start, SIZE_BINS, labels=SIZE_LABELS, right=False).astype(str)
    else:
        groups = getattr(obs, by)
    rows = []
    for g in pd.unique(groups):
        i = np.flatnonzero(groups == g)
        row = {"group": g, "corridors": len(i), "stock_2020_m": obs.stock_end[i].sum() / 1e6}
        for name in FORECASTS:
            sim = f[name].stock_end[i]
            row[f"ard_stock_{name}"] = ard(sim, obs.stock_end[i])
            row[f"ard_change_{name}"] = ard(sim - obs.stock_start[i],
                                            obs.stock_end[i] - obs.stock_start[i])
        rows.append(row)
    out = pd.DataFrame(rows)
    if by == "size":
        return out.set_index("group").loc[[s for s in SIZE_LABELS if s in set(out["group"])]]\
            .reset_index()
    return out.sort_values("stock_2020_m", ascending=False).reset_index(drop=True)
