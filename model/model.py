"""MigrationModel: the world's migration corridors as a Mesa model.

Countries are Mesa agents on a networkx DiGraph of origin->destination corridors; migrants are
rows of numpy arrays (`MigrantSet`) with `Migrant` views on demand. The model is assembled from
components (`model.components`, `model.catalogue`): their levers, flows, per-migrant arrays and
indicators, and the phases of the step they run, in the order of `model.catalogue.PHASES`.
Mesa's DataCollector records every declared indicator after each step.

Every parameter is a keyword with a default (the defaults live in the components' config
dataclasses, gathered by `model.config`), so `MigrationModel(job_loss_rate=0.2, rng=3)` and
`mesa.batch_run(MigrationModel, ...)` work; a Hydra config becomes keywords through
`model.runner.build_model`.
"""

from __future__ import annotations

import inspect

import mesa
import networkx as nx
import numpy as np

from model.agents import Country, Migrant
from model.catalogue import PHASES, fields, flows, indicators, levers
from model.census import region_column
from model.components import StepEvents
from model.config import check_against_world, flat_defaults, nest
from model.facility import FinancingFacility
from model.indicators import measure
from model.params import ConfigError
from model.partnerships import Agreements
from model.policies import PolicySet
from model.population import ABROAD, HIGH, LOW, RETURNEE, MigrantSet
from model.processes import emigration, entry, remittances, returns
from model.processes.earnings import earnings_table, monthly_wage
from model.processes.labour import finding_rate
from model.processes.reintegration import draw_barriers, reintegration_hazard
from model.shocks import Shocks
from model.state import CorridorArrays, CountryArrays
from model.streams import Streams
from model.tallies import Tallies
from model.world.loader import load_world


def _reporter(name: str):
    """A named DataCollector reporter reading one indicator of the step just measured."""
    def report(model):
        return model.indicator_values[name]
    report.__name__ = name
    return report


# The most migrant agents a run may create at the start: the global world at one person per
# agent (252 M people abroad, and its returnees) fits; an implausible stock (a typo of 1e12)
# is refused before numpy tries to allocate tens of gigabytes.
MAX_AGENTS = 400_000_000


def check_world_size(corridors, countries, cfg) -> int:
    """Refuse, before anything is allocated, a world without migrants, one whose stocks
    would need more than MAX_AGENTS agents at `people_per_agent`, and settings that would act
    on no country or corridor of it; return the agents the start year's migrants need."""
    stock = corridors.stock0
    where = (f"world file {cfg.world.path}" if cfg.world.path else f"world={cfg.world.name}")
    if len(stock) == 0 or not stock.sum() > 0:
        raise ConfigError(f"{where}: no corridor has migrants (every stock is zero or missing); "
                          "give at least one corridor a stock above zero")
    check_against_world(cfg, countries.iso3, corridors.o, corridors.d, where)
    agents = float(agents_per_corridor(stock, cfg).sum())
    if agents > MAX_AGENTS:
        i = int(np.argmax(stock))
        raise ConfigError(
            f"{where}: {stock.sum():,.0f} people abroad would be {agents:,.0f} migrant agents at "
            f"people_per_agent={cfg.people_per_agent:g}, above the most a run may create "
            f"({MAX_AGENTS:,}); the largest stock is {stock[i]:,.0f} on corridor "
            f"{countries.iso3[corridors.o[i]]}-{countries.iso3[corridors.d[i]]}: check "
            "the stock column, or raise people_per_agent to at least "
            f"{stock.sum() / MAX_AGENTS:,.0f}")
    return int(agents)


def agents_per_corridor(stock: np.ndarray, cfg) -> np.ndarray:
    """Start agents of each corridor: one per `people_per_agent` people, rounded up, and at
    least `min_agents_per_corridor` where there is a stock (their weights are then smaller)."""
    n = np.maximum(np.ceil(stock / cfg.people_per_agent), cfg.min_agents_per_corridor)
    return np.where(stock > 0, n, 0.0)


MAX_SEED = 2**63 - 1  # the range of the `seed` setting


