"""Stored values of the model's outputs for a fixed set of runs: the pinned baseline of behaviour.

`tests/test_output_values.py` runs every case of `cases()` and compares what it writes with
`output_values.json`, value by value, within the tolerances below; a difference is reported with
its case, table, column, row (step, country) and relative error. What is stored, per case:

- `timeseries.csv`: every column, every step, in full;
- `corridors.csv`: each numeric column summed by origin and by destination (the marginals catch
  a change confined to a few corridors without storing all corridors of the global world);
- `country_timeseries.csv`: each value column summed by step and by country;
- `summary.json`: every leaf of the run's outcomes (headline, policies, facility, agreements,
  shocks, calibration), numbers compared within the tolerances and the rest exactly.

Only this script rewrites the stored values, and a commit that does so says why the numbers
changed:

    .venv/bin/python tests/output_values.py            # compare (exit 1 on a difference)
    .venv/bin/python tests/output_values.py --write    # store the values of today's code

A rewrite keeps each stored value that today's matches within the tolerance, so its diff shows
only what changed. All cases take about a minute (the global world and the largest presets
10-13 s each, the others 5-10 s, on this two-core machine).

Tolerances. Python integers (agent counts, steps) must be equal. A float `now` matches its stored
value `then` if |now - then| <= RTOL * |then| + ATOL_SCALE * max|series| + ATOL_FLOOR, where
the series is the column (or marginal) the value belongs to:

- RTOL = 1e-6. The tables are written at 10 significant digits (`model/outputs.py`, 5e-11
  relative) and the stored values are rounded to 10. Summing in another order, or another CPU's
  exp and log (numpy's AVX-512 and AVX2 paths differ in the last bit), move a float by 1e-16 to
  1e-13 relative. The model is stochastic, and a draw that compares a uniform number with a
  probability flips if the probability moves across it; one flip changes an agent's fate and
  the run then diverges. Measured with `perturbed_numpy()` (every exp, expm1, log, log1p, power
  and bincount result moved by +-1e-12 relative, float32 by one unit in the last place): no
  flip in any of the 11 runs pinned here (two seeds; 0 of 70,617 values differ, the largest
  move 9.5e-10, the tables' 10th digit); none either in the default run at 1e-10, 1e-9 and 1e-8,
  while at 1e-7 and 1e-6 the run diverges (3,162 and 3,592 values differ). The chance of a
  flip grows with the move: from about one flip a run at 1e-7, about 1e-5 a run at 1e-12 and
  less at the real 1e-13. Rare, not impossible: should it happen on some machine, the report
  shows a whole run diverging (most columns), not a few values at the last digits. RTOL is
  1e4 times the tables' rounding and below what one agent stands for in the largest total
  (about 870 people of 160 million abroad, 5e-6): a change of mechanism that alters one
  agent's fate or moves a total by a millionth fails it.
- ATOL_SCALE = 1e-9: a value near zero in a column of large ones (a difference of two sums)
  carries the absolute rounding error of the large ones, not its own.
- ATOL_FLOOR = 1e-9 in any unit (people, shares, percent: nothing reported is that small), a
  cent for money (`money()`): the facility's cash balance and its books' gap are differences of
  sums of about 1e9 USD, zero up to 1e-7 USD, which another order of summing moves (measured:
  the facility preset's cash went from 0 to 2.4e-7 USD) and the summary rounds to 1e-6 USD.
  Below 10,000 USD (monthly earnings, debts per migrant) the cent is more than RTOL: there a
  value is held to 1e-6 USD per USD plus a cent, e.g. 5e-6 relative for 2,400 USD a month.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(__file__).with_name("output_values.json")
RTOL = 1e-6
ATOL_SCALE = 1e-9
ATOL_FLOOR = 1e-9
ATOL_MONEY = 0.01  # USD
MONEY_GROUPS = ("books_usd", "costs_usd", "gains_usd")  # summary dicts of USD amounts
DIGITS = 10  # significant digits stored, as the tables are written
# What summary.json reports of the run's outcomes (not where or when it ran).
OUTCOMES = ("headline", "policies", "facility", "agreements", "shocks", "calibration")
ALL_POLICIES = ("[skill_recognition,remittance_matching,diaspora_bonds,return_reintegration,"
                "cheaper_remittances,fair_recruitment,employer_crisis_support,"
                "social_security_portability]")
UPDATE = ("if the change is on purpose, rerun `.venv/bin/python tests/output_values.py --write` "
          "and say in the commit message why the numbers changed")


def cases() -> dict[str, list[str]]:
    """Run name -> Hydra overrides: the default and global worlds, every preset, and one run
    with every component on at once (all policies, agreements, the facility, a shock)."""
    sys.path.insert(0, str(ROOT))
    from model.presets import preset_files

    out = {"default": [], "global": ["world=global"]}
    out.update({f"preset:{p.stem}": [f"+scenario={p.stem}"] for p in preset_files()})
    out["everything"] = [f"policies={ALL_POLICIES}", "agreements=bilateral", "facility=gcff",
                         "facility.allocation=adaptive", "facility.review=true",
                         "shocks=covid_2020", "end_year=2024"]
    return out


def compose(overrides: list[str]):
    """The run's config, as `run.py` composes it, without progress bar or figures."""
    from tests.conftest import compose_config

    return compose_config([*overrides, "progress=false", "figures=false"])


