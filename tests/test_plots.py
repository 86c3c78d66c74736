"""Tests for model.plots: the PNG figures of a run folder, drawn from the components'
declarations (`RunFigure`).

Each test writes its own tiny run folder (4 countries, 6 quarterly steps) to tmp_path,
so nothing depends on a real run and no shared file is modified.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from model.plots import make_figures
from model.plots.common import annual_sum, trim

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ALL_FIGURES = {
    "stocks_by_region.png",
    "remittances_top_recipients.png",
    "sdg_indicators.png",
    "brain_waste.png",
    "corridor_network.png",
    "calibration.png",
    "flows.png",
}
COUNTRIES = ["MEX", "USA", "IND", "ARE"]
CORRIDORS = [("MEX", "USA", 11e6), ("IND", "USA", 2.7e6), ("IND", "ARE", 2.9e6),
             ("MEX", "ARE", 1e3)]
STEPS = 6  # 2019.00 .. 2020.25: one full year and a partial one


def _timeseries() -> pd.DataFrame:
    """One row per quarterly step with every timeseries.csv column."""
    rows = []
    for step in range(1, STEPS + 1):
        k = step - 1
        rows.append({
            "step": step, "year": 2019 + 0.25 * k,
            "migrant_stock": 20e6 + 1e5 * k, "migrant_stock_high_skill": 5e6,
            "inflows": 200_000 + 1_000 * k, "returns": 150_000, "stranded": 1_000 * k,
            "irregular_share": 0.2, "employment_rate": 0.9 - 0.01 * k,
            "brain_waste_rate": 0.37 + 0.002 * k, "migrant_earnings_usd_month": 2400,
            "remittances_sent_usd": 2e10, "remittances_received_usd": 1.9e10,
            "remittances_formal_usd": 1.3e10, "remittance_fees_usd": 1e9,
            "formal_share": 0.7, "remittance_price_pct": 6.8 - 0.1 * k,
            "remittance_price_weighted_pct": 5.3, "recruitment_cost_months": 3.4 + 0.05 * k,
            "remittances_pct_gdp": 1.25 + 0.01 * k, "returnees": 1e6,
            "reintegration_rate": 0.65, "migrant_agents": 1000,
            "stock_in_north_america": 13.7e6 + 5e4 * k,
            "stock_in_middle_east_north_africa_afghanistan_pakistan": 2.9e6,
            "stock_in_south_asia": 4.5e6,
        })
    return pd.DataFrame(rows)


def _country_timeseries() -> pd.DataFrame:
    """Long table: one row per step and country."""
    immigrants = {"MEX": 1e6, "USA": 50e6, "IND": 4.5e6, "ARE": 8e6}
    remittances = {"MEX": 9.8e9, "USA": 2e7, "IND": 2.0e10, "ARE": 0.0}
    return pd.DataFrame([
        {"step": step, "year": 2019 + 0.25 * (step - 1), "iso3": iso3, "emigrants": 1e6,
         "immigrants": immigrants[iso3], "remittances_formal_usd": remittances[iso3]}
        for step in range(1, STEPS + 1) for iso3 in COUNTRIES])


def _corridors() -> pd.DataFrame:
    """Per-corridor table with every corridors.csv column."""
    return pd.DataFrame([
        {"origin": o, "destination": d, "stock_start": s, "stock_end": s * 1.05,
         "arrivals": s * 0.05, "arrivals_irregular": s * 0.01, "returns": s * 0.02,
         "remittances_sent_usd": s * 3000, "remittances_received_usd": s * 2800,
         "remittance_fees_usd": s * 200, "remittances_formal_last_year_usd": s * 2000,
         "remittance_price_pct": 5.5, "high_skill_share_end": 0.3,
         "irregular_share_end": 0.2, "employment_rate_end": 0.9}
        for o, d, s in CORRIDORS])


def _calibration() -> pd.DataFrame:
    """Calibration table: two countries, two corridors, one aggregate and one scalar."""
    src_r, src_s = "World Bank WDI, 2019", "UN DESA 2024, mid-2020"
    return pd.DataFrame([
        ("remittances_received_usd", "IND", 8.27e10, 8.33e10, src_r),
        ("remittances_received_usd", "MEX", 3.94e10, 3.98e10, src_r),
        ("corridor_stock_2020", "MEX->USA", 1.10e7, 1.12e7, src_s),
        ("corridor_stock_2020", "IND->ARE", 2.78e6, 2.86e6, src_s),
        ("corridor_stock_2020", "all corridors", 1.6e8, 1.61e8, src_s),
        ("remittance_price_pct", "average over corridors (SDG 10.c.1)", 6.8, 7.07, "RPW"),
    ], columns=["quantity", "item", "simulated", "data", "source"]).assign(
        ratio=lambda f: f["simulated"] / f["data"])


def _write_run(run_dir: Path, calibration: bool = True) -> Path:
    """Write a complete small run folder and return it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    _timeseries().to_csv(run_dir / "timeseries.csv", index=False)
    _country_timeseries().to_csv(run_dir / "country_timeseries.csv", index=False)
    _corridors().to_csv(run_dir / "corridors.csv", index=False)
    if calibration:
        _calibration().to_csv(run_dir / "calibration.csv", index=False)
    (run_dir / "summary.json").write_text(json.dumps({
        "world": "test", "seed": 7, "start_year": 2019, "end_year": 2020,
        "headline": {"migrant_stock_end": 20.5e6}}))
    return run_dir


