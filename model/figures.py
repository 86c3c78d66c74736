"""What every figure shares, for a run (`model.plots`) and for a sweep (`model.compare`):
reading the run folder's tables, saving PNGs that are byte-identical for identical inputs,
plain tick labels, and the time step read back from the `year` column.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, ScalarFormatter

log = logging.getLogger(__name__)

DPI = 110
PNG_METADATA = {"Software": None}  # no version string: identical inputs, identical bytes


def read_csv(path: Path, usecols=None) -> pd.DataFrame | None:
    """A CSV file as a DataFrame (`usecols` as in pandas), or None when it is absent,
    unreadable or has no rows."""
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path, usecols=usecols)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None
    return frame if len(frame) else None


def save(fig: Figure, path: Path) -> Path:
    """Write the figure without timestamps/version metadata, then release it."""
    fig.savefig(path, dpi=DPI, metadata=PNG_METADATA)
    fig.clear()  # Figure objects are not tracked by pyplot; clearing frees the artists now
    return path


def plain_ticks(axis) -> None:
    """Plain tick numbers: no offset or x1e9 factor hidden in a corner (the unit is in the
    label), and few enough ticks that they never touch."""
    axis.set_major_locator(MaxNLocator(nbins=6))
    formatter = ScalarFormatter(useOffset=False)
    formatter.set_scientific(False)
    axis.set_major_formatter(formatter)


def steps_per_year(years) -> float:
    """Steps per year from a decimal `year` column (4 for quarterly steps)."""
    years = np.asarray(years, dtype=float)
    gaps = np.diff(np.unique(years[~np.isnan(years)]))
    gaps = gaps[gaps > 0]
    return float(round(1.0 / np.median(gaps), 6)) if len(gaps) else 1.0