def _stored(value):
    """A value as stored: numpy scalars to Python, floats to DIGITS significant digits."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{DIGITS}g}")
    return value


def _series(column) -> dict[str, object]:
    """A pandas Series -> {label: value}, labels as strings (JSON keys)."""
    return {str(label): _stored(v) for label, v in column.items()}


def tables(out: Path) -> dict[str, dict]:
    """What is pinned of one run's output folder (see the module docstring)."""
    import pandas as pd

    result: dict[str, dict] = {}
    ts = pd.read_csv(out / "timeseries.csv").set_index("step")
    result["timeseries.csv"] = {col: _series(ts[col]) for col in sorted(ts.columns)}
    cor = pd.read_csv(out / "corridors.csv")
    numeric = sorted(c for c in cor.columns if c not in ("origin", "destination")
                     and pd.api.types.is_numeric_dtype(cor[c]))
    result["corridors.csv"] = {
        f"{col} by {key}": _series(cor.groupby(key)[col].sum())
        for col in numeric for key in ("origin", "destination")}
    cts = pd.read_csv(out / "country_timeseries.csv")
    result["country_timeseries.csv"] = {
        f"{col} by {key}": _series(cts.groupby(key)[col].sum())
        for col in sorted(set(cts.columns) - {"step", "year", "iso3"})
        for key in ("step", "iso3")}
    summary = json.loads((out / "summary.json").read_text())
    result["summary.json"] = dict(_leaves({key: summary.get(key) for key in OUTCOMES}))
    return result


