"""The report's figures: simulated against observed 2020 stocks, errors by region and by size,
calibration convergence, covid_2020 against the record (the displaced by host and origin:
`model.validation.displacement.figure`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.calibration import ard
from model.validation.covid import COVID_REGIONS

def figures(f: dict, region: pd.DataFrame, size: pd.DataFrame, covid: pd.DataFrame,
            study, out: Path) -> list[Path]:
    """The report's figures: simulated against observed 2020 stocks, errors by region and by
    size, calibration convergence, covid_2020 against the record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    obs = f["obs"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    keep = obs.stock_end > 0
    for ax, name, color in ((axes[0], "model", "C0"), (axes[1], "trend", "C2")):
        ax.loglog(obs.stock_end[keep], np.maximum(f[name].stock_end[keep], 1), ".", ms=3,
                  alpha=0.4, color=color)
        lim = [10, obs.stock_end.max() * 2]
        ax.plot(lim, lim, "k--", lw=0.8)
        ax.set(xlabel="observed mid-2020 stock (UN DESA net of UNHCR)",
               ylabel=f"{name} forecast from 2015", xlim=lim, ylim=lim,
               title=f"{name}: ARD {ard(f[name].stock_end, obs.stock_end):.3f}")
    fig.suptitle("Corridor stocks 2020, forecast from the observed 2015 world")
    fig.tight_layout()
    paths.append(_save(fig, out / "stocks_2020.png"))

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, table, title in ((axes[0], region, "by destination region"),
                             (axes[1], size, "by corridor size (2015 stock)")):
        x = np.arange(len(table))
        for j, (name, color) in enumerate((("model", "C0"), ("unchanged", "C7"),
                                           ("trend", "C2"))):
            ax.bar(x + (j - 1) * 0.27, table[f"ard_change_{name}"], 0.27, label=name, color=color)
        ax.set_xticks(x, table["group"], rotation=30, ha="right", fontsize=8)
        ax.axhline(1.0, color="k", lw=0.6, ls=":")
        ax.set(ylabel="ARD of the 2015-2020 change", title=title)
    axes[0].legend()
    fig.tight_layout()
    paths.append(_save(fig, out / "errors_by_group.png"))

    if study is not None:
        values = [t.value for t in study.trials if t.value is not None]
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(values, ".", ms=4, color="C7", label="trial")
        ax.plot(np.minimum.accumulate(values), color="C0", label="best so far")
        best = float(np.min(values))
        # Early trials far off would flatten the rest: the axis stops at the 90th percentile.
        ax.set_ylim(0.98 * best, max(1.05 * float(np.percentile(values, 90)), 1.02 * best))
        ax.set(xlabel="trial", ylabel="loss (ARD_change + ARD_remit + penalty)",
               title=f"Calibration convergence ({len(values)} trials; best {best:.4f})")
        ax.legend()
        fig.tight_layout()
        paths.append(_save(fig, out / "convergence.png"))

    fig, ax = plt.subplots(figsize=(9, 4.5))
    items = ["remittances_lmic_pct", *COVID_REGIONS]
    x = np.arange(len(items))
    for j, (col, label, color) in enumerate((("baseline", "model baseline", "C0"),
                                             ("covid_2020", "model with covid_2020", "C3"),
                                             ("record", "record (Brief 34)", "C7"))):
        ax.bar(x + (j - 1) * 0.27, covid.loc[items, col], 0.27, label=label, color=color)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(x, ["all LMICs", *COVID_REGIONS], rotation=25, ha="right", fontsize=8)
    ax.set(ylabel="remittances 2020 vs 2019, %",
           title="covid_2020 against the record: remittances to low- and middle-income countries")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(_save(fig, out / "covid_2020.png"))
    return paths


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
