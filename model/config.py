"""Structured configuration: the run's settings, assembled from the components' own configs.

Each component declares its settings in its own module, every field with its unit, allowed
range and source (`model.params.param`): the processes (`labour`, `remittances`, `returns`,
`emigration`), the policies, the shocks, the facility and the agreements. `MigrationConfig`
gathers them with the run settings (world, years, seed); every section is typed, and parsed once
(`nest` from keywords, `model.runner.to_config` from a composed Hydra config).

Hydra composes `conf/config.yaml` on `MigrationSchema` (registered as `base_config`), so a
misspelt key or a wrong type fails before a run starts. The same names are the keyword
arguments of `MigrationModel` (one name per setting everywhere): the YAML key
`labour.job_loss_rate` is the keyword `job_loss_rate`. Leaf names are unique across groups,
which `flat_defaults()` checks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from model.catalogue import INTERVENTIONS, PROCESSES, components
from model.facility import FacilityConfig, parse_facility
from model.params import ConfigError, check_value, default_of, param, typed
from model.partnerships import AgreementsConfig, parse_agreements
from model.policies import REGISTRY, PolicyConfig, check_coverage, parse_policies
from model.shocks import ShockEvent, ShocksConfig, parse_timeline
from model.world.loader import MIGRANTS, TRENDS

__all__ = ["ConfigError", "MigrationConfig", "MigrationSchema", "WorldConfig",
           "check_against_world", "config_keys", "flat_defaults", "flatten", "nest", "param",
           "register_configs", "suggest", "typed", "validate"]

WORLD_PRESETS = ("default", "global", "custom")


@dataclass
class WorldConfig:
    """Which world to build: a shipped preset or a user's corridor file."""

    name: str = param("default", "", source="default: ~55 countries; global: every UN DESA "
                      "corridor with a 2020 stock; custom: a file given by world.path",
                      label="world preset")
    path: str | None = param(None, "file path", source="for name=custom: a corridor table "
                             "(origin, destination, stock) or a World Bank bilateral matrix",
                             label="custom corridor file")
    trend: str = param("within", "", source="within: the corridors' trend is the UN DESA change "
                       "over the five years around the start year (2015-2020 for a start in "
                       "2015-2020); before: over the five years up to the last estimate at or "
                       "before the start (no later data, as for an out-of-sample forecast)",
                       label="corridor trend at the start")
    migrants: str = param("all", "", source="all: UN DESA stocks; economic: net of UNHCR "
                          "refugees, asylum seekers and other people in need of international "
                          "protection (what the calibration fits)",
                          label="which migrants the stocks count")


@dataclass
class SampleConfig:
    """A design point of a sample file (`python -m model.sensitivity sample`), applied by
    `model.runner.to_config` before validation: a sweep over `sample.row` runs a whole design
    on one composed template. Not a model keyword: a row is only a set of other settings."""

    file: str | None = param(None, "file path", label="sample file of design points",
                             source="a CSV written by python -m model.sensitivity sample: a "
                             "'row' column and one column per dotted config key")
    row: int | None = param(None, "", 0, None, label="design point to run (the file's 'row')",
                            source="e.g. sample.row='range(0,630)' in a multirun")


