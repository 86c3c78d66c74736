"""The model a browser session steps, its baseline, and the tables it can download.

`WorkshopModel` is the `MigrationModel` that `python run.py OVERRIDES` would build, made from a
session's `Settings`; Mesa's SolaraViz steps and resets it. The baseline (the same preset and
seed with every policy off) is run to its end once per preset and seed in the server process and
shared by every session that asks for it: it is deterministic, so sharing it changes nothing.
"""

from __future__ import annotations

import io
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from model.app.settings import Settings, compose
from model.model import MigrationModel
from model.outputs import timeseries, write_run
from model.runner import to_config


@dataclass
class Session:
    """One browser session's current settings, read by the model at every (re)build.

    Mesa's Reset rebuilds the model from the keyword arguments it was first given, so the model
    is given this holder, which the session's controls keep up to date."""

    settings: Settings = field(default_factory=Settings)


class WorkshopModel(MigrationModel):
    """The run a session's settings describe (the same config as their command line).

    Args:
        session: the session whose current settings to build; a new default session if None.
        scenario: accepted and dropped: Mesa's Reset passes a `mesa.experimental` Scenario to
            any model whose constructor takes one, and the settings already hold the preset.
    """

    def __init__(self, session: Session | None = None, scenario=None):
        self.session = session or Session()
        self.settings = self.session.settings
        self.composed = compose(self.settings.overrides())
        super().__init__(_config=to_config(self.composed))

    @property
    def total_steps(self) -> int:
        """Steps from the start to the end of `end_year`."""
        return (self.cfg.end_year - self.start_year + 1) * self.cfg.steps_per_year

    def covered(self) -> np.ndarray:
        """Per corridor: True where at least one policy switched on applies (as the run's map
        marks them)."""
        from model.baseline import covered

        return covered(self)

    def tables_zip(self) -> bytes:
        """The run folder's tables and summary for the steps run so far, with the composed
        config and the command line, as a zip archive."""
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "run"
            status = "ok" if not self.running else "partial"
            write_run(self, out, status=status, overrides=self.settings.overrides())
            (out / "config.yaml").write_text(OmegaConf.to_yaml(self.composed))
            (out / "command.txt").write_text(self.settings.command() + "\n")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(out.rglob("*")):
                    if path.is_file():
                        archive.write(path, path.relative_to(out).as_posix())
            return buffer.getvalue()


_BASELINE_LOCKS: dict[tuple, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def baseline(settings: Settings) -> pd.DataFrame:
    """The timeseries of the settings' baseline run to its end (computed once per preset and
    seed; two sessions asking at once wait for one computation)."""
    key = (settings.preset, settings.seed)
    with _LOCKS_LOCK:
        lock = _BASELINE_LOCKS.setdefault(key, threading.Lock())
    with lock:
        return _baseline_run(*key)


@lru_cache(maxsize=64)
def _baseline_run(preset: str, seed: int | None) -> pd.DataFrame:
    model = WorkshopModel(Session(Settings(preset, seed, {})))
    model.run()
    return timeseries(model)
