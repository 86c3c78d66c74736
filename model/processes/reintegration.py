"""Reintegration of returnees at home (basic).

A returnee becomes economically reintegrated (work at home) at a constant hazard,
`reintegration_rate`; return and reintegration support raises it.
Returnees are followed for `returnee_tracking_years`, after which they count as part of the home
population: checked once a year, their weight drops to 0 and their rows are compacted away
when enough have gathered.
"""

from __future__ import annotations

import numpy as np

from model.components import Component, Field, Headline, Indicator, Lever, StepEvents, ratio
from model.population import RETURNEE
from model.processes.labour import hazard_to_prob
from model.tallies import S_ABROAD, S_REINTEGRATED


def _reintegration_rate(model) -> float:
    t = model.tallies
    return ratio(t.people(on=S_REINTEGRATED, off=S_ABROAD), t.people(off=S_ABROAD))


class Reintegration(Component):
    """Returnees find work at home; the followed cohort ages out (module docstring)."""

    name = "reintegration"
    label = "reintegration at home"
    phase = "reintegration"
    config_key = "returns"  # its settings live with the return settings
    levers = (
        Lever("corridors", "reintegration_multiplier", "factor on returnees' reintegration "
              "hazard (support programmes)", 1.0),
        Lever("corridors", "recognised_reintegration_multiplier", "extra factor for returnees "
              "with recognised skills", 1.0),
    )
    fields = (Field("reintegrated", bool, "returnee with work at home"),)
    indicators = (
        Indicator("returnees", "people", "returnees followed at home",
                  lambda model: model.tallies.people(off=S_ABROAD)),
        Indicator("reintegration_rate", "share", "followed returnees who are reintegrated",
                  _reintegration_rate),
    )

    headlines = (Headline("reintegration_rate_end", "share", "reintegration rate at the horizon",
                          "reintegration_rate", "end"),)

    def run(self, model, events: StepEvents) -> None:
        """Returnees may reintegrate; time at home advances; old returnees leave the arrays
        yearly."""
        pop, cfg = model.migrants, model.cfg.returns
        rng = model.streams["reintegration"]
        home = np.flatnonzero(pop.status == RETURNEE)
        # Support programmes (corridors.reintegration_multiplier) and recognised skills
        # (corridors.recognised_reintegration_multiplier) raise the hazard.
        k = model.corridors
        rate = cfg.reintegration_rate * k.reintegration_multiplier
        table = hazard_to_prob(np.stack([rate, rate * k.recognised_reintegration_multiplier], axis=1),
                               model.dt).ravel()  # per corridor and recognised skills
        p = table[pop.corridor[home] * 2 + pop.recognised[home]]
        new = home[~pop.reintegrated[home] & (rng.random(len(home)) < p)]
        with model.tallies.changing(pop, new, ("reintegrated",)):
            pop.reintegrated[new] = True
        if model.steps % model.steps_per_year == 0:
            # Returnees past the follow-up stop counting (weight 0); their rows are compacted away
            # only once they are a tenth of all rows, since compaction rewrites every array.
            years_home = model.now() + model.dt - pop.returned[home]
            old = home[years_home >= cfg.returnee_tracking_years - 1e-9]
            with model.tallies.changing(pop, old, ("weight",)):
                pop.weight[old] = 0.0
            if np.count_nonzero(pop.weight == 0) > 0.1 * pop.n:
                pop.keep(pop.weight > 0)
