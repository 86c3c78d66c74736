"""Compare the scenarios of a sweep: figures across job folders, effects paired by seed.

A Hydra multirun writes one folder per job (SWEEP/0, SWEEP/1, ...), each with
`summary.json`, `timeseries.csv` and `.hydra/overrides.yaml`. This module groups those
jobs into scenarios and draws them side by side:

* `scenario_of(overrides)`: the scenario label of a job, its overrides without the seed
  and without Hydra's own settings, sorted and joined by spaces.
* `is_baseline(label)`: True when a label switches nothing on (no policies, no shocks, ...).
* `load_jobs(dirs)`: one row per job folder (status, seed, scenario, headline outcomes).
* `paired_effects(jobs, baseline)`: scenario minus baseline per headline outcome, paired
  by seed, with a 90 % interval.
* `compare_figures(dirs, out_dir, baseline=None)`: writes

  1. `compare_<indicator>.png` for each of the main time series: one line per scenario
     (mean over seeds per step) with a shaded 5th-95th percentile band over seeds, the
     baseline in black. Flows in US$ are plotted per step (US$ per quarter for quarterly
     runs), not annualised, so the band keeps its per-step meaning.
  2. `effects.png`: the paired effects, one small panel per outcome, dot-and-whisker per
     scenario around a zero line (money in % of the baseline mean, shares in percentage
     points). Skipped when there is no baseline or nothing to compare with it.

Jobs that failed, were interrupted (no summary.json) or have no readable timeseries are
left out of the figures, never an error. Figures are `matplotlib.figure.Figure` objects
(Agg, no pyplot state) saved without software metadata, so the same inputs give the same
bytes.

The scenario labels are in `model.scenario_labels`, the jobs' table and the paired effects in
`model.sweep_jobs` (both importable from here as before).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.figures import plain_ticks, save, steps_per_year
from model.scenario_labels import (choose_baseline, common_overrides, display_name, distinct,
                                   is_baseline, scenario_of)
from model.sweep_jobs import (BAND, MIN_PAIRS_PERCENTILE, SAFE_LOADER, headline_columns,
                              job_dirs, load_jobs, outcomes, paired_effects, read_timeseries,
                              series)

__all__ = ["SAFE_LOADER", "choose_baseline", "compare_figures", "display_name",
           "headline_columns", "is_baseline", "job_dirs", "load_jobs", "outcomes",
           "paired_effects", "plot_effects", "plot_series", "scenario_of", "series",
           "stack_timeseries"]

log = logging.getLogger(__name__)

BASELINE_COLOUR = "black"
# Colours for the non-baseline scenarios, in label order (tab10 without black-ish grey).
SCENARIO_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]


# --------------------------------------------------------------------------- figures

def _baseline_text(baseline: str, labels: list[str]) -> str:
    """The baseline's overrides for a title (without the sweep-wide ones)."""
    text = distinct(baseline, common_overrides(labels))
    return display_name(text) if text else "model defaults"


def _per_step_word(steps_per_year: float) -> str:
    """Name of one step: "quarter" for 4 steps a year, "month" for 12, else "step"."""
    return {1.0: "year", 2.0: "half-year", 4.0: "quarter", 12.0: "month"}.get(
        steps_per_year, "step")


def _series_unit(kind: str, per: str) -> tuple[str, float]:
    """(unit text, factor applied to the raw values) of a time-series kind."""
    return {
        "people": ("millions of people", 1e-6),
        "usd_step": (f"US$ billions per {per}", 1e-9),
        "share": ("%", 100.0),  # of the group the title names
        "pct": ("% of the amount sent", 1.0),
    }[kind]


