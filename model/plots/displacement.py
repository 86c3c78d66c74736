"""Forced displacement (`displacement.png`, declared by
`model.processes.displacement.Displacement`): the protected by status, the flight and the
durable solutions per year, and where the protected live by host income group."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from model.figures import save
from model.plots.common import draw_baseline, has, suptitle, year_axis
from model.plots.run_data import RunData

STATUSES = (("refugees", "Refugees"), ("asylum_seekers", "Asylum seekers"),
            ("other_protection_needs", "Others in need of protection"))
SOLUTIONS = (("flight", "Fled (arrived in a host)", "C3"),
             ("asylum_granted", "Asylum granted", "C2"),
             ("voluntary_returns", "Returned home", "C0"),
             ("resettled", "Resettled", "C1"),
             ("naturalised", "Naturalised", "C4"),
             ("protection_ended", "Left the counts otherwise", "C7"))
HOSTS = (("protected_in_high_income_hosts", "High income"),
         ("protected_in_upper_middle_income_hosts", "Upper middle income"),
         ("protected_in_lower_middle_income_hosts", "Lower middle income"),
         ("protected_in_low_income_hosts", "Low income"))


def plot_displacement(data: RunData, path: Path) -> Path | None:
    """Three panels: refugees, asylum seekers and others in need of protection over time (the
    same-seed baseline dashed when drawn); flight and solutions per year; the protected by
    their host's income group. None when the run has no one under protection."""
    ts = data.ts
    columns = [c for c, _ in STATUSES]
    if not has(ts, "year", *columns) or float(ts[columns].to_numpy().sum()) <= 0:
        return None
    fig = Figure(figsize=(15, 5))
    ax_stock, ax_flow, ax_host = fig.subplots(1, 3)
    for i, (column, label) in enumerate(STATUSES):
        ax_stock.plot(ts["year"], ts[column] / 1e6, label=label, color=f"C{i}")
        draw_baseline(ax_stock, data.base, column, 1e-6, label=i == 0)
    ax_stock.set_ylim(bottom=0)
    ax_stock.set_ylabel("Millions of people")
    ax_stock.set_title("Under international protection, by status", fontsize=10)
    ax_stock.legend(fontsize=8)
    years = np.floor(ts["year"] + 1e-9).astype(int)
    yearly = ts.groupby(years).sum(numeric_only=True)
    width = 0.8 / len(SOLUTIONS)
    for i, (column, label, colour) in enumerate(SOLUTIONS):
        if column in yearly.columns:
            ax_flow.bar(yearly.index + (i - len(SOLUTIONS) / 2 + 0.5) * width,
                        yearly[column] / 1e3, width, label=label, color=colour)
    ax_flow.set_ylabel("Thousands of people per year")
    ax_flow.set_title("Flight, asylum decisions and durable solutions", fontsize=10)
    ax_flow.legend(fontsize=8)
    hosts = [(c, label) for c, label in HOSTS if c in ts.columns]
    ax_host.stackplot(ts["year"], *(ts[c] / 1e6 for c, _ in hosts),
                      labels=[label for _, label in hosts], alpha=0.85)
    total = sum(ts[c].to_numpy() for c, _ in hosts) / 1e6
    ax_host.set_ylim(0, max(float(np.max(total)), 1e-9) * 1.4)  # head room for the legend
    ax_host.set_ylabel("Millions of people")
    ax_host.set_title("The protected by their host's income group", fontsize=10)
    ax_host.legend(fontsize=8, loc="upper left")
    for ax in (ax_stock, ax_flow, ax_host):
        year_axis(ax)
    suptitle(fig, "Forced displacement", data.summary, baseline=data.base is not None)
    fig.subplots_adjust(left=0.05, right=0.98, top=0.8, bottom=0.12, wspace=0.25)
    return save(fig, path)