def _assert_png(path: Path) -> None:
    """A real, non-trivial PNG image."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path
    assert len(data) > 10_000, f"{path.name} suspiciously small ({len(data)} bytes)"
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 300 and image.shape[1] > 500
    # Not a blank canvas: a plot has many pixels that are not white.
    assert (image[..., :3] < 0.9).any(axis=-1).mean() > 0.01, f"{path.name} looks blank"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return _write_run(tmp_path / "run")


def test_all_figures_written_as_valid_pngs(run_dir: Path) -> None:
    paths = make_figures(run_dir)
    assert {p.name for p in paths} == ALL_FIGURES
    assert all(p.parent == run_dir / "figures" for p in paths)
    on_disk = {p.name for p in (run_dir / "figures").glob("*.png")}
    assert on_disk == ALL_FIGURES
    for path in paths:
        _assert_png(path)


def test_figures_are_byte_identical_across_calls(run_dir: Path, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in make_figures(run_dir)}
    # A second folder with the same inputs: also rules out reading the old figures back.
    other = _write_run(tmp_path / "again")
    second = {p.name: p.read_bytes() for p in make_figures(other)}
    third = {p.name: p.read_bytes() for p in make_figures(run_dir)}
    assert first.keys() == second.keys() == third.keys() == ALL_FIGURES
    for name in first:
        assert first[name] == second[name] == third[name], f"{name} differs between calls"


def test_png_has_no_timestamp_or_software_metadata(run_dir: Path) -> None:
    for path in make_figures(run_dir):
        raw = path.read_bytes()
        assert b"matplotlib" not in raw.lower(), path.name
        assert b"tIME" not in raw, path.name


def test_missing_calibration_skips_only_that_figure(tmp_path: Path) -> None:
    run_dir = _write_run(tmp_path / "run", calibration=False)
    paths = make_figures(run_dir)
    assert {p.name for p in paths} == ALL_FIGURES - {"calibration.png"}
    assert not (run_dir / "figures" / "calibration.png").exists()
    for path in paths:
        _assert_png(path)


def test_calibration_without_known_quantity_is_skipped(run_dir: Path) -> None:
    calib = _calibration()
    calib = calib[calib["quantity"] == "remittance_price_pct"]
    calib.to_csv(run_dir / "calibration.csv", index=False)
    names = {p.name for p in make_figures(run_dir)}
    assert "calibration.png" not in names
    assert "flows.png" in names


def test_empty_or_headless_inputs_do_not_raise(run_dir: Path) -> None:
    (run_dir / "calibration.csv").write_text("quantity,item,simulated,data,ratio,source\n")
    (run_dir / "corridors.csv").write_text("")
    (run_dir / "summary.json").unlink()
    names = {p.name for p in make_figures(run_dir)}
    assert names == ALL_FIGURES - {"calibration.png", "corridor_network.png"}


def test_empty_run_folder_writes_nothing(tmp_path: Path) -> None:
    assert make_figures(tmp_path) == []
    assert (tmp_path / "figures").is_dir()
    assert list((tmp_path / "figures").iterdir()) == []


# --------------------------------------------------------------------------- declarations

def _draw_steps(data, path: Path) -> Path | None:
    """A figure a test component declares: the number of steps of the run, as a bar."""
    from matplotlib.figure import Figure

    from model.figures import save

    if data.ts is None:
        return None
    fig = Figure(figsize=(6, 4))
    fig.add_subplot().bar([0], [len(data.ts)])
    return save(fig, path)


def test_every_figure_is_declared_once_by_the_component_owning_its_data() -> None:
    from model.catalogue import figures
    from model.facility import FinancingFacility
    from model.partnerships import Agreements
    from model.processes.labour import Labour
    from model.shocks import Shocks

    declared = {f.file: f for f in figures()}
    assert ALL_FIGURES | {"shock_recovery.png", "facility.png", "partnerships.png",
                          "displacement.png"} == set(declared)
    owners = {Labour: "brain_waste.png", Shocks: "shock_recovery.png",
              FinancingFacility: "facility.png", Agreements: "partnerships.png"}
    for cls, name in owners.items():
        assert name in {f.file for f in cls.figures}, cls.__name__
    for figure in declared.values():
        assert figure.doc and figure.draw.startswith("model.plots."), figure.file


def test_a_figure_declared_by_a_component_is_drawn(run_dir: Path, monkeypatch) -> None:
    from model.census import Census
    from model.components import RunFigure

    extra = RunFigure("steps.png", "the number of steps", f"{__name__}:_draw_steps")
    monkeypatch.setattr(Census, "figures", (*Census.figures, extra))
    names = [p.name for p in make_figures(run_dir)]
    assert set(names) == ALL_FIGURES | {"steps.png"}
    _assert_png_file(run_dir / "figures" / "steps.png")


@pytest.mark.parametrize("draw, reason", [
    ("model.plots.nowhere:plot_it", "No module named 'model.plots.nowhere'"),
    ("model.plots.migrants:plot_nothing", "plot_nothing"),
    ("model.plots.migrants.plot_flows", "not of the form 'module:function'"),
    ("model.plots.remittances:TOP_RECIPIENTS", "TOP_RECIPIENTS is not a function")])
def test_a_bad_draw_names_the_figure_and_its_component(run_dir: Path, monkeypatch, draw,
                                                       reason) -> None:
    from model.components import RunFigure
    from model.shocks import Shocks

    monkeypatch.setattr(Shocks, "figures", (RunFigure("bad.png", "a broken figure", draw),))
    with pytest.raises(ValueError, match="figure 'bad.png' declared by Shocks") as error:
        make_figures(run_dir)
    assert reason in str(error.value)
    assert not list((run_dir / "figures").glob("*.png"))  # checked before anything is drawn


def _assert_png_file(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE, path


def test_annual_sum_adds_steps_and_scales_partial_years() -> None:
    frame = _timeseries()
    annual = annual_sum(frame, "inflows").set_index("calendar_year")
    # 2019: four full quarters, summed as they are.
    assert annual.at[2019, "inflows"] == pytest.approx(sum(200_000 + 1_000 * k for k in range(4)))
    assert bool(annual.at[2019, "complete"])
    # 2020: two quarters present, scaled to a full year (x 4 / 2).
    assert annual.at[2020, "inflows"] == pytest.approx((204_000 + 205_000) * 2)
    assert not bool(annual.at[2020, "complete"])


def test_annual_sum_by_country() -> None:
    annual = annual_sum(_country_timeseries(), "remittances_formal_usd", by="iso3")
    india_2019 = annual[(annual["iso3"] == "IND") & (annual["calendar_year"] == 2019)]
    assert india_2019["remittances_formal_usd"].item() == pytest.approx(4 * 2.0e10)


@pytest.mark.parametrize("value, expected", [(50.0, "50"), (12.5, "12.5"), (0.25, "0.25"),
                                             (1500.0, "1,500"), (0.0, "0")])
def test_tick_numbers_are_trimmed(value: float, expected: str) -> None:
    assert trim(value) == expected


# --------------------------------------------------------------------------- the baseline

# Real small runs (tests/conftest.py FAST: the default world to 2020, 5,000 people per agent)
# through `model.runner.run`, as `python run.py` makes them. The figures' artists are read just
# before each PNG is saved: the data of every line and arrow the tests look for carries a gid
# ("baseline:<column>", "covered:O-D", "corridor:O-D").
SMALL = ["end_year=2020", "people_per_agent=5000", "progress=false"]
UAE_INDIA = ["+scenario=skills_partnership_uae_india", *SMALL]


def _compose(overrides: list[str]):
    """The config `python run.py OVERRIDES` runs (presets registered)."""
    from tests.conftest import compose_config

    return compose_config(overrides)


def _artists(fig) -> dict:
    """What a figure draws that the tests check: lines and arrows by gid, legend texts."""
    lines, patches, legends = {}, [], []
    for ax in fig.axes:
        for line in ax.lines:
            if line.get_gid():
                assert line.get_gid() not in lines, f"two lines with gid {line.get_gid()}"
                lines[line.get_gid()] = (np.asarray(line.get_xdata(), float),
                                         np.asarray(line.get_ydata(), float))
        patches += [p.get_gid() for p in ax.patches if p.get_gid()]
        patches += [c.get_gid() for c in ax.collections if c.get_gid()]
        for legend in [ax.get_legend(), *[a for a in ax.artists if hasattr(a, "get_texts")]]:
            if legend is not None:
                legends += [t.get_text() for t in legend.get_texts()]
    return {"lines": lines, "patches": patches, "legends": legends}


def _recording(mp: pytest.MonkeyPatch) -> dict:
    """Per figure file saved from now on, `_artists` of the figure just before it is saved (the
    real PNG is still written)."""
    from matplotlib.figure import Figure

    drawn, real = {}, Figure.savefig

    def recording_savefig(fig, path, *args, **kwargs):
        drawn[Path(path).name] = _artists(fig)
        return real(fig, path, *args, **kwargs)

    mp.setattr(Figure, "savefig", recording_savefig)
    return drawn


def _run(overrides: list[str], out: Path) -> tuple[dict, dict]:
    """Run a config into `out`; return its summary and, per figure file, `_artists`."""
    from model.runner import run

    with pytest.MonkeyPatch.context() as mp:
        drawn = _recording(mp)
        summary = run(_compose(overrides), out_dir=out)
    return summary, drawn


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The UAE-India preset with its baseline, the same without it (figures_baseline=false),
    and a separate run of the baseline itself (same seed, no policy): name -> (folder,
    summary, figures' artists, baseline runs logged)."""
    import logging

    out, found = tmp_path_factory.mktemp("baseline_runs"), {}
    for name, overrides in (("preset", UAE_INDIA), ("off", [*UAE_INDIA, "figures_baseline=false"]),
                            ("baseline", SMALL)):
        records, logger = [], logging.getLogger("model.baseline")
        handler, level = logging.Handler(), logger.level
        handler.emit = records.append
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)  # the baseline's run is logged at INFO
        try:
            summary, drawn = _run(overrides, out / name)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        found[name] = (out / name, summary, drawn,
                       [r for r in records if "baseline" in r.getMessage()])
    return found


