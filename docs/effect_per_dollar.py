"""Each programme's effect per million USD spent, as a Markdown table (docs/effect_per_dollar.md
is this script's output for this version and the one before issue 10).

    .venv/bin/python docs/effect_per_dollar.py                      # this checkout
    .venv/bin/python docs/effect_per_dollar.py --root OTHER_CHECKOUT  # another version

Default world, 2019-2030, shipped defaults, seeds 1-2; an effect is the programme minus the
baseline with the same seed (a paired difference), summed over the run's steps for flows and
averaged over them for shares and prices; the money is what the programme spent over the run
(its costs by every payer; for the facility, its programmes). Employer crisis support and the
facility's crisis response act in crises only, so they run under covid_2020. The script uses
only `MigrationModel` and the timeseries, so it runs on earlier versions of the package.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

SEEDS = (1, 2)
# programme, its settings, under covid?, outcomes: (column, label, "sum" or "mean", scale)
PROGRAMMES = (
    ("employer_crisis_support", {}, True,
     (("job_losses", "job losses (people)", "sum", 1.0),
      ("employment_rate", "employment (points, mean)", "mean", 100.0))),
    ("return_reintegration", {"return_to_job": False}, False,
     (("reintegration_rate", "reintegration rate (points, mean)", "mean", 100.0),)),
    ("cheaper_remittances", {}, False,
     (("remittance_price_pct", "price (points, mean)", "mean", 1.0),
      ("remittances_received_usd", "received (USD)", "sum", 1.0))),
    ("remittance_matching", {}, False,
     (("household_income_usd", "household income (USD)", "sum", 1.0),)),
)
FACILITY = (("remittance_price_pct", "price (points, mean)", "mean", 1.0),
            ("recognised_share", "recognised share (points, mean)", "mean", 100.0),
            ("arrivals_irregular", "irregular arrivals (people)", "sum", 1.0),
            ("wage_theft_usd", "wage theft (USD)", "sum", 1.0))


def covid(root: Path) -> list:
    import yaml

    return yaml.safe_load((root / "conf" / "shocks" / "covid_2020.yaml").read_text())["timeline"]


def run(seed: int, shocks: list, **kw):
    from model import MigrationModel

    m = MigrationModel(shocks=shocks, rng=seed, progress=False, **kw)
    m.run()
    return m, m.datacollector.get_model_vars_dataframe()


def reduce(ts, column: str, how: str) -> float:
    return float(ts[column].sum() if how == "sum" else ts[column].mean())


def table(root: Path) -> str:
    shocks = covid(root)
    base = {s: {False: run(s, [])[1], True: run(s, shocks)[1]} for s in SEEDS}
    rows = ["| programme | spent (M USD) | outcome | effect | effect per M USD |",
            "|---|---|---|---|---|"]
    for name, settings, shocked, outcomes in PROGRAMMES:
        runs = [run(s, shocks if shocked else [], policies={name: settings}) for s in SEEDS]
        spent = np.mean([sum(sum(p["costs_usd"].values()) for p in m.policies.summary().values())
                         for m, _ in runs]) / 1e6
        for column, label, how, scale in outcomes:
            effect = np.mean([reduce(ts, column, how) - reduce(base[s][shocked], column, how)
                              for (_, ts), s in zip(runs, SEEDS)]) * scale
            rows.append(f"| {name}{' (covid_2020)' if shocked else ''} | {spent:,.0f} | {label} "
                        f"| {effect:+.4g} | {effect / max(spent, 1e-9):+.4g} |")
    runs = [run(s, [], facility={"enabled": True}) for s in SEEDS]
    spent = np.mean([m.facility.books["programme_grants"] + m.facility.books["loans_outstanding"]
                     + m.facility.books["repaid_to_banks"] for m, _ in runs]) / 1e6
    for column, label, how, scale in FACILITY:
        effect = np.mean([reduce(ts, column, how) - reduce(base[s][False], column, how)
                          for (_, ts), s in zip(runs, SEEDS)]) * scale
        rows.append(f"| facility (all themes) | {spent:,.0f} | {label} | {effect:+.4g} | "
                    f"{effect / max(spent, 1e-9):+.4g} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root))
    print(table(args.root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