@dataclass
class RunSettings:
    """The run's own settings: which world, which years, the seed, what is written."""

    world: WorldConfig = field(default_factory=WorldConfig)
    seed: int = param(42, "", 0, 2**63 - 1, label="random seed",
                      source="all random streams derive from it (numpy SeedSequence)")
    start_year: int = param(2019, "year", 2010, 2020, label="first simulated year",
                            source="stocks interpolated between the UN DESA 2010, 2015 and 2020 "
                            "estimates; WDI remittances and RPW prices of that year")
    end_year: int = param(2030, "year", 2010, 2100, label="horizon (simulated through its end)",
                          source="SDG horizon")
    steps_per_year: int = param(4, "steps per year", 1, 52, label="time step",
                                source="default: a quarter")
    people_per_agent: float = param(1000.0, "people per migrant agent", 1.0, 1e7,
                                    label="people each migrant agent stands for",
                                    source="modelling choice: indicators are always in people")
    min_agents_per_corridor: int = param(
        10, "agents", 1, 10_000, label="fewest migrant agents of a corridor with a stock",
        source="modelling choice: a small corridor's agents stand for fewer people each, so a "
        "corridor of 72 people is not one agent whose departure empties it")
    progress: bool = param(True, "", label="show a progress bar on runs longer than ~2 s")
    figures: bool = param(True, "", label="draw the run's figures (a sweep may skip them)")
    figures_baseline: bool | None = param(
        None, "", label="draw the same-seed baseline beside a run with a policy or shock in its "
        "figures (run once more, interventions off): true, false, or null = on in a single run, "
        "off in a sweep's jobs", source="model/baseline.py")
    validate: bool = param(False, "", label="only check the config and the data files, print "
                           "what would run and exit (no run, no folder)")
    tables: str = param("parquet", "", label="the analysis tables (corridor_timeseries, "
                        "country_roles, cohorts): parquet, csv or none; timeseries.csv and "
                        "corridors.csv are always written",
                        source="a large sweep may skip them (tables=none): they add about "
                        "0.05 s and 1.7 MB to a default-world run")


def sections() -> dict[str, type]:
    """Settings section -> its dataclass, as the components declare them (`config_key`,
    `config_class`): the interventions' (shocks, facility, agreements), then the processes' in
    phase order. A component declaring one without the other, or a key two components declare,
    is refused here, when the config is assembled, naming the component."""
    out: dict[str, type] = {}
    owner: dict[str, str] = {}
    policies = set(REGISTRY.values())
    ordered = [c for c in components() if c in INTERVENTIONS] + list(PROCESSES)
    for cls in ordered + [c for c in components() if c not in ordered and c not in policies]:
        key, settings = cls.config_key, cls.config_class
        if not key and not settings:
            continue
        if not (key and settings and dataclasses.is_dataclass(settings)):
            raise TypeError(f"component {cls.__name__} declares config_key = {key!r} and "
                            f"config_class = {getattr(settings, '__name__', settings)}: a "
                            "component with settings declares both (a section name and its "
                            "dataclass of `param` fields), one without declares neither")
        if key in out:
            raise TypeError(f"settings section {key!r} is declared by both {owner[key]} and "
                            f"{cls.__name__}: each component owns its own section")
        out[key], owner[key] = settings, cls.__name__
    return out


def _assemble() -> type:
    """`MigrationConfig`: the run settings, the policies, every component's section (see
    `sections`) and the sample of a design file, as one dataclass."""
    fields = [("policies", dict[str, PolicyConfig], field(default_factory=dict))]
    fields += [(key, cls, field(default_factory=cls)) for key, cls in sections().items()]
    fields.append(("sample", SampleConfig, field(default_factory=SampleConfig)))
    cls = dataclasses.make_dataclass("MigrationConfig", fields, bases=(RunSettings,),
                                     module=__name__)
    cls.__doc__ = ("The whole configuration of one run (Hydra's primary config schema): the "
                   "run settings, the policies (name -> settings) and one section per "
                   "component with settings, assembled from the components' declarations.")
    return cls


MigrationConfig = _assemble()

@dataclass
class _ShocksSchema:
    timeline: list[Any] = field(default_factory=list)  # events, typed by parse_timeline


@dataclass
class MigrationSchema(MigrationConfig):
    """What Hydra composes on (`base_config`): `MigrationConfig`, except that the policies'
    and the shock events' settings stay mappings until `model.runner.to_config` parses them
    into their own typed configs (each policy has its own dataclass, which one typed mapping
    cannot hold), with errors that name the policy or event and the key."""

    policies: dict[str, Any] = field(default_factory=dict)
    shocks: _ShocksSchema = field(default_factory=_ShocksSchema)


# Groups whose fields are flattened into MigrationModel keywords (world is handled apart;
# sample is read by model.runner.to_config and is no keyword).
GROUPS = tuple(dict.fromkeys(cls.config_key for cls in PROCESSES if cls.config_class))
TOP_LEVEL = ("seed", "start_year", "end_year", "steps_per_year", "people_per_agent",
             "min_agents_per_corridor", "progress",
             "figures", "figures_baseline", "validate", "tables")