def test_the_baseline_drawn_is_the_same_seed_run_without_the_policies(runs) -> None:
    folder, summary, drawn, logged = runs["preset"]
    assert summary["end_year"] == 2020 and set(summary["policies"]) == {"skill_recognition",
                                                                       "fair_recruitment"}
    assert len(logged) == 1  # one baseline run for every figure
    separate = pd.read_csv(runs["baseline"][0] / "timeseries.csv")
    own = pd.read_csv(folder / "timeseries.csv")
    assert len(separate) == len(own) == 8
    checks = [("sdg_indicators.png", "remittance_price_pct", 1.0),
              ("sdg_indicators.png", "recruitment_cost_months", 1.0),
              ("sdg_indicators.png", "remittances_pct_gdp", 1.0),
              ("brain_waste.png", "brain_waste_rate", 100.0),
              ("brain_waste.png", "employment_rate", 100.0),
              ("flows.png", "stranded", 1.0)]
    for figure, column, scale in checks:
        x, y = drawn[figure]["lines"][f"baseline:{column}"]
        np.testing.assert_array_equal(x, separate["year"].to_numpy(float))
        np.testing.assert_array_equal(y, separate[column].to_numpy(float) * scale)
        assert "baseline (same seed)" in drawn[figure]["legends"], figure
    # The total of the stocks by region, drawn over the stack.
    x, y = drawn["stocks_by_region.png"]["lines"]["baseline:stock_in_all"]
    regions = [c for c in separate.columns if c.startswith("stock_in_")]
    np.testing.assert_allclose(y, separate[regions].sum(axis=1), rtol=1e-12)
    # And it is not the run itself: the policies moved what the figure compares.
    moved = np.abs(own["brain_waste_rate"] - separate["brain_waste_rate"]).max()
    assert moved > 1e-4, "the run and its baseline should differ once the policies start"
    assert (own["year"] < 2020).sum() == 4
    before = own["year"] < 2020  # the policies start in 2020: the same seed, the same draws
    np.testing.assert_array_equal(own.loc[before, "brain_waste_rate"],
                                  separate.loc[before, "brain_waste_rate"])


