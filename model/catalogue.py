"""Every component of the model and what they declare, assembled in one place.

The model, the outputs, the sweep table, the comparison figures, the docs and the policy sweep
read levers, flows, per-migrant fields, indicators and headlines from here, so a new policy or
process is found everywhere once its module declares it (see `model.components`). Functions,
not constants: a policy registered later (a plug-in, or a test) is found too.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

from model.census import Census
from model.components import (
    Component,
    Field,
    Flow,
    Headline,
    Indicator,
    Lever,
    RunFigure,
    Series,
)
from model.facility import FinancingFacility
from model.partnerships import Agreements
from model.policies import REGISTRY, PolicySet
from model.processes.earnings import Earnings
from model.processes.economy import Economy
from model.processes.emigration import Emigration
from model.processes.labour import Labour
from model.processes.reintegration import Reintegration
from model.processes.remittances import Remittances
from model.processes.returns import Returns
from model.shocks import Shocks


class Phase(NamedTuple):
    """One phase of the step: its name, the component that runs it (None: the model itself;
    a class, or its "module:Class" path, so a new process is one module and one line here)
    and what happens in it."""

    name: str
    component: type[Component] | str | None
    doc: str


def _resolved(phases: tuple[Phase, ...]) -> tuple[Phase, ...]:
    """The phases with every "module:Class" component imported."""
    out = []
    for phase in phases:
        component = phase.component
        if isinstance(component, str):
            module, _, name = component.partition(":")
            try:
                component = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError) as exc:
                raise ImportError(f"phase {phase.name!r}: cannot import its component "
                                  f"{phase.component!r} (\"module:Class\"): {exc}") from exc
        out.append(Phase(phase.name, component, phase.doc))
    return tuple(out)


# The step, in order. After each phase the loop calls the `after_<phase>` hooks of the policies
# in force and of the facility. The README's "The step" is generated from this list
# (`python -m model.docs phases`; a test keeps them in sync).
PHASES: tuple[Phase, ...] = (
    Phase("economy", Economy, "wages and working-age populations grow at their configured rates"),
    Phase("levers", None, "every lever goes back to its baseline value"),
    Phase("shocks", Shocks, "the events of the timeline that are on move levers"),
    Phase("facility", FinancingFacility, "at the start of its year the facility judges "
          "conditions and membership and sets the year's budget; each step it pays the step's "
          "share, and the programmes' effects move levers"),
    Phase("agreements", Agreements, "once a year, bilateral agreements are judged and formed"),
    Phase("policies", PolicySet, "every policy in force moves its levers (`before_step`)"),
    Phase("labour", Labour, "job loss and job finding; matched jobs (brain waste)"),
    Phase("earnings", Earnings, "earnings, savings and repayment of recruitment debt"),
    Phase("remittances", Remittances, "amounts sent and their split between channels; fees"),
    Phase("displacement", "model.processes.displacement:Displacement", "people fleeing conflict "
          "arrive in hosts; asylum decisions; voluntary return, resettlement and "
          "naturalisation of the protected"),
    Phase("returns", Returns, "returns by time abroad, unemployment and savings; stranded "
          "migrants"),
    Phase("reintegration", Reintegration, "returnees reintegrate at home; the followed cohort "
          "ages out"),
    Phase("emigration", Emigration, "choice of destination or staying; entry by channel"),
    Phase("year_end", None, "at the end of a year, the `end_of_year` hooks (bond coupons, the "
          "facility's review)"),
    Phase("record", None, "counts, indicators and the DataCollector row; the declared "
          "series"),
)
PHASES = _resolved(PHASES)
# The interventions: components built from their own settings (`build`, in this order: the
# agreements' bundles join the policies), each the model attribute of its `name`; may be off.
INTERVENTIONS = (PolicySet, FinancingFacility, Agreements, Shocks)
# The processes: every other component of PHASES, one instance per model, in phase order; the
# model calls their lifecycle (`init_pre`, `init_post`) and their phase every step.
PROCESSES = tuple(cls for _, cls, _ in PHASES if cls is not None and cls not in INTERVENTIONS)


def components() -> tuple[type[Component], ...]:
    """Every component class: the census, the processes in phase order, the policy set and every
    registered policy (switched on or not: their columns are always written), the shocks, the
    facility and the agreements."""
    return (Census, *PROCESSES, PolicySet, *REGISTRY.values(), Shocks, FinancingFacility,
            Agreements)


def _gather(attr: str) -> tuple:
    out, seen = [], {}
    for cls in components():
        for item in getattr(cls, attr):
            key = getattr(item, "key", None) or item.name
            if key in seen:
                raise ValueError(f"{attr[:-1]} {key!r} is declared by both {seen[key]} and "
                                 f"{cls.__name__}")
            seen[key] = cls.__name__
            out.append(item)
    return tuple(out)


def levers() -> tuple[Lever, ...]:
    """Every lever, checked: each lever a component moves is declared by some component."""
    declared = _gather("levers")
    keys = {lever.key for lever in declared}
    for cls in components():
        unknown = sorted(set(cls.moves_levers) - keys)
        if unknown:
            raise ValueError(f"{cls.__name__} moves undeclared lever(s) {', '.join(unknown)}")
    return declared


def series() -> tuple[Series, ...]:
    return _gather("series")


def flows() -> tuple[Flow, ...]:
    return _gather("flows")


def fields() -> tuple[Field, ...]:
    return _gather("fields")


def indicators() -> tuple[Indicator, ...]:
    return _gather("indicators")


def headlines() -> tuple[Headline, ...]:
    return _gather("headlines")


def figures() -> tuple[RunFigure, ...]:
    """Every run figure, in the order of the components (`key` is the file name)."""
    out, seen = [], {}
    for cls in components():
        for fig in cls.figures:
            if fig.file in seen:
                raise ValueError(f"figure {fig.file!r} is declared by both {seen[fig.file]} "
                                 f"and {cls.__name__}")
            seen[fig.file] = cls.__name__
            out.append(fig)
    return tuple(out)


def policy_labels() -> dict[str, str]:
    """Policy name -> its label in plain words (figures, the app)."""
    return {name: cls.label or name.replace("_", " ") for name, cls in REGISTRY.items()}

