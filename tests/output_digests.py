"""Digests of the model's outputs for a fixed set of runs: the stored baseline of behaviour.

A refactoring must leave every value of every run's tables byte for byte (columns compared by
name, since their order follows the components' declarations) and its parsed summary outcomes
unchanged; `tests/test_output_digests.py` checks that against `output_digests.json`. Only this
script rewrites the stored digests, and a commit that does so says why the numbers changed:

    .venv/bin/python tests/output_digests.py            # compare (exit 1 on a difference)
    .venv/bin/python tests/output_digests.py --write    # store the digests of today's code
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(__file__).with_name("output_digests.json")
TABLES = ("timeseries.csv", "corridors.csv", "country_timeseries.csv")
# What summary.json reports of the run's outcomes (not where or when it ran).
OUTCOMES = ("headline", "policies", "facility", "agreements", "shocks", "calibration")
ALL_POLICIES = ("[skill_recognition,remittance_matching,diaspora_bonds,return_reintegration,"
                "cheaper_remittances,fair_recruitment,employer_crisis_support,"
                "social_security_portability]")


def cases() -> dict[str, list[str]]:
    """Run name -> Hydra overrides: the default and global worlds, every preset, and one run
    with every component on at once (all policies, agreements, the facility, a shock)."""
    sys.path.insert(0, str(ROOT))
    from model.presets import preset_files

    out = {"default": [], "global": ["world=global"]}
    out.update({f"preset:{p.stem}": [f"+scenario={p.stem}"] for p in preset_files()})
    out["everything"] = [f"policies={ALL_POLICIES}", "agreements=bilateral", "facility=gcff",
                         "facility.allocation=adaptive", "facility.review=true",
                         "shocks=covid_2020", "end_year=2024"]
    return out


def compose(overrides: list[str]):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from model.config import register_configs
    from model.presets import register_presets

    register_configs()
    register_presets()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base=None):
            return hydra_compose(config_name="config",
                                 overrides=[*overrides, "progress=false", "figures=false"])
    finally:
        GlobalHydra.instance().clear()


def canonical(path: Path) -> bytes:
    """A table's bytes with its columns in name order: every value as written, byte for byte,
    whatever order the components declare their columns in (the tables hold no quoted commas)."""
    rows = [line.split(",") for line in path.read_text().splitlines()]
    order = sorted(range(len(rows[0])), key=lambda i: rows[0][i])
    return "\n".join(",".join(row[i] for i in order) for row in rows).encode()


def digest(overrides: list[str]) -> dict[str, str]:
    """sha256 of each table and of the summary's outcomes (JSON with sorted keys)."""
    from model.runner import run

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        run(compose(overrides), out_dir=out)
        result = {name: hashlib.sha256(canonical(out / name)).hexdigest() for name in TABLES}
        summary = json.loads((out / "summary.json").read_text())
    outcomes = _rounded({key: summary.get(key) for key in OUTCOMES})
    result["summary_outcomes"] = hashlib.sha256(
        json.dumps(outcomes, sort_keys=True).encode()).hexdigest()
    return result


def _rounded(value):
    """Floats to 10 significant digits: numpy's exp and log differ in the last bits between
    CPUs (its SIMD paths for AVX-512 and AVX2), which full-precision summary values show, while
    the tables are written at 6 digits."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def current() -> dict[str, dict[str, str]]:
    return {name: digest(overrides) for name, overrides in cases().items()}


def main(argv: list[str]) -> int:
    now = current()
    if "--write" in argv:
        STORE.write_text(json.dumps(now, indent=2, sort_keys=True) + "\n")
        print(f"wrote {STORE} ({len(now)} runs)")
        return 0
    stored = json.loads(STORE.read_text())
    changed = [f"{run}: {item}" for run in sorted(set(now) | set(stored))
               for item in sorted(set(now.get(run, {})) | set(stored.get(run, {})))
               if now.get(run, {}).get(item) != stored.get(run, {}).get(item)]
    print("\n".join(changed) or "all digests unchanged")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
