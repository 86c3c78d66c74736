"""The validation report (model.validation): the forced-displacement tables on a toy frame by
hand, the economic scoring of the backtest against a whole-stock run, and the report written
whole with every section by one command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.calibration import Simulated, Window
from model.validation import displacement

# A small world for real runs: the default world at 50,000 people per agent.
SMALL = {"world": "default", "people_per_agent": 50000.0}


def _toy() -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """UNHCR-like counts of two origins in four hosts (2010, 2015, 2020) and two runs."""
    rows = [(2010, "X", "A", 100), (2010, "X", "B", 50), (2010, "X", "E", 100),
            (2015, "X", "A", 200), (2015, "X", "B", 50), (2015, "X", "E", 30),
            (2015, "Y", "C", 10),
            (2020, "X", "A", 300), (2020, "X", "B", 20), (2020, "X", "E", 0),
            (2020, "Y", "C", 80)]
    obs = pd.DataFrame(rows, columns=["year", "origin", "destination", "people"])
    sims = [pd.DataFrame({"origin": ["X", "X", "Y", "Y"], "destination": ["A", "B", "C", "D"],
                          "people": people})
            for people in ([250.0, 40.0, 30.0, 10.0], [270.0, 20.0, 50.0, 0.0])]
    return sims, obs


def test_the_displacement_tables_by_hand():
    """ARD by host and by origin of the model (mean of two runs) and of the naive forecasts,
    per seed, the totals and the share in low- and middle-income hosts, against sums done by
    hand; the trend is floored at 0 (host E: 2 x 30 - 100 < 0)."""
    sims, obs = _toy()
    result = displacement.scores(sims, obs, lmic={"B", "C"})
    hosts = result["destination"]
    # Model by host: A 260, B 30, C 40, D 5 (a host UNHCR does not list counts as 0 observed).
    assert hosts.loc[["A", "B", "C", "D", "E"], "model"].tolist() == pytest.approx(
        [260, 30, 40, 5, 0])
    assert hosts.loc[["A", "B", "C", "E"], "trend 2010-2015"].tolist() == pytest.approx(
        [300, 50, 20, 0])
    assert list(hosts.index[:2]) == ["A", "C"]  # the largest observed first
    # Observed 2020 by host: A 300, B 20, C 80, E 0 (sum 400).
    ard = result["ard"]
    assert ard["destination"]["model"] == pytest.approx((40 + 10 + 40 + 5) / 400)
    assert ard["destination"]["hold 2015"] == pytest.approx((100 + 30 + 70 + 30) / 400)
    assert ard["destination"]["trend 2010-2015"] == pytest.approx((0 + 30 + 60 + 0) / 400)
    # By origin: observed X 320, Y 80; model X 290, Y 45; 2015 X 280, Y 10; 2010 X 250.
    assert ard["origin"]["model"] == pytest.approx((30 + 35) / 400)
    assert ard["origin"]["hold 2015"] == pytest.approx((40 + 70) / 400)
    assert ard["origin"]["trend 2010-2015"] == pytest.approx((10 + 60) / 400)
    # Per seed by host: (50 + 20 + 50 + 10) / 400 and (30 + 0 + 30 + 0) / 400.
    assert result["per_seed"]["destination"] == pytest.approx([130 / 400, 60 / 400])
    assert result["total"] == pytest.approx(
        {"model": 335, "hold 2015": 290, "trend 2010-2015": 370, "observed": 400})
    assert result["lmic"] == pytest.approx(
        {"model": 70 / 335, "hold 2015": 60 / 290, "trend 2010-2015": 70 / 370,
         "observed": 100 / 400})


def test_the_displacement_section_reports_those_numbers(tmp_path):
    sims, obs = _toy()
    result = {**displacement.scores(sims, obs, lmic={"B", "C"}), "seeds": [1, 2]}
    text = displacement.markdown(result)
    assert text.startswith("## Forced displacement")
    assert "| hold 2015 | 0.575 | 0.275 |" in text
    assert "| trend 2010-2015 | 0.225 | 0.175 |" in text
    assert "| observed | | | 0.00 | 25.0% |" in text
    # Errors by host: B +10, D +5, E 0, A -40, C -40 (people; millions shown).
    assert "Too many in B 0.00 M against 0.00 M, D 0.00 M against 0.00 M, E " in text
    assert displacement.figure(result, tmp_path).stat().st_size > 0


def test_the_backtest_scores_the_economic_part_of_the_model_stock():
    """Seed for seed, the economic stock plus the protected is the whole stock that the
    calibration's `simulate` reads, and the receipts are the same: an economic world adds no
    observed flight, so only a timeline's conflict puts people in a protected status."""
    from model.calibration import simulate
    from model.validation import fitted_values, simulate_economic

    values = fitted_values()
    conflict = {**SMALL, "shocks": [{"kind": "conflict", "start": 2015.0, "end": 2016.0,
                                     "countries": ["SYR"], "flight_per_year": 1e6}]}
    _, none = simulate_economic(values, seed=5, start=2015, end=2016, settings=SMALL)
    assert none.sum() == 0
    economic, protected = simulate_economic(values, seed=5, start=2015, end=2016,
                                            settings=conflict)
    whole = simulate(values, seed=5, start=2015, end=2016, settings=conflict)
    np.testing.assert_allclose(economic.stock_end + protected, whole.stock_end, rtol=1e-12)
    np.testing.assert_allclose(economic.remittances, whole.remittances, rtol=1e-12)
    assert protected.sum() > 0 and (protected >= 0).all()
    assert (economic.stock_end >= -1e-6).all()


