"""The start year against published data (`calibration.png`, declared by
`model.census.Census`): remittances received by country and corridor stocks in 2020,
simulated against data, log-log, from calibration.csv."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from model.figures import save
from model.plots.common import has, place_labels, suptitle, trim
from model.plots.run_data import RunData


# Items that are one country or one corridor; anything else (e.g. "all corridors") is an
# aggregate that would squash the scale of the scatter, so it is reported as text instead.
_ITEM_PATTERN = re.compile(r"^[A-Z]{3}(->[A-Z]{3})?$")


def _calibration_panel(ax, rows: pd.DataFrame, title: str, unit: str, scale: float,
                       noun: str) -> None:
    """Log-log scatter of simulated vs data with the 1:1 line and labelled points."""
    rows = rows[(rows["simulated"] > 0) & (rows["data"] > 0)]
    single = rows["item"].astype(str).str.match(_ITEM_PATTERN)
    aggregates, rows = rows[~single], rows[single]
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(f"Published data ({unit})")
    ax.set_ylabel(f"Simulated ({unit})")
    for k, agg in enumerate(aggregates.itertuples()):
        ax.text(0.98, 0.03 + 0.06 * k,
                f"{agg.item}: simulated {trim(agg.simulated / scale, 1)}, "
                f"data {trim(agg.data / scale, 1)} ({agg.simulated / agg.data:.0%})",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=7,
                bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9})
    if rows.empty:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        return
    x, y = (rows["data"] / scale).to_numpy(), (rows["simulated"] / scale).to_numpy()
    low = min(x.min(), y.min()) / 1.5
    high = max(x.max(), y.max()) * 1.5
    ax.plot([low, high], [low, high], color="0.4", ls="--", lw=1, label="1:1 (perfect match)")
    ax.fill_between([low, high], [low / 1.25, high / 1.25], [low * 1.25, high * 1.25],
                    color="0.85", alpha=0.6, label="within ±25%")
    outside = np.abs(np.log(y / x)) > np.log(1.25)
    ax.scatter(x[~outside], y[~outside], s=18, color="C0", zorder=3, label=noun)
    if outside.any():
        ax.scatter(x[outside], y[outside], s=22, color="C3", zorder=3,
                   label=f"{noun} off by more than 25%")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.grid(True, which="major", alpha=0.3)
    plain = FuncFormatter(lambda v, _p: trim(v, 3))  # "0.1", "10" rather than 10^-1, 10^1
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.legend(fontsize=7, loc="upper left")
    # Misfits first, then largest: those are the labels a reader looks for; crowded
    # small items that fit well are left unlabelled rather than printed on top of each other.
    order = sorted(range(len(x)), key=lambda k: (not outside[k], -x[k]))
    place_labels(ax, x[order], y[order], rows["item"].to_numpy()[order], fontsize=6.5,
                  marker_pts=[3] * len(order), skip_crowded=True)


def plot_calibration(data: RunData, path: Path) -> Path | None:
    """Two log-log panels: remittances received and 2020 corridor stocks, simulated vs data."""
    calib, summary = data.calib, data.summary
    if not has(calib, "quantity", "item", "simulated", "data"):
        return None
    calib = calib.assign(simulated=pd.to_numeric(calib["simulated"], errors="coerce"),
                         data=pd.to_numeric(calib["data"], errors="coerce"))
    specs = [("remittances_received_usd", "Remittances received by country",
              "US$ billions per year", 1e9, "country"),
             ("corridor_stock_2020", "Migrant stock by corridor, 2020",
              "millions of people", 1e6, "corridor")]
    specs = [s for s in specs if (calib["quantity"] == s[0]).any()]
    if not specs:
        return None
    fig = Figure(figsize=(6 * len(specs) + 1, 6.6))
    axes = np.atleast_1d(fig.subplots(1, len(specs)))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.86, bottom=0.15, wspace=0.3)
    for ax, (quantity, title, unit, scale, noun) in zip(axes, specs):
        _calibration_panel(ax, calib[calib["quantity"] == quantity], title, unit, scale, noun)
    start = summary.get("start_year")
    head = f"Start year{f' ({start})' if start else ''}: simulated vs published data"
    suptitle(fig, head, summary)
    notes = []
    # Scalar checks (e.g. the average remittance price) have no panel: one line each.
    for row in calib[~calib["quantity"].isin([q for q, *_ in specs])].itertuples():
        notes.append(f"{row.item} ({row.quantity}): simulated {row.simulated:.3g}, "
                     f"data {row.data:.3g}")
    # Sources as a footnote: a reader must know what the "data" axis is.
    if "source" in calib.columns:
        sources = sorted({str(v) for v in calib["source"].dropna().unique()})
        if sources:
            notes.append("Sources: " + "; ".join(sources))
    if notes:
        fig.text(0.01, 0.01, "\n".join(notes), fontsize=6.5, color="0.3", va="bottom")
    return save(fig, path)
