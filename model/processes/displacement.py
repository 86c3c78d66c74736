"""Forced displacement: refugees, asylum seekers and others in need of international protection.

People who fled conflict and persecution are a legal status within the corridor stocks, not a
population on top of them: each migrant has a `protection` status (none, asylum seeker,
refugee, or other in need of international protection, UNHCR's "oip", e.g. Venezuelans
displaced abroad). At the start, the shipped worlds give each corridor its UNHCR counts by
status for the start year (`refugees`, `asylum_seekers`, `oip` of the world's corridors; see
`model.world.loader`), drawn among the corridor's migrants. Then, every step:

- flight: a conflict event of the shock timeline sets `countries.flight_per_year` at its
  origins (people a year), to which the observed flight of the run's years up to 2020 is
  added (`flight_history`: fitted to UNHCR's year-on-year changes, model/world/data/
  flight.csv, with the claims that replace the asylum seekers the run's decisions reject),
  and the shares who arrive recognised as refugees as a group (`countries.
  flight_refugee_share`: prima facie or temporary protection) and as others in need of
  protection (`countries.flight_oip_share`); the rest arrive as asylum seekers. Those who
  flee choose a host among the corridors from their origin, as Flee's agents choose routes
  (Suleimenova, Bell and Groen 2017), at corridor level: nearer hosts, hosts across a shared
  border, hosts where more people from the origin live, and hosts that admit them
  (`countries.admission`, 0 closes a border);
  no wage gap enters. No event data are shipped: a timeline states each future flight's size;
- asylum decisions: asylum seekers are decided at `decision_rate` a year; a share
  `recognition_rate` become refugees; of the rejected, `rejected_return_share` go home and the
  others stay as irregular migrants;
- durable solutions, for refugees and others in need of protection: voluntary return home at
  `voluntary_return_rate` a year (times `return_after_conflict` at origins whose conflict
  event has ended), resettlement to a high-income third country where people from the origin
  live at `resettlement_rate`, and local integration (naturalisation: the status ends, the
  migrant stays) at `naturalisation_rate`, each country's own rate (the origin's return and
  resettlement, the host's naturalisation; `model.processes.solution_rates`); in the observed
  history's years, the status also ends for the share of an origin's displaced who left
  UNHCR's counts by other routes that year (other residence permits, deregistration, onward
  movement; `model.world.loader.history_exits`); they stay;
- work: a protected migrant has the right to work where a share `countries.refugee_work_rights`
  of them has it (a lever; each migrant keeps one draw, so a wider right reaches more people);
  without it the labour process lets it find jobs at `no_rights_finding_factor` times the usual
  rate (`job_barrier`);
- the protected take no economic return decision (`return_exempt`): they go home through
  voluntary return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import (
    Component,
    Field,
    Flow,
    Headline,
    Indicator,
    Lever,
    RunFigure,
    StepEvents,
    corridor_flow,
)
from model.params import param
from model.population import ABROAD, RETURNEE
from model.processes.flight_history import observed_flight
from model.processes.labour import hazard_to_prob
from model.processes.protected import (
    ASYLUM,
    INCOME_GROUPS,
    NONE,
    OIP,
    REFUGEE,
    employment_rate,
    hosted_by_income,
    in_lmic_share,
    migrants_per_protected,
    people_of,
    protected_counts,
    protected_index,
    protected_rows,
)
from model.processes.solution_rates import country_rates
from model.streams import bernoulli_candidates, thin

STATUSES = {"asylum_seekers": ASYLUM, "refugees": REFUGEE, "oip": OIP}
# How the solution rates were fitted (tests/test_displacement.py recomputes them).
FIT = ("the solutions of 2010-2019 over the sum of the mid-year refugees and others in need of "
       "protection, on the global world's corridors (model/world/data/solutions.csv, "
       "displaced.csv)")
# How the host choice was fitted (docs/displacement_fit.py; tests/test_displacement_fit.py).
HOST_FIT = ("maximum likelihood of the host logit to the positive increases of UNHCR's refugees, "
            "asylum seekers and oip by host between mid-years 2010-2020 (displaced.csv), "
            "each origin-year weighted by its people, on the global world's corridors with the "
            "UN DESA estimate before the flight as the network (2010 for 2011-2015, 2015 for "
            "2016-2020; docs/displacement_fit.py)")


@dataclass
class DisplacementConfig:
    """Forced displacement (process `displacement`)."""

    flight_distance_elasticity: float = param(
        0.776, "utility per log km", 0.0, 10.0, label="fall of a host's pull with distance",
        source=f"fitted: {HOST_FIT} (SE 0.050)")
    flight_border_bonus: float = param(
        1.002, "utility", 0.0, 20.0, label="pull of a host across a shared border",
        source=f"fitted: {HOST_FIT} (SE 0.081)")
    flight_network_elasticity: float = param(
        0.268, "utility per log person", 0.0, 5.0,
        label="pull of the people from the origin in a host at the run's start",
        source=f"fitted: {HOST_FIT} (SE 0.013)")
    flight_population_elasticity: float = param(
        0.49, "utility per log person", 0.0, 5.0,
        label="pull of a host's population (its capacity)",
        source=f"fitted: {HOST_FIT} (SE 0.023)")
    decision_rate: float = param(
        0.5, "per year", 0.0, 12.0, label="rate at which asylum claims are decided",
        source="assumption: about two years from claim to decision on average", 
        prior_range=(0.2, 2.0))
    recognition_rate: float = param(
        0.45, "share", 0.0, 1.0, label="share of decisions that grant protection",
        source="assumption of the order of UNHCR's total recognition rates (40-50% of "
               "substantive decisions worldwide in the late 2010s)", prior_range=(0.2, 0.7))
    rejected_return_share: float = param(
        0.3, "share", 0.0, 1.0, label="share of rejected asylum seekers who go home",
        source="assumption (the others stay as irregular migrants)", prior_range=(0.1, 0.6))
    voluntary_return_rate: float = param(
        0.0254, "per year", 0.0, 1.0, label="voluntary return hazard of the protected",
        source=f"fitted to UNHCR's solutions table: {FIT} (refugees returned)")
    return_after_conflict: float = param(
        3.0, "ratio", 1.0, 50.0, label="voluntary return once the origin's conflict has ended",
        source="assumption", prior_range=(1.0, 10.0))
    resettlement_rate: float = param(
        0.0073, "per year", 0.0, 1.0, label="resettlement hazard of the protected",
        source=f"fitted to UNHCR's solutions table: {FIT} (resettlement)")
    naturalisation_rate: float = param(
        0.0020, "per year", 0.0, 1.0, label="naturalisation hazard of the protected",
        source=f"fitted to UNHCR's solutions table: {FIT} (naturalisation)")
    work_rights_share: float = param(
        0.5, "share", 0.0, 1.0, label="protected migrants with the right to work (every host)",
        source="assumption: most large hosts grant some de jure right with restrictions, "
               "far fewer de facto (Zetter and Ruaudel 2016, KNOMAD study)",
        prior_range=(0.2, 0.9))
    flight_history: bool = param(
        True, "", label="add the observed flight of each origin for the run's years up to 2020 "
        "(not in an economic world, world.migrants=economic)",
        source="model/world/data/flight.csv: each origin's flight a year fitted to UNHCR's "
               "year-on-year changes of its refugees, asylum seekers and others in need of "
               "protection, plus the year's returns and naturalisations (not event data)")
    no_rights_finding_factor: float = param(
        0.2, "ratio", 0.0, 1.0,
        label="job-finding hazard without the right to work / with it (informal work only)",
        source="assumption", prior_range=(0.0, 0.5))


def _host_shares(model) -> np.ndarray:
    """Share of each origin's flight that goes to each corridor ([K], summing to 1 over the
    corridors of an origin that admits anyone): a logit in distance, a shared border, the
    origin's people in the host at the run's start (the network the flight finds, not the one
    it makes: the fit reads it from the UN DESA estimate before the flight), the host's
    population (its capacity) and the host's admission."""
    k, c, cfg = model.corridors, model.countries, model.cfg.displacement
    admission = c.admission[k.d]
    pull = getattr(k, "flight_pull", None)  # all but the admission is fixed for the run
    if pull is None:
        v = (-cfg.flight_distance_elasticity * np.log(np.maximum(k.distance_km, 1.0))
             + cfg.flight_border_bonus * k.contiguous
             + cfg.flight_network_elasticity * np.log1p(k.stock0)
             + cfg.flight_population_elasticity * np.log(np.maximum(c.population[k.d], 1.0)))
        pull = k.flight_pull = np.exp(v - v.max())
    w = np.where(admission > 0, pull * admission, 0.0)
    total = np.bincount(k.o, w, len(c.iso3))
    return np.divide(w, total[k.o], out=np.zeros_like(w), where=total[k.o] > 0)


