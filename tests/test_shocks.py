"""Shocks from a dated timeline: bad timelines fail early; a pandemic lowers employment and
remittances during its dates and the model recovers after; disasters and conflicts act at the
origins they hit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import MigrationModel
from model.config import ConfigError
from model.runner import to_config

RUN = dict(rng=5, end_year=2023, people_per_agent=5000.0, progress=False)
PANDEMIC = {"kind": "pandemic", "start": 2020.25, "end": 2021.25}


def run(shocks) -> MigrationModel:
    m = MigrationModel(shocks=shocks, **RUN)
    m.run()
    return m


@pytest.fixture(scope="module")
def baseline():
    return run([]).datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize("event, words", [
    ({"kind": "pandemic", "start": 2021.0, "end": 2020.5}, ["shocks.timeline[0]", "end = 2020.5",
                                                           "after start"]),
    ({"kind": "pandemic", "start": 2020.0, "end": 2021.0, "countries": ["USA", "XYZ"]},
     ["shocks.timeline[0].countries", "XYZ"]),
    ({"kind": "meteor", "start": 2020.0, "end": 2021.0}, ["kind", "meteor", "pandemic"]),
    ({"kind": "pandemic", "start": 2020.0, "end": 2021.0, "severity": 3}, ["unknown", "severity"]),
    ({"kind": "pandemic", "start": 2020.0, "end": 2021.0, "entry_multiplier": 2.0},
     ["entry_multiplier", "out of range"]),
])
def test_bad_timelines_fail_before_the_run(event, words):
    with pytest.raises(ConfigError) as err:
        MigrationModel(shocks=[event], **RUN)
    for word in words:
        assert word in str(err.value)


def test_the_covid_preset_composes(compose):
    cfg = to_config(compose(["shocks=covid_2020"]))
    assert cfg.shocks.timeline[0].kind == "pandemic"
    assert to_config(compose()).shocks.timeline == []


def test_pandemic_lowers_employment_and_remittances_then_recovers(baseline):
    m = run([PANDEMIC])
    ts = m.datacollector.get_model_vars_dataframe()
    before, during = ts["year"] < 2020.25, (ts["year"] >= 2020.25) & (ts["year"] < 2021.25)
    late = ts["year"] >= 2022.5
    pd.testing.assert_frame_equal(ts[before], baseline[before])  # same seeds, same past
    assert ts.loc[during, "employment_rate"].mean() < baseline.loc[during, "employment_rate"].mean() - 0.05
    # Earnings fall, so less is sent; informal channels close, so more of it goes formally.
    assert ts.loc[during, "remittances_sent_usd"].sum() < 0.97 * baseline.loc[
        during, "remittances_sent_usd"].sum()
    assert ts.loc[during, "formal_share"].mean() > baseline.loc[during, "formal_share"].mean()
    assert ts.loc[during, "inflows"].sum() < 0.5 * baseline.loc[during, "inflows"].sum()
    assert ts.loc[during, "stranded"].max() > 0 and ts.loc[late, "stranded"].max() == 0
    # Recovery: employment back within a point of the baseline.
    assert abs(ts.loc[late, "employment_rate"].mean()
               - baseline.loc[late, "employment_rate"].mean()) < 0.01


def test_disaster_raises_remittances_to_the_origin_hit(baseline):
    m = run([{"kind": "disaster", "start": 2020.0, "end": 2021.0, "countries": ["PHL"]}])
    base = run([])
    phl = list(m.countries.iso3).index("PHL")
    during = slice(4, 8)  # the four quarters of 2020
    got = np.sum(m.history["formal_received_by_origin"][during], axis=0)
    ref = np.sum(base.history["formal_received_by_origin"][during], axis=0)
    assert got[phl] > 1.1 * ref[phl]
    others = np.arange(len(got)) != phl
    np.testing.assert_allclose(got[others].sum(), ref[others].sum(), rtol=0.02)


def test_conflict_raises_departures_and_irregular_arrivals(baseline):
    m = run([{"kind": "conflict", "start": 2020.0, "end": 2021.0, "countries": ["SYR"],
              "emigration_multiplier": 10.0}])
    ts = m.datacollector.get_model_vars_dataframe()
    during = (ts["year"] >= 2020.0) & (ts["year"] < 2021.0)
    assert ts.loc[during, "inflows"].sum() > baseline.loc[during, "inflows"].sum()
    assert ts.loc[during, "arrivals_irregular"].sum() > 1.1 * baseline.loc[
        during, "arrivals_irregular"].sum()
    # From Syria itself, departures ten times as likely: several times the irregular arrivals
    # (the channels' shares move with the quotas filled).
    base = run([])
    syr = base.corridors.o == list(base.countries.iso3).index("SYR")
    quarters = slice(4, 8)  # 2020

    def from_syria(model) -> float:
        return float(np.sum(model.history["arrivals_irregular_corridor"][quarters], axis=0)[syr]
                     .sum())
    assert from_syria(m) > 5 * from_syria(base)


def test_summary_reports_recovery(tmp_path):
    from model.outputs import write_run

    m = run([PANDEMIC])
    summary = write_run(m, tmp_path)
    rec = summary["shocks"][0]["recovery"]
    assert rec["employment_rate"]["worst"] < rec["employment_rate"]["before"]
    assert rec["employment_rate"]["years_to_recover"] is not None
