"""Collect a sweep: one tidy table of every job, and the comparison figures.

    python -m model.collect SWEEP_DIR            # rebuild SWEEP_DIR/summary.csv and figures
    python -m model.collect DIR1 DIR2 --out DIR  # merge several sweeps (or job folders)

A job folder is any folder with a `.hydra/` or a `summary.json` (what `run.py` writes). The
table has one row per job: its folder, status (`ok`, `failed` with the error, `missing` for a
job that started and never finished, or `pending` for a job of the sweep's own list,
`jobs.yaml`, that never started), seed, overrides, scenario (the overrides without the seed) and the
headline outcomes the components declare (`model.indicators.headlines()`). It is written
atomically, so jobs finishing at once (parallel launchers) never leave a half-written file, and
it can be rebuilt at any time from whatever folders exist: interrupted, failed or merged sweeps
lose nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from model.scenario_labels import scenario_of
from model.sweep_jobs import SAFE_LOADER
from model.indicators import headlines

FIXED = ["job", "status", "error", "seed", "scenario", "overrides"]


def columns() -> list[str]:
    """The table's columns: the fixed ones, then every declared headline."""
    return FIXED + [h.name for h in headlines()]


def is_job(path: Path) -> bool:
    """A run folder written by run.py (finished or not)."""
    return path.is_dir() and ((path / ".hydra").is_dir() or (path / "summary.json").exists())


def job_dirs(paths: list[Path]) -> list[Path]:
    """The job folders in `paths`: each path is a job folder or holds job folders."""
    found = []
    for path in map(Path, paths):
        if is_job(path) and not any(is_job(p) for p in path.iterdir() if p.is_dir()):
            found.append(path)
        elif path.is_dir():
            found += sorted((p for p in path.iterdir() if is_job(p)), key=_job_order)
    return found


def _job_key(job: str):
    return (str(Path(job).parent), *_job_order(Path(job)))


def _job_order(path: Path):
    return (0, int(path.name), "") if path.name.isdigit() else (1, 0, path.name)


def job_overrides(job: Path) -> list[str]:
    """The command-line overrides of a job (from .hydra/overrides.yaml)."""
    file = job / ".hydra" / "overrides.yaml"
    if not file.exists():
        return []
    return [str(o) for o in (yaml.load(file.read_text(), Loader=SAFE_LOADER) or [])]


def job_row(job: Path, root: Path | None = None) -> dict:
    """One row of the summary table for a job folder."""
    overrides = job_overrides(job)
    row = {"job": str(job.relative_to(root)) if root else str(job), "overrides": " ".join(overrides),
           "scenario": scenario_of(overrides), "status": "missing", "error": "", "seed": None}
    file = job / "summary.json"
    if file.exists():
        try:
            summary = json.loads(file.read_text())
        except json.JSONDecodeError as err:  # a job killed while writing
            row.update(status="failed", error=f"unreadable summary.json: {err}")
            return row
        row.update(status=summary.get("status", "ok"), error=summary.get("error", ""),
                   seed=summary.get("seed"))
        row.update(summary.get("headline") or {})
    return row


def pending_rows(sweep_dir: Path, root: Path | None = None) -> list[dict]:
    """Rows for the jobs of a sweep's own list (`jobs.yaml`, written when it starts) that
    left no run folder: `pending` where the folder was never created (the sweep was killed
    before them), `missing` where Hydra had just created it when the sweep was killed."""
    file = sweep_dir / "jobs.yaml"
    if not file.is_file():
        return []
    listed = yaml.load(file.read_text(), Loader=SAFE_LOADER) or {}
    rows = []
    for number, overrides in listed.items():
        job = sweep_dir / str(number)
        if is_job(job):
            continue
        overrides = [str(o) for o in overrides]
        rows.append({"job": str(job.relative_to(root)) if root else str(job),
                     "overrides": " ".join(overrides), "scenario": scenario_of(overrides),
                     "status": "missing" if job.exists() else "pending", "error": "",
                     "seed": None})
    return rows


def summary_table(jobs: list[Path], root: Path | None = None,
                  pending: list[dict] = ()) -> pd.DataFrame:
    """The tidy table: one row per job (and per pending job), fixed columns first."""
    table = pd.DataFrame([job_row(j, root) for j in jobs] + list(pending))
    if "job" in table:  # in the sweep's numbering: 0, 1, ..., 10
        table = table.iloc[sorted(range(len(table)), key=lambda i: _job_key(table["job"][i]))]
        table = table.reset_index(drop=True)
    fixed = columns()
    for column in fixed:
        if column not in table:
            table[column] = None
    return table[fixed + [c for c in table.columns if c not in fixed]]


def write_atomic(table: pd.DataFrame, path: Path) -> None:
    """Write a CSV so that readers never see half of it (rename is atomic)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".summary-", suffix=".csv")
    with os.fdopen(fd, "w") as handle:
        table.to_csv(handle, index=False, float_format="%.10g")
    os.replace(tmp, path)


def collect(paths: list[Path], out: Path | None = None, figures: bool = True) -> pd.DataFrame:
    """Rebuild summary.csv (and the comparison figures) in `out` (default: the first path)."""
    paths = [Path(p) for p in paths]
    out = Path(out) if out is not None else paths[0]
    out.mkdir(parents=True, exist_ok=True)
    jobs = job_dirs(paths)
    root = out if all(out in j.parents for j in jobs) else None
    pending = [row for p in paths if p.is_dir() for row in pending_rows(p, root)]
    table = summary_table(jobs, root=root, pending=pending)
    write_atomic(table, out / "summary.csv")
    if figures:
        from model.compare import compare_figures

        done = [j for j in jobs if (j / "timeseries.csv").exists()]
        if done:
            compare_figures(done, out / "figures")
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild a sweep's summary.csv and figures.")
    parser.add_argument("paths", nargs="+", type=Path, help="sweep folders or job folders")
    parser.add_argument("--out", type=Path, help="where to write (default: the first path)")
    parser.add_argument("--no-figures", action="store_true", help="only the table")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise SystemExit(f"error: no such folder: {', '.join(missing)}")
    table = collect(args.paths, args.out, figures=not args.no_figures)
    counts = table["status"].value_counts().to_dict()
    print(f"{len(table)} jobs ({', '.join(f'{n} {s}' for s, n in counts.items())}); "
          f"summary: {(args.out or args.paths[0]) / 'summary.csv'}")


if __name__ == "__main__":
    main()
