"""Shared fixtures: paths, a small fast model, and Hydra composition from the real conf/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

# Small and fast: the default world, two years, 5,000 people per agent (~35,000 agents).
FAST = dict(end_year=2020, people_per_agent=5000.0, progress=False)


def shared_file(name: str) -> Path:
    """A publisher's file from ../shared/data, or skip when the folder is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not present (the publishers' files live beside the project)")
    return path


@pytest.fixture(scope="session")
def fast_run():
    """One finished fast model, shared by read-only tests."""
    from model import MigrationModel

    m = MigrationModel(rng=11, **FAST)
    m.run()
    return m


@pytest.fixture
def compose():
    """compose(overrides) -> the composed Hydra config of conf/config.yaml."""
    yield compose_config
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()


def compose_config(overrides=()):
    """The config `python run.py OVERRIDES` runs, composed from the real conf/ with the presets
    registered (for tests and scripts that are not fixtures)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from model.config import register_configs
    from model.presets import register_presets

    register_configs()
    register_presets()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base=None):
            return hydra_compose(config_name="config", overrides=list(overrides))
    finally:
        GlobalHydra.instance().clear()


def evidence_script():
    """docs/evidence.py as a module (loaded once: dataclasses look their module up in
    sys.modules while they are defined, so it is registered there)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("docs_evidence", ROOT / "docs" / "evidence.py")
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module
