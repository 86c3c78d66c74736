"""Structured configuration: the one place where every default, unit, range and source lives.

Hydra composes `conf/config.yaml` on top of these dataclasses (registered in the ConfigStore as
`base_config`), so a misspelt key or a wrong type fails before a run starts. The same names are
the keyword arguments of `MigrationModel` (one name per setting everywhere): the YAML key
`labour.job_loss_rate` is the keyword `job_loss_rate`. Leaf names are unique across groups,
which `flat_defaults()` checks.

Every behavioural parameter carries a unit, an allowed range and a source (a publication, or
"assumption"/"calibration" with the reason), through `param()`. Ranges are checked by
`validate()`, which the model calls before it builds anything.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING  # noqa: F401  (re-exported for configs that need it)

WORLD_PRESETS = ("default", "global", "custom")


class ConfigError(ValueError):
    """A configuration value is unknown, of the wrong type or out of its allowed range."""


def param(default: Any, unit: str, lo: float | None = None, hi: float | None = None,
          source: str = "", label: str = ""):
    """A config field that carries its unit, allowed range and source as metadata."""
    return field(default=default, metadata={
        "unit": unit, "lo": lo, "hi": hi, "source": source, "label": label})


@dataclass
class WorldConfig:
    """Which world to build: a shipped preset or a user's corridor file."""

    name: str = param("default", "", source="default: ~55 countries; global: every UN DESA "
                      "corridor with a 2020 stock; custom: a file given by world.path",
                      label="world preset")
    path: str | None = param(None, "file path", source="for name=custom: a corridor table "
                             "(origin, destination, stock) or a World Bank bilateral matrix",
                             label="custom corridor file")


@dataclass
class LabourConfig:
    """Destination labour markets by skill (process `labour`)."""

    job_loss_rate: float = param(
        0.16, "per year", 0.0, 2.0, label="job-loss hazard of employed migrants",
        source="assumption in the range of OECD employment-to-unemployment flows "
               "(Elsby, Hobijn and Sahin 2013, REStat 95(2): 1-5% a quarter)")
    migrant_unemployment_ratio: float = param(
        1.4, "ratio", 0.5, 5.0, label="migrant / native unemployment rate",
        source="OECD/EU (2018) Settling In: foreign-born unemployment about 1.4x native-born "
               "in the EU; sets the job-finding rate so the start matches it")
    recognised_share_initial: float = param(
        0.4, "share", 0.0, 1.0, label="skilled migrants with recognised credentials at start",
        source="assumption (no cross-country data); chosen with the matching probabilities "
               "below to give the OECD over-qualification rate")
    matched_prob_recognised: float = param(
        0.8, "probability", 0.0, 1.0, label="P(job at skill) for a recognised skilled migrant",
        source="calibration: OECD/EU (2018) over-qualification of tertiary-educated "
               "foreign-born about 35% vs 21% native-born")
    matched_prob_unrecognised: float = param(
        0.5, "probability", 0.0, 1.0, label="P(job at skill) for an unrecognised skilled migrant",
        source="calibration, as above")
    migrant_wage_ratio: float = param(
        0.85, "ratio", 0.1, 1.5, label="migrant / native wage in the same job",
        source="OECD (2018) Settling In: immigrant wage gaps of 10-20% in most OECD countries")
    irregular_wage_ratio: float = param(
        0.75, "ratio", 0.1, 1.0, label="irregular / regular migrant wage",
        source="assumption (undocumented wage penalties of 10-25%, e.g. Borjas 2017, "
               "ILR Review 70(1))")
    native_wage_elasticity: float = param(
        0.0, "elasticity", -2.0, 2.0, label="destination wage response to migrant share",
        source="disputed in sign and size (Card 2009 AER P&P; Borjas 2003 QJE): 0 by default; "
               "wage changes by elasticity x change in the migrant share of the population")
    wage_theft_share: float = param(
        0.05, "share of earnings", 0.0, 1.0, label="earnings of irregular migrants withheld by employers",
        source="assumption (wage theft against irregular and low-wage migrants is widely "
               "documented, e.g. ILO 2020 and Migrant Forum in Asia 2020, but not measured "
               "across countries)")
    wage_growth_high_income: float = param(
        0.015, "per year", -0.5, 0.5, label="nominal wage growth, high-income countries",
        source="assumption of the order of OECD real GDP-per-capita growth in 2010-2019 "
               "(about 1-2% a year; World Bank WDI)")
    wage_growth_other: float = param(
        0.03, "per year", -0.5, 0.5, label="nominal wage growth, other countries",
        source="assumption of the order of developing-country GDP-per-capita growth in "
               "2010-2019 (about 3% a year; World Bank WDI)")


