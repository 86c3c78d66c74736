"""The component protocol: what every part of the model declares about itself.

Processes, policies, shocks, the financing facility and the bilateral agreements are components,
in the manner of Starsim's modules and interventions: each declares, in its own module,

- `config_class` (and `config_key`, its section of `MigrationConfig`): its settings, each with
  unit, range and source (`model.params.param`);
- `levers`: the model arrays it introduces that are reset to their baseline every step and then
  moved by shocks and policies (`Lever`); `moves_levers`: the levers it writes;
- `flows`: what it adds to the step's flows, per corridor or one number (`Flow`);
- `fields`: the per-migrant arrays it adds to the population (`Field`);
- `indicators`: the columns it reports in the timeseries, each with how it is measured
  (`Indicator`), and `headlines`: the outcomes of a run it reports in the summary (`Headline`);
- `phase`: the phase of the step it runs, if any (see `model.model.PHASES`), and its hooks.

The model assembles its levers, flows, per-migrant arrays, DataCollector reporters, summary
headlines, comparison-figure columns and the policy sweep from these declarations
(`model.catalogue`): nothing is listed twice and no central list has to be edited.

Hooks: after the loop runs phase `X` it calls `after_X(model, events)` on every policy in force
and on the facility; `StepEvents` carries what the step's processes did (arrivals, returns, the
unemployed), so components never hand each other rows through model attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import numpy as np

TABLES = ("corridors", "countries")
# How a headline summarises a timeseries column (see `Headline`).
SUMMARIES = ("end", "sum", "max", "mean", "last_year_sum", "last_year_mean")
# Units of the comparison figures: "people" in millions, "usd_step" in US$ billions per step,
# "share" in %, "pct" as is (time series); "money" in % of the baseline, "share" in points,
# "months" and "people" in their unit (effects).
FIGURE_KINDS = ("people", "usd_step", "share", "pct", "money", "months")


@dataclass(frozen=True)
class Lever:
    """A corridor or country array reset to its baseline at the start of every step.

    Attributes:
        table: "corridors" or "countries".
        name: the array's attribute name on that table.
        doc: what it does, in plain words, with its unit.
        init: its baseline: a number or True/False for every row, or a function of the model
            (its world's tables and settings, before the start population exists) returning
            the array, e.g. `lambda model: np.full(n, model.cfg.labour.job_loss_rate)`.
        by_skill: a [2, n] array (low, high skill) rather than [n].
    """

    table: str
    name: str
    doc: str
    init: float | bool | Callable[[Any], np.ndarray] | None = None
    by_skill: bool = False

    @property
    def key(self) -> str:
        return f"{self.table}.{self.name}"

    def create(self, model, n: int) -> np.ndarray:
        """The baseline array of a table of `n` rows of `model`."""
        shape = (2, n) if self.by_skill else (n,)
        if callable(self.init):
            value = np.asarray(self.init(model))
            if value.shape != shape:
                raise ValueError(f"lever {self.key}: its init returned shape {value.shape}, "
                                 f"expected {shape}")
            return value
        if self.init is None:
            raise ValueError(f"lever {self.key} declares no baseline (init): give a number, "
                             "True/False, or a function of the model")
        dtype = bool if isinstance(self.init, bool) else float
        return np.full(shape, self.init, dtype=dtype)


@dataclass(frozen=True)
class Flow:
    """What a component adds to the step's flows (`model.flows[name]`, zeroed every step).

    Per-corridor flows are also summed over the run (`model.totals`, corridors.csv); the others
    are one number per step (`model.flows[name][0]`). `stock`: +1 for a per-corridor flow of
    people who join the corridor's stock abroad (arrivals), -1 for one who leave it (returns),
    0 otherwise: the people conserved are the declared flows' sum (`model.census.stock_change`).
    """

    name: str
    unit: str
    doc: str
    per_corridor: bool = False
    stock: int = 0


@dataclass(frozen=True)
class Series:
    """A per-step record a component keeps for the run's tables (`model.history[name]`, one
    array per step), as Starsim's results: declared here, appended by the model after each
    step's indicators.

    Attributes:
        measure: model -> the step's array (a fresh array: the model keeps it as is).
        tables: kept only when the analysis tables are written (`tables` is not "none"): a
            long global run would hold hundreds of MB.
        yearly: recorded at the end of each year only.
    """

    name: str
    unit: str
    doc: str
    measure: Callable[[Any], np.ndarray] = field(repr=False, compare=False, default=None)
    tables: bool = False
    yearly: bool = False


@dataclass(frozen=True)
class Field:
    """A per-migrant array the component adds to the population (`model.migrants.<name>`)."""

    name: str
    dtype: Any
    doc: str


@dataclass(frozen=True)
class Indicator:
    """A timeseries column: name, unit, meaning and how it is measured, written once.

    Attributes:
        measure: model -> float, called at the end of every step.
        compare: (figure title, kind) to draw it in the sweep's comparison figures.
    """

    name: str
    unit: str
    label: str
    measure: Callable[[Any], float] = field(repr=False, compare=False, default=None)
    compare: tuple[str, str] | None = None


@dataclass(frozen=True)
class Headline:
    """An outcome of a run in summary.json and the sweep table.

    Either `column` and `how` (one of SUMMARIES: the value at the horizon, the sum or the maximum
    over the run, the mean, the sum or mean over the last year), or `measure(ts, model)`.

    Attributes:
        effect: (figure title, kind) to draw the paired effect in the sweep's effects.png.
    """

    name: str
    unit: str
    label: str
    column: str | None = None
    how: str | None = None
    measure: Callable[[Any, Any], float] | None = field(repr=False, compare=False, default=None)
    effect: tuple[str, str] | None = None

    def value(self, ts, model) -> float:
        """The headline of a timeseries `ts` (the DataCollector's table) of `model`."""
        if self.measure is not None:
            return float(self.measure(ts, model))
        if self.how == "end":
            return float(ts.iloc[-1][self.column])
        year = ts.iloc[-model.steps_per_year:]
        series = {"sum": ts, "max": ts, "mean": ts, "last_year_sum": year,
                  "last_year_mean": year}[self.how][self.column]
        if self.how in ("sum", "last_year_sum"):
            return float(series.sum())
        return float(series.max() if self.how == "max" else series.mean())


@dataclass(frozen=True)
class RunFigure:
    """A figure of a run folder, declared by the component that owns its data.

    Attributes:
        file: the PNG's name in `figures/` (e.g. "facility.png").
        doc: what it shows, in plain words (the README's list of figures is generated from it).
        draw: "module:function" of the drawing function, imported only when figures are drawn
            (so the model never imports matplotlib). The function takes the run's inputs
            (`model.plots.RunData`) and the path to write, and returns the path, or None when
            its inputs are missing (e.g. a run without the facility).
    """

    file: str
    doc: str
    draw: str


@dataclass
class StepEvents:
    """What this step's processes did, for the components that act on it (rows of migrants).

    Attributes:
        idle: migrants abroad without a job after the labour phase.
        returned: migrants who went home in the returns phase.
        arrivals: migrants who arrived in the emigration phase.
    """

    idle: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    returned: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    arrivals: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))


