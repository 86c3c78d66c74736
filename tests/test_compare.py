"""Tests for model.compare and what it draws from: scenario labels (model.scenario_labels),
loading job folders and paired effects (model.sweep_jobs), figures.

Every test writes its own tiny sweep into tmp_path (job folders with summary.json,
timeseries.csv and .hydra/overrides.yaml holding known numbers), so nothing depends on a
real model run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
import yaml

from model.compare import _band, compare_figures
from model.scenario_labels import choose_baseline, display_name, is_baseline, scenario_of
from model.sweep_jobs import job_dirs, load_jobs, paired_effects

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BASE = "policies=[]"
SKILL = "policies=[skill_recognition]"
SHOCK = "shocks=covid_2020"
SERIES_WRITTEN = ("migrant_stock", "remittances_formal_usd", "brain_waste_rate")

# Known headline numbers per (scenario, seed): remittances_received_total_usd, brain_waste_rate_mean.
REMIT = {BASE: {1: 100.0, 2: 110.0, 3: 120.0},
         SKILL: {1: 110.0, 2: 125.0, 3: 125.0,    # differences 10, 15, 5
                 4: 500.0},                       # no baseline seed 4: never paired
         SHOCK: {1: 90.0, 2: 100.0}}              # differences -10, -10 (seed 3 failed)
BRAIN = {BASE: {1: 0.40, 2: 0.40, 3: 0.40},
         SKILL: {1: 0.30, 2: 0.32, 3: 0.34, 4: 0.9},  # differences -0.10, -0.08, -0.06
         SHOCK: {1: 0.40, 2: 0.40}}


def write_job(folder: Path, overrides: list[str], seed: int | None, status: str = "ok",
              headline: dict | None = None, timeseries: bool = True,
              summary: bool = True) -> Path:
    """One job folder as Hydra + the runner write it; only the files asked for."""
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    if summary:
        data = {"status": status, "seed": seed, "world": "default",
                "headline": headline or {}, "units": {"migrant_stock": "people"}}
        if status == "failed":
            data["error"] = "ValueError: boom"
        (folder / "summary.json").write_text(json.dumps(data))
    if timeseries:
        steps = np.arange(1, 5)
        level = headline.get("remittances_received_total_usd", 100.0) if headline else 100.0
        pd.DataFrame({
            "step": steps, "year": 2019 + 0.25 * (steps - 1),
            "migrant_stock": 1e6 * (seed + steps),
            "remittances_formal_usd": 1e9 * level * steps,
            "brain_waste_rate": np.full(4, (headline or {}).get("brain_waste_rate_mean", 0.4)),
        }).to_csv(folder / "timeseries.csv", index=False)
    return folder


def make_sweep(root: Path, scenarios=(BASE, SKILL, SHOCK), extra: list[str] = ()) -> list[Path]:
    """A sweep folder: the jobs of REMIT/BRAIN, a failed job and an interrupted one."""
    jobs, num = [], 0
    for label in scenarios:
        for seed in REMIT[label]:
            headline = {"remittances_received_total_usd": REMIT[label][seed],
                        "brain_waste_rate_mean": BRAIN[label][seed],
                        "policy_cost_total_usd": 0.0}
            overrides = [label, f"seed={seed}", *extra, "hydra.launcher.n_jobs=2"]
            jobs.append(write_job(root / str(num), overrides, seed, headline=headline))
            num += 1
    if SHOCK in scenarios:
        # seed 3 of the shock scenario failed before writing its time series
        jobs.append(write_job(root / str(num), [SHOCK, "seed=3", *extra], 3, status="failed",
                              headline={"remittances_received_total_usd": 1e12},
                              timeseries=False))
        num += 1
    # interrupted: Hydra wrote .hydra/ but the job never wrote summary.json
    jobs.append(write_job(root / str(num), [SKILL, "seed=9", *extra], 9, summary=False,
                          timeseries=False))
    return jobs


def is_png(path: Path) -> bool:
    """True when the file starts with the PNG signature and decodes to an image."""
    data = path.read_bytes()
    # no "Software" text chunk: the matplotlib version must not leak into the bytes
    return data[:8] == PNG_SIGNATURE and b"Software" not in data and mpimg.imread(path).ndim == 3


# --------------------------------------------------------------------------- labels

def test_scenario_of_drops_seed_and_hydra_and_sorts():
    assert scenario_of(["policies=[skill_recognition]", "seed=3", "end_year=2025"]) == \
        "end_year=2025 policies=[skill_recognition]"
    assert scenario_of(["seed=1", "hydra.sweep.dir=/tmp/x", "hydra/launcher=joblib"]) == ""
    assert scenario_of([]) == ""
    assert scenario_of(["shocks=covid_2020", "facility=gcff", "+seed=2"]) == \
        "facility=gcff shocks=covid_2020"
    # a key that merely starts with "seed" or "hydra" is a real setting
    assert scenario_of(["seed_offset=4", "hydrant=1"]) == "hydrant=1 seed_offset=4"


@pytest.mark.parametrize("label, expected", [
    ("", True),
    ("policies=[]", True),
    ("facility=none shocks=none", True),
    ("agreements=null policies=[ ]", True),
    ("facility=false shocks=0", True),
    ("policies=[skill_recognition]", False),
    ("policies=[] shocks=covid_2020", False),
    ("end_year=2023 policies=[]", False),   # end_year is not a switch
    ("world=none", False),                  # nor is world
    ("policies=[a, b]", False),
])
def test_is_baseline(label, expected):
    assert is_baseline(label) is expected


def test_display_names_and_baseline_choice():
    assert display_name("policies=[skill_recognition]") == "skill recognition"
    assert display_name("policies=[fair_recruitment,cheaper_remittances]") == (
        "fair recruitment + cheaper remittances")
    assert display_name("policies=[a,b]") == "a + b"
    assert display_name("policies=[]", baseline="policies=[]") == "baseline"
    assert display_name("end_year=2025 shocks=covid_2020") == "end year 2025, covid 2020"
    assert display_name("facility=gcff labour.job_loss_rate=0.2") == (
        "facility gcff, job loss rate 0.2")
    labels = [SKILL, BASE, "facility=none shocks=none"]
    assert choose_baseline(labels) == BASE                      # the shortest baseline
    assert choose_baseline(labels, baseline=SKILL) == SKILL     # explicit wins
    assert choose_baseline([SKILL, SHOCK]) is None
    # overrides every job shares (end_year=...) do not stop the baseline being found
    shared = [f"end_year=2023 {BASE}", f"end_year=2023 {SKILL}"]
    assert choose_baseline(shared) == f"end_year=2023 {BASE}"
    assert choose_baseline(shared, baseline=BASE) == f"end_year=2023 {BASE}"


# --------------------------------------------------------------------------- loading

def test_load_jobs_rows_and_statuses(tmp_path):
    dirs = make_sweep(tmp_path / "sweep")
    (tmp_path / "sweep" / "multirun.yaml").write_text("{}")  # not a job folder
    assert job_dirs(tmp_path / "sweep") == dirs               # natural order, files skipped
    jobs = load_jobs(job_dirs(tmp_path / "sweep"))
    assert len(jobs) == 11
    assert list(jobs["job"]) == [str(i) for i in range(11)]
    assert jobs["status"].value_counts().to_dict() == {"ok": 9, "failed": 1, "missing": 1}
    failed = jobs[jobs["status"] == "failed"].iloc[0]
    assert (failed["scenario"], failed["seed"], failed["error"]) == (SHOCK, 3, "ValueError: boom")
    missing = jobs[jobs["status"] == "missing"].iloc[0]
    assert (missing["scenario"], missing["seed"]) == (SKILL, 9)  # seed from the override
    assert math.isnan(missing["remittances_received_total_usd"])
    ok = jobs[jobs["status"] == "ok"]
    assert sorted(set(ok["scenario"])) == sorted([BASE, SKILL, SHOCK])
    row = ok[(ok["scenario"] == SKILL) & (ok["seed"] == 2)].iloc[0]
    assert row["remittances_received_total_usd"] == 125.0
    assert row["brain_waste_rate_mean"] == pytest.approx(0.32)
    assert (row["job"], row["path"]) == ("4", tmp_path / "sweep" / "4")
    assert "employment_rate_end" in jobs.columns                # headline absent -> NaN column


def test_load_jobs_corrupt_summary_and_no_overrides(tmp_path):
    job = tmp_path / "0"
    job.mkdir()
    (job / "summary.json").write_text('{"status": "ok", "seed": ')  # cut off mid-write
    jobs = load_jobs([job])
    assert jobs.loc[0, "status"] == "unreadable"
    assert jobs.loc[0, "scenario"] == ""
    assert load_jobs([]).empty


# --------------------------------------------------------------------------- effects

def test_paired_effects_by_hand(tmp_path):
    jobs = load_jobs(make_sweep(tmp_path))
    effects = paired_effects(jobs, BASE).set_index(["scenario", "outcome"])
    assert set(effects.index.get_level_values("scenario")) == {SKILL, SHOCK}

    remit = effects.loc[(SKILL, "remittances_received_total_usd")]
    diffs = np.array([10.0, 15.0, 5.0])
    half = 1.645 * np.std(diffs, ddof=1) / np.sqrt(3)           # 1.645 * 5 / sqrt(3)
    assert half == pytest.approx(4.7487, abs=1e-4)
    assert remit["pairs"] == 3 and remit["interval"] == "se"
    assert remit["mean"] == pytest.approx(10.0)
    assert (remit["low"], remit["high"]) == pytest.approx((10.0 - half, 10.0 + half))
    assert remit["baseline_mean"] == pytest.approx(110.0)

    brain = effects.loc[(SKILL, "brain_waste_rate_mean")]
    assert brain["mean"] == pytest.approx(-0.08)
    assert brain["high"] - brain["mean"] == pytest.approx(1.645 * 0.02 / np.sqrt(3))

    # the shock lost seed 3 (failed): only seeds 1 and 2 pair; equal differences, no spread
    shock = effects.loc[(SHOCK, "remittances_received_total_usd")]
    assert shock["pairs"] == 2
    assert (shock["mean"], shock["low"], shock["high"]) == pytest.approx((-10.0, -10.0, -10.0))
    assert shock["baseline_mean"] == pytest.approx(105.0)       # seeds 1 and 2 only

    assert paired_effects(jobs, "policies=[nonexistent]").empty


def test_paired_effects_percentiles_with_five_or_more_pairs(tmp_path):
    dirs = []
    for seed in range(1, 7):
        for label, value in ((BASE, 100.0), (SKILL, 100.0 + seed)):  # differences 1..6
            dirs.append(write_job(tmp_path / f"{label[10:-1] or 'base'}_{seed}",
                                  [label, f"seed={seed}"], seed, timeseries=False,
                                  headline={"remittances_received_total_usd": value}))
    row = paired_effects(load_jobs(dirs), BASE).iloc[0]
    # linear interpolation on 1..6: 5th percentile at rank 0.25, 95th at rank 4.75
    assert (row["pairs"], row["interval"]) == (6, "percentile")
    assert (row["mean"], row["low"], row["high"]) == pytest.approx((3.5, 1.25, 5.75))


def test_band_is_mean_and_percentiles_over_seeds():
    values = pd.DataFrame({"step": [1, 1, 1, 2, 2, 2], "year": [2019.0] * 3 + [2019.25] * 3,
                           "value": [1.0, 2.0, 3.0, 10.0, 20.0, 60.0]})
    band = _band(values).set_index("step")
    assert band.loc[1, "mean"] == 2.0 and band.loc[2, "mean"] == 30.0
    assert band.loc[2, "low"] == pytest.approx(11.0)            # 10 + 0.1 * (20 - 10)
    assert band.loc[2, "high"] == pytest.approx(56.0)           # 20 + 0.9 * (60 - 20)


# --------------------------------------------------------------------------- figures

def test_compare_figures_writes_valid_pngs(tmp_path):
    dirs = make_sweep(tmp_path / "sweep")
    paths = compare_figures(dirs, tmp_path / "figs")
    expected = {f"compare_{c}.png" for c in SERIES_WRITTEN} | {"effects.png"}
    assert {p.name for p in paths} == expected                  # absent indicators skipped
    assert {p.name for p in (tmp_path / "figs").iterdir()} == expected
    assert all(is_png(p) for p in paths)
    # the same inputs give the same bytes (no date or version metadata)
    again = compare_figures(dirs, tmp_path / "figs2")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_sweep_wide_overrides_still_find_the_baseline(tmp_path):
    # like `run.py -m 'policies=...' seed=1,2,3 end_year=2023`: end_year is in every label
    dirs = make_sweep(tmp_path / "sweep", scenarios=(BASE, SKILL), extra=["end_year=2023"])
    names = {p.name for p in compare_figures(dirs, tmp_path / "figs")}
    assert "effects.png" in names


def test_no_effects_without_baseline(tmp_path):
    dirs = make_sweep(tmp_path / "sweep", scenarios=(SKILL, SHOCK))
    names = {p.name for p in compare_figures(dirs, tmp_path / "figs")}
    assert names == {f"compare_{c}.png" for c in SERIES_WRITTEN}
    assert not (tmp_path / "figs" / "effects.png").exists()
    # naming one of them as the baseline brings the effects back
    names = {p.name for p in compare_figures(dirs, tmp_path / "figs3", baseline=SKILL)}
    assert "effects.png" in names


def test_no_effects_with_only_the_baseline_and_nothing_ok(tmp_path):
    dirs = make_sweep(tmp_path / "sweep", scenarios=(BASE,))
    names = {p.name for p in compare_figures(dirs, tmp_path / "figs")}
    assert names == {f"compare_{c}.png" for c in SERIES_WRITTEN}
    broken = [write_job(tmp_path / "bad" / "0", [BASE, "seed=1"], 1, status="failed",
                        timeseries=False), tmp_path / "bad" / "nothing-here"]
    assert compare_figures(broken, tmp_path / "figs_bad") == []
    assert (tmp_path / "figs_bad").is_dir()


def test_series_of_many_jobs_in_one_table_leave_out_jobs_without_the_column():
    """The stacked table gives each indicator over the jobs that have it, job by job."""
    from model.compare import _series_frame, stack_timeseries

    a = pd.DataFrame({"step": [1, 2], "year": [2019.0, 2019.25], "migrant_stock": [10.0, 11.0]})
    b = pd.DataFrame({"step": [1, 2], "year": [2019.0, 2019.25], "migrant_stock": [20.0, 22.0],
                      "brain_waste_rate": [0.3, np.nan]})
    ok = pd.DataFrame({"scenario": ["", "x"], "job": ["0", "1"], "timeseries": [a, b]})
    stacked = stack_timeseries(ok)
    stock = _series_frame(stacked, "migrant_stock")
    assert stock["value"].tolist() == [10.0, 11.0, 20.0, 22.0]
    assert stock["job"].tolist() == ["0", "0", "1", "1"]
    waste = _series_frame(stacked, "brain_waste_rate")  # job 0 has no such column
    assert waste["job"].tolist() == ["1", "1"]
    assert waste["value"].iloc[0] == 0.3 and math.isnan(waste["value"].iloc[1])
    assert _series_frame(stacked, "no_such").empty
    assert stack_timeseries(ok.assign(timeseries=[None, None])).empty
