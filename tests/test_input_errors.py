"""Bad settings and arguments are refused before the run with one line naming the key and what
is allowed (exit code 2 on the command line, ConfigError or TypeError in Python): a policy's
setting that would switch it on silently, scopes that cover nothing or would be ignored, Hydra's
type errors, near-miss keys, a bad setting every job of a sweep shares, and `rng`."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from model import MigrationModel
from model.cli import check_argv, check_sweep
from model.config import MigrationConfig, check_against_world, config_keys, suggest
from model.params import ConfigError
from model.policies import check_coverage, parse_policies
from model.world.loader import load_world
from tests.conftest import ROOT


def refusal(capsys, call, *args) -> str:
    """The one line a refused call prints (it must exit with code 2)."""
    with pytest.raises(SystemExit) as exit_:
        call(*args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def accepted(capsys, call, *args) -> None:
    call(*args)  # no SystemExit
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def world():
    """The default world's country codes and corridor indices, as the model reads them."""
    w = load_world("default", None, 2019)
    iso3 = w.countries["iso3"].to_numpy()
    return w, iso3, w.corridors["o"].to_numpy(), w.corridors["d"].to_numpy()


# ----------------------------------------------------------------- 1. +policies.NAME.KEY
@pytest.mark.parametrize("arg", ["+policies.skill_recognition.intensity=0.5",
                                 "policies.skill_recognition.intensity=0.5"])
def test_a_setting_of_a_policy_not_switched_on_is_refused_with_or_without_plus(capsys, arg):
    line = refusal(capsys, check_argv, [arg])
    assert "skill_recognition is not switched on" in line
    assert "'policies=[skill_recognition]' policies.skill_recognition.intensity=0.5" in line


def test_a_setting_of_a_policy_switched_on_is_accepted(capsys):
    accepted(capsys, check_argv, ["policies=[skill_recognition]",
                                  "policies.skill_recognition.intensity=0.5"])


# ----------------------------------------------------------------- 2. scopes
@pytest.mark.parametrize("settings, words", [
    ({"corridors": ["NPL-QAT"]}, ["policies.skill_recognition.corridors = [NPL-QAT]",
                                  "ignored", "scope = all", "scope = corridors"]),
    ({"members": ["IND", "ARE"]}, ["policies.skill_recognition.members = [IND, ARE]",
                                   "scope = members"]),
    ({"scope": "corridors", "corridors": ["IND-ARE"], "members": ["IND"]},
     ["policies.skill_recognition.members", "scope = corridors", "scope = members"]),
])
def test_a_list_the_scope_does_not_read_is_refused(settings, words):
    with pytest.raises(ConfigError) as err:
        parse_policies({"skill_recognition": settings})
    for word in words:
        assert word in str(err.value)


def test_a_list_left_at_its_default_is_not_the_users_and_passes():
    # Diaspora bonds default to their issuers [IND, NGA]; scope all then ignores them.
    cfg = parse_policies({"diaspora_bonds": {"scope": "all"}})["diaspora_bonds"]
    assert cfg.scope == "all" and cfg.members == ["IND", "NGA"]


def test_lowercase_codes_are_read_as_the_corridor_files_read_them():
    cfgs = parse_policies({"skill_recognition": {"scope": "members", "members": ["ind", " are"]},
                           "fair_recruitment": {"scope": "corridors",
                                                "corridors": ["npl-qat", "Ind-Are"]}})
    assert cfgs["skill_recognition"].members == ["IND", "ARE"]
    assert cfgs["fair_recruitment"].corridors == ["NPL-QAT", "IND-ARE"]
    with pytest.raises(ConfigError, match="unknown country code.*XXX"):
        parse_policies({"skill_recognition": {"scope": "members", "members": ["xxx"]}})


