"""The real command line: `python run.py` in a fresh folder writes the contract's run folder,
never overwrites earlier results, and bad input fails before the run with one clear line."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from model.config import MigrationConfig
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def run_cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    proc = run_cli(f"hydra.run.dir={out}", "end_year=2021")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_run_folder_holds_the_contract_files(run_dir):
    for name in ("timeseries.csv", "corridors.csv", "summary.json", "calibration.csv",
                 "country_timeseries.csv", ".hydra/config.yaml"):
        assert (run_dir / name).stat().st_size > 0, name
    figures = sorted(p.name for p in (run_dir / "figures").glob("*.png"))
    assert {"stocks_by_region.png", "remittances_top_recipients.png", "sdg_indicators.png",
            "brain_waste.png", "corridor_network.png", "calibration.png"} <= set(figures)
    ts = pd.read_csv(run_dir / "timeseries.csv")
    assert len(ts) == 12 and ts["step"].tolist() == list(range(1, 13))
    assert ts.notna().all().all()
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["world"] == "default"
    assert summary["headline"]["migrant_stock_end"] == pytest.approx(ts["migrant_stock"].iloc[-1])
    assert summary["parameters"]["end_year"] == 2021
    corridors = pd.read_csv(run_dir / "corridors.csv")
    assert len(corridors) == summary["corridors"]
    assert corridors["stock_end"].sum() == pytest.approx(ts["migrant_stock"].iloc[-1], rel=1e-6)
    # The analysis tables, written by default as Parquet.
    series = pd.read_parquet(run_dir / "corridor_timeseries.parquet")
    assert len(series) == 12 * len(corridors)
    last = series[series["step"] == 12]
    assert last["stock"].sum() == pytest.approx(ts["migrant_stock"].iloc[-1], rel=1e-6)
    roles = pd.read_parquet(run_dir / "country_roles.parquet")
    assert set(roles["role"]) == {"origin", "destination"}
    cohorts = pd.read_parquet(run_dir / "cohorts.parquet")
    assert list(cohorts["arrival_year"]) == [2019, 2020, 2021]
    assert 0.5 < cohorts["share_abroad_after_1y"].iloc[0] <= 1.0


def test_an_earlier_run_folder_is_never_overwritten(run_dir):
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    proc = run_cli(f"hydra.run.dir={run_dir}", "end_year=2021")
    assert proc.returncode == 2
    assert "already holds results" in proc.stderr
    assert before == {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}


def test_same_config_and_seed_give_identical_files(run_dir, tmp_path):
    proc = run_cli(f"hydra.run.dir={tmp_path / 'again'}", "end_year=2021")
    assert proc.returncode == 0, proc.stderr[-2000:]
    for name in ("timeseries.csv", "corridors.csv", "country_timeseries.csv", "summary.json"):
        assert (tmp_path / "again" / name).read_bytes() == (run_dir / name).read_bytes(), name


@pytest.mark.parametrize("override, words", [
    ("labour.job_loss_rate=9", ["labour.job_loss_rate", "out of range"]),
    ("+labour.job_los_rate=0.1", ["unknown setting", "labour.job_los_rate"]),
    ("labour.job_los_rate=0.1", ["job_los_rate"]),
    ("world=mars", ["world/mars", "default"]),
    ("world=custom", ["world.path"]),
])
def test_bad_input_fails_before_the_run_and_leaves_no_folder(tmp_path, override, words):
    out = tmp_path / "bad"
    proc = run_cli(f"hydra.run.dir={out}", override)
    assert proc.returncode != 0
    for word in words:
        assert word in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "timeseries.csv").exists()


def test_a_broken_corridor_file_is_named_with_its_row(tmp_path):
    bad = tmp_path / "corridors.csv"
    bad.write_text("origin,destination,stock\nMEX,USA,100\nXXX,USA,5\nIND,ARE,-3\n")
    proc = run_cli(f"hydra.run.dir={tmp_path / 'run'}", "world=custom", f"world.path={bad}")
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "XXX" in proc.stderr and "row 3" in proc.stderr


@pytest.mark.parametrize("content, words", [
    # European spreadsheets: '3.400' is three thousand four hundred, '2,5' two and a half.
    ("origin;destination;stock\nIND;ARE;3.400\nPHL;ARE;2,5\n",
     ["row 2, column C", "'3.400'", "row 3, column C", "decimal comma", "decimal point"]),
    # A typo of a thousand billion people is refused before numpy allocates for it.
    ("origin,destination,stock\nIND,ARE,1e12\nPHL,ARE,2000\n",
     ["migrant agents", "400,000,000", "IND-ARE", "people_per_agent"]),
    ("origin,destination,stock\nIND,ARE,0\nPHL,ARE,0\n", ["no corridor has migrants"]),
])
def test_a_new_users_bad_corridor_files_are_refused_before_the_run(tmp_path, content, words):
    bad = tmp_path / "corridors.csv"
    bad.write_text(content)
    out = tmp_path / "run"
    proc = run_cli(f"hydra.run.dir={out}", "world=custom", f"world.path={bad}")
    assert proc.returncode == 2, proc.stderr[-1500:]
    assert str(bad) in proc.stderr and "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("args, words", [
    (["shocks=covid_2020", "end_year=2019"], ["shocks.timeline[0]", "outside the run",
                                              "end_year"]),
    (["policies.skill_recognition.intensity=0.5"],
     ["not switched on", "'policies=[skill_recognition]'", "+policies.skill_recognition",
      "silently"]),
])
def test_a_shock_outside_the_run_and_a_setting_of_a_policy_not_on_are_refused(
        tmp_path, args, words):
    proc = run_cli(f"hydra.run.dir={tmp_path / 'run'}", *args)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr[-1500:]
    assert not (tmp_path / "run" / "timeseries.csv").exists()


@pytest.mark.parametrize("what", ["run", "sweep"])
def test_the_output_contract_check_passes(what):
    check = ROOT.parent / "shared" / "checks" / "output-contract"
    if not check.exists():
        pytest.skip("the shared output-contract check is not beside the project")
    env_path = f"{ROOT / '.venv' / 'bin'}:" if (ROOT / ".venv").exists() else ""
    import os
    proc = subprocess.run(["bash", str(check), what], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PATH": env_path + os.environ["PATH"]}, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "contract ok" in proc.stdout


def test_a_run_with_policies_records_them(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(f"hydra.run.dir={out}", "end_year=2021",
                   "policies=[fair_recruitment,remittance_matching]",
                   "policies.fair_recruitment.cap_months=0.5")
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["policies"]) == {"fair_recruitment", "remittance_matching"}
    assert summary["policies"]["fair_recruitment"]["parameters"]["cap_months"] == 0.5
    ts = pd.read_csv(out / "timeseries.csv")
    assert ts["policy_cost_employers_usd"].sum() > 0 and ts["matching_topup_usd"].sum() > 0


def test_an_unknown_policy_is_named_with_the_allowed_ones(tmp_path):
    proc = run_cli(f"hydra.run.dir={tmp_path / 'run'}", "policies=[teleportation]")
    assert proc.returncode == 2
    assert "unknown policy teleportation" in proc.stderr and "skill_recognition" in proc.stderr


def test_the_facility_governance_sweep_runs_as_a_real_multirun(tmp_path):
    sweep = tmp_path / "sweep"
    proc = run_cli("-m", "+sweep=facility_governance", "seed=1", "end_year=2022",
                   "people_per_agent=5000", f"hydra.sweep.dir={sweep}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    designs = set()
    from model.collect import job_dirs

    for job in job_dirs([sweep]):
        facility = json.loads((job / "summary.json").read_text())["facility"]
        designs.add((facility["parameters"]["voting"], facility["parameters"]["participation"]))
        assert facility["members_mean"] > 0 and abs(facility["balance_gap_usd"]) < 1e-3
        assert (job / "figures" / "facility.png").exists()
    assert designs == {("equal", "unconditional"), ("equal", "conditional"),
                       ("weighted", "unconditional"), ("weighted", "conditional")}
    # No design switches the facility off, so there is no baseline: levels are compared.
    assert (sweep / "summary.csv").exists()
    assert list((sweep / "figures").glob("compare_*.png"))


def test_validate_only_prints_what_would_run_and_writes_nothing(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(f"hydra.run.dir={out}", "validate=true", "people_per_agent=2000",
                   "policies=[skill_recognition]", "shocks=covid_2020")
    assert proc.returncode == 0, proc.stderr[-1500:]
    text = proc.stdout
    for words in ("this would run", "60 countries, 1173 corridors", "2000 people each",
                  "48 (2019 to the end of 2030", "skill_recognition (from 2020",
                  "pandemic 2020.25-2020.75", "facility   off"):
        assert words in text, text
    agents = int(text.split("agents")[1].split("migrant")[0].replace(",", ""))
    # 158 M people abroad at 2,000 each, rounded up per corridor, and at least 10 a corridor.
    from model.world.loader import load_world

    stock = load_world("default", None, 2019).corridors["stock"].to_numpy()
    assert agents == int(np.maximum(np.ceil(stock / 2000), 10).sum())
    assert 79_000 < agents < 90_000
    assert not out.exists()
    bad = tmp_path / "eu.csv"
    bad.write_text("origin;destination;stock\nIND;ARE;3.400\n")
    proc = run_cli(f"hydra.run.dir={out}", "validate=true", "world=custom", f"world.path={bad}")
    assert proc.returncode == 2 and "'3.400'" in proc.stderr and not out.exists()


def test_a_folder_holding_a_users_files_is_never_written_into(tmp_path):
    mine = tmp_path / "mine"
    (mine / "figures").mkdir(parents=True)
    (mine / "figures" / "brain_waste.png").write_bytes(b"my own figure")
    (mine / "notes.txt").write_text("keep")
    proc = run_cli(f"hydra.run.dir={mine}", "end_year=2019")
    assert proc.returncode == 2 and "already holds other files" in proc.stderr
    assert (mine / "figures" / "brain_waste.png").read_bytes() == b"my own figure"
    assert sorted(p.name for p in mine.iterdir()) == ["figures", "notes.txt"]


def test_of_two_runs_started_into_one_new_folder_the_second_is_refused(tmp_path):
    from model.config import ConfigError
    from model.runner import RUNNING, claim_run_dir, run

    out = tmp_path / "shared_folder"
    marker = claim_run_dir(out)  # the first run has started writing here
    with pytest.raises(ConfigError, match="another run is writing"):
        claim_run_dir(out)
    with pytest.raises(ConfigError, match="another run is writing"):
        run(MigrationConfig(end_year=2019, figures=False, progress=False), out_dir=out)
    marker.unlink()
    summary = run(MigrationConfig(end_year=2019, figures=False, progress=False), out_dir=out)
    assert summary["status"] == "ok" and not (out / RUNNING).exists()
