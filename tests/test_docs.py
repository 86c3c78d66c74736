"""The README's reference tables are the code's own: regenerate them when settings change."""

from __future__ import annotations

from model.config import parameter_table
from model.docs import indicator_table
from tests.conftest import ROOT


def test_readme_parameter_and_indicator_tables_are_current():
    readme = (ROOT / "README.md").read_text()
    assert parameter_table() in readme, "run python -m model.docs parameters into the README"
    assert indicator_table() in readme, "run python -m model.docs indicators into the README"


def test_readme_quickstart_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = ci.strip().splitlines()[-1]
    assert test_command in readme


def test_readme_policy_table_is_current():
    from model.docs import policy_table

    assert policy_table() in (ROOT / "README.md").read_text()


def test_readme_figure_table_is_the_components_declarations():
    from model.catalogue import figures
    from model.docs import figure_table

    readme = (ROOT / "README.md").read_text()
    assert figure_table() in readme, "run python -m model.docs readme"
    # Every declared figure is in it, once, and no figure is listed that nothing declares.
    rows = figure_table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == [f.file for f in figures()]
