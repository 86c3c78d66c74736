"""Design points: the rows of a sample file, as a run reads them into its config.

A sample file (written by `python -m model.sensitivity sample`) is a CSV with a `row` column
and one column per dotted config key. A run names one of its rows through the config
(`sample.file`, `sample.row`): `model.runner.to_config` calls `apply_sample`, which applies the
row's values before validation, with the same checks as any value (the file is read once per
process). A sweep over `sample.row` therefore composes one template for all its jobs (the
project's sweeper composes each set of group choices once).

This is the config layer's side of the sensitivity analysis: it needs only the settings'
declarations (`model.config`, `model.params`), so the run path does not load the analysis
tool (`model.sensitivity`).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from model.config import field_meta
from model.params import ConfigError, check_value


@dataclass
class SampleTable:
    """A sample file read once: its columns (dotted keys) and cells by design-point number."""

    file: Path
    columns: list[str]
    rows: dict[int, list[str]]

    def allowed_rows(self) -> str:
        numbers = sorted(self.rows)
        if not numbers:
            return "it has no rows"
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"rows {numbers[0]} to {numbers[-1]}"
        return f"{len(numbers)} rows from {numbers[0]} to {numbers[-1]}"


_TABLES: dict[str, tuple[tuple[int, int], SampleTable]] = {}


def settings() -> dict[str, tuple[str, dataclasses.Field]]:
    """Every setting a sample column may name: dotted key -> (leaf name, field)."""
    return {dotted: (key, f) for key, (dotted, f) in field_meta().items()}


def read_sample(file: str | Path) -> SampleTable:
    """The sample file `file`, read and checked once per process (cached by path, mtime and
    size); any problem raises ConfigError naming the file, its line or column, and what is
    allowed."""
    path = Path(file).expanduser().resolve()
    try:
        stat = path.stat()
    except OSError:
        raise ConfigError(f"sample.file = {file}: no such file (write one with python -m "
                          "model.sensitivity sample --out DIR)") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _TABLES.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    where = f"sample file {path}"
    try:
        with open(path, newline="") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ConfigError(f"{where} cannot be read as CSV: {err}") from None
    if not lines or not any(c.strip() for c in lines[0]):
        raise ConfigError(f"{where} is empty: it needs a header with a 'row' column and one "
                          "column per dotted setting (e.g. emigration.income_elasticity)")
    header = [c.strip() for c in lines[0]]
    if "row" not in header:
        raise ConfigError(f"{where} has no 'row' column (its columns: {', '.join(header)}); "
                          "allowed: 'row' and dotted settings such as emigration.income_elasticity")
    known = settings()
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise ConfigError(f"{where}: column(s) {', '.join(doubled)} appear more than once")
    unknown = [c for c in header if c != "row" and c not in known]
    if unknown:
        raise ConfigError(f"{where}, column {', '.join(repr(c) for c in unknown)}: not a setting; "
                          f"allowed: 'row' and the dotted keys of the parameter table: "
                          f"{', '.join(known)}")
    at = header.index("row")
    rows: dict[int, list[str]] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ConfigError(f"{where}, line {number}: {len(cells)} cells for {len(header)} "
                              "columns")
        text = cells[at].strip()
        if not text.isdigit():
            raise ConfigError(f"{where}, line {number}, column 'row': {text!r} is not a row "
                              "number (allowed: whole numbers 0, 1, 2, ...)")
        if int(text) in rows:
            raise ConfigError(f"{where}, line {number}: row {int(text)} appears twice")
        rows[int(text)] = [c for i, c in enumerate(cells) if i != at]
    table = SampleTable(path, [c for c in header if c != "row"], rows)
    _TABLES[str(path)] = (stamp, table)
    return table


def _value(text: str, f: dataclasses.Field) -> Any:
    """A cell as the setting's type wants it; what does not parse is passed on as text, so
    `check_value` names the setting and what is allowed."""
    kind, text = str(f.type), text.strip()
    if kind == "bool":
        return {"true": True, "false": False}.get(text.lower(), text)
    if kind in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            return text
        if kind == "int" and number.is_integer():
            return int(number)
        return number
    return text


def row_values(table: SampleTable, row: int) -> dict[str, Any]:
    """The checked values of design point `row`: dotted key -> value."""
    if row not in table.rows:
        raise ConfigError(f"sample file {table.file} has no row {row}: {table.allowed_rows()} "
                          "(sample.row picks the file's 'row' column)")
    known = settings()
    out = {}
    for column, text in zip(table.columns, table.rows[row]):
        where = f"sample file {table.file}, row {row}, column {column}"
        if not text.strip():
            raise ConfigError(f"{where}: empty cell (every design point sets every column)")
        f = known[column][1]
        value = _value(text, f)
        try:
            check_value(column, f, value)
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from None
        out[column] = value
    return out


def _command_line_keys() -> set[str]:
    """The keys the command line sets in this Hydra job (none outside Hydra)."""
    try:
        from hydra.core.hydra_config import HydraConfig

        if not HydraConfig.initialized():
            return set()
        task = HydraConfig.get().overrides.task
    except Exception:  # no Hydra job
        return set()
    return {str(o).split("=", 1)[0].lstrip("+~") for o in task}


def apply_sample(cfg, finish: Callable):
    """Apply the values of row `cfg.sample.row` of `cfg.sample.file` to a copy of `cfg` (a
    MigrationConfig or the composed schema), then `finish` it (the validation); errors name
    the file, the row and the column. A column the command line also sets is refused (one of
    the two would be ignored silently)."""
    file, row = cfg.sample.file, cfg.sample.row
    if file is None:
        raise ConfigError(f"sample.row = {row} needs sample.file = a sample file (python -m "
                          "model.sensitivity sample writes one)")
    table = read_sample(file)
    if row is None:
        raise ConfigError(f"sample.file = {file} needs sample.row = a design point: "
                          f"{table.allowed_rows()}, e.g. 'sample.row=range(0,{len(table.rows)})'"
                          " in a multirun")
    values = row_values(table, row)
    clash = sorted(set(values) & _command_line_keys())
    if clash:
        raise ConfigError(f"{', '.join(clash)}: set both by the command line and by sample file "
                          f"{table.file} (row {row}); drop the override or the column")
    cfg = copy.deepcopy(cfg)
    known = settings()
    for column, value in values.items():
        target = cfg if "." not in column else getattr(cfg, column.split(".")[0])
        setattr(target, known[column][0], value)
    try:
        return finish(cfg)
    except ConfigError as err:
        raise ConfigError(f"{err} (with row {row} of sample file {table.file})") from None
