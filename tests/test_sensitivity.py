"""Sensitivity analysis: the design a sample command writes, a design point reaching the model's
config through a real Hydra composition (and a real multirun), bad sample files refused with
the file, row and column named, and the analysis recovering known answers from hand-made
sweep tables (SALib's own estimators, no mocks)."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from model.config import GROUPS, ConfigError, MigrationConfig
from model.design import read_sample
from model.params import default_of
from model.runner import build_model, to_config
from model.sensitivity import (
    BASELINE,
    analyse,
    behavioural_parameters,
    bounds_of,
    main,
    sample,
)
from tests.conftest import ROOT

PARAMS = ["labour.job_loss_rate", "emigration.income_elasticity", "returns.return_rate_new"]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_the_parameters_are_the_float_settings_of_every_process_section():
    """Every float setting of each config section the process components declare
    (model.config.GROUPS), and nothing else: a section left out would fail here."""
    sections = {f.name: f.default_factory for f in dataclasses.fields(MigrationConfig)}
    assert not [g for g in GROUPS if g not in sections], "a process section is not in the config"
    expected = {f"{group}.{f.name}" for group in GROUPS
                for f in dataclasses.fields(sections[group]) if str(f.type) == "float"}
    params = behavioural_parameters()
    assert set(params) == expected
    assert {name.split(".")[0] for name in params} == set(GROUPS)
    assert {"labour", "remittances", "returns", "emigration"} <= set(GROUPS)


def test_bounds_are_half_to_one_and_a_half_times_the_default_within_the_declared_range():
    params = behavioural_parameters()
    assert "labour.job_loss_rate" in params and "seed" not in params
    assert all(name.split(".")[0] in GROUPS for name in params)
    d = default_of(params["labour.job_loss_rate"])  # the fitted default
    assert bounds_of(params["labour.job_loss_rate"]) == pytest.approx((0.5 * d, 1.5 * d))
    assert bounds_of(params["remittances.formal_share_initial"]) == (0.35, 0.99)  # declared hi
    assert bounds_of(params["returns.unemployed_return_multiplier"]) == (1.0, 3.0)  # declared lo
    assert bounds_of(params["labour.native_wage_elasticity"]) == (-0.4, 0.4)  # default 0
    for f in params.values():
        lo, hi = bounds_of(f)
        assert f.metadata["lo"] <= lo < hi <= f.metadata["hi"]


def test_sample_writes_the_design_its_bounds_and_the_sweep_command(tmp_path):
    out = tmp_path / "morris"
    record = sample("morris", out, trajectories=2, params=["job_loss_rate", *PARAMS[1:]],
                    overrides=["end_year=2020"])
    table = pd.read_csv(out / "sample.csv")
    assert list(table.columns) == ["row", *PARAMS]
    assert table["row"].tolist() == list(range(8))  # 2 trajectories x (3 + 1)
    problem = yaml.safe_load((out / "problem.yaml").read_text())
    params = behavioural_parameters()
    for p in problem["parameters"]:
        lo, hi = bounds_of(params[p["name"]])
        assert (p["lo"], p["hi"]) == (lo, hi)
        assert table[p["name"]].between(lo, hi).all()
        assert table[p["name"]].nunique() > 1
    # One factor moves at a time along a trajectory (Morris' one-at-a-time steps).
    steps = (table[PARAMS].diff().iloc[1:4] != 0).sum(axis=1)
    assert steps.tolist() == [1, 1, 1]
    command = record["command"]
    assert f"sample.file={out / 'sample.csv'}" in command
    assert "'sample.row=range(0,8)'" in command and "hydra/launcher=joblib" in command
    assert f"hydra.sweep.dir={out / 'runs'}" in command and "end_year=2020" in command
    assert record["runs"] == 8 and problem["command"] == command
    before = (out / "sample.csv").read_bytes()
    with pytest.raises(ConfigError, match="exists already"):
        sample("morris", out, trajectories=2, params=PARAMS)
    assert (out / "sample.csv").read_bytes() == before


def test_a_design_over_the_budget_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "big"
    with pytest.raises(SystemExit) as stop:
        main(["sample", "--method", "sobol", "--out", str(out), "--params", ",".join(PARAMS),
              "--n", "256", "--policies", "skill_recognition"])
    assert stop.value.code == 2
    message = capsys.readouterr().err
    # 256 x (3 + 2) rows x 2 scenarios, and 12 noise seeds x 2 scenarios
    assert "needs 2,584 runs" in message and "--max-runs 2,000" in message
    assert not out.exists()
    # At the budget exactly: 2 x (3 + 1) rows and 12 noise runs.
    with pytest.raises(ConfigError, match="needs 20 runs"):
        sample("morris", out, trajectories=2, params=PARAMS, max_runs=19)
    assert not out.exists()
    assert sample("morris", out, trajectories=2, params=PARAMS, max_runs=20)["runs"] == 8
    main(["sample", "--method", "sobol", "--out", str(tmp_path / "ok"), "--params",
          ",".join(PARAMS), "--n", "64", "--policies", "skill_recognition"])
    printed = capsys.readouterr().out
    assert "320 design rows" in printed and "640 runs" in printed
    assert "'policies=[],[skill_recognition]'" in printed and "'seed=range(1,13)'" in printed


def test_a_rows_values_arrive_in_the_models_config_through_hydra(compose, tmp_path):
    file = write_csv(tmp_path / "s.csv", ["row", "labour.job_loss_rate",
                                          "emigration.income_elasticity", "end_year"],
                     [[0, 0.1, 0.3, 2020], [1, 0.25, 0.9, 2021]])
    cfg = compose([f"sample.file={file}", "sample.row=1", "people_per_agent=20000"])
    mcfg = to_config(cfg)
    assert mcfg.labour.job_loss_rate == 0.25 and mcfg.emigration.income_elasticity == 0.9
    assert mcfg.end_year == 2021 and isinstance(mcfg.end_year, int)
    model = build_model(cfg)
    assert model.cfg.labour.job_loss_rate == 0.25 and model.cfg.end_year == 2021
    other = to_config(compose([f"sample.file={file}", "sample.row=0"]))
    assert other.labour.job_loss_rate == 0.1 and other.end_year == 2020
    plain = to_config(compose())
    assert plain.labour.job_loss_rate not in (0.1, 0.25)


def test_a_sweep_over_rows_composes_one_template(tmp_path):
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path
    from hydra.types import RunMode
    from hydra_plugins import migration_sweeper
    from hydra_plugins.migration_sweeper import CachedConfigLoader
    from omegaconf import open_dict

    from model.config import register_configs

    register_configs()
    file = write_csv(tmp_path / "s.csv", ["row", "labour.job_loss_rate"],
                     [[i, 0.1 + 0.01 * i] for i in range(5)])
    path = create_config_search_path(str(ROOT / "conf"))
    master = ConfigLoaderImpl(config_search_path=path).load_configuration(
        "config", overrides=["hydra.sweep.dir=/tmp/unused"], run_mode=RunMode.MULTIRUN)
    loader = CachedConfigLoader(path)
    migration_sweeper.TEMPLATES.clear()
    rates = []
    for i in range(5):
        cfg = loader.load_sweep_config(master, [f"sample.file={file}", f"sample.row={i}"])
        with open_dict(cfg):  # what Hydra hands the task: the config without its hydra node
            del cfg["hydra"]
        rates.append(to_config(cfg).labour.job_loss_rate)
    assert rates == pytest.approx([0.1, 0.11, 0.12, 0.13, 0.14])
    assert len(migration_sweeper.TEMPLATES) == 1


@pytest.mark.parametrize("header, rows, row, words", [
    (["row", "labour.job_los_rate"], [[0, 0.1]], 0,
     ["column 'labour.job_los_rate'", "not a setting", "allowed", "labour.job_loss_rate"]),
    (["row", "labour.job_loss_rate"], [[0, 0.1], [1, 0.2]], 7,
     ["has no row 7", "rows 0 to 1", "s.csv"]),
    (["row", "labour.job_loss_rate"], [[0, 5.0]], 0,
     ["s.csv, row 0, column labour.job_loss_rate", "out of range", "0.0 to 2.0"]),
    (["row", "labour.job_loss_rate"], [[0, "high"]], 0,
     ["row 0, column labour.job_loss_rate", "must be a number"]),
    (["row", "steps_per_year"], [[0, 2.5]], 0, ["column steps_per_year", "whole number"]),
    (["row", "labour.job_loss_rate"], [[0, ""]], 0, ["column labour.job_loss_rate", "empty"]),
    (["labour.job_loss_rate"], [[0.1]], 0, ["no 'row' column", "allowed: 'row'"]),
    (["row", "labour.job_loss_rate"], [[0, 0.1], [0, 0.2]], 0, ["row 0 appears twice"]),
    (["row", "labour.job_loss_rate"], [["a", 0.1]], 0, ["column 'row'", "not a row number"]),
    (["row", "remittances.remit_share_min"], [[0, 0.9]], 0,
     ["remit_share_min", "must not exceed", "row 0 of sample file", "s.csv"]),
])
def test_bad_sample_files_are_refused_naming_file_row_and_column(compose, tmp_path, header, rows,
                                                                 row, words):
    file = write_csv(tmp_path / "s.csv", header, rows)
    with pytest.raises(ConfigError) as err:
        to_config(compose([f"sample.file={file}", f"sample.row={row}"]))
    for word in words:
        assert word in str(err.value), (word, str(err.value))


@pytest.mark.parametrize("overrides, words", [
    (["sample.file=/no/such/file.csv", "sample.row=0"], ["/no/such/file.csv", "no such file"]),
    (["sample.row=3"], ["sample.row = 3 needs sample.file"]),
])
def test_a_missing_file_or_a_row_without_a_file_is_refused(compose, overrides, words):
    with pytest.raises(ConfigError) as err:
        to_config(compose(overrides))
    assert all(w in str(err.value) for w in words), str(err.value)


def test_a_file_without_a_row_is_refused_with_the_rows_it_has(compose, tmp_path):
    file = write_csv(tmp_path / "s.csv", ["row", "labour.job_loss_rate"], [[0, 0.1], [1, 0.2]])
    with pytest.raises(ConfigError, match=r"needs sample.row .*rows 0 to 1"):
        to_config(compose([f"sample.file={file}"]))


def test_the_file_is_read_once_and_again_when_it_changes(tmp_path):
    import os

    file = write_csv(tmp_path / "s.csv", ["row", "labour.job_loss_rate"], [[0, 0.1]])
    first = read_sample(file)
    assert read_sample(file) is first
    write_csv(file, ["row", "labour.job_loss_rate"], [[0, 0.3], [1, 0.2]])
    os.utime(file, ns=(first_ns := os.stat(file).st_mtime_ns, first_ns + 10**9))
    again = read_sample(file)
    assert again is not first and again.rows[0] == ["0.3"]


# --- the analysis on hand-made sweep tables, where the answer is known ----------------------

def fake_sweep(folder, response, policies=(), seeds=(1,)):
    """A sweep table as model.collect writes it: one ok row per design row, seed and scenario,
    whose outcomes are `response(x, scenario, seed)` of the row's values x (dotted -> value)."""
    design = pd.read_csv(folder / "sample.csv")
    rows = []
    for _, x in design.iterrows():
        for scenario in ["[]", *(f"[{p}]" for p in policies)]:
            for seed in seeds:
                overrides = (f"sample.file={folder / 'sample.csv'} sample.row={int(x['row'])} "
                             f"seed={seed} policies={scenario}")
                rows.append({"job": str(len(rows)), "status": "ok", "error": "", "seed": seed,
                             "scenario": overrides, "overrides": overrides,
                             **response(x, scenario.strip("[]") or BASELINE, seed)})
    (folder / "runs").mkdir()
    pd.DataFrame(rows).to_csv(folder / "runs" / "summary.csv", index=False)


