"""What the financing facility's money buys in each of the six GFMD themes, and what members
make of it.

Each theme buys units of one thing at a cost per unit, in the member country where it is spent,
with diminishing returns: with capital K (what the theme's programmes built there, USD) and S
units that could be bought at most, the units bought are S x (1 - exp(-K / (cost x S))). The first
dollars buy units at `cost` each; the last ones ever fewer (the easiest migrants, employers and
corridors are reached first). Nothing is bought without money, and doubling the money less than
doubles the units. The units move one mechanism of the model each (unit bought, and the most
that could be bought; mechanism moved):

- governance: an extra regular place a year into the member destination (at most
  `governance_max_expansion` x its quota); quotas grow;
- skilling: a skilled emigrant's credentials recognised (those not yet recognised); recognition
  rises on the origin's corridors;
- technology: a migrant switched to digital transfers (the member's migrants, as origin or
  destination); prices fall on its corridors;
- protection: an irregular worker in the destination under wage protection; wage theft falls;
- irregular: a young person in the origin reached by risk information (`audience_per_irregular`
  per irregular departure of the trailing year, updated every step); irregular departures fall;
- partnerships: a year of dialogue and secretariat for the member (one); trust, which agreements
  between members value.

Members weigh what the units are worth to themselves (`outcome_value`), in money, by channel:
the origin counts remittances (the remitted share of its skilled emigrants' higher earnings and
of wages no longer stolen, and the fees its households no longer pay); the destination counts
taxes on the earnings of the extra regular workers (`labour.tax_share`) and the enforcement
cost of irregular arrivals avoided (`emigration.enforcement_cost_usd`).
`model.facility.membership` sets these against the fee.
"""

from __future__ import annotations

import numpy as np

from model.policies.cheaper_remittances import CheaperRemittancesConfig, channel_mix

THEMES = ("governance", "skilling", "technology", "protection", "irregular", "partnerships")
UNITS = {"governance": "extra regular places a year",
         "skilling": "credentials recognised",
         "technology": "migrants sending digitally",
         "protection": "irregular workers under wage protection",
         "irregular": "young people reached with risk information",
         "partnerships": "member-years of dialogue"}
# The digital channel the technology theme spreads: as the cheaper-remittances programme
# (start share and price ratio from World Bank RPW, see that module).
_DIGITAL = CheaperRemittancesConfig()


def bought(capital: np.ndarray, cost: float, size: np.ndarray) -> np.ndarray:
    """Units bought with `capital` (USD) at `cost` a unit, at most `size` units (module
    docstring)."""
    return size * -np.expm1(-capital / (cost * np.maximum(size, 1e-9)))


def sizes(model, fac) -> np.ndarray:
    """The most units each theme could buy in each country now ([T, C])."""
    k, cfg, C = model.corridors, fac.cfg, len(model.countries.iso3)
    stock = model.tallies.stock()
    irregular = stock - model.tallies.regular()
    return np.stack([
        cfg.governance_max_expansion * np.bincount(k.d, k.quota, C),
        np.bincount(k.o, stock * k.high_skill_share * (1.0 - k.recognition_share), C),
        np.bincount(k.o, stock, C) + np.bincount(k.d, stock, C),
        np.bincount(k.d, irregular, C),
        cfg.audience_per_irregular * fac.irregular_last_year(),
        np.ones(C),
    ])


def units(model, fac) -> np.ndarray:
    """Units bought by the facility's capital in each theme and country ([T, C])."""
    cfg = fac.cfg
    costs = np.array([cfg.governance_cost_usd, cfg.skilling_cost_usd, cfg.technology_cost_usd,
                      cfg.protection_cost_usd, cfg.information_cost_usd,
                      cfg.partnerships_cost_usd])
    return bought(fac.capacity, costs[:, None], np.maximum(fac.sizes, 0.0))


