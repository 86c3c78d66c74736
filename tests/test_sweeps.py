"""Sweeps that lose nothing: a real joblib multirun with failing jobs, the summary table and the
comparison figures, re-running an interrupted sweep, collecting hand-made run folders, and the
sweep overlays."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from model.collect import collect
from model.collect import main as collect_main
from tests.conftest import ROOT


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


SWEEP = ["-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2",
         "policies=[],[cheaper_remittances]", "seed=1,2", "end_year=2021,1990",
         "people_per_agent=10000"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep") / "s"
    proc = run_cli(*SWEEP, f"hydra.sweep.dir={folder}")
    return folder, proc


@pytest.mark.slow
def test_a_failed_job_is_recorded_and_does_not_stop_the_others(sweep):
    folder, proc = sweep
    assert proc.returncode != 0  # Hydra reports the failure ...
    table = pd.read_csv(folder / "summary.csv")  # ... and the table is there all the same
    assert len(table) == 8
    assert (table["status"] == "ok").sum() == 4 and (table["status"] == "failed").sum() == 4
    failed = table[table["status"] == "failed"]
    assert failed["error"].str.contains("end_year = 1990").all()
    assert set(failed["seed"]) == {1, 2}
    ok = table[table["status"] == "ok"]
    assert ok["migrant_stock_end"].notna().all() and ok["remittance_price_pct_end"].gt(0).all()
    # The headline numbers are those of each job's own summary.json.
    for _, row in ok.iterrows():
        own = json.loads((folder / str(row["job"]) / "summary.json").read_text())
        assert own["headline"]["migrant_stock_end"] == pytest.approx(row["migrant_stock_end"])


@pytest.mark.slow
def test_comparison_figures_are_written_and_show_the_policy(sweep):
    folder, _ = sweep
    figures = {p.name for p in (folder / "figures").glob("*.png")}
    assert "effects.png" in figures and "compare_remittance_price_pct.png" in figures
    from model.compare import choose_baseline, load_jobs, paired_effects

    jobs = load_jobs(sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "figures"))
    jobs = jobs[jobs["status"] == "ok"]
    baseline = choose_baseline(sorted(set(jobs["scenario"])))
    assert "policies=[]" in baseline
    effects = paired_effects(jobs, baseline=baseline)
    price = effects[effects["outcome"] == "formal_share_last_year"]
    assert len(price) == 1 and price["mean"].iloc[0] > 0  # cheaper remittances: more formal
    assert price["pairs"].iloc[0] == 2


@pytest.mark.slow
def test_rerunning_a_sweep_skips_the_jobs_already_done(sweep):
    folder, _ = sweep
    before = (folder / "summary.csv").read_text()
    proc = run_cli(*SWEEP, f"hydra.sweep.dir={folder}")
    assert proc.stderr.count("done already, skipped") == 4
    table = pd.read_csv(folder / "summary.csv")
    assert (table["status"] == "ok").sum() == 4 and len(table) == 8
    assert before.splitlines()[0] == (folder / "summary.csv").read_text().splitlines()[0]


def _job(folder, name, overrides, status="ok", seed=1, stock=1.0e8, error=None):
    job = folder / name
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    if status is None:  # interrupted before it wrote anything
        return job
    summary = {"status": status, "seed": seed, "headline": {"migrant_stock_end": stock}}
    if error:
        summary["error"] = error
    (job / "summary.json").write_text(json.dumps(summary))
    return job


def test_collect_rebuilds_the_table_from_hand_made_folders(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    _job(a, "0", ["policies=[]", "seed=1"], seed=1, stock=1.0e8)
    _job(a, "1", ["policies=[fair_recruitment]", "seed=1"], seed=1, stock=1.1e8)
    _job(a, "2", ["policies=[fair_recruitment]", "seed=2"], status="failed", seed=2,
         error="ValueError: boom")
    _job(b, "0", ["policies=[]", "seed=2"], status=None)
    collect_main([str(a), str(b), "--out", str(tmp_path / "merged"), "--no-figures"])
    assert "4 jobs" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "merged" / "summary.csv")
    assert list(table["status"]) == ["ok", "ok", "failed", "missing"]
    assert table.loc[2, "error"] == "ValueError: boom"
    assert table.loc[1, "migrant_stock_end"] == pytest.approx(1.1e8)
    assert table.loc[1, "scenario"] == "policies=[fair_recruitment]"
    # Collecting one sweep in place writes its own summary.csv.
    assert len(collect([a], figures=False)) == 3 and (a / "summary.csv").exists()


@pytest.mark.parametrize("overlay", ["policy_by_seed", "parameter_grid", "oat_sensitivity",
                                     "facility_governance"])
def test_every_sweep_overlay_composes(overlay, compose):
    cfg = compose([f"+sweep={overlay}"])
    assert cfg is not None


def test_oat_options_each_move_one_parameter(compose):
    """Every option of conf/oat/ sets one parameter to half or one and a half times its current
    default (fitted ones included), and leaves the rest."""
    from model.config import flatten
    from model.runner import to_config

    base = flatten(to_config(compose()))
    files = sorted((ROOT / "conf" / "oat").glob("*_*.yaml"))
    assert len(files) == 12
    for path in files:
        name, side = path.stem.rsplit("_", 1)
        moved = flatten(to_config(compose([f"+oat={path.stem}"])))
        factor = {"low": 0.5, "high": 1.5}[side]
        assert moved[name] == pytest.approx(factor * base[name], rel=1e-5), path.name
        assert {k: v for k, v in moved.items() if k != name} == \
            {k: v for k, v in base.items() if k != name}, path.name


@pytest.mark.slow
def test_the_slurm_launcher_config_runs_in_submitit_local_mode(tmp_path):
    folder = tmp_path / "slurm"
    proc = run_cli("-m", "hydra/launcher=slurm_local", "seed=1,2", "end_year=2019",
                   "people_per_agent=20000", "figures=false", f"hydra.sweep.dir={folder}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = pd.read_csv(folder / "summary.csv")
    assert list(table["status"]) == ["ok", "ok"] and set(table["seed"]) == {1, 2}


def test_the_slurm_config_extends_hydras_submitit_slurm_launcher():
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from model.config import register_configs

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base=None):
        cfg = compose("config", overrides=["hydra/launcher=slurm"], return_hydra_config=True)
    GlobalHydra.instance().clear()
    launcher = cfg.hydra.launcher
    assert "SlurmLauncher" in launcher._target_
    assert launcher.cpus_per_task == 1 and launcher.mem_gb == 2


@pytest.mark.slow
def test_a_killed_sweep_lists_its_jobs_that_never_started_as_pending(tmp_path):
    """A real multirun killed after a few jobs: the summary keeps the finished ones and lists
    the others from the sweep's own job list."""
    import os
    import signal
    import time

    out = tmp_path / "sweep"
    proc = subprocess.Popen([sys.executable, "run.py", "-m", "seed=range(1,41)", "end_year=2019",
                             "figures=false", "people_per_agent=20000", f"hydra.sweep.dir={out}"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        done = [p for p in out.glob("*/summary.json")] if out.exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # The table as the kill left it holds every job that had finished, in one piece.
    finished = {p.parent.name for p in out.glob("*/summary.json")}
    left = pd.read_csv(out / "summary.csv")
    assert len(left) >= 3 and set(left["status"]) == {"ok"}
    assert set(left["job"].astype(str)) <= finished
    listed = yaml.safe_load((out / "jobs.yaml").read_text())
    assert len(listed) == 40 and listed[7] == ["seed=8", "end_year=2019", "figures=False",
                                              "people_per_agent=20000"]
    table = collect([out], figures=False)
    assert len(table) == 40
    counts = table["status"].value_counts().to_dict()
    assert counts.get("ok", 0) >= 3 and counts.get("pending", 0) > 0
    assert set(counts) <= {"ok", "missing", "pending"}
    pending = table[table["status"] == "pending"]
    assert all(not (out / job).exists() for job in pending["job"])


def test_a_jobs_row_is_appended_without_reading_the_other_jobs(tmp_path):
    """The update after a job costs the same whatever the number of jobs done: it appends one
    row and reads no other folder (here the others' summaries are not even readable)."""
    from model.sweeps import update_summary

    sweep = tmp_path / "sweep"
    for i in range(50):
        (sweep / str(i)).mkdir(parents=True)
        (sweep / str(i) / "summary.json").write_text("{not json")
    _job(sweep, "50", ["seed=3"], seed=3)
    update_summary(sweep, sweep / "50")
    _job(sweep, "51", ["seed=4"], seed=4, status="failed", error="ValueError: x")
    update_summary(sweep, sweep / "51")
    table = pd.read_csv(sweep / "summary.csv")
    assert table["job"].astype(str).tolist() == ["50", "51"]
    assert table["status"].tolist() == ["ok", "failed"] and table["seed"].tolist() == [3, 4]


def test_a_job_folder_created_but_never_written_is_missing_not_pending(tmp_path):
    """Killed between Hydra creating a job's folder and writing into it: the job started, so
    it is `missing`; only jobs with no folder at all are `pending`."""
    out = tmp_path / "sweep"
    (out / "0" / ".hydra").mkdir(parents=True)
    (out / "0" / ".hydra" / "overrides.yaml").write_text("- seed=1\n")
    (out / "0" / "summary.json").write_text(json.dumps({"status": "ok", "seed": 1}))
    (out / "1").mkdir()  # created by Hydra, nothing written yet
    (out / "jobs.yaml").write_text(yaml.safe_dump({0: ["seed=1"], 1: ["seed=2"], 2: ["seed=3"]}))
    table = collect([out], figures=False).set_index("job")
    assert table["status"].to_dict() == {"0": "ok", "1": "missing", "2": "pending"}
