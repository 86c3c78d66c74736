"""Configuration: one name per setting, defaults in one place, bad input fails early and clearly."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ValidationError

from model import MigrationModel
from model.config import (
    ConfigError,
    MigrationConfig,
    field_meta,
    flat_defaults,
    flatten,
    nest,
    validate,
)
from model.runner import to_config


def test_every_setting_is_a_keyword_with_its_default():
    sig = inspect.signature(MigrationModel)
    defaults = flat_defaults()
    assert set(sig.parameters) == set(defaults) | {"rng"}
    for name, value in defaults.items():
        assert sig.parameters[name].default == value


def test_every_parameter_has_unit_range_and_source():
    for key, (dotted, f) in field_meta().items():
        if f.type in ("float", "int") and key != "seed":
            assert f.metadata["source"], f"{dotted} has no source"
            assert f.metadata["lo"] is not None and f.metadata["hi"] is not None, dotted
            assert f.metadata["lo"] <= f.default <= f.metadata["hi"], dotted


def test_nest_and_flatten_round_trip():
    params = {"job_loss_rate": 0.2, "seed": 5, "world": "global", "saving_rate": 0.3}
    cfg = nest(params)
    assert cfg.labour.job_loss_rate == 0.2 and cfg.world.name == "global"
    assert {k: flatten(cfg)[k] for k in params} == params


@pytest.mark.parametrize("params, words", [
    ({"job_loss_rate": 5.0}, ["labour.job_loss_rate", "out of range", "0.0 to 2.0"]),
    ({"job_loss_rate": "high"}, ["labour.job_loss_rate", "must be a number"]),
    ({"steps_per_year": 2.5}, ["steps_per_year", "whole number"]),
    ({"jobloss_rate": 0.1}, ["unknown parameter", "jobloss_rate", "job_loss_rate"]),
    ({"world": "mars"}, ["world", "mars", "default, global, custom"]),
    ({"world": "custom"}, ["world.path"]),
    ({"start_year": 2019, "end_year": 2018}, ["end_year", "must not be before"]),
    ({"remit_share_min": 0.5, "remit_share_max": 0.4}, ["remit_share_min"]),
])
def test_python_api_rejects_bad_values_with_the_key_named(params, words):
    with pytest.raises(ConfigError) as err:
        MigrationModel(**params)
    for word in words:
        assert word in str(err.value)


def test_default_config_composes_and_validates(compose):
    cfg = to_config(compose())
    assert isinstance(cfg, MigrationConfig)
    default = validate(MigrationConfig())
    assert cfg.labour == default.labour and cfg.emigration == default.emigration
    assert cfg.returns == default.returns and cfg.remittances == default.remittances
    assert cfg.policies == {} and cfg.shocks.timeline == [] and not cfg.facility.enabled


def test_overrides_reach_the_typed_config(compose):
    cfg = to_config(compose(["labour.job_loss_rate=0.3", "world=global", "seed=9"]))
    assert cfg.labour.job_loss_rate == 0.3 and cfg.world.name == "global" and cfg.seed == 9


def test_hydra_rejects_misspelt_keys_types_and_presets(compose):
    with pytest.raises(ConfigCompositionException, match="job_los_rate"):
        compose(["labour.job_los_rate=0.1"])
    with pytest.raises((ConfigCompositionException, ValidationError)):
        compose(["seed=abc"])
    with pytest.raises(ConfigCompositionException, match="world/mars"):
        compose(["world=mars"])


def test_plus_prefixed_unknown_key_is_caught(compose):
    # Hydra lets `+key=value` add keys to a typed config; the run must still refuse them.
    with pytest.raises(ConfigError, match="labour.job_los_rate"):
        to_config(compose(["+labour.job_los_rate=0.1"]))


def test_range_errors_from_hydra_name_the_dotted_key(compose):
    with pytest.raises(ConfigError, match=r"returns\.return_rate_new = 7\.0 is out of range"):
        to_config(compose(["returns.return_rate_new=7.0"]))


def test_leaf_names_are_unique_across_groups():
    names = [f.name for g in ("labour", "remittances", "returns", "emigration")
             for f in dataclasses.fields(type(getattr(MigrationConfig(), g)))]
    assert len(names) == len(set(names))
