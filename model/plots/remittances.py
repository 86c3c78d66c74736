"""Remittances and the SDG indicators: formal remittances of the largest recipients
(`remittances_top_recipients.png`) and the SDG 10.c.1, 10.7.1 and 17.3.2 panel
(`sdg_indicators.png`), both declared by `model.processes.remittances.Remittances`."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model.baseline import BASELINE_COLOUR, BASELINE_LABEL
from model.figures import save
from model.plots.common import (annual_sum, country_name, draw_baseline, has, largest, scaled,
                                suptitle, year_axis)
from model.plots.run_data import RunData

TOP_RECIPIENTS = 10
SDG_PRICE_TARGET_PCT = 3.0      # SDG 10.c: average cost of remittances below 3 %
SDG_CORRIDOR_CEILING_PCT = 5.0  # SDG 10.c: no corridor above 5 %


def plot_remittances_top_recipients(data: RunData, path: Path) -> Path | None:
    """Formal remittances received per calendar year, US$ billions, top recipients; each
    one's baseline (`data.base_cts`: the baseline's country timeseries) dashed in its colour."""
    cts, base, countries, summary = data.cts, data.base_cts, data.countries, data.summary
    if not has(cts, "year", "iso3", "remittances_formal_usd"):
        return None
    annual = annual_sum(cts, "remittances_formal_usd", by="iso3")
    totals = annual.groupby("iso3")["remittances_formal_usd"].sum()
    top = totals[totals > 0].sort_values(ascending=False).head(TOP_RECIPIENTS).index
    if len(top) == 0:
        return None
    base_annual = (annual_sum(base, "remittances_formal_usd", by="iso3")
                   if has(base, "year", "iso3", "remittances_formal_usd") else None)
    fig = Figure(figsize=(10, 5.5))
    ax = fig.add_subplot()
    colours = [f"C{i}" for i in range(len(top))]
    for iso3, colour in zip(top, colours):
        rows = annual[annual["iso3"] == iso3]
        name = country_name(iso3, countries)
        ax.plot(rows["calendar_year"], rows["remittances_formal_usd"], marker="o",
                markersize=3, color=colour, label=f"{name} ({iso3})")
        # Mark years the run only partly covers: their value is scaled, not observed.
        partial = rows[~rows["complete"]]
        ax.plot(partial["calendar_year"], partial["remittances_formal_usd"], "o",
                mfc="white", color=colour, markersize=5)
        if base_annual is not None:
            # In the country's own colour: ten grey lines could not be told apart.
            rows = base_annual[base_annual["iso3"] == iso3]
            (line,) = ax.plot(rows["calendar_year"], rows["remittances_formal_usd"],
                              color=colour, ls="--", lw=1.1, alpha=0.8, label="_nolegend_",
                              zorder=2.5)
            line.set_gid(f"baseline:remittances_formal_usd:{iso3}")
    ax.yaxis.set_major_formatter(scaled(1e9))
    ax.set_ylabel("Formal remittances received\n(US$ billions per year)")
    ax.set_ylim(bottom=0)
    year_axis(ax, "Calendar year (sum of the quarterly steps of the year)")
    handles, names = ax.get_legend_handles_labels()
    if base_annual is not None:
        handles.append(Line2D([], [], color=BASELINE_COLOUR, ls="--", lw=1.1))
        names.append(f"dashed, in each colour:\n{BASELINE_LABEL}")
    ax.legend(handles, names, title=f"Top {len(top)} recipients\n(by total over the run)",
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=9,
              frameon=False)
    note = "Open circles: year only partly simulated, scaled to a full year." \
        if (~annual["complete"]).any() else ""
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, color="0.35")
    drawn = base_annual is not None
    fig.subplots_adjust(left=0.1, right=0.74, top=0.84 if drawn else 0.87, bottom=0.13)
    suptitle(fig, "Formal remittances received, largest recipients", summary, drawn)
    return save(fig, path)


def plot_sdg_indicators(data: RunData, path: Path) -> Path | None:
    """Three panels: SDG 10.c.1 price, SDG 10.7.1 recruitment cost, SDG 17.3.2 % of GDP;
    each with the baseline (`data.base`) dashed."""
    ts, base, summary = data.ts, data.base, data.summary
    panels = [c for c in ("remittance_price_pct", "recruitment_cost_months",
                          "remittances_pct_gdp") if has(ts, "year", c)]
    if not panels:
        return None
    fig = Figure(figsize=(13, 4.6))
    axes = fig.subplots(1, 3)
    years = ts["year"] if ts is not None else None
    # Price panel.
    ax = axes[0]
    if "remittance_price_pct" in panels:
        ax.plot(years, ts["remittance_price_pct"], color="C0",
                label="Average price of sending US$200")
        if "remittance_price_weighted_pct" in ts.columns:
            ax.plot(years, ts["remittance_price_weighted_pct"], color="C0", ls="--",
                    label="Volume-weighted price (% of amount)")
        ax.axhline(SDG_CORRIDOR_CEILING_PCT, color="C3", ls=":", lw=1.5,
                   label="SDG ceiling: no corridor above 5%")
        ax.axhline(SDG_PRICE_TARGET_PCT, color="C2", ls="-.", lw=1.5,
                   label="SDG target: 3% on average")
        draw_baseline(ax, base, "remittance_price_pct")
        top = max(largest(ts["remittance_price_pct"],
                       base["remittance_price_pct"] if has(base, "remittance_price_pct")
                       else None), SDG_CORRIDOR_CEILING_PCT)
        ax.set_ylim(0, top * 1.35)  # head room for the legend above the lines
        ax.legend(fontsize=7, loc="upper right")
    ax.set_title("SDG 10.c.1: remittance cost", fontsize=10)
    ax.set_ylabel("% of the amount sent")
    # Recruitment cost and remittances-to-GDP panels: one line each, from zero.
    for ax, column, colour, title, ylabel in (
            (axes[1], "recruitment_cost_months", "C1",
             "SDG 10.7.1: recruitment cost paid by workers", "Months of the migrant's earnings"),
            (axes[2], "remittances_pct_gdp", "C4", "SDG 17.3.2: remittances received",
             "% of GDP (low- and middle-income countries)")):
        if column in panels:
            ax.plot(years, ts[column], color=colour, label="this run")
            if draw_baseline(ax, base, column):
                ax.legend(fontsize=7, loc="lower right")
            ax.set_ylim(0, largest(ts[column], base[column] if has(base, column) else None)
                        * 1.2 or 1)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
    for ax in axes:
        year_axis(ax)
    drawn = has(base, "year")
    fig.subplots_adjust(left=0.05, right=0.99, top=0.77 if drawn else 0.8, bottom=0.12,
                        wspace=0.28)
    suptitle(fig, "SDG indicators on migration and remittances", summary, drawn)
    return save(fig, path)
