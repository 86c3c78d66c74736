"""The sweeper's cached config loader gives every job the config Hydra would compose, key for key
(hydra node included), and Hydra's own errors for bad overrides; the cache never leaks one job's
values into another's; the loader pickles without its templates (for the joblib workers)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.utils import create_config_search_path
from hydra.errors import ConfigCompositionException
from hydra.types import RunMode
from hydra_plugins import migration_sweeper
from hydra_plugins.migration_sweeper import CachedConfigLoader
from omegaconf import OmegaConf

from model.config import register_configs
from model.presets import register_presets

ROOT = Path(__file__).resolve().parents[1]

# Jobs as a sweep gives them, in an order that reuses templates: group choices (policies, world,
# shocks, a preset) and values (seed, a policy's setting, a nested setting, a list, null).
JOBS = [
    ["seed=1", "figures=False"],
    ["seed=2", "figures=False", "labour.job_loss_rate=0.2"],
    ["seed=3", "figures=False"],  # same template as above: must not keep job_loss_rate=0.2
    ["policies=[skill_recognition]", "policies.skill_recognition.intensity=0.5", "seed=1"],
    ["policies=[skill_recognition]", "seed=2"],
    ["policies=[skill_recognition,fair_recruitment]", "seed=1"],
    ["world=global", "people_per_agent=500", "seed=1"],
    ["shocks=covid_2020", "seed=4", "end_year=2025"],
    ["+scenario=covid_2020", "seed=5"],
    ["+scenario=covid_2020", "seed=6", "world.path=null"],
]


@pytest.fixture(scope="module")
def loaders():
    register_configs()
    register_presets()
    path = create_config_search_path(str(ROOT / "conf"))
    stock = ConfigLoaderImpl(config_search_path=path)
    master = stock.load_configuration("config", overrides=["hydra.sweep.dir=/tmp/unused"],
                                      run_mode=RunMode.MULTIRUN)
    return stock, CachedConfigLoader(path), master


def test_every_job_gets_the_config_hydra_composes(loaders):
    stock, cached, master = loaders
    migration_sweeper.TEMPLATES.clear()
    for job in JOBS:
        want = stock.load_sweep_config(master, job)
        got = cached.load_sweep_config(master, job)
        assert OmegaConf.to_container(got, resolve=False) == OmegaConf.to_container(
            want, resolve=False), job
        # Resolved too: the timestamped folders come from the master config's cache.
        assert got.hydra.sweep.dir == want.hydra.sweep.dir
        assert OmegaConf.to_yaml(got) == OmegaConf.to_yaml(want), job
    # 10 jobs, 6 distinct sets of group choices: each composed once.
    assert len(migration_sweeper.TEMPLATES) == 6


def test_values_do_not_leak_between_jobs_of_one_template(loaders):
    _, cached, master = loaders
    a = cached.load_sweep_config(master, ["seed=2", "labour.job_loss_rate=0.2"])
    b = cached.load_sweep_config(master, ["seed=3"])
    assert a.labour.job_loss_rate == 0.2
    assert b.labour.job_loss_rate != 0.2 and b.seed == 3
    assert list(b.hydra.overrides.task) == ["seed=3"]
    assert b.hydra.job.override_dirname == "seed=3"


def _fails_as_hydra_does(stock, loader, master, job) -> None:
    """`loader` refuses `job` with the exception and message Hydra's own loader gives."""
    with pytest.raises(Exception) as want:
        stock.load_sweep_config(master, job)
    with pytest.raises(type(want.value)) as got:
        loader.load_sweep_config(master, job)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("job", [["seed=abc"], ["no_such_key=1"], ["policies=[no_such]"],
                                 ["seed=1,2"]])
def test_bad_overrides_fail_with_hydras_own_message(loaders, job):
    stock, cached, master = loaders
    _fails_as_hydra_does(stock, cached, master, job)


def test_a_pickled_loader_uses_the_processs_templates(loaders):
    """A joblib worker unpickles a new loader for every job: the templates outlive it."""
    _, cached, master = loaders
    migration_sweeper.TEMPLATES.clear()
    cached.load_sweep_config(master, ["seed=9"])
    copy = pickle.loads(pickle.dumps(cached))
    assert copy.load_sweep_config(master, ["seed=10"]).seed == 10
    assert len(migration_sweeper.TEMPLATES) == 1


def test_another_sweep_gets_its_own_timestamps(loaders):
    """Two sweeps in one process (a notebook) share a template: each job's folder still comes
    from its own sweep's time (${now:...} cached in that sweep's master config)."""
    import time

    from hydra.core.utils import setup_globals

    setup_globals()  # registers ${now:}
    stock, cached, _ = loaders
    dirs = []
    for _ in range(2):
        master = stock.load_configuration("config", overrides=[], run_mode=RunMode.MULTIRUN)
        want = master.hydra.sweep.dir  # resolving fills the master's cache, as the sweeper does
        dirs.append((want, cached.load_sweep_config(master, ["seed=1"]).hydra.sweep.dir))
        time.sleep(0.01)
    assert [got for _, got in dirs] == [want for want, _ in dirs]
    assert dirs[0][0] != dirs[1][0]


def test_a_group_key_with_a_dict_value_is_a_value_as_in_hydra(loaders):
    """Hydra applies `group={...}` after the merge, like a plain value (its Overrides rule)."""
    _, cached, _ = loaders
    parsed = cached.parser.parse_overrides(["world={path: x.csv}", "world=global", "seed=1",
                                            "hydra.verbose=true"])
    assert [cached.is_value(o) for o in parsed] == [True, False, True, False]


def test_composition_errors_name_hydras_exception(loaders):
    _, cached, master = loaders
    with pytest.raises(ConfigCompositionException, match="seed"):
        cached.load_sweep_config(master, ["seed=abc"])


@pytest.mark.parametrize("job", [["seed=abc"], ["no_such_key=1"], ["labour.job_loss_rate=[1]"],
                                 ["~no_such_key"], ["+seed=3"], ["world.path=null", "seed=x"],
                                 ["policies=[skill_recognition]",
                                  "policies.skill_recognition.no_such=1"]])
def test_the_check_before_launch_refuses_what_composition_refuses(loaders, job):
    from hydra_plugins.migration_sweeper import CheckingConfigLoader

    stock, cached, master = loaders
    checking = CheckingConfigLoader(cached.get_search_path())
    # Good jobs first, on the same scratch copy: they must not hide or cause an error.
    for good in (["seed=1"], ["seed=2", "labour.job_loss_rate=0.3"], ["world.path=null"]):
        checking.load_sweep_config(master, good)
    _fails_as_hydra_does(stock, checking, master, job)


def test_the_check_accepts_what_composition_accepts(loaders):
    from hydra_plugins.migration_sweeper import CheckingConfigLoader

    _, cached, master = loaders
    checking = CheckingConfigLoader(cached.get_search_path())
    for job in JOBS + [["~seed"], ["seed=2", "labour.job_loss_rate=0.3"]] * 2:
        checking.load_sweep_config(master, job)
