"""Reading a user's corridor file into rows of cells: .csv (separator, encoding, number
formats) or the first sheet of an .xlsx workbook, recognised from the content."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from model.world.custom_cells import Problems, WorldFileError, col_letter, fail, show

ALLOWED_FORMATS = (
    ".csv (comma-, semicolon- or tab-separated text) or .xlsx (Excel workbook; "
    "the first sheet is read)"
)


def read_grid(path: Path) -> tuple[list[list[Any]], str | None]:
    """All cells of the file as rows of values (row i of the list is spreadsheet row i+1), and
    the separator of a text file (None for a workbook, whose cells are not split from text)."""
    if not path.exists():
        raise WorldFileError(
            f"Corridor file not found: '{path}'. Give world.path as a path to a "
            f"{ALLOWED_FORMATS} file (relative paths are relative to the working directory)."
        )
    if path.is_dir():
        raise fail(path, f"it is a directory, not a file. Allowed formats: {ALLOWED_FORMATS}.")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise fail(path, f"it cannot be opened ({exc}).") from exc

    suffix = path.suffix.lower()
    # Content decides before the name does: an .xlsx renamed to .csv is still a workbook.
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path), None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(
            path,
            "it is a legacy Excel 97-2003 (.xls) workbook, which is not supported; open it "
            f"in a spreadsheet program and save it as .xlsx. Allowed formats: {ALLOWED_FORMATS}.",
        )
    if suffix in {".xlsx", ".xlsm"}:
        raise fail(path, f"it is not a valid .xlsx workbook. Allowed formats: {ALLOWED_FORMATS}.")
    if suffix in {".csv", ".tsv", ".txt"}:
        return _read_csv(path)
    raise fail(
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
        raise fail(
            path, f"it cannot be read as an .xlsx workbook ({exc}). Allowed formats: {ALLOWED_FORMATS}."
        ) from exc
    try:
        if not workbook.worksheets:
            raise fail(path, "the workbook has no worksheet.")
        # Only the first sheet: extra sheets are users' or carriers' helpers (the copy of
        # the 2017 World Bank matrix carries a wrong name->ISO3 helper sheet).
        sheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size; without this reset read-only mode would
        # silently cut the sheet to that size.
        sheet.reset_dimensions()
        return [[Percent(c.value) if _is_percent(c) else c.value for c in row]
                for row in sheet.iter_rows()]
    finally:
        workbook.close()


class Percent(float):
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
                raise fail(path, f"it starts as {name} text (byte-order mark) but is not valid "
                            f"{name} at byte {exc.start}; {_SAVE_AS_UTF8}.") from None
    if b"\x00" in raw:
        # UTF-16 without a mark has a zero byte beside nearly every ASCII character.
        zeros = max(raw[0::2].count(0), raw[1::2].count(0))
        if len(raw) >= 4 and zeros >= 0.4 * len(raw) / 2:
            raise fail(path, f"it looks like UTF-16 text saved without a byte-order mark, "
                        f"which cannot be read reliably; {_SAVE_AS_UTF8}.")
        raise fail(
            path, f"it is a binary file, not comma-separated text. Allowed formats: {ALLOWED_FORMATS}."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise fail(path, f"its text encoding is neither UTF-8 nor Windows-1252; {_SAVE_AS_UTF8}.")


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
    problems = Problems(path)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            text = cell.strip().replace("\u00a0", "").replace(" ", "")
            if _DOT_THOUSANDS.match(text):
                problems.add(r, col_letter(c), f"{show(cell)} has a dot between groups of "
                             "three digits (a thousands separator in European formats, a "
                             "decimal point here)", _EUROPEAN_HINT)
            elif re.match(r"^[+-]?\d+,\d+$", text):
                problems.add(r, col_letter(c), f"{show(cell)} has a decimal comma",
                             _EUROPEAN_HINT)
    problems.raise_if_any()


_EUROPEAN_HINT = ("numbers without thousands separators and with a decimal point (3400, 0.25); "
                  "in a European spreadsheet, set the number format to plain digits or save "
                  "the file comma-separated")
