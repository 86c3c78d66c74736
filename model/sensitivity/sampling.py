"""The design of a sensitivity analysis: its parameters and their ranges, the sample of design
points (SALib) and the Hydra sweep that runs them.

Screening first, then variance decomposition on the few parameters that matter:

- Morris' elementary effects (Morris 1991, Technometrics 33(2)): r trajectories of k + 1 runs
  each, on a grid of 4 levels.
- Sobol' indices from Saltelli's sampling without second-order terms (Saltelli et al. 2010,
  Computer Physics Communications 181(2)): N (k + 2) runs.

The parameters are every float setting of the process components' config sections
(`model.config.GROUPS`, derived from the components' declarations; `behavioural_parameters`).
The range of each is its default times 0.5 to 1.5, clipped to its declared allowed range (so
where the declared range is narrower than that, it is the bound on that side); a setting whose
default is 0 gets plus or minus a tenth of its declared span. `sample` writes the bounds into
DIR/problem.yaml and the design points into DIR/sample.csv, each row checked as a run would
check it (a run reads its row through `model.design`).

With policies, every row also runs with each policy on (`policies=[],[a],[b]`) at the same
seed, so that `analyse` can compute the indices of each policy's effect.
"""

from __future__ import annotations

import csv
import dataclasses
import shlex
import sys
from pathlib import Path

import numpy as np

from model.config import GROUPS, MigrationConfig, field_meta, validate
from model.design import settings
from model.params import ConfigError, check_value
from model.sensitivity.layout import BASELINE, INDICES, PROBLEM, SAMPLE

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("morris", "sobol")
LEVELS = 4  # Morris grid levels (SALib's default; Saltelli et al. 2008, Global SA: the Primer)
MAX_RUNS = 2000
NOISE_SEEDS = 12  # runs of the defaults on other seeds: the outcomes' seed noise


# --- the parameters and their ranges --------------------------------------------------------

def behavioural_parameters() -> dict[str, dataclasses.Field]:
    """Every float setting of the process components' config sections (`model.config.GROUPS`):
    dotted key -> its dataclass field."""
    return {dotted: f for dotted, f in field_meta().values()
            if dotted.split(".")[0] in GROUPS and str(f.type) == "float"}


def bounds_of(f: dataclasses.Field) -> tuple[float, float]:
    """The sampled range of a setting: default x [0.5, 1.5], clipped to the declared range;
    a default of 0 gets +-0.1 x the declared span (clipped too)."""
    lo, hi, default = f.metadata["lo"], f.metadata["hi"], float(f.default)
    if default == 0:
        half = 0.1 * (hi - lo)
        a, b = -half, half
    else:
        a, b = sorted((0.5 * default, 1.5 * default))
    return float(f"{max(a, lo):.12g}"), float(f"{min(b, hi):.12g}")


def resolve_names(names: list[str]) -> list[str]:
    """Dotted keys of behavioural parameters from dotted or leaf names, with a clear error."""
    params = behavioural_parameters()
    leaves = {d.split(".")[1]: d for d in params}
    out, unknown = [], []
    for name in (n.strip() for n in names):
        if not name:
            continue
        dotted = name if name in params else leaves.get(name)
        if dotted is None:
            unknown.append(name)
        elif dotted not in out:
            out.append(dotted)
    if unknown:
        raise ConfigError(f"--params: {', '.join(unknown)} not a behavioural parameter; allowed "
                          f"(dotted or leaf name): {', '.join(params)}")
    return out


def problem(names: list[str] | None = None) -> dict:
    """SALib's problem: the parameters' dotted names and sampled bounds."""
    params = behavioural_parameters()
    names = list(params) if names is None else names
    return {"num_vars": len(names), "names": names,
            "bounds": [list(bounds_of(params[n])) for n in names]}


def design_rows(method: str, k: int, trajectories: int, n: int) -> int:
    """Rows of a design: r (k + 1) for Morris, N (k + 2) for Sobol without second order."""
    return trajectories * (k + 1) if method == "morris" else n * (k + 2)


# --- sample ---------------------------------------------------------------------------------

def _fmt(x: float) -> str:
    return repr(float(x))


def python_name() -> str:
    """How a printed command calls Python: this interpreter's path relative to the project (its
    virtual environment), or `python`."""
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(ROOT)) if exe.is_relative_to(ROOT) else "python"
    except ValueError:
        return "python"


