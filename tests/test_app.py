"""The browser app's parts without a browser: settings as command lines, the shared baseline,
the frames of the charts and the map, the world map's land, the tables to download and the
command that serves it. The page itself is tested in Chromium (tests/test_app_browser.py)."""

from __future__ import annotations

import dataclasses
import io
import json
import socket
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from matplotlib.path import Path as MplPath
from PIL import Image

from model.app import serve
from model.app.charts import (
    CHARTS,
    CURRENT_COLOUR,
    DISPLACEMENT_CHARTS,
    FACILITY_CHARTS,
    MAX_WIDTH,
    SHOCK_CHARTS,
    CorridorMap,
    IndicatorChart,
    corridor_lines,
    displaced,
    largest,
    panels,
    width,
)
from model.app.settings import (
    Settings,
    compose,
    control,
    number,
    policy_controls,
    preset,
    presets,
    series_125,
)
from model.app.workshop import Session, WorkshopModel, baseline
from model.outputs import timeseries
from model.policies import REGISTRY
from model.runner import to_config
from model.world.basemap import land_polygons
from tests.conftest import ROOT

SKILLS = "skills_partnership_uae_india"


# ----------------------------------------------------------------- settings and command lines

def test_every_policy_has_a_control_read_from_its_declaration():
    assert [c.name for c in policy_controls()] == sorted(REGISTRY)
    for c in policy_controls():
        cls = REGISTRY[c.name]
        f = {f.name: f for f in dataclasses.fields(cls.config_class)}[cls.main_parameter]
        assert (c.label, c.key, c.text, c.unit) == (cls.label, cls.main_parameter,
                                                    f.metadata["label"], f.metadata["unit"])
        assert (c.lo, c.hi, c.default) == (f.metadata["lo"], f.metadata["hi"], f.default)


def test_sliders_hold_the_default_on_their_grid():
    # cap_months 0-36 (default 1): a tenth; coupon_pct 0-30 (default 5.625): 0.1 halved twice.
    assert control("fair_recruitment").step() == pytest.approx(0.1)
    assert control("diaspora_bonds").step() == pytest.approx(0.025)
    assert control("skill_recognition").step(0.37) == pytest.approx(0.01)
    assert control("fair_recruitment").step(1.05) == pytest.approx(0.05)
    # Budgets (0 to 1e12 USD, default 1e8) are a 1-2-5 series from 1e6 to 1e10 and 0.
    budget = control("cheaper_remittances")
    assert budget.values == (0.0, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 2e9, 5e9,
                             1e10)
    assert control("fair_recruitment").values is None
    # A default off the series is in it; the series ends at the last 1-2-5 value below 100x.
    wide = series_125(3e8, 0.0, 1e12)
    assert wide[:2] == (0.0, 1e6) and wide[-2:] == (1e10, 2e10) and 3e8 in wide
    assert series_125(1e8, 5e7, 2e9) == (5e7, 1e8, 2e8, 5e8, 1e9, 2e9)


def test_numbers_are_written_short_and_read_back_exactly():
    assert [number(v) for v in (36.0, 5.625, 1e9, 0.1, 2.5e6)] == ["36", "5.625", "1e+09", "0.1",
                                                                   "2.5e+06"]
    for v in (1 / 3, 0.8, 123456789.0, 5e-7):
        assert float(number(v)) == v


def test_presets_are_listed_by_title_with_their_own_policies():
    by_name = {p.name: p for p in presets()}
    assert by_name[SKILLS].title == "A skills partnership: India to the UAE"
    assert by_name[SKILLS].policies == {"skill_recognition": 0.8, "fair_recruitment": 1.0}
    assert by_name["baseline_2019"].policies == {}
    assert "learning" not in by_name[SKILLS].goal.lower()[:10] and len(by_name[SKILLS].goal) > 40
    with pytest.raises(ValueError, match="unknown preset 'mars'; allowed: baseline_2019"):
        preset("mars")