def test_the_baseline_of_each_top_recipient_is_its_own_remittances(runs) -> None:
    _, _, drawn, _ = runs["preset"]
    lines = drawn["remittances_top_recipients.png"]["lines"]
    separate = pd.read_csv(runs["baseline"][0] / "country_timeseries.csv")
    countries = [gid.rsplit(":", 1)[1] for gid in lines]
    assert len(countries) == 10 and "IND" in countries
    for iso3 in countries:
        _, y = lines[f"baseline:remittances_formal_usd:{iso3}"]
        rows = separate[separate["iso3"] == iso3]
        # Two calendar years of four quarters each: the yearly sums.
        expected = rows.groupby(np.floor(rows["year"]).astype(int))["remittances_formal_usd"].sum()
        np.testing.assert_allclose(y, expected.to_numpy(), rtol=1e-12)


def test_no_baseline_without_a_policy_or_shock_or_when_switched_off(runs) -> None:
    for name in ("off", "baseline"):
        folder, _, drawn, logged = runs[name]
        assert logged == [], name
        assert not (folder / "figures" / "baseline_timeseries.csv").exists(), name
        assert not any(gid.startswith("baseline:") for figure in drawn.values()
                       for gid in figure["lines"]), name
        assert not any("baseline" in text for figure in drawn.values()
                       for text in figure["legends"]), name
        # Every figure is still drawn (the default world has displaced people: displacement.png).
        assert len(drawn) == 8 and "displacement.png" in drawn, name
    # Switched off, the run is the same run: the same numbers as with its baseline.
    pd.testing.assert_frame_equal(pd.read_csv(runs["off"][0] / "timeseries.csv"),
                                  pd.read_csv(runs["preset"][0] / "timeseries.csv"))


