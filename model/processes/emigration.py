"""Emigration: a random-utility choice of destination, or staying, and entry through a channel.

Each step, every potential migrant of origin o and skill k (working-age population by skill)
chooses among staying (utility 0) and the corridors from o. The utility of corridor c is

    V_ck = ASC_ck + income_elasticity * log(E_ck / H_ok)
                  - cost_sensitivity * log(1 + cost_ck / (12 * home wage_ok))
                  + network_elasticity * log((stock_c + 1) / (stock0_c + 1))

(one such utility for each of the corridor's two channels, see below),

with E the expected monthly earnings at destination (employment rate x wage, including the
chance of a job below skill), H the expected earnings at home, cost the travel cost (a fixed part
plus a part rising with distance) plus the worker-paid recruitment cost (SDG 10.7.1), and the
diaspora already there relative to the start (network effects, Beine, Docquier and Ozden 2011).
Choice probabilities are multinomial logit (McFadden 1974; the standard random-utility model of
migration, e.g. Grogger and Hanson 2011, JDE 95(1)).

The corridor constants ASC_ck are calibrated at the start so that the expected inflow equals the
expected returns; the 2015-2020 trend of the corridor's stock multiplies that inflow at the start
and fades with a half-life (`trend_half_life_years`), since bilateral surges such as the
Venezuelan exodus of 2015-2020 do not go on for ever. So the baseline starts on the observed
trend and settles towards replacement, and everything that moves E, H, costs or diasporas moves
flows through the elasticities above.

Entry: each corridor offers two channels in the same choice, a regular one rationed by quotas
and an irregular one with its own costs and risks (`model.processes.entry`); irregular migrants
pay smugglers rather than recruiters, earn less and bank less.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import (
    Component,
    Field,
    Flow,
    Headline,
    Indicator,
    Lever,
    RunFigure,
    Series,
    StepEvents,
    corridor_flow,
    ratio,
)
from model.params import param
from model.population import ABROAD, HIGH, LOW
from model.processes import entry
from model.processes.earnings import start_accrual
from model.processes.entry import recruitment_cost


@dataclass
class EmigrationConfig:
    """Emigration choice and entry (process `emigration`)."""

    income_elasticity: float = param(
        0.6, "utility per log point", 0.0, 5.0,
        label="weight of log expected earnings gain in the destination choice",
        source="Ortega and Peri (2013) Migration Studies 1(1): elasticity of bilateral flows "
               "to destination income around 0.6-0.7", fit="emigration.income_elasticity")
    cost_sensitivity: float = param(
        0.5, "utility per year of home earnings", 0.0, 10.0,
        label="weight of log(1 + migration cost in years of home earnings) in the choice",
        source="assumption; corridor constants are calibrated so it only shapes responses",
        fit="emigration.cost_sensitivity")
    network_elasticity: float = param(
        0.4, "utility per log point", 0.0, 2.0,
        label="weight of log diaspora size (relative to start) in the choice",
        source="Beine, Docquier and Ozden (2011) JDE 95(1): diaspora elasticities of "
               "bilateral migration of roughly 0.3-0.5", fit="emigration.network_elasticity")
    trend_half_life_years: float = param(
        5.0, "years", 0.1, 1000.0, label="half-life of the 2015-2020 corridor trends",
        source="assumption: bilateral surges fade (e.g. Venezuela-Colombia grew 50-fold in "
               "2015-2020, UN DESA); 1000 keeps the trend for ever",
               fit="emigration.trend_half_life_years")
    recruitment_cost_months_low: float = param(
        4.0, "months of destination earnings", 0.0, 36.0,
        label="worker-paid recruitment cost, low-skilled",
        source="KNOMAD-ILO Migration Costs Surveys (SDG 10.7.1): typically 1-7 months, up to "
               "about 15 in some Gulf corridors")
    recruitment_cost_months_high: float = param(
        1.0, "months of destination earnings", 0.0, 36.0,
        label="worker-paid recruitment cost, high-skilled",
        source="assumption: skilled workers are often recruited at the employer's cost")
    travel_cost_fixed_usd: float = param(
        800.0, "USD", 0.0, 1e5, label="fixed cost of migrating (documents, travel)",
        source="assumption (World Bank 2017, 'Migrating to Opportunity': travel and "
               "documents cost hundreds to a few thousand dollars)")
    travel_cost_per_1000km_usd: float = param(
        100.0, "USD per 1,000 km", 0.0, 1e4, label="distance-dependent migration cost",
        source="assumption (airfare-like scaling)")
    irregular_cost_multiplier: float = param(
        3.0, "ratio", 1.0, 50.0, label="cost of an irregular route / a regular one",
        source="assumption (smuggling fees of several thousand USD, UNODC 2018 Global Study "
               "on Smuggling of Migrants)")
    detection_probability: float = param(
        0.2, "probability", 0.0, 0.99, label="chance that an irregular entry attempt is stopped",
        source="assumption to be fitted: US DHS (2017) 'Efforts by DHS to Estimate Southwest "
               "Border Security' puts the interdiction rate of attempts at 55-80%, but most "
               "stopped migrants try again, so the chance that a migrant fails for good is lower",
               fit="emigration.detection_probability")
    channel_nesting: float = param(
        0.5, "dissimilarity", 0.05, 1.0,
        label="nesting of a corridor's regular and irregular channels (1: no nesting)",
        source="to be fitted (no published estimate of channel substitution; 0.5 makes a "
               "cheaper regular channel draw mostly on the corridor's irregular entrants)",
               fit="emigration.channel_nesting")
    removal_rate: float = param(
        0.02, "per year", 0.0, 1.0, label="hazard that an irregular migrant abroad is removed",
        source="US DHS Yearbook of Immigration Statistics 2019 (Table 39): about 360 thousand "
               "removals in FY2019 against about 10.5 M unauthorised immigrants (Pew 2019), "
               "about 3% a year; fewer elsewhere")
    enforcement_cost_usd: float = param(
        2400.0, "USD per irregular migrant a year", 0.0, 1e7,
        label="a destination's enforcement cost of an irregular migrant for a year",
        source="GFMD paper, note 13: US immigration enforcement about 25 bn USD in 2020, over "
               "about 10.5 M unauthorised immigrants (Pew 2019)")
    irregular_share_high_income: float = param(
        0.15, "share", 0.0, 1.0, label="irregular share of migrants, high-income destination",
        source="Pew Research Center (2019): about 10.5 M of 44 M US immigrants (24%) are "
               "unauthorised; lower in Europe; 0.15 as a cross-destination assumption")
    irregular_share_other: float = param(
        0.30, "share", 0.0, 1.0, label="irregular share of migrants, other destinations",
        source="assumption (South-South migration is more often irregular, ILO 2018)")
    working_age_share: float = param(
        0.65, "share", 0.0, 1.0, label="share of population at working age (potential migrants)",
        source="UN World Population Prospects 2019: 15-64 share about 65% worldwide")
    population_growth_high_income: float = param(
        0.002, "per year", -0.1, 0.1, label="working-age population growth, high income",
        source="UN World Population Prospects 2019, medium variant, 2020-2030 (about 0-0.3%)")
    population_growth_other: float = param(
        0.015, "per year", -0.1, 0.1, label="working-age population growth, other countries",
        source="UN World Population Prospects 2019, medium variant, 2020-2030 (about 1-2.5% "
               "in low and lower-middle income countries)")
    tertiary_share_low_income: float = param(
        0.05, "share", 0.0, 1.0, label="tertiary-educated share of adults, low income",
        source="Barro and Lee (2013) JDE 104, orders of magnitude by income group")
    tertiary_share_lower_middle: float = param(
        0.12, "share", 0.0, 1.0, label="tertiary-educated share, lower-middle income",
        source="Barro and Lee (2013)")
    tertiary_share_upper_middle: float = param(
        0.20, "share", 0.0, 1.0, label="tertiary-educated share, upper-middle income",
        source="Barro and Lee (2013)")
    tertiary_share_high_income: float = param(
        0.35, "share", 0.0, 1.0, label="tertiary-educated share, high income",
        source="Barro and Lee (2013)")


def expected_earnings(model) -> np.ndarray:
    """Expected monthly earnings of a new migrant, per skill and corridor ([2, K], USD)."""
    k, c, cfg = model.corridors, model.countries, model.cfg.earnings
    d = k.d
    employ = 1.0 - c.migrant_unemployment[d]
    p_match = (k.recognition_share * c.match_recognised[d]
               + (1.0 - k.recognition_share) * c.match_unrecognised[d])
    low = c.wage_low[d] * employ
    high = (p_match * c.wage_high[d] + (1.0 - p_match) * c.wage_low[d]) * employ
    return np.stack([low, high]) * cfg.migrant_wage_ratio


def home_earnings(model) -> np.ndarray:
    """Expected monthly earnings at home per skill and corridor ([2, K], USD)."""
    c, o = model.countries, model.corridors.o
    employ = 1.0 - c.unemployment[o]
    return np.stack([c.wage_low[o] * employ, c.wage_high[o] * employ])


def travel_cost(cfg, distance_km: np.ndarray) -> np.ndarray:
    """Travel and document cost of a regular move per corridor (USD): a fixed part and a part
    rising with distance. The model keeps it in `corridors.travel_cost_usd`."""
    e = cfg.emigration
    return e.travel_cost_fixed_usd + e.travel_cost_per_1000km_usd * distance_km / 1000.0


def _recruitment_months(model) -> np.ndarray:
    """Worker-paid recruitment cost in months of wages ([2, K]: low, high skill)."""
    e, n = model.cfg.emigration, len(model.corridors.o)
    return np.stack([np.full(n, e.recruitment_cost_months_low),
                     np.full(n, e.recruitment_cost_months_high)])


def utilities(model, expected: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Systematic utilities of the regular and the irregular channel of every corridor, without
    the calibrated constants ([2, K] each: skill, corridor; see `model.processes.entry`);
    `expected` is `expected_earnings(model)` if already computed."""
    k, cfg = model.corridors, model.cfg.emigration
    expected = expected_earnings(model) if expected is None else expected
    home = np.maximum(home_earnings(model), 1e-9)
    # The diaspora as it stood at the end of the previous step.
    network = cfg.network_elasticity * np.log((model.stock_now + 1.0) / (k.stock0 + 1.0))
    regular_cost, irregular_cost = entry.channel_costs(model)
    out = []
    for earnings, cost, extra in (
            (expected, regular_cost, 0.0),
            (expected * entry.irregular_pay_factor(model), irregular_cost, entry.risk_term(model))):
        gain = np.log(np.maximum(earnings, 1e-9) / home)
        # Log of (1 + cost in years of home earnings): a semi-elasticity, so a given relative
        # cut in costs matters alike in rich and poor origins (gravity models use log costs).
        cost_years = np.log1p(cost / (12.0 * home))
        out.append(cfg.income_elasticity * gain - cfg.cost_sensitivity * cost_years + network
                   + extra)
    return out[0], out[1]


