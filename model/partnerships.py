"""Bilateral corridor agreements that form and fail.

An agreement is a bundle of the partnership policies (by default skill recognition, fair
recruitment and social-security portability) on one corridor, agreed by its origin and its
destination. Once a year, from `start_year`:

- each side of every agreement in force judges it: it stays with a probability that rises with
  the value it gets (its expected benefit, weighted by fairness and trust) against what the
  agreement actually cost it over the past year; if either side leaves, the agreement ends and
  its policies stop at once (their levers return to the baseline);
- for the largest corridors without one (`corridors_considered`), each side weighs the expected
  benefit against the expected cost and the agreement forms if both say yes.

Expected yearly benefits and costs come from the corridor's state and the bundled policies'
own settings: each policy values itself for an agreement (`Policy.value_for_agreement`, in its
own module), for example
- fair recruitment: the fees workers no longer pay (origin benefit; an employers' cost, counted
  on the destination side);
- skill recognition: the earnings gain of skilled migrants who move to jobs at their skill
  (origin: the remitted share; destination: `productivity_share` of the rest), against the
  certification (origin) and the permit discounts (destination);
- portability: the pension rights returnees carry home (origin), against administration (both).
Fairness: a side whose benefit-to-cost ratio is below its partner's finds the deal less fair
(the ratio of the two ratios, at most 1). Trust: members of the financing facility value
agreements with each other more (the facility's partnerships theme).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from model.components import Component, Flow, Indicator, StepEvents, step_flow
from model.params import ConfigError, param, typed
from model.policies import REGISTRY, parse_policies
from model.policies.base import CorridorView


@dataclass
class AgreementsConfig:
    """Settings of bilateral corridor agreements (`agreements` in the config)."""

    enabled: bool = param(False, "", label="agreements can form", source="scenario choice")
    start_year: float = param(2021.0, "year", 2000.0, 2100.0, label="first year agreements form",
                              source="scenario choice")
    bundle: list[str] = field(default_factory=lambda: [
        "skill_recognition", "fair_recruitment", "social_security_portability"])
    corridors_considered: int = param(40, "corridors", 1, 100000,
                                      label="largest corridors (by stock) that may sign one",
                                      source="modelling choice")
    sensitivity: float = param(2.0, "", 0.0, 100.0, label="how sharply sides react to value/cost",
                               source="assumption")
    productivity_share: float = param(
        0.5, "share", 0.0, 1.0, label="destination's gain per dollar of migrants' extra earnings "
        "not remitted", source="assumption")


def parse_agreements(spec) -> AgreementsConfig:
    """A validated AgreementsConfig from a mapping; ConfigError names the key."""
    cfg = typed(AgreementsConfig, spec, "agreements")
    bad = [name for name in cfg.bundle if name not in REGISTRY]
    if bad or not cfg.bundle:
        raise ConfigError(f"agreements.bundle = {list(cfg.bundle)}: give one or more of "
                          f"{', '.join(sorted(REGISTRY))}")
    return cfg


@dataclass
class Agreement:
    """One agreement in force (or ended) on a corridor."""

    corridor: int
    name: str
    formed: float
    policies: list = field(default_factory=list)
    ended: float | None = None
    paid: dict = field(default_factory=dict)  # costs by side at the last judgement


def _coverage(model) -> float:
    return model.agreements.coverage() if model.agreements is not None else 0.0


class Agreements(Component):
    """All bilateral agreements of a run; yearly formation and judgement (the `agreements`
    phase of the step, at the start of each year from `start_year`)."""

    name = "agreements"
    label = "bilateral agreements"
    phase = "agreements"
    config_key = "agreements"
    config_class = AgreementsConfig
    flows = (Flow("agreements_formed", "agreements", "agreements signed"),
             Flow("agreements_ended", "agreements", "agreements abandoned"))
    indicators = (
        Indicator("agreements_in_force", "agreements", "bilateral corridor agreements in force",
                  lambda model: (float(len(model.agreements.active))
                                 if model.agreements is not None else 0.0)),
        Indicator("agreements_formed", "agreements per step", "agreements signed",
                  step_flow("agreements_formed")),
        Indicator("agreements_ended", "agreements per step", "agreements abandoned",
                  step_flow("agreements_ended")),
        Indicator("agreement_coverage", "people",
                  "migrants abroad on corridors with an agreement", _coverage),
    )

    def __init__(self, model, cfg: AgreementsConfig):
        self.model = model
        self.cfg = cfg
        self.all: list[Agreement] = []
        self.active: dict[int, Agreement] = {}
        self.settings = {name: REGISTRY[name].config_class() for name in cfg.bundle}

    def run(self, model, events: StepEvents) -> None:
        """Judge and form agreements once a year, from `start_year`."""
        if (model.steps - 1) % model.steps_per_year == 0 and model.now() + 1e-9 >= self.cfg.start_year:
            self.yearly()

    def policies(self) -> list:
        """Policy instances of the agreements in force (their hooks run with the others)."""
        return [p for a in self.active.values() for p in a.policies]

    def expected(self, c: np.ndarray) -> tuple[np.ndarray, ...]:
        """Expected yearly (origin benefit, origin cost, destination benefit, destination cost)
        of the bundle on corridors `c` (USD): the sum of what each bundled policy is worth to
        each side (`Policy.value_for_agreement`, in its own module)."""
        view = CorridorView.of(self.model, c)
        totals = [np.zeros(len(c)) for _ in range(4)]
        for name, settings in self.settings.items():
            parts = REGISTRY[name].value_for_agreement(self.model, settings, view)
            for total, part in zip(totals, parts):
                total += part
        return tuple(totals)

    def _decide(self, b_o, c_o, b_d, c_d, trust) -> np.ndarray:
        """Whether both sides say yes (random, logit in log value / cost)."""
        rng = self.model.streams["agreements"]
        ratio_o = b_o / np.maximum(c_o, 1.0)
        ratio_d = b_d / np.maximum(c_d, 1.0)
        fair_o = np.minimum(1.0, ratio_o / np.maximum(ratio_d, 1e-12))
        fair_d = np.minimum(1.0, ratio_d / np.maximum(ratio_o, 1e-12))
        yes = []
        for b, cost, fair in ((b_o, c_o, fair_o), (b_d, c_d, fair_d)):
            value = b * fair * (1.0 + trust)
            x = self.cfg.sensitivity * np.log(np.maximum(value, 1.0) / np.maximum(cost, 1.0))
            yes.append(rng.random(len(b)) < 1.0 / (1.0 + np.exp(-x)))
        return yes[0] & yes[1]

    def _trust(self, c: np.ndarray) -> np.ndarray:
        fac = self.model.facility
        if fac is None:
            return np.zeros(len(c))
        k = self.model.corridors
        both = fac.member[k.o[c]] & fac.member[k.d[c]]
        return np.where(both, np.minimum(fac.trust[k.o[c]], fac.trust[k.d[c]]), 0.0)

    def yearly(self) -> None:
        """Judge the agreements in force, then let new ones form."""
        m, k = self.model, self.model.corridors
        iso3 = m.countries.iso3
        f = m.flows
        if self.active:
            c = np.array(sorted(self.active))
            b_o, c_o, b_d, c_d = self.expected(c)
            # What the agreement actually cost each side since the last judgement.
            for i, ci in enumerate(c):
                a = self.active[ci]
                paid = {"origin": sum(p.costs["origin"] for p in a.policies),
                        "destination": sum(p.costs["destination"] + p.costs["employers"]
                                           for p in a.policies)}
                c_o[i] = paid["origin"] - a.paid.get("origin", 0.0)
                c_d[i] = paid["destination"] - a.paid.get("destination", 0.0)
                a.paid = paid
            stay = self._decide(b_o, c_o, b_d, c_d, self._trust(c))
            for ci in c[~stay]:
                self.active.pop(int(ci)).ended = m.now()
                f["agreements_ended"][0] += 1
        order = np.argsort(-m.tallies.stock())[:self.cfg.corridors_considered]
        candidates = np.array([ci for ci in order if int(ci) not in self.active], dtype=np.intp)
        if len(candidates) == 0:
            return
        b_o, c_o, b_d, c_d = self.expected(candidates)
        sign = self._decide(b_o, c_o, b_d, c_d, self._trust(candidates))
        for ci in candidates[sign]:
            name = f"{iso3[k.o[ci]]}-{iso3[k.d[ci]]}"
            configs = parse_policies({p: {"scope": "corridors", "corridors": [name],
                                          "start_year": m.now()} for p in self.cfg.bundle})
            a = Agreement(corridor=int(ci), name=name, formed=m.now(),
                          policies=[REGISTRY[p](m, cfg) for p, cfg in configs.items()])
            self.active[int(ci)] = a
            self.all.append(a)
            f["agreements_formed"][0] += 1

    def coverage(self) -> float:
        """People abroad on corridors with an agreement in force."""
        if not self.active:
            return 0.0
        return float(self.model.tallies.stock()[list(self.active)].sum())

    def summary(self) -> dict:
        return {"parameters": dataclasses.asdict(self.cfg),
                "agreements": [{"corridor": a.name, "formed": a.formed, "ended": a.ended}
                               for a in self.all],
                "formed": len(self.all), "in_force_end": len(self.active)}

