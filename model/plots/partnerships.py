"""Bilateral corridor agreements (`partnerships.png`, declared by
`model.partnerships.Agreements`): agreements in force over time and each agreement's life."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from model.catalogue import policy_labels
from model.figures import save, steps_per_year
from model.plots.common import has, suptitle, year_axis
from model.plots.run_data import RunData


def plot_partnerships(data: RunData, path: Path) -> Path | None:
    """Bilateral agreements in force (and facility members, if any) over time, and each
    agreement's life: when it was signed, what it holds, and, if it ended, which side left
    and what it had gained against what it had paid."""
    ts, summary = data.ts, data.summary
    agreements = (summary.get("agreements") or {}).get("agreements")
    if not summary.get("agreements") or not has(ts, "year", "agreements_in_force"):
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
    year_axis(ax)
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
    year_axis(ax2)
    # Only the years of the run on the axis (none in the margin for the reasons).
    ax2.set_xticks([x for x in ax2.get_xticks() if start - 1e-9 <= x <= end])
    fig.legend(handles=[Patch(color=colours[k], label=label) for k, label in (
        ("", "in force at the horizon"), ("origin", "ended: origin left"),
        ("destination", "ended: destination left"), ("both", "ended: both left"))],
        fontsize=8, loc="lower center", ncol=4, frameon=False)
    ax2.set_title("Each agreement (what it holds) and, right of the horizon, why it ended:\n"
                  "what each side had gained since signing (difference in differences) per "
                  "USD it paid", fontsize=9)
    suptitle(fig, "Bilateral corridor agreements", summary)
    # Room between the panels for the agreements' names (and the facility's axis, if drawn).
    fig.subplots_adjust(left=0.05, right=0.99, top=0.85, bottom=0.12,
                        wspace=0.9 if summary.get("facility") else 0.62)
    return save(fig, path)
