"""The two layouts of a user's corridor file: the package's long corridor table (one corridor
per row) and the World Bank / KNOMAD Bilateral Migration Matrix (see ``model.world.custom``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from model.world.custom_cells import (
    Problems,
    col_letter,
    fail,
    is_blank,
    not_a_number,
    read_as,
    show,
    to_number,
)
from model.world.custom_files import Percent
from model.world.custom_names import AGGREGATE_KEYS, normalise_name

REQUIRED_COLUMNS: tuple[str, ...] = ("origin", "destination", "stock")

#: Optional numeric columns: (lowest allowed, whether the lowest is allowed itself,
#: highest allowed or None, description used in error messages).
OPTIONAL_COLUMNS: dict[str, tuple[float, bool, float | None, str]] = {
    "high_skill_share": (0.0, True, 1.0, "a fraction from 0 to 1"),
    "remittance_price_pct": (0.0, True, 100.0, "a percent of a 200 USD transfer from 0 to 100"),
    "distance_km": (0.0, False, None, "a distance in km greater than 0"),
}

# The matrix header is looked for only near the top: the World Bank puts one title row
# above it, and scanning a long table's whole body would be slow and pointless.
_MATRIX_HEADER_SEARCH_ROWS = 30
# A header row must hold at least this many known country names to count as the
# matrix header, so a long table whose cells happen to contain a name or two is not
# mistaken for a matrix.
_MATRIX_MIN_NAMES = 5

_CODE_HINT = (
    "origin and destination must be ISO 3166 alpha-3 country codes as listed in the "
    "iso3 column of the package's countries table (model/world/data/countries.csv), "
    "e.g. MEX, USA, PHL"
)
_STOCK_HINT = "stock must be a number of people (persons), zero or more, e.g. 11573680"
_NAME_HINT = (
    "country names must be World Bank spellings as in the name column of the package's "
    "countries table, or one of the older spellings in "
    "model.world.custom.WB_NAME_ALIASES; aggregates such as Other North, Other South "
    "and World are skipped"
)
_MATRIX_VALUE_HINT = "matrix cells must be numbers of persons, zero or more, or blank"
_DUPLICATE_HINT = "each (origin, destination) pair may appear only once"


def find_matrix_header(rows: list[list[Any]], by_name: dict[str, str]) -> int | None:
    """Index of the row that lists many known country names across, or None."""
    best_index, best_hits = None, 0
    for index, row in enumerate(rows[:_MATRIX_HEADER_SEARCH_ROWS]):
        # Column A is the corner/origin-name column, so it does not count.
        hits = sum(
            1 for cell in row[1:] if isinstance(cell, str) and normalise_name(cell) in by_name
        )
        if hits > best_hits:
            best_index, best_hits = index, hits
    return best_index if best_hits >= _MATRIX_MIN_NAMES else None


def parse_long(
    rows: list[list[Any]], path: Path, codes: set[str], delimiter: str | None = None
) -> pd.DataFrame:
    """The long corridor table: one row per corridor under a header of column names.

    ``codes`` are the known ISO3 codes; ``delimiter`` is a text file's separator (None for a
    workbook), so that rows split at the wrong place are refused before their values are read.
    """
    header = rows[0]
    positions: dict[str, int] = {}
    problems = Problems(path)
    for index, cell in enumerate(header):
        if is_blank(cell):
            continue
        key = str(cell).strip().casefold()
        if key in REQUIRED_COLUMNS or key in OPTIONAL_COLUMNS:
            if key in positions:
                problems.add(
                    1,
                    f"{col_letter(index)}",
                    f"column {key!r} appears twice (columns {col_letter(positions[key])} "
                    f"and {col_letter(index)})",
                    "each column name may appear only once in the header row",
                )
            else:
                positions[key] = index
    problems.raise_if_any()

    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        found = ", ".join(repr(str(c).strip()) for c in header if not is_blank(c)) or "nothing"
        raise fail(
            path,
            f"missing required column(s) {', '.join(repr(m) for m in missing)} in the header "
            f"(row 1), which has: {found}. Required columns: {', '.join(REQUIRED_COLUMNS)}; "
            f"optional: {', '.join(OPTIONAL_COLUMNS)} (names are not case-sensitive; other "
            "columns are ignored). A World Bank bilateral migration matrix was not "
            "recognised either (no row with country names across).",
        )

    if delimiter is not None:
        _check_cell_counts(rows, problems, delimiter)
        problems.raise_if_any()  # values of a row split at the wrong place are not checked

    def where(column: str) -> str:
        return f"{column!r} ({col_letter(positions[column])})"

    def cell(row: list[Any], column: str) -> Any:
        index = positions[column]
        return row[index] if index < len(row) else None

    optional = [c for c in OPTIONAL_COLUMNS if c in positions]
    records: list[dict[str, Any]] = []
    first_seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows[1:], start=1):
        rownum = index + 1
        if all(is_blank(v) for v in row):
            continue  # spacer lines are common in hand-edited sheets
        record: dict[str, Any] = {}
        for column in ("origin", "destination"):
            value = cell(row, column)
            if is_blank(value):
                problems.add(rownum, where(column), "blank country code", _CODE_HINT)
                continue
            code = str(value).strip().upper()
            if code not in codes:
                problems.add(rownum, where(column), f"unknown country code {show(value)}", _CODE_HINT)
                continue
            record[column] = code

        value = cell(row, "stock")
        stock = to_number(value)
        if is_blank(value):
            problems.add(rownum, where("stock"), "blank stock (a number is required)", _STOCK_HINT)
        elif stock is None:
            problems.add(rownum, where("stock"), not_a_number(value, "stock"), _STOCK_HINT)
        elif stock < 0:
            problems.add(rownum, where("stock"), f"negative stock {show(value)}", _STOCK_HINT)
        else:
            record["stock"] = stock

        for column in optional:
            low, low_ok, high, allowed = OPTIONAL_COLUMNS[column]
            value = cell(row, column)
            if is_blank(value):
                record[column] = math.nan  # no value: the model uses its default
                continue
            number = to_number(value)
            hint = f"{column} must be {allowed}, or blank"
            if isinstance(value, Percent) and column == "remittance_price_pct":
                # Read as stored, 7% would be a price of 0.07 percent.
                problems.add(rownum, where(column), f"the cell is formatted as a percentage "
                             f"({value * 100:g}% is stored as {float(value):g}, a price of "
                             f"{float(value):g} percent here)", f"{hint}; type the percent "
                             "as a plain number (7 for 7%) in a cell formatted as General "
                             "or Number")
            elif number is None:
                problems.add(rownum, where(column), not_a_number(value, "value"), hint)
            elif number < low or (number == low and not low_ok) or (high is not None and number > high):
                problems.add(rownum, where(column),
                             f"value {show(value)}{read_as(value, number)} is out of range", hint)
            else:
                record[column] = number

        if "origin" in record and "destination" in record:
            pair = (record["origin"], record["destination"])
            if pair[0] == pair[1]:
                problems.add(
                    rownum,
                    f"{where('origin')}/{where('destination')}",
                    f"origin and destination are both {pair[0]}",
                    "a corridor joins two different countries",
                )
            elif pair in first_seen:
                problems.add(
                    rownum,
                    f"{where('origin')}/{where('destination')}",
                    f"duplicate corridor {pair[0]} -> {pair[1]} (first given in row {first_seen[pair]})",
                    _DUPLICATE_HINT,
                )
            else:
                first_seen[pair] = rownum
        records.append(record)

    problems.raise_if_any()
    if not records:
        raise fail(
            path,
            "the table is empty: the header (row 1) is followed by no corridor rows. "
            f"Add one row per corridor with {', '.join(REQUIRED_COLUMNS)}.",
        )
    columns = [*REQUIRED_COLUMNS, *optional]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"stock": "float64", **{c: "float64" for c in optional}})


def _check_cell_counts(rows: list[list[Any]], problems: Problems, delimiter: str) -> None:
    """Refuse text rows with more filled cells, or fewer cells, than the header has names.

    In a comma-separated file a decimal comma (``MEX,USA,10900000,0,25``) or a comma in an
    unquoted cell splits one value into two: every cell after it moves one column right, and
    the last is dropped. Trailing empty cells are harmless and allowed.
    """
    header = rows[0]
    width = max((i + 1 for i, v in enumerate(header) if not is_blank(v)), default=0)
    names = ", ".join(str(v).strip() for v in header[:width])
    sep = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    for index, row in enumerate(rows[1:], start=2):
        if all(is_blank(v) for v in row):
            continue
        filled = max(i + 1 for i, v in enumerate(row) if not is_blank(v))
        if filled <= width and len(row) >= width:
            continue
        cells = ", ".join(show(v) for v in row[:8]) + (", ..." if len(row) > 8 else "")
        if filled > width:
            cause = ("likely a decimal comma (0,25 for 0.25) or a comma inside an unquoted "
                     "cell, which splits one value into two" if delimiter == "," else
                     f"likely a {sep} inside a cell, which splits one value into two")
            problems.add(index, f"{col_letter(width)} (no name in the header)",
                         f"{filled} {sep}-separated cells ({cells}) where the header (row 1) "
                         f"has {width} ({names}): {cause}", _CELLS_HINT)
        else:
            problems.add(index, col_letter(len(row)),
                         f"{len(row)} {sep}-separated cells ({cells}) where the header (row 1) "
                         f"has {width} ({names}): a cell is missing, so the values may be "
                         "under the wrong columns", _CELLS_HINT)


_CELLS_HINT = ("every row has as many cells as the header, one value each; write numbers with a "
               "decimal point and no other separator (0.25, 10900000), put text holding the "
               "separator in double quotes, and keep an empty cell (two separators in a row) for "
               "a blank value")


def parse_matrix(
    rows: list[list[Any]], header_index: int, path: Path, by_name: dict[str, str]
) -> pd.DataFrame:
    """The World Bank matrix: destination names across row ``header_index``, origin names down
    column A, persons in the cells; ``by_name`` maps normalised country names to ISO3."""
    # A bilateral *remittance* matrix has the same shape but holds US$ millions flowing
    # the other way; reading it as stocks would be silently wrong, so refuse it.
    for row in rows[: header_index + 1]:
        for value in row:
            if isinstance(value, str) and "remittance" in value.casefold():
                raise fail(
                    path,
                    f"it looks like a bilateral remittance matrix ({show(value)}), not a "
                    "matrix of migrant stocks in persons. Use the World Bank Bilateral "
                    "Migration Matrix or the long corridor table.",
                )

    problems = Problems(path)
    header = rows[header_index]
    header_row = header_index + 1
    # Destination columns: position -> ISO3. Column A is skipped because, in this layout,
    # position is the only thing that marks the origin names: the corner cell is blank or
    # a free-text label, so there is no column name to select it by.
    destinations: dict[int, str] = {}
    seen_dest: dict[str, int] = {}
    blank_header: set[int] = set()
    for index in range(1, len(header)):
        name = header[index]
        if is_blank(name):
            blank_header.add(index)
            continue
        key = normalise_name(name)
        if key in AGGREGATE_KEYS:
            continue
        code = by_name.get(key)
        if code is None:
            problems.add(header_row, col_letter(index), f"unknown country name {show(name)}", _NAME_HINT)
        elif code in seen_dest:
            problems.add(
                header_row,
                col_letter(index),
                f"{show(name)} is {code} again (already column {col_letter(seen_dest[code])})",
                "each destination country may appear in only one column",
            )
        else:
            destinations[index] = code
            seen_dest[code] = index

    origins_seen: dict[str, int] = {}
    records: list[tuple[str, str, float]] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        rownum = index + 1
        name = row[0] if row else None
        if isinstance(name, str) and normalise_name(name).startswith(("note", "source")):
            break  # the World Bank's footnotes follow; nothing after them is data
        values_present = any(not is_blank(v) for v in row[1:])
        if is_blank(name):
            if values_present:
                problems.add(rownum, "A", "values but no origin country name", _NAME_HINT)
            continue
        key = normalise_name(name)
        if key in AGGREGATE_KEYS:
            continue
        origin = by_name.get(key)
        if origin is None:
            problems.add(rownum, "A", f"unknown country name {show(name)}", _NAME_HINT)
            continue
        if origin in origins_seen:
            problems.add(
                rownum,
                "A",
                f"{show(name)} is {origin} again (already row {origins_seen[origin]})",
                "each origin country may appear in only one row",
            )
            continue
        origins_seen[origin] = rownum
        for col in range(1, len(row)):
            value = row[col]
            if is_blank(value):
                continue
            if col >= len(header):
                problems.add(rownum, col_letter(col),
                             f"value {show(value)} after the header's last column "
                             f"({col_letter(len(header) - 1)}): likely a decimal comma or a "
                             "comma inside an unquoted cell, which splits one value into two",
                             _CELLS_HINT)
                continue
            if col in blank_header:
                problems.add(rownum, col_letter(col),
                             f"value {show(value)} under a blank destination name", _NAME_HINT)
                continue
            destination = destinations.get(col)
            if destination is None:
                continue  # aggregate column, or a name already reported as a problem
            stock = to_number(value)
            place = f"{col_letter(col)} (destination {show(header[col])})"
            if stock is None:
                problems.add(rownum, place, not_a_number(value, "value"), _MATRIX_VALUE_HINT)
            elif stock < 0:
                problems.add(rownum, place, f"negative value {show(value)}", _MATRIX_VALUE_HINT)
            elif stock > 0 and origin != destination:
                # Zeros carry no corridor, and the diagonal is natives, not migrants.
                records.append((origin, destination, stock))

    problems.raise_if_any()
    if not records:
        raise fail(
            path,
            f"the World Bank matrix (header in row {header_row}) has no positive migrant "
            "stock between two different countries.",
        )
    frame = pd.DataFrame.from_records(records, columns=list(REQUIRED_COLUMNS))
    return frame.astype({"stock": "float64"})
