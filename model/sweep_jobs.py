"""The jobs of a sweep: their folders read into one table, and each scenario's effect on each
headline outcome, paired by seed.

A Hydra multirun writes one folder per job (SWEEP/0, SWEEP/1, ...), each with
`summary.json`, `timeseries.csv` and `.hydra/overrides.yaml`.

* `load_jobs(dirs)`: one row per job folder (status, seed, scenario, headline outcomes).
* `paired_effects(jobs, baseline)`: scenario minus baseline per headline outcome, paired
  by seed, with a 90 % interval.
* `series()`, `outcomes()`: the time series and headline outcomes the comparison figures draw,
  from the components' declarations.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from model.figures import read_csv
from model.indicators import headlines, indicators
from model.scenario_labels import key_value, scenario_of

# libyaml's loader where PyYAML was built with it: a sweep's end reads every job's overrides
# (1,000 files: 1.9 s with the pure-Python loader).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

log = logging.getLogger(__name__)

BAND = (5.0, 95.0)        # percentiles of the shaded band / effect interval (90 %)
Z90 = 1.645               # two-sided 90 % normal quantile, for the few-pairs fallback
MIN_PAIRS_PERCENTILE = 5  # below this many paired seeds, percentiles are too coarse


def series() -> dict[str, tuple[str, str]]:
    """Time series of the comparison figures (`compare_<indicator>.png`): indicator ->
    (title, kind), from the indicators whose components declare `compare`. The kind picks the
    unit: "people" in millions, "usd_step" in US$ billions per step, "share" in %, "pct" as is."""
    return {i.name: i.compare for i in indicators() if i.compare is not None}


def outcomes() -> dict[str, tuple[str, str]]:
    """Headline outcomes of effects.png: headline -> (title, kind), from the headlines whose
    components declare `effect`. "money" is shown in % of the baseline mean (absolute US$
    billions when the baseline is zero, e.g. policy cost), "share" in percentage points,
    "months"/"people" in their own unit."""
    return {h.name: h.effect for h in headlines() if h.effect is not None}


def headline_columns() -> list[str]:
    """Every declared headline outcome."""
    return [h.name for h in headlines()]


# --------------------------------------------------------------------------- loading

def job_dirs(sweep_dir: Path) -> list[Path]:
    """Job folders of a sweep folder (sub-folders, in natural order: 0, 1, ..., 10)."""
    def natural(path: Path):
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]
    return sorted((p for p in Path(sweep_dir).iterdir()
                   if p.is_dir() and not p.name.startswith(".")), key=natural)


def _read_overrides(job: Path, summary: dict) -> list[str]:
    """The job's overrides from `.hydra/overrides.yaml` (or summary.json), [] if neither."""
    path = job / ".hydra" / "overrides.yaml"
    if path.is_file():
        try:
            data = yaml.load(path.read_text(), Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            log.warning("cannot read %s: %s", path, exc)
            data = None
        if isinstance(data, list):
            return [str(o) for o in data]
    data = summary.get("overrides")
    return [str(o) for o in data] if isinstance(data, list) else []


def _read_summary(job: Path) -> tuple[dict, str]:
    """(summary dict, status); status "missing" without a file, "unreadable" if corrupt."""
    path = job / "summary.json"
    if not path.is_file():
        return {}, "missing"
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        # An interrupted write leaves a truncated file: report it, do not crash.
        log.warning("cannot read %s: %s", path, exc)
        return {}, "unreadable"
    if not isinstance(data, dict):
        return {}, "unreadable"
    return data, str(data.get("status", "ok"))


def _seed_of(summary: dict, overrides: list[str]) -> float:
    """Seed from summary.json, else from a `seed=` override, else NaN."""
    seed = summary.get("seed")
    if seed is None:
        for override in overrides:
            key, value = key_value(override)
            if key == "seed":
                seed = value
    try:
        return int(seed)
    except (TypeError, ValueError):
        return np.nan


def load_jobs(dirs: list[Path]) -> pd.DataFrame:
    """One row per job folder: job, path, status, error, seed, scenario and the headlines.

    `status` is the summary's ("ok"/"failed"), "missing" without summary.json and
    "unreadable" when the file cannot be parsed. Paths that are not folders are skipped.
    """
    rows = []
    for job in map(Path, dirs):
        if not job.is_dir():
            log.warning("not a job folder, skipped: %s", job)
            continue
        summary, status = _read_summary(job)
        overrides = _read_overrides(job, summary)
        headline = summary.get("headline") if isinstance(summary.get("headline"), dict) else {}
        row = {"job": job.name, "path": job, "status": status,
               "error": summary.get("error"), "seed": _seed_of(summary, overrides),
               "scenario": scenario_of(overrides)}
        for key, value in headline.items():
            try:
                row[key] = float(value)
            except (TypeError, ValueError):
                row[key] = np.nan
        rows.append(row)
    columns = ["job", "path", "status", "error", "seed", "scenario"]
    frame = pd.DataFrame(rows, columns=None if rows else columns)
    for column in columns + headline_columns():  # always present, NaN when unknown
        if column not in frame.columns:
            frame[column] = np.nan
    frame["seed"] = frame["seed"].astype("Int64")
    return frame


def read_timeseries(job: Path) -> pd.DataFrame | None:
    """The columns of a job's timeseries.csv that the figures draw, or None when it is absent,
    unreadable or empty."""
    wanted = {"step", "year", *series()}
    frame = read_csv(Path(job) / "timeseries.csv", usecols=lambda c: c in wanted)
    return frame if frame is not None and {"step", "year"} <= set(frame.columns) else None


# --------------------------------------------------------------------------- effects

def _interval(diffs: np.ndarray) -> tuple[float, float, str]:
    """90 % interval of paired differences and how it was obtained.

    Percentiles need enough pairs to mean anything; with fewer, use the mean +/- 1.645
    standard errors; a single pair has no interval at all.
    """
    n = len(diffs)
    if n >= MIN_PAIRS_PERCENTILE:
        low, high = np.percentile(diffs, BAND)
        return float(low), float(high), "percentile"
    if n >= 2:
        half = Z90 * float(np.std(diffs, ddof=1)) / np.sqrt(n)
        mean = float(np.mean(diffs))
        return mean - half, mean + half, "se"
    return np.nan, np.nan, "none"


def paired_effects(jobs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Effect of each scenario on each headline outcome: scenario minus baseline, paired by seed.

    Only "ok" jobs count, and only seeds present in both the scenario and the baseline
    (the same seed draws the same random numbers, so pairing removes most of the noise).
    A seed run twice in one scenario is averaged. Columns: scenario, outcome, mean, low,
    high (90 % interval, see `_interval`), pairs, interval ("percentile", "se" or
    "none"), baseline_mean (over the paired seeds), all in the outcome's own unit.
    """
    columns = ["scenario", "outcome", "mean", "low", "high", "pairs", "interval",
               "baseline_mean"]
    ok = jobs[(jobs["status"] == "ok") & jobs["seed"].notna()]
    names = [o for o in outcomes() if o in ok.columns]
    per_seed = ok.groupby(["scenario", "seed"])[names].mean() if len(ok) else None
    if per_seed is None or baseline not in per_seed.index.get_level_values("scenario"):
        return pd.DataFrame(columns=columns)
    base = per_seed.loc[baseline]
    rows = []
    for scenario in sorted(set(per_seed.index.get_level_values("scenario")) - {baseline}):
        other = per_seed.loc[scenario]
        seeds = other.index.intersection(base.index)
        for outcome in names:
            pair = pd.DataFrame({"s": other.loc[seeds, outcome],
                                 "b": base.loc[seeds, outcome]}).dropna()
            diffs = (pair["s"] - pair["b"]).to_numpy(dtype=float)
            if not len(diffs):
                continue
            low, high, how = _interval(diffs)
            rows.append({"scenario": scenario, "outcome": outcome,
                         "mean": float(diffs.mean()), "low": low, "high": high,
                         "pairs": len(diffs), "interval": how,
                         "baseline_mean": float(pair["b"].mean())})
    return pd.DataFrame(rows, columns=columns)
