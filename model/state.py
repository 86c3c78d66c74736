"""Country and corridor state as numpy arrays (few rows; read by every vectorised process).

Processes, policies and shocks change the world by writing these arrays (a corridor's price, a
destination's job-loss rate, ...), so every effect has one visible path. The arrays that are
reset every step (levers) are declared by the components that read them (`model.components`);
the model creates those with a fixed baseline, and these tables set the ones that come from the
world's data or the config.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.processes.labour import match_probabilities


class CountryArrays:
    """Per-country arrays, indexed by the model's country index (see `World.countries`).

    Attributes:
        iso3, name, region, income_group: identity (object arrays).
        region_code: index into `regions`, the sorted region names.
        high_income: World Bank high-income group.
        poorer: low or lower-middle income group.
        population, gdp_usd: people; current USD (the shipped table's GDP year).
        wage_low, wage_high: monthly wages (USD) for jobs below / at tertiary level; grow yearly.
        unemployment: native unemployment rate (fraction).
        migrant_unemployment: migrants' unemployment rate now (measured each step).
        irregular_share: share of the start-year stock that is irregular.
        potential_migrants: working-age population by skill ([2, C], people).
        remit_share: share of earnings remitted by this origin's migrants (calibrated).
        overqualification: the destination's target over-qualification rate of skilled migrants
            (published, or the fallback of `labour`).
        match_unrecognised, match_recognised: P(a job at skill | hired) for a skilled migrant
            without and with recognised credentials (`model.processes.labour`).
        ... and the country levers the components declare (`model.catalogue.levers()`).
    """

    def __init__(self, countries: pd.DataFrame, cfg):
        self.iso3 = countries["iso3"].to_numpy(object)
        self.name = countries["name"].to_numpy(object)
        self.region = countries["region"].to_numpy(object)
        self.income_group = countries["income_group"].to_numpy(object)
        self.regions = np.array(sorted(set(self.region)), dtype=object)
        self.region_code = np.searchsorted(self.regions, self.region)
        self.high_income = self.income_group == "High income"
        self.poorer = np.isin(self.income_group, ("Low income", "Lower middle income"))
        self.population = countries["population"].to_numpy(float)
        self.gdp_usd = countries["gdp_usd"].to_numpy(float)
        self.wage_low = countries["wage_low_usd_month"].to_numpy(float)
        self.wage_high = countries["wage_high_usd_month"].to_numpy(float)
        self.unemployment = countries["unemployment_pct"].to_numpy(float) / 100.0
        n = len(countries)
        self.migrant_unemployment = np.clip(
            self.unemployment * cfg.labour.migrant_unemployment_ratio, 0.01, 0.6)
        e = cfg.emigration
        self.irregular_share = np.where(self.high_income, e.irregular_share_high_income,
                                        e.irregular_share_other)
        tertiary = pd.Series(self.income_group).map({
            "Low income": e.tertiary_share_low_income,
            "Lower middle income": e.tertiary_share_lower_middle,
            "Upper middle income": e.tertiary_share_upper_middle,
            "High income": e.tertiary_share_high_income}).fillna(
                e.tertiary_share_upper_middle).to_numpy(float)
        working = self.population * e.working_age_share
        self.potential_migrants = np.stack([working * (1 - tertiary), working * tertiary])
        self.remit_share = np.full(n, 0.1)
        # Matching to skill by destination, from its published over-qualification rate.
        lab = cfg.labour
        fallback = np.where(self.high_income, lab.overqualification_high_income,
                            lab.overqualification_other)
        published = (countries["overqualification_rate"].to_numpy(float)
                     if "overqualification_rate" in countries else np.full(n, np.nan))
        self.overqualification = np.where(np.isfinite(published), published, fallback)
        self.match_unrecognised, self.match_recognised = match_probabilities(
            self.overqualification, lab.recognised_share_initial, lab.recognition_match_gain)


class CorridorArrays:
    """Per-corridor arrays (origin -> destination), indexed by the corridor index.

    Attributes:
        o, d: origin and destination country indices.
        distance_km: population-weighted distance (CEPII).
        high_skill_share: tertiary share of the corridor's migrants (OECD DIOC, see SOURCES.md).
        stock0: people in the corridor at the start (for the network effect).
        agent_weight: people each migrant agent of the corridor stands for (set by the model:
            `people_per_agent`, or fewer where `min_agents_per_corridor` needs more agents).
        trend_per_year: 2015-2020 change of the UN DESA stock, people per year.
        base_price_pct: the RPW price at the start (the remittance amount responds to the
            price relative to it).
        quota: regular entries allowed per year (people), set at the start.
        quota_left: regular entries the quota has room for now (people; a step's share of the
            yearly quota accrues every step, see `model.processes.entry`).
        outflow_regular, outflow_irregular: the start population's expected outflows a year
            by channel ([2, K]: skill, corridor; set by `Returns.init_post`).
        asc_regular, asc_irregular: choice constants of the two entry channels, calibrated to
            replace each channel's outflows ([2, K]: skill, corridor).
        trend_ratio: start inflow with the 2015-2020 trend / inflow replacing outflows ([2, K]).
        calibrated_inflow: the start's inflow a year, trend included ([2, K]).
        ... and the corridor levers the components declare (`model.catalogue.levers()`): the
        price of remittances, recognition, recruitment and travel costs, wage theft, ...
    """

    def __init__(self, corridors: pd.DataFrame, cfg):
        self.o = corridors["o"].to_numpy(np.int64)
        self.d = corridors["d"].to_numpy(np.int64)
        self.distance_km = corridors["distance_km"].to_numpy(float)
        self.high_skill_share = np.clip(corridors["high_skill_share"].to_numpy(float), 0.0, 1.0)
        self.stock0 = corridors["stock"].to_numpy(float)
        self.trend_per_year = corridors["trend_per_year"].to_numpy(float)
        n = len(corridors)
        self.quota = np.zeros(n)
        self.quota_left = np.zeros(n)
        self.base_price_pct = corridors["remittance_price_pct"].to_numpy(float)
        self.asc_regular = np.zeros((2, n))
        self.asc_irregular = np.zeros((2, n))
        self.trend_ratio = np.ones((2, n))
