"""The use of migrants' skills (`brain_waste.png`, declared by
`model.processes.labour.Labour`): brain waste and employment over time, and brain waste by
destination against the rate each destination is set to."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.figures import save
from model.plots.common import country_name, draw_baseline, has, largest, suptitle, year_axis
from model.plots.run_data import RunData


def plot_brain_waste(data: RunData, path: Path) -> Path | None:
    """Brain-waste and employment rates of migrants over time (%), each with the baseline
    (`data.base`) dashed, and, from corridors.csv, brain waste by destination at the end against
    the rate each destination is set to (its published over-qualification rate, or the fallback
    where none is published)."""
    ts, base, summary = data.ts, data.base, data.summary
    corridors, countries = data.corridors, data.countries
    if not has(ts, "year", "brain_waste_rate"):
        return None
    by_destination = has(corridors, "destination", "skilled_employed_end", "brain_waste_end",
                          "destination_overqualification")
    fig = Figure(figsize=(15 if by_destination else 10, 4.6))
    axes = fig.subplots(1, 3 if by_destination else 2)
    ax = axes[0]
    ax.plot(ts["year"], 100 * ts["brain_waste_rate"], color="C3", label="this run")
    if draw_baseline(ax, base, "brain_waste_rate", scale=100):
        ax.legend(fontsize=8, loc="lower left")
    ax.set_ylim(0, max(100 * largest(ts["brain_waste_rate"], base["brain_waste_rate"]
                                  if has(base, "brain_waste_rate") else None) * 1.25, 1))
    ax.set_title("Brain waste: tertiary-educated migrants\nemployed below their skill level",
                 fontsize=10)
    ax.set_ylabel("% of employed tertiary-educated migrants")
    ax = axes[1]
    if "employment_rate" in ts.columns:
        ax.plot(ts["year"], 100 * ts["employment_rate"], color="C0", label="this run")
        if draw_baseline(ax, base, "employment_rate", scale=100):
            ax.legend(fontsize=8, loc="lower left")
        ax.set_ylim(0, 100)
    ax.set_title("Employment rate of migrants", fontsize=10)
    ax.set_ylabel("% of migrants in employment")
    for ax in axes[:2]:
        year_axis(ax)
    if by_destination:
        _brain_waste_by_destination(axes[2], corridors, countries)
    drawn = has(base, "year", "brain_waste_rate")
    fig.subplots_adjust(left=0.06, right=0.98, top=0.73 if drawn else 0.76, bottom=0.12,
                        wspace=0.35)
    suptitle(fig, "Use of migrants' skills", summary, drawn)
    return save(fig, path)


def _brain_waste_by_destination(ax, corridors: pd.DataFrame, countries) -> None:
    """Bars: brain waste at the end in the 12 destinations with most skilled migrants in work;
    dots: the rate each is set to (filled where published, hollow for the fallback)."""
    from model.world.loader import overqualification

    cor = corridors.assign(below=corridors["skilled_employed_end"]
                           * corridors["brain_waste_end"].fillna(0.0))
    by = cor.groupby("destination").agg(skilled=("skilled_employed_end", "sum"),
                                        below=("below", "sum"),
                                        target=("destination_overqualification", "first"))
    top = by.sort_values("skilled", ascending=False).head(12).iloc[::-1]
    published = set(overqualification()["iso3"])
    ys = np.arange(len(top))
    ax.barh(ys, 100 * top["below"] / top["skilled"], color="C3", alpha=0.75,
            label="simulated, end of run")
    for y, (iso, target) in zip(ys, top["target"].items()):
        ax.plot(100 * target, y, "o", color="black",
                markerfacecolor="black" if iso in published else "white")
    names = [country_name(iso, countries) if countries is not None else iso for iso in top.index]
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlabel("% of employed tertiary-educated migrants below their skill")
    ax.set_title("By destination, end of run\n(dots: rate set; filled where published)", fontsize=10)
    ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.3)
