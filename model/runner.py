"""Running the model from a Hydra config: validate, build, step with progress, write the folder.

`run(cfg)` is what `run.py` (the thin @hydra.main entry point) calls and what tests call
directly with a config composed by `hydra.compose`. Bad input fails here before any step runs,
with one message naming the key or file; a run writes only into a new or empty folder, which it
claims first (`model.run_dirs`: never another run's folder, never earlier results).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

from model.catalogue import PROCESSES
from model.config import MigrationConfig, MigrationSchema, from_schema, validate
from model.design import apply_sample
from model.model import MigrationModel
from model.outputs import write_run
from model.params import ConfigError
# The run-folder names that `model.cli` and the tests take from here, as before the split.
from model.run_dirs import (RUNNING, check_run_dir, claim_argv_run_dir, claim_run_dir,
                            claimed_by_command_line, discard_empty_run_dir, output_error,
                            release_run_dir, take_over, unmark)

__all__ = ["RUNNING", "build_model", "check_run_dir", "claim_argv_run_dir", "claim_run_dir",
           "describe", "discard_empty_run_dir", "output_dir", "release_run_dir", "run",
           "run_model", "to_config", "unknown_keys"]

log = logging.getLogger(__name__)
# Mesa logs every step at INFO; Hydra's job logging would print all of them.
logging.getLogger("MESA").setLevel(logging.WARNING)


def unknown_keys(node, schema: type, prefix: str = "") -> list[str]:
    """Keys of a config that its dataclass schema does not declare (`+key=value` adds them
    silently in Hydra; a misspelt name must not fall back to a default)."""
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(schema)}
    out = []
    for key in node:
        dotted = f"{prefix}{key}"
        if key not in fields:
            out.append(dotted)
            continue
        sub = fields[key].default_factory
        if sub is not dataclasses.MISSING and dataclasses.is_dataclass(sub):
            out += unknown_keys(node[key], sub, dotted + ".")
    return out


def to_config(cfg: DictConfig | MigrationConfig) -> MigrationConfig:
    """A validated MigrationConfig from a composed Hydra config (or one already built)."""
    if isinstance(cfg, MigrationConfig):
        return _sampled(cfg, validate)
    extra = unknown_keys(cfg, MigrationSchema)
    if extra:
        raise ConfigError(f"unknown setting(s) {', '.join(extra)}; see model/config.py or the "
                          "README's parameter table for the allowed names")
    node = cfg
    if not OmegaConf.is_missing(cfg, "world") and OmegaConf.get_type(cfg) is not MigrationSchema:
        # A plain DictConfig (e.g. loaded from a run's config.yaml): type it by merging.
        node = OmegaConf.merge(OmegaConf.structured(MigrationSchema), cfg)
    return _sampled(OmegaConf.to_object(node), from_schema)


def _sampled(cfg, finish):
    """`finish(cfg)` (the validation), after the values of the design point `sample.row` of
    `sample.file` have been applied (`model.design.apply_sample`: read once per process)."""
    if cfg.sample.file is None and cfg.sample.row is None:
        return finish(cfg)
    return apply_sample(cfg, finish)


def build_model(cfg: DictConfig | MigrationConfig) -> MigrationModel:
    """The model a config describes (validated first)."""
    return MigrationModel(_config=to_config(cfg))


def describe(cfg: DictConfig | MigrationConfig) -> str:
    """What a config would run, after checking it and reading its data files, without building
    the migrants (`validate=true`): world size, agents, steps, policies, shocks, facility and
    agreements."""

    from model.model import check_world_size
    from model.state import CorridorArrays, CountryArrays
    from model.world.loader import load_world

    mcfg = to_config(cfg)
    world = load_world(mcfg.world.name, mcfg.world.path, mcfg.start_year, mcfg.world.trend,
                       mcfg.world.migrants)
    countries, corridors = CountryArrays(world.countries, mcfg), CorridorArrays(world.corridors,
                                                                                mcfg)
    agents = check_world_size(corridors, countries, mcfg)
    stock = corridors.stock0
    steps = (mcfg.end_year - mcfg.start_year + 1) * mcfg.steps_per_year
    policies = ", ".join(
        f"{name} (from {p.start_year:g}, scope {p.scope})" for name, p in mcfg.policies.items())
    shocks = ", ".join(f"{e.kind} {e.start:g}-{e.end:g}" for e in mcfg.shocks.timeline)
    where = mcfg.world.path or mcfg.world.name
    lines = [
        "config and data files are valid; this would run:",
        f"  world      {where}: {len(countries.iso3)} countries, {len(corridors.o)} corridors, "
        f"{stock.sum():,.0f} people abroad",
        f"  agents     {agents:,} migrant agents at the start ({mcfg.people_per_agent:g} "
        f"{'person' if mcfg.people_per_agent == 1 else 'people'} each, fewer where a corridor "
        f"needs {mcfg.min_agents_per_corridor} at least; returnees followed at home come on "
        "top)",
        f"  steps      {steps} ({mcfg.start_year} to the end of {mcfg.end_year}, "
        f"{mcfg.steps_per_year} a year), seed {mcfg.seed}",
        f"  policies   {policies or 'none'}",
        f"  shocks     {shocks or 'none'}",
        f"  facility   {_from(mcfg.facility)}",
        f"  agreements {_from(mcfg.agreements)}",
        f"  processes  {', '.join(cls.name for cls in PROCESSES)} (each step, in this order)",
    ]
    return "\n".join(lines)


def _from(section) -> str:
    return f"on from {section.start_year:g}" if section.enabled else "off"


def output_dir() -> Path:
    """Hydra's output folder of the current job."""
    from hydra.core.hydra_config import HydraConfig

    return Path(HydraConfig.get().runtime.output_dir)