@dataclass
class RemittanceConfig:
    """Earnings, savings, remittance amounts and channels (processes `earnings`, `remittances`)."""

    remit_share_min: float = param(
        0.03, "share of earnings", 0.0, 1.0, label="lower bound of the calibrated remittance share",
        source="calibration bound: the share of earnings each origin's migrants remit is fitted "
               "at the start to WDI 2019 remittances received")
    remit_share_max: float = param(
        0.6, "share of earnings", 0.0, 1.0, label="upper bound of the calibrated remittance share",
        source="calibration bound (surveys of migrant workers rarely report more than half)")
    unemployed_remit_ratio: float = param(
        0.3, "ratio", 0.0, 1.0, label="remittance of an unemployed migrant / usual amount",
        source="assumption: remittances are smoothed from savings during unemployment")
    saving_rate: float = param(
        0.15, "share of earnings", 0.0, 0.9, label="share of earnings saved",
        source="assumption (target-saver migrants, Dustmann and Gorlach 2016, JEL 54(1))")
    amount_price_elasticity: float = param(
        0.22, "elasticity", 0.0, 3.0, label="fall of the amount sent per 1% rise of the price",
        source="Gibson, McKenzie and Rohorua (2006), 'How cost elastic are remittances?', "
               "estimate an elasticity of about -0.22")
    formal_share_initial: float = param(
        0.7, "share", 0.05, 0.99, label="formal-channel share of remittances at start",
        source="calibration: informal flows 35-75% of recorded ones (Freund and Spatafora "
               "2008, JDE 86(2)); 0.7 formal means informal = 43% of formal")
    price_sensitivity: float = param(
        0.15, "per percentage point", 0.0, 2.0, label="logit slope of channel choice on price",
        source="assumption consistent with Freund and Spatafora (2008): a 1 pp higher cost "
               "lowers recorded remittances by a few percent")
    informal_price_pct: float = param(
        3.0, "% of amount", 0.0, 30.0, label="cost of informal channels (hawala, couriers)",
        source="assumption (World Bank 2006, Global Economic Prospects ch. 4: informal "
               "channels are cheaper but risky)")
    account_access_high_income: float = param(
        0.85, "share", 0.0, 1.0, label="migrants with a bank account, high-income destination",
        source="Global Findex 2017: 94% of adults in high-income economies have an account; "
               "lower for migrants (assumption)")
    account_access_other: float = param(
        0.55, "share", 0.0, 1.0, label="migrants with a bank account, other destinations",
        source="Global Findex 2017: 63% of adults in developing economies; lower for migrants")
    no_account_penalty: float = param(
        1.0, "utility", 0.0, 10.0, label="extra cost of the formal channel without an account",
        source="assumption (cash-to-cash transfers cost more and are less convenient)")


