"""Exploratory modelling with the EMA Workbench (optional extra: ``pip install -e .[ema]``).

EMA Workbench 3.0 (Python >= 3.12) has no Mesa connector, so this module wraps the model as a
plain function, `run_experiment`, which calls `model.run_model` and returns its headline
outcomes (`model.indicators.headlines()`). `make_model` puts that function in a
`ReplicatorModel`:

- uncertainties are behavioural settings of `model/config.py` (any leaf keyword); by default
  five of them, each ranging over its default x 0.5 to x 1.5, clipped to the field's allowed
  range [lo, hi] (`uncertainty_from_config`). The band is an assumption for exploration, not an
  estimate of each parameter's uncertainty: pass your own parameters for a real study;
- levers are the policies: by default one `BooleanParameter` per policy, named after it
  (`levers="intensity"` gives a `RealParameter` 0-1 per policy instead). The wrapper turns them
  into the `policies` keyword: ``skill_recognition=True`` -> ``{"skill_recognition": {}}``,
  ``skill_recognition=0.5`` -> ``{"skill_recognition": {"intensity": 0.5}}`` (False or an
  intensity of 0 leaves the policy out). A lever named ``<policy>__<setting>`` (two
  underscores), e.g. ``RealParameter("fair_recruitment__start_year", 2020, 2025)``, sets one
  setting of that policy;
- outcomes are one `ArrayOutcome` per headline: each experiment is run once per replication,
  so every outcome is an array of shape (experiments, replications);
- replications are random seeds: ``seeds=(1, 2, 3)`` sets ``model.replications = [{"seed": 1},
  {"seed": 2}, {"seed": 3}]`` and each replication's seed reaches `run_model(seed=...)`.
  The same inputs and seed give identical outcomes (common random numbers across policies);
- constants are fixed keywords, e.g. the fast settings `FAST` (end_year=2021,
  people_per_agent=20000, about 0.1 s a run) or ``world="global"``. A constant ``policies``
  (a list or mapping) is applied in every experiment, under the levers.

`make_model` checks every name and constant before anything runs, because the workbench's
`MultiprocessingEvaluator` hangs for ever if the model raises in a worker (the
`SequentialEvaluator` fails fast: try a design with it first).

Example (also in the README)::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from model.ema import FAST, make_model

    ema_model = make_model(seeds=(1, 2, 3), constants=FAST)
    experiments, outcomes = perform_experiments(
        ema_model, scenarios=8, policies=4, evaluator=SequentialEvaluator(ema_model))
    # 8 scenarios x 4 policies = 32 experiments, each run for 3 seeds
    price = outcomes["remittance_price_pct_end"]         # shape (32, 3)
    experiments["cheaper_remittances"]                   # the lever of each experiment
    price.mean(axis=1)                                   # mean over seeds
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from model.config import field_meta, flat_defaults, nest
from model.indicators import headlines
from model.policies import REGISTRY
from model.runner import run_model

try:
    from ema_workbench import (
        ArrayOutcome,
        BooleanParameter,
        Constant,
        IntegerParameter,
        RealParameter,
        ReplicatorModel,
    )
    from ema_workbench.em_framework.outcomes import Outcome
    from ema_workbench.em_framework.parameters import Parameter
except ImportError as _err:  # pragma: no cover - depends on the optional extra
    _IMPORT_ERROR: ImportError | None = _err
else:
    _IMPORT_ERROR = None

__all__ = [
    "DEFAULT_OUTCOMES",
    "DEFAULT_UNCERTAINTIES",
    "FAST",
    "POLICY_NAMES",
    "make_model",
    "policy_levers",
    "run_experiment",
    "to_run_kwargs",
    "uncertainty_from_config",
]

POLICY_NAMES: tuple[str, ...] = tuple(sorted(REGISTRY))
HEADLINE_NAMES: tuple[str, ...] = tuple(h.name for h in headlines())

# Behavioural parameters explored by default (one per main process).
DEFAULT_UNCERTAINTIES: tuple[str, ...] = (
    "income_elasticity",     # emigration: pull of expected earnings
    "network_elasticity",    # emigration: pull of the diaspora
    "job_loss_rate",         # labour: job-loss hazard abroad
    "price_sensitivity",     # remittances: channel choice on price
    "return_rate_settled",   # returns: return hazard of settled migrants
)

# Headline outcomes recorded by default (any headline name is allowed).
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "migrant_stock_end",
    "remittances_received_total_usd",
    "household_income_total_usd",
    "remittance_price_pct_end",
    "formal_share_last_year",
    "recruitment_cost_months_last_year",
    "brain_waste_rate_end",
    "employment_rate_end",
    "irregular_share_end",
    "policy_cost_total_usd",
)

# Fast settings for trying a design (about 0.1 s a run on the default world).
FAST: dict[str, Any] = {"end_year": 2021, "people_per_agent": 20000.0}

SETTING_SEP = "__"  # lever "<policy>__<setting>" sets one setting of a policy


def _require_ema() -> None:
    if _IMPORT_ERROR is not None:
        raise ImportError("model.ema needs the EMA Workbench 3.0 (Python >= 3.12): "
                          "pip install -e '.[ema]'") from _IMPORT_ERROR


def _plain(value: Any) -> Any:
    """numpy scalars (as the workbench's samplers produce them) to Python scalars."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------------------------------
# The wrapped function
# ---------------------------------------------------------------------------------------------

def _policy_lever(name: str) -> tuple[str, str | None] | None:
    """(policy, setting) when `name` is a policy lever, else None."""
    if name in REGISTRY:
        return name, None
    policy, sep, setting = name.partition(SETTING_SEP)
    if sep and policy in REGISTRY and setting:
        return policy, setting
    return None


def _as_mapping(policies: Any) -> dict[str, dict]:
    if policies is None:
        return {}
    if isinstance(policies, str):
        return {policies: {}}
    if isinstance(policies, Mapping):
        return {name: dict(values or {}) for name, values in policies.items()}
    return {name: {} for name in policies}


def to_run_kwargs(**experiment) -> dict[str, Any]:
    """The keywords of `run_model` for one experiment of the workbench.

    Policy levers (a policy's name, or ``<policy>__<setting>``) become the `policies` mapping;
    everything else (uncertainties, constants, the replication's ``seed``) passes through.
    A policy switch that is True or an intensity > 0 turns the policy on; False or 0 turns it
    off, settings levers included. Settings levers of a policy without a switch lever turn it
    on. A ``policies`` keyword (from the constants) is the base the levers act on.
    """
    kwargs = {key: _plain(value) for key, value in experiment.items()}
    policies = _as_mapping(kwargs.pop("policies", None))
    switches: dict[str, Any] = {}
    settings: dict[str, dict[str, Any]] = {}
    for key in list(kwargs):
        found = _policy_lever(key)
        if found is None:
            continue
        value = kwargs.pop(key)
        policy, setting = found
        if setting is None:
            switches[policy] = value
        else:
            settings.setdefault(policy, {})[setting] = value
    for policy in sorted(set(switches) | set(settings)):
        values = dict(policies.get(policy, {}))
        values.update(settings.get(policy, {}))
        if policy in switches:
            switch = switches[policy]
            if isinstance(switch, (bool, np.bool_)):
                on = bool(switch)
            else:  # an intensity
                on = float(switch) > 0.0
                if on:
                    values["intensity"] = float(switch)
            if not on:
                policies.pop(policy, None)
                continue
        policies[policy] = values
    kwargs["policies"] = policies
    kwargs["progress"] = False
    return kwargs


def run_experiment(**experiment) -> dict[str, float]:
    """The function the workbench calls: one run of the model, its headline outcomes.

    A module-level function, so process-based evaluators can pickle it.
    """
    return run_model(**to_run_kwargs(**experiment))


# ---------------------------------------------------------------------------------------------
# Parameters and outcomes
# ---------------------------------------------------------------------------------------------

def uncertainty_from_config(name: str, low_factor: float = 0.5, high_factor: float = 1.5):
    """A workbench parameter for the config keyword `name`, from its metadata.

    The range is the field's default x `low_factor` to default x `high_factor`, clipped to its
    allowed range [lo, hi] (a plausible band around the default, not the whole allowed
    range). Integer fields give an `IntegerParameter`, others a `RealParameter`; the
    parameter's default is the config default. Raises ValueError for an unknown keyword, a
    non-numeric field, the seed (replications carry it) or a default of 0 (no band: give a
    `RealParameter` with explicit bounds).
    """
    _require_ema()
    meta = field_meta()
    if name not in meta:
        raise ValueError(f"unknown parameter {name!r}; allowed: {', '.join(sorted(meta))}")
    if name == "seed":
        raise ValueError("the seed is set by the replications (make_model(seeds=...)), "
                         "not by an uncertainty")
    field = meta[name][1]
    default = field.default
    if (isinstance(default, bool) or not isinstance(default, (int, float))
            or default is dataclasses.MISSING):
        raise ValueError(f"{name} is not a numeric setting (default {default!r})")
    if default == 0:
        raise ValueError(f"{name} defaults to 0, so default x factor gives no range; use "
                         f"RealParameter({name!r}, low, high) with explicit bounds")
    low, high = sorted((default * low_factor, default * high_factor))
    lo, hi = field.metadata.get("lo"), field.metadata.get("hi")
    if lo is not None:
        low, high = max(low, lo), max(high, lo)
    if hi is not None:
        low, high = min(low, hi), min(high, hi)
    if isinstance(default, int):
        low, high = math.ceil(low), math.floor(high)
        if not low < high:
            raise ValueError(f"{name}: the band [{low}, {high}] holds no range")
        return IntegerParameter(name, low, high, default=default)
    if not low < high:
        raise ValueError(f"{name}: the band [{low}, {high}] holds no range")
    return RealParameter(name, float(low), float(high), default=float(default))


def policy_levers(kind: str = "switch", policies: Iterable[str] = POLICY_NAMES) -> list:
    """One lever per policy, named after it: a `BooleanParameter` (kind="switch") or an
    intensity `RealParameter` from 0 to 1 (kind="intensity")."""
    _require_ema()
    out = []
    for name in policies:
        if name not in REGISTRY:
            raise ValueError(f"unknown policy {name!r}; allowed: {', '.join(POLICY_NAMES)}")
        if kind == "switch":
            out.append(BooleanParameter(name, default=False))
        elif kind == "intensity":
            out.append(RealParameter(name, 0.0, 1.0, default=0.0))
        else:
            raise ValueError(f"kind={kind!r}: use 'switch' or 'intensity'")
    return out


def _uncertainties(spec) -> list:
    if spec is None:
        spec = DEFAULT_UNCERTAINTIES
    return [uncertainty_from_config(u) if isinstance(u, str) else u for u in spec]


def _levers(spec) -> list:
    if spec is None:
        return policy_levers("switch")
    if isinstance(spec, str):
        return policy_levers(spec)
    return [policy_levers("switch", [lv])[0] if isinstance(lv, str) else lv for lv in spec]


def _outcomes(spec) -> list:
    if spec is None:
        spec = DEFAULT_OUTCOMES
    out = []
    for o in spec:
        if isinstance(o, str):
            if o not in HEADLINE_NAMES:
                raise ValueError(f"unknown outcome {o!r}; run_model returns: "
                                 f"{', '.join(HEADLINE_NAMES)}")
            o = ArrayOutcome(o)
        out.append(o)
    return out


def _check(uncertainties: list, levers: list, outcomes: list, constants: dict,
           seeds: list) -> None:
    """Fail here, before any run, on a name or value the model would reject in a worker."""
    meta = field_meta()
    keywords = set(flat_defaults())  # every keyword of run_model (world, policies, ... too)
    for p in uncertainties + levers:
        if not isinstance(p, Parameter):
            raise TypeError(f"{p!r} is not a workbench parameter (or a config keyword)")
    for p in uncertainties:
        if p.name not in meta or p.name in ("seed", "policies"):
            raise ValueError(f"uncertainty {p.name!r} is not a model keyword; allowed: "
                             f"{', '.join(sorted(set(meta) - {'seed', 'policies'}))}")
    for p in levers:
        found = _policy_lever(p.name)
        if found is None and p.name not in keywords - {"seed", "policies"}:
            raise ValueError(f"lever {p.name!r} is neither a policy ({', '.join(POLICY_NAMES)}), "
                             "a '<policy>__<setting>' name nor a model keyword")
        if found and found[1] is not None:
            fields = {f.name for f in dataclasses.fields(REGISTRY[found[0]].config_class)}
            if found[1] not in fields:
                raise ValueError(f"lever {p.name!r}: {found[0]} has no setting {found[1]!r}; "
                                 f"allowed: {', '.join(sorted(fields))}")
    for o in outcomes:
        if not isinstance(o, Outcome):
            raise TypeError(f"{o!r} is not a workbench outcome (or a headline name)")
        missing = [v for v in o.variable_name if v not in HEADLINE_NAMES]
        if missing:
            raise ValueError(f"outcome {o.name!r} reads {missing}, which run_model does not "
                             f"return; it returns: {', '.join(HEADLINE_NAMES)}")
    names = [p.name for p in uncertainties + levers] + list(constants)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"{', '.join(dupes)} given more than once (uncertainty, lever or "
                         "constant)")
    if "seed" in names:
        raise ValueError("the seed is set by the replications (seeds=...), not by an "
                         "uncertainty, lever or constant")
    if not seeds:
        raise ValueError("give at least one seed")
    unknown = sorted(set(constants) - keywords)
    if unknown:
        raise ValueError(f"unknown constant(s) {', '.join(unknown)}; allowed: "
                         f"{', '.join(sorted(keywords))}")
    # The constants must form a valid config, with each parameter at each end of its range
    # (checked one parameter at a time, the others at their defaults).
    base = {**constants, "seed": seeds[0]}
    _probe(base)
    for p in uncertainties + levers:
        for value in _extremes(p):
            _probe({**base, p.name: value})


