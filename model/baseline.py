"""The same-seed baseline a single run's figures draw beside it, and the corridors its policies
cover.

A reform is judged against the world without it, run on the same population (PolicyEngine's
rule; STYLE.md): with common random numbers (`model.streams`) the gap between the two lines is
the reform's effect, not noise. What "baseline" means here, consistent with the browser app's
("the same preset and seed with every policy off", `model.app.settings.Settings.baseline`):

* a run with an intervention (a policy, the financing facility or bilateral agreements) is drawn
  beside the same config (world, years, seed, time step, every other setting) with every
  intervention switched off and its shocks kept, so a policy against a crisis is compared with
  the crisis without the policy;
* a run with shocks and no intervention is drawn beside the same config without its shocks (with
  them kept the baseline would be the run itself);
* a run that switches nothing on has no baseline (it is one).

The baseline is run once per run (`run_figures`, called by `model.runner`), only when figures
are drawn and the run switches something on; `figures_baseline` (true, false, or null for
automatic: on in a single run, off in a sweep's jobs, whose comparison figures,
`model.compare`, already draw the baseline scenario) decides. Its tables are written into the
run's `figures/` folder (`baseline_timeseries.csv`, `baseline_country_timeseries.csv`, the same
columns as the run's), which `model.plots` reads; the corridors each policy covers go beside them
(`covered_corridors.csv`) for the map.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model.params import ConfigError

log = logging.getLogger(__name__)

# Shared with the browser app (model/app/charts.py draws the same colours): grey dashed baseline,
# orange corridors a policy covers.
BASELINE_LABEL = "baseline (same seed)"
BASELINE_COLOUR = "#8c8c8c"
COVERED_COLOUR = "#d9480f"

# Figure inputs beyond the run's own tables, in `figures/` (read back by model.plots).
BASELINE_TIMESERIES = "baseline_timeseries.csv"
BASELINE_COUNTRIES = "baseline_country_timeseries.csv"
COVERED_FILE = "covered_corridors.csv"


def interventions(cfg) -> list[str]:
    """What a config switches on that acts on migrants or corridors: each policy by name, then
    "facility" and "agreements" if enabled."""
    return list(cfg.policies) + [name for name in ("facility", "agreements")
                                 if getattr(cfg, name).enabled]


def baseline_config(cfg):
    """The config of the run's baseline (module docstring), or None when the run switches
    nothing on. A copy: `cfg` is left as it is. Figures and progress are off: only its
    timeseries is wanted."""
    from model.shocks import ShocksConfig

    on = interventions(cfg)
    if not on and not cfg.shocks.timeline:
        return None
    changes = dict(figures=False, progress=False, tables="none", policies={},
                   facility=dataclasses.replace(cfg.facility, enabled=False),
                   agreements=dataclasses.replace(cfg.agreements, enabled=False))
    if not on:
        changes["shocks"] = ShocksConfig()
    return dataclasses.replace(cfg, **changes)


def describe(on: list[str], shocks: bool) -> str:
    """What the baseline of a run switches off, in plain words: `on`, the run's interventions
    (`interventions`), and whether it has shocks."""
    from model.catalogue import policy_labels

    if on:
        labels = policy_labels()
        kept = "; shocks kept" if shocks else ""
        return f"the same run without {', '.join(labels.get(n, n) for n in on)}{kept}"
    return "the same run without its shocks" if shocks else "none (nothing switched on)"


def describe_summary(summary: dict) -> str:
    """`describe` of the run a summary.json describes (what `model.plots` reads)."""
    on = list(summary.get("policies") or {}) + [
        name for name in ("facility", "agreements") if summary.get(name)]
    return describe(on, bool(summary.get("shocks")))


def in_sweep() -> bool:
    """True inside a job of a Hydra multirun."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def wanted(cfg, sweep: bool) -> bool:
    """Whether a run with config `cfg` draws its baseline: figures on, something switched on,
    and `figures_baseline` true, or null (automatic) outside a sweep (`sweep`)."""
    setting = getattr(cfg, "figures_baseline", None)
    if setting is not None and not isinstance(setting, bool):
        raise ConfigError(f"figures_baseline = {setting!r}: allowed values are true, false or "
                          "null (automatic: on in a single run, off in a sweep)")
    if not cfg.figures or baseline_config(cfg) is None:
        return False
    return (not sweep) if setting is None else setting


def run_baseline(cfg) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the baseline of `cfg` (which must have one) to its horizon; return its timeseries and
    its country timeseries, the tables `timeseries.csv` and `country_timeseries.csv` hold."""
    from model.model import MigrationModel
    from model.outputs import country_timeseries, timeseries

    base = baseline_config(cfg)
    if base is None:
        raise ValueError("this run switches nothing on: it has no baseline")
    model = MigrationModel(_config=base)
    model.run()
    return timeseries(model), country_timeseries(model)


def covered_by(model) -> dict[str, np.ndarray]:
    """Per policy configured in the run (not the bundles of bilateral agreements, which come
    and go; `figures/partnerships.png` draws those): its mask of the corridors it covers."""
    return {policy.name: np.asarray(policy.covered, bool) for policy in model.policies}


def covered(model) -> np.ndarray:
    """Per corridor: True where at least one configured policy applies (the app's map and the
    run's map mark the same corridors)."""
    mask = np.zeros(len(model.corridors.o), bool)
    for policy_mask in covered_by(model).values():
        mask |= policy_mask
    return mask


def covered_table(model) -> pd.DataFrame:
    """One row per corridor a policy covers: origin, destination and the policies covering it
    (names joined by "+"), in the corridors' order."""
    iso3, k = model.countries.iso3, model.corridors
    masks = covered_by(model)
    rows = np.flatnonzero(covered(model))
    return pd.DataFrame({
        "origin": iso3[k.o[rows]].astype(str), "destination": iso3[k.d[rows]].astype(str),
        "policies": ["+".join(name for name, m in masks.items() if m[r]) for r in rows]})


def write_inputs(model, out_dir: Path, sweep: bool | None = None) -> list[Path]:
    """Write the figures' extra inputs into `out_dir/figures`: the corridors the run's policies
    cover, and the baseline's tables when `wanted` (run here, once). Returns the files written."""
    from model.outputs import write_csv

    cfg = model.cfg
    folder = Path(out_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if len(model.policies):
        written.append(folder / COVERED_FILE)
        write_csv(covered_table(model), written[-1])
    if wanted(cfg, in_sweep() if sweep is None else sweep):
        started = time.perf_counter()
        try:
            ts, cts = run_baseline(cfg)
        except Exception as err:  # the run's own outputs are written: draw them without it
            log.warning("the baseline for the figures failed (%s: %s); figures drawn without "
                        "it", type(err).__name__, err)
            return written
        write_csv(ts, folder / BASELINE_TIMESERIES)
        write_csv(cts, folder / BASELINE_COUNTRIES)
        written += [folder / BASELINE_TIMESERIES, folder / BASELINE_COUNTRIES]
        log.info("baseline (%s) run for the figures in %.1f s",
                 describe(interventions(cfg), bool(cfg.shocks.timeline)),
                 time.perf_counter() - started)
    return written
