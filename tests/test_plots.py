"""Tests for model.plots: the PNG figures of a run folder.

Each test writes its own tiny run folder (4 countries, 6 quarterly steps) to tmp_path,
so nothing depends on a real run and no shared file is modified.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest

from model.plots import _annual_sum, _trim, make_figures

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


def test_annual_sum_adds_steps_and_scales_partial_years() -> None:
    frame = _timeseries()
    annual = _annual_sum(frame, "inflows").set_index("calendar_year")
    # 2019: four full quarters, summed as they are.
    assert annual.at[2019, "inflows"] == pytest.approx(sum(200_000 + 1_000 * k for k in range(4)))
    assert bool(annual.at[2019, "complete"])
    # 2020: two quarters present, scaled to a full year (x 4 / 2).
    assert annual.at[2020, "inflows"] == pytest.approx((204_000 + 205_000) * 2)
    assert not bool(annual.at[2020, "complete"])


def test_annual_sum_by_country() -> None:
    annual = _annual_sum(_country_timeseries(), "remittances_formal_usd", by="iso3")
    india_2019 = annual[(annual["iso3"] == "IND") & (annual["calendar_year"] == 2019)]
    assert india_2019["remittances_formal_usd"].item() == pytest.approx(4 * 2.0e10)


@pytest.mark.parametrize("value, expected", [(50.0, "50"), (12.5, "12.5"), (0.25, "0.25"),
                                             (1500.0, "1,500"), (0.0, "0")])
def test_tick_numbers_are_trimmed(value: float, expected: str) -> None:
    assert _trim(value) == expected
