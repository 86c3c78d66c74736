"""Where migrants live and how they move: the stock by destination region
(`stocks_by_region.png`, declared by `model.census.Census`) and arrivals, returns and stranded
migrants (`flows.png`, declared by `model.processes.emigration.Emigration`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from model.baseline import BASELINE_LABEL
from model.figures import save
from model.plots.common import (OTHER_COLOUR, REGION_COLOURS, annual_sum, draw_baseline, has,
                                largest, region_label, scaled, suptitle, year_axis)
from model.plots.run_data import RunData


def plot_stocks_by_region(data: RunData, path: Path) -> Path | None:
    """Stacked area: migrants living in each destination region, millions, per step; the
    baseline's total (all regions) as a dashed line over the stack."""
    ts, base, countries, summary = data.ts, data.base, data.countries, data.summary
    columns = [c for c in (ts.columns if ts is not None else []) if c.startswith("stock_in_")]
    if not has(ts, "year") or not columns:
        return None
    # Largest region at the bottom so the stack reads from big to small.
    columns = sorted(columns, key=lambda c: -ts[c].iloc[-1])
    labels = [region_label(c[len("stock_in_"):], countries) for c in columns]
    colours = [REGION_COLOURS.get(label, OTHER_COLOUR) for label in labels]
    fig = Figure(figsize=(10, 5.5))
    ax = fig.add_subplot()
    ax.stackplot(ts["year"], *(ts[c].fillna(0) for c in columns), labels=labels,
                 colors=colours, alpha=0.85)
    drawn = False
    if has(base, "year", *columns):
        base = base.assign(stock_in_all=base[columns].fillna(0).sum(axis=1))
        drawn = draw_baseline(ax, base, "stock_in_all", lw=2.0, zorder=3)
    ax.yaxis.set_major_formatter(scaled(1e6))
    ax.set_ylabel("Migrants living in the region (millions of people)")
    ax.set_xlim(ts["year"].min(), ts["year"].max())
    year_axis(ax, "Year (quarterly steps)")
    # Reverse so the legend order matches the visual top-to-bottom order of the stack.
    handles, names = ax.get_legend_handles_labels()
    if drawn:  # the baseline's line at the bottom of the legend, under the regions
        k = names.index(BASELINE_LABEL)
        handles = [handles[k]] + handles[:k] + handles[k + 1:]
        names = [f"{BASELINE_LABEL},\nall regions"] + names[:k] + names[k + 1:]
    ax.legend(handles[::-1], names[::-1], title="Destination region", loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=9, frameon=False)
    fig.subplots_adjust(left=0.08, right=0.68, top=0.84 if drawn else 0.87, bottom=0.11)
    suptitle(fig, "International migrants by destination region", summary, drawn)
    return save(fig, path)


def plot_flows(data: RunData, path: Path) -> Path | None:
    """Arrivals, and returns and removals, per calendar year (bars), and stranded migrants per
    step; the baseline's (`data.base`) net flow per year and stranded migrants dashed."""
    ts, base, summary = data.ts, data.base, data.summary
    if not has(ts, "year", "inflows", "returns"):
        return None
    inflows = annual_sum(ts, "inflows")
    returns = annual_sum(ts, "returns")
    # Removals of irregular migrants (absent from runs of earlier versions: none).
    removals = (annual_sum(ts, "removals")["removals"].to_numpy() if "removals" in ts.columns
                else np.zeros(len(returns)))
    fig = Figure(figsize=(11, 4.8))
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    ax = axes[0]
    ax.bar(inflows["calendar_year"] - 0.2, inflows["inflows"], width=0.4, color="C0",
           label="Arrivals (inflows)")
    ax.bar(returns["calendar_year"] + 0.2, returns["returns"], width=0.4, color="C1",
           label="Returns home")
    if removals.any():
        ax.bar(returns["calendar_year"] + 0.2, removals, width=0.4, color="C5",
               bottom=returns["returns"].to_numpy(), label="Removals (irregular)")
    net = inflows["inflows"] - returns["returns"].to_numpy() - removals
    ax.plot(inflows["calendar_year"], net, color="black", marker="o", markersize=3,
            label="Net (arrivals - departures)")
    base_net = None
    if has(base, "year", "inflows", "returns"):
        yearly = annual_sum(base, "inflows").assign(
            net=lambda f: f["inflows"] - annual_sum(base, "returns")["returns"].to_numpy()
            - (annual_sum(base, "removals")["removals"].to_numpy() if "removals" in base
               else 0.0))
        base_net = yearly["net"].to_numpy()
        draw_baseline(ax, yearly.rename(columns={"calendar_year": "year"}), "net", marker="o",
                  markersize=3, label=True)
        ax.lines[-1].set_label(f"Net, {BASELINE_LABEL}")
    ax.axhline(0, color="black", lw=0.6)
    ax.yaxis.set_major_formatter(scaled(1e6))
    ax.set_ylabel("Millions of people per year")
    ax.set_title("Arrivals and departures per calendar year\n(sum of the quarterly steps"
                 + ("; partial years scaled up)" if (~inflows["complete"]).any() else ")"),
                 fontsize=10)
    # Head room above the bars for the legend, so it hides no bar.
    ax.set_ylim(min(0.0, float(net.min()) * 1.2,
                    float(base_net.min()) * 1.2 if base_net is not None else 0.0),
                max(float(inflows["inflows"].max()),
                    float((returns["returns"].to_numpy() + removals).max())) * 1.35)
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    year_axis(ax, "Calendar year")
    ax = axes[1]
    if "stranded" in ts.columns:
        ax.plot(ts["year"], ts["stranded"], color="C3", label="this run")
        if draw_baseline(ax, base, "stranded"):
            ax.legend(fontsize=8, loc="upper right")
        stranded_max = largest(ts["stranded"].abs(),
                            base["stranded"].abs() if has(base, "stranded") else None)
        if stranded_max == 0:
            # A flat line at 0 looks like a bug; say it explicitly.
            ax.text(0.5, 0.62, "No stranded migrants in this run", ha="center",
                    va="center", transform=ax.transAxes, color="0.3")
            ax.set_ylim(-1, 1)
            ax.set_yticks([0])  # other ticks would round to "0" and "-0"
        else:
            ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(scaled(1e3))
    ax.set_ylabel("Thousands of people")
    ax.set_title("Stranded migrants\n(want to return but cannot until borders reopen)", fontsize=10)
    year_axis(ax, "Year (quarterly steps)")
    drawn = has(base, "year", "inflows")
    fig.subplots_adjust(left=0.07, right=0.98, top=0.75 if drawn else 0.78, bottom=0.12,
                        wspace=0.28)
    suptitle(fig, "Migration flows", summary, drawn)
    return save(fig, path)