def test_morris_gives_the_one_parameter_an_outcome_depends_on_the_largest_mu_star(tmp_path):
    folder = tmp_path / "m"
    sample("morris", folder, trajectories=10, params=PARAMS, policies=["skill_recognition"])
    a, b, c = PARAMS

    def response(x, scenario, seed):
        out = {"migrant_stock_end": 1e6 * x[a] + seed * 1e-9,  # a only
               "returns_total": 10 * x[b] + 3 * x[c] ** 2,  # b and c
               "inflows_total": 5.0}  # constant: not analysed
        if scenario != BASELINE:  # the policy's effect depends on c only
            out = {k: v + (100 * x[c] if k == "migrant_stock_end" else 0) for k, v in out.items()}
        return out

    fake_sweep(folder, response, policies=["skill_recognition"], seeds=(1, 2))
    lines = []
    indices = analyse(folder, ["migrant_stock_end", "returns_total", "inflows_total"],
                      figure=True, out=lines.append)
    assert (folder / "indices.csv").exists() and (folder / "sensitivity.png").exists()
    assert (folder / "sensitivity_effects.png").exists()
    mu = indices[indices["index"] == "mu_star"].set_index(["scenario", "outcome", "parameter"])
    stock = mu.loc[(BASELINE, "migrant_stock_end"), "value"]
    lo, hi = bounds_of(behavioural_parameters()[a])
    width = hi - lo  # the range of job_loss_rate: mu* of a linear effect is slope x range
    assert stock[a] == pytest.approx(1e6 * width, rel=1e-6)
    assert stock[b] < 1e-6 * stock[a] and stock[c] < 1e-6 * stock[a]
    returns = mu.loc[(BASELINE, "returns_total"), "value"]
    assert returns[a] == pytest.approx(0, abs=1e-9) and returns[b] > 0 and returns[c] > 0
    effect = mu.loc[("skill_recognition", "migrant_stock_end"), "value"]
    assert effect.idxmax() == c and effect[a] == pytest.approx(0, abs=1e-6)
    assert "inflows_total" not in set(indices["outcome"])
    assert any("inflows_total: the same in every run" in line for line in lines)
    assert any(line.strip().startswith(f"migrant_stock_end [people]: {a}") for line in lines)
    # The tidy table: one value per method, scenario, outcome, parameter and index.
    assert list(indices.columns) == ["method", "scenario", "outcome", "parameter", "index",
                                     "value", "conf"]
    assert not indices.duplicated(["scenario", "outcome", "parameter", "index"]).any()