def run(cfg: DictConfig | MigrationConfig, out_dir: Path | None = None,
        overrides: list[str] | None = None, allow_existing: bool = False) -> dict:
    """Validate `cfg`, run the model to its horizon and write the run folder; return the summary.

    If a step fails, the steps that ran are still written (summary.json says "failed") before
    the error is raised again. A folder that cannot take the outputs (a full disk, a read-only
    or forbidden folder) ends the run with a ConfigError naming the folder; what was written is
    kept.
    """
    out_dir = Path(out_dir) if out_dir is not None else output_dir()
    handed = claimed_by_command_line(out_dir)
    if not allow_existing and not handed:
        check_run_dir(out_dir)
    mcfg = to_config(cfg)
    if not handed:
        claim_run_dir(out_dir, allow_existing)
    take_over(out_dir)
    try:
        summary = _run(mcfg, out_dir, overrides)
    except OSError as err:
        error = output_error(out_dir, err)
        if error is None:
            raise
        raise error from None
    finally:
        # The claim's record stays after a failure, for the clean-up after bad input
        # (`discard_empty_run_dir`), which must know what this process created.
        unmark(out_dir)
    release_run_dir(out_dir)
    return summary



def _run(mcfg: MigrationConfig, out_dir: Path, overrides: list[str] | None) -> dict:
    started = time.perf_counter()
    model = MigrationModel(_config=mcfg)
    built = time.perf_counter()
    log.info("world %s: %d countries, %d corridors, %d migrant agents (%.0f people each)",
             model.world.name, len(model.countries.iso3), len(model.corridors.o),
             model.migrants.n, mcfg.people_per_agent)
    with tqdm(total=model.n_steps, desc="simulating", unit="step", delay=2.0,
              disable=not mcfg.progress, leave=False) as bar:
        try:
            model.run(progress=bar.update)
        except Exception:
            if model.steps > 1:
                write_run(model, out_dir, status="failed", overrides=overrides)
            raise
    stepped = time.perf_counter()
    summary = write_run(model, out_dir, overrides=overrides)
    # The model's own time (construction and steps), apart from the outputs, which differ from
    # run to run and so stay out of summary.json (the benchmark's sweep case reads them).
    (out_dir / "timing.json").write_text(json.dumps(
        {"build_seconds": round(built - started, 4), "steps_seconds": round(stepped - built, 4)}))
    if model.facility is not None and model.facility.history:
        per = model.facility.effect_per_dollar()
        log.info("facility, per million USD spent: %s", "; ".join(
            f"{theme} {row['units_per_million_usd']:,.1f} {row['unit']}"
            for theme, row in per.items()))
    from model.baseline import write_inputs
    from model.plots import make_figures

    figures = []
    if mcfg.figures:  # the same-seed baseline and covered corridors first, then the figures
        write_inputs(model, out_dir)
        figures = make_figures(out_dir)
    # The same split as timing.json: the model's time, then what writing the folder took.
    log.info("%d steps in %.1f s (world built in %.1f s); tables and %d figures in %.1f s; "
             "results in %s", model.steps, stepped - built, built - started, len(figures),
             time.perf_counter() - stepped, out_dir)
    return summary


def run_model(**params) -> dict[str, float]:
    """Run the model with keyword settings (as `MigrationModel`) and return the headline
    outcomes (`model.indicators.headlines()`) as plain floats.

    The one function every driver shares: Hydra sweeps write the same numbers into
    summary.csv, `mesa.batch_run` calls the model class with the same keywords, and the EMA
    Workbench adapter (`model.ema`) wraps this function.
    """
    from model.indicators import headline

    params.setdefault("progress", False)
    model = MigrationModel(**params)
    model.run()
    return headline(model)
