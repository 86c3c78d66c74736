"""Running the model from a Hydra config: validate, build, step with progress, write the folder.

`run(cfg)` is what `run.py` (the thin @hydra.main entry point) calls and what tests call
directly with a config composed by `hydra.compose`. Bad input fails here before any step runs,
with one message naming the key or file; a run never writes into a folder that already holds
results.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

from model.config import MigrationConfig, MigrationSchema, from_schema, validate
from model.model import MigrationModel
from model.outputs import RESULT_FILES, write_run
from model.params import ConfigError

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
    `sample.file` have been applied (`model.sensitivity.apply_sample`: read once per process)."""
    if cfg.sample.file is None and cfg.sample.row is None:
        return finish(cfg)
    from model.sensitivity import apply_sample

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
    ]
    return "\n".join(lines)


def _from(section) -> str:
    return f"on from {section.start_year:g}" if section.enabled else "off"


# What Hydra itself writes into a job's folder before the job starts.
HYDRA_OWN = frozenset({".hydra", "run.log", "run.py.log"})
# Marks a folder a run is writing into (created exclusively, removed when the run is written).
RUNNING = ".running"


def check_run_dir(out_dir: Path) -> None:
    """Refuse a folder that already holds a run's results or anyone's other files (never
    overwrite earlier outputs or a user's files), or that another run is writing into."""
    if not out_dir.is_dir():
        return
    entries = {p.name for p in out_dir.iterdir()}
    found = [f for f in RESULT_FILES if f in entries]
    if found:
        raise ConfigError(f"{out_dir} already holds results ({', '.join(found)}); choose a new "
                          "hydra.run.dir (earlier outputs are never overwritten)")
    if RUNNING in entries:
        raise ConfigError(f"another run is writing into {out_dir} (or one was killed there); "
                          "choose a new hydra.run.dir")
    other = sorted(entries - HYDRA_OWN)
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        raise ConfigError(f"{out_dir} already holds other files ({shown}); a run writes only "
                          "into a new or empty folder: choose a new hydra.run.dir")


def claim_run_dir(out_dir: Path, allow_existing: bool = False) -> Path:
    """Mark `out_dir` as being written by this run, atomically: of two runs started into the
    same new folder, the second is refused. Returns the marker (removed by `release`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    marker = out_dir / RUNNING
    flags = os.O_CREAT | os.O_WRONLY | (0 if allow_existing else os.O_EXCL)
    try:
        fd = os.open(marker, flags)
    except FileExistsError:
        raise ConfigError(f"another run is writing into {out_dir}; choose a new "
                          "hydra.run.dir") from None
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    return marker


def output_dir() -> Path:
    """Hydra's output folder of the current job."""
    from hydra.core.hydra_config import HydraConfig

    return Path(HydraConfig.get().runtime.output_dir)


def run(cfg: DictConfig | MigrationConfig, out_dir: Path | None = None,
        overrides: list[str] | None = None, allow_existing: bool = False) -> dict:
    """Validate `cfg`, run the model to its horizon and write the run folder; return the summary.

    If a step fails, the steps that ran are still written (summary.json says "failed") before
    the error is raised again.
    """
    out_dir = Path(out_dir) if out_dir is not None else output_dir()
    if not allow_existing:  # a sweep job re-run over a failed attempt may rewrite its folder
        check_run_dir(out_dir)
    mcfg = to_config(cfg)
    marker = claim_run_dir(out_dir, allow_existing)
    try:
        return _run(mcfg, out_dir, overrides)
    finally:
        marker.unlink(missing_ok=True)


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
    from model.plots import make_figures

    figures = make_figures(out_dir) if mcfg.figures else []
    log.info("%d steps in %.1f s; %d figures; results in %s", model.steps,
             time.perf_counter() - started, len(figures), out_dir)
    return summary


def discard_empty_run_dir(out_dir: Path) -> None:
    """Remove a run folder that holds nothing but Hydra's own files (after bad input)."""
    if not out_dir.is_dir():
        return
    entries = {p.name for p in out_dir.iterdir()}
    if entries and entries <= HYDRA_OWN | {RUNNING} and not (set(RESULT_FILES) & entries):
        shutil.rmtree(out_dir)


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
