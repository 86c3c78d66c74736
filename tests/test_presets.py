"""Every preset scenario composes, runs for a few steps and writes its outputs; the listing
shows each with its learning goal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from model.presets import describe, preset_files, title
from model.runner import run, to_config
from tests.conftest import ROOT

PRESETS = [p.stem for p in preset_files()]


def test_there_are_the_presets_the_users_need():
    assert {"baseline_2019", "covid_2020", "skills_partnership_uae_india",
            "remittances_in_crisis", "return_reintegration_el_salvador", "facility_governance",
            "sdg_targets_2030", "south_south_africa"} <= set(PRESETS)


@pytest.mark.parametrize("path", preset_files(), ids=lambda p: p.stem)
def test_every_preset_opens_with_title_goal_command_and_what_to_look_for(path):
    text = path.read_text()
    assert text.startswith(f"# @package _global_\n# Title: {title(path)}\n# Learning goal:")
    assert 10 < len(title(path)) < 60 and title(path) != path.stem
    assert f"+scenario={path.stem}" in text and "# Look for:" in text
    assert len(describe(path)) > 40


@pytest.fixture
def compose_preset(compose):
    from model.presets import register_presets

    register_presets()
    return lambda name, extra=(): compose([f"+scenario={name}", *extra])


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_runs_a_few_steps(name, compose_preset, tmp_path):
    # Through 2020, so that the presets' shocks (from 2020) fall inside the run.
    cfg = compose_preset(name, ["end_year=2020", "people_per_agent=20000", "progress=false"])
    summary = run(cfg, out_dir=tmp_path / name)
    mcfg = to_config(cfg)
    years = 2020 - mcfg.start_year + 1  # the displacement presets start in 2011 and 2015
    assert summary["status"] == "ok" and summary["steps"] == years * mcfg.steps_per_year
    for f in ("timeseries.csv", "corridors.csv", "summary.json"):
        assert (tmp_path / name / f).stat().st_size > 0
    written = json.loads((tmp_path / name / "summary.json").read_text())
    assert set(written["policies"]) == set(mcfg.policies)
    assert len(written["shocks"]) == len(mcfg.shocks.timeline)


def test_the_listing_names_every_preset():
    out = subprocess.run([sys.executable, "-m", "model.presets"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    for path in preset_files():
        assert path.stem in out and title(path) in out
