"""The command line around Hydra: what `run.py` does, with every error handled here.

- Before Hydra starts (`check_argv`): an explicit `hydra.run.dir` that holds results is refused
  (Hydra writes `.hydra/` into it before the job starts), and unknown policy names are named
  with the allowed ones (Hydra would only say it could not load `policies/NAME`); a setting
  of a policy not switched on (with or without `+`), an unknown key ("did you mean ...?"), a
  value of the wrong type or out of range end with one line instead of Hydra's trace
  (`check_values`; `HYDRA_FULL_ERROR=1` keeps Hydra's own report); a sweep whose first and
  last jobs fail alike is refused before any job or folder (`check_sweep`).
- Each job (`job`): bad input ends a single run with one line on stderr and exit code 2, and
  its empty folder is removed; in a sweep the failure is recorded in the job's summary.json and
  the sweep goes on; the sweep's summary.csv is rebuilt after every job.
- After a sweep (`main`): its summary and comparison figures, also when a failed job made
  Hydra skip the end-of-sweep callback.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Callable

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from model import sweeps
from model.params import ConfigError
from model.policies import REGISTRY
from model.runner import (check_run_dir, claim_argv_run_dir, describe, discard_empty_run_dir,
                          output_dir, run)
from model.world.custom import WorldFileError

# Words of Hydra's sweep syntax that are not policy names: choice(a,b), glob(*), ...
SWEEP_WORDS = {"choice", "glob", "range", "sort", "shuffle", "tag", "exclude"}


def fail(message: str) -> None:
    """End the command with one line naming what is wrong, and exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def check_argv(argv: list[str]) -> None:
    """Refuse what Hydra would act on before a job starts (see the module docstring)."""
    if _asks_for_something_else(argv):
        return  # --help, --cfg job, ...: Hydra prints and runs nothing
    _check_policy_settings(argv)
    if not os.environ.get("HYDRA_FULL_ERROR"):  # a developer asked for Hydra's full trace
        check_values(argv)
    for arg in argv:
        key, _, value = arg.partition("=")
        if key == "hydra.run.dir":
            try:
                check_run_dir(Path(value))
            except ConfigError as err:
                fail(str(err))
        if key.lstrip("+~") == "policies" and value:
            # Names in a list, a sweep of lists ([],[a,b]) or a sweep function (choice(...)).
            names = [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value)
                     if w not in SWEEP_WORDS]
            unknown = [n for n in names if n not in REGISTRY]
            if unknown:
                fail(f"unknown polic{'ies' if len(unknown) > 1 else 'y'} "
                     f"{', '.join(unknown)}; allowed: {', '.join(sorted(REGISTRY))}")
    if any(arg in MULTIRUN_FLAGS for arg in argv) and not os.environ.get("HYDRA_FULL_ERROR"):
        check_sweep(argv)
    try:
        # Last, after every other check: claim the folder before Hydra writes into it, so a run
        # refused there (another run started into it together) writes and deletes nothing.
        claim_argv_run_dir(argv)
    except ConfigError as err:
        fail(str(err))


def _check_policy_settings(argv: list[str]) -> None:
    """A setting of a policy that the command line does not switch on: Hydra would refuse it
    with a hint to add '+', which switches the policy on silently; say so plainly instead."""
    if any(arg.lstrip("+~").startswith(("scenario=", "sweep=")) for arg in argv):
        return  # a preset or an overlay may switch policies on
    on = set()
    for arg in argv:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") == "policies":
            on |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value))
    for arg in argv:
        key, _, value = arg.partition("=")
        if key.startswith("~"):
            continue  # deleting a setting switches nothing on
        plain = key.lstrip("+")  # +policies.NAME.KEY would switch NAME on, silently
        parts = plain.split(".")
        if len(parts) >= 3 and parts[0] == "policies" and parts[1] not in on:
            name = parts[1]
            fail(f"{key}: the policy {name} is not switched on, so its settings cannot be set. "
                 f"Switch it on and set it: 'policies=[{name}]' {plain}={value} (writing "
                 f"+{plain}, as Hydra hints, would switch {name} on as well, silently, with its "
                 "other settings at their defaults)")


