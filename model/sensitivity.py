"""Global sensitivity analysis of the behavioural parameters with SALib, run as a Hydra sweep.

    python -m model.sensitivity sample --method morris --out DIR [--trajectories 10]
    python run.py -m sample.file=DIR/sample.csv 'sample.row=range(0,R)' ...   # printed by sample
    python -m model.sensitivity analyse DIR
    python -m model.sensitivity sample --method sobol --out DIR2 --from-morris DIR --top 4

Screening first, then variance decomposition on the few parameters that matter:

- Morris' elementary effects (Morris 1991, Technometrics 33(2)), summarised by mu*, the mean
  absolute effect (Campolongo, Cariboni and Saltelli 2007, Environmental Modelling & Software
  22(10)), and sigma, their spread (interactions or non-linearity). r trajectories of k + 1
  runs each, on a grid of 4 levels.
- Sobol' first-order (S1) and total (ST) indices from Saltelli's sampling without second-order
  terms (Saltelli et al. 2010, Computer Physics Communications 181(2)): N (k + 2) runs, with
  bootstrap 95% intervals.

Both through SALib 1.6 (Herman and Usher 2017, JOSS 2(9); Iwanaga, Usher and Herman 2022,
Socio-Environmental Systems Modelling 4).

The parameters are every float setting of the behavioural groups (labour, remittances,
returns, emigration; `behavioural_parameters`). The range of each is its default times 0.5 to
1.5, clipped to its declared allowed range (so where the declared range is narrower than that,
it is the bound on that side); a setting whose default is 0 gets plus or minus a tenth of its
declared span. `sample` writes the bounds into DIR/problem.yaml.

A design point is a row of DIR/sample.csv (a `row` column and one column per dotted key). A
run reads it through the config (`sample.file`, `sample.row`): `model.runner.to_config` calls
`apply_sample`, which applies the row's values before validation, with the same checks as any
value (the file is read once per process). A sweep over `sample.row` therefore composes one
template for all its jobs (the project's sweeper composes each set of group choices once).

With policies (`--policies a,b`), every row also runs with each policy on (`policies=[],[a],
[b]`) at the same seed, and `analyse` computes the indices of each policy's effect (policy run
minus baseline run at the same row and seed, common random numbers) besides the levels.
"""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import math
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from model.params import ConfigError, check_value

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ("labour", "remittances", "returns", "emigration")
METHODS = ("morris", "sobol")
LEVELS = 4  # Morris grid levels (SALib's default; Saltelli et al. 2008, Global SA: the Primer)
MAX_RUNS = 2000
NOISE_SEEDS = 12  # runs of the defaults on other seeds: the outcomes' seed noise
# Levels analysed by default: the stock, flows, labour market and remittances the paper's
# goals are about (every headline with --outcomes all).
OUTCOMES = ("migrant_stock_end", "inflows_total", "returns_total", "irregular_share_end",
            "employment_rate_end", "brain_waste_rate_mean", "remittances_received_total_usd",
            "formal_share_last_year", "remittance_price_pct_end", "household_income_total_usd")
SAMPLE = "sample.csv"
PROBLEM = "problem.yaml"
INDICES = "indices.csv"
FIGURE = "sensitivity.png"
EFFECTS_FIGURE = "sensitivity_effects.png"
BASELINE = "baseline"
NOISE = "(seed noise)"
DESIGN = "(design)"  # an outcome's mean (value) and standard deviation (conf) over the design


# --- the parameters and their ranges --------------------------------------------------------

def behavioural_parameters() -> dict[str, dataclasses.Field]:
    """Every float setting of the behavioural groups: dotted key -> its dataclass field."""
    from model.config import field_meta

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


# --- the sample file, as a run reads it -----------------------------------------------------

@dataclass
class SampleTable:
    """A sample file read once: its columns (dotted keys) and cells by design-point number."""

    file: Path
    columns: list[str]
    rows: dict[int, list[str]]

    def allowed_rows(self) -> str:
        numbers = sorted(self.rows)
        if not numbers:
            return "it has no rows"
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"rows {numbers[0]} to {numbers[-1]}"
        return f"{len(numbers)} rows from {numbers[0]} to {numbers[-1]}"


_TABLES: dict[str, tuple[tuple[int, int], SampleTable]] = {}


def _settings() -> dict[str, tuple[str, dataclasses.Field]]:
    """Every setting a sample column may name: dotted key -> (leaf name, field)."""
    from model.config import field_meta

    return {dotted: (key, f) for key, (dotted, f) in field_meta().items()}


