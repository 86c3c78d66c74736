"""Scenario labels of a sweep's jobs: which jobs are replicates of one scenario, which scenario
is the baseline, and how a scenario reads in a legend.

* `scenario_of(overrides)`: the scenario label of a job, its overrides without the seed
  and without Hydra's own settings, sorted and joined by spaces.
* `is_baseline(label)`: True when a label switches nothing on (no policies, no shocks, ...).
* `choose_baseline(labels, baseline=None)`: the baseline scenario among labels.
* `display_name(label)`: a label in plain words ("skill recognition + fair recruitment").
"""

from __future__ import annotations

import logging
import re

from model.catalogue import policy_labels

log = logging.getLogger(__name__)

# Override keys that switch a model component on or off, and the values meaning "off".
SWITCH_KEYS = ("policies", "shocks", "facility", "agreements", "oat")
# "defaults" is the reference option of the one-at-a-time sweep (conf/oat/defaults.yaml).
OFF_VALUES = {"[]", "none", "null", "false", "0", "defaults"}


def split_label(label: str) -> list[str]:
    """The overrides of a scenario label, split on spaces outside brackets and quotes.

    A plain `label.split()` would cut an override such as `policies=[a, b]` in two.
    """
    parts, current, depth, quote = [], [], 0, ""
    for char in label:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{(":
            depth += 1
        elif char in "]})":
            depth = max(depth - 1, 0)
        elif char.isspace() and depth == 0:
            if current:
                parts.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def key_value(override: str) -> tuple[str, str]:
    """(`key`, `value`) of an override, without the `+`/`++`/`~` prefixes Hydra allows."""
    key, _, value = override.partition("=")
    return key.strip().lstrip("+~"), value.strip()


def scenario_of(overrides: list[str]) -> str:
    """Scenario label of a job: its overrides minus `seed=` and Hydra's own settings,
    sorted and joined by a space ("" when nothing is left).

    Seeds are replicates of one scenario, and `hydra.*` / `hydra/...` overrides change
    where and how a job runs, not what it simulates.
    """
    kept = []
    for override in overrides:
        override = str(override).strip()
        key, _ = key_value(override)
        if not override or key == "seed" or key == "hydra" or key.startswith(("hydra.", "hydra/")):
            continue
        kept.append(override)
    return " ".join(sorted(kept))


def _is_off(override: str) -> bool:
    """True when an override switches a component off (`policies=[]`, `shocks=none`, ...)."""
    key, value = key_value(override)
    value = re.sub(r"\s+", "", value.strip("'\"")).lower()  # "[ ]" and "'none'" count too
    return key in SWITCH_KEYS and value in OFF_VALUES


def is_baseline(label: str) -> bool:
    """True when the label is empty or every override in it switches a component off."""
    return all(_is_off(o) for o in split_label(label))


def _policy_names(value: str) -> list[str]:
    """Policy names of a `policies=[a,b]` value."""
    return [n.strip().strip("'\"") for n in value.strip().strip("[]").split(",") if n.strip()]


def display_name(label: str, baseline: str | None = None) -> str:
    """Readable legend name of a scenario label.

    `policies=[a,b]` reads "a + b" with each policy's label in plain words (its `label`, e.g.
    "skill recognition"), a config-group choice such as `shocks=covid_2020` reads
    "covid_2020", other overrides stay `key=value`; the baseline is "baseline".
    """
    if label == baseline:
        return "baseline"
    words = policy_labels()
    parts = []
    for override in split_label(label):
        key, value = key_value(override)
        if key == "policies":
            names = [words.get(n, n) for n in _policy_names(value)]
            parts.append(" + ".join(names) if names else "no policies")
        elif key in SWITCH_KEYS + ("world",):
            if _is_off(override):
                parts.append(f"no {key}")
            else:  # shocks=covid_2020 -> "covid 2020"; facility=gcff -> "facility gcff"
                words_of = value.replace("_", " ")
                parts.append(words_of if key in ("shocks", "oat") else f"{key} {words_of}")
        else:  # labour.job_loss_rate=0.2 -> "job loss rate 0.2"
            name = key.lstrip("+~").split(".")[-1].replace("_", " ")
            parts.append(f"{name} {value}")
    return ", ".join(parts) if parts else "(defaults)"


def common_overrides(labels: list[str]) -> set[str]:
    """Overrides shared by every label: settings of the whole sweep, not of a scenario.

    e.g. `end_year=2023` given to every job; with a single scenario nothing is common,
    since then nothing would be left to tell it apart.
    """
    if len(labels) < 2:
        return set()
    sets = [set(split_label(label)) for label in labels]
    return set.intersection(*sets)


def distinct(label: str, common: set[str]) -> str:
    """A label without the sweep-wide overrides."""
    return " ".join(o for o in split_label(label) if o not in common)


def choose_baseline(labels: list[str], baseline: str | None = None) -> str | None:
    """The baseline scenario among `labels`.

    An explicit `baseline` wins (a full label, or the label without the sweep-wide
    overrides); otherwise the scenario that switches nothing on, judged without the
    overrides every job shares (the shortest label if several); None when there is none.
    """
    labels = sorted(set(labels))
    common = common_overrides(labels)
    if baseline is not None:
        wanted = " ".join(sorted(split_label(baseline)))
        for label in labels:
            if wanted in (label, distinct(label, common)):
                return label
        log.warning("baseline %r is not a scenario of these jobs", baseline)
        return None
    candidates = [label for label in labels if is_baseline(distinct(label, common))]
    return min(candidates, key=lambda s: (len(s), s)) if candidates else None
