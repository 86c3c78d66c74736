"""Command-line entry point: `python run.py [overrides]` runs one simulation, `-m` a sweep.

A thin wrapper: Hydra composes `conf/config.yaml` on the structured schema of `model.config`;
`model.cli` checks the arguments, runs each job through `model.runner.run` and handles every
error (bad input ends with one line naming the key or file, and exit code 2).
"""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from model import cli
from model.config import register_configs
from model.presets import register_presets

register_configs()
register_presets()


@hydra.main(version_base=None, config_path="conf", config_name="config")
def main(cfg: DictConfig) -> None:
    cli.job(cfg)


if __name__ == "__main__":
    cli.main(main, sys.argv[1:])