class Component:
    """Base of every component: declarations (class attributes) and an optional phase.

    Subclasses set what they add (see the module docstring); a component with a `phase`
    implements `run(model, events)`, which the model calls at that point of every step.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    phase: ClassVar[str | None] = None
    config_key: ClassVar[str | None] = None
    config_class: ClassVar[type | None] = None
    levers: ClassVar[tuple[Lever, ...]] = ()
    moves_levers: ClassVar[tuple[str, ...]] = ()
    flows: ClassVar[tuple[Flow, ...]] = ()
    fields: ClassVar[tuple[Field, ...]] = ()
    indicators: ClassVar[tuple[Indicator, ...]] = ()
    headlines: ClassVar[tuple[Headline, ...]] = ()
    series: ClassVar[tuple[Series, ...]] = ()
    figures: ClassVar[tuple[RunFigure, ...]] = ()

    # The lifecycle of a process (the components of `model.catalogue.PROCESSES`, one instance
    # per model), called in phase order as Starsim calls `init_pre` and `init_post`: the
    # model has built its tables and the declared levers when `init_pre` runs, and the
    # start-year migrants when `init_post` runs.
    @classmethod
    def build(cls, model):
        """The component's instance for `model`, or None when it is off: a process has one
        instance per model, built first; the interventions override this and are built after
        the processes have calibrated."""
        return cls()

    def init_pre(self, model) -> None:
        """Allocate and set the component's own state before the start population exists."""

    def init_post(self, model) -> None:
        """Calibrate the component's state to the data, once the start population exists."""

    def corridor_end(self, model) -> dict[str, np.ndarray]:
        """Columns the component adds to corridors.csv: name -> [K] values at the run's end
        (none by default; the per-corridor flows' totals are added for every component)."""
        return {}

    def run(self, model, events: StepEvents) -> None:
        """The component's phase of the step."""
        raise NotImplementedError(f"{type(self).__name__} declares phase {self.phase!r} "
                                  "but no run()")


def ratio(a: float, b: float) -> float:
    """a / b as a float, 0 when b is not positive (shares of empty groups)."""
    return float(a / b) if b > 0 else 0.0


def step_flow(name: str) -> Callable[[Any], float]:
    """A measure reading one per-step flow (`model.flows[name][0]`)."""
    return lambda model: float(model.flows[name][0])


def corridor_flow(name: str) -> Callable[[Any], float]:
    """A measure summing one per-corridor flow over corridors."""
    return lambda model: float(model.flows[name].sum())
