"""Country names and codes of a user's corridor file: World Bank spellings, older aliases and
the aggregates (World, Other North, ...) of the World Bank matrices, matched to the countries
table."""

from __future__ import annotations

import unicodedata

import pandas as pd

from model.world.custom_cells import is_blank

#: Older or variant World Bank spellings -> ISO3. The first block are the names in the
#: 2017 Bilateral Migration Matrix that do not match the FY2026 World Bank names of the
#: countries table (the World Bank renamed these countries since 2017). The names with
#: accents are also caught by the accent-insensitive match; they are listed so that the
#: file still loads with a countries table that spells them differently. The second
#: block are spellings of other World Bank vintages, kept because users load those too.
WB_NAME_ALIASES: dict[str, str] = {
    # found in wb_bilateral_migration_matrix_2017.xlsx
    "Cote d'Ivoire": "CIV",
    "Curacao": "CUW",
    "Czech Republic": "CZE",
    "Faeroe Islands": "FRO",
    "Korea, Dem. Rep.": "PRK",
    "Macedonia, FYR": "MKD",
    "Puerto Rico": "PRI",
    "Sao Tome and Principe": "STP",
    "Swaziland": "SWZ",
    "Turkey": "TUR",
    "Vietnam": "VNM",
    # other World Bank vintages
    "Cape Verde": "CPV",
    "Korea, Dem. People's Rep.": "PRK",
    "North Macedonia": "MKD",
    "Eswatini": "SWZ",
    "Czechia": "CZE",
    "Turkiye": "TUR",
    "Viet Nam": "VNM",
    "Faroe Islands": "FRO",
    "Timor-Leste": "TLS",
    "Micronesia, Fed. Sts.": "FSM",
    "Hong Kong SAR, China": "HKG",
    "Macao SAR, China": "MAC",
    "Taiwan, China": "TWN",
    "Kosovo": "XKX",
    "Channel Islands": "CHI",
}

#: Row/column labels of the World Bank matrices that are totals or residual groups,
#: not countries; they are skipped without complaint.
AGGREGATE_NAMES: frozenset[str] = frozenset(
    {
        "World",
        "Total",
        "Other",
        "Others",
        "Other North",
        "Other South",
        "Unknown",
        "High income",
        "Low income",
        "Middle income",
        "Lower middle income",
        "Upper middle income",
        "Low & middle income",
        "Low and middle income",
        "East Asia & Pacific",
        "Europe & Central Asia",
        "Latin America & Caribbean",
        "Middle East & North Africa",
        "North America",
        "South Asia",
        "Sub-Saharan Africa",
    }
)


def normalise_name(name: str) -> str:
    """Key for matching country names: case, accents, apostrophes and spacing ignored.

    The countries table uses the World Bank's current typography ("Côte d’Ivoire")
    while older files use plain ASCII ("Cote d'Ivoire"); both must meet.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split()).casefold()


AGGREGATE_KEYS = frozenset(normalise_name(n) for n in AGGREGATE_NAMES)


def country_lookup(countries: pd.DataFrame) -> tuple[set[str], dict[str, str]]:
    """Known ISO3 codes and a normalised-name -> ISO3 map (table names win over aliases)."""
    if not isinstance(countries, pd.DataFrame):
        raise TypeError("countries must be a pandas DataFrame with columns iso3 and name")
    missing = [c for c in ("iso3", "name") if c not in countries.columns]
    if missing:
        raise ValueError(f"countries table lacks column(s) {missing}; it needs iso3 and name")
    codes = {str(c).strip().upper() for c in countries["iso3"] if not is_blank(c)}
    by_name: dict[str, str] = {}
    for alias, code in WB_NAME_ALIASES.items():
        # An alias is only usable if the countries table knows its target.
        if code in codes:
            by_name[normalise_name(alias)] = code
    for name, code in zip(countries["name"], countries["iso3"], strict=True):
        if not is_blank(name) and not is_blank(code):
            by_name[normalise_name(name)] = str(code).strip().upper()
    return codes, by_name
