"""Load a user's own table of migration corridors (``world=custom world.path=FILE``).

Two layouts are accepted. The layout is recognised from the file's content, not its
name, so either layout may be saved as ``.csv`` or ``.xlsx``.

1. The package's corridor table (long format, one corridor per row)
   ------------------------------------------------------------------
   Row 1 is the header; every following row is one directed corridor. Column names are
   matched case-insensitively after stripping surrounding whitespace, in any order;
   columns not listed here are ignored.

   ========================  ========  ===============================================
   column                    required  meaning and unit
   ========================  ========  ===============================================
   ``origin``                yes       country of birth, ISO 3166 alpha-3 code (``MEX``)
   ``destination``           yes       country of residence, ISO 3166 alpha-3 (``USA``)
   ``stock``                 yes       migrant stock: people born in ``origin`` living
                                       in ``destination`` (persons, >= 0)
   ``high_skill_share``      no        share of that stock with tertiary education,
                                       fraction 0-1
   ``remittance_price_pct``  no        average total cost of sending 200 USD from
                                       ``destination`` to ``origin``, percent of the
                                       amount sent, 0-100
   ``distance_km``           no        distance between the two countries, km, > 0
   ========================  ========  ===============================================

   Country codes are the ``iso3`` codes of the package's countries table
   (``model/world/data/countries.csv``), which also holds the World Bank's non-ISO
   codes ``XKX`` (Kosovo) and ``CHI`` (Channel Islands). Codes are upper-cased and
   stripped before the check, so ``" mex"`` is read as ``MEX``. A blank cell in an
   optional column means "no value, use the model's default". Rows that are entirely
   blank are skipped. A corridor with stock 0 is kept (the user listed it on purpose).
   In a CSV file the separator may be a comma, semicolon or tab; the encoding UTF-8
   (with or without BOM), UTF-16 or UTF-32 with a byte-order mark (Excel's "Unicode
   text") or Windows-1252. Every row must have as many cells as the header has names
   (trailing empty cells aside): in a comma-separated file a decimal comma
   (``MEX,USA,10900000,0,25``) splits a value in two and is refused, not read as 0.
   Numbers are written with a decimal point; thousands may be grouped with commas or
   spaces (``11,573,680``, ``11 573 680``), so ``0,25`` and ``1,5`` are refused.

2. The World Bank / KNOMAD Bilateral Migration Matrix (as downloaded)
   ------------------------------------------------------------------
   The spreadsheet published as "Bilateral Estimates of Migrant Stocks in 2017" (and
   the same layout in other vintages): a title row, then a header row with destination
   (host) country names across, origin country names down the first column, migrant
   stocks in persons in the cells. Aggregate rows/columns such as ``Other North``,
   ``Other South`` and ``World`` are skipped, and so is everything from the first
   ``Notes:`` row on. Only the first worksheet is read. Country names are World Bank
   spellings, matched against the countries table's ``name`` column (ignoring case,
   accents and the kind of apostrophe) and :data:`WB_NAME_ALIASES` for older
   spellings. The result has the long format's three required columns; zero and blank
   cells and the diagonal (origin == destination) are dropped.

Every problem found is reported in one :class:`WorldFileError` that names the file,
the row number as a spreadsheet shows it (row 1 is the first line of the file, so the
header of a long table is row 1) and the column, together with what is allowed.

This module is the entry point and keeps the public names; the work is done beside it:
``custom_files`` reads a file into rows of cells, ``custom_layouts`` parses the two layouts,
``custom_names`` matches country names and codes, ``custom_cells`` reads cell values and
collects the problems.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import pandas as pd

from model.world.custom_cells import WorldFileError, fail, is_blank
from model.world.custom_files import ALLOWED_FORMATS, read_grid
from model.world.custom_layouts import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    find_matrix_header,
    parse_long,
    parse_matrix,
)
from model.world.custom_names import AGGREGATE_NAMES, WB_NAME_ALIASES, country_lookup

__all__ = [
    "AGGREGATE_NAMES",
    "ALLOWED_FORMATS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "WB_NAME_ALIASES",
    "WorldFileError",
    "read_corridor_file",
]


def read_corridor_file(path: str | PathLike[str], countries: pd.DataFrame) -> pd.DataFrame:
    """Read and validate a user's corridor file in either accepted layout.

    The layout is detected from the content: if row 1 names any of the required
    columns (``origin``, ``destination``, ``stock``) the file is read as the package's
    long corridor table; otherwise, if a row near the top lists many known country
    names across, as the World Bank / KNOMAD Bilateral Migration Matrix. See the module
    docstring for both layouts, their columns and units.

    Args:
        path: The ``.csv`` or ``.xlsx`` file (only the first sheet of a workbook is read).
        countries: The known countries, a DataFrame with at least the columns ``iso3``
            (codes accepted in the long table) and ``name`` (World Bank names accepted in
            the matrix). Normally the package's ``model/world/data/countries.csv``.

    Returns:
        One row per directed corridor, in file order (row by row for the matrix), with
        columns ``origin`` and ``destination`` (ISO3 codes, upper case) and ``stock``
        (persons, float64), followed by whichever optional columns the long table had
        (float64, NaN where the cell was blank). The index is a fresh RangeIndex.

    Raises:
        WorldFileError: The file is missing, unreadable or of an unknown format, lacks a
            required column, is empty, or has bad values (unknown country code or name,
            negative or non-numeric stock, optional value out of range, duplicate
            corridor). The single message names the file, the rows and columns (first
            five, with a total count) and what is allowed.
        TypeError: ``countries`` is not a DataFrame.
        ValueError: ``countries`` lacks the ``iso3`` or ``name`` column (a programming
            error, so it is not a WorldFileError).
    """
    codes, by_name = country_lookup(countries)
    file = Path(path)
    rows, delimiter = read_grid(file)
    # Trailing blank rows carry nothing; dropping them makes "empty file" detectable.
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise fail(
            file,
            "the file is empty. It needs a header row with "
            f"{', '.join(REQUIRED_COLUMNS)} and one row per corridor.",
        )
    first = {str(v).strip().casefold() for v in rows[0] if not is_blank(v)}
    if first & set(REQUIRED_COLUMNS):
        return parse_long(rows, file, codes, delimiter)
    header_index = find_matrix_header(rows, by_name)
    if header_index is not None:
        return parse_matrix(rows, header_index, file, by_name)
    # Neither layout: report it as the long table's missing columns, the documented format.
    return parse_long(rows, file, codes, delimiter)