TABLE_FORMATS = ("none", "parquet", "csv")


def _group_classes() -> dict[str, type]:
    return {f.name: f.default_factory for f in dataclasses.fields(MigrationConfig)
            if f.name in GROUPS}


def flat_defaults() -> dict[str, Any]:
    """Every model keyword with its default: `world`, `world_path`, the top-level run settings
    and the leaf fields of each behavioural group. Checks that leaf names are unique."""
    out: dict[str, Any] = {"world": "default", "world_path": None, "world_trend": "within",
                           "world_migrants": "all", "policies": {}, "shocks": [],
                           "facility": {}, "agreements": {}}
    for f in dataclasses.fields(MigrationConfig):
        if f.name in TOP_LEVEL:
            out[f.name] = default_of(f)
    for group, cls in _group_classes().items():
        for f in dataclasses.fields(cls):
            if f.name in out:
                raise AssertionError(f"config name {f.name!r} is used twice ({group})")
            out[f.name] = default_of(f)
    return out


def field_meta() -> dict[str, tuple[str, dataclasses.Field]]:
    """Map each flat keyword to (its dotted config key, its dataclass field)."""
    meta = {f.name: (f.name, f) for f in dataclasses.fields(MigrationConfig)
            if f.name in TOP_LEVEL}
    for group, cls in _group_classes().items():
        for f in dataclasses.fields(cls):
            meta[f.name] = (f"{group}.{f.name}", f)
    return meta


def nest(params: dict[str, Any]) -> MigrationConfig:
    """Build a validated MigrationConfig from flat keywords (the Python API's form); each
    section is parsed here, once, into its typed config."""
    allowed = flat_defaults()
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ConfigError(f"unknown parameter(s) {', '.join(unknown)}; allowed: "
                          f"{', '.join(sorted(allowed))}")
    values = {**allowed, **params}
    cfg = MigrationConfig(world=WorldConfig(name=values.pop("world"), path=values.pop("world_path"),
                                            trend=values.pop("world_trend"),
                                            migrants=values.pop("world_migrants")),
                          policies=parse_policies(values.pop("policies")),
                          shocks=ShocksConfig(timeline=parse_timeline(values.pop("shocks"))),
                          facility=parse_facility(values.pop("facility")),
                          agreements=parse_agreements(values.pop("agreements")))
    meta = field_meta()
    for key, value in values.items():
        dotted = meta[key][0]
        target = cfg if "." not in dotted else getattr(cfg, dotted.split(".")[0])
        setattr(target, key, value)
    return validate(cfg)


def from_schema(schema: MigrationSchema) -> MigrationConfig:
    """The typed MigrationConfig of a composed schema instance (sections parsed once)."""
    values = {f.name: getattr(schema, f.name) for f in dataclasses.fields(MigrationConfig)}
    values.update(policies=parse_policies(schema.policies),
                  shocks=ShocksConfig(timeline=parse_timeline(schema.shocks.timeline)),
                  facility=parse_facility(schema.facility),
                  agreements=parse_agreements(schema.agreements))
    return validate(MigrationConfig(**values))


def flatten(cfg: MigrationConfig) -> dict[str, Any]:
    """The inverse of `nest`: flat keywords (plain data) from a MigrationConfig."""
    out = {"world": cfg.world.name, "world_path": cfg.world.path,
           "world_trend": cfg.world.trend, "world_migrants": cfg.world.migrants,
           "policies": {name: dataclasses.asdict(p) for name, p in cfg.policies.items()},
           "shocks": [dataclasses.asdict(e) for e in cfg.shocks.timeline],
           "facility": dataclasses.asdict(cfg.facility),
           "agreements": dataclasses.asdict(cfg.agreements)}
    for key, (dotted, _) in field_meta().items():
        obj = cfg if "." not in dotted else getattr(cfg, dotted.split(".")[0])
        out[key] = getattr(obj, key)
    return out


