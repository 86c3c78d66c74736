"""Shocks and recovery (`shock_recovery.png`, declared by `model.shocks.Shocks`): how deep the
headline indicators fell and how fast they came back."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model.baseline import BASELINE_COLOUR, BASELINE_LABEL
from model.figures import save
from model.plots.common import draw_baseline, has, suptitle, year_axis
from model.plots.run_data import RunData


def plot_shock_recovery(data: RunData, path: Path) -> Path | None:
    """Headline indicators indexed to their level in the year before the first shock, with the
    shocks' dates shaded: how deep each indicator fell and how fast it came back. The baseline
    (`data.base`; without the shocks when the run has no policy) dashed in each indicator's colour,
    indexed to the run's own level, so the gap is the shock's (or the policy's) effect."""
    ts, summary = data.ts, data.summary
    shocks = summary.get("shocks") or []
    if not shocks or not has(ts, "year", "employment_rate", "remittances_formal_usd"):
        return None
    baseline = data.base  # `base` is each indicator's level before the shock below
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
                draw_baseline(ax, baseline, column, index=base, color=colour, lw=1.1,
                          label=False)
    ax.axhline(100.0, color="grey", lw=0.8)
    ax.set_ylabel("Index, year before the shock = 100")
    ax.set_title("Depth and recovery", fontsize=10)
    handles, names = ax.get_legend_handles_labels()
    drawn = has(baseline, "year")
    if drawn:
        handles.append(Line2D([], [], color=BASELINE_COLOUR, ls="--", lw=1.1))
        names.append(f"dashed, in each colour: {BASELINE_LABEL}")
    ax.legend(handles, names, fontsize=8, loc="lower right")
    if "stranded" in ts.columns:
        ax2.plot(ts["year"], ts["stranded"] / 1e6, color="C3", label="this run")
        if draw_baseline(ax2, baseline, "stranded", scale=1e-6):
            ax2.legend(fontsize=8, loc="upper right")
    ax2.set_ylabel("Millions of people")
    ax2.set_title("Stranded migrants (want to return but cannot)", fontsize=10)
    for a in (ax, ax2):
        for e in shocks:
            a.axvspan(e["start"], e["end"], color="0.85", zorder=0)
        year_axis(a)
    kinds = ", ".join(sorted({e["kind"] for e in shocks}))
    fig.subplots_adjust(left=0.07, right=0.98, top=0.77 if drawn else 0.8, bottom=0.12,
                        wspace=0.25)
    suptitle(fig, f"Shocks ({kinds}; shaded) and recovery", summary, drawn)
    return save(fig, path)
