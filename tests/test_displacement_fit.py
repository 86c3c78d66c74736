"""The host choice of people who flee is fitted to UNHCR's data (docs/displacement_fit.py): the
defaults of DisplacementConfig's three weights are the fit recomputed on the shipped data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from model.processes.displacement import DisplacementConfig

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("docs_displacement_fit",
                                                  ROOT / "docs" / "displacement_fit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def test_the_host_choice_defaults_are_the_maximum_likelihood_fit():
    fit = _load().fit()
    cfg = DisplacementConfig()
    for name, value in fit["beta"].items():
        # A weight held at its bound (0) is compared in absolute terms.
        assert getattr(cfg, name) == pytest.approx(value, rel=0.02, abs=1e-3), name
    # The fit reproduces where the flight went: the share to contiguous hosts.
    assert fit["contiguous_predicted"] == pytest.approx(fit["contiguous_observed"], abs=0.02)
    # A maximum: no slope in the free weights, and a weight at its lower bound would lower
    # the likelihood by rising.
    for name, slope in fit["gradient"].items():
        if name in fit["at_bound"]:
            assert slope <= 0, name
        else:
            assert abs(slope) < 1e-6, name
