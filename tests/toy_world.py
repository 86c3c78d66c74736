"""A three-country toy world for testing one process at a time without the real world tables.

In the manner of Flee's tiny-world tests (djgroen/flee, ``tests/test_tiny_closure.py``): a
world small enough to reason about by hand, built through the public ``world="custom"`` route
(a corridor CSV written to a temporary directory), so a test can compute every expected number
from a handful of inputs and compare it with what the model does.

The toy world
-------------

Three real countries of the package's country table, ``model/world/data/countries.csv``:
India (IND) and the Philippines (PHL) send migrants, the United Arab Emirates (ARE) and the
Philippines receive them. Stocks are round and multiples of :data:`PEOPLE_PER_AGENT`, so every
start-year agent stands for exactly that many people (the model gives each corridor
ceil(stock / people_per_agent) agents of equal weight); at the default 50 people per agent the
world has 40,000 migrant agents.

=====  ======================  ==========  ================  ====================  ===========  ======
index  corridor                stock       high_skill_share  remittance_price_pct  distance_km  agents
=====  ======================  ==========  ================  ====================  ===========  ======
0      IND -> ARE              1,200,000   0.25              2.5                   2,300        24,000
1      IND -> PHL                200,000   0.50              5.0                   4,800         4,000
2      PHL -> ARE                600,000   0.50              3.0                   7,000        12,000
=====  ======================  ==========  ================  ====================  ===========  ======

Indices are the model's: corridors are sorted by origin, then destination, and countries by
ISO3 code (ARE 0, IND 1, PHL 2). Every optional column is given, so nothing is filled in from
the shipped corridor table; the custom loader gives every corridor a zero 2015-2020 trend.

What the model derives from the shipped country table (tests read these back from
``model.countries`` instead of copying them; the values below are for orientation only and
change if the table is regenerated):

=======  ===================  =========================  ==========================  ============
country  income group         wage_low / wage_high       native unemployment         as a
                              (USD a month)              (x 1.4 for migrants)        destination
=======  ===================  =========================  ==========================  ============
ARE      High income          2,912 / 4,659              2.33 % (3.26 %)             irregular
                                                                                     share 0.15
IND      Lower middle income    156 /   343              6.51 %                      origin only
PHL      Lower middle income    239 /   526              2.24 % (3.14 %)             irregular
                                                                                     share 0.30
=======  ===================  =========================  ==========================  ============

Two useful variants, by keyword:

- the default (open) toy world has returns and, since the corridor constants are calibrated to
  replace expected returns, arrivals;
- :data:`CLOSED` sets both return hazards to zero: no returns, no initial returnees, and so no
  arrivals either. Then the labour process is the only thing that changes who is employed
  within a step, which the sampled labour tests need to count job finders from the arrays;
- :data:`FLAT_WAGES` turns wage growth off, for hand computations of a step's earnings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: The toy corridors as written to the CSV: (origin, destination, stock, high_skill_share,
#: remittance_price_pct, distance_km). See the module docstring for the table.
TOY_CORRIDORS: tuple[tuple[str, str, int, float, float, float], ...] = (
    ("IND", "ARE", 1_200_000, 0.25, 2.5, 2300.0),
    ("IND", "PHL", 200_000, 0.50, 5.0, 4800.0),
    ("PHL", "ARE", 600_000, 0.50, 3.0, 7000.0),
)

#: People per agent by default: ~40,000 agents, enough for binomial checks of a few percent and
#: still built in well under a second. Every toy stock is a multiple of it.
PEOPLE_PER_AGENT = 50.0

#: Settings that close the toy world: no returns or removals, hence no initial returnees and
#: no arrivals.
CLOSED: dict[str, float] = {"return_rate_settled": 0.0, "return_rate_new": 0.0,
                             "removal_rate": 0.0}

#: Settings that hold wages still (no wage growth), so a test that computes a step's earnings by
#: hand from ``model.countries`` gets the step's wages whether it reads them before or after it.
FLAT_WAGES: dict[str, float] = {"wage_growth_high_income": 0.0, "wage_growth_other": 0.0}

#: Seed used when a test does not choose one (tests that sample should choose their own).
DEFAULT_SEED = 20190101


def write_toy_world(directory: str | Path) -> Path:
    """Write the toy world's corridor CSV into `directory` (e.g. pytest's ``tmp_path``).

    Args:
        directory: An existing directory.

    Returns:
        The path of the written ``toy_world.csv``.
    """
    path = Path(directory) / "toy_world.csv"
    lines = ["origin,destination,stock,high_skill_share,remittance_price_pct,distance_km"]
    lines += [",".join(str(v) for v in row) for row in TOY_CORRIDORS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def toy_model(tmp_path: str | Path, **settings):
    """A MigrationModel of the toy world for the year 2019 (quarterly steps by default).

    Args:
        tmp_path: Directory to write the corridor CSV into (pytest's ``tmp_path`` fixture).
        **settings: Keywords of ``MigrationModel`` (any setting of ``model.config``, and
            ``rng``), overriding the toy defaults: ``start_year=2019``, ``end_year=2019``,
            ``people_per_agent=PEOPLE_PER_AGENT``, ``progress=False``, ``rng=DEFAULT_SEED``.
            Pass ``**CLOSED`` for a world without returns and arrivals, ``**FLAT_WAGES`` to
            hold wages at their start values.

    Returns:
        The constructed (calibrated, not yet stepped) model.
    """
    from model import MigrationModel

    path = write_toy_world(tmp_path)
    options = {"start_year": 2019, "end_year": 2019, "people_per_agent": PEOPLE_PER_AGENT,
               "progress": False, "rng": DEFAULT_SEED}
    options.update(settings)
    return MigrationModel(world="custom", world_path=str(path), **options)


def corridor_index(model, origin: str, destination: str) -> int:
    """The model's index of the corridor `origin` -> `destination` (ISO3 codes)."""
    iso3 = list(model.countries.iso3)
    o, d = iso3.index(origin), iso3.index(destination)
    hits = np.flatnonzero((model.corridors.o == o) & (model.corridors.d == d))
    if len(hits) != 1:
        raise LookupError(f"no corridor {origin} -> {destination} in the model")
    return int(hits[0])


def rows_of(model, uids: np.ndarray) -> np.ndarray:
    """Current row numbers of the migrants with stable ids `uids` (-1 where one has left).

    Rows can move when the population is compacted, uids never do, so tests that compare a
    migrant before and after a step follow it by uid.
    """
    uid = model.migrants.uid
    uids = np.asarray(uids)
    rows = np.searchsorted(uid, uids)
    found = rows < len(uid)
    found[found] = uid[rows[found]] == uids[found]
    return np.where(found, rows, -1)
