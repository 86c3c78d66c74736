"""The calibration and the out-of-sample validation: metrics on hand-made cases, the fitted
defaults, and the calibration command end to end on a small world with few trials."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import yaml

from model.calibration import (
    FIT_RANGES,
    Simulated,
    Window,
    ard,
    check_ranges,
    fitted_fields,
    naive_scores,
    priors,
    scores,
)
from model.params import FITTED_FILE, default_of, fitted_values
from tests.conftest import ROOT

# A small world for real runs in these tests: the default world at 50,000 people per agent.
SMALL = {"world": "default", "people_per_agent": 50000.0}


def _window(start, end, remittances=None) -> Window:
    k = len(start)
    return Window(start=2010, end=2015, stock_start=np.asarray(start, float),
                  stock_end=np.asarray(end, float),
                  remittances=np.asarray(remittances if remittances is not None
                                         else np.ones((1, 5)), float),
                  origin_region=np.array(["A"] * k), destination_region=np.array(["B"] * k),
                  countries=np.array(["X"]), corridors=np.array([f"c{i}" for i in range(k)]))


def test_ard_is_the_sum_of_absolute_errors_over_the_sum_of_observations():
    assert ard([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]) == pytest.approx(2.0 / 6.0)
    # Missing observations are left out of both sums.
    assert ard([1.0, 100.0], [2.0, np.nan]) == pytest.approx(0.5)
    # A scale of its own (the observed change) for changes.
    assert ard([3.0], [1.0], scale=[-4.0]) == pytest.approx(0.5)
    assert np.isnan(ard([1.0], [0.0]))


def test_the_scores_of_a_forecast_and_the_naive_ones_by_hand():
    # Two corridors: 100 -> 150 (+50) and 200 -> 180 (-20); 2005 stocks 50 and 220.
    obs = _window([100, 200], [150, 180], remittances=[[11.0, 12.0, 13.0, 14.0, 15.0]])
    sim = Simulated(np.array([140.0, 190.0]), np.array([[10.0, 12.0, 14.0, 16.0, 18.0]]))
    s = scores(sim, obs)
    # Changes: sim +40 and -10 against +50 and -20: (10 + 10) / 70.
    assert s["ard_change"] == pytest.approx(20.0 / 70.0)
    assert s["ard_stock"] == pytest.approx(20.0 / 330.0)
    assert s["ard_remit"] == pytest.approx((1 + 0 + 1 + 2 + 3) / 65.0)
    naive = naive_scores(obs, start_year_remittances=np.array([10.0]),
                         earlier_remittances=np.array([5.0]), earlier_stock=np.array([50.0, 220.0]))
    assert naive["unchanged"]["ard_change"] == pytest.approx(1.0)  # no change, by definition
    assert naive["unchanged"]["ard_remit"] == pytest.approx((1 + 2 + 3 + 4 + 5) / 65.0)
    # The trend: +50 and -20 a five years, continued: exactly the observed 2015 stocks.
    assert naive["trend"]["ard_change"] == pytest.approx(0.0)
    # Remittances 10 + 1 a year: 11..15, exactly the observed ones.
    assert naive["trend"]["ard_remit"] == pytest.approx(0.0)


def test_a_trial_without_a_feasible_start_is_pruned_and_a_feasible_one_scored():
    """Return hazards so high that replacing the returns would empty an origin cannot be
    calibrated: that trial is pruned (the study and the other workers go on)."""
    import optuna

    from model.calibration import evaluate, loss

    feasible = {k: float(np.clip(v, FIT_RANGES[k][0], FIT_RANGES[k][1]))
                for k, v in priors().items()}
    trial = optuna.trial.FixedTrial(feasible)
    value = evaluate(trial, [1], SMALL)
    assert value == pytest.approx(loss(feasible, [1], SMALL)["loss"], rel=1e-12)
    assert trial.user_attrs["loss"] == value
    infeasible = {**feasible, "returns.return_rate_new": 1.5, "returns.return_decay_years": 10.0,
                  "returns.return_rate_settled": 0.08}
    with pytest.raises(optuna.TrialPruned, match="exceed 50%"):
        evaluate(optuna.trial.FixedTrial(infeasible), [1], SMALL)


def test_the_retention_penalty_by_hand():
    from model.calibration import penalty, retention

    # No returns: everyone stays; 5 x (1.0 - 0.8) = 1.0.
    none = {"returns.return_rate_settled": 0.0, "returns.return_rate_new": 0.0,
            "returns.return_decay_years": 3.0}
    assert retention(none) == pytest.approx(1.0)
    assert penalty(none) == pytest.approx(1.0)
    # A constant hazard of 0.1 a year: exp(-0.5) = 0.607 stays, inside 50-80%.
    flat = {**none, "returns.return_rate_settled": 0.1}
    assert retention(flat) == pytest.approx(np.exp(-0.5))
    assert penalty(flat) == 0.0
    # Newcomers' extra hazard 0.2 fading over 2 years: 0.2 x 2 x (1 - exp(-2.5)) more.
    new = {**none, "returns.return_rate_new": 0.2, "returns.return_decay_years": 2.0}
    assert retention(new) == pytest.approx(np.exp(-0.4 * (1 - np.exp(-2.5))))


def test_every_fitted_setting_has_a_search_range_inside_its_declared_range():
    check_ranges()
    assert len(FIT_RANGES) >= 10
    groups = {key.split(".")[0] for key in FIT_RANGES}
    assert groups == {"emigration", "remittances", "returns", "labour"}


def test_the_defaults_are_the_fitted_values_and_the_priors_are_kept():
    values = fitted_values(FITTED_FILE)
    fields = fitted_fields()
    for key, f in fields.items():
        if key in values:
            assert default_of(f) == pytest.approx(values[key]), key
            assert "fitted by python -m model.calibration" in f.metadata["source"]
        else:
            assert default_of(f) == f.metadata["prior"]
    assert priors()["emigration.income_elasticity"] == 0.6  # Ortega and Peri (2013)


def test_a_fitted_file_of_our_own_gives_its_values(tmp_path):
    path = tmp_path / "fitted.yaml"
    path.write_text(yaml.safe_dump({"values": {"emigration.income_elasticity": 0.9}}))
    assert fitted_values(path) == {"emigration.income_elasticity": 0.9}
    assert fitted_values(tmp_path / "none.yaml") == {}


@pytest.mark.slow
def test_the_calibration_command_fits_resumes_and_exports(tmp_path):
    """Three trials on the default world at 50,000 people per agent, resumed to four by a
    second process on the same SQLite study, then exported."""
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    common = ["--storage", storage, "--study", "t", "--world", "default",
              "--people-per-agent", "50000"]

    def command(*args):
        return subprocess.run([sys.executable, "-m", "model.calibration", *args, *common],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)

    first = command("fit", "--trials", "3", "--seeds", "1", "--sampler-seed", "0")
    assert first.returncode == 0, first.stderr
    assert "3 trials" in first.stdout
    second = command("fit", "--trials", "4", "--seeds", "1")
    assert second.returncode == 0, second.stderr
    assert "4 trials" in second.stdout

    import optuna

    study = optuna.load_study(study_name="t", storage=storage)
    assert len(study.trials) == 4
    # The first trial is the priors (clipped to the search ranges).
    first_trial = study.trials[0]
    for key, value in priors().items():
        low, high, _ = FIT_RANGES[key]
        assert first_trial.params[key] == pytest.approx(np.clip(value, low, high))
    for t in study.trials:
        if t.state == optuna.trial.TrialState.PRUNED:  # settings with no feasible start
            assert "exceed 50%" in t.user_attrs["pruned_because"]
            continue
        assert t.value == pytest.approx(t.user_attrs["ard_change"] + t.user_attrs["ard_remit"]
                                        + t.user_attrs["penalty"])

    out = tmp_path / "fitted.yaml"
    done = command("export", "--seeds", "1,2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    doc = yaml.safe_load(out.read_text())
    best = min(study.trials, key=lambda t: t.value)
    assert doc["found"] == {k: pytest.approx(best.params[k], abs=1e-6) for k in FIT_RANGES}
    # The defaults are the identified values; the others keep their priors.
    ident = doc["identification"]
    assert set(ident) == set(FIT_RANGES)
    assert doc["values"] == {k: doc["found"][k] for k in FIT_RANGES if ident[k]["identified"]}
    for key, row in ident.items():
        assert row["identified"] == (row["loss_change_at_prior"] > 2 * row["standard_error"]
                                     and row["loss_change_at_prior"] > 0)
    assert doc["loss"]["seeds"] == [1, 2]
    assert doc["study"]["trials"] == 4
    for key, spread in doc["spread"].items():
        assert spread["min"] <= spread["best"] <= spread["max"]
    assert doc["loss"]["naive_unchanged"]["ard_change"] == pytest.approx(1.0)
    # An existing fitted file is never overwritten without --overwrite.
    again = command("export", "--seeds", "1", "--out", str(out))
    assert again.returncode != 0 and "--overwrite" in again.stderr
    assert yaml.safe_load(out.read_text()) == doc


def test_the_validation_tables_by_hand():
    """Three corridors, two regions: the headline ARDs, the 100 largest (all three here) and
    the breakdown by region and by size, against numbers computed by hand."""
    from model.validation import breakdown, metrics

    obs = _window([100.0, 2000.0, 50_000.0], [150.0, 1800.0, 60_000.0],
                  remittances=[[10.0, 10.0, 10.0, 10.0]])
    obs.destination_region = np.array(["A", "A", "B"])
    f = {"obs": obs,
         "model": Simulated(np.array([140.0, 1900.0, 58_000.0]), np.full((1, 4), 11.0)),
         "unchanged": Simulated(obs.stock_start.copy(), np.full((1, 4), 10.0)),
         "trend": Simulated(np.array([200.0, 1600.0, 70_000.0]), np.full((1, 4), 12.0))}
    head = metrics(f).set_index("forecast")
    total = 150.0 + 1800.0 + 60_000.0
    assert head.at["model", "ard_stock_2020_all"] == pytest.approx((10 + 100 + 2000) / total)
    assert head.at["model", "ard_stock_2020_top100"] == head.at["model", "ard_stock_2020_all"]
    # Changes: observed +50, -200, +10,000; model +40, -100, +8,000.
    assert head.at["model", "ard_change_2015_2020"] == pytest.approx((10 + 100 + 2000) / 10_250)
    assert head.at["unchanged", "ard_change_2015_2020"] == pytest.approx(1.0)
    assert head.at["model", "ard_remittances_2016_2019"] == pytest.approx(0.1)
    assert head.at["trend", "ard_remittances_2016_2019"] == pytest.approx(0.2)
    assert head.at["model", "stock_2020_total_m"] == pytest.approx(0.06004)
    assert head.at["observed", "stock_2020_total_m"] == pytest.approx(total / 1e6)
    ordered = breakdown(f, "destination_region")
    assert list(ordered["group"]) == ["B", "A"]  # the larger stock first
    region = ordered.set_index("group")
    assert region.at["A", "corridors"] == 2
    assert region.at["A", "ard_change_model"] == pytest.approx((10 + 100) / 250)
    assert region.at["B", "ard_change_trend"] == pytest.approx(1.0)  # +20,000 for +10,000
    size = breakdown(f, "size").set_index("group")
    assert list(size.index) == ["<1k", "1k-10k", "10k-100k"]
    assert size.at["1k-10k", "ard_stock_unchanged"] == pytest.approx(200 / 1800)
    from model.validation import largest_errors

    worst = largest_errors(f, n=2)
    assert list(worst["corridor"]) == ["c2", "c1"]
    assert worst["model_2020_k"].tolist() == pytest.approx([58.0, 1.9])
    assert worst["observed_2020_k"].tolist() == pytest.approx([60.0, 1.8])
    assert worst["stock_2015_k"].tolist() == pytest.approx([50.0, 2.0])
    assert worst["share_of_model_error"].tolist() == pytest.approx([2000 / 2110, 100 / 2110])



def test_simulate_reads_the_stock_five_years_on_and_each_calendar_years_receipts():
    """A run 2010-2011 at quarterly steps: the 'end' stock is the one after 4 steps (a year
    after the start, which holds the mid-2010 estimate) and the 2011 receipts are the formal
    receipts of steps 5-8, recounted here from a model stepped by hand with the same seed."""
    from model.calibration import FIT_SETTINGS, simulate
    from model.model import MigrationModel

    values = priors()
    sim = simulate(values, seed=4, start=2010, end=2011, settings=SMALL)
    kw = {**FIT_SETTINGS, **SMALL, "start_year": 2010, "end_year": 2011}
    kw.update({k.split(".")[1]: v for k, v in values.items()})
    m = MigrationModel(rng=4, **kw)
    received = []
    for step in range(8):
        m.step()
        received.append(np.bincount(m.corridors.o, m.flows["formal_received"],
                                    len(m.countries.iso3)))
        if step == 3:
            stock_after_a_year = m.stock_now.copy()
    np.testing.assert_allclose(sim.stock_end, stock_after_a_year, rtol=1e-12)
    assert sim.remittances.shape == (len(m.countries.iso3), 1)
    np.testing.assert_allclose(sim.remittances[:, 0], np.sum(received[4:8], axis=0), rtol=1e-9)


def test_identification_is_the_paired_loss_change_at_the_prior():
    """On a small world and two seeds: each row's loss change is the seed-by-seed difference of
    the loss with that setting at its prior and at the values found (recomputed here for one
    setting), and its rule is 'worse by more than twice the standard error'."""
    from model.calibration import identification, loss

    found = {k: (low + high) / 2 for k, (low, high, _) in FIT_RANGES.items()}
    table = identification(found, [1, 2], SMALL)
    key = "returns.return_rate_settled"
    base = np.asarray(loss(found, [1, 2], SMALL)["loss_per_seed"])
    alt = np.asarray(loss({**found, key: priors()[key]}, [1, 2], SMALL)["loss_per_seed"])
    diff = alt - base
    assert table[key]["loss_change_at_prior"] == pytest.approx(diff.mean(), abs=1e-5)
    assert table[key]["standard_error"] == pytest.approx(diff.std(ddof=1) / np.sqrt(2), abs=1e-5)
    for row in table.values():
        assert row["identified"] == (row["loss_change_at_prior"] > 2 * row["standard_error"]
                                     and row["loss_change_at_prior"] > 0)
    # The loss is the mean of the per-seed losses, each ARD_change + ARD_remit + penalty.
    result = loss(found, [1, 2], SMALL)
    assert result["loss"] == pytest.approx(np.mean(result["loss_per_seed"]), rel=1e-12)
    assert result["loss"] == pytest.approx(result["ard_change"] + result["ard_remit"]
                                           + result["penalty"], rel=1e-12)