@dataclass
class ReturnConfig:
    """Return migration (process `returns`) and reintegration (process `reintegration`)."""

    return_rate_settled: float = param(
        0.02, "per year", 0.0, 1.0, label="return hazard of long-settled migrants",
        source="Dustmann and Gorlach (2016) JEL 54(1) and OECD (2008) International Migration "
               "Outlook: 20-50% of new immigrants leave within five years, far fewer later")
    return_rate_new: float = param(
        0.10, "per year", 0.0, 2.0, label="extra return hazard of recent arrivals",
        source="as above: with the decay below, 29% of an arrival cohort leaves within 5 years")
    return_decay_years: float = param(
        3.0, "years", 0.1, 50.0, label="time over which the extra hazard of newcomers fades",
        source="assumption fitted to the five-year figure above")
    unemployed_return_multiplier: float = param(
        2.0, "ratio", 1.0, 20.0, label="return hazard of the unemployed / employed",
        source="Bijwaard, Schluter and Wahba (2014) REStat 96(3): unemployment spells raise "
               "immigrants' return hazard (size assumed)")
    savings_target_years: float = param(
        2.0, "years of home earnings", 0.0, 50.0, label="target savings of a target saver",
        source="assumption (target-saver model, Dustmann and Gorlach 2016)")
    savings_return_multiplier: float = param(
        1.5, "ratio", 1.0, 20.0, label="return hazard once the savings target is met",
        source="assumption (target-saver model)")
    pension_lock_in: float = param(
        0.85, "ratio", 0.1, 1.0, label="return hazard of vested migrants without portable pensions",
        source="assumption (losing pension rights on return discourages it: Holzmann and "
               "Koettl 2015, CESifo Economic Studies 61(2)); social-security portability lifts it")
    vesting_years: float = param(
        10.0, "years", 0.0, 50.0, label="years of contributions before pension rights vest",
        source="assumption (10-15 years is common in OECD pension systems)")
    pension_contribution_rate: float = param(
        0.10, "share of earnings", 0.0, 0.5, label="pension contributions of regular migrants",
        source="assumption of the order of OECD pension contribution rates (OECD Pensions at a "
               "Glance 2019: about 18% of wages in total, employer and employee)")
    reintegration_rate: float = param(
        0.5, "per year", 0.0, 10.0, label="hazard that a returnee is economically reintegrated",
        source="assumption (IOM 2019 Reintegration Handbook reports most returnees need "
               "a year or more); skilled returnees use the same rate")
    returnee_tracking_years: float = param(
        5.0, "years", 0.25, 50.0, label="how long returnees are followed at home",
        source="modelling choice: after this a returnee counts as part of the home population")


