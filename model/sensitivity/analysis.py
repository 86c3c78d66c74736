"""The analysis of a finished design sweep: Morris or Sobol' indices of the outcomes (SALib).

- Morris' elementary effects, summarised by mu*, the mean absolute effect (Campolongo, Cariboni
  and Saltelli 2007, Environmental Modelling & Software 22(10)), and sigma, their spread
  (interactions or non-linearity).
- Sobol' first-order (S1) and total (ST) indices (Saltelli et al. 2010, Computer Physics
  Communications 181(2)), with bootstrap 95% intervals.

Both through SALib 1.6 (Herman and Usher 2017, JOSS 2(9); Iwanaga, Usher and Herman 2022,
Socio-Environmental Systems Modelling 4).

With policies in the design, `analyse` computes the indices of each policy's effect (policy run
minus baseline run at the same row and seed, common random numbers) besides the levels.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from model.params import ConfigError
from model.sensitivity.figures import plot
from model.sensitivity.layout import BASELINE, DESIGN, INDICES, NOISE, PROBLEM, SAMPLE
from model.sensitivity.ranking import report
from model.sensitivity.sampling import LEVELS

# Levels analysed by default: the stock, flows, labour market and remittances the paper's
# goals are about (every headline with --outcomes all).
OUTCOMES = ("migrant_stock_end", "inflows_total", "returns_total", "irregular_share_end",
            "employment_rate_end", "brain_waste_rate_mean", "remittances_received_total_usd",
            "formal_share_last_year", "remittance_price_pct_end", "household_income_total_usd")


def _row_of(overrides: str) -> int | None:
    match = re.search(r"(?:^|\s)sample\.row=(\d+)", overrides)
    return int(match.group(1)) if match else None


def _file_of(overrides: str) -> str | None:
    match = re.search(r"(?:^|\s)sample\.file=(\S+)", overrides)
    return match.group(1).strip("'\"") if match else None


def _scenario_of(overrides: str) -> str:
    match = re.search(r"(?:^|\s)policies=\[([^\]]*)\]", overrides)
    names = [n.strip() for n in match.group(1).split(",") if n.strip()] if match else []
    return "+".join(names) or BASELINE


def load_runs(folder: Path, record: dict, summary: Path | None = None):
    """The sweep's jobs with status ok: row, seed, scenario and the headline outcomes."""
    import pandas as pd

    from model.collect import collect

    runs = Path(summary) if summary else Path(folder) / "runs" / "summary.csv"
    if not runs.exists():
        sweep = runs.parent
        if not sweep.is_dir():
            raise ConfigError(f"no sweep at {sweep}: run the command in {folder / PROBLEM} first")
        collect([sweep], figures=False)  # a sweep without its end-of-sweep table
    table = pd.read_csv(runs)
    table["row"] = [_row_of(str(o)) for o in table["overrides"]]
    table["scenario"] = [_scenario_of(str(o)) for o in table["overrides"]]
    own = str((Path(folder) / SAMPLE).resolve())
    files = {f for f in (_file_of(str(o)) for o in table["overrides"]) if f}
    other = [f for f in files if str(Path(f).resolve()) != own]
    if other:
        raise ConfigError(f"{runs}: its jobs ran sample file(s) {', '.join(sorted(other))}, not "
                          f"{own}")
    return table[table["row"].notna()]


def _complete_groups(rows_done: set[int], size: int, total: int) -> list[int]:
    """Rows of the complete trajectories (Morris) or base samples (Sobol) of `size` rows."""
    keep = []
    for start in range(0, total, size):
        block = range(start, start + size)
        if all(r in rows_done for r in block):
            keep.extend(block)
    return keep


def _responses(table, outcomes: list[str], scenario: str, by_seed: bool = False):
    """Outcome per design row, averaged over seeds (or per row and seed): the levels
    (baseline) or, for a policy, the paired effect (policy minus baseline at the same row and
    seed)."""
    ok = table[table["status"] == "ok"]
    outcomes = [o for o in outcomes if o in ok]
    base = ok[ok["scenario"] == BASELINE].groupby(["row", "seed"])[outcomes].mean()
    if scenario != BASELINE:
        pol = ok[ok["scenario"] == scenario].groupby(["row", "seed"])[outcomes].mean()
        both = pol.index.intersection(base.index)
        base = pol.loc[both] - base.loc[both]
    return base if by_seed else base.groupby(level="row").mean()


def _noise_runs(folder: Path, noise: Path | None):
    """The seed-noise runs (a summary.csv or its sweep folder), or None if there are none."""
    import pandas as pd

    path = Path(noise) if noise else Path(folder) / "noise"
    if path.is_dir():
        if not (path / "summary.csv").exists():
            return None
        path = path / "summary.csv"
    if not path.exists():
        if noise:
            raise ConfigError(f"--noise {noise}: no such summary.csv or sweep folder")
        return None
    table = pd.read_csv(path)
    table["scenario"] = [_scenario_of(str(o)) for o in table["overrides"]]
    return table


