"""What an indices table says: the most influential parameters of each outcome, the seed-noise
floor of its index, and the printed report of both."""

from __future__ import annotations

from model.sensitivity.layout import BASELINE, NOISE


def ranking(indices, scenario: str = BASELINE, n: int = 3) -> dict[str, list[tuple]]:
    """outcome -> its `n` most influential parameters: (name, value, conf) by mu* or ST."""
    key = "mu_star" if (indices["method"] == "morris").any() else "ST"
    part = indices[(indices["scenario"] == scenario) & (indices["index"] == key)]
    out = {}
    for outcome, rows in part.groupby("outcome", sort=False):
        rows = rows[rows["parameter"] != NOISE].sort_values("value", ascending=False).head(n)
        out[outcome] = list(zip(rows["parameter"], rows["value"], rows["conf"]))
    return out


def noise_floor(indices, scenario: str, outcome: str) -> float | None:
    """The seed-noise value of an outcome's index (mu* or ST), if the noise runs were there."""
    key = "mu_star" if (indices["method"] == "morris").any() else "ST"
    row = indices[(indices["scenario"] == scenario) & (indices["outcome"] == outcome)
                  & (indices["parameter"] == NOISE) & (indices["index"] == key)]
    return float(row["value"].iloc[0]) if len(row) else None


def report(indices, out=print) -> None:
    """Print which parameters drive which outcome (and which policy effect)."""
    from model.indicators import headlines

    units = {h.name: h.unit for h in headlines()}
    key = "mu*" if (indices["method"] == "morris").any() else "ST"
    for scenario in dict.fromkeys(indices["scenario"]):
        title = "levels" if scenario == BASELINE else f"effect of {scenario} (minus baseline)"
        out(f"\n{title}: the three largest {key} per outcome")
        for outcome, top in ranking(indices, scenario).items():
            floor = noise_floor(indices, scenario, outcome)
            parts = [f"{name} {value:.3g}" + (f" +-{conf:.2g}" if conf == conf and conf is not None
                                              else "")
                     + (" (within seed noise)" if floor is not None and value <= floor else "")
                     for name, value, conf in top]
            noise = f" (seed noise {floor:.3g})" if floor is not None else ""
            out(f"  {outcome} [{units.get(outcome, '')}]{noise}: {'; '.join(parts)}")
