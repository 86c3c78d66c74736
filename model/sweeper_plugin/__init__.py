"""Hydra's basic sweeper with a config loader that composes each set of group choices once.

Installed as `hydra_plugins.migration_sweeper` (see pyproject.toml's package-dir): Hydra only
instantiates plugins from the `hydra_plugins` namespace. `conf/config.yaml` selects it
(`override hydra/sweeper: migration`); `hydra/sweeper=basic` puts Hydra's own back.

Why. A sweep job's config is composed twice by Hydra (once when the sweeper checks the batch,
once in the worker), and each composition of this project's config takes about 0.2 s, a third
of a default run's model time. Jobs of a sweep differ mostly in plain values (`seed=7`,
`labour.job_loss_rate=0.2`); only config-group choices (`policies=[...]`, `world=global`,
`+scenario=...`) change which files are merged. So the loader composes the config of each
distinct set of group choices once per process (a worker keeps its templates from job to job),
with Hydra's own code, and gives each job a copy with its values applied by Hydra's own rule for
value overrides (`_apply_overrides_to_config`, the step Hydra runs after merging the defaults).
The result equals Hydra's composition key for key, `hydra` node included, and bad overrides get
Hydra's own errors (tests/test_sweeper_plugin.py). The sweeper's check of a batch before launch
uses a loader that does not copy the config per job (CheckingConfigLoader).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict

# Composed templates of this process, by (search path, config, Hydra's overrides, group
# choices). At module level because the joblib launcher sends each job its own copy of the
# loader: a worker process keeps its templates from job to job. Bounded for long-lived
# processes (a test session, a notebook running many sweeps).
TEMPLATES: OrderedDict[tuple, DictConfig] = OrderedDict()
MAX_TEMPLATES = 64
MAX_PARSED = 100_000


class CachedConfigLoader(ConfigLoaderImpl):
    """Hydra's config loader, composing a sweep job's config from one template per set of
    config-group choices (kept in TEMPLATES) and the job's values."""

    def __init__(self, config_search_path) -> None:
        super().__init__(config_search_path=config_search_path)
        self.parser = OverridesParser.create()
        self.parsed: dict[str, Override] = {}
        self.groups: dict[str, bool] = {}
        self.master: tuple | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["parser"]  # holds a reference to a grammar that is rebuilt cheaply
        state.update(parsed={}, groups={}, master=None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.parser = OverridesParser.create()

    def is_value(self, override: Override) -> bool:
        """Hydra's own rule (defaults_list.Overrides): an override of a key that is not a config
        group, or with a dict value, is applied after the merge; the rest choose files."""
        name = override.key_or_group
        if name not in self.groups:
            self.groups[name] = self.repository.group_exists(name)
        return not override.is_hydra_override() and (
            isinstance(override.value(), dict) or not self.groups[name])

    def parse(self, lines: List[str]) -> List[Override]:
        """Hydra's parse of each override, once per distinct line (the sweep's shared overrides
        recur in every job)."""
        if len(self.parsed) > MAX_PARSED:
            self.parsed.clear()
        for line in lines:
            if line not in self.parsed:
                self.parsed[line] = self.parser.parse_overrides([line])[0]
        return [self.parsed[line] for line in lines]

    def split(self, master_config: DictConfig, sweep_overrides: List[str]):
        """The job's parsed overrides, the key and template of its group choices (composed once
        per process) and its value overrides; no template for a sweep override."""
        parsed = self.parse(sweep_overrides)
        if any(o.is_sweep_override() for o in parsed):
            return parsed, None, None, []
        value = [self.is_value(o) for o in parsed]
        choices = [o.input_line for o, v in zip(parsed, value) if not v]
        key = (*self.prefix(master_config), tuple(choices))
        if key not in TEMPLATES:
            TEMPLATES[key] = super().load_sweep_config(master_config, choices)
            if len(TEMPLATES) > MAX_TEMPLATES:
                TEMPLATES.popitem(last=False)
        TEMPLATES.move_to_end(key)
        return parsed, key, TEMPLATES[key], [o for o, v in zip(parsed, value) if v]

    def prefix(self, master_config: DictConfig) -> tuple:
        """What a job's config depends on besides its own group choices: the search path, the
        primary config and Hydra's overrides (computed once per master config)."""
        if self.master is None or self.master[0] is not master_config:
            self.master = (master_config, (
                str(self.get_search_path()), master_config.hydra.job.config_name,
                tuple(master_config.hydra.overrides.hydra)))
        return self.master[1]

    def load_sweep_config(self, master_config: DictConfig,
                          sweep_overrides: List[str]) -> DictConfig:
        parsed, _, template, values = self.split(master_config, sweep_overrides)
        if template is None:  # Hydra's own error for a sweep reaching a single job
            return super().load_sweep_config(master_config, sweep_overrides)
        cfg = copy.deepcopy(template)
        # Timestamps and other cached interpolations come from this sweep's master config.
        OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
        self._apply_overrides_to_config(values, cfg)
        # What Hydra records of the job's overrides, in their order (as _load_configuration_impl).
        task = [o for o in parsed if not o.is_hydra_override()]
        job = cfg.hydra.job
        with open_dict(cfg.hydra):
            cfg.hydra.overrides.task = [o.input_line for o in task]
            job.override_dirname = get_overrides_dirname(
                overrides=task, kv_sep=job.config.override_dirname.kv_sep,
                item_sep=job.config.override_dirname.item_sep,
                exclude_keys=job.config.override_dirname.exclude_keys)
        return cfg


class CheckingConfigLoader(CachedConfigLoader):
    """The loader the sweeper checks a batch with before launching it: the errors a composition
    of each job would raise, without a copy of the config per job (a 1,000-seed sweep checks in
    0.5 s instead of about 200 s).

    A plain `key=value` (a scalar) is applied to one scratch copy per template: setting a
    scalar never changes which keys exist or their types, so the checks do not interact. Any
    other value override (a list, a dict, null, `+key`, `~key`) is checked on a fresh copy.
    """

    def __init__(self, config_search_path) -> None:
        super().__init__(config_search_path)
        self.scratch: dict[tuple, DictConfig] = {}
        self.checked: dict[tuple, set[str]] = {}

    def load_sweep_config(self, master_config: DictConfig,
                          sweep_overrides: List[str]) -> DictConfig:
        _, key, template, values = self.split(master_config, sweep_overrides)
        if template is None:
            return super().load_sweep_config(master_config, sweep_overrides)
        scalar = [o for o in values if o.type == OverrideType.CHANGE
                  and not isinstance(o.value(), (dict, list, type(None)))]
        other = [o for o in values if o not in scalar]
        if key not in self.scratch:
            self.scratch[key] = copy.deepcopy(template)
            self.checked[key] = set()
        scratch, checked = self.scratch[key], self.checked[key]
        # A line that applied once applies again: check each distinct line once.
        new = [o for o in scalar if o.input_line not in checked]
        self._apply_overrides_to_config(new, scratch)
        checked.update(o.input_line for o in new)
        if other:
            self._apply_overrides_to_config(other, copy.deepcopy(template))
        return scratch


class MigrationSweeper(Sweeper):
    """Hydra's BasicSweeper (same options, same jobs, same order) over a CachedConfigLoader,
    which the launcher receives too, so each worker composes once per set of group choices."""

    def __init__(self, max_batch_size: Optional[int] = None,
                 params: Optional[Dict[str, str]] = None) -> None:
        # Imported here, not at the top: Hydra's plugin scan re-executes the core plugins'
        # modules, and a subclass of the class found before the scan would break its super().
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

        self.basic = BasicSweeper(max_batch_size=max_batch_size, params=params)

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        path = hydra_context.config_loader.get_search_path()
        cached = HydraContext(config_loader=CachedConfigLoader(path),
                              callbacks=hydra_context.callbacks)
        self.basic.setup(hydra_context=cached, task_function=task_function, config=config)
        # The launcher keeps the cached loader; the sweeper's own check of each batch before
        # launch (and its parsing of the sweep) uses the checking one.
        self.basic.hydra_context = HydraContext(config_loader=CheckingConfigLoader(path),
                                                callbacks=hydra_context.callbacks)

    def sweep(self, arguments: List[str]) -> Any:
        return self.basic.sweep(arguments)


@dataclass
class MigrationSweeperConf:
    _target_: str = "hydra_plugins.migration_sweeper.MigrationSweeper"
    max_batch_size: Optional[int] = None
    params: Optional[Dict[str, str]] = None


def register() -> None:
    """Make the sweeper known to Hydra as `hydra/sweeper=migration` (an editable install puts
    this package where Hydra's plugin scan does not look, so run.py registers it)."""
    from hydra.core.plugins import Plugins

    Plugins.instance().register(MigrationSweeper)
    ConfigStore.instance().store(group="hydra/sweeper", name="migration",
                                 node=MigrationSweeperConf, provider="migration")
