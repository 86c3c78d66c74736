"""The run folder: the files of the output contract (see the README and DESIGN.md).

- `timeseries.csv`: one row per step, one column per indicator (`model.indicators`);
- `corridors.csv`: one row per corridor, its start and end state and its totals over the run;
- `country_timeseries.csv`: per step and country: emigrants, immigrants, formal remittances;
- `calibration.csv`: the start-year comparison of simulated and published figures;
- `summary.json`: the run's settings and headline indicators;
- `figures/*.png`: drawn by `model.plots` from the files above.

Numbers are written with 10 significant digits, so identical runs give identical bytes.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from model.config import flatten
from model.indicators import headline, indicators
from model.population import ABROAD, HIGH
from model.shocks import recovery
from model.world.loader import shipped_corridors

FLOAT = "%.10g"
RESULT_FILES = ("timeseries.csv", "corridors.csv", "summary.json")


def timeseries(model) -> pd.DataFrame:
    """The DataCollector's table with the step number as first column."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df.insert(0, "step", np.arange(1, len(df) + 1))
    return df


# Per-corridor flows whose totals corridor_table names itself.
NAMED_TOTALS = ("arrivals", "arrivals_irregular", "returns", "removals", "sent", "received",
                "fees")


def corridor_table(model) -> pd.DataFrame:
    """Per corridor: identity, start and end stock, totals of flows over the run (every other
    per-corridor flow under its own name), end state (and what processes add:
    `Component.corridor_end`)."""
    k, c, pop, t = model.corridors, model.countries, model.migrants, model.totals
    K = len(k.o)
    abroad = pop.weight * (pop.status == ABROAD)
    end_high = np.bincount(pop.corridor, abroad * (pop.skill == HIGH), K)
    end_irregular = np.bincount(pop.corridor, abroad * ~pop.regular, K)
    end_employed = np.bincount(pop.corridor, abroad * pop.employed, K)
    skilled = abroad * pop.employed * (pop.skill == HIGH)
    end_skilled = np.bincount(pop.corridor, skilled, K)
    end_below = np.bincount(pop.corridor, skilled * ~pop.matched, K)
    stock = model.stock_now
    last_year = np.sum(model.history["formal_received_corridor"][-model.steps_per_year:], axis=0)
    # The other per-corridor flows' totals (named as the flows), then what processes add.
    extra = {name: total for name, total in t.items() if name not in NAMED_TOTALS}
    for process in model.processes:
        extra.update(process.corridor_end(model))
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "origin": c.iso3[k.o], "destination": c.iso3[k.d],
            "stock_start": k.stock0, "stock_end": stock,
            "arrivals": t["arrivals"], "arrivals_irregular": t["arrivals_irregular"],
            "returns": t["returns"], "removals": t["removals"],
            "remittances_sent_usd": t["sent"], "remittances_received_usd": t["received"],
            "remittance_fees_usd": t["fees"], "remittances_formal_last_year_usd": last_year,
            "remittance_price_pct": k.price_pct,
            "high_skill_share_end": np.where(stock > 0, end_high / stock, np.nan),
            "irregular_share_end": np.where(stock > 0, end_irregular / stock, np.nan),
            "employment_rate_end": np.where(stock > 0, end_employed / stock, np.nan),
            "skilled_employed_end": end_skilled,
            "brain_waste_end": np.where(end_skilled > 0, end_below / end_skilled, np.nan),
            "destination_overqualification": c.overqualification[k.d],
            **extra,
        })


def corridor_timeseries(model) -> dict[str, np.ndarray]:
    """Tidy per-corridor series, one row per step and corridor: stock (all, tertiary-educated,
    others), arrivals by channel, returns, remittances received by channel and the price.

    Columns as arrays (written by `write_table` without a DataFrame, which a sweep would pay
    for in every job)."""
    k, c, h = model.corridors, model.countries, model.history
    steps, K = len(h["stock_by_corridor"]), len(k.o)
    step = np.repeat(np.arange(1, steps + 1), K)

    def stacked(name: str) -> np.ndarray:
        return np.asarray(h[name], dtype=float).reshape(steps * K) if steps else np.zeros(0)

    stock, high = stacked("stock_by_corridor"), stacked("stock_high_by_corridor")
    arrivals, irregular = stacked("arrivals_corridor"), stacked("arrivals_irregular_corridor")
    received, formal = stacked("received_corridor"), stacked("formal_received_corridor")
    return {
        "step": step, "year": model.start_year + (step - 1) * model.dt,
        "origin": np.tile(c.iso3[k.o], steps), "destination": np.tile(c.iso3[k.d], steps),
        "stock": stock, "stock_high_skill": high, "stock_other_skill": stock - high,
        "arrivals_regular": arrivals - irregular, "arrivals_irregular": irregular,
        "returns": stacked("returns_corridor"),
        "remittances_formal_usd": formal, "remittances_informal_usd": received - formal,
        "remittance_price_pct": stacked("price_corridor"),
    }


