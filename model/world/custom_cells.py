"""Cells of a user's corridor file: how a value is read, and the problems found in them.

Problems are collected and raised together in one :class:`WorldFileError` that names the file,
the row as a spreadsheet shows it and the column, with what is allowed (see
``model.world.custom``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class WorldFileError(ValueError):
    """A user-supplied world file cannot be used; the message says where and why."""


# How many problems an error message lists one by one; the rest are only counted so
# that a file with thousands of bad rows still gives a readable message.
_MAX_LISTED = 5


@dataclass(frozen=True)
class _Problem:
    row: int  # 1-based, as a spreadsheet shows it
    column: str  # e.g. "'stock' (column C)"
    text: str
    hint: str


class Problems:
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


def fail(path: Path, text: str) -> WorldFileError:
    """The error for a problem of the whole file (raised by the caller)."""
    return WorldFileError(f"Cannot use corridor file '{path}': {text}")


def col_letter(index0: int) -> str:
    """Spreadsheet column letter for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def is_blank(value: Any) -> bool:
    """An empty cell: None, NaN, or text of only whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def show(value: Any) -> str:
    """Value as the user would recognise it in the message (strings quoted)."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def not_a_number(value: Any, what: str) -> str:
    """Why a cell is not read as a number, naming a decimal comma when that is the cause."""
    if isinstance(value, str) and _DECIMAL_COMMA.match(value.strip()):
        return (f"{what} {show(value)} has a decimal comma; write a decimal point "
                f"({value.strip().replace(',', '.')})")
    return f"non-numeric {what} {show(value)}"


def read_as(value: Any, number: float) -> str:
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


def to_number(value: Any) -> float | None:
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