def _leaves(value, path: str = "") -> Iterator[tuple[str, object]]:
    """Every leaf of a nested JSON value as (path, value), e.g. ("headline/inflows_total", x)."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key], f"{path}/{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}[{i}]")
    else:
        yield path, _stored(value)


def values(overrides: list[str]) -> dict[str, dict]:
    """Run the model with these overrides in a temporary folder; return what is pinned."""
    from model.runner import run

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        run(compose(overrides), out_dir=out)
        return tables(out)


@dataclass(frozen=True)
class Difference:
    """One value that differs from the stored one beyond the tolerance."""

    case: str
    table: str
    series: str
    label: str
    stored: object
    now: object

    @property
    def relative(self) -> float:
        """|now - stored| / |stored| (inf if stored is 0 or either is not a number)."""
        try:
            return abs(self.now - self.stored) / abs(self.stored)
        except (TypeError, ZeroDivisionError):
            return math.inf

    def __str__(self) -> str:
        where = f"{self.case} / {self.table} / {self.series}"
        if self.label:
            where += f" / {self.label}"
        return f"{where}: stored {self.stored!r}, now {self.now!r} (relative {self.relative:.3g})"


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def money(series: str) -> bool:
    """Whether a column, marginal or summary leaf is an amount in USD ("remittances_sent_usd by
    origin", "facility/books_usd/cash"), not a ratio to one ("units_per_million_usd") nor a
    statistic of one ("calibration/remittances_received_usd/median_abs_error_pct")."""
    parts = series.split(" by ")[0].replace("[", "/").split("/")
    leaf, parent = parts[-1], parts[-2] if len(parts) > 1 else ""
    if "per_usd" in leaf or "per_million_usd" in leaf:
        return False
    return "_usd" in leaf or parent in MONEY_GROUPS


def allowed(series: str, then: float, scale: float) -> float:
    """The largest |now - then| accepted for a stored float of this series (the module's
    docstring says why): RTOL relative, plus ATOL_SCALE of the series' largest value, plus a
    floor."""
    floor = ATOL_MONEY if money(series) else ATOL_FLOOR
    return RTOL * abs(then) + ATOL_SCALE * scale + floor


def _close(now, then, series: str, scale: float) -> bool:
    if isinstance(now, int) and isinstance(then, int) and not isinstance(now | then, bool):
        return now == then  # counts are exact
    if _number(now) and _number(then):
        if math.isnan(then) or math.isnan(now):
            return math.isnan(then) and math.isnan(now)
        return abs(now - then) <= allowed(series, then, scale)
    return now == then


def _scale(series: dict) -> float:
    finite = [abs(v) for v in series.values() if _number(v) and math.isfinite(v)]
    return max(finite, default=0.0)


def compare_case(case: str, now: dict, stored: dict) -> list[Difference]:
    """Every value of one case that differs from the stored one beyond the tolerance, in the
    stored order; a table, column or row present on one side only is a difference too."""
    out: list[Difference] = []
    missing = "(absent)"
    for table in [*stored, *(t for t in now if t not in stored)]:
        if table not in now or table not in stored:
            out.append(Difference(case, table, "", "", "table" if table in stored else missing,
                                  "table" if table in now else missing))
            continue
        then_t, now_t = stored[table], now[table]
        for name in [*then_t, *(n for n in now_t if n not in then_t)]:
            then_s, now_s = then_t.get(name, missing), now_t.get(name, missing)
            if not isinstance(then_s, dict) or not isinstance(now_s, dict):
                # a scalar (summary leaf), or a column on one side only
                scale = abs(then_s) if _number(then_s) else 0.0
                if then_s is missing or now_s is missing or not _close(now_s, then_s, name, scale):
                    out.append(Difference(case, table, name, "", then_s, now_s))
                continue
            scale = _scale(then_s)
            for label in [*then_s, *(x for x in now_s if x not in then_s)]:
                a, b = now_s.get(label, missing), then_s.get(label, missing)
                if a is missing or b is missing or not _close(a, b, name, scale):
                    out.append(Difference(case, table, name, label, b, a))
    return out


def compare(now: dict[str, dict], stored: dict[str, dict]) -> list[Difference]:
    """compare_case over every case of either side (a case on one side only is a difference)."""
    out: list[Difference] = []
    for case in [*stored, *(c for c in now if c not in stored)]:
        if case in now and case in stored:
            out.extend(compare_case(case, now[case], stored[case]))
        else:
            out.append(Difference(case, "", "", "", "case" if case in stored else "(absent)",
                                  "case" if case in now else "(absent)"))
    return out


def report(differences: list[Difference], first: int = 20) -> str:
    """One line per column, marginal or summary leaf that differs, in the stored order: its first
    differing value, how many differ and the largest relative error; at most `first` lines."""
    groups: dict[tuple[str, str, str], list[Difference]] = {}
    for d in differences:
        groups.setdefault((d.case, d.table, d.series), []).append(d)
    lines = [f"{len(differences)} values in {len(groups)} columns differ from "
             f"tests/output_values.json (rtol {RTOL:g}); first of each:"]
    for found in list(groups.values())[:first]:
        largest = max(d.relative for d in found)
        lines.append(f"{found[0]}" + (f"; {len(found)} values, largest relative {largest:.3g}"
                                      if len(found) > 1 else ""))
    if len(groups) > first:
        lines.append(f"... and {len(groups) - first} more columns")
    return "\n".join(lines)


def load() -> dict[str, dict]:
    """The stored values."""
    return json.loads(STORE.read_text())


def write(now: dict[str, dict]) -> None:
    """Store the values: one line per column or marginal, so a diff shows which changed."""
    lines = ["{"]
    for i, case in enumerate(now):
        lines.append(f"{json.dumps(case)}: {{")
        for j, table in enumerate(now[case]):
            lines.append(f" {json.dumps(table)}: {{")
            items = list(now[case][table].items())
            for k, (name, series) in enumerate(items):
                comma = "," if k < len(items) - 1 else ""
                lines.append(f"  {json.dumps(name)}: {json.dumps(series)}{comma}")
            lines.append(" }" + ("," if j < len(now[case]) - 1 else ""))
        lines.append("}" + ("," if i < len(now) - 1 else ""))
    lines.append("}")
    STORE.write_text("\n".join(lines) + "\n")


@contextlib.contextmanager
def perturbed_numpy(relative: float = 1e-12, seed: int = 0):
    """Within the block, numpy's exp, expm1, log, log1p, power and bincount return values moved
    by a random +-`relative` each: what another CPU's vector paths or another order of summing
    do to the model's floats (a reassociated sum differs at about 1e-16 to 1e-12 relative). A run
    made inside it must match the stored values: the tests check it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    names = ("exp", "expm1", "log", "log1p", "power", "bincount")
    saved = {name: getattr(np, name) for name in names}

    def nudged(f):
        def g(*args, **kwargs):
            out = f(*args, **kwargs)
            arr = np.asarray(out)
            if arr.dtype.kind != "f":
                return out
            # at least one unit in the last place: float32 values move by 6e-8
            step = max(relative, float(np.finfo(arr.dtype).eps))
            noise = 1.0 + step * rng.choice((-1.0, 1.0), size=arr.shape)
            if isinstance(out, np.ndarray):
                out *= noise.astype(out.dtype)
                return out
            return type(out)(arr * noise)
        return g

    for name, f in saved.items():
        setattr(np, name, nudged(f))
    try:
        yield
    finally:
        for name, f in saved.items():
            setattr(np, name, f)


def kept(now: dict[str, dict], stored: dict[str, dict]) -> dict[str, dict]:
    """`now`, with every value that matches its stored one within the tolerance replaced by the
    stored one: a rewrite changes only what changed, so the commit's diff shows it (and a rewrite
    on another CPU does not churn the last digits)."""
    out = copy.deepcopy(now)
    for d_case, content in out.items():
        for table, series_ in content.items():
            for name, series in series_.items():
                then = stored.get(d_case, {}).get(table, {}).get(name)
                if isinstance(series, dict) and isinstance(then, dict):
                    scale = _scale(then)
                    for label, v in series.items():
                        if label in then and _close(v, then[label], name, scale):
                            series[label] = then[label]
                elif then is not None and not isinstance(series, dict) \
                        and _close(series, then, name, abs(then) if _number(then) else 0.0):
                    series_[name] = then
    return out


def current() -> dict[str, dict]:
    """The values of every case, run now."""
    return {name: values(overrides) for name, overrides in cases().items()}


def main(argv: list[str]) -> int:
    now = current()
    if "--write" in argv:
        write(kept(now, load()) if STORE.exists() else now)
        print(f"wrote {STORE} ({len(now)} runs)")
        return 0
    differences = compare(now, load())
    print(report(differences) if differences else "all values within tolerance")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