def analyse(folder: Path, outcomes: list[str] | None = None, summary: Path | None = None,
            seed: int = 1, figure: bool = True, out=print, noise: Path | None = None) -> "Any":
    """Compute the Morris or Sobol indices of a finished sweep; write DIR/indices.csv and the
    figure(s); return the tidy table (method, scenario, outcome, parameter, index, value,
    conf).

    With the seed-noise runs (DIR/noise/summary.csv, or `noise`), the table also holds, as
    parameter `(seed noise)`, what seed noise alone would give: for Morris the mu* of a
    parameter without effect if the two runs of an elementary effect were independent,
    2 sd / (sqrt(pi) delta) with delta = 2/3 on 4 levels (an upper bound: the runs share
    their seed); for Sobol the noise variance as a share of the outcome's variance."""
    import pandas as pd
    import yaml
    from tqdm import tqdm

    from model.indicators import headlines

    folder = Path(folder)
    if not (folder / PROBLEM).exists():
        raise ConfigError(f"{folder}: no {PROBLEM} (python -m model.sensitivity sample --out "
                          f"{folder} writes it)")
    record = yaml.safe_load((folder / PROBLEM).read_text())
    method, names = record["method"], [p["name"] for p in record["parameters"]]
    prob = {"num_vars": len(names), "names": names,
            "bounds": [[p["lo"], p["hi"]] for p in record["parameters"]]}
    design = pd.read_csv(folder / SAMPLE).set_index("row")[names]
    known = [h.name for h in headlines()]
    if outcomes in (None, []):
        outcomes = list(OUTCOMES)
    elif outcomes == ["all"]:
        outcomes = known
    bad = [o for o in outcomes if o not in known]
    if bad:
        raise ConfigError(f"--outcomes: {', '.join(bad)} not a headline; allowed: "
                          f"{', '.join(known)} (or all)")
    table = load_runs(folder, record, summary)
    counts = table["status"].value_counts().to_dict()
    out(f"{len(table)} jobs ({', '.join(f'{v} {k}' for k, v in counts.items())})")
    size = len(names) + (1 if method == "morris" else 2)
    scenarios = [BASELINE] + [p for p in record.get("policies", [])]
    noise_table = _noise_runs(folder, noise)
    results = []
    for scenario in scenarios:
        spread = None
        if noise_table is not None:
            spread = _responses(noise_table.assign(row=0), outcomes, scenario, by_seed=True)
            if len(spread) < 2:
                spread = None
        y_all = _responses(table, outcomes, scenario)
        keep = _complete_groups(set(y_all.index), size, len(design))
        groups, total = len(keep) // size, len(design) // size
        if groups < 2:
            out(f"{scenario}: {groups} complete {'trajectory' if method == 'morris' else 'base sample'}"
                f"(s) of {total}: too few to analyse")
            continue
        if groups < total:
            out(f"{scenario}: {total - groups} of {total} incomplete "
                f"{'trajectories' if method == 'morris' else 'base samples'} left out "
                "(failed or missing jobs)")
        x = design.loc[keep].to_numpy(float)
        for outcome in tqdm(outcomes, desc=f"indices ({scenario})", delay=1.0, leave=False,
                            disable=None):  # None: only on a terminal
            y = y_all.loc[keep, outcome].to_numpy(float)
            if not np.all(np.isfinite(y)):
                out(f"{scenario}, {outcome}: not finite in every run, left out")
                continue
            if np.ptp(y) <= 1e-9 * max(1.0, np.abs(y).max()):  # rounding differences only
                out(f"{scenario}, {outcome}: the same in every run ({y[0]:.4g}), not analysed")
                continue
            results += _indices(method, prob, x, y, scenario, outcome, seed)
            results.append((method, scenario, outcome, DESIGN, "mean", float(y.mean()),
                            float(y.std(ddof=1))))
            if spread is not None and outcome in spread:
                sd = float(spread[outcome].std())
                if method == "morris":
                    delta = LEVELS / (2 * (LEVELS - 1))
                    floor = 2 * sd / (math.sqrt(math.pi) * delta)
                    results.append(("morris", scenario, outcome, NOISE, "mu_star", floor, None))
                else:
                    results.append(("sobol", scenario, outcome, NOISE, "ST",
                                    sd ** 2 / float(np.var(y)), None))
    if not results:
        raise ConfigError(f"{folder}: nothing to analyse (no complete group of runs)")
    indices = pd.DataFrame(results, columns=["method", "scenario", "outcome", "parameter",
                                             "index", "value", "conf"])
    indices.to_csv(folder / INDICES, index=False, float_format="%.6g")
    report(indices, out)
    if figure:
        for path in plot(indices, folder):
            out(f"figure: {path}")
    out(f"indices: {folder / INDICES}")
    return indices


def _indices(method, prob, x, y, scenario, outcome, seed) -> list[tuple]:
    rows = []
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(prob, x, y, num_levels=LEVELS, num_resamples=1000, seed=seed)
        top = max(float(np.nanmax(res["mu_star"])), 1e-300)
        for i, name in enumerate(prob["names"]):
            rows += [("morris", scenario, outcome, name, "mu_star", float(res["mu_star"][i]),
                      float(res["mu_star_conf"][i])),
                     ("morris", scenario, outcome, name, "sigma", float(res["sigma"][i]), None),
                     ("morris", scenario, outcome, name, "mu", float(res["mu"][i]), None),
                     ("morris", scenario, outcome, name, "mu_star_norm",
                      float(res["mu_star"][i]) / top, float(res["mu_star_conf"][i]) / top)]
    else:
        import warnings

        from SALib.analyze import sobol

        with warnings.catch_warnings():  # SALib warns of constant subsets; analyse reports them
            warnings.filterwarnings("ignore", "Constant values encountered")
            res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=1000, seed=seed)
        for i, name in enumerate(prob["names"]):
            rows += [("sobol", scenario, outcome, name, "S1", float(res["S1"][i]),
                      float(res["S1_conf"][i])),
                     ("sobol", scenario, outcome, name, "ST", float(res["ST"][i]),
                      float(res["ST_conf"][i]))]
    return rows
