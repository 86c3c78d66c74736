"""What every policy shares: its config (when, where, how strongly), its hooks, its costs.

A policy is data against the baseline (as in PolicyEngine/OpenFisca): the same world, the same
random streams, plus a mechanism that moves some of the model's levers. Each policy is one module
of this package: a config dataclass (a subclass of `PolicyConfig` whose fields carry unit, range
and source, like every setting) and a `Policy` subclass registered with `@register`. No central
list names them: the package imports every module it holds, and Hydra finds their config files
in `conf/policies/`.

A policy is a component (`model.components`): besides its config it declares the levers it moves
(`moves_levers`, and any new `levers` it introduces), the flows, per-migrant fields, indicators and
headlines it adds, its main parameter and a label in plain words (`main_parameter`, `label`:
what the browser app and the figures show), and how each side of a corridor values it in a
bilateral agreement (`value_for_agreement`). Levers are per-corridor or per-country arrays that the
model resets to their baseline values at the start of every step; an active policy then moves them
in `before_step`, so policies combine (each acts on the levers as the others left them) and
switching one off returns its levers to the baseline at once.

Costs are booked by payer (origin or destination governments, employers, the financing
facility) with `Policy.pay`, so that effect can be set against cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from model.components import Component
from model.params import param

PAYERS = ("origin", "destination", "employers", "facility")
REGISTRY: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator: make a policy known by its `name` (the file name of its config)."""
    if cls.name in REGISTRY:
        raise ValueError(f"two policies are named {cls.name!r}")
    REGISTRY[cls.name] = cls
    return cls


@dataclass
class PolicyConfig:
    """Settings every policy has: when it starts, where it applies, how strongly."""

    start_year: float = param(2020.0, "year", 2000.0, 2100.0,
                              label="when the policy takes effect (decimal year)",
                              source="scenario choice")
    intensity: float = param(1.0, "share", 0.0, 1.0,
                             label="scales the policy's effect (1 = the evidence-based default)",
                             source="scenario choice")
    scope: str = param("all", "", label="where it applies: all corridors, the corridors among "
                       "`members` (a partnership), or the `corridors` listed",
                       source="scenario choice")
    members: list[str] = field(default_factory=list)
    corridors: list[str] = field(default_factory=list)

    SCOPES: ClassVar[tuple[str, ...]] = ("all", "members", "corridors")
    # Text settings and their allowed values, checked before the run (subclasses extend it).
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}

    def check(self, name: str) -> None:
        """Checks across settings beyond each field's range (subclasses add theirs); raise
        ConfigError naming `policies.<name>.<key>`."""


class Policy(Component):
    """Base class: scope, activation and cost booking; subclasses implement the hooks.

    Hooks (all optional), called by the model while the policy is in force, each with the model
    and the step's `StepEvents`:
        before_step          move levers or change migrants' state at the start of a step;
        after_<phase>        act on what a phase of the step did (e.g. `after_remittances` on
                             this step's flows, `after_returns` on `events.returned`);
        end_of_year          yearly settlements (bonds, budgets).
    """

    config_class: ClassVar[type[PolicyConfig]] = PolicyConfig
    # Which corridors `scope: members` covers: "both" (origin and destination are members: a
    # partnership) or "origin" (every corridor from a member, as for bond issuers).
    members_cover: ClassVar[str] = "both"
    # The setting a workshop participant moves first, e.g. a cap or a rate (a field name).
    main_parameter: ClassVar[str] = "intensity"
    # Indicators (names of declared indicators) whose direction the policy is meant to move.
    moves: ClassVar[dict[str, str]] = {}

    def __init__(self, model, cfg: PolicyConfig):
        self.model = model
        self.cfg = cfg
        self.covered = covered_corridors(model, cfg, self.members_cover)
        self.costs = {payer: 0.0 for payer in PAYERS}
        # Money the policy has delivered to the origin's people (fees its workers no longer
        # pay, pension rights carried home), USD: what the origin of an agreement counts.
        self.delivered = 0.0

    def active(self) -> bool:
        """Whether the policy is in force during the current step."""
        return self.model.now() + 1e-9 >= self.cfg.start_year

    def covered_rows(self, rows: np.ndarray) -> np.ndarray:
        """The rows (migrants) among `rows` whose corridor the policy covers."""
        return rows[self.covered[self.model.migrants.corridor[rows]]]

    def pay(self, payer: str, usd: float) -> None:
        """Book a cost (USD) on a payer, for this step's flows and the run's totals."""
        if payer not in PAYERS:
            raise ValueError(f"unknown payer {payer!r}; allowed: {', '.join(PAYERS)}")
        usd = float(usd)
        self.costs[payer] += usd
        self.model.flows[f"cost_{payer}"][0] += usd

    def summary(self) -> dict[str, Any]:
        """What summary.json records of the policy: its parameters and its costs."""
        from dataclasses import asdict

        return {"parameters": asdict(self.cfg), "covered_corridors": int(self.covered.sum()),
                "costs_usd": {p: round(v, 2) for p, v in self.costs.items()}}

    @classmethod
    def value_for_agreement(cls, model, cfg: PolicyConfig,
                            view: CorridorView) -> tuple[np.ndarray, ...]:
        """Expected yearly (origin benefit, origin cost, destination benefit, destination cost),
        USD, of this policy with settings `cfg` on the corridors of `view`, as each side of a
        bilateral agreement judges it (`model.partnerships`). The base policy is worth nothing
        to either side."""
        zero = np.zeros(len(view.c))
        return zero, zero, zero, zero