def reached_shares(fac, bought_units: np.ndarray) -> np.ndarray:
    """The share of each theme's most units that is bought ([T, C], 0 to 1)."""
    return np.divide(bought_units, fac.sizes, out=np.zeros_like(bought_units),
                     where=fac.sizes > 0)


def apply_themes(model, fac, reached: np.ndarray) -> None:
    """Move the levers by the shares bought (`reached`, [T, C])."""
    k, cfg = model.corridors, fac.cfg
    g, skill, tech, prot, info, part = reached
    k.quota_multiplier = k.quota_multiplier * (1.0 + cfg.governance_max_expansion * g[k.d])
    k.recognition_share = k.recognition_share + skill[k.o] * (1.0 - k.recognition_share)
    k.price_pct = k.price_pct * digital_price_ratio(np.maximum(tech[k.o], tech[k.d]))
    k.wage_theft_share = k.wage_theft_share * (1.0 - cfg.protection_effect * prot[k.d])
    k.irregular_deterrence = 1.0 - (1.0 - k.irregular_deterrence) * (
        1.0 - cfg.information_effect * info[k.o])
    fac.trust = cfg.max_trust * part


def digital_price_ratio(adopted: np.ndarray) -> np.ndarray:
    """Price after / before when a share `adopted` of cash senders switches to digital."""
    d0 = _DIGITAL.digital_share_start
    return (channel_mix(d0 + (1.0 - d0) * adopted, _DIGITAL)
            / channel_mix(d0, _DIGITAL))


def outcome_value(model, fac, reached: np.ndarray) -> np.ndarray:
    """What the themes' outcomes are worth a year to each country ([T, C], USD; module
    docstring). Partnerships are worth nothing by themselves: trust raises the value members
    see in agreements."""
    k, c, cfg, C = model.corridors, model.countries, fac.cfg, len(model.countries.iso3)
    labour = model.cfg.labour
    g, skill, tech, prot, info, _ = reached
    remit = c.remit_share[k.o]
    year_wage_low = c.wage_low[k.d] * model.cfg.earnings.migrant_wage_ratio * 12.0
    year_wage_high = c.wage_high[k.d] * model.cfg.earnings.migrant_wage_ratio * 12.0
    stock = model.tallies.stock()
    value = np.zeros((len(THEMES), C))
    # Governance: taxes on a year's earnings of each extra regular worker (destination).
    places = cfg.governance_max_expansion * k.quota * g[k.d]
    value[0] = np.bincount(k.d, places * year_wage_low * labour.tax_share, C)
    # Skilling: the remitted share of the earnings gain of the newly recognised (origin).
    unrecognised = stock * k.high_skill_share * (1.0 - k.recognition_share)
    step_up = c.match_recognised[k.d] - c.match_unrecognised[k.d]
    gain = unrecognised * skill[k.o] * step_up * (year_wage_high - year_wage_low)
    value[1] = np.bincount(k.o, remit * gain, C)
    # Technology: fees no longer paid on the formal flows (origin households).
    formal = model.totals["formal_received"] / max(model.steps, 1) * model.steps_per_year
    saved = formal * (1.0 - digital_price_ratio(np.maximum(tech[k.o], tech[k.d]))) \
        * k.price_pct / 100.0
    value[2] = np.bincount(k.o, saved, C)
    # Protection: the remitted share of wages no longer stolen (origin).
    irregular = stock - model.tallies.regular()
    kept = irregular * k.wage_theft_share * cfg.protection_effect * prot[k.d] * year_wage_low
    value[3] = np.bincount(k.o, remit * kept, C)
    # Irregular migration: enforcement cost of a year of each irregular arrival avoided
    # (destination), the origin's deterred departures spread over its corridors.
    # Arrivals seen are those left after deterrence x: deterred = seen x x / (1 - x).
    x = np.minimum(cfg.information_effect * info[k.o], 1.0 - 1e-9)
    deterred = fac.irregular_past_year() * x / (1.0 - x)
    value[4] = np.bincount(k.d, deterred * model.cfg.emigration.enforcement_cost_usd, C)
    return value
