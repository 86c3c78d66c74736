"""Print reference tables for the README: `python -m model.docs parameters|indicators`."""

from __future__ import annotations

import sys

from model.config import parameter_table
from model.indicators import HEADLINES, INDICATORS


def indicator_table() -> str:
    """A Markdown table of the per-step indicators and the headline outcomes."""
    rows = ["| column | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{i.name}` | {i.unit} | {i.label} |" for i in INDICATORS]
    rows += ["", "| headline (summary.json) | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{i.name}` | {i.unit} | {i.label} |" for i in HEADLINES]
    return "\n".join(rows)


def main(argv: list[str]) -> None:
    what = argv[0] if argv else "parameters"
    tables = {"parameters": parameter_table, "indicators": indicator_table}
    if what not in tables:
        raise SystemExit(f"usage: python -m model.docs {'|'.join(tables)}")
    print(tables[what]())


if __name__ == "__main__":
    main(sys.argv[1:])