def _slug(group: str) -> str:
    return group.lower().replace(" ", "_")


class Displacement(Component):
    """Flight, asylum, work rights and durable solutions (see the module docstring)."""

    name = "displacement"
    label = "forced displacement"
    phase = "displacement"
    config_key = "displacement"
    config_class = DisplacementConfig
    levers = (
        Lever("countries", "flight_per_year", "people fleeing conflict at the origin a year "
              "(set by conflict events)", 0.0),
        Lever("countries", "flight_oip_share", "share of those fleeing who arrive as others in "
              "need of protection, not asylum seekers", 0.0),
        Lever("countries", "flight_refugee_share", "share of those fleeing whom their hosts "
              "recognise as refugees on arrival, as a group (prima facie)", 0.0),
        Lever("countries", "admission", "factor on a host's pull for people fleeing (0: "
              "closed)", 1.0),
        Lever("countries", "refugee_work_rights", "share of protected migrants in a host with "
              "the right to work",
              lambda model: np.full(len(model.countries.iso3),
                                    model.cfg.displacement.work_rights_share)),
    )
    fields = (
        Field("protection", np.int8, "none, asylum seeker, refugee or other in need of "
              "international protection (0-3)"),
        Field("rights_draw", np.float32, "the migrant's draw against its host's work-rights "
              "share (it has the right below it)"),
    )
    flows = (
        Flow("flight", "people", "people fleeing conflict who arrived", per_corridor=True,
             stock=+1),
        Flow("asylum_granted", "people", "asylum seekers recognised as refugees"),
        Flow("asylum_rejected", "people", "asylum seekers rejected"),
        Flow("rejected_home", "people", "rejected asylum seekers who went home",
             per_corridor=True, stock=-1),
        Flow("voluntary_returns", "people", "refugees and others in need of protection who "
             "went home", per_corridor=True, stock=-1),
        Flow("resettled", "people", "refugees resettled to a third country, by the corridor "
             "they left", per_corridor=True, stock=-1),
        Flow("resettled_in", "people", "refugees resettled to a third country, by the "
             "corridor they joined", per_corridor=True, stock=+1),
        Flow("naturalised", "people", "refugees whose status ended by naturalisation"),
        Flow("protection_ended", "people", "protected whose status ended otherwise (other "
             "residence permits, deregistration, onward movement: the observed history's "
             "exits from UNHCR's counts); they stay as migrants"),
    )

    indicators = (
        Indicator("refugees", "people", "refugees abroad (UNHCR's status)", people_of(REFUGEE),
                  compare=("Refugees abroad", "people")),
        Indicator("asylum_seekers", "people", "asylum seekers awaiting a decision",
                  people_of(ASYLUM)),
        Indicator("other_protection_needs", "people", "others in need of international "
                  "protection abroad (UNHCR's oip)", people_of(OIP)),
        *(Indicator(f"protected_in_{_slug(g)}_hosts", "people", f"refugees, asylum seekers and "
                    f"others in need of protection in {g.lower()} hosts", hosted_by_income(g))
          for g in INCOME_GROUPS),
        Indicator("protected_in_lmic_share", "share", "refugees, asylum seekers and others in "
                  "need of protection hosted in low- and middle-income countries",
                  in_lmic_share),
        Indicator("migrants_per_protected", "ratio", "migrants abroad per refugee, asylum "
                  "seeker or other in need of protection", migrants_per_protected),
        Indicator("protected_employment_rate", "share", "refugees, asylum seekers and others in "
                  "need of protection who are employed", employment_rate),
        Indicator("flight", "people per step", "people fleeing conflict who arrived in a host",
                  corridor_flow("flight")),
        Indicator("voluntary_returns", "people per step", "refugees and others in need of "
                  "protection who went home", corridor_flow("voluntary_returns")),
        Indicator("resettled", "people per step", "refugees resettled to a third country",
                  corridor_flow("resettled")),
        Indicator("naturalised", "people per step", "refugees whose status ended by "
                  "naturalisation", lambda model: float(model.flows["naturalised"][0])),
        Indicator("protection_ended", "people per step", "protected whose status ended "
                  "otherwise (the observed history's exits from UNHCR's counts)",
                  lambda model: float(model.flows["protection_ended"][0])),
        Indicator("asylum_granted", "people per step", "asylum seekers recognised as refugees",
                  lambda model: float(model.flows["asylum_granted"][0])),
    )
    figures = (RunFigure("displacement.png", "with refugees, asylum seekers or others in need "
                         "of protection: their numbers by status, the flight and durable "
                         "solutions per year, and their hosts by income group",
                         "model.plots.displacement:plot_displacement"),)
    headlines = (
        Headline("refugees_end", "people", "refugees abroad at the horizon", "refugees", "end"),
        Headline("protected_in_lmic_share_end", "share", "share of the protected hosted in low- "
                 "and middle-income countries at the horizon", "protected_in_lmic_share", "end"),
        Headline("voluntary_returns_total", "people", "voluntary returns over the run",
                 "voluntary_returns", "sum"),
        Headline("protected_employment_rate_end", "share", "employment rate of the protected "
                 "at the horizon", "protected_employment_rate", "end",
                 effect=("Employment of refugees and others in need of protection", "share")),
    )

    def corridor_end(self, model) -> dict[str, np.ndarray]:
        """corridors.csv: refugees, asylum seekers and others in need of protection at the
        end, and of them employed."""
        counts, employed = protected_counts(model)
        return {"refugees_end": counts[REFUGEE], "asylum_seekers_end": counts[ASYLUM],
                "other_protection_needs_end": counts[OIP], "protected_employed_end": employed}

    def init_pre(self, model) -> None:
        """The world's displaced by status and shared borders, on the corridor table (zeros
        for a world without them, e.g. a custom file)."""
        k, table = model.corridors, model.world.corridors
        # In an economic world (world.migrants=economic) the stocks are net of the displaced.
        inside = model.cfg.world.migrants != "economic"
        for column in ("refugees", "asylum_seekers", "oip", "contiguous"):
            present = column in table and (inside or column == "contiguous")
            values = table[column].to_numpy(float) if present else np.zeros(len(k.o))
            setattr(k, column, np.nan_to_num(values))
        self.conflict_ended: set[int] = set()  # origins whose conflict event has ended
        self.history = observed_flight(model)
        self.exit_rate: np.ndarray | None = None  # the year's exits from the counts, by origin
        # The solutions' rates by country (the origin's return and resettlement, the host's
        # naturalisation), where the world carries UNHCR's data.
        self.rates = country_rates(model.countries.iso3, model.cfg.displacement,
                                   data=model.cfg.world.name != "custom" and inside)

    def init_post(self, model) -> None:
        """Draw the start year's protected among each corridor's migrants, by status."""
        pop, k = model.migrants, model.corridors
        rng = model.streams["displacement"]
        pop.rights_draw[:] = rng.random(pop.n).astype(np.float32)
        stock = np.maximum(k.stock0, 1e-9)
        u = rng.random(pop.n)
        edge = np.zeros(pop.n)
        abroad = pop.status == ABROAD
        for status in ("asylum_seekers", "refugees", "oip"):
            share = np.minimum(np.asarray(getattr(k, status)) / stock, 1.0)
            hit = abroad & (u >= edge) & (u < edge + share[pop.corridor])
            pop.protection[hit] = STATUSES[status]
            edge = edge + share[pop.corridor]
        protected = np.flatnonzero(pop.protection > 0)
        pop.regular[protected] = True  # a legal status (the model recounts after the start)
        self._protect(model, protected)
        self._barriers(model)
        self._start_employment(model, rng, protected)

    def _start_employment(self, model, rng, rows) -> None:
        """The start's protected without the right to work are employed at their own steady
        state, f (1 - b) / (f (1 - b) + l), not at the other migrants' f / (f + l) they were
        drawn with (f, l: the host's job-finding and job-loss hazards, b the barrier): each
        employed one keeps the job with the ratio of the two."""
        pop, k, c = model.migrants, model.corridors, model.countries
        rows = rows[(pop.job_barrier[rows] > 0) & pop.employed[rows]]
        d = k.d[pop.corridor[rows]]
        f, lose = c.job_finding_rate[d], c.job_loss_rate[d]
        slowed = f * (1.0 - pop.job_barrier[rows])
        keep = (slowed / (slowed + lose)) / (f / (f + lose))
        out = rows[rng.random(len(rows)) >= keep]
        pop.employed[out] = False
        pop.matched[out] = False

    # ------------------------------------------------------------------ the step
    def run(self, model, events: StepEvents) -> None:
        rng = model.streams["displacement"]
        # Conflicts end with their events: the observed history's last year (2020) is not an
        # end of the fighting, so it is added after the events are read.
        self._conflicts(model)
        self._observed_flight(model)
        # The index of the protected, in step with the rows before the flight appends to it:
        # the steps below read their statuses and corridors there.
        index = protected_index(model)
        self._flight(model, rng)
        # Who goes home, becomes irregular or moves is collected and changed at once, in one
        # update of the tallies (`_move`).
        self.moves = {"home": [], "irregular": [], "moved": [], "to": []}
        self._decide(model, rng, events, index)
        self._solutions(model, rng, events, index)
        self._move(model, events)
        self._refresh_barriers(model)

    def _observed_flight(self, model) -> None:
        """Add the year's observed arrivals (`flight_history`; see `_history`) to what events
        set, and set the year's hazard of leaving the counts otherwise (`exit_rate`, by
        origin; None outside the history)."""
        year = int(np.floor(model.now() + 1e-9))
        self.exit_rate = None
        if year not in self.history:
            return
        if year == model.start_year and model.now() < year + 0.5 - 1e-9:
            # The start's counts are UNHCR's at mid-year: the first half of the start year's
            # flight is already in them.
            return
        c = model.countries
        flight, refugees, oip, self.exit_rate = self.history[year]
        total = c.flight_per_year + flight
        for lever, share in (("flight_refugee_share", refugees), ("flight_oip_share", oip)):
            mixed = getattr(c, lever)
            setattr(c, lever, np.divide(c.flight_per_year * mixed + flight * share, total,
                                        out=mixed.copy(), where=total > 0))
        c.flight_per_year = total

    def _conflicts(self, model) -> None:
        """Remember the origins whose flight has stopped (their conflict event ended)."""
        fleeing = model.countries.flight_per_year > 0
        self.conflict_ended |= set(np.flatnonzero(~fleeing & self._was_fleeing(model)))
        self.conflict_ended -= set(np.flatnonzero(fleeing))
        self.fleeing = fleeing

    def _was_fleeing(self, model) -> np.ndarray:
        return getattr(self, "fleeing", np.zeros(len(model.countries.iso3), bool))

    def _flight(self, model, rng) -> None:
        c, k = model.countries, model.corridors
        if not (c.flight_per_year > 0).any():
            return
        people = c.flight_per_year[k.o] * model.dt * _host_shares(model)  # [K]
        w = k.agent_weight
        n = np.floor(people / w + rng.random(len(k.o))).astype(np.int64)
        corridor = np.repeat(np.arange(len(k.o)), n)
        m = len(corridor)
        if m == 0:
            return
        # Recognised on arrival, else oip, else asylum seekers (one draw each).
        u = rng.random(m)
        refugee_share = c.flight_refugee_share[k.o[corridor]]
        protection = np.where(u < refugee_share, REFUGEE, np.where(
            u < refugee_share + c.flight_oip_share[k.o[corridor]], OIP, ASYLUM)).astype(np.int8)
        skill = (rng.random(m) < k.high_skill_share[corridor]).astype(np.int8)
        weight = w[corridor].astype(np.float32)
        rows = model.migrants.add(
            corridor=corridor, skill=skill, status=ABROAD, weight=weight, regular=True,
            arrived=model.now() + model.dt, protection=protection,
            rights_draw=rng.random(m).astype(np.float32))
        self._protect(model, rows)
        self._barriers(model, rows)
        model.tallies.add(model.migrants, rows)
        model.flows["flight"] += np.bincount(corridor, weight, len(k.o))

    def _decide(self, model, rng, events, index) -> None:
        pop, cfg = model.migrants, model.cfg.displacement
        # A decision per claim (a Bernoulli draw each, by geometric skipping), except the
        # claims of this step's arrivals, decided from the next step on.
        seekers = np.flatnonzero((index.status == ASYLUM)
                                 & (index.arrived <= model.now() + 1e-9))
        p = float(hazard_to_prob(cfg.decision_rate, model.dt))
        decided = seekers[bernoulli_candidates(rng, len(seekers), p)]
        u = rng.random(len(decided))
        granted, rejected = decided[u < cfg.recognition_rate], decided[u >= cfg.recognition_rate]
        index.set_status(pop, granted, REFUGEE)
        granted, rejected = index.rows[granted], self._end(model, index, rejected)
        home = rejected[rng.random(len(rejected)) < cfg.rejected_return_share]
        self.moves["irregular"].append(np.setdiff1d(rejected, home, assume_unique=True))
        f = model.flows
        f["rejected_home"] += model.count_people(home)
        self.moves["home"].append(home)
        f["asylum_granted"][0] += pop.weight[granted].sum(dtype=np.float64)
        f["asylum_rejected"][0] += pop.weight[rejected].sum(dtype=np.float64)

    def _end(self, model, index, at: np.ndarray) -> np.ndarray:
        """End the status of the index's entries `at`; their rows."""
        rows = index.rows[at]
        index.set_status(model.migrants, at, NONE)
        self._unprotect(model, rows)
        return rows

    def _solutions(self, model, rng, events, index) -> None:
        pop, k, cfg = model.migrants, model.corridors, model.cfg.displacement
        # One draw per refugee or other in need of protection (not this step's arrivals)
        # against its corridor's total hazard: the origin's return (more once its conflict has
        # ended), resettlement and exits from the counts, and the host's naturalisation.
        r = self.rates
        back_rate = r["return"] * np.where(
            np.isin(np.arange(len(r["return"])), list(self.conflict_ended)),
            cfg.return_after_conflict, 1.0)
        # The observed history's exits from the counts (by origin), in its years only.
        exit_rate = self.exit_rate if self.exit_rate is not None else np.zeros_like(back_rate)
        hazards = np.stack([back_rate[k.o], r["resettlement"][k.o], r["naturalisation"][k.d],
                            exit_rate[k.o]])  # [4, K]
        p_leave = hazard_to_prob(hazards.sum(axis=0), model.dt)
        eligible = np.flatnonzero((index.status >= REFUGEE)
                                  & (index.arrived <= model.now() + 1e-9))
        corridor = index.corridor[eligible]
        leaves = rng.random(len(eligible)) < p_leave[corridor]
        at, h = eligible[leaves], hazards[:, corridor[leaves]]
        # Which solution: the first whose cumulative hazard passes a uniform draw.
        kind = (rng.random(len(at)) * h.sum(axis=0) >= np.cumsum(h, axis=0)).sum(axis=0)
        f = model.flows
        home = self._end(model, index, at[kind == 0])
        f["voluntary_returns"] += model.count_people(home)
        self.moves["home"].append(home)
        self._resettle(model, rng, index, at[kind == 1])
        for stay, flow in ((at[kind == 2], "naturalised"), (at[kind >= 3], "protection_ended")):
            f[flow][0] += pop.weight[self._end(model, index, stay)].sum(dtype=np.float64)

    def _resettle(self, model, rng, index, at) -> None:
        """Move the index's entries `at` to a high-income third country where people from
        their origin live (chosen in proportion to them, a second draw where the first is their
        own host); those whose origin has no other such corridor stay."""
        pop, k, c = model.migrants, model.corridors, model.countries
        if len(at) == 0:
            return
        rows = index.rows[at]
        candidate = c.high_income[k.d] & (model.stock_now > 0)
        weight = np.where(candidate, model.stock_now, 0.0)
        # Cumulative weights within each origin's corridors, to draw a corridor per row.
        order = np.lexsort((np.arange(len(k.o)), k.o))
        cum = np.cumsum(weight[order])
        start = np.searchsorted(k.o[order], np.arange(len(c.iso3)), side="left")
        end = np.searchsorted(k.o[order], np.arange(len(c.iso3)), side="right")
        base = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
        o = k.o[pop.corridor[rows]]
        span = cum[np.maximum(end[o] - 1, 0)] - base[o]
        can = (span > 0) & (end[o] > start[o])
        rows, o, span, at = rows[can], o[can], span[can], at[can]

        def draw():
            target = base[o] + rng.random(len(rows)) * span
            return order[np.minimum(np.searchsorted(cum, target, side="right"), len(cum) - 1)]

        to = draw()
        again = draw()
        to = np.where(to == pop.corridor[rows], again, to)
        moved = to != pop.corridor[rows]
        rows, to = rows[moved], to[moved]
        model.flows["resettled"] += model.count_people(rows)
        model.flows["resettled_in"] += np.bincount(to, pop.weight[rows], len(k.o))
        index.set_corridor(at[moved], to)
        self.moves["moved"].append(rows)
        self.moves["to"].append(to)

    def _move(self, model, events) -> None:
        """This step's moves, in one update of the tallies: rejected claimants and refugees
        going home (the reintegration process follows them), rejected claimants staying
        irregular, the resettled to their new corridor (and its right to work)."""
        pop = model.migrants
        home, irregular, moved, to = (np.concatenate([np.zeros(0, np.int64), *self.moves[key]])
                                      for key in ("home", "irregular", "moved", "to"))
        rows = np.concatenate([home, irregular, moved])
        if len(rows) == 0:
            return
        fields = ("status", "employed", "matched", "regular", "corridor")
        with model.tallies.changing(pop, rows, fields):
            pop.status[home] = RETURNEE
            pop.employed[home] = False
            pop.matched[home] = False
            pop.regular[irregular] = False
            pop.corridor[moved] = to
        pop.returned[home] = model.now() + model.dt
        events.returned = np.concatenate([events.returned, home])
        self._barriers(model, moved)  # the new host's right to work

    def _protect(self, model, rows) -> None:
        """`rows` (their `protection` set) are protected: exempt from the economic return
        decision, and in the index of the protected."""
        pop = model.migrants
        pop.return_exempt[rows] = True
        index = getattr(pop, "protected_index", None)
        if index is None:
            index = protected_index(model)  # built from a scan (the start's draw)
        else:
            index.append(pop, rows)

    def _unprotect(self, model, rows) -> None:
        pop = model.migrants
        pop.return_exempt[rows] = False
        pop.job_barrier[rows] = 0.0

    def _barriers(self, model, rows=None) -> None:
        """The job-finding barrier of the protected `rows` (every protected row if None): none
        with the right to work, else 1 - `no_rights_finding_factor`."""
        pop, k, c = model.migrants, model.corridors, model.countries
        rows = protected_rows(model) if rows is None else rows[pop.protection[rows] > 0]
        share = c.refugee_work_rights[k.d]  # [K]
        rights = pop.rights_draw[rows] < share[pop.corridor[rows]]
        # (a product, not np.where: several times faster on a mixed mask)
        pop.job_barrier[rows] = ~rights * np.float32(
            1.0 - model.cfg.displacement.no_rights_finding_factor)
        self.rights_seen = c.refugee_work_rights.copy()

    def _refresh_barriers(self, model) -> None:
        """Recompute every barrier when the work-rights lever moved or protection was set
        outside this process; the rows this process protects or moves get theirs at once
        (`_flight`, `_resettle`), and a regional response's permits set theirs to 0."""
        pop = model.migrants
        index = model.migrants.protected_index  # (synced at the phase's start)
        moved = not np.array_equal(model.countries.refugee_work_rights, self.rights_seen)
        if moved or index.rescanned:
            index.rescanned = False
            self._barriers(model)