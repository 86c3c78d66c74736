"""The economy around the migrants: wages and working-age populations over time.

Wages grow at `labour.wage_growth_*` a year and working-age populations at
`emigration.population_growth_*`, compounded from the start; with a non-zero
`labour.native_wage_elasticity` a destination's wages also move with the change of its migrant
share of the population (disputed in sign and size: 0 by default). The start values are the
world's data, kept when the run starts.
"""

from __future__ import annotations

import numpy as np

from model.components import Component, StepEvents


def hosted_share(model) -> np.ndarray:
    """Migrants abroad in each country as a share of its population, now."""
    hosted = np.bincount(model.corridors.d, model.stock_now, len(model.countries.iso3))
    return hosted / np.maximum(model.countries.population, 1.0)


class Economy(Component):
    """Wages and working-age populations grow at their configured rates (module docstring)."""

    name = "economy"
    label = "wages and populations"
    phase = "economy"

    def init_post(self, model) -> None:
        """Keep the start's wages, working-age populations and migrant shares."""
        c = model.countries
        self.base_wages = (c.wage_low.copy(), c.wage_high.copy())
        self.base_potential = c.potential_migrants.copy()
        self.hosted_share0 = hosted_share(model)

    def run(self, model, events: StepEvents) -> None:
        """Wages and working-age populations at this step's distance from the start."""
        c, cfg, e = model.countries, model.cfg.labour, model.cfg.emigration
        years = model.years_elapsed()
        g_pop = np.where(c.high_income, e.population_growth_high_income, e.population_growth_other)
        c.potential_migrants = self.base_potential * (1.0 + g_pop) ** years
        g = np.where(c.high_income, cfg.wage_growth_high_income, cfg.wage_growth_other)
        factor = (1.0 + g) ** years
        if cfg.native_wage_elasticity:
            factor = factor * np.maximum(
                0.1, 1.0 + cfg.native_wage_elasticity * (hosted_share(model) - self.hosted_share0))
        c.wage_low = self.base_wages[0] * factor
        c.wage_high = self.base_wages[1] * factor
