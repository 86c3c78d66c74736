"""The command line around Hydra: what `run.py` does, with every error handled here.

- Before Hydra starts (`check_argv`): an explicit `hydra.run.dir` that holds results is refused
  (Hydra writes `.hydra/` into it before the job starts), and unknown policy names are named
  with the allowed ones (Hydra would only say it could not load `policies/NAME`).
- Each job (`job`): bad input ends a single run with one line on stderr and exit code 2, and
  its empty folder is removed; in a sweep the failure is recorded in the job's summary.json and
  the sweep goes on; the sweep's summary.csv is rebuilt after every job.
- After a sweep (`main`): its summary and comparison figures, also when a failed job made
  Hydra skip the end-of-sweep callback.
"""

from __future__ import annotations

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
from model.runner import check_run_dir, describe, discard_empty_run_dir, output_dir, run
from model.world.custom import WorldFileError

# Words of Hydra's sweep syntax that are not policy names: choice(a,b), glob(*), ...
SWEEP_WORDS = {"choice", "glob", "range", "sort", "shuffle", "tag", "exclude"}


def fail(message: str) -> None:
    """End the command with one line naming what is wrong, and exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def check_argv(argv: list[str]) -> None:
    """Refuse what Hydra would act on before a job starts (see the module docstring)."""
    _check_policy_settings(argv)
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
        parts = key.split(".")
        if len(parts) >= 3 and parts[0] == "policies" and parts[1] not in on:
            name = parts[1]
            fail(f"{key}: the policy {name} is not switched on, so its settings cannot be set. "
                 f"Switch it on and set it: 'policies=[{name}]' {key}={value} (Hydra's hint to "
                 f"write +{key} would switch {name} on as well, silently, with its other "
                 "settings at their defaults)")


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


def main(hydra_main: Callable[[], None], argv: list[str]) -> None:
    """`run.py`'s entry point: check the arguments, run Hydra, collect a sweep."""
    check_argv(argv)
    try:
        hydra_main()
    finally:
        # Hydra skips the end-of-sweep callback after a failed job: collect the sweep anyway.
        sweeps.finish(sweeps.STATE["sweep_dir"])
