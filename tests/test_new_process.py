"""A new process is one module and one line in the phase list (issue 21).

In a copy of the project, a test process (naturalisation of migrants long abroad) is added as
one module in `model/processes/` and one line in `model.catalogue.PHASES`, nothing else. It
declares a settings section, a lever set from the world's data, a per-migrant field, a flow,
an indicator, a per-step series and a run figure. The copy must then validate and refuse a bad
value of the new setting, run (with the new process acting at the size a hand computation
gives), draw the figure, and list the new setting, indicator, phase and figure in the
generated docs and the setting in the sensitivity analysis. A component that declares a
settings section without its dataclass is refused before any run, naming it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

PROCESS = '''"""Naturalisation (a test process): migrants abroad for `naturalisation_years` or more
become citizens of their destination at `citizenship_rate` a year, times the destination's
openness (1 in high-income destinations, 0.5 elsewhere: a lever set from the world's data)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.components import (
    Component, Field, Flow, Indicator, Lever, RunFigure, Series, StepEvents, ratio)
from model.params import param
from model.population import ABROAD


@dataclass
class NaturalisationConfig:
    """Naturalisation (process `naturalisation`)."""

    citizenship_rate: float = param(0.2, "per year", 0.0, 1.0, label="naturalisation hazard",
                                       source="test value")
    naturalisation_years: float = param(5.0, "years", 0.0, 30.0,
                                        label="years abroad before naturalisation",
                                        source="test value")


def _openness(model) -> np.ndarray:
    return np.where(model.countries.high_income, 1.0, 0.5)


def _naturalised(model) -> np.ndarray:
    pop = model.migrants
    return np.bincount(pop.corridor, pop.weight * (pop.naturalised & (pop.status == ABROAD)),
                       len(model.corridors.o))


def _share(model) -> float:
    return ratio(float(_naturalised(model).sum()), float(model.stock_now.sum()))


def plot_naturalisation(data, path):
    """The naturalised share of migrants abroad over time."""
    if data.ts is None or "naturalised_share" not in data.ts:
        return None
    from matplotlib.figure import Figure

    from model.figures import save
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    ax.plot(data.ts["year"], 100 * data.ts["naturalised_share"])
    ax.set_ylabel("Naturalised, % of migrants abroad")
    return save(fig, path)


class Naturalisation(Component):
    """Migrants long abroad naturalise (module docstring)."""

    name = "naturalisation"
    label = "naturalisation"
    phase = "naturalisation"
    config_key = "naturalisation"
    config_class = NaturalisationConfig
    levers = (Lever("countries", "naturalisation_openness", "factor on the naturalisation "
                    "hazard in a destination", _openness),)
    fields = (Field("naturalised", bool, "citizen of the destination"),)
    flows = (Flow("naturalisations", "people", "migrants who naturalised", per_corridor=True),)
    indicators = (Indicator("naturalised_share", "share", "migrants abroad who are citizens "
                            "of their destination", _share),)
    series = (Series("naturalised_corridor", "people", "naturalised migrants abroad, by "
                     "corridor", _naturalised),)
    figures = (RunFigure("naturalisation.png", "the naturalised share of migrants abroad",
                         "model.processes.naturalisation:plot_naturalisation"),)

    def run(self, model, events: StepEvents) -> None:
        pop, cfg = model.migrants, model.cfg.naturalisation
        rows = np.flatnonzero((pop.status == ABROAD) & ~pop.naturalised
                              & (model.now() - pop.arrived >= cfg.naturalisation_years))
        openness = model.countries.naturalisation_openness[model.corridors.d[pop.corridor[rows]]]
        p = -np.expm1(-cfg.citizenship_rate * openness * model.dt)
        new = rows[model.streams["naturalisation"].random(len(rows)) < p]
        pop.naturalised[new] = True
        model.flows["naturalisations"] += model.count_people(new)
'''

PHASE_LINE = ('    Phase("naturalisation", "model.processes.naturalisation:Naturalisation", '
              '"migrants long abroad naturalise"),\n')

# Run inside the copy: the first step's naturalisations against the hand computation (the
# people eligible at the start, times 1 - exp(-rate x openness x dt)), and the series kept.
CHECK_RUN = '''
import json
import numpy as np
from model.model import MigrationModel
from model.population import ABROAD
m = MigrationModel(end_year=2019, citizenship_rate=0.4, progress=False, figures=False)
pop, k, c = m.migrants, m.corridors, m.countries
eligible = (pop.status == ABROAD) & (m.start_year - pop.arrived >= 5.0)
openness = np.where(c.high_income, 1.0, 0.5)[k.d[pop.corridor]]
expected = float((pop.weight * eligible * -np.expm1(-0.4 * openness * m.dt)).sum())
m.step()
print(json.dumps({"expected": expected, "flow": float(m.flows["naturalisations"].sum()),
                  "series": float(m.history["naturalised_corridor"][-1].sum()),
                  "share": m.indicator_values["naturalised_share"],
                  "stock": float(m.stock_now.sum())}))