def _toy_report_inputs():
    """A three-corridor backtest, a covid table and the toy displacement result."""
    obs = Window(start=2015, end=2020, stock_start=np.array([100.0, 2000.0, 50_000.0]),
                 stock_end=np.array([150.0, 1800.0, 60_000.0]),
                 remittances=np.full((1, 4), 10.0), origin_region=np.array(["A"] * 3),
                 destination_region=np.array(["A", "A", "B"]), countries=np.array(["X"]),
                 corridors=np.array(["c0", "c1", "c2"]))
    f = {"obs": obs,
         "model": Simulated(np.array([140.0, 1900.0, 58_000.0]), np.full((1, 4), 11.0)),
         "unchanged": Simulated(obs.stock_start.copy(), np.full((1, 4), 10.0)),
         "trend": Simulated(np.array([200.0, 1600.0, 70_000.0]), np.full((1, 4), 12.0)),
         "per_seed": [{"ard_stock": 0.5}], "protected": np.array([0.0, 100.0, 2000.0])}
    from model.validation.covid import COVID_REGIONS

    index = ["remittances_lmic_pct", *COVID_REGIONS, "stock_growth", "stock_growth_lost_pct"]
    covid = pd.DataFrame({"baseline": 1.0, "covid_2020": -1.0, "record": 0.0}, index=index)
    sims, displaced = _toy()
    result = {**displacement.scores(sims, displaced, lmic={"B"}), "seeds": [1]}
    return f, covid, result


def test_one_command_writes_every_section(tmp_path, monkeypatch):
    """write_report (what `python -m model.validation` runs) writes the backtest, covid_2020 and
    the forced-displacement section into one validation.md, with the displacement tables and
    figure."""
    from model.validation import report

    f, covid, result = _toy_report_inputs()
    monkeypatch.setattr(report, "forecasts", lambda seeds, settings=None: f)
    monkeypatch.setattr(report, "covid_comparison", lambda seeds: covid)
    monkeypatch.setattr(report.displacement, "run", lambda seeds, settings=None: result)
    path = report.write_report([1], storage=f"sqlite:///{tmp_path / 'none.db'}",
                               docs=tmp_path)
    text = path.read_text()
    for heading in ("# Validation: fitted on 2010->2015", "## Headline",
                    "## covid_2020 against the record", "## Where it falls short, and why",
                    "## Forced displacement: 2015 start against UNHCR's mid-2020 counts"):
        assert text.count(heading) == 1, heading
    assert text.index("## Where it falls short") < text.index("## Forced displacement")
    for name in ("displacement_by_host.csv", "displacement_by_origin.csv",
                 "displacement_2020.png", "metrics.csv"):
        assert (tmp_path / "validation" / name).exists(), name
    hosts = pd.read_csv(tmp_path / "validation" / "displacement_by_host.csv", index_col=0)
    assert hosts.at["A", "model"] == pytest.approx(260)
