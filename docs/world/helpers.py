"""Shared by the derive modules: the log behind SOURCES.md and small table helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088


@dataclass
class Log:
    """Counts and facts collected while deriving, written to SOURCES.md."""

    items: dict = field(default_factory=dict)

    def set(self, key: str, value) -> None:
        self.items[key] = value

    def __getitem__(self, key: str):
        return self.items[key]


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km between arrays of decimal-degree points."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def round_to(series: pd.Series, step: float) -> pd.Series:
    """Round to a multiple of ``step`` and return nullable integers."""
    return (np.round(series / step) * step).round().astype("Int64")


def list_text(xs) -> str:
    """Items joined by commas for SOURCES.md and the report, or "none"."""
    return ", ".join(map(str, xs)) if xs else "none"


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV keeping ISO codes such as 'NAM' (Namibia) as strings."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""],
                       encoding="utf-8-sig")