def test_settings_become_the_overrides_of_the_command_line():
    s = Settings.of_preset(SKILLS, 7)
    assert s.overrides() == [f"+scenario={SKILLS}", "seed=7",
                             "policies=[fair_recruitment,skill_recognition]"]
    s = s.switched("fair_recruitment", False).with_value("cheaper_remittances", 1e9) \
         .with_value("skill_recognition", 0.5)
    assert s.overrides() == [f"+scenario={SKILLS}", "seed=7",
                             "policies=[cheaper_remittances,skill_recognition]",
                             "~policies.fair_recruitment",
                             "policies.cheaper_remittances.budget_usd_per_year=1e+09",
                             "policies.skill_recognition.recognised_share_arrivals=0.5"]
    assert s.command().startswith(f"python run.py +scenario={SKILLS} seed=7 "
                                  "'policies=[cheaper_remittances,skill_recognition]' "
                                  "'~policies.fair_recruitment' ")
    cfg = to_config(compose(s.overrides()))
    assert set(cfg.policies) == {"cheaper_remittances", "skill_recognition"}
    # The preset's own settings stay (one corridor), the moved value is applied, the new
    # policy has its declared defaults.
    assert cfg.policies["skill_recognition"].corridors == ["IND-ARE"]
    assert cfg.policies["skill_recognition"].recognised_share_arrivals == 0.5
    assert cfg.policies["cheaper_remittances"].budget_usd_per_year == 1e9
    assert cfg.policies["cheaper_remittances"].scope == "all" and cfg.seed == 7
    base = to_config(compose(s.baseline().overrides()))
    assert base.policies == {} and base.seed == 7 and base.end_year == 2030


def test_switching_a_policy_on_starts_from_the_preset_value_or_the_default():
    s = Settings.of_preset("return_reintegration_el_salvador")
    assert s.values == {"return_reintegration": 5e7}
    assert s.switched("return_reintegration", False).switched("return_reintegration", True) \
        .values == {"return_reintegration": 5e7}
    assert s.switched("fair_recruitment", True).values["fair_recruitment"] == 1.0


@pytest.mark.slow
def test_the_command_shown_runs_the_same_simulation(tmp_path):
    """The command line the app shows, run by run.py, gives the app's run step for step."""
    s = Settings.of_preset("covid_2020", 3).with_value("cheaper_remittances", 2e9) \
        .with_value("fair_recruitment", 0.5)
    out = tmp_path / "cli"
    subprocess.run([sys.executable, "run.py", *s.overrides(), f"hydra.run.dir={out}",
                    "progress=false"], cwd=ROOT, check=True, capture_output=True)
    model = WorkshopModel(Session(s))
    model.run()
    cli = pd.read_csv(out / "timeseries.csv")
    app = timeseries(model)
    assert len(cli) == len(app) == 20 and list(cli.columns) == list(app.columns)
    # The CSV holds 10 significant digits.
    np.testing.assert_allclose(cli.to_numpy(float), app.to_numpy(float), rtol=1e-9)
    assert json.loads((out / "summary.json").read_text())["overrides"] == [*s.overrides(),
                                                                          "progress=false"]


# ----------------------------------------------------------------- the model, baseline, tables

def test_mesa_reset_rebuilds_from_the_session_and_drops_its_scenario():
    session = Session(Settings.of_preset(SKILLS, 5))
    model = WorkshopModel(session, scenario=object())
    assert model.total_steps == 48 and model.seed == 5
    assert model.covered().sum() == 1  # the preset's one corridor, IND-ARE
    session.settings = session.settings.with_value("cheaper_remittances", 1e8)
    again = WorkshopModel(session)
    assert again.covered().all() and again.settings is session.settings