@pytest.mark.parametrize("settings, words", [
    ({"scope": "members", "members": ["ISL", "MLT"]},
     ["policies.skill_recognition.members = [ISL, MLT]", "covers no corridor of world=default",
      "ISL, MLT not in the world", "60 countries", "world=global"]),
    # IND is in the world, but a partnership of one covers no corridor (both ends are members).
    ({"scope": "members", "members": ["IND"]}, ["covers no corridor", "both ends"]),
    ({"scope": "corridors", "corridors": ["IND-IND"]},
     ["policies.skill_recognition.corridors: IND-IND not a corridor of world=default",
      "1,173 corridors", "IND-ARE"]),
    # One listed corridor outside the world is named, the one inside is not.
    ({"scope": "corridors", "corridors": ["NPL-QAT", "ISL-MLT"]},
     ["ISL-MLT not a corridor", "(ISL, MLT not in the world)"]),
])
def test_a_scope_covering_nothing_in_the_world_is_refused(world, settings, words):
    _, iso3, o, d = world
    cfgs = parse_policies({"skill_recognition": settings})
    with pytest.raises(ConfigError) as err:
        check_coverage(cfgs, iso3, o, d, "world=default")
    for word in words:
        assert word in str(err.value)
    assert "NPL-QAT not" not in str(err.value)


def test_what_a_scope_covers_is_counted_from_the_world(world):
    w, iso3, o, d = world
    corridors = w.corridors.assign(origin=iso3[o], destination=iso3[d])
    cfgs = parse_policies({"skill_recognition": {"scope": "members", "members": ["IND", "ARE",
                                                                                  "ISL"]},
                           "diaspora_bonds": {"members": ["IND"]}})
    check_coverage(cfgs, iso3, o, d, "world=default")  # ISL is outside, but some are covered
    from model.policies.base import coverage

    both = coverage(cfgs["skill_recognition"], iso3, o, d)
    pair = corridors["origin"].isin(["IND", "ARE"]) & corridors["destination"].isin(["IND", "ARE"])
    assert both.sum() == pair.sum() == 2  # IND-ARE and ARE-IND
    issuers = coverage(cfgs["diaspora_bonds"], iso3, o, d, "origin")
    assert issuers.sum() == (corridors["origin"] == "IND").sum() > 20


def test_facility_candidates_none_of_which_is_in_the_world_are_refused(world):
    _, iso3, o, d = world
    cfg = MigrationConfig()
    cfg.facility.enabled = True
    cfg.facility.candidates = ["ISL", "MLT"]
    with pytest.raises(ConfigError, match=r"facility\.candidates = \[ISL, MLT\]: none is a "
                                          r"country of world=default"):
        check_against_world(cfg, iso3, o, d, "world=default")
    cfg.facility.candidates = ["ISL", "IND"]
    check_against_world(cfg, iso3, o, d, "world=default")


def test_the_model_refuses_a_scope_covering_nothing_before_building_migrants():
    with pytest.raises(ConfigError, match="covers no corridor of world=default"):
        MigrationModel(policies={"skill_recognition": {"scope": "members",
                                                       "members": ["ISL", "MLT"]}},
                       progress=False)


def test_lowercase_members_cover_a_lowercase_corridor_files_corridors(tmp_path):
    path = tmp_path / "toy.csv"
    path.write_text("origin,destination,stock\nmex,usa,100000\nind,are,50000\nphl,sau,20000\n")
    m = MigrationModel(world="custom", world_path=str(path), end_year=2019, progress=False,
                       policies={"skill_recognition": {"scope": "members",
                                                       "members": ["mex", "usa", "phl"]}})
    covered = m.policies.policies[0].covered
    names = [f"{m.countries.iso3[a]}-{m.countries.iso3[b]}"
             for a, b in zip(m.corridors.o[covered], m.corridors.d[covered])]
    assert names == ["MEX-USA"]


