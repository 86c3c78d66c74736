"""Each policy's headline effects against the baseline, and the covid_2020 preset's annual changes,
as Markdown tables (docs/policy_effects.md is this script's output).

    .venv/bin/python docs/policy_effects.py                      # print the tables
    .venv/bin/python docs/policy_effects.py --root OTHER_CHECKOUT # the same for another version

Default world, 2019-2030, shipped defaults, seeds 1-3; an effect is the policy minus the
baseline with the same seed, averaged over the seeds (common random numbers make it a paired
difference). Employer crisis support acts in crises only, so it is run under the covid_2020
shocks against the covid_2020 baseline. The script uses only `MigrationModel` and
`model.indicators.headline`, so it runs on earlier versions of the package too (`--root`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

POLICIES = ("skill_recognition", "remittance_matching", "diaspora_bonds", "return_reintegration",
            "cheaper_remittances", "fair_recruitment", "employer_crisis_support",
            "social_security_portability")
OUTCOMES = (("migrant_stock_end", "stock 2030 (M)", 1e-6),
            ("arrivals_irregular_total", "irregular arrivals (M)", 1e-6),
            ("returns_total", "returns (M)", 1e-6),
            ("remittances_received_total_usd", "remittances received (bn USD)", 1e-9),
            ("household_income_total_usd", "household income (bn USD)", 1e-9),
            ("formal_share_last_year", "formal share 2030 (points)", 100.0),
            ("brain_waste_rate_mean", "brain waste (points)", 100.0),
            ("recruitment_cost_months_last_year", "SDG 10.7.1 (months)", 1.0),
            ("employment_rate_end", "employment 2030 (points)", 100.0),
            ("policy_cost_total_usd", "policy cost (bn USD)", 1e-9))
SEEDS = (1, 2, 3)


def covid_timeline(root: Path) -> list:
    import yaml

    return yaml.safe_load((root / "conf" / "shocks" / "covid_2020.yaml").read_text())["timeline"]


def headlines(policies: list[str], seed: int, shocks: list, **kw) -> dict[str, float]:
    from model import MigrationModel
    from model.indicators import headline

    m = MigrationModel(policies=policies, shocks=shocks, rng=seed, progress=False, **kw)
    m.run()
    return headline(m)


def effects_table(root: Path) -> str:
    covid = covid_timeline(root)
    base = {False: [headlines([], s, []) for s in SEEDS], True: [headlines([], s, covid)
                                                                  for s in SEEDS]}
    rows = ["| policy | " + " | ".join(label for _, label, _ in OUTCOMES) + " |",
            "|---|" + "---|" * len(OUTCOMES)]
    for name in POLICIES:
        shocked = name == "employer_crisis_support"
        runs = [headlines([name], s, covid if shocked else []) for s in SEEDS]
        cells = []
        for key, _, scale in OUTCOMES:
            diff = np.mean([r[key] - b[key] for r, b in zip(runs, base[shocked])]) * scale
            cells.append(f"{diff:+.3g}")
        label = name + (" (covid_2020)" if shocked else "")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def matching_table(root: Path) -> str:
    """The shipped remittance match, default world 2019-2030: education and investment
    spending at origin per USD of match paid, over the steps the fund paid matches (the
    baseline's earmarked remittances of those steps taken off), household income from abroad
    per USD of match paid, and the matches paid."""
    from model import MigrationModel

    per_seed = []
    for seed in SEEDS:
        runs = []
        for policies in (["remittance_matching"], []):
            m = MigrationModel(policies=policies, rng=seed, progress=False)
            m.run()
            runs.append((m, m.datacollector.get_model_vars_dataframe()))
        (on, ts), (_, base) = runs
        p = on.policies.policies[0]
        paying = (ts["matching_topup_usd"] > 0).to_numpy()
        paid = ts["matching_topup_usd"].sum()
        directed_before = (p.cfg.earmarked_share
                           * base["remittances_formal_usd"].to_numpy()[paying].sum())
        use = (ts["origin_investment_usd"].to_numpy()[paying].sum() - directed_before) / paid
        income = (ts["household_income_usd"].sum() - base["remittances_received_usd"].sum())
        per_seed.append((use, income / paid, paid / 1e9))
    use, income, paid = np.mean(per_seed, axis=0)
    return ("| matched use per USD of match paid | household income per USD of match paid | "
            "matches paid (bn USD) |\n|---|---|---|\n"
            f"| {use:.3g} | {income:.3g} | {paid:.3g} |")


def covid_table(root: Path) -> str:
    """Annual changes of the covid_2020 preset: stock (end of year), returns, arrivals and formal
    remittances received by low- and middle-income countries."""
    from model import MigrationModel

    per_seed = []
    for seed in SEEDS:
        m = MigrationModel(shocks=covid_timeline(root), start_year=2019, end_year=2021,
                           rng=seed, progress=False)
        m.run()
        ts = m.datacollector.get_model_vars_dataframe()
        year = np.floor(ts["year"].to_numpy() + 1e-9).astype(int)
        lmic = np.array(m.history["formal_received_by_origin"])[:, ~m.countries.high_income]
        stock = ts["migrant_stock"].to_numpy()
        per_seed.append({y: (stock[year == y][-1], ts["returns"][year == y].sum(),
                             ts["inflows"][year == y].sum(), lmic[year == y].sum())
                         for y in (2019, 2020, 2021)})
    mean = {y: np.mean([s[y] for s in per_seed], axis=0) for y in (2019, 2020, 2021)}
    rows = ["| change | stock (end of year) | returns | arrivals | formal remittances to LMICs |",
            "|---|---|---|---|---|"]
    for a, b in ((2019, 2020), (2020, 2021)):
        rows.append(f"| {a} -> {b} | " + " | ".join(
            f"{100 * (mean[b][i] / mean[a][i] - 1):+.1f}%" for i in range(4)) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout whose model to run (default: this one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root))
    print("Policy minus baseline, default world 2019-2030, mean over seeds 1-3 (whole run unless "
          "stated):\n")
    print(effects_table(args.root))
    print("\nThe shipped remittance match, mean over seeds 1-3:\n")
    print(matching_table(args.root))
    print("\nThe covid_2020 preset, mean over seeds 1-3:\n")
    print(covid_table(args.root))


if __name__ == "__main__":
    main()
