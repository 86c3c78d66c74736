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

from dataclasses import dataclass

import numpy as np

from model.components import Component, Field, Headline, Indicator, Lever, StepEvents, ratio
from model.params import param
from model.population import HIGH, LOW, RETURNEE
from model.processes.labour import hazard_to_prob
from model.tallies import S_ABROAD, S_REINTEGRATED


@dataclass
class ReintegrationConfig:
    """Reintegration of returnees at home (process `reintegration`)."""

    reintegration_rate: float = param(
        0.65, "per year", 0.0, 10.0,
        label="hazard that a returnee without barriers is economically reintegrated",
        source="assumption (IOM 2019 Reintegration Handbook reports most returnees need a year "
               "or more); with the barriers below the average returnee reintegrates at about "
               "0.5 a year")
    undocumented_share: float = param(
        0.2, "share", 0.0, 1.0, label="returnees home without the documents work needs",
        source="assumption (to be fitted), below the 57% of returnees to their areas in Iraq "
               "who lack at least one key civil document (UNHCR Iraq 2020), a displaced "
               "population",
        prior_range=(0.05, 0.6))
    undocumented_factor: float = param(
        0.5, "ratio", 0.0, 1.0, label="reintegration hazard without documents / with them",
        source="assumption (to be fitted: no evaluation found gives the size)",
        prior_range=(0.2, 1))
    distressed_share: float = param(
        0.28, "share", 0.0, 1.0, label="returnees home in psychosocial distress",
        source="Habtamu, Minaye and Zeleke (2017) BMC Psychiatry 17:144: 27.6% of 1,036 "
               "Ethiopian returnees from the Middle East and South Africa had a common mental "
               "disorder")
    distressed_factor: float = param(
        0.6, "ratio", 0.0, 1.0, label="reintegration hazard in distress / without",
        source="assumption (to be fitted: no evaluation found gives the size)",
        prior_range=(0.3, 1))
    economic_support_rate: float = param(
        0.5, "per year", 0.0, 10.0,
        label="extra reintegration hazard while economic support lasts",
        source="assumption (to be fitted: no evaluation found gives the size)",
        prior_range=(0, 2))
    support_years: float = param(
        1.0, "years", 0.0, 10.0, label="how long economic support lasts after return",
        source="assumption (to be fitted: no evaluation found gives the size)",
        prior_range=(0.5, 2))
    returnee_tracking_years: float = param(
        5.0, "years", 0.25, 50.0, label="how long returnees are followed at home",
        source="modelling choice: after this a returnee counts as part of the home population")


def _reintegration_rate(model) -> float:
    t = model.tallies
    return ratio(t.people(on=S_REINTEGRATED, off=S_ABROAD), t.people(off=S_ABROAD))


def draw_barriers(model, rows: np.ndarray, rng: np.random.Generator) -> None:
    """Returnees in `rows` (just home) draw their barriers: without documents with probability
    `undocumented_share`, in distress with probability `distressed_share`; none is supported
    yet."""
    pop, cfg = model.migrants, model.cfg.reintegration
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
    cfg = model.cfg.reintegration
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
    pop, cfg = model.migrants, model.cfg.reintegration
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
    config_key = "reintegration"
    config_class = ReintegrationConfig
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
                  "reintegration.returnee_tracking_years, at the end of the step)",
                  lambda model: model.tallies.people(off=S_ABROAD)),
        Indicator("reintegration_rate", "share", "followed returnees who are reintegrated",
                  _reintegration_rate,
                  compare=("Returnees followed at home who are reintegrated", "share")),
    )

    headlines = (Headline("reintegration_rate_end", "share", "reintegration rate at the horizon",
                          "reintegration_rate", "end"),)

    def init_post(self, model) -> None:
        """Returnees of the years before the start (the followed cohort in steady state: the
        start's expected outflows for `returnee_tracking_years`), so return and reintegration
        indicators do not start from an empty cohort."""
        r, k = model.cfg.reintegration, model.corridors
        w = k.agent_weight
        rng = model.streams["population"]
        people = (k.outflow_regular + k.outflow_irregular) * r.returnee_tracking_years  # [2, K]
        n = np.floor(people / w + rng.random(people.shape)).astype(np.int64)
        corridor = np.repeat(np.tile(np.arange(len(k.o)), 2), n.ravel())
        skill = np.repeat(np.array([LOW, HIGH], dtype=np.int8), n.sum(axis=1))
        m = len(corridor)
        years_home = rng.random(m) * r.returnee_tracking_years
        # Their time abroad before returning is not known: recorded as none (arrived = returned).
        returned = model.start_year - years_home
        rows = model.migrants.add(corridor=corridor, skill=skill, status=RETURNEE,
                                  weight=w[corridor].astype(np.float32), regular=True,
                                  returned=returned, arrived=returned)
        # Their barriers as at return, kept since (no programme before the start).
        draw_barriers(model, rows, rng)
        hazard = reintegration_hazard(model, rows, model.start_year)
        model.migrants.reintegrated[rows] = rng.random(m) < -np.expm1(-hazard * years_home)

    def run(self, model, events: StepEvents) -> None:
        """New returnees draw their barriers; returnees may reintegrate; returnees past the
        follow-up stop counting (every step)."""
        pop, cfg = model.migrants, model.cfg.reintegration
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