def test_the_map_marks_exactly_the_corridors_the_policies_cover(runs) -> None:
    from model.runner import build_model

    model = build_model(_compose(UAE_INDIA))
    iso3, k = model.countries.iso3, model.corridors
    expected = set()
    for policy in model.policies:
        expected |= {f"{iso3[k.o[c]]}-{iso3[k.d[c]]}" for c in np.flatnonzero(policy.covered)}
    assert expected == {"IND-ARE"}
    patches = runs["preset"][2]["corridor_network.png"]["patches"]
    marked = {gid.split(":", 1)[1] for gid in patches if gid.startswith("covered:")}
    assert marked == expected
    legend = " ".join(runs["preset"][2]["corridor_network.png"]["legends"])
    assert "a policy applies (1 corridor)" in legend
    assert "skill recognition" in legend and "fair recruitment" in legend
    # The baseline's map marks nothing and draws the same 40 corridors, all plain.
    plain = runs["baseline"][2]["corridor_network.png"]["patches"]
    assert len(plain) == len(patches) == 40
    assert all(gid.startswith("corridor:") for gid in plain)
    assert "corridor:IND-ARE" in plain
    assert (runs["preset"][0] / "figures" / "corridor_network.png").read_bytes() != \
        (runs["baseline"][0] / "figures" / "corridor_network.png").read_bytes()


