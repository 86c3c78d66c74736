"""What every policy shares: its config (when, where, how strongly), its hooks, its costs.

A policy is data against the baseline (as in PolicyEngine/OpenFisca): the same world, the same
random streams, plus a mechanism that moves some of the model's levers. Each policy is one module
of this package: a config dataclass (a subclass of `PolicyConfig` whose fields carry unit, range
and source, like every setting) and a `Policy` subclass registered with `@register`. No central
list names them: the package imports every module it holds, and Hydra finds their config files
in `conf/policies/`.

Levers are per-corridor or per-country arrays that the model resets to their baseline values at
the start of every step (`model.levers`); an active policy then moves them in `before_step`, so
policies combine (each acts on the levers as the others left them) and switching one off returns
its levers to the baseline at once.

Costs are booked by payer (origin or destination governments, employers, the financing
facility) with `Policy.pay`, so that effect can be set against cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from model.config import param

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


class Policy:
    """Base class: scope, activation and cost booking; subclasses implement the hooks.

    Hooks (all optional), called by the model while the policy is active:
        before_step(model)        move levers or change migrants' state at the start of a step;
        after_remittances(model)  act on this step's remittance flows (`model.flows`);
        end_of_year(model)        yearly settlements (bonds, budgets).
    """

    name: ClassVar[str] = ""
    config_class: ClassVar[type[PolicyConfig]] = PolicyConfig
    # Indicators (names in model.indicators) whose direction the policy is meant to move.
    moves: ClassVar[dict[str, str]] = {}

    def __init__(self, model, cfg: PolicyConfig):
        self.model = model
        self.cfg = cfg
        self.covered = covered_corridors(model, cfg)
        self.costs = {payer: 0.0 for payer in PAYERS}

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


def covered_corridors(model, cfg: PolicyConfig) -> np.ndarray:
    """Boolean mask of the corridors a policy covers."""
    k, iso3 = model.corridors, model.countries.iso3
    if cfg.scope == "all":
        return np.ones(len(k.o), dtype=bool)
    if cfg.scope == "members":
        members = np.isin(iso3, list(cfg.members))
        return members[k.o] & members[k.d]
    names = np.char.add(np.char.add(iso3[k.o].astype(str), "-"), iso3[k.d].astype(str))
    return np.isin(names, list(cfg.corridors))
