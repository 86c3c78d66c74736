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
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "AGGREGATE_NAMES",
    "ALLOWED_FORMATS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "WB_NAME_ALIASES",
    "WorldFileError",
    "read_corridor_file",
]


class WorldFileError(ValueError):
    """A user-supplied world file cannot be used; the message says where and why."""


REQUIRED_COLUMNS: tuple[str, ...] = ("origin", "destination", "stock")

#: Optional numeric columns: (lowest allowed, whether the lowest is allowed itself,
#: highest allowed or None, description used in error messages).
OPTIONAL_COLUMNS: dict[str, tuple[float, bool, float | None, str]] = {
    "high_skill_share": (0.0, True, 1.0, "a fraction from 0 to 1"),
    "remittance_price_pct": (0.0, True, 100.0, "a percent of a 200 USD transfer from 0 to 100"),
    "distance_km": (0.0, False, None, "a distance in km greater than 0"),
}

ALLOWED_FORMATS = (
    ".csv (comma-, semicolon- or tab-separated text) or .xlsx (Excel workbook; "
    "the first sheet is read)"
)

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

# How many problems an error message lists one by one; the rest are only counted so
# that a file with thousands of bad rows still gives a readable message.
_MAX_LISTED = 5

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


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Problem:
    row: int  # 1-based, as a spreadsheet shows it
    column: str  # e.g. "'stock' (column C)"
    text: str
    hint: str


class _Problems:
    """Collects problems so the user gets all of them in one message, not one per run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[_Problem] = []

    def add(self, row: int, column: str, text: str, hint: str) -> None:
        self.items.append(_Problem(row, column, text, hint))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = sorted(self.items, key=lambda p: p.row)
        n = len(items)
        if n == 1:  # one line, as every other refusal before a run
            p = items[0]
            raise WorldFileError(f"Cannot use corridor file '{self.path}': row {p.row}, column "
                                 f"{p.column}: {p.text}. Allowed: {p.hint}.")
        lines = [
            f"Cannot use corridor file '{self.path}': "
            + (f"{n} problems (first {min(n, _MAX_LISTED)} shown):" if n > 1 else "1 problem:")
        ]
        lines += [f"  - row {p.row}, column {p.column}: {p.text}" for p in items[:_MAX_LISTED]]
        if n > _MAX_LISTED:
            lines.append(f"  ... and {n - _MAX_LISTED} more ({n} in all).")
        # Each distinct rule is stated once, in the order its first violation appears.
        hints = list(dict.fromkeys(p.hint for p in items))
        lines += [f"Allowed: {h}." for h in hints]
        raise WorldFileError("\n".join(lines))


def _fail(path: Path, text: str) -> WorldFileError:
    return WorldFileError(f"Cannot use corridor file '{path}': {text}")


def _col_letter(index0: int) -> str:
    """Spreadsheet column letter for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _show(value: Any) -> str:
    """Value as the user would recognise it in the message (strings quoted)."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _not_a_number(value: Any, what: str) -> str:
    """Why a cell is not read as a number, naming a decimal comma when that is the cause."""
    if isinstance(value, str) and _DECIMAL_COMMA.match(value.strip()):
        return (f"{what} {_show(value)} has a decimal comma; write a decimal point "
                f"({value.strip().replace(',', '.')})")
    return f"non-numeric {what} {_show(value)}"


def _read_as(value: Any, number: float) -> str:
    """ " (read as N)" when a text cell's number is not written plainly (thousands separators),
    so that an out-of-range message shows what the file's text was taken to mean."""
    if isinstance(value, str) and re.search(r"[, \u00a0\u202f]", value.strip()):
        return f" (read as {number:g}: a comma or space between groups of three digits is a " \
               "thousands separator)"
    return ""