def sweep_command(out: Path, rows: int, seeds: list[int], policies: list[str],
                  overrides: list[str], noise_seeds: int = 0) -> list[str]:
    """The Hydra multirun that runs every row of the design (with each policy and seed), or,
    with `noise_seeds`, the defaults on that many seeds (DIR/noise: the seed-noise floor)."""
    if noise_seeds:
        args = [python_name(), "run.py", "-m", f"seed=range(1,{noise_seeds + 1})"]
    else:
        args = [python_name(), "run.py", "-m", f"sample.file={out.resolve() / SAMPLE}",
                f"sample.row=range(0,{rows})", "seed=" + ",".join(map(str, seeds))]
    if policies:
        args.append("policies=" + ",".join(["[]", *(f"[{p}]" for p in policies)]))
    keys = {o.split("=", 1)[0] for o in overrides}
    defaults = {"people_per_agent": "5000", "figures": "false", "tables": "none",
                "progress": "false"}
    args += [f"{k}={v}" for k, v in defaults.items() if k not in keys] + list(overrides)
    args += [f"hydra.sweep.dir={out.resolve() / ('noise' if noise_seeds else 'runs')}",
             "hydra/launcher=joblib", "hydra.launcher.batch_size=4"]
    if not noise_seeds:
        # Without the end-of-sweep comparison figures: every design row is its own scenario,
        # so they draw one line per row (150 s for 650 rows, against 258 s for the runs).
        # summary.csv is still written job by job (model.cli), which is what analyse reads.
        args.append("~hydra.callbacks.sweep_summary")
    return args


def _check_overrides(overrides: list[str], names: list[str]) -> None:
    for o in overrides:
        key = o.split("=", 1)[0]
        if "=" not in o:
            raise ConfigError(f"override {o!r}: write KEY=VALUE (e.g. end_year=2025)")
        if key.lstrip("+~") in names:
            raise ConfigError(f"override {o}: {key} is a sampled parameter of this design")
        if key.startswith(("sample.", "seed", "policies", "hydra.sweep.dir")):
            raise ConfigError(f"override {o}: set by the design (use --seeds, --policies, --out)")


def top_from_morris(folder: Path, top: int) -> list[str]:
    """The `top` parameters of a Morris analysis (DIR/indices.csv): ranked by their mu* as a
    share of the largest mu* of each outcome, averaged over the baseline outcomes that the
    parameters move (the largest mu* at least 1% of the outcome's mean over the design: the
    remittance price without policies barely moves, and its ranking would be noise)."""
    import pandas as pd

    file = Path(folder) / INDICES
    if not file.exists():
        raise ConfigError(f"--from-morris {folder}: no {INDICES} (run python -m "
                          f"model.sensitivity analyse {folder} first)")
    table = pd.read_csv(file)
    table = table[(table["method"] == "morris") & (table["scenario"] == BASELINE)]
    means = table[table["index"] == "mean"].set_index("outcome")["value"].abs()
    largest = table[table["index"] == "mu_star"].groupby("outcome")["value"].max()
    moved = [o for o in largest.index if largest[o] >= 0.01 * means.get(o, 0.0)]
    table = table[(table["index"] == "mu_star_norm") & table["outcome"].isin(moved)]
    if table.empty:
        raise ConfigError(f"{file} holds no Morris indices of the baseline")
    score = table.groupby("parameter")["value"].mean().sort_values(ascending=False)
    return list(score.index[:top])