def country_roles(model) -> dict[str, np.ndarray]:
    """Per step and country, once as origin (its emigrants) and once as destination (its
    immigrants): migrants, employed, employment rate, tertiary-educated migrants in work, the
    brain-waste rate among them (job below skill), and remittances (received by the origin's
    households, all channels and formal; sent from the destination)."""
    k, c, h = model.corridors, model.countries, model.history
    steps, C = len(h["stock_by_corridor"]), len(c.iso3)
    names = ("stock_by_corridor", "employed_corridor", "skilled_employed_corridor",
             "skilled_below_corridor", "received_corridor", "formal_received_corridor",
             "sent_corridor")
    series = {name: np.asarray(h[name], dtype=float).reshape(steps, -1) for name in names}
    parts = []
    for role, index in (("origin", k.o), ("destination", k.d)):
        by = {name: np.stack([np.bincount(index, row, C) for row in values]).ravel()
              if steps else np.zeros(0) for name, values in series.items()}
        # Origins' households receive, destinations' migrants send.
        none = np.zeros(steps * C)
        origin = role == "origin"
        remittances = {
            "remittances_received_usd": by["received_corridor"] if origin else none,
            "remittances_formal_received_usd": by["formal_received_corridor"] if origin else none,
            "remittances_sent_usd": none if origin else by["sent_corridor"]}
        step = np.repeat(np.arange(1, steps + 1), C)
        migrants, employed = by["stock_by_corridor"], by["employed_corridor"]
        skilled, below = by["skilled_employed_corridor"], by["skilled_below_corridor"]
        with np.errstate(invalid="ignore", divide="ignore"):
            parts.append({
                "step": step, "year": model.start_year + (step - 1) * model.dt,
                "iso3": np.tile(c.iso3, steps), "role": np.full(steps * C, role),
                "migrants": migrants, "employed": employed,
                "employment_rate": np.where(migrants > 0, employed / migrants, np.nan),
                "skilled_employed": skilled,
                "brain_waste_rate": np.where(skilled > 0, below / skilled, np.nan),
                **remittances})
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


COHORT_YEARS = (1, 3, 5)


