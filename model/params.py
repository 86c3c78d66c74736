"""Settings that carry their unit, range and source, and the one error bad settings raise.

A leaf module (it imports nothing of the model), so every component can declare its config
dataclass with `param(...)` and check it with `typed(...)` without importing the rest.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any

# The calibration's result (`python -m model.calibration export`): the fitted values of the
# settings declared with `param(..., fit=KEY)` are their defaults.
FITTED_FILE = Path(__file__).resolve().with_name("fitted.yaml")


class ConfigError(ValueError):
    """A configuration value is unknown, of the wrong type or out of its allowed range."""


@cache
def fitted_values(path: Path = FITTED_FILE) -> dict[str, float]:
    """The fitted values of `model/fitted.yaml` (dotted key -> value); none without the file."""
    import yaml

    if not path.exists():
        return {}
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")).get("values") or {})


def param(default: Any, unit: str, lo: float | None = None, hi: float | None = None,
          source: str = "", label: str = "", fit: str | None = None,
          prior_range: tuple[float, float] | None = None):
    """A config field that carries its unit, allowed range and source as metadata (a list
    default is copied for each instance).

    `fit`: the setting's dotted key when the calibration fits it; its default is then the
    fitted value of `model/fitted.yaml` where there is one, and `default` is kept as the prior
    (the literature's value or an assumption, where the calibration starts from).
    `prior_range`: for a setting that rests on no measurement, the range a calibration would
    search (listed in docs/evidence.md)."""
    meta = {"unit": unit, "lo": lo, "hi": hi, "source": source, "label": label}
    if prior_range is not None:
        meta["prior_range"] = tuple(prior_range)
    if fit is not None:
        meta.update(fit=fit, prior=default)
        values = fitted_values()
        if fit in values:
            default = type(default)(values[fit])
            meta["source"] = (f"fitted by python -m model.calibration (model/fitted.yaml); "
                              f"prior {meta['prior']}: {source}")
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


def default_of(f: dataclasses.Field) -> Any:
    """A field's default value (made by its factory for lists)."""
    return f.default_factory() if f.default is dataclasses.MISSING else f.default


def check_value(dotted: str, f: dataclasses.Field, value: Any) -> None:
    """Type and range check of one field, with a message naming the key and what is allowed."""
    unit = f.metadata.get("unit", "")
    within = f" ({unit})" if unit else ""
    expected = f.type if isinstance(f.type, type) else None
    kind = {"int": int, "float": float, "bool": bool, "str": str}.get(str(f.type), expected)
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{dotted} = {value!r}: allowed values are true or false")
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{dotted} = {value!r}: must be a number{within}")
        if kind is int and not float(value).is_integer():
            raise ConfigError(f"{dotted} = {value!r}: must be a whole number{within}")
        if not math.isfinite(value):
            raise ConfigError(f"{dotted} = {value!r}: must be a finite number{within}")
        lo, hi = f.metadata.get("lo"), f.metadata.get("hi")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{dotted} = {value!r} is out of range: allowed {lo} to {hi}"
                              f"{within}")


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
        if dataclasses.is_dataclass(values):
            values = dataclasses.asdict(values)
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
    choices = {**getattr(cls, "CHOICES", {}), **(choices or {})}
    for f in dataclasses.fields(cls):
        if f.metadata and f.name not in choices:
            check_value(f"{where}.{f.name}", f, getattr(cfg, f.name))
    for key, allowed in choices.items():
        if getattr(cfg, key) not in allowed:
            raise ConfigError(f"{where}.{key} = {getattr(cfg, key)!r}: allowed "
                              f"{', '.join(allowed)}")
    return cfg