def check_rng(rng) -> None:
    """Refuse an `rng` that is not a seed: a whole number from 0 to 2**63 - 1, or None (then
    `seed`, or a fresh seed under mesa.batch_run). Every random stream derives from an integer
    seed (`model.streams`), so a Generator or a float, which int() would silently truncate,
    is not taken."""
    ok = (rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)
                          and 0 <= int(rng) <= MAX_SEED))
    if not ok:
        raise ConfigError(f"rng = {rng!r}: allowed a whole number from 0 to 2**63 - 1 (the seed "
                          "every random stream derives from), or None to use `seed`")


class MigrationModel(mesa.Model):
    """Agent-based model of migration corridors (see the module docstring).

    Keyword arguments are every setting of `model.config` (see `MigrationModel.__signature__`
    or the README's parameter table), plus `rng` (a seed: a whole number from 0 to 2**63 - 1,
    or None; overrides `seed`). All arguments are keywords.

    Attributes:
        cfg: the validated MigrationConfig.
        world: countries and corridors tables (`model.world.loader.World`).
        countries, corridors: the arrays the processes read and write.
        migrants: the MigrantSet.
        network: networkx DiGraph, countries as nodes (ISO3), corridors as edges.
        datacollector: one row of indicators per step.
    """

    def __init__(self, *args, rng=None, **params):
        # Keyword-only (a positional value used to land in `rng`, unnamed): say how to call it.
        if args:
            raise TypeError(f"MigrationModel takes keyword arguments only, e.g. "
                            f"MigrationModel(rng=3, end_year=2025); got {len(args)} positional "
                            f"argument(s): {', '.join(map(repr, args))}")
        check_rng(rng)
        cfg = params.pop("_config", None) or nest(params)
        seed = cfg.seed if rng is None else rng
        if seed is None:  # batch_run passes rng=None for "any seed": draw one and keep it
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        super().__init__(rng=int(seed))
        self.cfg = cfg
        self.seed = int(seed)
        self.streams = Streams(self.seed)
        self.start_year = cfg.start_year
        self.steps_per_year = cfg.steps_per_year
        self.dt = 1.0 / cfg.steps_per_year
        self.n_steps = (cfg.end_year - cfg.start_year + 1) * cfg.steps_per_year

        self.world = load_world(cfg.world.name, cfg.world.path, cfg.start_year,
                                cfg.world.trend, cfg.world.migrants)
        self.countries = CountryArrays(self.world.countries, cfg)
        self.corridors = CorridorArrays(self.world.corridors, cfg)
        check_world_size(self.corridors, self.countries, cfg)
        self.levers = levers()
        rows = {"countries": len(self.countries.iso3), "corridors": len(self.corridors.o)}
        for lever in self.levers:  # the declared levers with a fixed baseline
            if lever.init is not None:
                setattr(getattr(self, lever.table), lever.name, lever.create(rows[lever.table]))
        self.country_agents = [Country(self, i) for i in range(len(self.countries.iso3))]
        self.network = self._build_network()
        # Room for twice the starting agents: np.zeros memory is only resident once written,
        # so spare capacity costs nothing until arrivals fill it (and spares regrowth copies).
        start_agents = agents_per_corridor(self.corridors.stock0, cfg)
        # People each agent of a corridor stands for, at the start and for its arrivals.
        self.corridors.agent_weight = np.where(
            start_agents > 0, self.corridors.stock0 / np.maximum(start_agents, 1.0),
            cfg.people_per_agent)
        self.migrants = MigrantSet({f.name: f.dtype for f in fields()},
                                   capacity=int(start_agents.sum() * 2.0) + 1024)
        self._views: dict[int, Migrant] = {}
        self.flow_specs = flows()
        self._new_flows()
        K = len(self.corridors.o)
        self.tallies = Tallies(K)
        self.savings_index = np.zeros((4, K))  # cumulative savings per job cell and corridor
        self.earnings = earnings_table(self)

        self.countries.job_finding_rate = finding_rate(
            cfg.labour.job_loss_rate, self.countries.migrant_unemployment)
        self._populate()
        self._calibrate()
        self._lever_base = {lever.key: getattr(getattr(self, lever.table), lever.name).copy()
                            for lever in self.levers}
        self._base_wages = (self.countries.wage_low.copy(), self.countries.wage_high.copy())
        self._base_potential = self.countries.potential_migrants.copy()
        self._hosted_share0 = self._hosted_share()

        self.policies = PolicySet(self, cfg.policies)
        self.facility = (FinancingFacility(self, cfg.facility) if cfg.facility.enabled
                         else None)
        self.agreements = (Agreements(self, cfg.agreements) if cfg.agreements.enabled
                           else None)
        if self.agreements is not None:
            self.policies.extra = self.agreements.policies
        self.shocks = Shocks(self, cfg.shocks.timeline)
        self.indicator_specs = indicators()
        reporters = ([i.name for i in self.indicator_specs]
                     + [region_column(r) for r in self.countries.regions])
        self.datacollector = mesa.DataCollector(model_reporters={n: _reporter(n) for n in reporters})
        self.indicator_values: dict[str, float] = {}
        self.history: dict[str, list[np.ndarray]] = {
            name: [] for name in ("formal_received_by_origin", "formal_received_corridor",
                                  "stock_by_corridor", "stock_high_by_corridor",
                                  "arrivals_corridor", "arrivals_irregular_corridor",
                                  "returns_corridor", "received_corridor", "price_corridor",
                                  "sent_corridor", "employed_corridor",
                                  "skilled_employed_corridor", "skilled_below_corridor",
                                  "cohort_abroad")}
        self.totals = {f.name: np.zeros(K) for f in self.flow_specs if f.per_corridor}
        self.runners = self._phase_runners()

    # ----------------------------------------------------------------- building the world
    def _build_network(self) -> nx.DiGraph:
        g = nx.DiGraph()
        for agent in self.country_agents:
            g.add_node(agent.iso3, agent=agent, region=agent.region,
                       income_group=agent.income_group)
        cor = self.world.corridors
        for i, (o, d) in enumerate(zip(cor["origin"], cor["destination"])):
            g.add_edge(o, d, index=i)
        return g

    def _populate(self) -> None:
        """Create the start-year migrants: `agents_per_corridor` agents per corridor, each
        standing for the corridor's `agent_weight` people, so each corridor's stock is exact."""
        k, c, cfg = self.corridors, self.countries, self.cfg
        rng = self.streams["population"]
        n = agents_per_corridor(k.stock0, cfg).astype(np.int64)
        corridor = np.repeat(np.arange(len(k.o)), n)
        m = len(corridor)
        weight = k.agent_weight[corridor]
        d = k.d[corridor]
        skill = (rng.random(m) < k.high_skill_share[corridor]).astype(np.int8)
        regular = rng.random(m) >= c.irregular_share[d]
        recognised = (skill == HIGH) & (rng.random(m) < k.recognition_share[corridor])
        employed = rng.random(m) >= c.migrant_unemployment[d]
        p_match = np.where(recognised, c.match_recognised[d], c.match_unrecognised[d])
        matched = employed & ((skill == LOW) | (rng.random(m) < p_match))
        access = c.account_access[d] * np.where(regular, 1.0, 0.5)
        years = self._sample_years_abroad(rng, m)
        wage = monthly_wage(self, d, skill, matched, regular)
        # Savings as accumulated over the years abroad at the expected employment rate (the
        # same rule the earnings process applies from now on), so returns of target savers
        # start in their steady state rather than at zero.
        savings = (cfg.remittances.saving_rate * wage * 12.0 * years
                   * (1.0 - c.migrant_unemployment[d]))
        self.migrants.add(corridor=corridor, status=ABROAD,
                          weight=weight.astype(np.float32), skill=skill, recognised=recognised,
                          employed=employed, matched=matched, regular=regular,
                          has_account=rng.random(m) < access, arrived=self.start_year - years,
                          savings=savings)

    def _sample_years_abroad(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """Years abroad of the start-year stock: the stationary age profile of a constant
        inflow under the return hazard (density proportional to survival)."""
        r = self.cfg.returns
        t = np.linspace(0.0, 60.0, 2401)
        survival = np.exp(-r.return_rate_settled * t - r.return_rate_new * r.return_decay_years
                          * (1.0 - np.exp(-t / r.return_decay_years)))
        cdf = np.cumsum(survival)
        cdf /= cdf[-1]
        return np.interp(rng.random(m), cdf, t).astype(np.float32)

    def _calibrate(self) -> None:
        """Fit the start to the data: remittance channel and shares, corridor constants, quotas."""
        c, k, pop = self.countries, self.corridors, self.migrants
        self.formal_constant = remittances.calibrate_formal_constant(self)
        self.tallies.recount(pop)
        self.stock_now = self.tallies.stock()  # updated at the end of every step (_tally)
        target = np.nan_to_num(self.world.countries["remittances_received_usd"]
                               .to_numpy(float), nan=0.0)
        c.remit_share = remittances.calibrate_remit_share(self, target)
        # Expected outflows a year by channel and skill ([2, K]): returns, and for irregular
        # migrants removals too. Each channel's inflow replaces its outflow.
        hazard = returns.return_hazard(self) * pop.weight
        removal = self.cfg.emigration.removal_rate * pop.weight * (pop.status == ABROAD)
        out_regular, out_irregular = (
            np.stack([np.bincount(pop.corridor, w * (pop.skill == s), len(k.o))
                      for s in (LOW, HIGH)])
            for w in (hazard * pop.regular, (hazard + removal) * ~pop.regular))
        outflow = out_regular + out_irregular
        # The 2015-2020 trend, by skill, scales both channels at the start and fades with
        # `trend_half_life_years`; the constants are calibrated for replacement alone.
        share = np.stack([1.0 - k.high_skill_share, k.high_skill_share])
        inflow = np.maximum(0.0, outflow + k.trend_per_year * share)
        k.asc_regular, k.asc_irregular = entry.calibrate_constants(
            self, out_regular, out_irregular, emigration.utilities(self))
        with np.errstate(divide="ignore", invalid="ignore"):
            k.trend_ratio = np.where(outflow > 0, inflow / outflow, 1.0)
        # The yearly quota admits the start's regular inflow, trend included; at the start half a
        # year's room is free (room carries over up to a year's quota, see `entry`).
        k.quota = (out_regular * k.trend_ratio).sum(axis=0)
        k.quota_left = 0.5 * k.quota
        self.calibrated_inflow = inflow
        self._add_initial_returnees(outflow)
        self.tallies.recount(pop)

    def _add_initial_returnees(self, returns_per_year: np.ndarray) -> None:
        """Returnees of the years before the start (the followed cohort in steady state), so
        return and reintegration indicators do not start from an empty cohort."""
        r, w = self.cfg.returns, self.corridors.agent_weight
        rng = self.streams["population"]
        people = returns_per_year * r.returnee_tracking_years  # [2, K]
        n = np.floor(people / w + rng.random(people.shape)).astype(np.int64)
        corridor = np.repeat(np.tile(np.arange(len(self.corridors.o)), 2), n.ravel())
        skill = np.repeat(np.array([LOW, HIGH], dtype=np.int8), n.sum(axis=1))
        m = len(corridor)
        years_home = rng.random(m) * r.returnee_tracking_years
        # Their time abroad before returning is not known: recorded as none (arrived = returned).
        returned = self.start_year - years_home
        rows = self.migrants.add(corridor=corridor, skill=skill, status=RETURNEE,
                                 weight=w[corridor].astype(np.float32), regular=True,
                                 returned=returned, arrived=returned)
        # Their barriers as at return, kept since (no programme before the start).
        draw_barriers(self, rows, rng)
        hazard = reintegration_hazard(self, rows, self.start_year)
        self.migrants.reintegrated[rows] = rng.random(m) < -np.expm1(-hazard * years_home)

    # ----------------------------------------------------------------- stepping
    def _phase_runners(self) -> dict:
        """Phase name -> what runs it: the model's own phases, then the components'."""
        own = {"economy": lambda model, events: self._update_economy(),
               "levers": lambda model, events: self._reset_levers(),
               "year_end": self._year_end, "record": self._record}
        built = {Shocks: self.shocks, FinancingFacility: self.facility,
                 Agreements: self.agreements, PolicySet: self.policies}
        runners = {}
        for phase, cls, _ in PHASES:
            if cls is None:
                runners[phase] = own[phase]
                continue
            owner = built[cls] if cls in built else cls()  # a process: one per model
            if owner is not None:  # None: the facility or the agreements are not on
                runners[phase] = owner.run
        return runners

    def _new_flows(self) -> None:
        K = len(self.corridors.o)
        self.flows = {f.name: np.zeros(K if f.per_corridor else 1) for f in self.flow_specs}

    def step(self) -> None:
        """One step: the phases of `model.catalogue.PHASES` in order, each followed by its
        after-hooks."""
        self._new_flows()
        events = StepEvents()
        for phase, _, _ in PHASES:
            run = self.runners.get(phase)
            if run is not None:
                run(self, events)
            self.call_hooks(f"after_{phase}", events)

    def call_hooks(self, hook: str, events: StepEvents) -> None:
        """Call `hook(model, events)` on the policies in force, then on the facility and the
        agreements."""
        self.policies.call(hook, events)
        for owner in (self.facility, self.agreements):
            method = getattr(owner, hook, None)
            if method is not None:
                method(self, events)

    def _year_end(self, model, events: StepEvents) -> None:
        if self.steps % self.steps_per_year == 0:
            self.call_hooks("end_of_year", events)

    def _record(self, model, events: StepEvents) -> None:
        """Counts, indicators and the DataCollector row; the run's histories and totals."""
        self._tally()
        self.indicator_values = self.measure()
        self.datacollector.collect(self)
        self.history["formal_received_by_origin"].append(
            np.bincount(self.corridors.o, self.flows["formal_received"], len(self.countries.iso3)))
        self.history["stock_by_corridor"].append(self.stock_now)
        self.history["formal_received_corridor"].append(self.flows["formal_received"])
        if self.cfg.tables != "none":
            self._record_for_tables()
        for name, total in self.totals.items():
            total += self.flows[name]
        if self.steps >= self.n_steps:
            self.running = False

    def _reset_levers(self) -> None:
        """Every lever back to its baseline value; active shocks and policies then move them."""
        for key, base in self._lever_base.items():
            table, name = key.split(".")
            setattr(getattr(self, table), name, base.copy())

    def lever_baseline(self, key: str) -> np.ndarray:
        """The baseline value of a lever ("table.name"), before shocks and policies move it."""
        return self._lever_base[key]

    def measure(self) -> dict[str, float]:
        """Every indicator now (what the DataCollector records at the end of a step)."""
        return measure(self, self.indicator_specs)

    def _update_economy(self) -> None:
        """Wages and working-age populations grow at the configured rates; with a non-zero
        native-wage elasticity wages also move with the migrant share of the population."""
        c, cfg, e = self.countries, self.cfg.labour, self.cfg.emigration
        years = self.years_elapsed()
        g_pop = np.where(c.high_income, e.population_growth_high_income, e.population_growth_other)
        c.potential_migrants = self._base_potential * (1.0 + g_pop) ** years
        g = np.where(c.high_income, cfg.wage_growth_high_income, cfg.wage_growth_other)
        factor = (1.0 + g) ** years
        if cfg.native_wage_elasticity:
            factor = factor * np.maximum(
                0.1, 1.0 + cfg.native_wage_elasticity * (self._hosted_share() - self._hosted_share0))
        c.wage_low = self._base_wages[0] * factor
        c.wage_high = self._base_wages[1] * factor

    def _hosted_share(self) -> np.ndarray:
        hosted = np.bincount(self.corridors.d, self.stock_now, len(self.countries.iso3))
        return hosted / np.maximum(self.countries.population, 1.0)

    def _tally(self) -> None:
        """Stock per corridor and migrants' unemployment rate per destination from the kept
        counts (the next step's emigration choice reads both)."""
        k, c = self.corridors, self.countries
        C = len(c.iso3)
        self.stock_now = self.tallies.stock()
        total = np.bincount(k.d, self.stock_now, C)
        employed = np.bincount(k.d, self.tallies.employed(), C)
        c.migrant_unemployment = np.divide(total - employed, total,
                                           out=c.migrant_unemployment.copy(), where=total > 0)

    def run(self, progress=None) -> None:
        """Step to the horizon; `progress` is an optional callback called after each step."""
        while self.running:
            self.step()
            if progress is not None:
                progress()

    # ----------------------------------------------------------------- queries
    def years_elapsed(self) -> float:
        """Years since the start at the beginning of the current step."""
        return max(self.steps - 1, 0) * self.dt

    def now(self) -> float:
        """The decimal year at the beginning of the current step (the start year before any)."""
        return self.start_year + self.years_elapsed()

    def _record_for_tables(self) -> None:
        """The step's inputs of the analysis tables (outputs.corridor_timeseries, country_roles,
        cohorts), kept only when they are written (a long global run would hold hundreds of
        MB): flows are new each step, the kept counts are copied."""
        high, skilled, below = self.tallies.tertiary_by_work()
        self.history["stock_high_by_corridor"].append(high)
        self.history["skilled_employed_corridor"].append(skilled)
        self.history["skilled_below_corridor"].append(below)
        self.history["employed_corridor"].append(self.tallies.employed())
        for name in ("arrivals", "arrivals_irregular", "returns", "received", "sent"):
            self.history[f"{name}_corridor"].append(self.flows[name])
        self.history["price_corridor"].append(self.corridors.price_pct.copy())
        if self.steps % self.steps_per_year == 0:
            self.history["cohort_abroad"].append(self._abroad_by_arrival_year())

    def _abroad_by_arrival_year(self) -> np.ndarray:
        """People abroad now by the year they arrived in, from the start year on (index 0).
        An arrival of a step is dated at the step's end (`arrived`); half a step back gives
        the step's own year, whatever the float rounding of the step length."""
        pop = self.migrants
        rows = np.flatnonzero((pop.status == ABROAD) & (pop.arrived > self.start_year))
        cohort = np.floor(pop.arrived[rows] - 0.5 * self.dt).astype(np.int64) - self.start_year
        keep = cohort >= 0
        years = int(np.floor(self.now() + 0.5 * self.dt)) - self.start_year + 1
        return np.bincount(cohort[keep], pop.weight[rows][keep], years)[:years]

    def count_people(self, rows: np.ndarray) -> np.ndarray:
        """People in `rows`, summed per corridor."""
        pop = self.migrants
        return np.bincount(pop.corridor[rows], pop.weight[rows], len(self.corridors.o))

    def stock_by_corridor(self) -> np.ndarray:
        """People abroad in each corridor now."""
        pop = self.migrants
        return np.bincount(pop.corridor, pop.weight * (pop.status == ABROAD),
                           len(self.corridors.o))

    def migrant(self, uid: int) -> Migrant:
        """A `Migrant` view on the migrant with stable id `uid` (the same view on repeat calls)."""
        view = self._views.get(uid)
        if view is None:
            if self.migrants.row_of(uid) < 0:
                raise LookupError(f"no migrant with uid {uid}")
            view = self._views[uid] = Migrant(self, uid)
        return view

    def release_views(self) -> None:
        """Deregister every Migrant view handed out so far (the migrants stay in the arrays)."""
        for view in self._views.values():
            view.remove()
        self._views.clear()


def _signature() -> inspect.Signature:
    params = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
              for name, value in flat_defaults().items()]
    params.append(inspect.Parameter("rng", inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(params)


# Every setting is a keyword with its default, visible to inspect, IDEs and mesa.batch_run.
MigrationModel.__signature__ = _signature()
