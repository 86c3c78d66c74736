"""Command-line entry point: `python run.py [overrides]` runs one simulation, `-m` a sweep.

A thin wrapper: Hydra composes `conf/config.yaml` on the structured schema of `model.config`,
and `model.runner.run` does the work. Bad input ends with one line naming the key or file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from model.config import ConfigError, register_configs
from model.runner import check_run_dir, discard_empty_run_dir, output_dir, run
from model.world.custom import WorldFileError

register_configs()


@hydra.main(version_base=None, config_path="conf", config_name="config")
def main(cfg: DictConfig) -> None:
    try:
        run(cfg)
    except (ConfigError, WorldFileError) as err:
        discard_empty_run_dir(output_dir())
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


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
            names = [n.strip() for n in value.strip("[]").split(",") if n.strip()]
            unknown = [n for n in names if n not in REGISTRY]
            if unknown:
                print(f"error: unknown polic{'ies' if len(unknown) > 1 else 'y'} "
                      f"{', '.join(unknown)}; allowed: {', '.join(sorted(REGISTRY))}",
                      file=sys.stderr)
                sys.exit(2)


if __name__ == "__main__":
    _refuse_existing_run_dir(sys.argv[1:])
    _check_policy_names(sys.argv[1:])
    main()
