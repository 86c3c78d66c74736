"""Sweeps (Hydra multiruns) that lose nothing.

Every job records itself: a finished job writes its run folder with `status: ok`; a failed one
writes `summary.json` with `status: failed` and the error, and the sweep goes on. After each job
its row is appended to the sweep's `summary.csv` (under a lock, so parallel jobs never
interleave; the cost does not grow with the jobs done), so the table holds every finished job
even if the sweep dies; when it starts, the sweep writes its own list of jobs (`jobs.yaml`);
when it ends, `SweepCallback` rebuilds the table in order, with the jobs never started as
`pending`, and draws the comparison figures, and `run.py` does the same if a failed job made Hydra
skip the callback (Hydra does not call `on_multirun_end` after a failure). A job whose folder
already holds a finished run with the same overrides is skipped, so an interrupted sweep can be
run again with the same `hydra.sweep.dir` to finish it.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import traceback
from pathlib import Path

from hydra.experimental.callback import Callback

log = logging.getLogger(__name__)
STATE = {"sweep_dir": None, "finished": False}


class SweepCallback(Callback):
    """Remember the sweep folder when a multirun starts; collect it when it ends."""

    def on_multirun_start(self, config, **kwargs) -> None:
        STATE["sweep_dir"] = Path(config.hydra.sweep.dir)
        STATE["finished"] = False
        try:
            write_job_list(config)
            start_summary(Path(config.hydra.sweep.dir))
        except Exception as err:  # these only serve the summary; never stop a sweep for them
            log.warning("could not start the sweep's summary: %s", err)

    def on_multirun_end(self, config, **kwargs) -> None:
        finish(Path(config.hydra.sweep.dir))


JOB_LIST = "jobs.yaml"


def sweep_jobs(config) -> list[list[str]]:
    """Every job of a multirun, in the order Hydra numbers them: the overrides of each, expanded
    as Hydra's basic sweeper does (its `params` first, then the command line's)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = config.hydra.sweeper.get("params") or {}
    arguments = [f"{key}={value}" for key, value in params.items()]
    arguments += list(config.hydra.overrides.task)
    parsed = OverridesParser.create().parse_overrides(arguments)
    return [list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def write_job_list(config) -> Path:
    """Write the sweep's list of jobs (`jobs.yaml`: number -> overrides) into its folder, so
    that after a kill the summary can tell the jobs that never started (`pending`)."""
    import yaml

    sweep_dir = Path(config.hydra.sweep.dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    path = sweep_dir / JOB_LIST
    path.write_text(yaml.safe_dump({i: job for i, job in enumerate(sweep_jobs(config))},
                                   sort_keys=False))
    return path


def finish(sweep_dir: Path | None) -> None:
    """Rebuild the sweep's summary.csv and comparison figures (once)."""
    if sweep_dir is None or STATE["finished"] or not Path(sweep_dir).exists():
        return
    from model.collect import collect

    table = collect([Path(sweep_dir)], figures=True)
    STATE["finished"] = True
    counts = table["status"].value_counts().to_dict()
    log.info("sweep summary: %s (%s)", Path(sweep_dir) / "summary.csv", counts)


def freeze_imports() -> None:
    """Exclude what a sweep's worker process holds before its first job (the libraries, about
    150,000 objects) from garbage collection: joblib's loky worker runs a full collection after
    every job, which would otherwise traverse them all (0.1 s a job). Once per process."""
    if not STATE.get("frozen"):
        gc.freeze()
        STATE["frozen"] = True


def already_done(job_dir: Path, overrides: list[str]) -> bool:
    """Whether `job_dir` holds a finished run of exactly these overrides."""
    file = job_dir / "summary.json"
    if not file.exists():
        return False
    try:
        summary = json.loads(file.read_text())
    except json.JSONDecodeError:
        return False
    return summary.get("status") == "ok" and summary.get("overrides") == list(overrides)


def record_failure(job_dir: Path, err: BaseException, overrides: list[str],
                   seed=None) -> None:
    """Write (or complete) the job's summary.json with status failed and the error."""
    file = job_dir / "summary.json"
    summary = {}
    if file.exists():
        try:
            summary = json.loads(file.read_text())
        except json.JSONDecodeError:
            summary = {}
    summary.setdefault("seed", seed)
    summary.update(status="failed", error=f"{type(err).__name__}: {err}", overrides=overrides,
                   traceback=traceback.format_exception(err)[-3:])
    job_dir.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(summary, indent=2, default=str))


def start_summary(sweep_dir: Path) -> None:
    """At the start of a sweep, the table of the jobs already done (a re-run of an interrupted
    sweep keeps them; the others are added as they finish)."""
    from model.collect import job_dirs, summary_table, write_atomic

    sweep_dir.mkdir(parents=True, exist_ok=True)
    table = summary_table(job_dirs([sweep_dir]), root=sweep_dir)
    write_atomic(table[table["status"] == "ok"], sweep_dir / "summary.csv")


def update_summary(sweep_dir: Path, job_dir: Path) -> None:
    """Add one finished (or failed) job's row to the sweep's summary.csv, under a lock, so that
    parallel jobs never interleave and the cost of an update does not grow with the number of
    jobs done; the end of the sweep rebuilds the whole table in order, with the pending jobs."""
    import csv
    import fcntl

    from model.collect import columns, job_row

    row = job_row(job_dir, root=sweep_dir)
    names = columns()
    with open(sweep_dir / ".summary.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = sweep_dir / "summary.csv"
        new = not path.exists() or path.stat().st_size == 0
        with open(path, "a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore")
            if new:
                writer.writeheader()
            writer.writerow({k: ("" if row.get(k) is None else _cell(row.get(k))) for k in names})
            handle.flush()
            os.fsync(handle.fileno())


def _cell(value):
    return f"{value:.10g}" if isinstance(value, float) else value
