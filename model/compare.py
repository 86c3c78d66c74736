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
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from model.catalogue import policy_labels
from model.figures import plain_ticks, read_csv, save, steps_per_year
from model.indicators import headlines, indicators

# libyaml's loader where PyYAML was built with it: a sweep's end reads every job's overrides
# (1,000 files: 1.9 s with the pure-Python loader).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

log = logging.getLogger(__name__)

BASELINE_COLOUR = "black"
# Colours for the non-baseline scenarios, in label order (tab10 without black-ish grey).
SCENARIO_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
BAND = (5.0, 95.0)        # percentiles of the shaded band / effect interval (90 %)
Z90 = 1.645               # two-sided 90 % normal quantile, for the few-pairs fallback
MIN_PAIRS_PERCENTILE = 5  # below this many paired seeds, percentiles are too coarse

# Override keys that switch a model component on or off, and the values meaning "off".
SWITCH_KEYS = ("policies", "shocks", "facility", "agreements", "oat")
# "defaults" is the reference option of the one-at-a-time sweep (conf/oat/defaults.yaml).
OFF_VALUES = {"[]", "none", "null", "false", "0", "defaults"}


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


# --------------------------------------------------------------------------- labels

def _split_label(label: str) -> list[str]:
    """The overrides of a scenario label, split on spaces outside brackets and quotes.

    A plain `label.split()` would cut an override such as `policies=[a, b]` in two.
    """
    parts, current, depth, quote = [], [], 0, ""
    for char in label:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{(":
            depth += 1
        elif char in "]})":
            depth = max(depth - 1, 0)
        elif char.isspace() and depth == 0:
            if current:
                parts.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def _key_value(override: str) -> tuple[str, str]:
    """(`key`, `value`) of an override, without the `+`/`++`/`~` prefixes Hydra allows."""
    key, _, value = override.partition("=")
    return key.strip().lstrip("+~"), value.strip()


def scenario_of(overrides: list[str]) -> str:
    """Scenario label of a job: its overrides minus `seed=` and Hydra's own settings,
    sorted and joined by a space ("" when nothing is left).

    Seeds are replicates of one scenario, and `hydra.*` / `hydra/...` overrides change
    where and how a job runs, not what it simulates.
    """
    kept = []
    for override in overrides:
        override = str(override).strip()
        key, _ = _key_value(override)
        if not override or key == "seed" or key == "hydra" or key.startswith(("hydra.", "hydra/")):
            continue
        kept.append(override)
    return " ".join(sorted(kept))


def _is_off(override: str) -> bool:
    """True when an override switches a component off (`policies=[]`, `shocks=none`, ...)."""
    key, value = _key_value(override)
    value = re.sub(r"\s+", "", value.strip("'\"")).lower()  # "[ ]" and "'none'" count too
    return key in SWITCH_KEYS and value in OFF_VALUES


def is_baseline(label: str) -> bool:
    """True when the label is empty or every override in it switches a component off."""
    return all(_is_off(o) for o in _split_label(label))


def _policy_names(value: str) -> list[str]:
    """Policy names of a `policies=[a,b]` value."""
    return [n.strip().strip("'\"") for n in value.strip().strip("[]").split(",") if n.strip()]


def display_name(label: str, baseline: str | None = None) -> str:
    """Readable legend name of a scenario label.

    `policies=[a,b]` reads "a + b" with each policy's label in plain words (its `label`, e.g.
    "skill recognition"), a config-group choice such as `shocks=covid_2020` reads
    "covid_2020", other overrides stay `key=value`; the baseline is "baseline".
    """
    if label == baseline:
        return "baseline"
    words = policy_labels()
    parts = []
    for override in _split_label(label):
        key, value = _key_value(override)
        if key == "policies":
            names = [words.get(n, n) for n in _policy_names(value)]
            parts.append(" + ".join(names) if names else "no policies")
        elif key in SWITCH_KEYS + ("world",):
            if _is_off(override):
                parts.append(f"no {key}")
            else:  # shocks=covid_2020 -> "covid 2020"; facility=gcff -> "facility gcff"
                words_of = value.replace("_", " ")
                parts.append(words_of if key in ("shocks", "oat") else f"{key} {words_of}")
        else:  # labour.job_loss_rate=0.2 -> "job loss rate 0.2"
            name = key.lstrip("+~").split(".")[-1].replace("_", " ")
            parts.append(f"{name} {value}")
    return ", ".join(parts) if parts else "(defaults)"


def _common_overrides(labels: list[str]) -> set[str]:
    """Overrides shared by every label: settings of the whole sweep, not of a scenario.

    e.g. `end_year=2023` given to every job; with a single scenario nothing is common,
    since then nothing would be left to tell it apart.
    """
    if len(labels) < 2:
        return set()
    sets = [set(_split_label(label)) for label in labels]
    return set.intersection(*sets)


def _distinct(label: str, common: set[str]) -> str:
    """A label without the sweep-wide overrides."""
    return " ".join(o for o in _split_label(label) if o not in common)


def choose_baseline(labels: list[str], baseline: str | None = None) -> str | None:
    """The baseline scenario among `labels`.

    An explicit `baseline` wins (a full label, or the label without the sweep-wide
    overrides); otherwise the scenario that switches nothing on, judged without the
    overrides every job shares (the shortest label if several); None when there is none.
    """
    labels = sorted(set(labels))
    common = _common_overrides(labels)
    if baseline is not None:
        wanted = " ".join(sorted(_split_label(baseline)))
        for label in labels:
            if wanted in (label, _distinct(label, common)):
                return label
        log.warning("baseline %r is not a scenario of these jobs", baseline)
        return None
    candidates = [label for label in labels if is_baseline(_distinct(label, common))]
    return min(candidates, key=lambda s: (len(s), s)) if candidates else None


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
            key, value = _key_value(override)
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


def _read_timeseries(job: Path) -> pd.DataFrame | None:
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


# --------------------------------------------------------------------------- figures


def _baseline_text(baseline: str, labels: list[str]) -> str:
    """The baseline's overrides for a title (without the sweep-wide ones)."""
    text = _distinct(baseline, _common_overrides(labels))
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
    common = _common_overrides(labels)
    ordered = ([baseline] if baseline in labels else []) + sorted(
        label for label in labels if label != baseline)
    names = {label: display_name(_distinct(label, common) if label != baseline else label,
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
    ok["timeseries"] = [_read_timeseries(p) for p in ok["path"]]
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
