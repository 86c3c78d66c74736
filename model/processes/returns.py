"""Return migration: a hazard driven by time abroad, unemployment and savings.

The hazard (per year) is `return_rate_settled + return_rate_new * exp(-years_abroad / decay)`:
most returns happen in the first years (Dustmann and Gorlach 2016, JEL 54(1)); it is multiplied
for the unemployed (Bijwaard, Schluter and Wahba 2014, REStat 96(3)) and for target savers who
have reached their savings target. A migrant who draws a return while its destination blocks
departures (a shock closing borders, `countries.return_blocked`) stays, stranded.
"""

from __future__ import annotations

import numpy as np

from model.population import ABROAD, RETURNEE


def return_hazard(model) -> np.ndarray:
    """Return hazard per year of every migrant (0 for returnees)."""
    pop, k, c, cfg = model.migrants, model.corridors, model.countries, model.cfg.returns
    h = np.exp(pop.years_abroad * np.float32(-1.0 / cfg.return_decay_years))
    h *= np.float32(cfg.return_rate_new)
    h += np.float32(cfg.return_rate_settled)
    target = (cfg.savings_target_years * 12.0 * c.wage_low[k.o]).astype(np.float32)
    # Multiplier per (employed, savings target met), gathered by a 0-3 code.
    factor = np.array([[cfg.unemployed_return_multiplier,
                        cfg.unemployed_return_multiplier * cfg.savings_return_multiplier],
                       [1.0, cfg.savings_return_multiplier]], dtype=np.float32).ravel()
    code = pop.employed * np.intp(2) + (pop.savings >= target[pop.corridor])
    h *= factor[code]
    h *= pop.status == ABROAD
    return h


def step(model) -> None:
    """Draw returns; returnees go home (status RETURNEE), or are stranded if departure is blocked."""
    pop = model.migrants
    rng = model.streams["returns"]
    p = -np.expm1(return_hazard(model) * np.float32(-model.dt))
    wants = np.flatnonzero(rng.random(pop.n) < p)  # returnees have p = 0
    blocked = model.countries.return_blocked[model.dest[wants]]
    pop.stranded[:] = False
    pop.stranded[wants[blocked]] = True
    go = wants[~blocked]
    model.flows["returns"] += np.bincount(pop.corridor[go], pop.weight[go], len(model.corridors.o))
    pop.status[go] = RETURNEE
    pop.employed[go] = False
    pop.matched[go] = False
    pop.years_home[go] = 0.0
    pop.reintegrated[go] = False
    pop.years_abroad += np.float32(model.dt) * (pop.status == ABROAD)