def read_sample(file: str | Path) -> SampleTable:
    """The sample file `file`, read and checked once per process (cached by path, mtime and
    size); any problem raises ConfigError naming the file, its line or column, and what is
    allowed."""
    path = Path(file).expanduser().resolve()
    try:
        stat = path.stat()
    except OSError:
        raise ConfigError(f"sample.file = {file}: no such file (write one with python -m "
                          "model.sensitivity sample --out DIR)") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _TABLES.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    where = f"sample file {path}"
    try:
        with open(path, newline="") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ConfigError(f"{where} cannot be read as CSV: {err}") from None
    if not lines or not any(c.strip() for c in lines[0]):
        raise ConfigError(f"{where} is empty: it needs a header with a 'row' column and one "
                          "column per dotted setting (e.g. emigration.income_elasticity)")
    header = [c.strip() for c in lines[0]]
    if "row" not in header:
        raise ConfigError(f"{where} has no 'row' column (its columns: {', '.join(header)}); "
                          "allowed: 'row' and dotted settings such as emigration.income_elasticity")
    settings = _settings()
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise ConfigError(f"{where}: column(s) {', '.join(doubled)} appear more than once")
    unknown = [c for c in header if c != "row" and c not in settings]
    if unknown:
        raise ConfigError(f"{where}, column {', '.join(repr(c) for c in unknown)}: not a setting; "
                          f"allowed: 'row' and the dotted keys of the parameter table: "
                          f"{', '.join(settings)}")
    at = header.index("row")
    rows: dict[int, list[str]] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ConfigError(f"{where}, line {number}: {len(cells)} cells for {len(header)} "
                              "columns")
        text = cells[at].strip()
        if not text.isdigit():
            raise ConfigError(f"{where}, line {number}, column 'row': {text!r} is not a row "
                              "number (allowed: whole numbers 0, 1, 2, ...)")
        if int(text) in rows:
            raise ConfigError(f"{where}, line {number}: row {int(text)} appears twice")
        rows[int(text)] = [c for i, c in enumerate(cells) if i != at]
    table = SampleTable(path, [c for c in header if c != "row"], rows)
    _TABLES[str(path)] = (stamp, table)
    return table


def _value(text: str, f: dataclasses.Field) -> Any:
    """A cell as the setting's type wants it; what does not parse is passed on as text, so
    `check_value` names the setting and what is allowed."""
    kind, text = str(f.type), text.strip()
    if kind == "bool":
        return {"true": True, "false": False}.get(text.lower(), text)
    if kind in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            return text
        if kind == "int" and number.is_integer():
            return int(number)
        return number
    return text


def row_values(table: SampleTable, row: int) -> dict[str, Any]:
    """The checked values of design point `row`: dotted key -> value."""
    if row not in table.rows:
        raise ConfigError(f"sample file {table.file} has no row {row}: {table.allowed_rows()} "
                          "(sample.row picks the file's 'row' column)")
    settings = _settings()
    out = {}
    for column, text in zip(table.columns, table.rows[row]):
        where = f"sample file {table.file}, row {row}, column {column}"
        if not text.strip():
            raise ConfigError(f"{where}: empty cell (every design point sets every column)")
        f = settings[column][1]
        value = _value(text, f)
        try:
            check_value(column, f, value)
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from None
        out[column] = value
    return out


def _command_line_keys() -> set[str]:
    """The keys the command line sets in this Hydra job (none outside Hydra)."""
    try:
        from hydra.core.hydra_config import HydraConfig

        if not HydraConfig.initialized():
            return set()
        task = HydraConfig.get().overrides.task
    except Exception:  # no Hydra job
        return set()
    return {str(o).split("=", 1)[0].lstrip("+~") for o in task}