def test_the_baseline_is_run_once_per_preset_and_seed():
    s = Settings.of_preset("covid_2020", 4).with_value("cheaper_remittances", 1e9)
    first = baseline(s)
    assert baseline(s.switched("cheaper_remittances", False)) is first  # not run again
    assert baseline(Settings.of_preset("covid_2020", 5)) is not first
    model = WorkshopModel(Session(s.baseline()))
    model.run()
    pd.testing.assert_frame_equal(timeseries(model), first)
    assert len(first) == 20


def test_the_tables_download_holds_the_steps_run_and_the_command(tmp_path):
    model = WorkshopModel(Session(Settings.of_preset("covid_2020", 2)))
    for _ in range(3):
        model.step()
    archive = zipfile.ZipFile(io.BytesIO(model.tables_zip()))
    names = set(archive.namelist())
    assert {"timeseries.csv", "corridors.csv", "corridor_timeseries.parquet", "summary.json",
            "config.yaml", "command.txt"} <= names
    assert len(pd.read_csv(archive.open("timeseries.csv"))) == 3
    summary = json.loads(archive.read("summary.json"))
    assert summary["status"] == "partial" and summary["steps"] == 3 and summary["seed"] == 2
    assert archive.read("command.txt").decode() == model.settings.command() + "\n"


# ----------------------------------------------------------------- frames

def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_a_chart_updated_step_by_step_draws_what_a_full_redraw_draws():
    model = WorkshopModel(Session(Settings.of_preset("covid_2020", 1)
                                  .with_value("cheaper_remittances", 5e9)))
    base = baseline(model.settings)
    chart = IndicatorChart()
    for _ in range(6):
        model.step()
        kept = chart.show(timeseries(model), base)
    chart.invalidate()  # the whole figure drawn again, as at a first frame
    assert np.array_equal(_pixels(kept), _pixels(chart.png()))  # no stale line left behind
    first = IndicatorChart().show(timeseries(model).iloc[:1], base)
    assert not np.array_equal(_pixels(kept), _pixels(first))
    # Every value of both runs lies within its panel.
    for name, ax in chart.axes.items():
        lo, hi = ax.get_ylim()
        for frame in (base, timeseries(model)):
            values = chart.values(frame, name)[1]
            assert lo <= values.min() and values.max() <= hi


def test_a_chart_widens_its_axis_when_the_run_leaves_it():
    chart = IndicatorChart()
    base = pd.DataFrame({"year": [2019.0, 2019.25]} | {n: [1e6, 2e6] for n in chart.axes})
    chart.show(base.iloc[:1], base)
    ax = chart.axes["migrant_stock"]
    assert ax.get_ylim() == pytest.approx((0.9, 2.1))  # 1-2 million, margin a tenth
    chart.show(base.assign(migrant_stock=[1e6, 4e6]), base)
    assert ax.get_ylim() == pytest.approx((0.7, 4.3))


def test_the_map_draws_corridors_by_stock_and_marks_where_a_policy_applies():
    assert width(100.0, 100.0) == pytest.approx(0.15 + MAX_WIDTH)
    assert width(25.0, 100.0) == pytest.approx(0.15 + MAX_WIDTH / 2)  # square root
    model = WorkshopModel(Session(Settings.of_preset(SKILLS)))
    frame = CorridorMap()
    png = frame.show(model)
    assert _pixels(png).shape == (331, 792, 3)  # 11 x 4.6 inches at 72 dpi
    texts = [t.get_text() for t in frame.legend.get_texts()]
    assert texts[-1] == "a policy applies (1 corridors)"
    stock = model.stock_by_corridor()
    assert texts[0] == f"{stock.max() / 1e6:.2g} million migrants"
    widths = frame.lines.get_linewidths()
    assert max(widths) == pytest.approx(0.15 + MAX_WIDTH)
    _, located, covered = corridor_lines(model)
    drawn = largest(located, 0.95) | covered
    assert len(widths) == drawn.sum() and 200 < drawn.sum() < 500  # of 1,173
    assert located[drawn].sum() >= 0.95 * located.sum()
    assert frame.legend.get_title().get_text() == (
        f"The {largest(located, 0.95).sum()} largest corridors (95% of migrants)\n"
        "(origin to destination capital)")  # IND-ARE is among them
    model = WorkshopModel(Session(Settings().with_value("cheaper_remittances", 1e8)))
    frame.show(model)
    assert len(frame.lines.get_linewidths()) == len(located)  # every corridor: all covered
    assert f"and {len(located) - largest(located, 0.95).sum()} more a policy applies to" in \
        frame.legend.get_title().get_text()