# Thousands grouped with commas or spaces (plain, no-break or narrow no-break), as
# spreadsheets export formatted numbers. The first group does not start with 0: "0,250" is a
# decimal comma, not two hundred and fifty.
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}([ \u00a0\u202f]\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _to_number(value: Any) -> float | None:
    """Parse a cell as a finite number; None if it is not one.

    Strings with thousands separators ("11,573,680", "11 573 680") are accepted because
    that is how spreadsheets export formatted numbers; a lone comma ("1,5", "0,250") is
    not, since it may be a decimal comma and guessing would silently change the value,
    and neither are spaces anywhere else ("1 5" is not 15).
    """
    if isinstance(value, bool):  # True would otherwise pass as 1
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if _SPACE_THOUSANDS.match(text):
            text = re.sub(r"[ \u00a0\u202f]", "", text)
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if re.search(r"\s", text):
            return None  # float() would accept none of these anyway; say so plainly
        try:
            number = float(text)
        except ValueError:
            return None
    else:  # dates, times and other cell types are not counts
        return None
    return number if math.isfinite(number) else None


def _normalise_name(name: str) -> str:
    """Key for matching country names: case, accents, apostrophes and spacing ignored.

    The countries table uses the World Bank's current typography ("Côte d’Ivoire")
    while older files use plain ASCII ("Cote d'Ivoire"); both must meet.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split()).casefold()


_AGGREGATE_KEYS = frozenset(_normalise_name(n) for n in AGGREGATE_NAMES)


def _country_lookup(countries: pd.DataFrame) -> tuple[set[str], dict[str, str]]:
    """Known ISO3 codes and a normalised-name -> ISO3 map (table names win over aliases)."""
    if not isinstance(countries, pd.DataFrame):
        raise TypeError("countries must be a pandas DataFrame with columns iso3 and name")
    missing = [c for c in ("iso3", "name") if c not in countries.columns]
    if missing:
        raise ValueError(f"countries table lacks column(s) {missing}; it needs iso3 and name")
    codes = {str(c).strip().upper() for c in countries["iso3"] if not _is_blank(c)}
    by_name: dict[str, str] = {}
    for alias, code in WB_NAME_ALIASES.items():
        # An alias is only usable if the countries table knows its target.
        if code in codes:
            by_name[_normalise_name(alias)] = code
    for name, code in zip(countries["name"], countries["iso3"], strict=True):
        if not _is_blank(name) and not _is_blank(code):
            by_name[_normalise_name(name)] = str(code).strip().upper()
    return codes, by_name


# --------------------------------------------------------------------------- reading


def _read_grid(path: Path) -> tuple[list[list[Any]], str | None]:
    """All cells of the file as rows of values (row i of the list is spreadsheet row i+1), and
    the separator of a text file (None for a workbook, whose cells are not split from text)."""
    if not path.exists():
        raise WorldFileError(
            f"Corridor file not found: '{path}'. Give world.path as a path to a "
            f"{ALLOWED_FORMATS} file (relative paths are relative to the working directory)."
        )
    if path.is_dir():
        raise _fail(path, f"it is a directory, not a file. Allowed formats: {ALLOWED_FORMATS}.")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _fail(path, f"it cannot be opened ({exc}).") from exc

    suffix = path.suffix.lower()
    # Content decides before the name does: an .xlsx renamed to .csv is still a workbook.
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path), None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            path,
            "it is a legacy Excel 97-2003 (.xls) workbook, which is not supported; open it "
            f"in a spreadsheet program and save it as .xlsx. Allowed formats: {ALLOWED_FORMATS}.",
        )
    if suffix in {".xlsx", ".xlsm"}:
        raise _fail(path, f"it is not a valid .xlsx workbook. Allowed formats: {ALLOWED_FORMATS}.")
    if suffix in {".csv", ".tsv", ".txt"}:
        return _read_csv(path)
    raise _fail(
        path,
        f"unknown file format {suffix or '(no extension)'!r}. Allowed formats: {ALLOWED_FORMATS}.",
    )


def _read_xlsx(path: Path) -> list[list[Any]]:
    # openpyxl is imported here so that CSV users do not pay for it.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only: formula cells (e.g. the World row's =SUM(...)) give their cached
        # value rather than the formula text.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _fail(
            path, f"it cannot be read as an .xlsx workbook ({exc}). Allowed formats: {ALLOWED_FORMATS}."
        ) from exc
    try:
        if not workbook.worksheets:
            raise _fail(path, "the workbook has no worksheet.")
        # Only the first sheet: extra sheets are users' or carriers' helpers (the copy of
        # the 2017 World Bank matrix carries a wrong name->ISO3 helper sheet).
        sheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size; without this reset read-only mode would
        # silently cut the sheet to that size.
        sheet.reset_dimensions()
        return [[_Percent(c.value) if _is_percent(c) else c.value for c in row]
                for row in sheet.iter_rows()]
    finally:
        workbook.close()


class _Percent(float):
    """A workbook number shown as a percentage: Excel stores 7% as 0.07."""


def _is_percent(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in str(getattr(cell, "number_format", "") or ""))


# Byte-order marks of the UTF-16 and UTF-32 text that Windows programs write ("Unicode text"
# in Excel and Notepad); UTF-32's are tested first because UTF-16 LE's is a prefix of one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_SAVE_AS_UTF8 = "save it as UTF-8 (\"CSV UTF-8\" in Excel's Save As)"


def _decode(path: Path, raw: bytes) -> str:
    """The file's text: UTF-16 or UTF-32 with a byte-order mark, else UTF-8 (with or without
    BOM), else Windows-1252 (Excel on Windows writes "CSV" in the ANSI code page)."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)  # the codec reads the mark's byte order and drops it
            except UnicodeDecodeError as exc:
                raise _fail(path, f"it starts as {name} text (byte-order mark) but is not valid "
                            f"{name} at byte {exc.start}; {_SAVE_AS_UTF8}.") from None
    if b"\x00" in raw:
        # UTF-16 without a mark has a zero byte beside nearly every ASCII character.
        zeros = max(raw[0::2].count(0), raw[1::2].count(0))
        if len(raw) >= 4 and zeros >= 0.4 * len(raw) / 2:
            raise _fail(path, f"it looks like UTF-16 text saved without a byte-order mark, "
                        f"which cannot be read reliably; {_SAVE_AS_UTF8}.")
        raise _fail(
            path, f"it is a binary file, not comma-separated text. Allowed formats: {ALLOWED_FORMATS}."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(path, f"its text encoding is neither UTF-8 nor Windows-1252; {_SAVE_AS_UTF8}.")


def _read_csv(path: Path) -> tuple[list[list[Any]], str]:
    text = _decode(path, path.read_bytes())
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # The separator is the most frequent candidate in the first line (European Excel
    # writes ';'); csv.Sniffer guesses wrongly on short tables, so it is not used.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    # csv.reader returns [] for blank lines, which keeps row numbers equal to line numbers.
    rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if delimiter == ";":
        _refuse_european_numbers(path, rows)
    return rows, delimiter


# "3.400" or "1.234.567": thousands grouped with dots, as European spreadsheets write them.
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def _refuse_european_numbers(path: Path, rows: list[list[Any]]) -> None:
    """A semicolon-separated file comes from a spreadsheet with European number formats, where
    "3.400" means three thousand four hundred and "3,4" three point four; read as written,
    "3.400" would silently become 3.4 people. Such cells are refused (all listed at once)."""
    problems = _Problems(path)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            text = cell.strip().replace("\u00a0", "").replace(" ", "")
            if _DOT_THOUSANDS.match(text):
                problems.add(r, _col_letter(c), f"{_show(cell)} has a dot between groups of "
                             "three digits (a thousands separator in European formats, a "
                             "decimal point here)", _EUROPEAN_HINT)
            elif re.match(r"^[+-]?\d+,\d+$", text):
                problems.add(r, _col_letter(c), f"{_show(cell)} has a decimal comma",
                             _EUROPEAN_HINT)
    problems.raise_if_any()


_EUROPEAN_HINT = ("numbers without thousands separators and with a decimal point (3400, 0.25); "
                  "in a European spreadsheet, set the number format to plain digits or save "
                  "the file comma-separated")


# --------------------------------------------------------------------------- layouts


def _find_matrix_header(rows: list[list[Any]], by_name: dict[str, str]) -> int | None:
    """Index of the row that lists many known country names across, or None."""
    best_index, best_hits = None, 0
    for index, row in enumerate(rows[:_MATRIX_HEADER_SEARCH_ROWS]):
        # Column A is the corner/origin-name column, so it does not count.
        hits = sum(
            1 for cell in row[1:] if isinstance(cell, str) and _normalise_name(cell) in by_name
        )
        if hits > best_hits:
            best_index, best_hits = index, hits
    return best_index if best_hits >= _MATRIX_MIN_NAMES else None


def _parse_long(
    rows: list[list[Any]], path: Path, codes: set[str], delimiter: str | None = None
) -> pd.DataFrame:
    header = rows[0]
    positions: dict[str, int] = {}
    problems = _Problems(path)
    for index, cell in enumerate(header):
        if _is_blank(cell):
            continue
        key = str(cell).strip().casefold()
        if key in REQUIRED_COLUMNS or key in OPTIONAL_COLUMNS:
            if key in positions:
                problems.add(
                    1,
                    f"{_col_letter(index)}",
                    f"column {key!r} appears twice (columns {_col_letter(positions[key])} "
                    f"and {_col_letter(index)})",
                    "each column name may appear only once in the header row",
                )
            else:
                positions[key] = index
    problems.raise_if_any()

    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        found = ", ".join(repr(str(c).strip()) for c in header if not _is_blank(c)) or "nothing"
        raise _fail(
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
        return f"{column!r} ({_col_letter(positions[column])})"

    def cell(row: list[Any], column: str) -> Any:
        index = positions[column]
        return row[index] if index < len(row) else None

    optional = [c for c in OPTIONAL_COLUMNS if c in positions]
    records: list[dict[str, Any]] = []
    first_seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows[1:], start=1):
        rownum = index + 1
        if all(_is_blank(v) for v in row):
            continue  # spacer lines are common in hand-edited sheets
        record: dict[str, Any] = {}
        for column in ("origin", "destination"):
            value = cell(row, column)
            if _is_blank(value):
                problems.add(rownum, where(column), "blank country code", _CODE_HINT)
                continue
            code = str(value).strip().upper()
            if code not in codes:
                problems.add(rownum, where(column), f"unknown country code {_show(value)}", _CODE_HINT)
                continue
            record[column] = code

        value = cell(row, "stock")
        stock = _to_number(value)
        if _is_blank(value):
            problems.add(rownum, where("stock"), "blank stock (a number is required)", _STOCK_HINT)
        elif stock is None:
            problems.add(rownum, where("stock"), _not_a_number(value, "stock"), _STOCK_HINT)
        elif stock < 0:
            problems.add(rownum, where("stock"), f"negative stock {_show(value)}", _STOCK_HINT)
        else:
            record["stock"] = stock

        for column in optional:
            low, low_ok, high, allowed = OPTIONAL_COLUMNS[column]
            value = cell(row, column)
            if _is_blank(value):
                record[column] = math.nan  # no value: the model uses its default
                continue
            number = _to_number(value)
            hint = f"{column} must be {allowed}, or blank"
            if isinstance(value, _Percent) and column == "remittance_price_pct":
                # Read as stored, 7% would be a price of 0.07 percent.
                problems.add(rownum, where(column), f"the cell is formatted as a percentage "
                             f"({value * 100:g}% is stored as {float(value):g}, a price of "
                             f"{float(value):g} percent here)", f"{hint}; type the percent "
                             "as a plain number (7 for 7%) in a cell formatted as General "
                             "or Number")
            elif number is None:
                problems.add(rownum, where(column), _not_a_number(value, "value"), hint)
            elif number < low or (number == low and not low_ok) or (high is not None and number > high):
                problems.add(rownum, where(column),
                             f"value {_show(value)}{_read_as(value, number)} is out of range", hint)
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
        raise _fail(
            path,
            "the table is empty: the header (row 1) is followed by no corridor rows. "
            f"Add one row per corridor with {', '.join(REQUIRED_COLUMNS)}.",
        )
    columns = [*REQUIRED_COLUMNS, *optional]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"stock": "float64", **{c: "float64" for c in optional}})