def validate(cfg: MigrationConfig) -> MigrationConfig:
    """Check every value of a config; raise ConfigError naming the first bad key. Sections not
    yet typed (a MigrationConfig built by hand with mappings) are parsed here."""
    if cfg.world.name not in WORLD_PRESETS:
        raise ConfigError(f"world = {cfg.world.name!r} is not a world preset: allowed "
                          f"{', '.join(WORLD_PRESETS)}")
    if cfg.world.name == "custom" and not cfg.world.path:
        raise ConfigError("world = custom needs world.path = a corridor file "
                          "(CSV or XLSX: origin, destination, stock; or a World Bank matrix)")
    for key, allowed in (("trend", TRENDS), ("migrants", MIGRANTS)):
        if getattr(cfg.world, key) not in allowed:
            raise ConfigError(f"world.{key} = {getattr(cfg.world, key)!r}: allowed "
                              f"{', '.join(allowed)}")
    if cfg.world.name == "custom" and (cfg.world.trend, cfg.world.migrants) != TRENDS[:1] + MIGRANTS[:1]:
        raise ConfigError("world.trend and world.migrants apply to the shipped worlds (default, "
                          "global): a custom file has one year's stocks and no refugee counts")
    if cfg.world.name != "custom" and cfg.world.path:
        raise ConfigError(f"world.path is only read with world = custom (got world = "
                          f"{cfg.world.name!r})")
    for key, (dotted, f) in field_meta().items():
        obj = cfg if "." not in dotted else getattr(cfg, dotted.split(".")[0])
        check_value(dotted, f, getattr(obj, key))
    if cfg.tables not in TABLE_FORMATS:
        raise ConfigError(f"tables = {cfg.tables!r}: allowed {', '.join(TABLE_FORMATS)}")
    if cfg.end_year < cfg.start_year:
        raise ConfigError(f"end_year = {cfg.end_year} must not be before start_year = "
                          f"{cfg.start_year} (the horizon is simulated through its end)")
    if not all(isinstance(p, PolicyConfig) for p in cfg.policies.values()):
        cfg.policies = parse_policies(cfg.policies)
    if not all(isinstance(e, ShockEvent) for e in cfg.shocks.timeline):
        cfg.shocks.timeline = parse_timeline(cfg.shocks.timeline)
    horizon = cfg.end_year + 1
    for i, event in enumerate(cfg.shocks.timeline):
        if event.end <= cfg.start_year or event.start >= horizon:
            raise ConfigError(
                f"shocks.timeline[{i}] ({event.kind}, {event.start:g} to {event.end:g}) lies "
                f"outside the run ({cfg.start_year} to the end of {cfg.end_year}) and would do "
                "nothing: move it into the run, or change start_year / end_year")
    if not isinstance(cfg.facility, FacilityConfig):
        cfg.facility = parse_facility(cfg.facility)
    if not isinstance(cfg.agreements, AgreementsConfig):
        cfg.agreements = parse_agreements(cfg.agreements)
    r = cfg.remittances
    if r.remit_share_min > r.remit_share_max:
        raise ConfigError(f"remittances.remit_share_min = {r.remit_share_min} must not exceed "
                          f"remittances.remit_share_max = {r.remit_share_max}")
    return cfg


def config_keys() -> list[str]:
    """Every dotted key a user may set: the schema's leaves (`seed`, `labour.job_loss_rate`,
    `world.path`, `facility.voting`, ...) and each registered policy's settings
    (`policies.<name>.<key>`); what "did you mean" suggestions are drawn from."""
    def leaves(cls: type, prefix: str) -> list[str]:
        out = []
        for f in dataclasses.fields(cls):
            sub = f.default_factory
            if sub is not dataclasses.MISSING and dataclasses.is_dataclass(sub):
                out += leaves(sub, f"{prefix}{f.name}.")
            elif f.name != "policies" or prefix:
                out.append(f"{prefix}{f.name}")
        return out

    keys = leaves(MigrationSchema, "")
    for name, cls in REGISTRY.items():
        keys += [f"policies.{name}.{f.name}" for f in dataclasses.fields(cls.config_class)]
    return keys