def test_morris_leaves_out_incomplete_trajectories(tmp_path):
    folder = tmp_path / "m"
    sample("morris", folder, trajectories=4, params=PARAMS)
    fake_sweep(folder, lambda x, s, seed: {"migrant_stock_end": 7 * x[PARAMS[1]]})
    table = pd.read_csv(folder / "runs" / "summary.csv")
    table.loc[5, "status"] = "failed"  # row 5: the second trajectory (rows 4-7)
    table.to_csv(folder / "runs" / "summary.csv", index=False)
    lines = []
    indices = analyse(folder, ["migrant_stock_end"], figure=False, out=lines.append)
    assert any("1 of 4 incomplete trajectories left out" in line for line in lines)
    mu = indices[indices["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu.idxmax() == PARAMS[1]


def test_sobol_recovers_the_variance_shares_of_a_linear_model(tmp_path):
    folder = tmp_path / "s"
    sample("sobol", folder, n=512, params=PARAMS, max_runs=3000)
    problem = yaml.safe_load((folder / "problem.yaml").read_text())
    unit = {p["name"]: (p["lo"], p["hi"]) for p in problem["parameters"]}

    def u(x, name):  # the parameter on [0, 1]
        lo, hi = unit[name]
        return (x[name] - lo) / (hi - lo)

    # Y = 2 u_a + u_b: variances 4/12 and 1/12, so S1 = ST = 0.8 and 0.2; c does nothing.
    fake_sweep(folder, lambda x, s, seed: {"returns_total": 2 * u(x, PARAMS[0]) + u(x, PARAMS[1])})
    indices = analyse(folder, ["returns_total"], figure=True, out=lambda line: None)
    got = indices.set_index(["parameter", "index"])["value"]
    assert got[(PARAMS[0], "S1")] == pytest.approx(0.8, abs=0.05)
    assert got[(PARAMS[1], "S1")] == pytest.approx(0.2, abs=0.05)
    assert got[(PARAMS[0], "ST")] == pytest.approx(0.8, abs=0.05)
    assert abs(got[(PARAMS[2], "S1")]) < 0.02 and abs(got[(PARAMS[2], "ST")]) < 0.02
    assert (folder / "sensitivity.png").exists()


def test_analyse_refuses_a_sweep_of_another_design(tmp_path):
    folder, other = tmp_path / "a", tmp_path / "b"
    sample("morris", folder, trajectories=2, params=PARAMS)
    sample("morris", other, trajectories=2, params=PARAMS)
    fake_sweep(other, lambda x, s, seed: {"returns_total": x[PARAMS[0]]})
    with pytest.raises(ConfigError, match="not .*a/sample.csv"):
        analyse(folder, ["returns_total"], summary=other / "runs" / "summary.csv",
                figure=False, out=lambda line: None)


def test_the_seed_noise_floor_is_reported_and_flags_what_lies_within_it(tmp_path):
    folder = tmp_path / "m"
    sample("morris", folder, trajectories=6, params=PARAMS)
    a, b, _ = PARAMS
    # Effect of a: 1000 per unit of job_loss_rate (mu* = 1000 x its range); of b: 1 per unit.
    lo, hi = bounds_of(behavioural_parameters()[a])
    mu_a = f"{1000 * (hi - lo):.3g}"
    fake_sweep(folder, lambda x, s, seed: {"returns_total": 1000 * x[a] + x[b]})
    noise = pd.DataFrame({"job": [str(i) for i in range(4)], "status": "ok", "seed": [1, 2, 3, 4],
                          "overrides": [f"seed={i}" for i in range(1, 5)],
                          "returns_total": [10.0, 12.0, 14.0, 16.0]})
    (folder / "noise").mkdir()
    noise.to_csv(folder / "noise" / "summary.csv", index=False)
    lines = []
    indices = analyse(folder, ["returns_total"], figure=True, out=lines.append)
    floor = indices[indices["parameter"] == "(seed noise)"]["value"].item()
    sd = np.std([10.0, 12.0, 14.0, 16.0], ddof=1)
    assert floor == pytest.approx(2 * sd / (np.sqrt(np.pi) * 2 / 3))
    line = next(line for line in lines if "returns_total" in line)
    assert f"(seed noise {floor:.3g})" in line
    assert f"{a} {mu_a}" in line and f"{a} {mu_a} +-0 (within" not in line
    assert f"{b} " in line and "(within seed noise)" in line.split(b)[1]


@pytest.mark.slow
def test_a_real_multirun_of_a_small_design_runs_every_row_and_is_analysed(tmp_path):
    folder = tmp_path / "m"
    record = sample("morris", folder, trajectories=2, params=["labour.job_loss_rate"],
                    overrides=["end_year=2019", "people_per_agent=20000"])
    args = record["command"].split(" ")[2:]  # after ".venv/bin/python run.py"
    args = [a.strip("'") for a in args] + ["hydra.launcher.n_jobs=2"]
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    design = pd.read_csv(folder / "sample.csv").set_index("row")
    summary = pd.read_csv(folder / "runs" / "summary.csv")
    assert len(summary) == 4 and (summary["status"] == "ok").all()
    for job in summary["job"]:
        done = json.loads((folder / "runs" / str(job) / "summary.json").read_text())
        row = int(next(o for o in done["overrides"] if o.startswith("sample.row="))[11:])
        assert done["parameters"]["job_loss_rate"] == design.loc[row, "labour.job_loss_rate"]
    indices = analyse(folder, ["job_losses_total"], figure=False, out=lambda line: None)
    mu = indices[indices["index"] == "mu_star"]["value"].item()
    assert mu > 0  # more job losses with a higher hazard
    assert np.isfinite(mu)