def test_the_largest_corridors_holding_a_share_are_chosen():
    stock = np.array([10.0, 50.0, 0.0, 30.0, 10.0])
    assert largest(stock, 0.5).tolist() == [False, True, False, False, False]
    assert largest(stock, 0.51).tolist() == [False, True, False, True, False]
    assert largest(stock, 0.9).tolist() == [True, True, False, True, False]  # ties: file order
    assert largest(stock, 1.0).tolist() == [True, True, False, True, True]


def test_the_land_of_the_world_map_is_where_it_should_be():
    rings = land_polygons("c", 500.0)
    assert len(rings) > 100
    allpts = np.vstack(rings)
    assert allpts[:, 0].min() >= -180 and allpts[:, 0].max() <= 180
    assert allpts[:, 1].min() >= -90 and allpts[:, 1].max() <= 90

    def on_land(lon, lat):
        return any(MplPath(r).contains_point((lon, lat)) for r in rings)

    # Paris, Nairobi, Brasilia and Canberra are on land; the mid-Atlantic and the Indian
    # Ocean are not.
    assert all(on_land(*p) for p in [(2.35, 48.86), (36.82, -1.29), (-47.9, -15.8),
                                     (149.1, -35.3)])
    assert not any(on_land(*p) for p in [(-30.0, 30.0), (75.0, -20.0)])


# ----------------------------------------------------------------- the command that serves it