'''


def _copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("model", "conf", "scenarios"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("run.py", "README.md", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    return dest


def _add_phase(tree: Path, line: str) -> None:
    catalogue = tree / "model" / "catalogue.py"
    text = catalogue.read_text()
    anchor = '    Phase("emigration",'
    assert text.count(anchor) == 1
    catalogue.write_text(text.replace(anchor, line + anchor))


def _python(tree: Path, *args: str) -> subprocess.CompletedProcess:
    # The copy's own `model` package: the working directory comes first on sys.path.
    env = {**os.environ, "PYTHONPATH": str(tree), "HYDRA_FULL_ERROR": "0"}
    return subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    tree = _copy_project(tmp_path_factory.mktemp("plugin"))
    (tree / "model" / "processes" / "naturalisation.py").write_text(PROCESS)
    _add_phase(tree, PHASE_LINE)
    return tree


def test_the_copy_runs_its_own_model_package(tree):
    out = _python(tree, "-c", "import model; print(model.__file__)")
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve().is_relative_to(tree.resolve())


def test_the_new_process_validates_and_its_setting_is_checked(tree):
    ok = _python(tree, "run.py", "validate=true", "naturalisation.citizenship_rate=0.3")
    assert ok.returncode == 0, ok.stderr
    assert "naturalisation" in ok.stdout  # the processes that would run, in phase order
    bad = _python(tree, "run.py", "validate=true", "naturalisation.citizenship_rate=3")
    assert bad.returncode == 2
    assert "naturalisation.citizenship_rate" in bad.stderr and "0.0 to 1.0" in bad.stderr


def test_the_new_process_acts_at_the_size_a_hand_computation_gives(tree):
    out = _python(tree, "-c", CHECK_RUN)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    # The hand computation counts the people eligible at the start; the step's returns (a
    # few % a year of them) leave before the phase: 5% covers both and the draws.
    assert got["expected"] > 1e6
    assert got["flow"] == pytest.approx(got["expected"], rel=0.05)
    assert got["series"] == pytest.approx(got["flow"], rel=1e-6)  # nobody naturalised before
    assert got["share"] == pytest.approx(got["series"] / got["stock"], rel=1e-9)


def test_the_new_process_runs_from_the_command_line_with_its_figure(tree):
    out = _python(tree, "run.py", "end_year=2019", "hydra.run.dir=out/run", "tables=none")
    assert out.returncode == 0, out.stderr
    run = tree / "out" / "run"
    header = (run / "timeseries.csv").read_text().splitlines()[0].split(",")
    assert "naturalised_share" in header
    assert (run / "figures" / "naturalisation.png").stat().st_size > 5000


def test_the_new_process_appears_in_the_docs_and_the_sensitivity_groups(tree):
    out = _python(tree, "-m", "model.docs", "readme")
    assert out.returncode == 0, out.stderr
    readme = (tree / "README.md").read_text()
    for text in ("`naturalisation.citizenship_rate`", "`naturalised_share`",
                 "`naturalisation` (Naturalisation)", "naturalisation.png"):
        assert text in readme, text
    out = _python(tree, "-c", "from model.sensitivity import behavioural_parameters; "
                  "print(sorted(behavioural_parameters()))")
    assert out.returncode == 0, out.stderr
    assert "naturalisation.citizenship_rate" in out.stdout
    assert "naturalisation.naturalisation_years" in out.stdout


def test_a_component_with_a_section_but_no_settings_is_refused_naming_it(tmp_path):
    tree = _copy_project(tmp_path)
    broken = PROCESS.replace("    config_class = NaturalisationConfig\n", "")
    (tree / "model" / "processes" / "naturalisation.py").write_text(broken)
    _add_phase(tree, PHASE_LINE)
    out = _python(tree, "run.py", "validate=true")
    assert out.returncode != 0
    assert "Naturalisation" in out.stderr and "config_class" in out.stderr