def _scenario_styles(labels: list[str], baseline: str | None) -> dict[str, tuple[str, str]]:
    """label -> (legend name, colour): the baseline black and first, others in label order.

    The names drop the overrides every job shares, so "end_year=2023" repeated in every
    label does not crowd the legend.
    """
    common = common_overrides(labels)
    ordered = ([baseline] if baseline in labels else []) + sorted(
        label for label in labels if label != baseline)
    names = {label: display_name(distinct(label, common) if label != baseline else label,
                                 baseline) for label in ordered}
    if len(set(names.values())) < len(names):  # two labels read the same: show them whole
        names = {label: ("baseline" if label == baseline else label or "(defaults)")
                 for label in ordered}
    styles, colour = {}, iter(SCENARIO_COLOURS * (len(ordered) // len(SCENARIO_COLOURS) + 1))
    for label in ordered:
        styles[label] = (names[label], BASELINE_COLOUR if label == baseline else next(colour))
    return styles


def stack_timeseries(ok: pd.DataFrame) -> pd.DataFrame:
    """Every job's timeseries in one long table with its scenario and job, built once for all
    the comparison figures (a frame per job and indicator took 9 s for 1,000 jobs)."""
    frames = [ts.assign(scenario=scenario, job=job)
              for scenario, job, ts in zip(ok["scenario"], ok["job"], ok["timeseries"])
              if ts is not None]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _series_frame(stacked: pd.DataFrame, column: str) -> pd.DataFrame:
    """Long table (scenario, job, step, year, value) of one indicator; the jobs without it
    are left out."""
    if stacked.empty or column not in stacked.columns:
        return pd.DataFrame()
    data = stacked[["scenario", "job", "step", "year"]].copy()
    data["value"] = pd.to_numeric(stacked[column], errors="coerce")
    has = stacked[column].notna().groupby(stacked["job"]).transform("any")
    return data[has.to_numpy(bool)].reset_index(drop=True)


def _band(values: pd.DataFrame) -> pd.DataFrame:
    """Per step: year, mean, 5th and 95th percentile over the seeds of one scenario."""
    grouped = values.dropna(subset=["value"]).groupby("step")
    return pd.DataFrame({
        "year": grouped["year"].mean(),
        "mean": grouped["value"].mean(),
        "low": grouped["value"].quantile(BAND[0] / 100),
        "high": grouped["value"].quantile(BAND[1] / 100),
        "seeds": grouped["value"].count(),
    }).reset_index()


def plot_series(stacked: pd.DataFrame, column: str, styles: dict, path: Path) -> Path | None:
    """One indicator over time, a line (mean) and a 90 % band per scenario; None if absent.
    `stacked`: the jobs' timeseries in one table (`stack_timeseries`)."""
    data = _series_frame(stacked, column)
    if data.empty or data["value"].isna().all():
        return None
    title, kind = series()[column]
    unit, factor = _series_unit(kind, _per_step_word(steps_per_year(data["year"].to_numpy())))
    fig = Figure(figsize=(8, 4.8))
    ax = fig.add_subplot()
    seeds_seen = set()
    for label, (name, colour) in styles.items():
        values = data[data["scenario"] == label]
        if values.empty:
            continue
        band = _band(values)
        seeds_seen.add(int(values["job"].nunique()))
        baseline = colour == BASELINE_COLOUR
        ax.fill_between(band["year"], band["low"] * factor, band["high"] * factor,
                        color=colour, alpha=0.12 if baseline else 0.2, linewidth=0)
        # Baseline wide and underneath: a scenario identical to it stays visible on top.
        ax.plot(band["year"], band["mean"] * factor, color=colour, label=name,
                linewidth=3.0 if baseline else 1.6, zorder=2 if baseline else 3)
    ax.set_title(f"{title}\n({unit})", fontsize=11)
    ax.set_xlabel("Year (start of step)")
    ax.set_ylabel(unit)
    plain_ticks(ax.yaxis)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best", frameon=False)
    runs = "/".join(str(n) for n in sorted(seeds_seen))
    fig.text(0.01, 0.01, f"Lines: mean over seeds ({runs} runs per scenario); "
             "shading: 5th-95th percentile over seeds.", fontsize=7.5, color="#444")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return save(fig, path)


def _effect_scale(outcome: str, baseline_mean: float) -> tuple[float, str]:
    """(factor applied to the effect, axis unit) for one outcome panel."""
    kind = outcomes()[outcome][1]
    if kind == "money":
        if np.isfinite(baseline_mean) and baseline_mean != 0:
            return 100.0 / abs(baseline_mean), "% of baseline"
        return 1e-9, "US$ billions"  # nothing to be relative to (e.g. policy cost = 0)
    if kind == "share":
        return 100.0, "percentage points"
    if kind == "months":
        return 1.0, "months of earnings"
    return 1e-3, "thousands of people"


def _interval_note(effects: pd.DataFrame) -> str:
    """Footnote saying how the whiskers were computed."""
    kinds = set(effects["interval"])
    pairs = sorted(set(effects["pairs"].astype(int)))
    text = ("Dots: mean of (scenario - baseline) over the seeds run in both "
            f"({', '.join(map(str, pairs))} pairs). Whiskers, 90 % interval: ")
    parts = []
    if "percentile" in kinds:
        parts.append("5th-95th percentile of the paired differences")
    if "se" in kinds:
        parts.append(f"mean \u00b1 1.645 standard errors (fewer than {MIN_PAIRS_PERCENTILE} pairs)")
    if "none" in kinds:
        parts.append("none where a single pair")
    return text + "; ".join(parts) + "."


def plot_effects(effects: pd.DataFrame, styles: dict, baseline: str, path: Path) -> Path | None:
    """Dot-and-whisker panels of the paired effects, one panel per outcome; None if empty."""
    declared = outcomes()
    names = [o for o in declared if o in set(effects["outcome"])]
    if not names:
        return None
    scenarios = [s for s in styles if s != baseline and s in set(effects["scenario"])]
    ncols = min(4, len(names))
    nrows = int(np.ceil(len(names) / ncols))
    height = 1.2 + nrows * (0.9 + 0.35 * len(scenarios))
    fig = Figure(figsize=(3.1 * ncols + 1.6, height))
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False)
    ys = {s: i for i, s in enumerate(reversed(scenarios))}  # first scenario on top
    for ax, outcome in zip(axes.flat, names):
        rows = effects[effects["outcome"] == outcome]
        factor, unit = _effect_scale(outcome, float(rows["baseline_mean"].mean()))
        for row in rows.itertuples():
            if row.scenario not in ys:
                continue
            name, colour = styles[row.scenario]
            y = ys[row.scenario]
            if np.isfinite(row.low):
                ax.plot([row.low * factor, row.high * factor], [y, y], color=colour,
                        linewidth=2, solid_capstyle="butt")
            ax.plot(row.mean * factor, y, "o", color=colour, markersize=6)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(f"{declared[outcome][0]}\n({unit})", fontsize=8.5)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.tick_params(axis="y", labelsize=8)  # shared y: every row gets the same size
        plain_ticks(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
        ax.margins(x=0.15)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    pairs = effects.groupby("scenario")["pairs"].max()  # per scenario: what the dot rests on
    axes[0, 0].set_yticks(list(ys.values()),
                          [f"{styles[s][0]}\n({int(pairs[s])} paired seeds)" for s in ys])
    axes[0, 0].set_ylim(-0.6, len(ys) - 0.4)
    fig.suptitle("Effect of each scenario: scenario minus baseline, paired by seed\n"
                 f"baseline: {_baseline_text(baseline, list(styles))}", fontsize=11)
    fig.text(0.01, 0.01, _interval_note(effects), fontsize=7.5, color="#444", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return save(fig, path)


def compare_figures(dirs: list[Path], out_dir: Path, baseline: str | None = None) -> list[Path]:
    """Write the comparison PNGs of the job folders `dirs` into `out_dir`; return their paths.

    `baseline` is a scenario label (with or without the overrides every job shares); by
    default the scenario that switches nothing on. Jobs that are not "ok" or have no
    readable timeseries.csv are left out.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = load_jobs(dirs)
    ok = jobs[jobs["status"] == "ok"].copy()
    skipped = len(jobs) - len(ok)
    if skipped:
        log.info("left out %d job(s) not ok: %s", skipped,
                 ", ".join(f"{j} ({s})" for j, s in zip(jobs["job"], jobs["status"]) if s != "ok"))
    if ok.empty:
        return []
    labels = sorted(set(ok["scenario"]))
    base = choose_baseline(labels, baseline)
    styles = _scenario_styles(labels, base)
    ok["timeseries"] = [read_timeseries(p) for p in ok["path"]]
    stacked = stack_timeseries(ok)
    written = []
    for column in series():
        path = plot_series(stacked, column, styles, out_dir / f"compare_{column}.png")
        if path is not None:
            written.append(path)
    if base is None or len(labels) < 2:
        log.debug("effects.png skipped: %s", "no baseline" if base is None else "one scenario")
        return written
    path = plot_effects(paired_effects(ok, base), styles, base, out_dir / "effects.png")
    if path is not None:
        written.append(path)
    return written
