"""The financing facility (`facility.png`, declared by `model.facility.FinancingFacility`):
its money in and programmes per year, its members, and what a dollar of each theme bought."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from model.figures import save
from model.plots.common import has, suptitle, year_axis
from model.plots.run_data import RunData


FACILITY_THEMES = ("governance", "skilling", "technology", "protection", "irregular",
                   "partnerships")


def plot_facility(data: RunData, path: Path) -> Path | None:
    """The financing facility: money in by source and programmes by theme per year (bars),
    members over time, and what a dollar of each theme bought (its outcomes' worth a year per
    USD spent)."""
    ts, summary = data.ts, data.summary
    if not summary.get("facility") or not has(ts, "year", "facility_members",
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
        year_axis(ax)
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
    suptitle(fig, f"Financing facility ({p.get('voting', '?')} voting, "
                   f"{p.get('participation', '?')} participation, "
                   f"{p.get('allocation', '?')} allocation"
                   f"{', review' if p.get('review') else ''})", summary)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.07, wspace=0.28, hspace=0.3)
    return save(fig, path)