# ----------------------------------------------------------------- 3, 4. Hydra's type errors
@pytest.mark.parametrize("args, words", [
    (["seed=1.5"], ["seed = 1.5: allowed a whole number from 0 to 9223372036854775807"]),
    (["figures=maybe"], ["figures = 'maybe': allowed true or false"]),
    (["seed="], ["seed = '' (empty): allowed a whole number"]),
    (["seed=null"], ["seed = null: allowed a whole number"]),
    (["labour=5"], ["labour=5: labour is a group of settings", "labour.job_loss_rate=",
                    "allowed: job_loss_rate, migrant_unemployment_ratio"]),
    (["people_per_agent=many"], ["people_per_agent = 'many': allowed a number from 1.0 to "
                                 "10000000.0 (people per migrant agent)"]),
    (["agreements.bundle=5"], ["agreements.bundle = 5: allowed a list"]),
    (["job_loss_rate=0.1"], ["job_loss_rate: unknown setting; did you mean "
                             "labour.job_loss_rate?"]),
    (["labour.job_los_rate=0.1"], ["did you mean labour.job_loss_rate?"]),
    (["+labour.job_los_rate=0.1"], ["did you mean labour.job_loss_rate?"]),
    (["returns.job_loss_rate=0.1"], ["did you mean labour.job_loss_rate?"]),
    (["sed=3"], ["sed: unknown setting; did you mean seed?"]),
    (["seed=[1"], ["seed=[1: not a readable override", "quote"]),
    (["+seed=3"], ["+seed: seed is a setting already; write seed=... without the +"]),
    # A switched-on policy's settings are checked against its own config.
    (["policies=[skill_recognition]", "policies.skill_recognition.intensty=0.5"],
     ["did you mean policies.skill_recognition.intensity?"]),
    (["policies=[skill_recognition]", "+policies.skill_recognition.intensity=0.5"],
     ["is a setting already", "without the +"]),
    (["policies=[skill_recognition]", "policies.skill_recognition.intensity=abc"],
     ["policies.skill_recognition.intensity = 'abc': allowed a number from 0.0 to 1.0 (share)"]),
    (["labour.job_loss_rate=-5"], ["labour.job_loss_rate = -5.0 is out of range: allowed 0.0 "
                                   "to 2.0 (per year)"]),
    # Every value of a sweep is converted as Hydra would: the bad one is named.
    (["-m", "seed=1,2.5"], ["seed = 2.5: allowed a whole number"]),
    # A config group's choice lists the group's configs (files and generated ones).
    (["world=mars"], ["world=mars: no config world/mars; allowed: custom, default, global"]),
    (["-m", "shocks=none,covid"], ["no config shocks/covid; allowed: covid_2020, none"]),
    (["+scenario=nope"], ["no config scenario/nope", "covid_2020", "south_south_africa"]),
])
def test_hydra_type_errors_and_near_miss_keys_are_one_line(capsys, hydra_configs, args, words):
    line = refusal(capsys, check_argv, args)
    for word in words:
        assert word in line


@pytest.mark.parametrize("args", [
    ["seed=3", "figures=false", "world.path=null", "labour.job_loss_rate=0.2"],
    ["seed='7'"],  # Hydra converts a quoted number, so this check does
    ["world=global", "+scenario=covid_2020", "policies=[skill_recognition]", "shocks=none"],
    ["-m", "seed=1,2", "labour.job_loss_rate=0.1,0.2"],
    # A bad value among a sweep's values fails only its own job: the sweep is not refused.
    ["-m", "labour.job_loss_rate=0.1,-5"],
    ["--cfg", "job", "seed=1.5"],  # Hydra only prints the config
])
def test_valid_arguments_pass_the_checks(capsys, hydra_configs, args):
    accepted(capsys, check_argv, args)


def test_suggestions_use_the_unique_leaf_names_first():
    keys = config_keys()
    assert len(keys) == len(set(keys)) > 100
    assert suggest("job_loss_rate") == ["labour.job_loss_rate"]
    assert suggest("labour.seed") == ["seed"]
    assert suggest("policies.skill_recognition.intensty") == [
        "policies.skill_recognition.intensity"]
    assert suggest("zzzz") == []


# ----------------------------------------------------------------- 5. a sweep's shared setting
@pytest.fixture(scope="module")
def hydra_configs():
    from model.config import register_configs
    from model.presets import register_presets

    register_configs()
    register_presets()