# Hydra's flags that make it print something instead of running (help, the config, the
# shell completion) or read another primary config: nothing of ours to check then.
OTHER_FLAGS = ("-h", "--help", "--hydra-help", "--version", "-c", "--cfg", "-p", "--package",
               "--resolve", "--info", "-i", "--shell-completion", "-sc", "--config-path", "-cp",
               "--config-name", "-cn", "--config-dir", "-cd", "--experimental-rerun")
MULTIRUN_FLAGS = ("-m", "--multirun")


def _asks_for_something_else(argv: list[str]) -> bool:
    return any(arg.split("=")[0] in OTHER_FLAGS for arg in argv)


def _task_arguments(argv: list[str]) -> list[str]:
    """The overrides of the run's own config (not Hydra's `hydra.*`, not flags)."""
    return [arg for arg in argv if not arg.startswith("-")
            and not arg.lstrip("+~").startswith(("hydra.", "hydra/"))]


def _group_folders() -> set[str]:
    """Names that choose config files (`world=global`, `+scenario=...`), not values."""
    conf = Path(__file__).resolve().parents[1] / "conf"
    return {p.name for p in conf.iterdir() if p.is_dir()} | {"scenario", "sweep"}


def check_values(argv: list[str]) -> None:
    """Refuse, with one line naming the key and what is allowed, the overrides Hydra would end
    with a multi-line trace: an unreadable override, an unknown key ("did you mean ...?"), a
    value of the wrong type (`seed=1.5`, `figures=maybe`, `seed=`), a value given to a group of
    settings (`labour=5`); and a value out of its range (except in a sweep's list of values,
    where one bad value fails only its own job). Each value of a sweep is checked."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    parser = OverridesParser.create()
    groups = _group_folders()
    for arg in _task_arguments(argv):
        try:
            override = parser.parse_overrides([arg])[0]
        except OverrideParseException as err:
            fail(f"{arg}: not a readable override ({str(err).splitlines()[0]}); write "
                 "key=value, and quote a value holding spaces, commas or brackets: key='a, b'")
        _check_override(override, groups)


def _check_override(override, groups: set[str]) -> None:
    import dataclasses

    from hydra.core.override_parser.types import OverrideType

    from model.config import MigrationSchema, suggest

    key = override.key_or_group
    parts = key.split(".")
    if key in groups and not override.is_delete() and key != "policies":
        _check_choice(override, key)
    if override.is_delete() or override.package is not None or parts[0] in (
            "sweep", "scenario") or (key in groups and "." not in key) or (
            parts[0] == "policies" and (len(parts) != 3 or parts[1] not in REGISTRY)):
        # Group choices are Hydra's (an unknown one lists the choices), and so are policy
        # names (checked in check_argv).
        return
    cls, f, owner = MigrationSchema, None, None
    if parts[0] == "policies":  # policies.NAME.KEY: a setting of the policy's own config
        cls, parts = REGISTRY[parts[1]].config_class, parts[2:]
    for part in parts:
        fields = {x.name: x for x in dataclasses.fields(cls)} if cls is not None else {}
        if part not in fields:
            near = suggest(key)
            hint = (f"did you mean {' or '.join(near)}?" if near else
                    "the allowed names are in the README's parameter table "
                    "(python -m model.docs parameters)")
            fail(f"{key}: unknown setting; {hint}")
        f, owner = fields[part], cls
        sub = f.default_factory
        cls = sub if sub is not dataclasses.MISSING and dataclasses.is_dataclass(sub) else None
    if override.type == OverrideType.ADD:
        # Hydra refuses '+' on a key the config has, in a trace: say it in one line.
        fail(f"+{key}: {key} is a setting already; write {key}=... without the +")
    if cls is not None:
        if isinstance(override.value(), dict) or key in groups:
            return  # a mapping of the group's settings, or a file of the group: Hydra's
        names = [x.name for x in dataclasses.fields(cls)]
        fail(f"{key}={override.input_line.partition('=')[2]}: {key} is a group of settings, "
             f"not a value; set one of them, e.g. {key}.{names[0]}=..., allowed: "
             f"{', '.join(names)}")
    sweep = override.is_sweep_override()
    try:
        values = list(override.sweep_iterator()) if sweep else [override.value()]
    except Exception:  # glob() and the like need Hydra's config repository: Hydra checks them
        return
    if sweep and type(override.value()).__name__ == "RangeSweep":
        values = values[:1] + values[-1:]  # numbers of one kind: a long range costs nothing
    for value in values:
        converted = _converted(key, owner, f, value)
        if not sweep:
            try:
                from model.params import check_value

                check_value(key, f, converted)
            except ConfigError as err:
                fail(str(err))


def _check_choice(override, group: str) -> None:
    """A config-group choice (`world=global`, `+scenario=covid_2020`) must name one of the
    group's configs: its files in conf/GROUP and what the ConfigStore holds (presets,
    generated overlays); Hydra would say it in a trace with its search path."""
    from hydra.core.config_store import ConfigStore

    value = override.value()
    try:
        values = list(override.sweep_iterator()) if override.is_sweep_override() else [value]
    except Exception:  # glob(): Hydra's
        return
    if not all(isinstance(v, str) for v in values):
        return  # a mapping or a list of the group's settings: Hydra merges them
    folder = Path(__file__).resolve().parents[1] / "conf" / group
    options = {p.stem for p in folder.glob("*.yaml")}
    try:
        options |= {name.removesuffix(".yaml") for name in ConfigStore.instance().list(group)}
    except OSError:
        pass
    bad = [v for v in values if v not in options]
    if bad and options:
        fail(f"{override.input_line}: no config {group}/{bad[0]}; allowed: "
             f"{', '.join(sorted(options))}")


def _allowed(f) -> str:
    """What a field allows, in words: its type, its range and whether null is allowed."""
    hint = str(f.type)
    words = next((w for t, w in (("bool", "true or false"), ("int", "a whole number"),
                                 ("float", "a number"), ("list", "a list, e.g. [a, b]"),
                                 ("str", "text")) if t in hint), hint)
    meta = f.metadata or {}
    if meta.get("lo") is not None and meta.get("hi") is not None:
        words += f" from {meta['lo']} to {meta['hi']}"
    elif meta.get("lo") is not None:
        words += f" of at least {meta['lo']}"
    if meta.get("unit"):
        words += f" ({meta['unit']})"
    if "None" in hint or "Optional" in hint:
        words += ", or null"
    return words


def _converted(key: str, owner: type, f, value):
    """`value` as the field's type, by OmegaConf's own conversion (what Hydra applies: the
    field set on a scratch node of its dataclass), or end with one line naming the key, the
    value and what is allowed."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    if owner not in _SCRATCH:
        _SCRATCH[owner] = OmegaConf.structured(owner)
    node = _SCRATCH[owner]
    try:
        node[f.name] = value
        return node[f.name]
    except OmegaConfBaseException:
        shown = "'' (empty)" if value == "" else "null" if value is None else repr(value)
        fail(f"{key} = {shown}: allowed {_allowed(f)}")


