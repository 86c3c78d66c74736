"""What the run's figures share: the run's title, the baseline's dashed line, year axes, tick
labels, yearly sums of per-step flows, country and region names, and labels that avoid each
other.

Figures are built on `matplotlib.figure.Figure` objects, not pyplot, so there is no global
state, nothing opens a window, and several runs can be plotted in one process.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from model.baseline import BASELINE_COLOUR, BASELINE_LABEL, describe_summary
from model.figures import steps_per_year

# Fixed colours per World Bank region so every figure uses the same colour for a region.
REGION_COLOURS = {
    "East Asia & Pacific": "#1f77b4",
    "Europe & Central Asia": "#ff7f0e",
    "Latin America & Caribbean": "#2ca02c",
    "Middle East, North Africa, Afghanistan & Pakistan": "#d62728",
    "North America": "#9467bd",
    "South Asia": "#8c564b",
    "Sub-Saharan Africa": "#e377c2",
}
OTHER_COLOUR = "#7f7f7f"


def _slug(region: str) -> str:
    """Slug of a region name, as used in the `stock_in_<slug>` columns of timeseries.csv."""
    return re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")


def country_name(iso3: str, countries: pd.DataFrame) -> str:
    """Readable country name, or the code itself when it is unknown."""
    if iso3 in countries.index and isinstance(countries.at[iso3, "name"], str):
        return countries.at[iso3, "name"]
    return iso3


def region_label(slug: str, countries: pd.DataFrame) -> str:
    """Readable region name for a `stock_in_` slug (falls back to a title-cased slug)."""
    for region in countries.get("region", pd.Series(dtype=str)).dropna().unique():
        if _slug(region) == slug:
            return region
    for region in REGION_COLOURS:
        if _slug(region) == slug:
            return region
    return slug.replace("_", " ").title()


def trim(number: float, decimals: int = 2) -> str:
    """Number with thousands separators and no useless trailing zeros ("50", "12.5")."""
    text = f"{number:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scaled(scale: float) -> FuncFormatter:
    """Tick formatter dividing by `scale` (1e6 -> millions); the unit goes in the axis label."""
    return FuncFormatter(lambda value, _pos: trim(value / scale))


def has(frame: pd.DataFrame | None, *columns: str) -> bool:
    """True when the table exists, has rows and every named column."""
    return frame is not None and len(frame) > 0 and all(c in frame.columns for c in columns)


def annual_sum(frame: pd.DataFrame, value: str, by: str | None = None) -> pd.DataFrame:
    """Per-step flows summed over each calendar year.

    A year the run only partly covers is scaled up to a full year (sum x steps per
    year / steps present) so the first or last bar is not artificially short.
    Returns columns `calendar_year`, [`by`], `value`, `complete`.
    """
    per_year = steps_per_year(frame["year"])
    work = frame.assign(calendar_year=np.floor(frame["year"] + 1e-9).astype(int))
    keys = ["calendar_year"] + ([by] if by else [])
    grouped = work.groupby(keys)[value].agg(["sum", "count"]).reset_index()
    grouped[value] = grouped["sum"] * per_year / grouped["count"]
    grouped["complete"] = grouped["count"] >= per_year - 1e-9
    return grouped.drop(columns=["sum", "count"])


def _title_run(summary: dict) -> str:
    """Short run description for figure titles, e.g. "default world, seed 1"."""
    parts = []
    if summary.get("world"):
        parts.append(f"{summary['world']} world")
    if summary.get("seed") is not None:
        parts.append(f"seed {summary['seed']}")
    return ", ".join(parts)


def suptitle(fig: Figure, title: str, summary: dict, baseline: bool = False) -> None:
    """Figure title with the run description on a second line, and, when the figure draws the
    baseline, what the baseline is on a third, smaller line."""
    run = _title_run(summary)
    fig.suptitle(title + (f"\n{run}" if run else ""), fontsize=12)
    if baseline:
        # Under the two 12-point lines of the title (0.45 inch from the top of the figure).
        y = 0.98 - (0.45 if run else 0.25) / fig.get_figheight()
        fig.text(0.5, y, f"Dashed: {BASELINE_LABEL}, {describe_summary(summary)}",
                 ha="center", va="top", fontsize=8.5, color="0.3")


def draw_baseline(ax, base: pd.DataFrame | None, column: str, scale: float = 1.0,
              label: bool = True, index: float | None = None, **kw) -> bool:
    """Draw the baseline's `column` (times `scale`, or as an index to `index` = 100) as a grey
    dashed line under the run's; False when there is no baseline or no such column. The line's
    gid is "baseline:<column>" (what the tests look for); `label=False` leaves it out of the
    legend (a second baseline line on the same axes)."""
    if not has(base, "year", column):
        return False
    values = base[column].to_numpy(float) * scale
    if index is not None:
        values = 100.0 * values / index
    # On top of the run's line: dashes let a run that matches its baseline show through.
    kw = {"color": BASELINE_COLOUR, "ls": "--", "lw": 1.5, "zorder": 2.5, **kw}
    (line,) = ax.plot(base["year"], values, label=BASELINE_LABEL if label else "_nolegend_", **kw)
    line.set_gid(f"baseline:{column}")
    return True


def largest(*series) -> float:
    """The largest value of the series that exist (NaN ignored), 0 when none."""
    values = [float(np.nanmax(np.asarray(v, float))) for v in series
              if v is not None and len(v)]
    return max(values, default=0.0)


def year_axis(ax, label: str = "Year") -> None:
    """Integer years on the x axis (steps are fractions of a year)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Plain "2024", never an offset like "+2.02e3" on short runs.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
    ax.set_xlabel(label)
    ax.grid(True, alpha=0.3)