def cohorts(model) -> dict[str, np.ndarray]:
    """Per arrival year of the run: arrivals, and how many of them are still abroad (and what
    share) at the end of the year `h` later, h in COHORT_YEARS, i.e. h to h+1 years after they
    arrived; NaN where that lies beyond the run."""
    h = model.history
    spy, steps = model.steps_per_year, len(h["arrivals_corridor"])
    per_step = np.array([a.sum() for a in h["arrivals_corridor"]])
    years = -(-steps // spy)
    arrivals = np.array([per_step[y * spy:(y + 1) * spy].sum() for y in range(years)])
    ends = h["cohort_abroad"]  # one array per completed year, index = arrival year
    out = {"arrival_year": model.start_year + np.arange(years), "arrivals": arrivals}
    for after in COHORT_YEARS:
        abroad = np.array([ends[y + after][y] if y + after < len(ends) else np.nan
                           for y in range(years)])
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(arrivals > 0, abroad / arrivals, np.nan)
        out[f"abroad_after_{after}y"], out[f"share_abroad_after_{after}y"] = abroad, share
    return out


def write_table(columns: dict[str, np.ndarray], path: Path, fmt: str) -> Path:
    """An analysis table as Parquet (pyarrow, straight from the arrays) or CSV; returns the
    file written (`path` with the format's suffix)."""
    path = path.with_suffix(f".{fmt}")
    if fmt == "csv":
        write_csv(pd.DataFrame(columns), path)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        # Dictionary-encode only the text columns and skip column statistics: half the time
        # of pyarrow's defaults (a sweep writes this table in every job), a smaller file.
        text = [name for name, values in columns.items() if values.dtype.kind in "OUT"]
        pq.write_table(pa.table(columns), path, compression="zstd", use_dictionary=text,
                       write_statistics=False)
    return path


def country_timeseries(model) -> pd.DataFrame:
    """Long table: step, year, iso3, emigrants, immigrants, formal remittances received."""
    k, c = model.corridors, model.countries
    C, steps = len(c.iso3), len(model.history["stock_by_corridor"])
    stocks = np.array(model.history["stock_by_corridor"])  # [steps, K]
    emigrants = np.stack([np.bincount(k.o, s, C) for s in stocks])
    immigrants = np.stack([np.bincount(k.d, s, C) for s in stocks])
    received = np.array(model.history["formal_received_by_origin"])
    step = np.repeat(np.arange(1, steps + 1), C)
    return pd.DataFrame({
        "step": step, "year": model.start_year + (step - 1) * model.dt,
        "iso3": np.tile(c.iso3, steps), "emigrants": emigrants.ravel(),
        "immigrants": immigrants.ravel(), "remittances_formal_usd": received.ravel()})


def calibration_table(model) -> pd.DataFrame:
    """Simulated versus published figures for the start year.

    - remittances received in the first simulated year (formal channels, which is what WDI
      records) against WDI in the start year for the 20 largest recipients in the world;
    - corridor stocks at mid-2020 (after simulating from the start year) against UN DESA 2020,
      for the 30 largest corridors, and the total;
    - the average remittance price (SDG 10.c.1) against the mean of the RPW corridors.
    """
    c, k, w = model.countries, model.corridors, model.world
    spy = model.steps_per_year
    rows = []
    wdi = w.countries["remittances_received_usd"].to_numpy(float)
    wdi_year = 2019 if model.cfg.world.name == "custom" else min(model.start_year, 2019)
    first_year = np.sum(model.history["formal_received_by_origin"][:spy], axis=0)
    for i in np.argsort(-np.nan_to_num(wdi))[:20]:
        if np.isfinite(wdi[i]) and wdi[i] > 0:
            rows.append(("remittances_received_usd", c.iso3[i], first_year[i], wdi[i],
                         f"World Bank WDI BX.TRF.PWKR.CD.DT, {wdi_year}"))
    mid2020 = int(round((2020.5 - model.start_year) * spy))  # steps until 1 July 2020
    if 0 < mid2020 <= len(model.history["stock_by_corridor"]):
        stock = model.history["stock_by_corridor"][mid2020 - 1]
        data = w.corridors["stock_2020"].to_numpy(float)
        for i in np.argsort(-data)[:30]:
            rows.append(("corridor_stock_2020", f"{c.iso3[k.o[i]]}->{c.iso3[k.d[i]]}", stock[i],
                         data[i], "UN DESA International Migrant Stock 2024, mid-2020"))
        rows.append(("corridor_stock_2020", "all corridors", stock.sum(), data.sum(),
                     "UN DESA International Migrant Stock 2024, mid-2020"))
    ts = model.datacollector.get_model_vars_dataframe()
    shipped = shipped_corridors()
    if "price_source" in shipped:
        rpw = shipped.loc[shipped["price_source"] == "rpw_2019", "remittance_price_pct"].mean()
        rows.append(("remittance_price_pct", "average over corridors (SDG 10.c.1)",
                     ts["remittance_price_pct"].iloc[:spy].mean(), rpw,
                     "World Bank Remittance Prices Worldwide, 2019 corridor averages"))
    df = pd.DataFrame(rows, columns=["quantity", "item", "simulated", "data", "source"])
    df.insert(4, "ratio", df["simulated"] / df["data"])
    return df


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """`table.to_csv(path, index=False, float_format=FLOAT)`, byte for byte, in about half the
    time (a sweep writes these tables after every job): each float column is formatted by one
    comprehension instead of pandas' formatter per value, and the csv module quotes as pandas
    does (minimal quoting, empty for missing values)."""
    columns = []
    for name in table.columns:
        values = table[name].to_numpy()
        if values.dtype.kind == "f":
            columns.append(["" if v != v else FLOAT % v for v in values.tolist()])
        else:
            missing = table[name].isna().tolist()
            columns.append(["" if m else v for v, m in zip(table[name].tolist(), missing)])
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(zip(*columns))


def write_run(model, out_dir: Path, status: str = "ok", overrides: list[str] | None = None) -> dict:
    """Write every table and summary.json into `out_dir`; return the summary.

    `status` is "ok" for a finished run and "failed" for the partial record of a failed one.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    ts = timeseries(model)
    write_csv(ts, out_dir / "timeseries.csv")
    write_csv(corridor_table(model), out_dir / "corridors.csv")
    write_csv(country_timeseries(model), out_dir / "country_timeseries.csv")
    if model.cfg.tables != "none":
        write_table(corridor_timeseries(model), out_dir / "corridor_timeseries", model.cfg.tables)
        write_table(country_roles(model), out_dir / "country_roles", model.cfg.tables)
        write_table(cohorts(model), out_dir / "cohorts", model.cfg.tables)
    calib = calibration_table(model)
    write_csv(calib, out_dir / "calibration.csv")
    summary = {
        "status": status,
        "overrides": list(overrides) if overrides is not None else None,
        "world": model.world.name,
        "seed": model.seed,
        "start_year": model.start_year,
        "end_year": model.cfg.end_year,
        "steps": model.steps,
        "countries": int(len(model.countries.iso3)),
        "corridors": int(len(model.corridors.o)),
        "units": {i.name: i.unit for i in indicators()},
        "headline": headline(model),
        "calibration": {
            q: {"median_abs_error_pct": round(float(100 * (g["ratio"] - 1).abs().median()), 2),
                "rows": int(len(g))}
            for q, g in calib.groupby("quantity")},
        "parameters": flatten(model.cfg),
        "policies": model.policies.summary(),
        "facility": model.facility.summary() if model.facility is not None else None,
        "agreements": model.agreements.summary() if model.agreements is not None else None,
        "shocks": [dict(dataclasses.asdict(e), recovery=r) for e, r in zip(
            model.shocks.events, recovery(ts, model.shocks.events,
                                          model.steps_per_year))],
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default))
    return summary


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value)} to JSON")
