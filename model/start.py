"""The start of a run: checks of the seed and the world's size, and the start-year migrants.

`check_rng` and `check_world_size` refuse, before anything is allocated, a seed that is not a
whole number and a world whose stocks would need implausibly many agents; `populate` creates
the migrants living abroad in the start year, each corridor's stock exact. The processes then
calibrate themselves to this population (`Component.init_post`).
"""

from __future__ import annotations

import inspect

import numpy as np

from model.catalogue import fields, levers
from model.config import check_against_world, flat_defaults
from model.params import ConfigError
from model.population import ABROAD, HIGH, LOW, MigrantSet
from model.processes.earnings import monthly_wage

# The most migrant agents a run may create at the start: the global world at one person per
# agent (252 M people abroad, and its returnees) fits; an implausible stock (a typo of 1e12)
# is refused before numpy tries to allocate tens of gigabytes.
MAX_AGENTS = 400_000_000
MAX_SEED = 2**63 - 1  # the range of the `seed` setting


def check_rng(rng) -> None:
    """Refuse an `rng` that is not a seed: a whole number from 0 to 2**63 - 1, or None (then
    `seed`, or a fresh seed under mesa.batch_run). Every random stream derives from an integer
    seed (`model.streams`), so a Generator or a float, which int() would silently truncate,
    is not taken."""
    ok = (rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)
                          and 0 <= int(rng) <= MAX_SEED))
    if not ok:
        raise ConfigError(f"rng = {rng!r}: allowed a whole number from 0 to 2**63 - 1 (the seed "
                          "every random stream derives from), or None to use `seed`")


def check_sections(cfg, processes) -> None:
    """Refuse a config without the settings section of one of the `processes` (a config
    built before a process was added, e.g. a pickled one), naming the process."""
    for process in processes:
        if process.config_key and not hasattr(cfg, process.config_key):
            raise ConfigError(f"the config has no section {process.config_key!r} for the "
                              f"process {type(process).__name__}: build it with "
                              "model.config.nest or from conf/config.yaml")


def model_signature() -> inspect.Signature:
    """Every setting as a keyword with its default, and `rng`: the model's signature, visible
    to inspect, IDEs and mesa.batch_run."""
    params = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
              for name, value in flat_defaults().items()]
    params.append(inspect.Parameter("rng", inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(params)


def agents_per_corridor(stock: np.ndarray, cfg) -> np.ndarray:
    """Start agents of each corridor: one per `people_per_agent` people, rounded up, and at
    least `min_agents_per_corridor` where there is a stock (their weights are then smaller)."""
    n = np.maximum(np.ceil(stock / cfg.people_per_agent), cfg.min_agents_per_corridor)
    return np.where(stock > 0, n, 0.0)


def check_world_size(corridors, countries, cfg) -> int:
    """Refuse, before anything is allocated, a world without migrants, one whose stocks
    would need more than MAX_AGENTS agents at `people_per_agent`, and settings that would act
    on no country or corridor of it; return the agents the start year's migrants need."""
    stock = corridors.stock0
    where = (f"world file {cfg.world.path}" if cfg.world.path else f"world={cfg.world.name}")
    if len(stock) == 0 or not stock.sum() > 0:
        raise ConfigError(f"{where}: no corridor has migrants (every stock is zero or missing); "
                          "give at least one corridor a stock above zero")
    check_against_world(cfg, countries.iso3, corridors.o, corridors.d, where)
    agents = float(agents_per_corridor(stock, cfg).sum())
    if agents > MAX_AGENTS:
        i = int(np.argmax(stock))
        raise ConfigError(
            f"{where}: {stock.sum():,.0f} people abroad would be {agents:,.0f} migrant agents at "
            f"people_per_agent={cfg.people_per_agent:g}, above the most a run may create "
            f"({MAX_AGENTS:,}); the largest stock is {stock[i]:,.0f} on corridor "
            f"{countries.iso3[corridors.o[i]]}-{countries.iso3[corridors.d[i]]}: check "
            "the stock column, or raise people_per_agent to at least "
            f"{stock.sum() / MAX_AGENTS:,.0f}")
    return int(agents)


def create_levers(model) -> None:
    """Every declared lever at its baseline (`model.levers`, in the country and corridor
    tables)."""
    model.levers = levers()
    rows = {"countries": len(model.countries.iso3), "corridors": len(model.corridors.o)}
    for lever in model.levers:
        table = getattr(model, lever.table)
        setattr(table, lever.name, lever.create(model, rows[lever.table]))


def create_migrants(model) -> None:
    """The people each agent of a corridor stands for (`corridors.agent_weight`, at the start
    and for its arrivals) and the empty migrant arrays of every declared field."""
    k, cfg = model.corridors, model.cfg
    start_agents = agents_per_corridor(k.stock0, cfg)
    k.agent_weight = np.where(start_agents > 0, k.stock0 / np.maximum(start_agents, 1.0),
                              cfg.people_per_agent)
    # Room for twice the starting agents: np.zeros memory is only resident once written, so
    # spare capacity costs nothing until arrivals fill it (and spares regrowth copies).
    model.migrants = MigrantSet({f.name: f.dtype for f in fields()},
                                capacity=int(start_agents.sum() * 2.0) + 1024)


def populate(model) -> None:
    """Create the start-year migrants: `agents_per_corridor` agents per corridor, each
    standing for the corridor's `agent_weight` people, so each corridor's stock is exact."""
    k, c, cfg = model.corridors, model.countries, model.cfg
    rng = model.streams["population"]
    n = agents_per_corridor(k.stock0, cfg).astype(np.int64)
    corridor = np.repeat(np.arange(len(k.o)), n)
    m = len(corridor)
    weight = k.agent_weight[corridor]
    d = k.d[corridor]
    skill = (rng.random(m) < k.high_skill_share[corridor]).astype(np.int8)
    regular = rng.random(m) >= c.irregular_share[d]
    recognised = (skill == HIGH) & (rng.random(m) < k.recognition_share[corridor])
    employed = rng.random(m) >= c.migrant_unemployment[d]
    p_match = np.where(recognised, c.match_recognised[d], c.match_unrecognised[d])
    matched = employed & ((skill == LOW) | (rng.random(m) < p_match))
    access = c.account_access[d] * np.where(regular, 1.0, 0.5)
    years = sample_years_abroad(model.cfg.returns, rng, m)
    wage = monthly_wage(model, d, skill, matched, regular)
    # Savings as accumulated over the years abroad at the expected employment rate (the
    # same rule the earnings process applies from now on), so returns of target savers
    # start in their steady state rather than at zero.
    savings = (cfg.earnings.saving_rate * wage * 12.0 * years
               * (1.0 - c.migrant_unemployment[d]))
    model.migrants.add(corridor=corridor, status=ABROAD,
                       weight=weight.astype(np.float32), skill=skill, recognised=recognised,
                       employed=employed, matched=matched, regular=regular,
                       has_account=rng.random(m) < access, arrived=model.start_year - years,
                       savings=savings)


def sample_years_abroad(returns, rng: np.random.Generator, m: int) -> np.ndarray:
    """Years abroad of `m` migrants of the start-year stock: the stationary age profile of a
    constant inflow under the return hazard of `returns` (the `returns` settings; density
    proportional to survival)."""
    t = np.linspace(0.0, 60.0, 2401)
    survival = np.exp(-returns.return_rate_settled * t - returns.return_rate_new
                      * returns.return_decay_years * (1.0 - np.exp(-t / returns.return_decay_years)))
    cdf = np.cumsum(survival)
    cdf /= cdf[-1]
    return np.interp(rng.random(m), cdf, t).astype(np.float32)