def place_labels(ax, xs, ys, labels, fontsize: float = 7, marker_pts=None,
                  skip_crowded: bool = False, **text_kw) -> None:
    """Annotate points with labels that avoid each other, deterministically.

    Greedy: each label (in the given order, so pass the most important first) takes the
    first of eight offsets around its point whose box overlaps no label already placed
    and no other marker. When none is free the label is dropped (`skip_crowded`) or put
    at the least crowded offset. Boxes are estimated from the font size in points, so
    the result does not depend on a renderer. Call after axis limits and scales are set.
    """
    ax.apply_aspect()  # equal-aspect axes only settle their box here
    scale = 72.0 / ax.figure.dpi  # display pixels -> points
    pts = ax.transData.transform(np.column_stack([xs, ys])) * scale
    radius = np.zeros(len(pts)) if marker_pts is None else np.asarray(marker_pts, float)
    markers = [(x - r, y - r, x + r, y + r) for (x, y), r in zip(pts, radius)]
    placed: list[tuple[float, float, float, float]] = []
    for i, ((x, y), label) in enumerate(zip(pts, labels)):
        w, h, r = 0.62 * fontsize * len(str(label)), fontsize, radius[i] * 0.7 + 2
        offsets = [(r, r), (r, -h - r), (-w - r, r), (-w - r, -h - r),
                   (-w / 2, r + 1), (-w / 2, -h - r - 1), (r + 1, -h / 2), (-w - r - 1, -h / 2)]
        best, best_hits = None, None
        for dx, dy in offsets:
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            hits = sum(_overlap(box, other) for other in placed) + sum(
                _overlap(box, m) for j, m in enumerate(markers) if j != i)
            if best_hits is None or hits < best_hits:
                best, best_hits = (dx, dy, box), hits
            if hits == 0:
                break
        if best_hits and skip_crowded:
            continue
        dx, dy, box = best
        placed.append(box)
        ax.annotate(str(label), (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                    fontsize=fontsize, ha="left", va="bottom", **text_kw)


def _overlap(a, b) -> bool:
    """True when two (x0, y0, x1, y1) boxes intersect."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