@dataclass
class EmigrationConfig:
    """Emigration choice and entry (process `emigration`)."""

    income_elasticity: float = param(
        0.6, "utility per log point", 0.0, 5.0,
        label="weight of log expected earnings gain in the destination choice",
        source="Ortega and Peri (2013) Migration Studies 1(1): elasticity of bilateral flows "
               "to destination income around 0.6-0.7")
    cost_sensitivity: float = param(
        0.5, "utility per year of home earnings", 0.0, 10.0,
        label="weight of log(1 + migration cost in years of home earnings) in the choice",
        source="assumption; corridor constants are calibrated so it only shapes responses")
    network_elasticity: float = param(
        0.4, "utility per log point", 0.0, 2.0,
        label="weight of log diaspora size (relative to start) in the choice",
        source="Beine, Docquier and Ozden (2011) JDE 95(1): diaspora elasticities of "
               "bilateral migration of roughly 0.3-0.5")
    trend_half_life_years: float = param(
        5.0, "years", 0.1, 1000.0, label="half-life of the 2015-2020 corridor trends",
        source="assumption: bilateral surges fade (e.g. Venezuela-Colombia grew 50-fold in "
               "2015-2020, UN DESA); 1000 keeps the trend for ever")
    recruitment_cost_months_low: float = param(
        4.0, "months of destination earnings", 0.0, 36.0,
        label="worker-paid recruitment cost, low-skilled",
        source="KNOMAD-ILO Migration Costs Surveys (SDG 10.7.1): typically 1-7 months, up to "
               "about 15 in some Gulf corridors")
    recruitment_cost_months_high: float = param(
        1.0, "months of destination earnings", 0.0, 36.0,
        label="worker-paid recruitment cost, high-skilled",
        source="assumption: skilled workers are often recruited at the employer's cost")
    travel_cost_fixed_usd: float = param(
        800.0, "USD", 0.0, 1e5, label="fixed cost of migrating (documents, travel)",
        source="assumption (World Bank 2017, 'Migrating to Opportunity': travel and "
               "documents cost hundreds to a few thousand dollars)")
    travel_cost_per_1000km_usd: float = param(
        100.0, "USD per 1,000 km", 0.0, 1e4, label="distance-dependent migration cost",
        source="assumption (airfare-like scaling)")
    irregular_cost_multiplier: float = param(
        3.0, "ratio", 1.0, 50.0, label="cost of an irregular route / a regular one",
        source="assumption (smuggling fees of several thousand USD, UNODC 2018 Global Study "
               "on Smuggling of Migrants)")
    irregular_share_high_income: float = param(
        0.15, "share", 0.0, 1.0, label="irregular share of migrants, high-income destination",
        source="Pew Research Center (2019): about 10.5 M of 44 M US immigrants (24%) are "
               "unauthorised; lower in Europe; 0.15 as a cross-destination assumption")
    irregular_share_other: float = param(
        0.30, "share", 0.0, 1.0, label="irregular share of migrants, other destinations",
        source="assumption (South-South migration is more often irregular, ILO 2018)")
    working_age_share: float = param(
        0.65, "share", 0.0, 1.0, label="share of population at working age (potential migrants)",
        source="UN World Population Prospects 2019: 15-64 share about 65% worldwide")
    population_growth_high_income: float = param(
        0.002, "per year", -0.1, 0.1, label="working-age population growth, high income",
        source="UN World Population Prospects 2019, medium variant, 2020-2030 (about 0-0.3%)")
    population_growth_other: float = param(
        0.015, "per year", -0.1, 0.1, label="working-age population growth, other countries",
        source="UN World Population Prospects 2019, medium variant, 2020-2030 (about 1-2.5% "
               "in low and lower-middle income countries)")
    tertiary_share_low_income: float = param(
        0.05, "share", 0.0, 1.0, label="tertiary-educated share of adults, low income",
        source="Barro and Lee (2013) JDE 104, orders of magnitude by income group")
    tertiary_share_lower_middle: float = param(
        0.12, "share", 0.0, 1.0, label="tertiary-educated share, lower-middle income",
        source="Barro and Lee (2013)")
    tertiary_share_upper_middle: float = param(
        0.20, "share", 0.0, 1.0, label="tertiary-educated share, upper-middle income",
        source="Barro and Lee (2013)")
    tertiary_share_high_income: float = param(
        0.35, "share", 0.0, 1.0, label="tertiary-educated share, high income",
        source="Barro and Lee (2013)")


@dataclass
class ShocksConfig:
    """The dated shock timeline (see model.shocks for the kinds of events and their settings)."""

    timeline: list[Any] = field(default_factory=list)


@dataclass
class MigrationConfig:
    """The whole configuration of one run (Hydra's primary config schema)."""

    world: WorldConfig = field(default_factory=WorldConfig)
    seed: int = param(42, "", 0, 2**63 - 1, label="random seed",
                      source="all random streams derive from it (numpy SeedSequence)")
    start_year: int = param(2019, "year", 2015, 2020, label="first simulated year",
                            source="stocks interpolated between UN DESA 2015 and 2020")
    end_year: int = param(2030, "year", 2015, 2100, label="horizon (simulated through its end)",
                          source="SDG horizon")
    steps_per_year: int = param(4, "steps per year", 1, 52, label="time step",
                                source="default: a quarter")
    people_per_agent: float = param(1000.0, "people per migrant agent", 1.0, 1e7,
                                    label="people each migrant agent stands for",
                                    source="modelling choice: indicators are always in people")
    progress: bool = param(True, "", label="show a progress bar on runs longer than ~2 s")
    figures: bool = param(True, "", label="draw the run's figures (a sweep may skip them)")
    policies: dict[str, Any] = field(default_factory=dict)
    shocks: ShocksConfig = field(default_factory=ShocksConfig)
    facility: Any = field(default_factory=dict)  # model.facility.FacilityConfig settings
    agreements: Any = field(default_factory=dict)  # model.partnerships.AgreementsConfig
    labour: LabourConfig = field(default_factory=LabourConfig)
    remittances: RemittanceConfig = field(default_factory=RemittanceConfig)
    returns: ReturnConfig = field(default_factory=ReturnConfig)
    emigration: EmigrationConfig = field(default_factory=EmigrationConfig)


