"""MigrationModel: the world's migration corridors as a Mesa model.

Countries are Mesa agents on a networkx DiGraph of origin->destination corridors; migrants are
rows of numpy arrays (`MigrantSet`) with `Migrant` views on demand. The model holds the world,
its tables and the loop; everything else is a component (`model.components`) that declares what
it adds: levers, flows, per-migrant arrays, indicators, per-step series, settings and figures.
The processes (`model.catalogue.PROCESSES`) set up their own state (`init_pre`), calibrate it
to the start population (`init_post`) and run their phase of every step, in the order of
`model.catalogue.PHASES`. Mesa's DataCollector records every declared indicator after each step.

Every parameter is a keyword with a default (the defaults live in the components' config
dataclasses, assembled by `model.config`), so `MigrationModel(job_loss_rate=0.2, rng=3)` and
`mesa.batch_run(MigrationModel, ...)` work; a Hydra config becomes keywords through
`model.runner.build_model`.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.agents import Country, Migrant, MigrantViews, build_network
from model.catalogue import (
    PHASES,
    INTERVENTIONS,
    PROCESSES,
    flows,
    indicators,
    series,
)
from model.census import region_column, tally
from model.components import StepEvents
from model.config import nest
from model.indicators import measure, reporter
from model.start import (  # noqa: F401  (MAX_AGENTS, check_rng, ...: re-exported as before)
    MAX_AGENTS,
    MAX_SEED,
    agents_per_corridor,
    check_rng,
    check_sections,
    check_world_size,
    create_levers,
    create_migrants,
    model_signature,
    populate,
)
from model.state import CorridorArrays, CountryArrays
from model.streams import Streams
from model.tallies import Tallies
from model.world.loader import load_world


class MigrationModel(MigrantViews, mesa.Model):
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
        self.cfg, self.seed, self.streams = cfg, int(seed), Streams(int(seed))
        self.start_year, self.steps_per_year = cfg.start_year, cfg.steps_per_year
        self.dt = 1.0 / cfg.steps_per_year
        self.n_steps = (cfg.end_year - cfg.start_year + 1) * cfg.steps_per_year
        self.processes = [cls.build(self) for cls in PROCESSES]
        check_sections(cfg, self.processes)
        self.world = load_world(cfg.world.name, cfg.world.path, cfg.start_year,
                                cfg.world.trend, cfg.world.migrants)
        self.countries = CountryArrays(self.world.countries, cfg)
        self.corridors = k = CorridorArrays(self.world.corridors, cfg)
        check_world_size(k, self.countries, cfg)
        create_levers(self)
        self.country_agents = [Country(self, i) for i in range(len(self.countries.iso3))]
        self.network = build_network(self)
        create_migrants(self)  # agent weights and the empty arrays of every declared field
        self._views: dict[int, Migrant] = {}
        self.flow_specs = flows()
        self._new_flows()
        self.tallies = Tallies(len(k.o))

        # The lifecycle: each process sets up its state, the start-year migrants are created,
        # and each process calibrates itself to them, in phase order.
        for process in self.processes:
            process.init_pre(self)
        populate(self)
        self.tallies.recount(self.migrants)
        self.stock_now = self.tallies.stock()  # updated at the end of every step (_tally)
        for process in self.processes:
            process.init_post(self)
        self.tallies.recount(self.migrants)
        self._lever_base = {lever.key: getattr(getattr(self, lever.table), lever.name).copy()
                            for lever in self.levers}

        for cls in INTERVENTIONS:  # model.policies, .facility, .agreements, .shocks
            setattr(self, cls.name, cls.build(self))
        self.indicator_specs = indicators()
        reporters = ([i.name for i in self.indicator_specs]
                     + [region_column(r) for r in self.countries.regions])
        self.datacollector = mesa.DataCollector(model_reporters={n: reporter(n) for n in reporters})
        self.indicator_values: dict[str, float] = {}
        # The declared per-step series the run keeps (the analysis tables' only when written).
        self.series_specs = [s for s in series() if not s.tables or cfg.tables != "none"]
        self.history: dict[str, list[np.ndarray]] = {s.name: [] for s in self.series_specs}
        self.totals = {f.name: np.zeros(len(k.o)) for f in self.flow_specs if f.per_corridor}
        self.runners = self._phase_runners()

    # ----------------------------------------------------------------- stepping
    def _phase_runners(self) -> dict:
        """Phase name -> what runs it: the model's own phases, then the components'."""
        own = {"levers": lambda model, events: self._reset_levers(),
               "year_end": self._year_end, "record": self._record}
        built = {cls: getattr(self, cls.name) for cls in INTERVENTIONS}
        built.update((type(process), process) for process in self.processes)
        return {phase: own[phase] if cls is None else built[cls].run
                for phase, cls, _ in PHASES
                if cls is None or built[cls] is not None}  # the facility or agreements off

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
        """Counts, indicators and the DataCollector row; the declared series and the totals."""
        tally(self)
        self.indicator_values = self.measure()
        self.datacollector.collect(self)
        year_end = self.steps % self.steps_per_year == 0
        for spec in self.series_specs:
            if year_end or not spec.yearly:
                self.history[spec.name].append(spec.measure(self))
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


# Every setting is a keyword with its default, visible to inspect, IDEs and mesa.batch_run.
MigrationModel.__signature__ = model_signature()
