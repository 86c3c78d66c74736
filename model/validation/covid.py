"""The covid_2020 shock timeline against what the record says of 2020.

The preset's shocks against the baseline on the default world from 2019, same seeds: the
2019->2020 change of formal remittances to low- and middle-income countries (all, and by the
World Bank regions of Migration and Development Brief 34) and the growth of the migrant stock
lost by mid-2020 (`COVID_RECORD`, `COVID_REGIONS`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]

# What the record says of 2020, for the covid_2020 scenario (percent changes 2019->2020).
COVID_RECORD = {
    "remittances_lmic_pct": (-1.6, "World Bank/KNOMAD Migration and Development Brief 34 (May "
                             "2021): 540 bn USD to low- and middle-income countries in 2020, "
                             "1.6% below 548 bn in 2019"),
    "stock_growth_lost_pct": (27.0, "UN DESA International Migration 2020 Highlights: COVID-19 "
                              "may have reduced the growth of the migrant stock by about 2 M by "
                              "mid-2020, 27% less than the growth expected since mid-2019"),
}
COVID_REGIONS = {  # Brief 34, by World Bank region of the receiving country
    "Latin America & Caribbean": 6.5, "South Asia": 5.2, "Middle East & North Africa": 2.3,
    "East Asia & Pacific": -7.9, "Europe & Central Asia": -9.7, "Sub-Saharan Africa": -12.5,
}


def brief_regions(iso3: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The World Bank regions of Brief 34 (2021): South Asia with Afghanistan and Pakistan, the
    Middle East and North Africa without them (the FY2026 classification the world tables
    use joins them as "Middle East, North Africa, Afghanistan & Pakistan")."""
    region = np.asarray(region, dtype=object).copy()
    south = np.isin(iso3, ("AFG", "PAK"))
    region[south] = "South Asia"
    region[~south & np.char.startswith(region.astype(str), "Middle East")] = \
        "Middle East & North Africa"
    return region


def covid_comparison(seeds: list[int]) -> pd.DataFrame:
    """The covid_2020 shock timeline against the baseline on the default world from 2019 (the
    preset's setting), same seeds: the 2019->2020 change of formal remittances to low- and
    middle-income countries (all, and by region) and the growth of the stock lost by
    mid-2020, beside the record."""
    import yaml

    from model.model import MigrationModel

    timeline = yaml.safe_load((ROOT / "conf" / "shocks" / "covid_2020.yaml").read_text())["timeline"]
    out = {}
    for label, shocks in (("baseline", []), ("covid_2020", timeline)):
        per_seed = []
        for s in seeds:
            m = MigrationModel(rng=s, start_year=2019, end_year=2020, shocks=shocks,
                               progress=False, figures=False)
            m.run()
            spy = m.steps_per_year
            received = np.asarray(m.history["formal_received_by_origin"])
            lmic = m.countries.income_group != "High income"
            y19 = received[:spy].sum(axis=0)
            y20 = received[spy:2 * spy].sum(axis=0)
            stock = np.asarray(m.history["stock_by_corridor"]).sum(axis=1)
            # Shocks are dated in calendar time, and the run's time is calendar time from
            # 1 January 2019 (holding the mid-2019 estimate): mid-2020 is 1.5 years on.
            row = {"remittances_lmic_pct": 100 * (y20[lmic].sum() / y19[lmic].sum() - 1),
                   "stock_growth": stock[int(1.5 * spy) - 1] - m.corridors.stock0.sum()}
            regions = brief_regions(m.countries.iso3, m.countries.region)
            for region in COVID_REGIONS:
                r = lmic & (regions == region)
                row[region] = 100 * (y20[r].sum() / y19[r].sum() - 1) if y19[r].sum() else np.nan
            per_seed.append(row)
        out[label] = pd.DataFrame(per_seed).mean()
    table = pd.DataFrame(out)
    lost = 100 * (1 - table.at["stock_growth", "covid_2020"] / table.at["stock_growth", "baseline"])
    table.loc["stock_growth_lost_pct"] = [np.nan, lost]
    table["record"] = [COVID_RECORD.get(i, (COVID_REGIONS.get(i, np.nan), ""))[0]
                       if i != "stock_growth" else np.nan for i in table.index]
    return table