# Groups whose fields are flattened into MigrationModel keywords (world is handled apart).
GROUPS = ("labour", "remittances", "returns", "emigration")
TOP_LEVEL = ("seed", "start_year", "end_year", "steps_per_year", "people_per_agent", "progress",
             "figures")


def _group_classes() -> dict[str, type]:
    return {f.name: f.default_factory for f in dataclasses.fields(MigrationConfig)
            if f.name in GROUPS}


def flat_defaults() -> dict[str, Any]:
    """Every model keyword with its default: `world`, `world_path`, the top-level run settings
    and the leaf fields of each behavioural group. Checks that leaf names are unique."""
    out: dict[str, Any] = {"world": "default", "world_path": None, "policies": {}, "shocks": [],
                           "facility": {}, "agreements": {}}
    for f in dataclasses.fields(MigrationConfig):
        if f.name in TOP_LEVEL:
            out[f.name] = f.default
    for group, cls in _group_classes().items():
        for f in dataclasses.fields(cls):
            if f.name in out:
                raise AssertionError(f"config name {f.name!r} is used twice ({group})")
            out[f.name] = f.default
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
    """Build a validated MigrationConfig from flat keywords (the Python API's form)."""
    allowed = flat_defaults()
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ConfigError(f"unknown parameter(s) {', '.join(unknown)}; allowed: "
                          f"{', '.join(sorted(allowed))}")
    values = {**allowed, **params}
    cfg = MigrationConfig(world=WorldConfig(name=values.pop("world"), path=values.pop("world_path")),
                          policies=values.pop("policies") or {},
                          shocks=ShocksConfig(timeline=list(values.pop("shocks") or [])),
                          facility=values.pop("facility") or {},
                          agreements=values.pop("agreements") or {})
    meta = field_meta()
    for key, value in values.items():
        dotted = meta[key][0]
        target = cfg if "." not in dotted else getattr(cfg, dotted.split(".")[0])
        setattr(target, key, value)
    validate(cfg)
    return cfg


def flatten(cfg: MigrationConfig) -> dict[str, Any]:
    """The inverse of `nest`: flat keywords from a MigrationConfig."""
    out = {"world": cfg.world.name, "world_path": cfg.world.path, "policies": cfg.policies,
           "shocks": cfg.shocks.timeline, "facility": cfg.facility,
           "agreements": cfg.agreements}
    for key, (dotted, _) in field_meta().items():
        obj = cfg if "." not in dotted else getattr(cfg, dotted.split(".")[0])
        out[key] = getattr(obj, key)
    return out


def _check_value(dotted: str, f: dataclasses.Field, value: Any) -> None:
    """Type and range check of one field, with a message naming the key and what is allowed."""
    unit = f.metadata.get("unit", "")
    expected = f.type if isinstance(f.type, type) else None
    kind = {"int": int, "float": float, "bool": bool, "str": str}.get(str(f.type), expected)
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{dotted} = {value!r}: allowed values are true or false")
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{dotted} = {value!r}: must be a number ({unit})")
        if kind is int and not float(value).is_integer():
            raise ConfigError(f"{dotted} = {value!r}: must be a whole number ({unit})")
        if not math.isfinite(value):
            raise ConfigError(f"{dotted} = {value!r}: must be a finite number ({unit})")
        lo, hi = f.metadata.get("lo"), f.metadata.get("hi")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{dotted} = {value!r} is out of range: allowed {lo} to {hi} "
                              f"({unit})")


