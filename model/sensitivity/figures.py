"""The figures of a sensitivity analysis, drawn from its indices table."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from model.sensitivity.layout import BASELINE, DESIGN, EFFECTS_FIGURE, FIGURE, NOISE
from model.sensitivity.ranking import noise_floor


def _scale(values) -> tuple[float, str]:
    top = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    for factor, word in ((1e9, " (billions)"), (1e6, " (millions)"), (1e3, " (thousands)")):
        if top >= factor:
            return factor, word
    return 1.0, ""


def plot(indices, folder: Path, top: int = 12) -> list[Path]:
    """DIR/sensitivity.png (the levels: Morris mu* bars with 95% intervals and sigma as dots,
    or Sobol S1 and ST bars with 95% intervals, one panel per outcome) and, with policies,
    DIR/sensitivity_effects.png (each policy's effect: normalised mu* or ST, parameters by
    outcomes)."""
    import matplotlib
    from matplotlib.figure import Figure

    from model.indicators import headlines

    labels = {h.name: (h.label, h.unit) for h in headlines()}
    morris = (indices["method"] == "morris").any()
    written = []
    base = indices[indices["scenario"] == BASELINE]
    outcomes = list(dict.fromkeys(base["outcome"]))
    if outcomes:
        cols = min(len(outcomes), 3 if not morris else 2)
        rows = math.ceil(len(outcomes) / cols)
        fig = Figure(figsize=(6.2 * cols, (3.6 if not morris else 3.9) * rows))
        for k, outcome in enumerate(outcomes):
            ax = fig.add_subplot(rows, cols, k + 1)
            mine = base[base["outcome"] == outcome]
            floor = noise_floor(indices, BASELINE, outcome)
            part = mine[~mine["parameter"].isin((NOISE, DESIGN))].pivot(index="parameter", columns="index",
                                                          values=["value", "conf"])
            label, unit = labels.get(outcome, (outcome, ""))
            if morris:
                part = part.sort_values(("value", "mu_star"), ascending=False).head(top)[::-1]
                factor, word = _scale(part[("value", "mu_star")].to_numpy(float))
                y = np.arange(len(part))
                ax.barh(y, part[("value", "mu_star")] / factor,
                        xerr=part[("conf", "mu_star")].fillna(0) / factor, color="#4c72b0",
                        ecolor="#333333", capsize=2, label="mu* (95% interval)")
                ax.plot(part[("value", "sigma")] / factor, y, "o", color="#dd8452", ms=4,
                        label="sigma")
                if floor is not None:
                    ax.axvline(floor / factor, color="#c44e52", ls="--", lw=1,
                               label="seed noise (mu* of no effect)")
                ax.set_yticks(y, [p.split(".")[1] for p in part.index], fontsize=7)
                ax.set_xlabel(f"{unit}{word} per sampled range", fontsize=8)
            else:
                part = part.sort_values(("value", "ST"), ascending=False).head(top)
                x = np.arange(len(part))
                ax.bar(x - 0.2, part[("value", "S1")], 0.4, yerr=part[("conf", "S1")],
                       color="#4c72b0", capsize=2, label="S1 (first order)")
                ax.bar(x + 0.2, part[("value", "ST")], 0.4, yerr=part[("conf", "ST")],
                       color="#dd8452", capsize=2, label="ST (total)")
                ax.set_xticks(x, [p.split(".")[1] for p in part.index], rotation=30,
                              ha="right", fontsize=7)
                ax.axhline(0, color="black", lw=0.6)
                if floor is not None:
                    ax.axhline(floor, color="#c44e52", ls="--", lw=1,
                               label="seed noise (share of variance)")
                ax.set_ylabel("share of variance", fontsize=8)
            ax.set_title(label, fontsize=9)
            ax.tick_params(labelsize=7)
            if k == 0:
                ax.legend(fontsize=7, loc="lower right" if morris else "upper right")
        what = ("Morris screening: mean absolute elementary effect mu* and its spread sigma"
                if morris else "Sobol' indices with 95% bootstrap intervals")
        fig.suptitle(f"{what} (at most {top} parameters per outcome, largest first)",
                     fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.97))
        path = folder / FIGURE
        fig.savefig(path, dpi=110, metadata={"Software": None})
        written.append(path)
    effects = indices[indices["scenario"] != BASELINE]
    policies = list(dict.fromkeys(effects["scenario"]))
    if policies:
        key = "mu_star_norm" if morris else "ST"
        values = effects[(effects["index"] == key) & (effects["parameter"] != NOISE)]
        # One order of parameters and outcomes in every panel: the parameters by their mean
        # index over all effects (the first 2 x top), the outcomes as analysed.
        order = values.groupby("parameter")["value"].mean().sort_values(ascending=False)
        params = list(order.index[:2 * top])
        columns = list(dict.fromkeys(values["outcome"]))
        cols = min(len(policies), 4)
        rows = math.ceil(len(policies) / cols)
        fig = Figure(figsize=(cols * (1.8 + 0.32 * len(columns)), rows * (1.6 + 0.22 * len(params))
                              + 0.8))
        cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#d9d9d9")
        for k, policy in enumerate(policies):
            part = values[values["scenario"] == policy]
            grid = part.pivot(index="parameter", columns="outcome", values="value").reindex(
                index=params, columns=columns)
            cells = grid.to_numpy(float, copy=True)
            if not morris:  # within the seed noise: grey
                floors = [noise_floor(indices, policy, c) for c in columns]
                for j, floor in enumerate(floors):
                    if floor is not None:
                        cells[cells[:, j] <= floor, j] = np.nan
            ax = fig.add_subplot(rows, cols, k + 1)
            image = ax.imshow(np.ma.masked_invalid(cells), cmap=cmap, vmin=0, vmax=1,
                              aspect="auto")
            ax.set_yticks(range(len(params)), [p.split(".")[1] for p in params] if k % cols == 0
                          else [], fontsize=7)
            bottom = k + cols >= len(policies)  # outcome names under the lowest panels only
            ax.set_xticks(range(len(columns)), columns if bottom else [], rotation=60,
                          ha="right", fontsize=6)
            ax.set_title(f"effect of {policy}", fontsize=9)
        what = ("mu* / largest mu* of the outcome" if morris else
                "ST (grey: not analysed, or within the seed noise)")
        fig.colorbar(image, ax=fig.axes, shrink=0.5, label=what)
        fig.suptitle("Sensitivity of each policy's effect (policy run minus baseline run, same "
                     "row and seed)", fontsize=11)
        path = folder / EFFECTS_FIGURE
        fig.savefig(path, dpi=110, metadata={"Software": None}, bbox_inches="tight")
        written.append(path)
    return written
