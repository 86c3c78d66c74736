"""The corridor map (`corridor_network.png`, declared by `model.census.Census`): the largest
corridors at the end of the run between capitals, and the corridors the run's policies cover
in orange (`model.baseline.COVERED_FILE`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from model.baseline import COVERED_COLOUR
from model.catalogue import policy_labels
from model.figures import save
from model.plots.common import (OTHER_COLOUR, REGION_COLOURS, has, place_labels, suptitle,
                                trim)
from model.plots.run_data import RunData
from model.world.basemap import draw_land

TOP_CORRIDORS = 40
CORRIDOR_COLOUR = "#3b5b92"
# Covered corridors beyond the largest drawn as arrows up to this many; more (a policy covering
# every corridor of the global world) as straight lines, thousands of arrows being slow to draw.
MAX_COVERED_ARROWS = 100


def _node_sizes(cts: pd.DataFrame | None, corridors: pd.DataFrame) -> pd.Series:
    """Immigrants per country at the last step (from country_timeseries), else end stocks."""
    if has(cts, "step", "iso3", "immigrants"):
        last = cts[cts["step"] == cts["step"].max()]
        return last.groupby("iso3")["immigrants"].sum()
    return corridors.groupby("destination")["stock_end"].sum()


def _covered_policies(corridors: pd.DataFrame, covered: pd.DataFrame | None) -> pd.Series:
    """Per row of `corridors`: the policies covering it ("a+b", from covered_corridors.csv),
    "" where none does."""
    if not has(covered, "origin", "destination", "policies"):
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


def plot_corridor_network(data: RunData, path: Path) -> Path | None:
    """Largest corridors at the end of the run, as arrows between capitals on a lon/lat map;
    the corridors a policy covers (`data.covered`: covered_corridors.csv) in orange, the largest
    among them and every other one they cover (arrows, or straight lines beyond
    MAX_COVERED_ARROWS). Each arrow's gid is "corridor:O-D" or "covered:O-D"."""
    corridors, cts, covered = data.corridors, data.cts, data.covered
    countries, summary = data.countries, data.summary
    if not has(corridors, "origin", "destination", "stock_end") or "lat" not in countries:
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
    place_labels(ax, [countries.at[nodes[k], "lon"] for k in order],
                  [countries.at[nodes[k], "lat"] for k in order], [nodes[k] for k in order],
                  fontsize=7, marker_pts=[np.sqrt(area.iloc[k]) / 2 for k in order],
                  zorder=4, fontweight="bold")
    region_handles = [Line2D([], [], marker="o", ls="", markersize=7, markeredgecolor="black",
                             markerfacecolor=REGION_COLOURS.get(r, OTHER_COLOUR), label=r)
                      for r in sorted(set(regions))]
    reference = float(top["stock_end"].max())
    width_handles = [Line2D([], [], color=CORRIDOR_COLOUR, alpha=0.6,
                            lw=max(0.4, v * width_scale),
                            label=f"{trim(v / 1e6, 1)} million migrants")
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
    suptitle(fig, f"Largest {len(top)} migration corridors by migrant stock{when}"
                   f" (origin → destination, between capitals){more}", summary)
    return save(fig, path)
