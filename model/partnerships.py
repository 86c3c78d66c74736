"""Bilateral corridor agreements that form, last or fail, each side judging its own outcomes.

An agreement puts partnership policies (from `bundle`: by default skill recognition, fair
recruitment and social-security portability) on one corridor, agreed by its origin and its
destination. Once a year, from `start_year`:

- forming: for the largest corridors without one (`corridors_considered`), each policy of the
  bundle is valued by each side from the corridor's state and the policy's own mechanism
  (`Policy.value_for_agreement`: expected yearly benefit and cost to the origin and to the
  destination, USD). The sides negotiate the subset of the bundle with the largest joint
  surplus that leaves neither expecting to lose (`negotiate`); each side then says yes with a
  probability that rises with its benefit, weighted by fairness and trust, against its cost;
- judging: after a commitment period (`review_years`), each side judges the agreement every
  year on what it has actually got since signing: the change in its own outcomes on the
  corridor against the change on the destination's corridors without an agreement (a
  difference in differences, per migrant, so wage growth and shocks cancel), in money, by
  channel:
  - origin: remittances received per migrant, plus the transfers the policies delivered to
    its people (recruitment fees its workers no longer paid, pension rights carried home);
  - destination: taxes on its migrants' regular earnings (`labour.tax_share`), the employers'
    share of their higher earnings (`productivity_share`), and the enforcement cost of
    irregular arrivals avoided (`emigration.enforcement_cost_usd` per irregular arrival);
  against what it paid (the destination side counts its employers' costs). A side leaves with
  a probability that falls with that value against its costs; the agreement then ends, its
  policies stop at once (their levers return to the baseline) and the side, its gains and
  costs, by channel, are recorded as the reason (summary.json and `partnerships.png`).
Fairness: a side whose benefit-to-cost ratio is below its partner's finds the deal less fair
(the ratio of the two ratios, at most 1). Trust: members of the financing facility value
agreements with each other more (the facility's partnerships theme).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from model.components import Component, Flow, Indicator, RunFigure, StepEvents, step_flow
from model.params import ConfigError, param, typed
from model.policies import REGISTRY, parse_policies
from model.policies.base import CorridorView

SIDES = ("origin", "destination")
# What each side counts, by channel (the realised ledger).
CHANNELS = {"origin": ("remittances", "transfers"),
            "destination": ("taxes", "employers", "enforcement")}
# Per corridor, summed over each year's steps: the outcomes the sides judge.
LEDGER = ("stock", "formal_received", "arrivals", "arrivals_irregular", "earnings",
          "regular_earnings")


@dataclass
class AgreementsConfig:
    """Settings of bilateral corridor agreements (`agreements` in the config)."""

    enabled: bool = param(False, "", label="agreements can form", source="scenario choice")
    start_year: float = param(2021.0, "year", 2000.0, 2100.0,
                              label="first year agreements form (the run's second year at the "
                                    "earliest: the sides need a year of outcomes)",
                              source="scenario choice")
    bundle: list[str] = field(default_factory=lambda: [
        "skill_recognition", "fair_recruitment", "social_security_portability"])
    corridors_considered: int = param(40, "corridors", 1, 100000,
                                      label="largest corridors (by stock) that may sign one",
                                      source="modelling choice")
    sensitivity: float = param(2.0, "", 0.0, 100.0, label="how sharply sides react to value/cost",
                               source="assumption")
    review_years: float = param(
        3.0, "years", 0.0, 50.0, label="commitment period before either side may leave",
        source="assumption (to be fitted; bilateral labour agreements commonly run for a fixed term of a few "
               "years before renewal)")
    productivity_share: float = param(
        0.5, "share", 0.0, 1.0, label="destination employers' gain per dollar of their migrant "
        "workers' higher earnings", source="assumption")


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
    reason_to_exist: str = ""   # the expected gains that made both sides sign
    reason_ended: str = ""      # the side that left, and its ledger
    side_left: str = ""         # origin, destination or both
    before: dict = field(default_factory=dict)  # per-migrant outcomes in the year before
    gains: dict = field(default_factory=dict)   # (side, channel) -> USD since signing
    costs: dict = field(default_factory=dict)   # side -> USD since signing


def negotiate(values: np.ndarray) -> np.ndarray:
    """Which policies each corridor's sides put in their agreement: of all subsets of the
    bundle, the one with the largest joint surplus (benefits less costs to both) that leaves
    neither side expecting to lose. `values`: [P policies, 4 (origin benefit, origin cost,
    destination benefit, destination cost), n corridors]; returns [P, n] booleans (a corridor
    with no such subset gets none)."""
    P, _, n = values.shape
    subsets = ((np.arange(2 ** P)[:, None] >> np.arange(P)) & 1).astype(bool)  # [S, P]
    totals = np.einsum("sp,pvn->svn", subsets.astype(float), values)  # [S, 4, n]
    net_o, net_d = totals[:, 0] - totals[:, 1], totals[:, 2] - totals[:, 3]
    joint = np.where((net_o >= 0) & (net_d >= 0), net_o + net_d, -np.inf)
    joint[0] = 0.0  # the empty agreement: nothing gained, nothing lost
    return subsets[np.argmax(joint, axis=0)].T


def _coverage(model) -> float:
    return model.agreements.coverage() if model.agreements is not None else 0.0


def _money(usd: float) -> str:
    return f"{usd / 1e6:,.1f} M"


class Agreements(Component):
    """All bilateral agreements of a run; yearly formation and judgement (the `agreements`
    phase of the step, at the start of each year from `start_year`)."""

    name = "agreements"
    label = "bilateral agreements"
    phase = "agreements"
    figures = (RunFigure("partnerships.png", "with agreements: agreements in force (and the "
                         "facility's members) over time, and each agreement's life: what it "
                         "holds and, if it ended, which side left and what each side had gained "
                         "per USD paid", "model.plots.partnerships:plot_partnerships"),)
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

    @classmethod
    def build(cls, model) -> Agreements | None:
        """The agreements when they are on (their bundles join the model's policies)."""
        if not model.cfg.agreements.enabled:
            return None
        agreements = cls(model, model.cfg.agreements)
        model.policies.extra = agreements.policies
        return agreements

    def __init__(self, model, cfg: AgreementsConfig):
        self.model = model
        self.cfg = cfg
        self.all: list[Agreement] = []
        self.active: dict[int, Agreement] = {}
        self.settings = {name: REGISTRY[name].config_class() for name in cfg.bundle}
        K = len(model.corridors.o)
        self.year = {key: np.zeros(K) for key in LEDGER}       # this year so far
        self.last_year: dict[str, np.ndarray] | None = None    # the last full year

    # ---------------------------------------------------------------- the ledger
    def after_record(self, model, events: StepEvents) -> None:
        """Add the step's outcomes per corridor to the year's ledger."""
        f, y = model.flows, self.year
        by_job = model.tallies.employed_by_job().sum(axis=1)  # [4 job cells, K]
        pay = model.earnings * by_job
        y["stock"] += model.tallies.stock()
        y["formal_received"] += f["formal_received"]
        y["arrivals"] += f["arrivals"]
        y["arrivals_irregular"] += f["arrivals_irregular"]
        y["earnings"] += pay.sum(axis=0)
        y["regular_earnings"] += pay[1] + pay[3]

    def _close_year(self) -> None:
        spy = self.model.steps_per_year
        y = dict(self.year)
        y["stock"] = y["stock"] / spy  # the year's mean stock
        self.last_year = y
        self.year = {key: np.zeros_like(v) for key, v in self.year.items()}

    def per_migrant(self, c: np.ndarray | slice) -> dict[str, np.ndarray]:
        """Last year's outcomes per migrant abroad (remittances, earnings) and the irregular
        share of arrivals, on corridors `c`."""
        y = self.last_year
        stock = np.maximum(y["stock"][c], 1.0)
        return {"remittances": y["formal_received"][c] / stock,
                "earnings": y["earnings"][c] / stock,
                "regular_earnings": y["regular_earnings"][c] / stock,
                "irregular_share": y["arrivals_irregular"][c] / np.maximum(y["arrivals"][c], 1.0)}

    def _control(self, c: np.ndarray) -> dict[str, np.ndarray]:
        """The same outcomes on the corridors into the same destination without an agreement
        (weighted by migrants), for each corridor of `c`; all corridors without one where a
        destination has none (so that destination-wide wage growth and shocks cancel)."""
        y, k = self.last_year, self.model.corridors
        C = len(self.model.countries.iso3)
        rest = np.ones(len(y["stock"]), dtype=bool)
        rest[list(self.active)] = False
        rest[c] = False

        def pooled(key):  # by destination, and over all corridors
            return np.bincount(k.d, y[key] * rest, C), float((y[key] * rest).sum())

        out = {}
        d = k.d[c]
        for name, key, base in (("remittances", "formal_received", "stock"),
                                ("earnings", "earnings", "stock"),
                                ("regular_earnings", "regular_earnings", "stock"),
                                ("irregular_share", "arrivals_irregular", "arrivals")):
            num_d, num = pooled(key)
            den_d, den = pooled(base)
            local = den_d[d] > 0
            out[name] = np.where(local, num_d[d] / np.maximum(den_d[d], 1.0),
                                 num / max(den, 1.0))
        return out

    # ---------------------------------------------------------------- the year
    def run(self, model, events: StepEvents) -> None:
        """Judge and form agreements once a year, from `start_year`."""
        if (model.steps - 1) % model.steps_per_year != 0 or model.steps == 1:
            return
        self._close_year()
        if model.now() + 1e-9 >= self.cfg.start_year:
            self.yearly()

    def policies(self) -> list:
        """Policy instances of the agreements in force (their hooks run with the others)."""
        return [p for a in self.active.values() for p in a.policies]

    def expected(self, c: np.ndarray) -> dict[str, np.ndarray]:
        """Expected yearly (origin benefit, origin cost, destination benefit, destination cost)
        of each bundled policy on corridors `c` (USD; `Policy.value_for_agreement`, in its own
        module): name -> [4, len(c)]."""
        view = CorridorView.of(self.model, c)
        return {name: np.array(REGISTRY[name].value_for_agreement(self.model, settings, view))
                for name, settings in self.settings.items()}

    def _decide(self, b_o, c_o, b_d, c_d, trust) -> tuple[np.ndarray, np.ndarray]:
        """Whether each side says yes (random, logit in log value / cost)."""
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
        return yes[0], yes[1]

    def _trust(self, c: np.ndarray) -> np.ndarray:
        fac = self.model.facility
        if fac is None:
            return np.zeros(len(c))
        k = self.model.corridors
        both = fac.member[k.o[c]] & fac.member[k.d[c]]
        return np.where(both, np.minimum(fac.trust[k.o[c]], fac.trust[k.d[c]]), 0.0)

    def yearly(self) -> None:
        """Judge the agreements in force, then let new ones form."""
        if self.active:
            self.judge()
        self.form()

    def judge(self) -> None:
        """Each side of every agreement past its commitment period judges what it got."""
        m, cfg, f = self.model, self.cfg, self.model.flows
        c = np.array(sorted(self.active))
        now = self.per_migrant(c)
        control = self._control(c)
        stock, arrivals = self.last_year["stock"][c], self.last_year["arrivals"][c]
        enforcement = m.cfg.emigration.enforcement_cost_usd
        for i, ci in enumerate(c):
            a = self.active[int(ci)]
            before, ctl0 = a.before["corridor"], a.before["control"]

            def change(key):
                return (now[key][i] - before[key]) - (control[key][i] - ctl0[key])
            # The year's gains, by side and channel (difference in differences, in money).
            year = {("origin", "remittances"): change("remittances") * stock[i],
                    ("destination", "taxes"): m.cfg.labour.tax_share
                    * change("regular_earnings") * stock[i],
                    ("destination", "employers"): cfg.productivity_share
                    * change("earnings") * stock[i],
                    ("destination", "enforcement"): -change("irregular_share") * arrivals[i]
                    * enforcement}
            for key, usd in year.items():
                a.gains[key] = a.gains.get(key, 0.0) + float(usd)
            # What the policies delivered to the origin's people, since signing.
            a.gains[("origin", "transfers")] = float(sum(p.delivered for p in a.policies))
            a.costs = {"origin": sum(p.costs["origin"] for p in a.policies),
                       "destination": sum(p.costs["destination"] + p.costs["employers"]
                                          for p in a.policies)}
        due = [int(ci) for ci in c if m.now() - self.active[int(ci)].formed
               >= cfg.review_years - 1e-9]
        if not due:
            return
        gained = {side: np.array([sum(self.active[ci].gains.get((side, ch), 0.0)
                                      for ch in CHANNELS[side]) for ci in due])
                  for side in SIDES}
        paid = {side: np.array([self.active[ci].costs[side] for ci in due]) for side in SIDES}
        yes_o, yes_d = self._decide(gained["origin"], paid["origin"], gained["destination"],
                                    paid["destination"], self._trust(np.array(due)))
        for i, ci in enumerate(due):
            if yes_o[i] and yes_d[i]:
                continue
            a = self.active.pop(ci)
            a.ended = m.now()
            a.side_left = "both" if not (yes_o[i] or yes_d[i]) else (
                "origin" if not yes_o[i] else "destination")
            a.reason_ended = "; ".join(
                self._ledger_text(a, side) for side in SIDES
                if a.side_left in (side, "both"))
            f["agreements_ended"][0] += 1

    @staticmethod
    def _ledger_text(a: Agreement, side: str) -> str:
        gains = {ch: a.gains.get((side, ch), 0.0) for ch in CHANNELS[side]}
        parts = ", ".join(f"{ch} {_money(v)}" for ch, v in gains.items())
        ratio = {s: sum(a.gains.get((s, ch), 0.0) for ch in CHANNELS[s])
                 / max(a.costs.get(s, 0.0), 1.0) for s in SIDES}
        other = SIDES[1 - SIDES.index(side)]
        fairness = min(1.0, ratio[side] / ratio[other]) if ratio[other] > 0 else 1.0
        return (f"{side} left: gained {_money(sum(gains.values()))} USD ({parts}) against "
                f"costs of {_money(a.costs.get(side, 0.0))} USD, {ratio[side]:,.1f} per dollar "
                f"against its partner's {ratio[other]:,.1f} (fairness {max(fairness, 0.0):.2f})")

    def form(self) -> None:
        """The largest corridors without an agreement may sign the subset of the bundle with the
        largest joint surplus that neither side expects to lose by (`negotiate`)."""
        m, k, f = self.model, self.model.corridors, self.model.flows
        iso3 = m.countries.iso3
        order = np.argsort(-m.tallies.stock())[:self.cfg.corridors_considered]
        candidates = np.array([ci for ci in order if int(ci) not in self.active], dtype=np.intp)
        if len(candidates) == 0:
            return
        values = self.expected(candidates)  # name -> [4, n]
        names = list(values)
        chosen = negotiate(np.stack([values[n] for n in names]))  # [P, n]
        stacked = np.stack([values[n] for n in names]) * chosen[:, None, :]
        b_o, c_o, b_d, c_d = stacked.sum(axis=0)
        yes_o, yes_d = self._decide(b_o, c_o, b_d, c_d, self._trust(candidates))
        sign = yes_o & yes_d & chosen.any(axis=0)
        before, control = self.per_migrant(candidates), self._control(candidates)
        for j in np.flatnonzero(sign):
            ci = int(candidates[j])
            name = f"{iso3[k.o[ci]]}-{iso3[k.d[ci]]}"
            bundle = [n for p, n in enumerate(names) if chosen[p, j]]
            configs = parse_policies({p: {**dataclasses.asdict(self.settings[p]),
                                          "scope": "corridors", "corridors": [name],
                                          "start_year": m.now()} for p in bundle})
            reason = "; ".join(
                f"{n}: origin {_money(values[n][0, j])} against {_money(values[n][1, j])}, "
                f"destination {_money(values[n][2, j])} against {_money(values[n][3, j])} USD "
                "a year" for n in bundle)
            a = Agreement(corridor=ci, name=name, formed=m.now(),
                          policies=[REGISTRY[p](m, cfg) for p, cfg in configs.items()],
                          reason_to_exist=reason,
                          before={"corridor": {key: float(v[j]) for key, v in before.items()},
                                  "control": {key: float(v[j]) for key, v in control.items()}})
            self.active[ci] = a
            self.all.append(a)
            f["agreements_formed"][0] += 1

    def coverage(self) -> float:
        """People abroad on corridors with an agreement in force."""
        if not self.active:
            return 0.0
        return float(self.model.tallies.stock()[list(self.active)].sum())

    def summary(self) -> dict:
        return {"parameters": dataclasses.asdict(self.cfg),
                "agreements": [{"corridor": a.name, "formed": a.formed, "ended": a.ended,
                                "policies": [p.name for p in a.policies],
                                "reason_to_exist": a.reason_to_exist,
                                "side_left": a.side_left, "reason_ended": a.reason_ended,
                                "gains_usd": {f"{s}_{ch}": round(v, 2)
                                              for (s, ch), v in a.gains.items()},
                                "costs_usd": {s: round(v, 2) for s, v in a.costs.items()}}
                               for a in self.all],
                "formed": len(self.all), "in_force_end": len(self.active)}
