"""Shocks from a dated timeline: pandemics, disasters at origin, conflicts.

A scenario lists events in `shocks.timeline` (YAML) or `shocks=[...]` (Python), each with a kind,
a start and an end (decimal years, the end excluded) and the countries it hits (ISO3 codes, or
all). While an event is on, it moves the model's levers, which are reset to the baseline every
step, so the model recovers through its own dynamics once the event ends:

- `pandemic` (in the destinations hit; COVID-19 in 2020-2021): labour demand falls, more by
  skill level for the low-skilled (job-loss hazard x `job_loss_multiplier_low` / `_high`, job
  finding x `job_finding_multiplier`), new migration is cut (`entry_multiplier`) and, while
  `borders_closed_until` has not passed, nobody can leave: migrants who want to return are
  stranded. Remittances respond through earnings.
- `disaster` (at the origins hit): household income falls and migrants send more
  (`remittance_multiplier`, remittances as insurance: Yang and Choi 2007, WBER 21(2)); more
  people leave (`emigration_multiplier`).
- `conflict` (at the origins hit): a surge of departures (`emigration_multiplier`); arrivals
  beyond the regular quotas come irregularly, so irregular entries rise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from omegaconf import OmegaConf

from model.components import Component, RunFigure, StepEvents
from model.params import ConfigError, param, typed

KINDS = ("pandemic", "disaster", "conflict")


@dataclass
class ShockEvent:
    """One dated event of a shock timeline."""

    kind: str = param("pandemic", "", label="pandemic, disaster or conflict", source="scenario")
    start: float = param(2020.25, "year", 1990.0, 2100.0, label="first day (decimal year)",
                         source="scenario")
    end: float = param(2021.0, "year", 1990.0, 2100.0, label="first day after it (decimal year)",
                       source="scenario")
    countries: list[str] = field(default_factory=list)  # ISO3 codes hit; empty = all
    job_loss_multiplier_low: float = param(
        3.0, "ratio", 1.0, 50.0, label="pandemic: job-loss hazard of low-skilled jobs",
        source="calibrated so migrant employment falls about 10 points in 2020 as in OECD (2020) "
               "International Migration Outlook (immigrant unemployment rose faster than "
               "natives')")
    job_loss_multiplier_high: float = param(
        1.5, "ratio", 1.0, 50.0, label="pandemic: job-loss hazard of high-skilled jobs",
        source="assumption (skilled jobs were more often kept through remote work)")
    job_finding_multiplier: float = param(
        0.5, "ratio", 0.0, 1.0, label="pandemic: job-finding hazard", source="assumption")
    entry_multiplier: float = param(
        0.3, "ratio", 0.0, 1.0, label="pandemic: new arrivals in the destinations hit",
        source="OECD (2020): new permanent migration to OECD countries fell by about 46% in "
               "the first half of 2020")
    borders_closed_until: float = param(
        2020.75, "year", 1990.0, 2100.0,
        label="pandemic: returns impossible until this date (migrants stranded)",
        source="scenario (lockdowns and flight bans of spring-summer 2020)")
    home_income_shortfall: float = param(
        0.04, "share", 0.0, 1.0, label="pandemic: fall of household income at the origins hit "
        "(migrants send more by remittances.need_response)",
        source="IMF World Economic Outlook (April 2021): GDP per capita of emerging and "
               "developing economies fell about 3-4% in 2020")
    informal_channel_penalty: float = param(
        0.1, "utility", 0.0, 20.0, label="pandemic: utility lost by informal remittance "
        "channels while the event is on (no couriers, no cash carried home)",
        source="to be fitted; World Bank/KNOMAD Migration and Development Brief 34 (2021): "
               "travel restrictions shifted remittances from informal to formal, recorded "
               "channels, one reason recorded flows held up in 2020")
    account_opening_rate: float = param(
        0.3, "per year", 0.0, 10.0, label="pandemic: rate at which unbanked migrants open an "
        "account while the event is on (the shift to digital channels persists)",
        source="to be fitted; GSMA (2021) State of the Industry Report on Mobile Money: "
               "registered mobile-money accounts grew 13% in 2020 and international "
               "remittances through mobile money 65%")
    remittance_multiplier: float = param(
        1.2, "ratio", 0.0, 10.0, label="disaster: remittances sent to the origins hit",
        source="Yang and Choi (2007): remittances replace about 60% of income shortfalls")
    emigration_multiplier: float = param(
        1.5, "ratio", 0.0, 100.0, label="disaster or conflict: departures from the origins hit",
        source="assumption for disasters; use about 5-20 for a conflict (Syria 2012-2015 "
               "multiplied its emigrant stock several times, UN DESA)")
    flight_per_year: float = param(
        0.0, "people a year", 0.0, 1e8, label="conflict: people fleeing the origins hit, a year "
        "(each origin; they choose hosts by model.processes.displacement)",
        source="scenario: no event data are shipped; a preset states each flight's size")
    flight_oip_share: float = param(
        0.0, "share", 0.0, 1.0, label="conflict: share of those fleeing who arrive as others in "
        "need of international protection rather than asylum seekers",
        source="scenario (e.g. most Venezuelans abroad are counted by UNHCR as 'other people in "
               "need of international protection', not asylum seekers)")
    flight_refugee_share: float = param(
        0.0, "share", 0.0, 1.0, label="conflict: share of those fleeing whom their hosts "
        "recognise as refugees on arrival, as a group (prima facie or temporary protection), "
        "not as asylum seekers",
        source="scenario (e.g. Syrians in Turkey, Lebanon and Jordan are counted by UNHCR as "
               "refugees without individual claims); the built-in history's shares are the "
               "groups' growth (model/world/data/flight.csv)")


@dataclass
class ShocksConfig:
    """The dated shock timeline (`shocks` in the config): a list of events."""

    timeline: list[ShockEvent] = field(default_factory=list)


def parse_timeline(timeline: Any) -> list[ShockEvent]:
    """Typed, validated events; ConfigError names the event (by position) and the key."""
    if timeline is None:
        return []
    if OmegaConf.is_config(timeline):
        timeline = OmegaConf.to_container(timeline, resolve=True)
    if not isinstance(timeline, (list, tuple)):
        raise ConfigError(f"shocks.timeline = {timeline!r}: give a list of events "
                          f"(each with kind: {', '.join(KINDS)}, start, end)")
    from model.world.loader import shipped_countries

    known = set(shipped_countries()["iso3"])
    events = []
    for i, raw in enumerate(timeline):
        where = f"shocks.timeline[{i}]"
        if isinstance(raw, ShockEvent):
            raw = dataclasses.asdict(raw)
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} = {raw!r}: each event is a mapping with kind, start, end")
        event = typed(ShockEvent, raw, where, choices={"kind": KINDS})
        if event.end <= event.start:
            raise ConfigError(f"{where}: end = {event.end} must be after start = {event.start}")
        if event.flight_refugee_share + event.flight_oip_share > 1.0 + 1e-9:
            raise ConfigError(f"{where}: flight_refugee_share + flight_oip_share = "
                              f"{event.flight_refugee_share + event.flight_oip_share:g}; give "
                              f"shares that add up to at most 1 (the rest are asylum seekers)")
        bad = sorted(set(event.countries) - known)
        if bad:
            raise ConfigError(f"{where}.countries: unknown country code(s) {', '.join(bad)}; use "
                              "ISO 3166 alpha-3 codes of the package's country table")
        events.append(event)
    return events


class Shock:
    """An event of the timeline, applied to the levers while it is on."""

    def __init__(self, model, event: ShockEvent):
        self.event = event
        iso3 = model.countries.iso3
        self.hit = np.isin(iso3, event.countries) if event.countries else np.ones(len(iso3), bool)

    def on(self, model) -> bool:
        return self.event.start - 1e-9 <= model.now() < self.event.end - 1e-9

    def __call__(self, model) -> None:
        if not self.on(model):
            return
        e, c = self.event, model.countries
        if e.kind == "pandemic":
            low, high = e.job_loss_multiplier_low, e.job_loss_multiplier_high
            c.job_loss_multiplier = np.where(self.hit, c.job_loss_multiplier
                                             * np.array([[low], [high]]), c.job_loss_multiplier)
            c.job_finding_rate = np.where(self.hit, c.job_finding_rate * e.job_finding_multiplier,
                                          c.job_finding_rate)
            c.entry_multiplier = np.where(self.hit, c.entry_multiplier * e.entry_multiplier,
                                          c.entry_multiplier)
            if model.now() < e.borders_closed_until - 1e-9:
                c.return_blocked = c.return_blocked | self.hit
            # Families at home lose income and migrants send more (from what they earn); informal
            # channels close and migrants turn to formal, digital ones, opening accounts.
            need = 1.0 + model.cfg.remittances.need_response * e.home_income_shortfall
            c.remittance_multiplier = np.where(self.hit, c.remittance_multiplier * need,
                                               c.remittance_multiplier)
            c.informal_penalty = np.where(self.hit, c.informal_penalty
                                          + e.informal_channel_penalty, c.informal_penalty)
            k = model.corridors
            k.account_opening_rate = np.where(self.hit[k.d], k.account_opening_rate
                                              + e.account_opening_rate, k.account_opening_rate)
        elif e.kind == "disaster":
            c.remittance_multiplier = np.where(self.hit, c.remittance_multiplier
                                               * e.remittance_multiplier, c.remittance_multiplier)
            c.emigration_multiplier = np.where(self.hit, c.emigration_multiplier
                                               * e.emigration_multiplier, c.emigration_multiplier)
        else:  # conflict
            c.emigration_multiplier = np.where(self.hit, c.emigration_multiplier
                                               * e.emigration_multiplier, c.emigration_multiplier)
            c.flight_per_year = np.where(self.hit, c.flight_per_year + e.flight_per_year,
                                         c.flight_per_year)
            c.flight_oip_share = np.where(self.hit, e.flight_oip_share, c.flight_oip_share)
            c.flight_refugee_share = np.where(self.hit, e.flight_refugee_share,
                                              c.flight_refugee_share)


class Shocks(Component):
    """The shocks phase: every event of the timeline that is on moves the levers."""

    name = "shocks"
    label = "shocks"
    phase = "shocks"
    figures = (RunFigure("shock_recovery.png", "with shocks: the headline indicators indexed to "
                         "the year before the first shock, the shocks shaded (how deep they "
                         "fell, how fast they came back), and stranded migrants",
                         "model.plots.shocks:plot_shock_recovery"),)
    config_key = "shocks"
    config_class = ShocksConfig
    moves_levers = ("countries.job_loss_multiplier", "countries.job_finding_rate",
                    "countries.entry_multiplier", "countries.return_blocked",
                    "countries.remittance_multiplier", "countries.emigration_multiplier",
                    "countries.informal_penalty", "corridors.account_opening_rate",
                    "countries.flight_per_year", "countries.flight_oip_share",
                    "countries.flight_refugee_share")

    @classmethod
    def build(cls, model) -> Shocks:
        """The model's shock timeline (possibly empty)."""
        return cls(model, model.cfg.shocks.timeline)

    def __init__(self, model, events: list[ShockEvent]):
        self.events = list(events)
        self.active: list = [Shock(model, event) for event in self.events]

    def add(self, shock) -> None:
        """Add a callable `shock(model)` that moves levers while it is on (tests, scripts)."""
        self.active.append(shock)

    def any_on(self, model) -> bool:
        """Whether a dated event of the timeline is on during the current step."""
        return any(s.on(model) for s in self.active if hasattr(s, "on"))

    def run(self, model, events: StepEvents) -> None:
        for shock in self.active:
            shock(model)


def recovery(ts, events: list[ShockEvent], steps_per_year: int) -> list[dict]:
    """How each headline indicator moved in and after each event: its level before, its worst
    level during or after, and the years from the event's end until it is back within 2% of
    its level before (None if it is not back by the horizon)."""
    out = []
    watched = {"employment_rate": -1, "remittances_formal_usd": -1, "migrant_stock": -1,
               "inflows": -1, "stranded": 1, "returns": 1}
    for e in events:
        before = ts[(ts["year"] >= e.start - 1.0) & (ts["year"] < e.start)]
        after = ts[ts["year"] >= e.start]
        if before.empty or after.empty:  # the event is outside the simulated years
            out.append(None)
            continue
        row = {}
        for name, sign in watched.items():
            level = float(before[name].mean())
            worst = float(after[name].min() if sign < 0 else after[name].max())
            back = after[(after["year"] >= e.end)
                         & ((after[name] - level).abs() <= 0.02 * max(abs(level), 1e-9))]
            row[name] = {"before": level, "worst": worst,
                         "years_to_recover": (round(float(back["year"].iloc[0]) - e.end, 2)
                                              if not back.empty else None)}
        out.append(row)
    return out