def _check_cell_counts(rows: list[list[Any]], problems: _Problems, delimiter: str) -> None:
    """Refuse text rows with more filled cells, or fewer cells, than the header has names.

    In a comma-separated file a decimal comma (``MEX,USA,10900000,0,25``) or a comma in an
    unquoted cell splits one value into two: every cell after it moves one column right, and
    the last is dropped. Trailing empty cells are harmless and allowed.
    """
    header = rows[0]
    width = max((i + 1 for i, v in enumerate(header) if not _is_blank(v)), default=0)
    names = ", ".join(str(v).strip() for v in header[:width])
    sep = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    for index, row in enumerate(rows[1:], start=2):
        if all(_is_blank(v) for v in row):
            continue
        filled = max(i + 1 for i, v in enumerate(row) if not _is_blank(v))
        if filled <= width and len(row) >= width:
            continue
        cells = ", ".join(_show(v) for v in row[:8]) + (", ..." if len(row) > 8 else "")
        if filled > width:
            cause = ("likely a decimal comma (0,25 for 0.25) or a comma inside an unquoted "
                     "cell, which splits one value into two" if delimiter == "," else
                     f"likely a {sep} inside a cell, which splits one value into two")
            problems.add(index, f"{_col_letter(width)} (no name in the header)",
                         f"{filled} {sep}-separated cells ({cells}) where the header (row 1) "
                         f"has {width} ({names}): {cause}", _CELLS_HINT)
        else:
            problems.add(index, _col_letter(len(row)),
                         f"{len(row)} {sep}-separated cells ({cells}) where the header (row 1) "
                         f"has {width} ({names}): a cell is missing, so the values may be "
                         "under the wrong columns", _CELLS_HINT)


