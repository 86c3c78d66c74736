"""The partnership policies of the GFMD 2020 Theme 6 paper, one module each.

Importing this package imports every module in it, and each registers its policy with
`@register` (see `base.py`): adding a policy is adding one module (and its config file
`conf/policies/<name>.yaml`, generated from the module by `python -m model.docs policy-configs`),
with no list to edit. `PolicySet` is the component that runs the policies of a run: the
`policies` phase of the step (their `before_step`), their other hooks, and their costs by payer.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from omegaconf import OmegaConf

from model.components import Component, Flow, Headline, Indicator, StepEvents, step_flow
from model.params import ConfigError, default_of, typed
from model.policies.base import PAYERS, REGISTRY, Policy, PolicyConfig, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["PAYERS", "REGISTRY", "Policy", "PolicyConfig", "PolicySet", "check_coverage",
           "parse_policies", "register"]


def parse_policies(spec: Any) -> dict[str, PolicyConfig]:
    """Typed, validated policy configs from a list of names or a {name: {key: value}} mapping.

    Raises ConfigError naming the policy and key, and what is allowed, for an unknown policy,
    an unknown key, a wrong type, a value out of range, an unknown scope or country code.
    """
    if spec is None:
        return {}
    if OmegaConf.is_config(spec):
        spec = OmegaConf.to_container(spec, resolve=True)
    if isinstance(spec, str):
        spec = [spec]
    if isinstance(spec, (list, tuple)):
        spec = {name: {} for name in spec}
    if not isinstance(spec, dict):
        raise ConfigError(f"policies = {spec!r}: give a list of policy names or a mapping")
    out = {}
    for name, values in spec.items():
        if name not in REGISTRY:
            raise ConfigError(f"unknown policy {name!r}; allowed: {', '.join(sorted(REGISTRY))}")
        out[name] = _policy_config(name, REGISTRY[name].config_class, values or {})
    return out


def _policy_config(name: str, cls: type[PolicyConfig], values: dict) -> PolicyConfig:
    cfg = typed(cls, values, f"policies.{name}", choices=cls.CHOICES)
    if cfg.scope not in PolicyConfig.SCOPES:
        raise ConfigError(f"policies.{name}.scope = {cfg.scope!r}: allowed "
                          f"{', '.join(PolicyConfig.SCOPES)}")
    # Codes in any case, as the corridor files accept them: ISO3 codes are upper case.
    cfg.members = [str(c).strip().upper() for c in cfg.members]
    cfg.corridors = [str(c).strip().upper() for c in cfg.corridors]
    _check_ignored(name, cls, cfg)
    _check_codes(name, cfg)
    cfg.check(name)
    return cfg


def _check_ignored(name: str, cls: type[PolicyConfig], cfg: PolicyConfig) -> None:
    """Refuse `members` or `corridors` set to what the scope does not read: the policy would
    apply elsewhere than the user asked (e.g. everywhere with scope all). A list left at its
    default (diaspora bonds' issuers) is not the user's setting and is let pass."""
    from dataclasses import fields

    defaults = {f.name: default_of(f) for f in fields(cls)}
    for key in ("members", "corridors"):
        value = getattr(cfg, key)
        if cfg.scope != key and value and value != defaults[key]:
            raise ConfigError(
                f"policies.{name}.{key} = [{', '.join(value)}] is ignored with "
                f"policies.{name}.scope = {cfg.scope}: it is read only with scope = {key}; set "
                f"policies.{name}.scope={key} (or drop {key})")


def check_coverage(configs: dict[str, PolicyConfig], iso3, o, d, where: str) -> None:
    """Refuse a policy whose scope covers no corridor of the world (`where`, e.g. world=default),
    and listed corridors that are not in it: the policy would run on nothing, or on fewer
    corridors than listed, without a word. `iso3`: the world's country codes; `o`, `d`: its
    corridors' origin and destination indices. Members may include countries outside the world
    (a partnership's list is wider than a small world) as long as some corridor is covered."""
    import numpy as np

    from model.policies.base import corridor_names, coverage

    iso3 = np.asarray(iso3).astype(str)
    present = set(iso3)
    names = set(corridor_names(iso3, o, d))
    for name, cfg in configs.items():
        cls = REGISTRY[name]
        if cfg.scope == "all":
            continue
        key = f"policies.{name}.{cfg.scope}"
        if cfg.scope == "corridors":
            missing = [c for c in cfg.corridors if c not in names]
            if missing:
                absent = sorted({p for c in missing for p in c.split("-") if p not in present})
                why = (f" ({', '.join(absent)} not in the world)" if absent else "")
                origin = missing[0].split("-")[0]
                near = {n for n in names if n.startswith(f"{origin}-")} or names
                raise ConfigError(
                    f"{key}: {', '.join(missing)} not a corridor of {where}{why}; allowed: "
                    f"its {len(names):,} corridors, e.g. {', '.join(_examples(near))} (all are "
                    "listed in a run's corridors.csv)")
            continue
        if not coverage(cfg, iso3, o, d, cls.members_cover).any():
            absent = [c for c in cfg.members if c not in present]
            why = (f"; {', '.join(absent)} not in the world" if absent else "")
            need = {"origin": "an origin of a corridor",
                    "destination": "a destination of a corridor"}.get(
                        cls.members_cover, "both ends of a corridor")
            raise ConfigError(
                f"{key} = [{', '.join(cfg.members)}] covers no corridor of {where}{why}; "
                f"members must be {need} of the world: its {len(present)} countries, e.g. "
                f"{', '.join(_examples(present))}"
                + (" (or use world=global)" if where == "world=default" else ""))


def _examples(codes: set[str], n: int = 5) -> list[str]:
    return sorted(codes)[:n]


def _check_codes(name: str, cfg: PolicyConfig) -> None:
    from model.world.loader import shipped_countries

    known = set(shipped_countries()["iso3"])
    if cfg.scope == "members" and not cfg.members:
        raise ConfigError(f"policies.{name}.scope = members needs policies.{name}.members = "
                          "[ISO3, ...] (the partnership's countries)")
    if cfg.scope == "corridors" and not cfg.corridors:
        raise ConfigError(f"policies.{name}.scope = corridors needs policies.{name}.corridors = "
                          "[ORIGIN-DESTINATION, ...], e.g. [IND-ARE]")
    bad = [c for c in cfg.members if c not in known]
    for corridor in cfg.corridors:
        parts = corridor.split("-")
        if len(parts) != 2:
            raise ConfigError(f"policies.{name}.corridors: {corridor!r} is not ORIGIN-DESTINATION "
                              "(ISO3 codes, e.g. IND-ARE)")
        bad += [p for p in parts if p not in known]
    if bad:
        raise ConfigError(f"policies.{name}: unknown country code(s) {', '.join(sorted(set(bad)))};"
                          " use ISO 3166 alpha-3 codes of the package's country table")


def _cost_total(ts, model) -> float:
    return float(ts[[f"policy_cost_{p}_usd" for p in PAYERS]].sum().sum())


class PolicySet(Component):
    """The policies of one run, called at their hooks in the order they were given."""

    name = "policies"
    label = "partnership policies"
    phase = "policies"
    flows = tuple(Flow(f"cost_{payer}", "USD", f"cost of policies and programmes to {payer}")
                  for payer in PAYERS)
    indicators = tuple(Indicator(f"policy_cost_{payer}_usd", "USD per step", label,
                                 step_flow(f"cost_{payer}"))
                       for payer, label in zip(PAYERS, (
                           "cost of policies to origin governments",
                           "cost of policies to destination governments",
                           "cost of policies to employers",
                           "cost of policies and programmes to the financing facility")))
    headlines = (Headline("policy_cost_total_usd", "USD",
                          "cost of all policies over the run, all payers", measure=_cost_total,
                          effect=("Policy cost, all payers, whole run", "money")),)

    @classmethod
    def build(cls, model) -> PolicySet:
        """The policies switched on in the model's config."""
        return cls(model, model.cfg.policies)

    def __init__(self, model, configs: dict[str, PolicyConfig]):
        self.policies = [REGISTRY[name](model, cfg) for name, cfg in configs.items()]
        # Policies that come and go during the run (bilateral agreements' bundles).
        self.extra = lambda: []

    def run(self, model, events: StepEvents) -> None:
        """The policies phase: every policy in force moves its levers (`before_step`)."""
        self.call("before_step", events)

    def __iter__(self):
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    def running(self) -> list:
        """Every policy instance of the run: the configured ones, then the agreements' bundles."""
        return self.policies + self.extra()

    def call(self, hook: str, events: StepEvents) -> None:
        """Call `hook` on every policy that has it and is in force (started, intensity > 0)."""
        for policy in self.policies + self.extra():
            method = getattr(policy, hook, None)
            if method is not None and policy.active() and policy.cfg.intensity > 0:
                method(policy.model, events)

    def summary(self) -> dict[str, Any]:
        """Per policy: parameters, covered corridors and costs by payer (for summary.json)."""
        return {p.name: p.summary() for p in self.policies}
