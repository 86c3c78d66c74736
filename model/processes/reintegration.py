"""Reintegration of returnees at home (basic).

A returnee becomes economically reintegrated (work at home) at a constant hazard,
`reintegration_rate`; policies of return and reintegration support (issue 3) raise it.
Returnees are followed for `returnee_tracking_years`, after which they count as part of the home
population and leave the migrant arrays (removed once a year, so rows are compacted rarely).
"""

from __future__ import annotations

import numpy as np

from model.population import RETURNEE
from model.processes.labour import hazard_to_prob


def step(model) -> None:
    """Returnees may reintegrate; time at home advances; old returnees leave the arrays yearly."""
    pop, cfg = model.migrants, model.cfg.returns
    rng = model.streams["reintegration"]
    home = pop.status == RETURNEE
    p = hazard_to_prob(cfg.reintegration_rate, model.dt)
    pop.reintegrated |= home & (rng.random(pop.n, dtype=np.float32) < p)
    pop.years_home += np.float32(model.dt) * home
    if model.steps % model.steps_per_year == 0:
        pop.keep(~(home & (pop.years_home >= cfg.returnee_tracking_years)))
