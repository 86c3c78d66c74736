"""Command-line entry point: `python run.py [overrides]` runs one simulation, `-m` a sweep.

A thin wrapper: Hydra composes `conf/config.yaml` on the structured schema of `model.config`,
and `model.runner.run` does the work. Bad input ends with one line naming the key or file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from model import sweeps
from model.config import ConfigError, register_configs
from model.presets import register_presets
from model.runner import check_run_dir, discard_empty_run_dir, output_dir, run
from model.world.custom import WorldFileError

register_configs()
register_presets()


@hydra.main(version_base=None, config_path="conf", config_name="config")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    out = output_dir()
    overrides = list(hydra_cfg.overrides.task)
    if multirun and sweeps.already_done(out, overrides):
        print(f"{out}: done already, skipped", file=sys.stderr)
        return
    try:
        run(cfg, overrides=overrides, allow_existing=multirun)
    except (ConfigError, WorldFileError) as err:
        if multirun:  # record it; the sweep goes on with the other jobs
            sweeps.record_failure(out, err, overrides, seed=cfg.get("seed"))
            sweeps.update_summary(out.parent)
            raise
        discard_empty_run_dir(out)
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except Exception as err:
        sweeps.record_failure(out, err, overrides, seed=cfg.get("seed"))
        if multirun:
            sweeps.update_summary(out.parent)
        raise
    if multirun:
        sweeps.update_summary(out.parent)


def _refuse_existing_run_dir(argv: list[str]) -> None:
    """Hydra writes .hydra/ into the run folder before the job starts: check an explicit
    hydra.run.dir for earlier results first, so nothing of theirs is overwritten."""
    for arg in argv:
        if arg.startswith("hydra.run.dir="):
            try:
                check_run_dir(Path(arg.split("=", 1)[1]))
            except ConfigError as err:
                print(f"error: {err}", file=sys.stderr)
                sys.exit(2)


def _check_policy_names(argv: list[str]) -> None:
    """Hydra says only "could not load 'policies/NAME'" for an unknown policy: name the allowed
    ones instead."""
    from model.policies import REGISTRY

    for arg in argv:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") == "policies" and value:
            # Names in a list, a sweep of lists ([],[a,b]) or a sweep function (choice(...)).
            sweep_words = {"choice", "glob", "range", "sort", "shuffle", "tag", "exclude"}
            names = [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value)
                     if w not in sweep_words]
            unknown = [n for n in names if n not in REGISTRY]
            if unknown:
                print(f"error: unknown polic{'ies' if len(unknown) > 1 else 'y'} "
                      f"{', '.join(unknown)}; allowed: {', '.join(sorted(REGISTRY))}",
                      file=sys.stderr)
                sys.exit(2)


if __name__ == "__main__":
    _refuse_existing_run_dir(sys.argv[1:])
    _check_policy_names(sys.argv[1:])
    try:
        main()
    finally:
        # Hydra skips the end-of-sweep callback after a failed job: collect the sweep anyway.
        sweeps.finish(sweeps.STATE["sweep_dir"])
