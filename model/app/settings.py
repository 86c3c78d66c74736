"""What a workshop participant chooses, as the Hydra overrides of `python run.py`.

The app holds no defaults of its own: a participant's choices (a preset, a seed, policies on
or off and each one's main parameter) are a list of command-line overrides, composed by Hydra
on `conf/config.yaml` exactly as `run.py` composes them. The policies' labels, units, ranges and
defaults are read from their declarations (`Policy.label`, `Policy.main_parameter` and the
`param(...)` metadata of their config dataclass), and a preset's own policy settings from the
composed preset. So the command the app shows is the run it makes, by construction.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
import threading
from dataclasses import dataclass, field
from functools import cache

from omegaconf import DictConfig

from model.config import register_configs
from model.params import default_of
from model.policies import REGISTRY
from model.presets import SCENARIOS, describe, preset_files, register_presets, title
from model.runner import to_config

# Hydra's global state (GlobalHydra) is one per process: the sessions of one server compose
# one at a time.
_COMPOSE_LOCK = threading.Lock()
# A declared range reaching more than this many times the default (budgets: 0 to 1e12 USD) is
# offered as a 1-2-5 series of values around the default (a hundredth to a hundred times it),
# since a linear slider over it could not pick a useful value.
WIDE_RANGE = 100.0


def compose(overrides: list[str] | tuple[str, ...]) -> DictConfig:
    """The config `python run.py OVERRIDES` runs (conf/config.yaml, presets registered)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    with _COMPOSE_LOCK:
        register_configs()
        register_presets()
        GlobalHydra.instance().clear()
        with initialize_config_dir(config_dir=str(SCENARIOS.parent / "conf"), version_base=None):
            return hydra_compose(config_name="config", overrides=list(overrides))


def number(value: float) -> str:
    """A value as the command line would write it: short, and read back exactly."""
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e6:
        return str(int(value))
    short = f"{value:g}"
    return short if float(short) == float(value) else repr(float(value))


def series_125(default: float, lo: float, hi: float) -> tuple[float, ...]:
    """0 (if allowed), the 1-2-5 values from a hundredth to a hundred times `default` within
    lo..hi, and `default` itself."""
    values = {0.0} if lo <= 0 else set()
    exponent = math.floor(math.log10(default / 100))
    while (v := 10.0 ** exponent) <= min(hi, 100 * default):
        values |= {m * v for m in (1, 2, 5) if lo <= m * v <= min(hi, 100 * default)}
        exponent += 1
    return tuple(sorted(values | {default}))


@dataclass(frozen=True)
class PolicyControl:
    """One policy's switch and main parameter, as declared by the policy.

    Attributes:
        name: the policy's config name (`policies=[name]`).
        label: the policy's label in plain words.
        key: its main parameter (`policies.<name>.<key>`).
        text, unit, lo, hi, default: the main parameter's declared label, unit, allowed range
            and default.
        values: the values a slider offers: None for a linear slider over lo..hi, else a
            1-2-5 series up to 100 times the default for a range too wide to slide through.
    """

    name: str
    label: str
    key: str
    text: str
    unit: str
    lo: float
    hi: float
    default: float
    values: tuple[float, ...] | None

    def step(self, value: float | None = None) -> float:
        """A linear slider's step: the power of ten at most a hundredth of the range, halved
        until the range's start, the default and `value` lie on its grid (a slider snaps its
        value to the grid and reports the snapped value as a change)."""
        step = 10.0 ** math.floor(math.log10((self.hi - self.lo) / 100))
        points = [self.lo, self.default] + ([value] if value is not None else [])
        for _ in range(12):
            if all(abs(v / step - round(v / step)) < 1e-6 for v in points):
                break
            step /= 2
        return step


@cache
def policy_controls() -> tuple[PolicyControl, ...]:
    """Every registered policy's control, in the order of their names."""
    controls = []
    for name in sorted(REGISTRY):
        cls = REGISTRY[name]
        f = {f.name: f for f in dataclasses.fields(cls.config_class)}[cls.main_parameter]
        meta, default = f.metadata, float(default_of(f))
        lo, hi = float(meta["lo"]), float(meta["hi"])
        wide = default > 0 and hi > WIDE_RANGE * default
        values = series_125(default, lo, hi) if wide else None
        controls.append(PolicyControl(name, cls.label, cls.main_parameter, meta["label"],
                                      meta["unit"], lo, hi, default, values))
    return tuple(controls)


def control(name: str) -> PolicyControl:
    """The control of the policy `name`."""
    return {c.name: c for c in policy_controls()}[name]


@dataclass(frozen=True)
class Preset:
    """A preset of `scenarios/` as the app lists it: its name, title and learning goal, and the
    policies it switches on with their main parameter's value in the composed preset."""

    name: str
    title: str
    goal: str
    policies: dict[str, float]


@cache
def presets() -> tuple[Preset, ...]:
    """The presets, composed once each to read the policies they switch on."""
    out = []
    for path in preset_files():
        cfg = to_config(compose([f"+scenario={path.stem}"]))
        policies = {name: float(getattr(p, control(name).key)) for name, p in cfg.policies.items()}
        out.append(Preset(path.stem, title(path), describe(path), policies))
    return tuple(out)


def preset(name: str) -> Preset:
    """The preset `name`; a ValueError naming the allowed ones for any other."""
    known = {p.name: p for p in presets()}
    if name not in known:
        raise ValueError(f"unknown preset {name!r}; allowed: {', '.join(known)}")
    return known[name]


DEFAULT_PRESET = "baseline_2019"


@dataclass(frozen=True)
class Settings:
    """A participant's choices: preset, seed, the policies switched on and their main values.

    `values` holds the main parameter of each policy switched on; a policy switched off keeps
    no value, and switching it on starts from the preset's value or the declared default."""

    preset: str = DEFAULT_PRESET
    seed: int | None = None
    values: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of_preset(cls, name: str, seed: int | None = None) -> Settings:
        """The preset as it is: its own policies on, at its own values."""
        return cls(name, seed, dict(preset(name).policies))

    def switched(self, name: str, on: bool) -> Settings:
        """These settings with the policy `name` switched on or off."""
        values = dict(self.values)
        if on:
            values.setdefault(name, preset(self.preset).policies.get(name, control(name).default))
        else:
            values.pop(name, None)
        return dataclasses.replace(self, values=values)

    def with_value(self, name: str, value: float) -> Settings:
        """These settings with the main parameter of the policy `name` (switched on) set."""
        return dataclasses.replace(self.switched(name, True),
                                   values={**self.switched(name, True).values, name: value})

    def overrides(self) -> list[str]:
        """The `python run.py` overrides that make these settings."""
        own = preset(self.preset).policies
        out = [f"+scenario={self.preset}"]
        if self.seed is not None:
            out.append(f"seed={self.seed}")
        # Every policy switched on is in the group list, the preset's own too: its config file
        # gives every key (a preset sets only some), and the preset's values still win, since
        # Hydra applies `+scenario` after the groups.
        if self.values:
            out.append(f"policies=[{','.join(sorted(self.values))}]")
        out += [f"~policies.{n}" for n in sorted(own) if n not in self.values]
        for n in sorted(self.values):
            if self.values[n] != own.get(n, control(n).default):
                out.append(f"policies.{n}.{control(n).key}={number(self.values[n])}")
        return out

    def baseline(self) -> Settings:
        """The same preset and seed with every policy off: what a choice is compared with."""
        return Settings(self.preset, self.seed, {})

    def command(self) -> str:
        """The equivalent command line, quoted for a POSIX shell."""
        return "python run.py " + " ".join(shlex.quote(o) for o in self.overrides())