def apply_sample(cfg, finish: Callable):
    """Apply the values of row `cfg.sample.row` of `cfg.sample.file` to a copy of `cfg` (a
    MigrationConfig or the composed schema), then `finish` it (the validation); errors name
    the file, the row and the column. A column the command line also sets is refused (one of
    the two would be ignored silently)."""
    file, row = cfg.sample.file, cfg.sample.row
    if file is None:
        raise ConfigError(f"sample.row = {row} needs sample.file = a sample file (python -m "
                          "model.sensitivity sample writes one)")
    table = read_sample(file)
    if row is None:
        raise ConfigError(f"sample.file = {file} needs sample.row = a design point: "
                          f"{table.allowed_rows()}, e.g. 'sample.row=range(0,{len(table.rows)})'"
                          " in a multirun")
    values = row_values(table, row)
    clash = sorted(set(values) & _command_line_keys())
    if clash:
        raise ConfigError(f"{', '.join(clash)}: set both by the command line and by sample file "
                          f"{table.file} (row {row}); drop the override or the column")
    cfg = copy.deepcopy(cfg)
    settings = _settings()
    for column, value in values.items():
        target = cfg if "." not in column else getattr(cfg, column.split(".")[0])
        setattr(target, settings[column][0], value)
    try:
        return finish(cfg)
    except ConfigError as err:
        raise ConfigError(f"{err} (with row {row} of sample file {table.file})") from None


# --- sample ---------------------------------------------------------------------------------

def _fmt(x: float) -> str:
    return repr(float(x))