@dataclass(frozen=True)
class CorridorView:
    """What a policy's valuation for an agreement reads of corridors `c` now (see
    `Policy.value_for_agreement`): stocks, skill mix, quotas, destination wages, and the
    returns and formal remittances a year so far."""

    c: np.ndarray
    stock: np.ndarray         # people abroad
    high_skill: np.ndarray    # tertiary share
    arrivals: np.ndarray      # regular arrivals a year (the quota)
    wage_low: np.ndarray      # destination monthly wages, USD
    wage_high: np.ndarray
    remit_share: np.ndarray   # the origin's share of earnings remitted
    returns: np.ndarray       # returns a year so far (people)
    formal: np.ndarray        # formal remittances received a year so far (USD)

    @classmethod
    def of(cls, model, c: np.ndarray) -> CorridorView:
        k, co = model.corridors, model.countries
        d = k.d[c]
        years = max(model.steps, 1) / model.steps_per_year
        return cls(c=c, stock=model.tallies.stock()[c], high_skill=k.high_skill_share[c],
                   arrivals=k.quota[c], wage_low=co.wage_low[d], wage_high=co.wage_high[d],
                   remit_share=co.remit_share[k.o[c]],
                   returns=model.totals["returns"][c] / years,
                   formal=model.totals["formal_received"][c] / years)


def by_side(funder: str, usd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A cost paid by `funder` as (origin's, destination's) share: employers count on the
    destination's side, the facility on neither."""
    zero = np.zeros_like(usd)
    return (usd, zero) if funder == "origin" else (
        (zero, usd) if funder in ("destination", "employers") else (zero, zero))


def covered_corridors(model, cfg: PolicyConfig, members_cover: str = "both") -> np.ndarray:
    """Boolean mask of the corridors a policy covers (`members_cover` as `Policy`'s)."""
    k = model.corridors
    return coverage(cfg, model.countries.iso3, k.o, k.d, members_cover)


def coverage(cfg: PolicyConfig, iso3: np.ndarray, o: np.ndarray, d: np.ndarray,
             members_cover: str = "both") -> np.ndarray:
    """Boolean mask of the corridors (origin index `o`, destination index `d` into the country
    codes `iso3`) that `cfg`'s scope covers: all; with scope members, those whose both ends
    (or, with `members_cover="origin"` or `"destination"`, whose origin or destination) are
    members; with scope corridors, the listed ORIGIN-DESTINATION pairs."""
    if cfg.scope == "all":
        return np.ones(len(o), dtype=bool)
    if cfg.scope == "members":
        members = np.isin(iso3, list(cfg.members))
        end = {"origin": members[o], "destination": members[d]}
        return end.get(members_cover, members[o] & members[d])
    return np.isin(corridor_names(iso3, o, d), list(cfg.corridors))


def corridor_names(iso3: np.ndarray, o: np.ndarray, d: np.ndarray) -> np.ndarray:
    """ORIGIN-DESTINATION names of corridors, as `corridors` lists them."""
    iso3 = np.asarray(iso3).astype(str)
    return np.char.add(np.char.add(iso3[o], "-"), iso3[d])