def trend_factor(model) -> np.ndarray:
    """The observed 2015-2020 trend scales the inflow by `trend_ratio` at the start and fades
    with `trend_half_life_years` ([2, K])."""
    k = model.corridors
    fade = 0.5 ** (model.years_elapsed() / model.cfg.emigration.trend_half_life_years)
    return np.maximum(1.0 + (k.trend_ratio - 1.0) * fade, 0.0)


def choice_probabilities(model, expected: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Per-step probabilities that a potential migrant of the corridor's origin and skill
    applies for regular entry or attempts irregular entry ([2, K] each)."""
    return entry.choice_probabilities(model, utilities(model, expected), trend_factor(model))


def irregular_arrivals_a_year(model) -> np.ndarray:
    """Irregular arrivals a year per corridor the choice model expects now: attempts at this
    step's probabilities, less those deterred and stopped at the border ([K], people)."""
    k, c, cfg = model.corridors, model.countries, model.cfg.emigration
    _, p_irregular = choice_probabilities(model)
    scale = c.potential_migrants[:, k.o] * c.emigration_multiplier[k.o] * c.entry_multiplier[k.d]
    return ((p_irregular * scale).sum(axis=0) * (1.0 - k.irregular_deterrence)
            * (1.0 - cfg.detection_probability) * model.steps_per_year)


def _substituted(k, corridor: np.ndarray, regular: np.ndarray, w: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Irregular arrivals replaced by regular re-migrants (`corridors.substitute_irregular`,
    people per corridor, set by return-to-job agreements): that many, at random, per corridor."""
    irregular = np.flatnonzero(~regular)
    cor = corridor[irregular]
    drop = np.floor(k.substitute_irregular / w + rng.random(len(k.o))).astype(np.int64)
    order = irregular[np.lexsort((rng.random(len(irregular)), cor))]
    counts = np.bincount(cor, minlength=len(k.o))
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(order)) - start[corridor[order]]
    out = np.zeros(len(corridor), dtype=bool)
    out[order[rank < drop[corridor[order]]]] = True
    return out


def _recruitment_cost_months(model) -> float:
    """SDG 10.7.1: worker-paid recruitment cost of regular arrivals in months of earnings."""
    f = model.flows
    return ratio(f["recruitment_cost_usd"][0], f["recruitment_earnings_usd"][0])


def _per_arrival(name: str):
    return lambda model: ratio(model.flows[name][0], model.flows["arrivals"].sum())


class Emigration(Component):
    """The choice of destination and entry through a channel (see the module docstring)."""

    name = "emigration"
    label = "emigration and entry"
    phase = "emigration"
    figures = (RunFigure("flows.png", "arrivals, returns and removals per calendar year, and "
                         "stranded migrants (who want to return but cannot)",
                         "model.plots.migrants:plot_flows"),)
    config_key = "emigration"
    config_class = EmigrationConfig
    levers = (
        Lever("corridors", "recruitment_months", "worker-paid recruitment cost in months of "
              "wages, by skill", _recruitment_months, by_skill=True),
        Lever("corridors", "travel_cost_usd", "cost of travel and documents for a regular move "
              "(USD)", lambda model: travel_cost(model.cfg, model.corridors.distance_km)),
        Lever("corridors", "substitute_irregular", "irregular arrivals replaced this step by "
              "regular re-migrants (people; return-to-job agreements)", 0.0),
        Lever("corridors", "quota_multiplier", "factor on the regular quota (wider regular "
              "channels)", 1.0),
        Lever("corridors", "irregular_deterrence", "share of would-be irregular arrivals who "
              "stay home", 0.0),
        Lever("countries", "entry_multiplier", "factor on new arrivals in a destination", 1.0),
        Lever("countries", "emigration_multiplier", "factor on departures from an origin", 1.0),
    )
    fields = (
        Field("regular", bool, "legal status"),
        Field("arrived", np.float64, "year of arrival abroad (decimal year)"),
    )
    flows = (
        Flow("arrivals", "people", "new arrivals", per_corridor=True, stock=+1),
        Flow("arrivals_irregular", "people", "arrivals through irregular routes",
             per_corridor=True),
        Flow("recruitment_cost_usd", "USD", "worker-paid recruitment costs of regular arrivals"),
        Flow("recruitment_earnings_usd", "USD per month",
             "expected monthly earnings of regular arrivals (the base of SDG 10.7.1)"),
        Flow("arrival_debt_usd", "USD", "debt of new arrivals"),
        Flow("intercepted", "people", "irregular entry attempts stopped at the border",
             per_corridor=True),
        Flow("visas_refused", "people", "regular applicants refused for want of quota (they "
             "may apply again)", per_corridor=True),
        Flow("arrivals_poorer_origins", "people", "arrivals from low and lower-middle income "
             "countries"),
    )
    series = (
        Series("arrivals_corridor", "people", "new arrivals, by corridor",
               lambda model: model.flows["arrivals"], tables=True),
        Series("arrivals_irregular_corridor", "people", "irregular arrivals, by corridor",
               lambda model: model.flows["arrivals_irregular"], tables=True),
    )
    indicators = (
        Indicator("inflows", "people per step", "new arrivals",
                  corridor_flow("arrivals")),
        Indicator("recruitment_cost_months", "months of earnings",
                  "SDG 10.7.1: worker-paid recruitment cost of regular arrivals in months of "
                  "their expected monthly earnings", _recruitment_cost_months),
        Indicator("arrivals_irregular", "people per step", "arrivals through irregular routes",
                  corridor_flow("arrivals_irregular")),
        Indicator("entries_intercepted", "people per step",
                  "irregular entry attempts stopped at the border",
                  corridor_flow("intercepted")),
        Indicator("visas_refused", "people per step",
                  "regular applicants refused for want of quota",
                  corridor_flow("visas_refused")),
        Indicator("debt_at_arrival_usd", "USD per person",
                  "average debt of new arrivals (recruitment fees or smuggling costs)",
                  _per_arrival("arrival_debt_usd")),
        Indicator("arrivals_poorer_origins_share", "share",
                  "arrivals from low and lower-middle income countries",
                  _per_arrival("arrivals_poorer_origins")),
    )

    headlines = (
        Headline("inflows_total", "people", "arrivals over the run", "inflows", "sum"),
        Headline("recruitment_cost_months_last_year", "months of earnings",
                 "SDG 10.7.1, mean over the last year's steps", "recruitment_cost_months",
                 "last_year_mean", effect=("Recruitment cost, last year", "months")),
        Headline("arrivals_irregular_total", "people", "irregular arrivals over the run",
                 "arrivals_irregular", "sum", effect=("Irregular arrivals, whole run", "people")),
    )

    def init_post(self, model) -> None:
        """Calibrate each channel's constants so that its inflow replaces its outflow
        (`corridors.outflow_*`, set by `Returns`); the 2015-2020 trend, by skill, scales both
        channels at the start and fades with `trend_half_life_years`. The yearly quota admits
        the start's regular inflow, trend included; at the start half a year's room is free
        (room carries over up to a year's quota, see `model.processes.entry`)."""
        k = model.corridors
        out_regular, out_irregular = k.outflow_regular, k.outflow_irregular
        outflow = out_regular + out_irregular
        share = np.stack([1.0 - k.high_skill_share, k.high_skill_share])
        inflow = np.maximum(0.0, outflow + k.trend_per_year * share)
        k.asc_regular, k.asc_irregular = entry.calibrate_constants(
            model, out_regular, out_irregular, utilities(model))
        with np.errstate(divide="ignore", invalid="ignore"):
            k.trend_ratio = np.where(outflow > 0, inflow / outflow, 1.0)
        k.quota = (out_regular * k.trend_ratio).sum(axis=0)
        k.quota_left = 0.5 * k.quota
        k.calibrated_inflow = inflow

    def run(self, model, events: StepEvents) -> None:
        """Draw applicants and irregular attempts per corridor and skill; visas ration the
        regular ones, the border stops some irregular ones; add the arrivals to the population."""
        k, c, cfg = model.corridors, model.countries, model.cfg.emigration
        rng = model.streams["emigration"]
        entry.accrue_quota(model)
        expected = expected_earnings(model)
        scale = (c.potential_migrants[:, k.o]  # [2, K]; shocks: push at origin, entry at dest.
                 * c.emigration_multiplier[k.o] * c.entry_multiplier[k.d])
        p_regular, p_irregular = choice_probabilities(model, expected)
        w = k.agent_weight  # people per agent, by corridor
        applicants = rng.poisson(p_regular * scale / w)
        # Would-be irregular migrants deterred (a programme) stay home; of the rest, the border
        # stops each attempt with `detection_probability`.
        attempts = rng.poisson(p_irregular * scale * (1.0 - k.irregular_deterrence) / w)
        through = rng.binomial(attempts, 1.0 - cfg.detection_probability)
        f = model.flows
        f["intercepted"] += (attempts - through).sum(axis=0) * w
        corridor = np.repeat(np.tile(np.arange(len(k.o)), 2), applicants.ravel())
        skill = np.repeat(np.array([LOW, HIGH], dtype=np.int8), applicants.sum(axis=1))
        admitted = entry.ration(k, corridor, w, rng)
        f["visas_refused"] += np.bincount(corridor[~admitted], minlength=len(k.o)) * w
        corridor, skill = corridor[admitted], skill[admitted]
        irregular_corridor = np.repeat(np.tile(np.arange(len(k.o)), 2), through.ravel())
        irregular_skill = np.repeat(np.array([LOW, HIGH], dtype=np.int8), through.sum(axis=1))
        regular = np.concatenate([np.ones(len(corridor), bool),
                                  np.zeros(len(irregular_corridor), bool)])
        corridor = np.concatenate([corridor, irregular_corridor])
        skill = np.concatenate([skill, irregular_skill])
        if k.substitute_irregular.any():
            keep = ~_substituted(k, corridor, regular, w, rng)
            corridor, skill, regular = corridor[keep], skill[keep], regular[keep]
        if len(corridor) == 0:
            return
        m = len(corridor)
        d = k.d[corridor]
        access = c.account_access[d] * np.where(regular, 1.0, 0.5)
        recognised = (skill == HIGH) & (rng.random(m) < k.recognition_share[corridor])
        fee = recruitment_cost(model)[skill, corridor]  # regular arrivals owe their recruiter
        debt = np.where(regular, fee, k.travel_cost_usd[corridor] * (cfg.irregular_cost_multiplier - 1.0))
        # As the agents hold them (float32), so the flows add up to the recounted stocks.
        people = w[corridor].astype(np.float32)
        model.migrants.add(corridor=corridor, skill=skill, status=ABROAD, arrived=model.now() + model.dt,
                           weight=people, regular=regular,
                           recognised=recognised, has_account=rng.random(m) < access,
                           debt=debt)
        f = model.flows
        new = np.arange(model.migrants.n - m, model.migrants.n)
        start_accrual(model, new)
        model.tallies.add(model.migrants, new)
        f["arrivals"] += np.bincount(corridor, people, len(k.o))
        f["arrivals_irregular"] += np.bincount(corridor, np.where(regular, 0.0, people), len(k.o))
        # SDG 10.7.1: recruitment cost borne by the worker in months of earnings at destination.
        earn = expected[skill, corridor]
        f["recruitment_cost_usd"][0] += float((np.where(regular, fee, 0.0) * people).sum())
        f["recruitment_earnings_usd"][0] += float((np.where(regular, earn, 0.0) * people).sum())
        f["arrival_debt_usd"][0] += float((debt * people).sum())
        f["arrivals_poorer_origins"][0] += float((c.poorer[k.o[corridor]] * people).sum())
        events.arrivals = new