def _extremes(p) -> list:
    """The values at the ends of a parameter's range (its categories for a categorical one)."""
    if hasattr(p, "categories"):
        return [c.value for c in p.categories]
    return [p.lower_bound, p.upper_bound]


def _probe(experiment: dict) -> None:
    """Build (but do not run) the config of one experiment: raises ConfigError if invalid."""
    nest(to_run_kwargs(**experiment))  # parses every section, policies included


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------

def make_model(name: str = "migration", uncertainties=None, levers=None, outcomes=None,
               seeds: Iterable[int] = (1, 2, 3), constants: Mapping[str, Any] | None = None):
    """A `ReplicatorModel` wrapping `run_experiment` (hence `run_model`).

    Parameters
    ----------
    name : a valid Python identifier (the workbench requires it).
    uncertainties : workbench parameters, or config keywords turned into parameters by
        `uncertainty_from_config` (default x 0.5 to x 1.5, clipped to the allowed range);
        default `DEFAULT_UNCERTAINTIES`.
    levers : "switch" (default: a `BooleanParameter` per policy), "intensity" (a 0-1
        `RealParameter` per policy), or a list of parameters / policy names. Lever names are
        policy names, ``<policy>__<setting>`` or plain model keywords.
    outcomes : headline names (each an `ArrayOutcome`) or workbench outcomes; default
        `DEFAULT_OUTCOMES`. Outcome arrays have shape (experiments, len(seeds)).
    seeds : one replication per seed, passed to the model as ``seed``.
    constants : fixed model keywords, e.g. `FAST`, ``world="global"`` or a base ``policies``.
    """
    _require_ema()
    unc = _uncertainties(uncertainties)
    lev = _levers(levers)
    out = _outcomes(outcomes)
    consts = dict(constants or {})
    seed_list = [int(s) for s in seeds]
    _check(unc, lev, out, consts, seed_list)

    model = ReplicatorModel(name, function=run_experiment)
    model.uncertainties = unc
    model.levers = lev
    model.outcomes = out
    model.constants = [Constant(key, value) for key, value in consts.items()]
    model.replications = [{"seed": s} for s in seed_list]
    return model
