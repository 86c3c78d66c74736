"""Reference tables for the README and the policies' config files:

    python -m model.docs parameters|indicators|policies|phases|components|figures   # Markdown
    python -m model.docs policy-configs                   # (re)write conf/policies/*.yaml
    python -m model.docs readme                           # regenerate the README's tables
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from model.config import parameter_table
from model.indicators import headlines, indicators
from model.params import default_of


def indicator_table() -> str:
    """A Markdown table of the per-step indicators and the headline outcomes."""
    rows = ["| column | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{i.name}` | {i.unit} | {i.label} |" for i in indicators()]
    rows += ["", "| headline (summary.json) | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{i.name}` | {i.unit} | {i.label} |" for i in headlines()]
    return "\n".join(rows)


def phase_list() -> str:
    """The step's phases in order, as a numbered Markdown list (the README's "The step")."""
    from model.catalogue import PHASES

    return "\n".join(f"{i}. `{p.name}` ({p.component.__name__ if p.component else 'the model'})"
                     f": {p.doc}." for i, p in enumerate(PHASES, 1))


def component_table() -> str:
    """A Markdown table of every component and what it declares."""
    from model.catalogue import components

    def names(items) -> str:
        return ", ".join(f"`{getattr(i, 'key', None) or i.name}`" for i in items) or "-"

    rows = ["| component | module | config | levers it adds | levers it moves | flows | "
            "per-migrant fields | indicators | headlines |", "|---|---|---|---|---|---|---|---|---|"]
    for cls in components():
        config = f"`{cls.config_key}`" if cls.config_key else "-"
        moves = ", ".join(f"`{k}`" for k in cls.moves_levers) or "-"
        rows.append(f"| {cls.label or cls.name} | `{cls.__module__}` | {config} | "
                    f"{names(cls.levers)} | {moves} | {names(cls.flows)} | {names(cls.fields)} | "
                    f"{names(cls.indicators)} | {names(cls.headlines)} |")
    return "\n".join(rows)


def figure_table() -> str:
    """A Markdown table of the run's figures, from the components' declarations (`figures`)."""
    from model.catalogue import components

    rows = ["| figure (`figures/`) | what it shows | declared by |", "|---|---|---|"]
    rows += [f"| `{fig.file}` | {fig.doc} | `{cls.__module__}.{cls.__name__}` |"
             for cls in components() for fig in cls.figures]
    return "\n".join(rows)


def policy_table() -> str:
    """A Markdown table of the policies: what each does, its settings, what it moves."""
    import dataclasses

    from model.policies import REGISTRY, PolicyConfig

    common = {f.name for f in dataclasses.fields(PolicyConfig)}
    rows = ["| policy | what it does | its settings (besides start_year, intensity, scope, "
            "members, corridors; main setting first) | indicators it moves | sources |",
            "|---|---|---|---|---|"]
    for name, cls in sorted(REGISTRY.items()):
        doc = sys.modules[cls.__module__].__doc__.strip().split("\n\n")
        what = " ".join((doc[1] if len(doc) > 1 else doc[0]).split())
        # The paragraph ends by announcing the bullet list of the mechanism: not needed here.
        what = re.sub(r"\s*Mechanism \([^)]*\):$", "", what)
        fields = sorted((f for f in dataclasses.fields(cls.config_class) if f.name not in common),
                        key=lambda f: f.name != cls.main_parameter)
        settings = "; ".join(f"`{f.name}` = {default_of(f)} {f.metadata.get('unit', '')}".strip()
                             for f in fields)
        sources = "; ".join(dict.fromkeys(f.metadata.get("source", "") for f in fields
                                           if f.metadata.get("source")))
        moves = ", ".join(f"`{k}` {v}" for k, v in cls.moves.items())
        rows.append(f"| {cls.label or name} (`{name}`) | {what} | {settings} | {moves} | "
                    f"{sources} |")
    return "\n".join(rows)


# Generated blocks of the README: the line each starts with, and the function that writes it.
README_BLOCKS = (("| key (YAML) = keyword (Python) |", "parameter_table"),
                 ("| column | unit | meaning |", "indicator_table"),
                 ("| policy | what it does |", "policy_table"),
                 ("1. `economy`", "phase_list"),
                 ("| figure (`figures/`) |", "figure_table"))


def update_readme(path: Path | None = None) -> list[str]:
    """Rewrite the README's generated blocks from the code; return the names of those that
    changed. A block runs from its first line to the blank line that ends it (a block made of
    several tables spans their blank lines too)."""
    path = path or Path(__file__).resolve().parents[1] / "README.md"
    lines = path.read_text().split("\n")
    changed = []
    for start, name in README_BLOCKS:
        text = globals()[name]()
        first = next(i for i, line in enumerate(lines) if line.startswith(start))
        end, gaps = first, text.count("\n\n")
        while end < len(lines) and (lines[end].strip() or gaps > 0):
            if not lines[end].strip():
                gaps -= 1
            end += 1
        if "\n".join(lines[first:end]) != text:
            lines[first:end] = text.split("\n")
            changed.append(name)
    path.write_text("\n".join(lines))
    return changed


def main(argv: list[str]) -> None:
    what = argv[0] if argv else "parameters"
    if what == "readme":
        changed = update_readme()
        print(f"README: {', '.join(changed) or 'nothing'} regenerated")
        return
    tables = {"parameters": parameter_table, "indicators": indicator_table,
              "policies": policy_table, "phases": phase_list, "components": component_table,
              "figures": figure_table}
    if what == "policy-configs":
        write_policy_configs()
        return
    if what == "oat-configs":
        write_oat_configs()
        return
    if what not in tables:
        raise SystemExit(f"usage: python -m model.docs {'|'.join(tables)}|policy-configs|"
                         "oat-configs|readme")
    print(tables[what]())


def policy_yaml(name: str) -> str:
    """The config file of a policy (conf/policies/NAME.yaml), from its dataclass: every
    parameter with its label, unit, allowed range and source as a comment."""
    import dataclasses

    import yaml

    from model.policies import REGISTRY

    cls = REGISTRY[name]
    doc = (sys.modules[cls.__module__].__doc__ or "").strip()
    lines = [f"# {doc.splitlines()[0]}" if doc else f"# {name}",
             f"# Switch on: python run.py 'policies=[{name}]'   (several: 'policies=[a,b]')",
             f"# Change a setting: python run.py 'policies=[{name}]' policies.{name}.intensity=0.5",
             "# Generated from model/policies/ by `python -m model.docs policy-configs`; edit the",
             "# dataclass there, not this file.", f"{name}:"]
    for f in dataclasses.fields(cls.config_class):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        m = f.metadata
        if m:
            unit = f" [{m['unit']}]" if m.get("unit") else ""
            allowed = f" allowed {m['lo']} to {m['hi']}." if m.get("lo") is not None else ""
            lines.append(f"  # {m.get('label', '')}{unit}.{allowed} Source: {m.get('source', '')}")
        elif f.name == "members":
            lines.append("  # ISO3 codes of the partnership's members (scope: members)")
        elif f.name == "corridors":
            lines.append("  # corridors as ORIGIN-DESTINATION ISO3 pairs, e.g. IND-ARE "
                         "(scope: corridors)")
        value = yaml.safe_dump({f.name: default}, default_flow_style=True).strip()[1:-1]
        lines.append(f"  {value}")
    return "\n".join(lines) + "\n"


def write_policy_configs() -> None:
    """Write conf/policies/NAME.yaml for every registered policy."""
    from pathlib import Path

    from model.policies import REGISTRY

    folder = Path(__file__).resolve().parents[1] / "conf" / "policies"
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(REGISTRY):
        (folder / f"{name}.yaml").write_text(policy_yaml(name))


def write_oat_configs() -> None:
    """Rewrite conf/oat/NAME_low.yaml and NAME_high.yaml for the parameters they move: half and
    one and a half times today's default (after a calibration moved the defaults)."""
    from pathlib import Path

    from model.config import field_meta
    from model.params import default_of

    meta = field_meta()
    for path in sorted((Path(__file__).resolve().parents[1] / "conf" / "oat").glob("*_*.yaml")):
        name, side = path.stem.rsplit("_", 1)
        if side not in ("low", "high"):
            continue
        dotted, f = meta[name]
        default, factor = default_of(f), {"low": 0.5, "high": 1.5}[side]
        value = float(f"{default * factor:.6g}")
        path.write_text(
            f"# @package _global_\n# One-at-a-time sensitivity: {f.metadata['label']} "
            f"x{factor:g} ({default:.6g} -> {value:g} {f.metadata['unit']}).\n"
            f"# Generated by `python -m model.docs oat-configs` from today's default.\n"
            f"{dotted.split('.')[0]}:\n  {name}: {value}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