@pytest.mark.parametrize("args, words", [
    (["-m", "seed=1,2", "policies=[skill_recognition]", "policies.skill_recognition.scope=members",
      "policies.skill_recognition.members=[ISL,MLT]"],
     ["policies.skill_recognition.members = [ISL, MLT] covers no corridor",
      "every job of the sweep shares"]),
    (["-m", "seed=1,2,3", "end_year=2015"], ["end_year = 2015 must not be before start_year"]),
    (["-m", "+sweep=policy_by_seed", "end_year=2015"], ["end_year = 2015"]),
    (["-m", "seed=1,2", "world=custom"], ["world = custom needs world.path"]),
])
def test_a_setting_every_job_of_a_sweep_shares_is_refused_before_launch(
        capsys, hydra_configs, args, words):
    line = refusal(capsys, check_sweep, args)
    for word in words:
        assert word in line


@pytest.mark.parametrize("args", [
    ["-m", "seed=1,2", "end_year=2020"],
    # Only the first job is bad: the sweep runs and records that job as failed.
    ["-m", "end_year=2015,2020"],
])
def test_a_sweep_with_good_jobs_is_not_refused(capsys, hydra_configs, args):
    accepted(capsys, check_sweep, args)


# ----------------------------------------------------------------- 6. rng and positional args
@pytest.mark.parametrize("rng", [1.7, -1, "abc", True, 2**63, np.float64(3.0)])
def test_a_bad_rng_is_refused_naming_it(rng):
    with pytest.raises(ConfigError, match=r"^rng = .*: allowed a whole number from 0 to "
                                          r"2\*\*63 - 1 .* or None"):
        MigrationModel(rng=rng, progress=False)


def test_a_positional_argument_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"keyword arguments only, e\.g\. MigrationModel\(rng=3"):
        MigrationModel(3)


def test_a_numpy_integer_seed_is_taken_as_is(tmp_path):
    path = tmp_path / "toy.csv"
    path.write_text("origin,destination,stock\nMEX,USA,10000\n")
    m = MigrationModel(world="custom", world_path=str(path), end_year=2019, progress=False,
                       rng=np.int64(2**62))
    assert m.seed == 2**62 and m.streams.seed == 2**62


# ----------------------------------------------------------------- the real command line
def run_cli(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.mark.slow
@pytest.mark.parametrize("args, words", [
    (["+policies.skill_recognition.intensity=0.5"], ["not switched on"]),
    (["seed=1.5"], ["seed = 1.5: allowed a whole number"]),
    (["job_loss_rate=0.1"], ["did you mean labour.job_loss_rate?"]),
    (["policies=[skill_recognition]", "policies.skill_recognition.scope=members",
      "policies.skill_recognition.members=[isl,mlt]"], ["[ISL, MLT] covers no corridor"]),
    (["policies=[skill_recognition]", "policies.skill_recognition.corridors=[NPL-QAT]"],
     ["ignored", "scope = all"]),
])
def test_the_command_line_refuses_in_one_line_and_leaves_no_folder(tmp_path, args, words):
    out = tmp_path / "run"
    proc = run_cli(f"hydra.run.dir={out}", *args)
    assert proc.returncode == 2, proc.stderr[-1500:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr[-1500:]
    for word in words:
        assert word in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_a_sweeps_shared_bad_value_is_refused_before_any_job(tmp_path):
    out = tmp_path / "sweep"
    proc = run_cli("-m", f"hydra.sweep.dir={out}", "seed=1,2", "policies=[skill_recognition]",
                   "policies.skill_recognition.scope=corridors",
                   "policies.skill_recognition.corridors=[IND-IND]")
    assert proc.returncode == 2, proc.stderr[-1500:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "IND-IND not a corridor of world=default" in lines[0]
    assert "no job was launched" in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_hydra_full_error_still_shows_hydras_own_trace(tmp_path):
    proc = run_cli(f"hydra.run.dir={tmp_path / 'run'}", "seed=1.5",
                   env={"HYDRA_FULL_ERROR": "1"})
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "could not be converted to Integer" in proc.stderr
