"""Reintegration of returnees at home: barriers at return, and the services that lift them.

A returnee becomes economically reintegrated (work or a livelihood at home) at a hazard that
depends on what it brings home:

- every returnee without a barrier reintegrates at `reintegration_rate` a year;
- a share `undocumented_share` comes home without the documents a formal job, a bank account or
  public services need (identity papers, certificates); until they are replaced, the hazard is
  `undocumented_factor` times lower;
- a share `distressed_share` comes home in psychosocial distress (failed migration, debt,
  stigma); while it lasts, the hazard is `distressed_factor` times lower;
- returnees with recognised skills reintegrate faster (`recognised_reintegration_multiplier`,
  moved by skill recognition).

Support programmes act on these states, person by person, with money (see
`model.policies.return_reintegration`): documentation support gives papers (`documented`),
psychosocial support ends the distress (`distressed` off), and economic support (skills
training, job placement, start-up grants) adds `economic_support_rate` to the hazard for
`support_years` after return (`supported`). The process itself never reads a policy.

Returnees are followed for `returnee_tracking_years`, after which they count as part of the home
population: checked every step, their weight drops to 0 and their rows are compacted away when
enough have gathered. The check is made every step, not once a year, because the followed cohort
must always be the returnees of the last `returnee_tracking_years`: checked yearly, it grew by a
year's returnees, the oldest and most often reintegrated, before losing them all in one step, and
the reintegration rate rose and fell by 3-4 points with the calendar (a yearly saw-tooth of the
bookkeeping, not of reintegration).
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


def draw_barriers(model, rows: np.ndarray, rng: np.random.Generator) -> None:
    """Returnees in `rows` (just home) draw their barriers: without documents with probability
    `undocumented_share`, in distress with probability `distressed_share`; none is supported
    yet."""
    pop, cfg = model.migrants, model.cfg.returns
    u = rng.random((2, len(rows)))
    pop.documented[rows] = u[0] >= cfg.undocumented_share
    pop.distressed[rows] = u[1] < cfg.distressed_share
    pop.supported[rows] = False


def mean_hazard(cfg) -> float:
    """The hazard of the average new returnee without support or recognised skills (`cfg`:
    the returns settings), its barriers drawn at their shares."""
    return (cfg.reintegration_rate * (1.0 - cfg.undocumented_share * (1.0 - cfg.undocumented_factor))
            * (1.0 - cfg.distressed_share * (1.0 - cfg.distressed_factor)))


def reintegration_hazard(model, rows: np.ndarray, now: float) -> np.ndarray:
    """Hazard per year that the returnees in `rows` reintegrate (module docstring)."""
    return hazard_table(model).ravel()[_cell(model, rows, now)]


def hazard_table(model, multiplier: np.ndarray | None = None) -> np.ndarray:
    """The hazard per corridor and state cell ([K, 16]; cell bits: 1 documented, 2 in
    distress, 4 recognised skills, 8 in economic support); with `multiplier` given (one
    recognised-skills factor for every corridor, [1]), the single row [1, 16]."""
    cfg = model.cfg.returns
    if multiplier is None:
        multiplier = model.corridors.recognised_reintegration_multiplier
    cell = np.arange(16)
    h = np.where(cell & 1, 1.0, cfg.undocumented_factor) * cfg.reintegration_rate
    h = h * np.where(cell & 2, cfg.distressed_factor, 1.0)
    h = np.where(cell & 4, h * multiplier[:, None], h)  # [K, 16]
    return h + np.where(cell & 8, cfg.economic_support_rate, 0.0)


def _cell(model, rows: np.ndarray, now: float, by_corridor: bool = True) -> np.ndarray:
    """Flat index corridor x 16 + state cell of the returnees in `rows` (see `hazard_table`);
    the cell alone if not `by_corridor`."""
    pop, cfg = model.migrants, model.cfg.returns
    code = (pop.documented[rows].view(np.uint8) | (pop.distressed[rows].view(np.uint8) << 1)
            | (pop.recognised[rows].view(np.uint8) << 2))
    supported = pop.supported[rows]
    if supported.any():  # only with a support programme
        in_support = supported & (now - pop.returned[rows] < cfg.support_years)
        code |= in_support.view(np.uint8) << 3
    return pop.corridor[rows].astype(np.intp) * 16 + code if by_corridor else code


class Reintegration(Component):
    """Returnees find work at home; the followed cohort ages out (module docstring)."""

    name = "reintegration"
    label = "reintegration at home"
    phase = "reintegration"
    config_key = "returns"  # its settings live with the return settings
    levers = (
        Lever("corridors", "recognised_reintegration_multiplier", "factor on the reintegration "
              "hazard of returnees with recognised skills", 1.0),
    )
    fields = (Field("reintegrated", bool, "returnee with work at home"),
              Field("documented", bool, "returnee with the documents work at home needs"),
              Field("distressed", bool, "returnee in psychosocial distress"),
              Field("supported", bool, "returnee receiving economic reintegration support"))
    indicators = (
        Indicator("returnees", "people", "returnees followed at home (home for less than "
                  "returns.returnee_tracking_years, at the end of the step)",
                  lambda model: model.tallies.people(off=S_ABROAD)),
        Indicator("reintegration_rate", "share", "followed returnees who are reintegrated",
                  _reintegration_rate,
                  compare=("Returnees followed at home who are reintegrated", "share")),
    )

    headlines = (Headline("reintegration_rate_end", "share", "reintegration rate at the horizon",
                          "reintegration_rate", "end"),)

    def run(self, model, events: StepEvents) -> None:
        """New returnees draw their barriers; returnees may reintegrate; returnees past the
        follow-up stop counting (every step)."""
        pop, cfg = model.migrants, model.cfg.returns
        rng = model.streams["reintegration"]
        draw_barriers(model, events.returned, rng)
        # Followed returnees only: rows past the follow-up (weight 0) wait for compaction, and
        # drawing for them would tie everyone's luck to when compaction happens.
        home = np.flatnonzero((pop.status == RETURNEE) & (pop.weight > 0))
        # One draw per returnee, reintegrated or not, so that a programme that changes who
        # reintegrates leaves everyone else's luck as it was (common random numbers).
        u = rng.random(len(home))
        waiting = ~pop.reintegrated[home]
        home, u = home[waiting], u[waiting]
        factor = model.corridors.recognised_reintegration_multiplier
        if (factor == factor[0]).all():  # one factor everywhere (the baseline): 16 cells
            table = hazard_to_prob(hazard_table(model, factor[:1]), model.dt).ravel()
            p = table[_cell(model, home, model.now(), by_corridor=False)]
        else:
            table = hazard_to_prob(hazard_table(model), model.dt).ravel()
            p = table[_cell(model, home, model.now())]
        new = home[u < p]
        with model.tallies.changing(pop, new, ("reintegrated",)):
            pop.reintegrated[new] = True
        # Returnees whose follow-up ends by the end of this step stop counting (weight 0),
        # every step, so the followed cohort is always the last `returnee_tracking_years` of
        # returns (module docstring). Their rows are compacted away only once they are a tenth
        # of all rows, since compaction rewrites every array.
        home = np.flatnonzero((pop.status == RETURNEE) & (pop.weight > 0))
        years_home = model.now() + model.dt - pop.returned[home]
        old = home[years_home >= cfg.returnee_tracking_years - 1e-9]
        with model.tallies.changing(pop, old, ("weight",)):
            pop.weight[old] = 0.0
        if np.count_nonzero(pop.weight == 0) > 0.1 * pop.n:
            keep = pop.weight > 0
            # This step's returnees (all kept) move to their new rows, for later hooks.
            events.returned = (np.cumsum(keep) - 1)[events.returned]
            pop.keep(keep)
