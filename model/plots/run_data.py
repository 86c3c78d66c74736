"""The inputs of a run's figures, read once from the run folder (`RunData.read`).

The run's own tables (timeseries.csv, country_timeseries.csv, corridors.csv, calibration.csv,
summary.json) and what `model.baseline` wrote into `figures/` for them: the same-seed baseline's
timeseries (`baseline_timeseries.csv`, `baseline_country_timeseries.csv`) and the corridors the
run's policies cover (`covered_corridors.csv`). A table that is absent, unreadable or empty is
None, and the figures that need it are skipped.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model.baseline import BASELINE_COUNTRIES, BASELINE_TIMESERIES, COVERED_FILE
from model.figures import read_csv

log = logging.getLogger(__name__)


def no_countries() -> pd.DataFrame:
    """The country table when none is known: codes are shown instead of names."""
    return pd.DataFrame(columns=["name", "region", "lat", "lon"])


def country_table() -> pd.DataFrame:
    """Names, regions and capital coordinates of the shipped economies, indexed by ISO3.

    Imported lazily so the plotting modules stay importable (and testable) on their own;
    an empty table just means codes are shown instead of names.
    """
    try:
        from model.world.loader import shipped_countries
        return shipped_countries().set_index("iso3")
    except Exception as exc:  # a broken data file must not stop the other figures
        log.warning("country table unavailable (%s); using ISO3 codes only", exc)
        return no_countries()


def read_summary(run_dir: Path) -> dict:
    """summary.json as a dict, or {} when absent or broken (titles just get shorter)."""
    path = run_dir / "summary.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def by_year(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A timeseries table in the order of its `year` column (as it is, without one)."""
    if frame is not None and "year" in frame.columns:
        return frame.sort_values("year", kind="mergesort").reset_index(drop=True)
    return frame


@dataclass
class RunData:
    """What a run's figures draw; each table None when absent or empty.

    Attributes:
        ts: timeseries.csv, in year order.
        base: the same-seed baseline's timeseries, in year order (None: no baseline drawn).
        cts: country_timeseries.csv.
        base_cts: the baseline's country timeseries.
        corridors: corridors.csv.
        calib: calibration.csv.
        covered: covered_corridors.csv (origin, destination, the policies covering it).
        summary: summary.json ({} when absent).
        countries: names, regions and capitals by ISO3 (`country_table`).
    """

    ts: pd.DataFrame | None = None
    base: pd.DataFrame | None = None
    cts: pd.DataFrame | None = None
    base_cts: pd.DataFrame | None = None
    corridors: pd.DataFrame | None = None
    calib: pd.DataFrame | None = None
    covered: pd.DataFrame | None = None
    summary: dict = field(default_factory=dict)
    countries: pd.DataFrame = field(default_factory=no_countries)

    @classmethod
    def read(cls, run_dir: Path) -> RunData:
        """The inputs of the figures of the run folder `run_dir`."""
        run_dir = Path(run_dir)
        out = run_dir / "figures"
        return cls(ts=by_year(read_csv(run_dir / "timeseries.csv")),
                   base=by_year(read_csv(out / BASELINE_TIMESERIES)),
                   cts=read_csv(run_dir / "country_timeseries.csv"),
                   base_cts=read_csv(out / BASELINE_COUNTRIES),
                   corridors=read_csv(run_dir / "corridors.csv"),
                   calib=read_csv(run_dir / "calibration.csv"),
                   covered=read_csv(out / COVERED_FILE),
                   summary=read_summary(run_dir),
                   countries=country_table())
