"""Preset scenarios (the YAML files of `scenarios/`): registration for Hydra and a listing.

    python -m model.presets                      # list presets with their learning goals
    python run.py +scenario=covid_2020           # run one

Each preset is a Hydra config of the group `scenario` at the global package: it sets only what
differs from the defaults and opens with its title (what the browser app lists), its learning
goal, the command that runs it and what to look for. They are registered in Hydra's ConfigStore
from the project's `scenarios/` folder (found from this file, not from the working directory),
so they work from any folder.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def preset_files() -> list[Path]:
    """The preset files, sorted by name."""
    return sorted(SCENARIOS.glob("*.yaml"))


def title(path: Path) -> str:
    """The title of a preset: its `# Title:` line (the file name where there is none)."""
    for line in path.read_text().splitlines():
        if line.startswith("# Title:"):
            return line.removeprefix("# Title:").strip()
    return path.stem.replace("_", " ")


def describe(path: Path) -> str:
    """The learning goal of a preset: its first comment after the package line, unwrapped."""
    lines, goal = path.read_text().splitlines(), []
    for line in lines:
        if line.startswith("# Learning goal:"):
            goal.append(line.removeprefix("# Learning goal:").strip())
        elif goal and line.startswith("#   ") and not re.match(r"#\s*(Run|Look for):", line):
            goal.append(line[1:].strip())
        elif goal:
            break
    return " ".join(goal)


def register_presets() -> None:
    """Put every preset in Hydra's ConfigStore as `scenario=<name>` (package _global_)."""
    from hydra.core.config_store import ConfigStore
    from omegaconf import OmegaConf

    store = ConfigStore.instance()
    for path in preset_files():
        store.store(group="scenario", name=path.stem, node=OmegaConf.load(path),
                    package="_global_")


def main() -> None:
    for path in preset_files():
        print(f"{path.stem:34s} {title(path)}\n{'':34s} {describe(path)}")
    print("\nRun one with: python run.py +scenario=NAME   (sweep presets: python run.py -m +scenario=NAME)")


if __name__ == "__main__":
    sys.exit(main())