_SCRATCH: dict[type, DictConfig] = {}  # one scratch node per settings dataclass


def job(cfg: DictConfig) -> None:
    """Run one job of `run.py` (a single run or one job of a sweep) into Hydra's folder."""
    hydra_cfg = HydraConfig.get()
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    out = output_dir()
    overrides = list(hydra_cfg.overrides.task)
    if cfg.get("validate"):
        try:
            print(describe(cfg))
        except (ConfigError, WorldFileError) as err:
            fail(str(err))
        finally:
            discard_empty_run_dir(out)
        return
    if multirun:
        sweeps.freeze_imports()
    if multirun and sweeps.already_done(out, overrides):
        print(f"{out}: done already, skipped", file=sys.stderr)
        return
    try:
        if not multirun:
            # The config against its world (data files, coverage of policies), before the run
            # claims the folder: a refusal then leaves only Hydra's files, which are cleared.
            describe(cfg)
        run(cfg, overrides=overrides, allow_existing=multirun)
    except (ConfigError, WorldFileError) as err:
        if not multirun:
            discard_empty_run_dir(out)
            fail(str(err))
        sweeps.record_failure(out, err, overrides, seed=cfg.get("seed"))
        raise  # the sweep goes on with the other jobs; Hydra reports this one
    except Exception as err:
        sweeps.record_failure(out, err, overrides, seed=cfg.get("seed"))
        raise
    finally:
        if multirun:
            sweeps.update_summary(out.parent, out)