_CELLS_HINT = ("every row has as many cells as the header, one value each; write numbers with a "
               "decimal point and no other separator (0.25, 10900000), put text holding the "
               "separator in double quotes, and keep an empty cell (two separators in a row) for "
               "a blank value")


def _parse_matrix(
    rows: list[list[Any]], header_index: int, path: Path, by_name: dict[str, str]
) -> pd.DataFrame:
    # A bilateral *remittance* matrix has the same shape but holds US$ millions flowing
    # the other way; reading it as stocks would be silently wrong, so refuse it.
    for row in rows[: header_index + 1]:
        for value in row:
            if isinstance(value, str) and "remittance" in value.casefold():
                raise _fail(
                    path,
                    f"it looks like a bilateral remittance matrix ({_show(value)}), not a "
                    "matrix of migrant stocks in persons. Use the World Bank Bilateral "
                    "Migration Matrix or the long corridor table.",
                )

    problems = _Problems(path)
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
        if _is_blank(name):
            blank_header.add(index)
            continue
        key = _normalise_name(name)
        if key in _AGGREGATE_KEYS:
            continue
        code = by_name.get(key)
        if code is None:
            problems.add(header_row, _col_letter(index), f"unknown country name {_show(name)}", _NAME_HINT)
        elif code in seen_dest:
            problems.add(
                header_row,
                _col_letter(index),
                f"{_show(name)} is {code} again (already column {_col_letter(seen_dest[code])})",
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
        if isinstance(name, str) and _normalise_name(name).startswith(("note", "source")):
            break  # the World Bank's footnotes follow; nothing after them is data
        values_present = any(not _is_blank(v) for v in row[1:])
        if _is_blank(name):
            if values_present:
                problems.add(rownum, "A", "values but no origin country name", _NAME_HINT)
            continue
        key = _normalise_name(name)
        if key in _AGGREGATE_KEYS:
            continue
        origin = by_name.get(key)
        if origin is None:
            problems.add(rownum, "A", f"unknown country name {_show(name)}", _NAME_HINT)
            continue
        if origin in origins_seen:
            problems.add(
                rownum,
                "A",
                f"{_show(name)} is {origin} again (already row {origins_seen[origin]})",
                "each origin country may appear in only one row",
            )
            continue
        origins_seen[origin] = rownum
        for col in range(1, len(row)):
            value = row[col]
            if _is_blank(value):
                continue
            if col >= len(header):
                problems.add(rownum, _col_letter(col),
                             f"value {_show(value)} after the header's last column "
                             f"({_col_letter(len(header) - 1)}): likely a decimal comma or a "
                             "comma inside an unquoted cell, which splits one value into two",
                             _CELLS_HINT)
                continue
            if col in blank_header:
                problems.add(rownum, _col_letter(col),
                             f"value {_show(value)} under a blank destination name", _NAME_HINT)
                continue
            destination = destinations.get(col)
            if destination is None:
                continue  # aggregate column, or a name already reported as a problem
            stock = _to_number(value)
            place = f"{_col_letter(col)} (destination {_show(header[col])})"
            if stock is None:
                problems.add(rownum, place, _not_a_number(value, "value"), _MATRIX_VALUE_HINT)
            elif stock < 0:
                problems.add(rownum, place, f"negative value {_show(value)}", _MATRIX_VALUE_HINT)
            elif stock > 0 and origin != destination:
                # Zeros carry no corridor, and the diagonal is natives, not migrants.
                records.append((origin, destination, stock))

    problems.raise_if_any()
    if not records:
        raise _fail(
            path,
            f"the World Bank matrix (header in row {header_row}) has no positive migrant "
            "stock between two different countries.",
        )
    frame = pd.DataFrame.from_records(records, columns=list(REQUIRED_COLUMNS))
    return frame.astype({"stock": "float64"})


# --------------------------------------------------------------------------- public


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
    codes, by_name = _country_lookup(countries)
    file = Path(path)
    rows, delimiter = _read_grid(file)
    # Trailing blank rows carry nothing; dropping them makes "empty file" detectable.
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise _fail(
            file,
            "the file is empty. It needs a header row with "
            f"{', '.join(REQUIRED_COLUMNS)} and one row per corridor.",
        )
    first = {str(v).strip().casefold() for v in rows[0] if not _is_blank(v)}
    if first & set(REQUIRED_COLUMNS):
        return _parse_long(rows, file, codes, delimiter)
    header_index = _find_matrix_header(rows, by_name)
    if header_index is not None:
        return _parse_matrix(rows, header_index, file, by_name)
    # Neither layout: report it as the long table's missing columns, the documented format.
    return _parse_long(rows, file, codes, delimiter)
