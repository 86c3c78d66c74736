"""SOURCES.md: ``sources_template.md`` filled in with the derivation's log and assumptions.

The template's placeholders are ``str.format`` fields: a lower-case name is a logged count, sum
or list (see :func:`template_fields`), an upper-case one an assumption of
``countries_table.py`` or ``corridors_table.py``.
"""

from __future__ import annotations

from pathlib import Path

from corridors_table import NON_OECD_SKILL_FACTOR, SKILL_SHARE_CLIP, STOCK_YEARS
from countries_table import (
    DEFAULT_WORLD,
    K_FIT_MIN_GDP_PC,
    SKILL_PREMIUM,
    TERTIARY_SHARE,
    WAGE_FLOOR_USD_MONTH,
    WAGE_GDP_MIN_YEAR,
)
from displaced_table import ESTIMATES, SOLUTIONS
from helpers import Log, list_text

TEMPLATE = Path(__file__).resolve().parent / "sources_template.md"

# Logged lists shown as "a, b, c" (or "none"), each with its length as `<key>_n`.
LISTED = ("population_geonames", "wage_gdppc_imputed", "wage_gdppc_imputed_group",
          "unemployment_imputed", "unemployment_imputed_group", "coord_cepii", "coord_proxy",
          "wage_floored", "ims_dropped_codes", "flight_top", "flight_by_year")
# Logged numbers of people shown in millions, as `<key>_m`.
IN_MILLIONS = ("ims_world_2020", "ims_unknown_origin_2020", "ims_dropped_stock",
               *(f"stock_total_{year}" for year in STOCK_YEARS),
               *(f"refugees_{year}" for year in STOCK_YEARS),
               *(f"{key}_{year}" for year in ESTIMATES
                 for key in ("world_displaced", "world_refugees", "world_desa", "unhcr_between",
                             "unhcr_abroad", "displaced")),
               *(f"floor_{year}_people" for year in ESTIMATES),
               "unhcr_refugees_end_2019", "unhcr_refugees_end_2020",
               "unhcr_asylum_seekers_end_2019", "unhcr_syr_tur_end_2020",
               "displaced_syr_tur_2010", "displaced_syr_tur_2020",
               *(f"solutions_{s}" for s in SOLUTIONS),
               *(f"solutions_{s}_dropped" for s in SOLUTIONS),
               "flight_total", "flight_syr_2011_2015", "flight_ven_2015_2019", "flight_ven_2018",
               "flight_ven_oip_2015_2019", "flight_oip_ven_2018",
               "displaced_ven_end_2019", "displaced_syr_end_2015")
# The labels of skill_source and price_source, each counted as `skill_<label>`/`price_<label>`.
SKILL_SOURCES = ("dioc_origin_oecd", "dioc_origin_scaled_non_oecd", "income_group_median")
PRICE_SOURCES = ("rpw_2019", "rpw_nearest_year", "origin_mean", "destination_mean",
                 "global_mean")


def template_fields(log: Log) -> dict:
    """Every placeholder of the template: logged numbers as they are, lists and assumptions
    as text, people in millions and dollars in billions."""
    fields = {key: value for key, value in log.items.items() if isinstance(value, (int, float))}
    for key in LISTED:
        fields[key] = list_text(log[key])
        fields[f"{key}_n"] = len(log[key])
    for key in IN_MILLIONS:
        fields[f"{key}_m"] = log[key] / 1e6
    for label in SKILL_SOURCES:
        fields[f"skill_{label}"] = log["skill_counts"].get(label, 0)
    for label in PRICE_SOURCES:
        fields[f"price_{label}"] = log["price_counts"].get(label, 0)
    for year in ESTIMATES:
        desa, people = log[f"world_desa_{year}"], log[f"world_displaced_{year}"]
        fields[f"ratio_{year}"] = desa / people
        fields[f"ratio_refugees_{year}"] = desa / log[f"world_refugees_{year}"]
        fields[f"world_share_{year}"] = people / log[f"unhcr_between_{year}"]
    fields["floor_by_year"] = "; ".join(
        f"{year} {n} corridors, {people / 1e6:.2f} M ({desa:.2%} of UN DESA; a cap would take "
        f"{unhcr:.1%} of UNHCR's)" for year, n, people, desa, unhcr in log["floor_by_year"])
    k_all, k_all_n = log["k_all"]
    fields["k_q1"], fields["k_q3"] = log["k_iqr"]
    stale_w = log["wage_gdppc_stale"]
    fields.update(
        income_filled="; ".join(f"{i} -> {g} ({w})" for i, g, w in log["income_filled"]) or "none",
        gdp_stale=list_text(f"{i} {y}" for i, y in log["gdp_stale"]),
        wage_gdppc_stale=list_text(f"{i} {y}" for i, y in stale_w),
        wage_gdppc_stale_n=len(stale_w),
        k_countries=" ".join(log["k_countries"]),
        k_all=k_all,
        k_all_n=k_all_n,
        k_all_us_gap=k_all / log["k_usa"] - 1,
        default_regions=", ".join(f"{r} {n}" for r, n in log["default_regions"].items()),
        dioc_destinations=" ".join(log["dioc_destinations"]),
        dioc_destinations_n=len(log["dioc_destinations"]),
        dioc_group_median=", ".join(f"{g} {v:.3f}" for g, v in log["dioc_group_median"].items()),
        bilat_matched_usd_bn=log["bilat_matched_usd"] / 1e9,
        bilat_total_usd_bn=log["bilat_total_usd"] / 1e9,
        country_years_first=log["country_years_span"][0],
        country_years_last=log["country_years_span"][1],
        prices_per_year=", ".join(f"{y} {n}" for y, n in log["prices_per_year"].items()),
        WAGE_GDP_MIN_YEAR=WAGE_GDP_MIN_YEAR,
        K_FIT_MIN_GDP_PC=K_FIT_MIN_GDP_PC,
        WAGE_FLOOR_USD_MONTH=WAGE_FLOOR_USD_MONTH,
        TERTIARY_SHARE=", ".join(f"{g} {v:.2f}" for g, v in TERTIARY_SHARE.items()),
        SKILL_PREMIUM=", ".join(f"{g} {v:.1f}" for g, v in SKILL_PREMIUM.items()),
        DEFAULT_WORLD=" ".join(sorted(DEFAULT_WORLD)),
        NON_OECD_SKILL_FACTOR=NON_OECD_SKILL_FACTOR,
        SKILL_SHARE_CLIP=SKILL_SHARE_CLIP,
    )
    return fields


def write_sources(out: Path, log: Log) -> None:
    """Write SOURCES.md: publisher, series, year, transformation per column."""
    text = TEMPLATE.read_text(encoding="utf-8").format_map(template_fields(log))
    (out / "SOURCES.md").write_text(text, encoding="utf-8")