def _python() -> str:
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
        args = [_python(), "run.py", "-m", f"seed=range(1,{noise_seeds + 1})"]
    else:
        args = [_python(), "run.py", "-m", f"sample.file={out.resolve() / SAMPLE}",
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

    from model.config import MigrationConfig, validate
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
    settings = _settings()
    for i, values in enumerate(x):
        cfg = MigrationConfig()
        for name, value in zip(names, values):
            where = f"design row {i}, {name}"
            try:
                check_value(name, settings[name][1], float(value))
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


# --- analyse --------------------------------------------------------------------------------

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


def ranking(indices, scenario: str = BASELINE, n: int = 3) -> dict[str, list[tuple]]:
    """outcome -> its `n` most influential parameters: (name, value, conf) by mu* or ST."""
    key = "mu_star" if (indices["method"] == "morris").any() else "ST"
    part = indices[(indices["scenario"] == scenario) & (indices["index"] == key)]
    out = {}
    for outcome, rows in part.groupby("outcome", sort=False):
        rows = rows[rows["parameter"] != NOISE].sort_values("value", ascending=False).head(n)
        out[outcome] = list(zip(rows["parameter"], rows["value"], rows["conf"]))
    return out


def noise_floor(indices, scenario: str, outcome: str) -> float | None:
    """The seed-noise value of an outcome's index (mu* or ST), if the noise runs were there."""
    key = "mu_star" if (indices["method"] == "morris").any() else "ST"
    row = indices[(indices["scenario"] == scenario) & (indices["outcome"] == outcome)
                  & (indices["parameter"] == NOISE) & (indices["index"] == key)]
    return float(row["value"].iloc[0]) if len(row) else None


def report(indices, out=print) -> None:
    """Print which parameters drive which outcome (and which policy effect)."""
    from model.indicators import headlines

    units = {h.name: h.unit for h in headlines()}
    key = "mu*" if (indices["method"] == "morris").any() else "ST"
    for scenario in dict.fromkeys(indices["scenario"]):
        title = "levels" if scenario == BASELINE else f"effect of {scenario} (minus baseline)"
        out(f"\n{title}: the three largest {key} per outcome")
        for outcome, top in ranking(indices, scenario).items():
            floor = noise_floor(indices, scenario, outcome)
            parts = [f"{name} {value:.3g}" + (f" +-{conf:.2g}" if conf == conf and conf is not None
                                              else "")
                     + (" (within seed noise)" if floor is not None and value <= floor else "")
                     for name, value, conf in top]
            noise = f" (seed noise {floor:.3g})" if floor is not None else ""
            out(f"  {outcome} [{units.get(outcome, '')}]{noise}: {'; '.join(parts)}")


def _scale(values) -> tuple[float, str]:
    top = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    for factor, word in ((1e9, " (billions)"), (1e6, " (millions)"), (1e3, " (thousands)")):
        if top >= factor:
            return factor, word
    return 1.0, ""


def plot(indices, folder: Path, top: int = 12) -> list[Path]:
    """DIR/sensitivity.png (the levels: Morris mu* bars with 95% intervals and sigma as dots,
    or Sobol S1 and ST bars with 95% intervals, one panel per outcome) and, with policies,
    DIR/sensitivity_effects.png (each policy's effect: normalised mu* or ST, parameters by
    outcomes)."""
    import matplotlib
    from matplotlib.figure import Figure

    from model.indicators import headlines

    labels = {h.name: (h.label, h.unit) for h in headlines()}
    morris = (indices["method"] == "morris").any()
    written = []
    base = indices[indices["scenario"] == BASELINE]
    outcomes = list(dict.fromkeys(base["outcome"]))
    if outcomes:
        cols = min(len(outcomes), 3 if not morris else 2)
        rows = math.ceil(len(outcomes) / cols)
        fig = Figure(figsize=(6.2 * cols, (3.6 if not morris else 3.9) * rows))
        for k, outcome in enumerate(outcomes):
            ax = fig.add_subplot(rows, cols, k + 1)
            mine = base[base["outcome"] == outcome]
            floor = noise_floor(indices, BASELINE, outcome)
            part = mine[~mine["parameter"].isin((NOISE, DESIGN))].pivot(index="parameter", columns="index",
                                                          values=["value", "conf"])
            label, unit = labels.get(outcome, (outcome, ""))
            if morris:
                part = part.sort_values(("value", "mu_star"), ascending=False).head(top)[::-1]
                factor, word = _scale(part[("value", "mu_star")].to_numpy(float))
                y = np.arange(len(part))
                ax.barh(y, part[("value", "mu_star")] / factor,
                        xerr=part[("conf", "mu_star")].fillna(0) / factor, color="#4c72b0",
                        ecolor="#333333", capsize=2, label="mu* (95% interval)")
                ax.plot(part[("value", "sigma")] / factor, y, "o", color="#dd8452", ms=4,
                        label="sigma")
                if floor is not None:
                    ax.axvline(floor / factor, color="#c44e52", ls="--", lw=1,
                               label="seed noise (mu* of no effect)")
                ax.set_yticks(y, [p.split(".")[1] for p in part.index], fontsize=7)
                ax.set_xlabel(f"{unit}{word} per sampled range", fontsize=8)
            else:
                part = part.sort_values(("value", "ST"), ascending=False).head(top)
                x = np.arange(len(part))
                ax.bar(x - 0.2, part[("value", "S1")], 0.4, yerr=part[("conf", "S1")],
                       color="#4c72b0", capsize=2, label="S1 (first order)")
                ax.bar(x + 0.2, part[("value", "ST")], 0.4, yerr=part[("conf", "ST")],
                       color="#dd8452", capsize=2, label="ST (total)")
                ax.set_xticks(x, [p.split(".")[1] for p in part.index], rotation=30,
                              ha="right", fontsize=7)
                ax.axhline(0, color="black", lw=0.6)
                if floor is not None:
                    ax.axhline(floor, color="#c44e52", ls="--", lw=1,
                               label="seed noise (share of variance)")
                ax.set_ylabel("share of variance", fontsize=8)
            ax.set_title(label, fontsize=9)
            ax.tick_params(labelsize=7)
            if k == 0:
                ax.legend(fontsize=7, loc="lower right" if morris else "upper right")
        what = ("Morris screening: mean absolute elementary effect mu* and its spread sigma"
                if morris else "Sobol' indices with 95% bootstrap intervals")
        fig.suptitle(f"{what} (at most {top} parameters per outcome, largest first)",
                     fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.97))
        path = folder / FIGURE
        fig.savefig(path, dpi=110, metadata={"Software": None})
        written.append(path)
    effects = indices[indices["scenario"] != BASELINE]
    policies = list(dict.fromkeys(effects["scenario"]))
    if policies:
        key = "mu_star_norm" if morris else "ST"
        values = effects[(effects["index"] == key) & (effects["parameter"] != NOISE)]
        # One order of parameters and outcomes in every panel: the parameters by their mean
        # index over all effects (the first 2 x top), the outcomes as analysed.
        order = values.groupby("parameter")["value"].mean().sort_values(ascending=False)
        params = list(order.index[:2 * top])
        columns = list(dict.fromkeys(values["outcome"]))
        cols = min(len(policies), 4)
        rows = math.ceil(len(policies) / cols)
        fig = Figure(figsize=(cols * (1.8 + 0.32 * len(columns)), rows * (1.6 + 0.22 * len(params))
                              + 0.8))
        cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#d9d9d9")
        for k, policy in enumerate(policies):
            part = values[values["scenario"] == policy]
            grid = part.pivot(index="parameter", columns="outcome", values="value").reindex(
                index=params, columns=columns)
            cells = grid.to_numpy(float, copy=True)
            if not morris:  # within the seed noise: grey
                floors = [noise_floor(indices, policy, c) for c in columns]
                for j, floor in enumerate(floors):
                    if floor is not None:
                        cells[cells[:, j] <= floor, j] = np.nan
            ax = fig.add_subplot(rows, cols, k + 1)
            image = ax.imshow(np.ma.masked_invalid(cells), cmap=cmap, vmin=0, vmax=1,
                              aspect="auto")
            ax.set_yticks(range(len(params)), [p.split(".")[1] for p in params] if k % cols == 0
                          else [], fontsize=7)
            bottom = k + cols >= len(policies)  # outcome names under the lowest panels only
            ax.set_xticks(range(len(columns)), columns if bottom else [], rotation=60,
                          ha="right", fontsize=6)
            ax.set_title(f"effect of {policy}", fontsize=9)
        what = ("mu* / largest mu* of the outcome" if morris else
                "ST (grey: not analysed, or within the seed noise)")
        fig.colorbar(image, ax=fig.axes, shrink=0.5, label=what)
        fig.suptitle("Sensitivity of each policy's effect (policy run minus baseline run, same "
                     "row and seed)", fontsize=11)
        path = folder / EFFECTS_FIGURE
        fig.savefig(path, dpi=110, metadata={"Software": None}, bbox_inches="tight")
        written.append(path)
    return written