def sample(method: str, out: Path, trajectories: int = 10, n: int = 64,
           params: list[str] | None = None, seed: int = 1, seeds: list[int] = (42,),
           policies: list[str] = (), overrides: list[str] = (), max_runs: int = MAX_RUNS,
           levels: int = LEVELS, noise_seeds: int = NOISE_SEEDS) -> dict:
    """Write DIR/problem.yaml and DIR/sample.csv of a Morris or Sobol design; return the
    problem record (with the sweep command, and the command of `noise_seeds` runs of the
    defaults on other seeds, whose spread `analyse` reports as the noise floor). Refuses,
    before writing anything, a design over `max_runs` runs (rows x seeds x scenarios, plus
    the noise runs) and an existing DIR/sample.csv."""
    import yaml

    from model.policies import REGISTRY

    if method not in METHODS:
        raise ConfigError(f"--method {method}: allowed {', '.join(METHODS)}")
    names = resolve_names(params) if params else list(behavioural_parameters())
    if method == "sobol" and len(names) > 10:
        raise ConfigError(f"sobol on {len(names)} parameters: name the few that matter with "
                          "--params or --from-morris DIR --top K (the Morris screening says which)")
    unknown = [p for p in policies if p not in REGISTRY]
    if unknown:
        raise ConfigError(f"--policies: unknown {', '.join(unknown)}; allowed: "
                          f"{', '.join(sorted(REGISTRY))}")
    if trajectories < 2 or n < 2:
        raise ConfigError("--trajectories and --n must be at least 2")
    overrides = list(overrides)
    _check_overrides(overrides, names)
    out = Path(out)
    rows = design_rows(method, len(names), trajectories, n)
    jobs = rows * len(seeds) * (1 + len(policies))
    noise = noise_seeds * (1 + len(policies))
    if jobs + noise > max_runs:
        raise ConfigError(
            f"the design needs {jobs + noise:,} runs ({rows:,} rows x {len(seeds)} seed(s) x "
            f"{1 + len(policies)} scenario(s), and {noise} runs of the seed-noise floor), over "
            f"the budget of --max-runs {max_runs:,}; use fewer trajectories, a smaller --n, "
            "fewer parameters, seeds or policies")
    if (out / SAMPLE).exists():
        raise ConfigError(f"{out / SAMPLE} exists already: a design is never overwritten (its "
                          "runs refer to it); choose a new --out")
    prob = problem(names)
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(prob, N=trajectories, num_levels=levels, seed=seed)
    else:
        from SALib.sample import sobol

        if n & (n - 1):
            raise ConfigError(f"--n {n}: Sobol' sequences need a power of 2 (e.g. 32, 64, 128)")
        x = sobol.sample(prob, n, calc_second_order=False, seed=seed)
    assert x.shape == (rows, len(names)), x.shape
    # SALib scales the unit grid with a rounding error (0.9000000000000001 for 0.9): clip, so a
    # bound at the declared limit (formal_share_initial 0.99) is never crossed.
    bounds = np.asarray(prob["bounds"], dtype=float)
    x = np.clip(x, bounds[:, 0], bounds[:, 1])
    # Every row through the checks a run applies (ranges, and across settings), before writing.
    known = settings()
    for i, values in enumerate(x):
        cfg = MigrationConfig()
        for name, value in zip(names, values):
            where = f"design row {i}, {name}"
            try:
                check_value(name, known[name][1], float(value))
            except ConfigError as err:
                raise ConfigError(f"{where}: {err}") from None
            setattr(getattr(cfg, name.split(".")[0]), name.split(".")[1], float(value))
        validate(cfg)
    params_meta = behavioural_parameters()
    command = sweep_command(out, rows, list(seeds), list(policies), overrides)
    record = {
        "method": method, "sampler_seed": seed, "rows": rows, "runs": jobs, "noise_runs": noise,
        "seeds": list(seeds), "policies": list(policies), "overrides": overrides,
        **({"trajectories": trajectories, "levels": levels} if method == "morris" else
           {"n": n, "second_order": False}),
        "bounds_rule": "default x [0.5, 1.5] clipped to the declared range; a default of 0: "
                       "+-0.1 x the declared span",
        "parameters": [{"name": name, "default": float(params_meta[name].default),
                        "lo": float(b[0]), "hi": float(b[1]),
                        "unit": params_meta[name].metadata.get("unit", ""),
                        "declared": [params_meta[name].metadata["lo"],
                                     params_meta[name].metadata["hi"]]}
                       for name, b in zip(names, prob["bounds"])],
        "command": shlex.join(command),
        "noise_command": shlex.join(sweep_command(out, rows, list(seeds), list(policies),
                                                  overrides, noise_seeds)) if noise else None,
    }
    out.mkdir(parents=True, exist_ok=True)
    with open(out / SAMPLE, "x", newline="") as handle:  # "x": never overwrite
        writer = csv.writer(handle)
        writer.writerow(["row", *names])
        for i, values in enumerate(np.asarray(x, dtype=float)):
            writer.writerow([i, *map(_fmt, values)])
    (out / PROBLEM).write_text(yaml.safe_dump(record, sort_keys=False, width=100))
    return record
