"""The component protocol: a component declared in one module is found everywhere.

A new policy with its own lever, flow, indicator and headline is defined here, in this test
module only (registered by a fixture and removed afterwards), and must appear in the timeseries,
summary.json, the sweep's comparison figures and `+sweep=policy_by_seed`, with the sizes its
rule gives. The architecture rules of the protocol (declared levers, unique names, the phase
list in the README, no import cycles, no reading of another module's private attributes) are
checked here too.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from model import MigrationModel
from model.catalogue import PHASES
from model.components import Flow, Headline, Indicator, Lever
from model.params import param
from model.policies import REGISTRY, Policy, PolicyConfig
from tests.conftest import FAST, ROOT

GRANT = 12.0  # USD per migrant abroad per year


@dataclass
class CommunityFundConfig(PolicyConfig):
    grant_usd_per_year: float = param(GRANT, "USD per migrant per year", 0.0, 1e4,
                                      label="grant to the home community per migrant abroad",
                                      source="test")


class CommunityFund(Policy):
    """A test policy: the origin pays its migrants' home communities a grant per migrant
    abroad, through a lever of its own and a flow, indicator and headline of its own."""

    name = "community_fund"
    label = "community fund"
    main_parameter = "grant_usd_per_year"
    config_class = CommunityFundConfig
    levers = (Lever("corridors", "community_grant", "grant per migrant abroad, USD a year", 0.0),)
    moves_levers = ("corridors.community_grant",)
    flows = (Flow("community_grants_usd", "USD", "grants paid to home communities"),)
    indicators = (Indicator("community_grants_usd", "USD per step",
                            "grants paid to home communities",
                            lambda model: float(model.flows["community_grants_usd"][0]),
                            compare=("Grants to home communities", "usd_step")),)
    headlines = (Headline("community_grants_total_usd", "USD", "grants paid over the run",
                          "community_grants_usd", "sum",
                          effect=("Grants to home communities, whole run", "money")),)

    def before_step(self, model, events) -> None:
        k = model.corridors
        k.community_grant = np.where(self.covered, self.cfg.grant_usd_per_year, k.community_grant)

    def after_remittances(self, model, events) -> None:
        paid = float(np.dot(model.tallies.stock(), model.corridors.community_grant)) * model.dt
        model.flows["community_grants_usd"][0] += paid
        self.pay("origin", paid)


@pytest.fixture
def community_fund():
    """Register the test policy (and its generated Hydra configs) for one test only."""
    from hydra.core.config_store import ConfigStore

    from model.config import register_configs

    REGISTRY[CommunityFund.name] = CommunityFund
    register_configs()
    yield CommunityFund
    del REGISTRY[CommunityFund.name]
    ConfigStore.instance().repo["policies"].pop(f"{CommunityFund.name}.yaml", None)
    register_configs()


RUN = dict(FAST, start_year=2019, end_year=2020, seed=3)


def test_a_new_policy_is_in_the_timeseries_with_the_size_its_rule_gives(community_fund):
    m = MigrationModel(policies={"community_fund": {"start_year": 2019.5}}, **RUN)
    m.run()
    ts = m.datacollector.get_model_vars_dataframe()
    paid = ts["community_grants_usd"].to_numpy()
    assert (paid[:2] == 0).all()  # before the start year
    # From the third step: grant x dt x the stock at the end of the step before (no one leaves
    # or arrives before the remittance phase).
    expected = GRANT * 0.25 * ts["migrant_stock"].to_numpy()[1:-1]
    np.testing.assert_allclose(paid[2:], expected, rtol=1e-9)
    assert m.policies.policies[0].costs["origin"] == pytest.approx(paid.sum(), rel=1e-12)
    # The lever is declared, so the model resets it every step.
    assert m.lever_baseline("corridors.community_grant").sum() == 0.0


def test_a_new_policy_is_in_the_summary_figures_and_policy_sweep(community_fund, compose,
                                                                  tmp_path):
    from model.compare import compare_figures, load_jobs, paired_effects
    from model.runner import run

    jobs = []
    for name, policies in (("base", "[]"), ("fund", "[community_fund]")):
        overrides = [f"policies={policies}", "seed=1"]
        cfg = compose([*overrides, "end_year=2020", "people_per_agent=5000", "figures=false",
                       "progress=false"])
        out = tmp_path / name
        run(cfg, out_dir=out, overrides=overrides)
        jobs.append(out)
    summary = json.loads((tmp_path / "fund" / "summary.json").read_text())
    ts = pd.read_csv(tmp_path / "fund" / "timeseries.csv")
    assert summary["headline"]["community_grants_total_usd"] == pytest.approx(
        ts["community_grants_usd"].sum(), rel=1e-9) and ts["community_grants_usd"].sum() > 0
    assert summary["policies"]["community_fund"]["costs_usd"]["origin"] > 0
    assert summary["units"]["community_grants_usd"] == "USD per step"

    written = {p.name for p in compare_figures(jobs, tmp_path / "figures")}
    assert "compare_community_grants_usd.png" in written and "effects.png" in written
    effects = paired_effects(load_jobs(jobs), "policies=[]")
    row = effects[effects["outcome"] == "community_grants_total_usd"]
    assert len(row) == 1 and row["mean"].iloc[0] == pytest.approx(
        summary["headline"]["community_grants_total_usd"], rel=1e-9)

    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base=None):
        sweep = hydra_compose(config_name="config", overrides=["+sweep=policy_by_seed"],
                              return_hydra_config=True)
    GlobalHydra.instance().clear()
    options = sweep.hydra.sweeper.params.policies.split(",")
    assert options[0] == "[]" and "[community_fund]" in options
    assert set(options[1:]) == {f"[{name}]" for name in REGISTRY}


def test_a_lever_moved_but_not_declared_is_refused():
    class Careless(Policy):
        name = "careless"
        moves_levers = ("corridors.no_such_lever",)

    REGISTRY["careless"] = Careless
    try:
        with pytest.raises(ValueError, match="no_such_lever"):
            MigrationModel(**RUN)
    finally:
        del REGISTRY["careless"]


def test_an_indicator_declared_twice_is_refused():
    class Twice(Policy):
        name = "twice"
        indicators = (Indicator("migrant_stock", "people", "again", lambda m: 0.0),)

    REGISTRY["twice"] = Twice
    try:
        with pytest.raises(ValueError, match="migrant_stock"):
            MigrationModel(**RUN)
    finally:
        del REGISTRY["twice"]


def test_every_phase_has_a_unique_name_and_its_component_declares_it():
    names = [p.name for p in PHASES]
    assert len(names) == len(set(names))
    for phase in PHASES:
        if phase.component is not None:
            assert phase.component.phase == phase.name


def test_the_readme_shows_the_phase_list_of_the_code():
    from model.docs import phase_list

    assert phase_list() in (ROOT / "README.md").read_text(), (
        "run python -m model.docs phases into the README's 'The step'")


def _modules() -> dict[str, Path]:
    out = {}
    for path in (ROOT / "model").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def test_no_import_cycle_between_the_models_modules():
    """Every import, at the top or inside a function, as an edge; no module reaches itself."""
    modules, graph = _modules(), nx.DiGraph()
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            graph.add_edges_from((name, t) for t in targets if t in modules and t != name)
    assert list(nx.simple_cycles(graph)) == []


def test_no_module_reads_another_objects_private_attributes():
    """`x._name` only on `self`/`cls` (a module's own objects)."""
    found = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                found.append(f"{name}:{node.lineno} .{node.attr}")
    assert found == []