def _config(**changes):
    """A validated MigrationConfig of the small runs, with `changes` (model keywords)."""
    from model.config import nest

    return nest({"end_year": 2020, "people_per_agent": 5000.0, "progress": False, **changes})


def test_what_the_baseline_switches_off() -> None:
    from model.baseline import baseline_config, describe, interventions

    assert baseline_config(_config()) is None  # nothing on: the run is its own baseline
    covid = [{"kind": "pandemic", "start": 2020.25, "end": 2020.75}]
    # A policy, with a shock: the policy goes, the shock stays (the crisis without the policy).
    cfg = _config(policies=["skill_recognition"], shocks=covid, seed=7,
                  facility={"enabled": True}, agreements={"enabled": True})
    base = baseline_config(cfg)
    assert interventions(cfg) == ["skill_recognition", "facility", "agreements"]
    assert base.policies == {} and not base.facility.enabled and not base.agreements.enabled
    assert len(base.shocks.timeline) == 1 and base.shocks.timeline == cfg.shocks.timeline
    assert (base.seed, base.end_year, base.people_per_agent, base.world) == \
        (7, 2020, 5000.0, cfg.world)
    assert not base.figures and cfg.policies and cfg.facility.enabled  # cfg left as it was
    assert describe(interventions(cfg), True) == ("the same run without skill recognition, "
                                                  "facility, agreements; shocks kept")
    # A shock alone: the baseline is the world without it.
    shock = _config(shocks=covid)
    assert baseline_config(shock).shocks.timeline == [] and len(shock.shocks.timeline) == 1
    assert describe([], True) == "the same run without its shocks"


@pytest.mark.parametrize("setting, sweep, expected", [
    (None, False, True), (None, True, False),     # automatic: single runs only
    (True, True, True), (False, False, False)])
def test_figures_baseline_setting_and_sweeps(setting, sweep, expected) -> None:
    from model.baseline import wanted

    assert wanted(_config(policies=["fair_recruitment"], figures_baseline=setting),
                  sweep) is expected
    # Never without figures, nor for a run that switches nothing on.
    assert not wanted(_config(policies=["fair_recruitment"], figures=False,
                              figures_baseline=True), sweep)
    assert not wanted(_config(figures_baseline=True), sweep)


def test_a_bad_figures_baseline_value_is_named() -> None:
    from model.baseline import wanted
    from model.params import ConfigError

    with pytest.raises(ConfigError, match="figures_baseline = 'yes'"):
        wanted(_config(policies=["fair_recruitment"], figures_baseline="yes"), False)