def suggest(key: str) -> list[str]:
    """Known keys close to a misspelt or misplaced `key`: first those whose last part is the
    key's last part (`job_loss_rate` -> `labour.job_loss_rate`; leaf names of the settings
    groups are unique), else the closest by spelling, of the whole key or of its last part."""
    import difflib

    keys = config_keys()
    leaf = key.rsplit(".", 1)[-1]
    same_leaf = [k for k in keys if k.rsplit(".", 1)[-1] == leaf and k != key]
    if same_leaf:
        return same_leaf[:3]
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    if close:  # the best only: long keys of one group are all alike by spelling
        return close
    by_leaf: dict[str, list[str]] = {}
    for k in keys:
        by_leaf.setdefault(k.rsplit(".", 1)[-1], []).append(k)
    return [k for near in difflib.get_close_matches(leaf, list(by_leaf), n=3, cutoff=0.75)
            for k in by_leaf[near]][:3]


def check_against_world(cfg: MigrationConfig, iso3, o, d, where: str) -> None:
    """Refuse settings that name countries or corridors and would act on nothing in the run's
    world (`where`, e.g. world=default): a policy's members or corridors (see
    `model.policies.check_coverage`) and facility candidates none of which is in it."""
    check_coverage(cfg.policies, iso3, o, d, where)
    candidates = list(cfg.facility.candidates or [])
    present = set(map(str, iso3))
    if cfg.facility.enabled and candidates and not present & set(candidates):
        raise ConfigError(f"facility.candidates = [{', '.join(candidates)}]: none is a country "
                          f"of {where}, so no country could join; allowed: its "
                          f"{len(present)} countries, e.g. {', '.join(sorted(present)[:5])}")


def register_configs() -> None:
    """Register in Hydra's ConfigStore what is generated from the declarations: the schema as
    `base_config` (outside any group, so sweeps over groups never list it as an option), the
    sweeper `hydra/sweeper=migration` (model/sweeper_plugin), a
    config of every registered policy that has no file in `conf/policies/`, and the sweep
    overlay `+sweep=policy_by_seed` over every registered policy."""
    from pathlib import Path

    from hydra.core.config_store import ConfigStore
    from hydra_plugins.migration_sweeper import register as register_sweeper

    register_sweeper()
    store = ConfigStore.instance()
    store.store(name="base_config", node=MigrationSchema)
    files = Path(__file__).resolve().parents[1] / "conf" / "policies"
    for name, cls in REGISTRY.items():
        if not (files / f"{name}.yaml").exists():
            store.store(group="policies", name=name,
                        node={name: dataclasses.asdict(cls.config_class())})
    store.store(group="sweep", name="policy_by_seed", node=policy_sweep(), package="_global_")


def policy_sweep(seeds: str = "range(1,11)") -> dict:
    """The policy sweep overlay: the baseline and every registered policy alone, on the same
    seeds (so effects are paired). With the eight shipped policies: 9 scenarios x 10 seeds.

        python run.py -m +sweep=policy_by_seed hydra/launcher=joblib
    """
    options = ",".join(["[]", *(f"[{name}]" for name in REGISTRY)])
    return {"hydra": {"sweeper": {"params": {"policies": options, "seed": seeds}}}}


def parameter_table() -> str:
    """A Markdown table of every setting: key, default, unit, allowed range, meaning, source
    (printed by `python -m model.docs`; the README's parameter table is this output)."""
    rows = ["| key (YAML) = keyword (Python) | default | unit | allowed | meaning | source |",
            "|---|---|---|---|---|---|"]
    for key, (dotted, f) in field_meta().items():
        m = f.metadata
        allowed = f"{m['lo']} to {m['hi']}" if m.get("lo") is not None else ""
        rows.append(f"| `{dotted}` | {default_of(f)} | {m.get('unit', '')} | {allowed} | "
                    f"{m.get('label', '')} | {m.get('source', '')} |")
    return "\n".join(rows)