def validate(cfg: MigrationConfig) -> MigrationConfig:
    """Check every value of a config; raise ConfigError naming the first bad key."""
    if cfg.world.name not in WORLD_PRESETS:
        raise ConfigError(f"world = {cfg.world.name!r} is not a world preset: allowed "
                          f"{', '.join(WORLD_PRESETS)}")
    if cfg.world.name == "custom" and not cfg.world.path:
        raise ConfigError("world = custom needs world.path = a corridor file "
                          "(CSV or XLSX: origin, destination, stock; or a World Bank matrix)")
    if cfg.world.name != "custom" and cfg.world.path:
        raise ConfigError(f"world.path is only read with world = custom (got world = "
                          f"{cfg.world.name!r})")
    for key, (dotted, f) in field_meta().items():
        obj = cfg if "." not in dotted else getattr(cfg, dotted.split(".")[0])
        _check_value(dotted, f, getattr(obj, key))
    if cfg.end_year < cfg.start_year:
        raise ConfigError(f"end_year = {cfg.end_year} must not be before start_year = "
                          f"{cfg.start_year} (the horizon is simulated through its end)")
    from model.policies import parse_policies

    parse_policies(cfg.policies)  # raises ConfigError naming the policy and key
    from model.shocks import parse_timeline

    parse_timeline(cfg.shocks.timeline)  # names the event and key
    parse_facility(cfg.facility)
    from model.partnerships import parse_agreements

    parse_agreements(cfg.agreements)
    r = cfg.remittances
    if r.remit_share_min > r.remit_share_max:
        raise ConfigError(f"remittances.remit_share_min = {r.remit_share_min} must not exceed "
                          f"remittances.remit_share_max = {r.remit_share_max}")
    return cfg


def register_configs() -> None:
    """Register the schema in Hydra's ConfigStore as `base_config` (outside any group, so sweeps
    over groups never list it as an option)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="base_config", node=MigrationConfig)


def parameter_table() -> str:
    """A Markdown table of every setting: key, default, unit, allowed range, meaning, source
    (printed by `python -m model.docs`; the README's parameter table is this output)."""
    rows = ["| key (YAML) = keyword (Python) | default | unit | allowed | meaning | source |",
            "|---|---|---|---|---|---|"]
    for key, (dotted, f) in field_meta().items():
        m = f.metadata
        allowed = f"{m['lo']} to {m['hi']}" if m.get("lo") is not None else ""
        rows.append(f"| `{dotted}` | {f.default} | {m.get('unit', '')} | {allowed} | "
                    f"{m.get('label', '')} | {m.get('source', '')} |")
    return "\n".join(rows)


def parse_facility(spec: Any):
    """A validated FacilityConfig from a mapping (or one already built)."""
    from model.facility import FacilityConfig, validate_facility

    return validate_facility(typed(FacilityConfig, spec, "facility"))


def typed(cls: type, values: Any, where: str, choices: dict | None = None):
    """A dataclass instance from a mapping of settings, checked before any run: unknown keys,
    wrong types (via OmegaConf), ranges of fields declared with `param`, and text settings
    against their allowed `choices`. Errors name `where.key` and what is allowed."""
    from omegaconf import OmegaConf

    if isinstance(values, cls):
        cfg = values
    else:
        if OmegaConf.is_config(values):
            values = OmegaConf.to_container(values, resolve=True)
        values = dict(values or {})
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - fields)
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; allowed: "
                              f"{', '.join(sorted(fields))}")
        try:
            cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(cls), values))
        except Exception as err:  # OmegaConf's type errors: keep their first line
            raise ConfigError(f"{where}: {str(err).splitlines()[0]}") from None
    choices = choices or {}
    for f in dataclasses.fields(cls):
        if f.metadata and f.name not in choices:
            _check_value(f"{where}.{f.name}", f, getattr(cfg, f.name))
    for key, allowed in choices.items():
        if getattr(cfg, key) not in allowed:
            raise ConfigError(f"{where}.{key} = {getattr(cfg, key)!r}: allowed "
                              f"{', '.join(allowed)}")
    return cfg