# Synthetic corridors between real countries (capitals from the shipped table): 45 corridors,
# so that some covered corridors fall outside the 40 largest the map draws anyway.
MAP_COUNTRIES = ["MEX", "USA", "IND", "ARE", "PHL", "SAU", "CHN", "DEU", "TUR", "GBR"]


def _map_folder(tmp_path: Path, covered: list[tuple[str, str, str]]) -> Path:
    pairs = [(o, d) for o in MAP_COUNTRIES for d in MAP_COUNTRIES if o != d][:45]
    run_dir = _write_run(tmp_path / "run")
    corridors = pd.DataFrame([{"origin": o, "destination": d, "stock_start": 1e6 * (50 - i),
                               "stock_end": 1e6 * (50 - i)} for i, (o, d) in enumerate(pairs)])
    corridors.to_csv(run_dir / "corridors.csv", index=False)
    (run_dir / "figures").mkdir()
    pd.DataFrame(covered, columns=["origin", "destination", "policies"]).to_csv(
        run_dir / "figures" / "covered_corridors.csv", index=False)
    return run_dir


def _map_artists(run_dir: Path) -> dict:
    from model.figures import read_csv
    from model.plots import RunData
    from model.plots.network import plot_corridor_network
    from model.plots.run_data import country_table

    data = RunData(corridors=read_csv(run_dir / "corridors.csv"), countries=country_table(),
                   covered=read_csv(run_dir / "figures" / "covered_corridors.csv"))
    with pytest.MonkeyPatch.context() as mp:
        drawn = _recording(mp)
        plot_corridor_network(data, run_dir / "map.png")
    return drawn["map.png"]


def test_covered_corridors_outside_the_largest_are_drawn_too(tmp_path: Path) -> None:
    pairs = [(o, d) for o in MAP_COUNTRIES for d in MAP_COUNTRIES if o != d][:45]
    # One of the largest by two policies, two beyond the 40 largest by one of them.
    covered = [(*pairs[0], "skill_recognition+fair_recruitment"),
               (*pairs[42], "fair_recruitment"), (*pairs[44], "fair_recruitment")]
    drawn = _map_artists(_map_folder(tmp_path, covered))
    marked = {g.split(":", 1)[1] for g in drawn["patches"] if g.startswith("covered:")}
    assert marked == {f"{o}-{d}" for o, d, _ in covered}
    plain = [g for g in drawn["patches"] if g.startswith("corridor:")]
    assert len(plain) == 39 and len(marked) + len(plain) == 42
    legend = "\n".join(drawn["legends"])
    assert "a policy applies (3 corridors)" in legend
    assert "skill recognition (1)" in legend and "fair recruitment (3)" in legend


def test_a_policy_covering_every_corridor_colours_the_largest_only(tmp_path: Path) -> None:
    pairs = [(o, d) for o in MAP_COUNTRIES for d in MAP_COUNTRIES if o != d][:45]
    drawn = _map_artists(_map_folder(tmp_path, [(o, d, "cheaper_remittances")
                                                for o, d in pairs]))
    assert len(drawn["patches"]) == 40 and all(g.startswith("covered:") for g in drawn["patches"])
    assert "a policy applies (45 corridors):\ncheaper remittances" in drawn["legends"]


@pytest.mark.slow
def test_a_sweep_skips_the_baseline_unless_asked(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "-m", "policies=[fair_recruitment]",
         "figures_baseline=null,true", *SMALL, "tables=none", f"hydra.sweep.dir={sweep}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    auto, forced = sweep / "0", sweep / "1"
    assert (auto / "figures" / "sdg_indicators.png").exists()
    assert not (auto / "figures" / "baseline_timeseries.csv").exists()
    assert (auto / "figures" / "covered_corridors.csv").exists()
    base = pd.read_csv(forced / "figures" / "baseline_timeseries.csv")
    assert len(base) == 8 and base["policy_cost_employers_usd"].sum() == 0