@pytest.mark.parametrize("argv, message", [
    (["--port", "80"], "--port 80: allowed 1024 to 65535"),
    (["--host", "localhost"], "--host 'localhost': must be an IP address"),
])
def test_bad_serve_arguments_fail_with_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        serve.parse(argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_a_port_in_use_is_refused_before_the_server_starts(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit):
            serve.parse(["--port", str(port)])
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    assert serve.parse(["--port", str(port)]).port == port  # free again once closed


def test_without_the_app_extra_the_command_says_what_to_install():
    # Solara made unimportable, as in an environment installed without the `app` extra.
    code = ("import sys; sys.modules['solara'] = None\n"
            "from model.app.serve import main\n"
            f"main(['--port', '{_free_port()}'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.strip() == (
        "error: the app needs solara, which the project's app extra installs: "
        ".venv/bin/pip install -e '.[app]'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------- gaps found by mutation testing

def test_the_series_stops_at_a_hundred_times_the_default():
    assert series_125(1.99e8, 0.0, 1e12)[-1] == 1e10  # 2e10 is over 100 x 1.99e8


def test_the_chart_is_png_and_the_map_jpeg_each_with_its_panels():
    model = WorkshopModel(Session(Settings.of_preset("covid_2020", 1)))
    model.step()
    chart = IndicatorChart(panels(model.cfg))
    assert chart.show(timeseries(model), baseline(model.settings))[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(chart.fig.axes) == len(chart.axes) == 8  # six headline panels, two of the shock
    assert CorridorMap().show(model)[:2] == b"\xff\xd8"


def test_the_background_is_kept_while_the_run_stays_within_the_axes():
    chart = IndicatorChart()
    base = pd.DataFrame({"year": [2019.0, 2019.25, 2019.5]} | {n: [1e6, 2e6, 3e6]
                                                                for n in chart.axes})
    chart.show(base.iloc[:1], base)
    kept, limits = chart.background, chart.axes["migrant_stock"].get_ylim()
    chart.show(base.iloc[:2], base)
    assert chart.background is kept and chart.axes["migrant_stock"].get_ylim() == limits


def test_flat_series_get_a_margin_of_a_tenth_or_one():
    assert IndicatorChart._span(np.array([5.0, 5.0])) == pytest.approx((4.5, 5.5))
    assert IndicatorChart._span(np.zeros(2)) == (-1.0, 1.0)


def test_the_map_shows_the_whole_inhabited_world_and_a_true_legend():
    model = WorkshopModel(Session(Settings.of_preset(SKILLS)))
    frame = CorridorMap()
    pixels = _pixels(frame.show(model))
    box = frame.ax.get_position()
    assert 0 <= box.y0 and box.y1 <= 1 and 0 <= box.x0 and box.x1 <= 1
    lo, hi = frame.ax.get_ylim()
    ends = corridor_lines(model)[0]
    assert lo <= ends[..., 1].min() and ends[..., 1].max() <= hi  # Canberra and Oslo inside
    # A land pixel no corridor crosses (Greenland, 42W 72N) is the land's colour.
    x, y = frame.ax.transData.transform((-42.0, 72.0))
    land = pixels[pixels.shape[0] - int(y), int(x)]
    assert np.abs(land.astype(int) - [0xe6, 0xe6, 0xe1]).max() < 12
    top = corridor_lines(model)[1].max()
    handles = frame.legend.legend_handles[:2]
    assert [h.get_linewidth() for h in handles] == pytest.approx([0.15 + MAX_WIDTH,
                                                                  0.15 + MAX_WIDTH / 2])
    assert [t.get_text() for t in frame.legend.get_texts()][1] == \
        f"{0.25 * top / 1e6:.2g} million migrants"


# ----------------------------------------------------------------- panels and axes (issue 20)

def test_the_panels_follow_what_the_run_switches_on():
    def cfg(name):
        return to_config(compose([f"+scenario={name}"]))

    assert panels(cfg("baseline_2019")) == CHARTS
    assert panels(cfg("covid_2020")) == CHARTS + ("employment_rate", "stranded")
    assert panels(cfg("facility_governance")) == CHARTS + FACILITY_CHARTS
    # A policy switched on changes no panel; a shock with the facility shows both groups.
    assert panels(to_config(compose(Settings().with_value("fair_recruitment", 2.0)
                                    .overrides()))) == CHARTS
    both = to_config(compose(["+scenario=covid_2020", "facility=gcff"]))
    assert panels(both) == CHARTS + SHOCK_CHARTS + FACILITY_CHARTS
    # A facility or shock panel is shown only where it moves: in every preset's baseline, none
    # is flat from start to end (the headline panels are always shown: the remittance price
    # stays flat without a policy, which is what a policy is compared with).
    for p in presets():
        base = baseline(Settings(p.name))
        for name in set(panels(cfg(p.name))) - set(CHARTS):
            assert base[name].max() > 1.1 * base[name].min() >= 0, (p.name, name)


@pytest.mark.parametrize("preset, names, grid", [
    ("baseline_2019", CHARTS, (2, 3)),
    ("covid_2020", CHARTS + SHOCK_CHARTS, (2, 4)),
    ("covid_2020", CHARTS + SHOCK_CHARTS + FACILITY_CHARTS, (3, 4)),
    ("venezuela_2015", DISPLACEMENT_CHARTS, (2, 3))])
def test_a_chart_has_one_panel_per_indicator_none_empty_none_overlapping(preset, names, grid):
    chart = IndicatorChart(names)
    assert list(chart.axes) == list(names) and len(chart.fig.axes) == len(names)
    rows = {round(ax.get_position().y0, 3) for ax in chart.fig.axes}
    cols = {round(ax.get_position().x0, 3) for ax in chart.fig.axes}
    assert (len(rows), len(cols)) == grid
    base = baseline(Settings(preset))
    chart.show(base.iloc[:5], base)  # real ranges, so real tick labels
    renderer = chart.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in chart.fig.axes]  # titles and labels included
    for i, box in enumerate(boxes):
        inside = box.transformed(chart.fig.transFigure.inverted())
        assert 0 <= inside.x0 and inside.x1 <= 1 and 0 <= inside.y0 and inside.y1 <= 1, names[i]
        for j, other in enumerate(boxes[:i]):
            assert not box.overlaps(other), (names[i], names[j])


def _inside(chart, frame, name) -> bool:
    lo, hi = chart.axes[name].get_ylim()
    values = chart.values(frame, name)[1]
    values = values[np.isfinite(values)]
    return bool(lo <= values.min() and values.max() <= hi)


def test_the_axes_hold_the_run_and_the_baseline_when_a_policy_leaves_its_range():
    """The user's case: steps of the baseline, then skill recognition switched on: brain waste
    falls below everything the baseline reaches, and its panel follows it at every step."""
    base = baseline(Settings())
    chart = IndicatorChart()
    model = WorkshopModel(Session(Settings()))
    for _ in range(3):
        model.step()
        chart.show(timeseries(model), base)
    model = WorkshopModel(Session(Settings().with_value("skill_recognition", 0.8)))
    chart.show(timeseries(model), base)
    for _ in range(8):
        model.step()
        png = chart.show(timeseries(model), base)
        for name in chart.axes:
            assert _inside(chart, base, name) and _inside(chart, timeseries(model), name), name
    run = chart.values(timeseries(model), "brain_waste_rate")[1]
    floor = chart.values(base, "brain_waste_rate")[1].min()
    assert run[-1] < floor - 3  # percentage points: well off the baseline's range
    # The run's last point is drawn inside its panel, in the run's colour.
    ax = chart.axes["brain_waste_rate"]
    x, y = ax.transData.transform((timeseries(model)["year"].iloc[-1], run[-1]))
    box = ax.get_window_extent()
    assert box.x0 < x < box.x1 and box.y0 < y < box.y1
    pixels = _pixels(png)
    near = pixels[pixels.shape[0] - int(y) - 2:pixels.shape[0] - int(y) + 3, int(x) - 2:int(x) + 3]
    blue = np.array([int(CURRENT_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.abs(near.reshape(-1, 3).astype(int) - blue).sum(axis=1).min() < 60


def test_a_missing_value_does_not_stop_the_axes_following_the_run():
    # A NaN (an indicator with nothing to measure at a step) made the old check's comparisons
    # false, and the axis never widened again.
    chart = IndicatorChart()
    base = pd.DataFrame({"year": [2019.0, 2019.25, 2019.5]} | {n: [1e6, 1.1e6, 1.2e6]
                                                               for n in chart.axes})
    run = base.assign(brain_waste_rate=[np.nan, 0.2, 0.1])
    for steps in (1, 2, 3):
        chart.show(run.iloc[:steps], base)
        assert _inside(chart, base, "brain_waste_rate")
        if steps > 1:
            assert _inside(chart, run.iloc[:steps], "brain_waste_rate")
    assert chart.limits()["brain_waste_rate"][0] < 10.0  # 0.1 as a share is 10%


# ----------------------------------------------------------------- forced displacement (issue 23)

DISPLACEMENT_PRESETS = {
    "venezuela_2015": "Venezuelans displaced abroad from 2015",
    "venezuela_2015_regional_response": "Venezuelans: a regional response from 2021",
    "syria_2011": "Syrian refugees in Turkey, Lebanon and Jordan from 2011",
    "syria_2011_work_rights": "Syrian refugees with the right to work",
    "syria_2011_no_work_rights": "Syrian refugees without the right to work"}


def test_the_displacement_presets_are_offered_like_the_others():
    by_name = {p.name: p for p in presets()}
    assert {n: by_name[n].title for n in DISPLACEMENT_PRESETS} == DISPLACEMENT_PRESETS
    assert by_name["venezuela_2015_regional_response"].policies == {"regional_response": 5e7}
    assert all(by_name[n].policies == {} for n in DISPLACEMENT_PRESETS
               if n != "venezuela_2015_regional_response")
    assert all(len(by_name[n].goal) > 40 for n in DISPLACEMENT_PRESETS)


def _rendered(view, model):
    """The cards a page component draws for `model`, and their tables' HTML."""
    import ipyvuetify as v
    import solara
    from solara.widgets import HTML

    box, rc = solara.render(view(model), handle_error=False)
    try:
        titles = [t.children[0] for t in rc.find(v.CardTitle).widgets]
        return titles, [h.unsafe_innerHTML for h in rc.find(HTML).widgets]
    finally:
        rc.close()


def test_a_displacement_preset_charts_its_refugees_against_the_baseline():
    from model.app.page import DisplacementView

    model = WorkshopModel(Session(Settings.of_preset("venezuela_2015", 1)))
    for _ in range(3):
        model.step()
    run, base = timeseries(model), baseline(model.settings)
    assert displaced(base) and displaced(run)
    # The baseline holds the preset's point: others in need of protection (Venezuelans
    # abroad, counted by UNHCR from 2018) rise from none at the start.
    assert base["other_protection_needs"].iloc[0] == 0
    assert base["other_protection_needs"].iloc[-1] > 1e6
    chart = IndicatorChart(DISPLACEMENT_CHARTS)
    chart.show(run, base)
    # Each panel draws the run in its unit shown: millions, thousands per step, percent.
    for name, scale, label in (("refugees", 1e6, "million people"),
                               ("asylum_seekers", 1e6, "million people"),
                               ("other_protection_needs", 1e6, "million people"),
                               ("protected_in_lmic_share", 0.01, "%"),
                               ("flight", 1e3, "thousand people per step"),
                               ("voluntary_returns", 1e3, "thousand people per step")):
        np.testing.assert_allclose(chart.current[name].get_ydata(), run[name] / scale)
        np.testing.assert_allclose(chart.base[name].get_ydata(), base[name] / scale)
        assert chart.axes[name].get_ylabel() == label
    share = chart.current["protected_in_lmic_share"].get_ydata()
    assert 0 < share.min() and share.max() <= 100
    # The page's card: its title, and a table of the six indicators now, this run's value as
    # the chart shows it.
    titles, tables = _rendered(DisplacementView, model)
    assert titles == ["Forced displacement"] and len(tables) == 1
    assert tables[0].startswith("<table class='displacement-values'")
    assert tables[0].count("<tr class='panel'") == 6
    assert f"<td class='this-refugees'>{run['refugees'].iloc[-1] / 1e6:,.4g}</td>" in tables[0]


def test_a_world_without_displaced_shows_no_displacement_card(monkeypatch):
    from model.app import page
    from model.model import MigrationModel

    # Stocks net of UNHCR's statuses and no observed flight: nobody is ever protected.
    cfg = to_config(compose(["+scenario=baseline_2019", "world.migrants=economic",
                             "displacement.flight_history=false"]))
    model = MigrationModel(_config=cfg)
    for _ in range(3):
        model.step()
    none = timeseries(model)
    assert (none[list(DISPLACEMENT_CHARTS[:3])].to_numpy() == 0).all()
    assert not displaced(none)
    assert not displaced(None) and not displaced(none.drop(columns="refugees"))
    # The page asks the baseline: with no one protected in it, no card and no chart.
    monkeypatch.setattr(page, "baseline", lambda settings: none)
    assert _rendered(page.DisplacementView, WorkshopModel(Session(Settings()))) == ([], [])