# --- command line ---------------------------------------------------------------------------

def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m model.sensitivity",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="write a Morris or Sobol design and print its sweep")
    s.add_argument("--method", choices=METHODS, required=True)
    s.add_argument("--out", type=Path, required=True, help="the design's folder")
    s.add_argument("--trajectories", type=int, default=10, help="Morris: r (default 10)")
    s.add_argument("--n", type=int, default=64, help="Sobol: base samples N, a power of 2")
    s.add_argument("--params", help="comma-separated parameters (dotted or leaf names); "
                                    "default every behavioural float setting")
    s.add_argument("--from-morris", type=Path, help="take the parameters from this Morris "
                                                    "folder's indices.csv")
    s.add_argument("--top", type=int, default=4, help="with --from-morris: how many")
    s.add_argument("--seed", type=int, default=1, help="SALib's sampler seed")
    s.add_argument("--seeds", default="42", help="the model seed(s) of every row (default 42)")
    s.add_argument("--policies", help="comma-separated policies, each run at every row "
                                      "beside the baseline (policies=[],[a],...)")
    s.add_argument("--max-runs", type=int, default=MAX_RUNS, help="budget (default 2000)")
    s.add_argument("--noise-seeds", type=int, default=NOISE_SEEDS,
                   help=f"runs of the defaults on other seeds, for the noise floor (default "
                        f"{NOISE_SEEDS}; 0: none)")
    s.add_argument("overrides", nargs="*", help="settings shared by every run (end_year=2025 "
                                                "people_per_agent=20000 ...)")
    a = sub.add_parser("analyse", help="indices, figure and ranking of a finished sweep")
    a.add_argument("folder", type=Path)
    a.add_argument("--outcomes", help=f"comma-separated headlines or 'all' (default: "
                                      f"{','.join(OUTCOMES)})")
    a.add_argument("--summary", type=Path, help="the sweep's summary.csv (default DIR/runs/)")
    a.add_argument("--seed", type=int, default=1, help="bootstrap seed")
    a.add_argument("--noise", type=Path, help="the seed-noise sweep (default DIR/noise/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "sample":
            params = _split(args.params)
            if args.from_morris:
                params = top_from_morris(args.from_morris, args.top)
                print(f"parameters from {args.from_morris}: {', '.join(params)}")
            seeds = [int(s) for s in _split(args.seeds)]
            record = sample(args.method, args.out, args.trajectories, args.n, params or None,
                            args.seed, seeds, _split(args.policies), args.overrides,
                            args.max_runs, noise_seeds=args.noise_seeds)
            print(f"{record['method']}: {record['rows']:,} design rows on "
                  f"{len(record['parameters'])} parameters, {record['runs']:,} runs (and "
                  f"{record['noise_runs']} for the seed-noise floor); wrote "
                  f"{args.out / SAMPLE} and {args.out / PROBLEM}")
            print(f"run it from {ROOT}:\n  {record['command']}")
            if record["noise_command"]:
                print(f"and the seed-noise floor ({record['noise_runs']} runs):\n  "
                      f"{record['noise_command']}")
            print(f"then: {_python()} -m model.sensitivity analyse {args.out}")
        else:
            analyse(args.folder, _split(args.outcomes), args.summary, args.seed,
                    noise=args.noise)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:] if len(sys.argv) > 1 else None)