def check_sweep(argv: list[str]) -> None:
    """Before a sweep launches any job: refuse, with one line and no folder, a setting that
    fails every job (a bad members list, a custom world without its file, end_year before
    start_year, ...). The sweep's first and last jobs are composed as Hydra would and checked
    as a run would (`model.runner.describe`: the config, the world, what the policies cover);
    when both fail with the same error, every job shares it. An error of one job only (a bad
    value among a swept key's values) leaves the sweep to run and record that job as failed.
    Anything this check cannot judge (glob(), a plugin's syntax) is left to Hydra."""
    from hydra import compose, initialize_config_dir
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    args = _task_arguments(argv)
    conf = Path(__file__).resolve().parents[1] / "conf"
    parser = OverridesParser.create()
    errors: list[str] = []
    try:
        with initialize_config_dir(config_dir=str(conf), version_base=None):
            params = {}
            overlays = [a for a in argv
                        if a.lstrip("+").startswith(("sweep=", "hydra.sweeper.params."))]
            if overlays:  # the sweep's own lists of values (+sweep=policy_by_seed)
                cfg = compose(config_name="config", overrides=overlays, return_hydra_config=True)
                params = dict(cfg.hydra.sweeper.get("params") or {})
            given = {o.key_or_group for o in parser.parse_overrides(args)}
            arguments = [f"{k}={v}" for k, v in params.items() if k not in given] + args
            jobs = [job for batch in BasicSweeper.split_arguments(
                parser.parse_overrides(arguments), None) for job in batch]
            for job in ([jobs[0], jobs[-1]] if len(jobs) > 1 else jobs):
                error = _job_error(compose, job)
                if error is None:
                    return
                errors.append(error)
    except Exception:  # noqa: BLE001  not ours to judge: Hydra reports it as it does
        return
    if errors and len(set(errors)) == 1:
        fail(f"{errors[0]} (a setting every job of the sweep shares: no job was launched)")


def _job_error(compose, overrides: list[str]) -> str | None:
    """The one-line error of a job with these overrides, or None when it would start."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from model.runner import describe

    try:
        describe(compose(config_name="config", overrides=list(overrides)))
    except (ConfigError, WorldFileError) as err:
        return str(err)
    except (HydraException, OmegaConfBaseException) as err:
        cause = err.__cause__
        lines = [str(err).splitlines()[0]] + ([str(cause).splitlines()[0]] if cause else [])
        return ": ".join(lines)
    return None


def main(hydra_main: Callable[[], None], argv: list[str]) -> None:
    """`run.py`'s entry point: check the arguments, run Hydra, collect a sweep."""
    check_argv(argv)
    try:
        hydra_main()
    finally:
        # Hydra skips the end-of-sweep callback after a failed job: collect the sweep anyway.
        sweeps.finish(sweeps.STATE["sweep_dir"])
