"""The workshop app in a real headless Chromium (Debian's, driven by Playwright), served by the
real `python -m model.app` command: the page loads with no console errors, presets, policies,
their sliders and the seed change the run and its charted values (checked against the same run
made in Python), stepping advances, reset returns to the start, the tables download, and two
browsers at once keep their own runs. The page's layout (issue 20): a panel's y-axis holds the
run and the baseline after a policy leaves the baseline's range, nothing covers the table, no
card is empty, and the panels follow what the preset switches on. Forced displacement (issue
23): a displacement preset charts its refugees, asylum seekers and others in need of protection.
Screenshots go to outputs/browser_tests/."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from model.app.charts import CHARTS, DISPLACEMENT_CHARTS, FACILITY_CHARTS
from model.app.settings import Settings, preset
from model.app.workshop import Session, WorkshopModel, baseline
from model.outputs import timeseries
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# Debian's chromium when it is installed and runnable: `which` skips a path that is not an
# executable file (such as /dev/null mounted over it to hide the browser).
CHROMIUM = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
MISSING = ("Debian's chromium is not installed: apt-get install chromium (.ci/run installs it "
           "and runs these tests)")
if CHROMIUM is None and not os.environ.get("CI"):
    # One line for the whole module in pytest's summary, instead of one per test.
    pytest.skip(MISSING, allow_module_level=True)
# Without the network flags Chromium keeps calling Google's hosts, which this machine refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SHOTS = ROOT / "outputs" / "browser_tests"
WAIT_MS = 60_000  # a first page builds the model and the baseline: seconds on a busy machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> str:
    """The browser's path. Without one the module is skipped as a whole (above), except under
    CI, which installs the browser and so must run these tests: there they fail."""
    if CHROMIUM is None:
        pytest.fail(MISSING)
    return CHROMIUM


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, chromium):
    """The app served by its own command on a free port of 127.0.0.1."""
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "model.app", "--port", str(port)],
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180  # the first start may fetch Solara's front end from npm
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the app did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    yield url
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    problems = [line for line in log.read_text().splitlines()
                if "Traceback" in line or "Could not load URL" in line]
    assert not problems, f"the server logged errors:\n{log.read_text()[-3000:]}"


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, headless=True,
                                      args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class App:
    """One browser context (its own session) on the app, with the page's errors collected."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1900},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, timeout=WAIT_MS)
        self.wait_step(0)

    def wait_step(self, n: int) -> None:
        self.page.locator(".step-status", has_text=f"Step {n} of ").wait_for(timeout=WAIT_MS)

    def step(self, times: int = 1) -> None:
        for _ in range(times):
            now = self.steps()
            self.page.get_by_role("button", name="Step", exact=True).click()
            self.wait_step(now + 1)

    def steps(self) -> int:
        return int(self.page.locator(".step-status").inner_text().split()[1])

    def command(self) -> str:
        return self.page.locator(".run-command").inner_text()

    def wait_command(self, text: str) -> None:
        self.page.locator(".run-command", has_text=text).wait_for(timeout=WAIT_MS)

    def value(self, indicator: str) -> str:
        return self.page.locator(f".this-{indicator}").inner_text()

    def expect_value(self, indicator: str, text: str) -> None:
        """The table shows `text` for the indicator, waiting for the step's redraw (the step
        counter can show the new step a moment before the table does)."""
        from playwright.sync_api import expect

        expect(self.page.locator(f".this-{indicator}")).to_have_text(text, timeout=WAIT_MS)

    def choose_preset(self, name: str) -> None:
        self.page.locator(".v-select", has_text="Preset").click()
        self.page.get_by_role("option", name=preset(name).title).click()
        self.wait_command(f"+scenario={name}")
        self.wait_step(0)

    def switch(self, label: str) -> None:
        self.page.locator("label", has_text=label).first.click()

    def panels(self, table: str = "indicator-values") -> dict[str, tuple[float, float]]:
        """The charted indicators of a card (its table's CSS class), in the table's order, with
        their panels' y-axis limits as drawn (the rows' `data-ylo`, `data-yhi`)."""
        rows = self.page.locator(f".{table} tr.panel").all()
        return {r.get_attribute("data-indicator"): (float(r.get_attribute("data-ylo")),
                                                    float(r.get_attribute("data-yhi")))
                for r in rows}

    def images(self) -> list[str]:
        return [img.get_attribute("src") for img in self.page.locator("img").all()]

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def check_clean(self) -> None:
        assert "Traceback" not in self.page.inner_text("body")
        assert self.errors == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def app(browser, app_url):
    a = App(browser, app_url)
    yield a
    a.close()


def expected(settings: Settings, steps: int, indicator: str) -> str:
    """An indicator after `steps` steps of the same settings run in Python, as the page's
    table writes it."""
    from model.app.charts import scaled
    from model.indicators import units

    model = WorkshopModel(Session(settings))
    for _ in range(steps):
        model.step()
    value = timeseries(model)[indicator].iloc[-1] / scaled(units()[indicator])[0]
    return f"{value:,.4g}"


def test_the_page_loads_without_errors_and_steps(app):
    assert app.command() == "python run.py +scenario=baseline_2019"
    assert "No step run yet" in app.page.inner_text("body")
    before = app.images()
    app.step(2)
    assert list(app.panels()) == list(CHARTS)
    assert app.page.locator(".step-status").inner_text() == "Step 2 of 48 (year 2019.50)"
    assert app.page.get_by_text("Time: 2.0").is_visible()  # Mesa's own step counter
    assert app.images() != before  # the map and the charts were drawn again
    app.expect_value("migrant_stock", expected(Settings(), 2, "migrant_stock"))
    print("screenshot:", app.screenshot("app_default"))
    app.check_clean()


def test_a_preset_and_a_policy_change_the_charted_values(app):
    app.choose_preset("remittances_in_crisis")
    app.step(6)
    crisis = Settings.of_preset("remittances_in_crisis")
    app.expect_value("remittance_price_pct", expected(crisis, 6, "remittance_price_pct"))
    app.expect_value("remittances_received_usd", expected(crisis, 6, "remittances_received_usd"))
    app.switch("cheaper remittances")  # the preset's own policy, off
    app.wait_step(0)
    assert "'~policies.cheaper_remittances'" in app.command()
    app.step(6)
    off = crisis.switched("cheaper_remittances", False)
    app.expect_value("remittance_price_pct", expected(off, 6, "remittance_price_pct"))
    assert app.value("remittance_price_pct") != expected(crisis, 6, "remittance_price_pct")
    print("screenshot:", app.screenshot("app_remittances_in_crisis"))
    app.check_clean()


def test_a_slider_and_the_seed_change_the_run(app):
    app.switch("fair recruitment")
    app.wait_command("'policies=[fair_recruitment]'")
    app.page.locator(".value-fair_recruitment").wait_for(timeout=WAIT_MS)
    thumb = app.page.locator(".v-slider__thumb-container").first
    thumb.focus()
    thumb.press("ArrowRight")  # one step of the slider: 0.1 month
    app.wait_command("policies.fair_recruitment.cap_months=1.1")
    seed = app.page.get_by_label("Seed (empty: the preset's)")
    seed.fill("7")
    seed.press("Enter")
    app.wait_command("seed=7")
    assert app.command() == ("python run.py +scenario=baseline_2019 seed=7 "
                             "'policies=[fair_recruitment]' "
                             "policies.fair_recruitment.cap_months=1.1")
    app.step(3)
    chosen = Settings("baseline_2019", 7, {"fair_recruitment": 1.1})
    app.expect_value("recruitment_cost_months", expected(chosen, 3, "recruitment_cost_months"))
    app.check_clean()


def test_run_plays_steps_until_paused(app):
    app.page.get_by_role("button", name="▶", exact=True).click()
    # At least three steps: playing, it may be past step 3 before the page is looked at.
    app.page.wait_for_function(
        "() => parseInt(document.querySelector('.step-status').innerText.split(' ')[1]) >= 3",
        timeout=WAIT_MS)
    app.page.get_by_role("button", name="❚❚", exact=True).click()
    app.page.get_by_role("button", name="▶", exact=True).wait_for(timeout=WAIT_MS)
    time.sleep(1.0)  # a step under way when pausing may still land
    paused = app.steps()
    time.sleep(1.5)  # at the play interval of 0.2 s, seven more steps if it were still playing
    assert app.steps() == paused >= 3
    app.expect_value("migrant_stock", expected(Settings(), paused, "migrant_stock"))
    app.check_clean()


def test_a_bad_seed_is_refused_with_one_line_and_the_run_kept(app):
    app.step(2)
    seed = app.page.get_by_label("Seed (empty: the preset's)")
    seed.fill("-5")
    seed.press("Enter")
    app.page.get_by_text("not applied (setting): seed = -5 is out of range: allowed 0").wait_for(
        timeout=WAIT_MS)
    assert app.steps() == 2 and app.command() == "python run.py +scenario=baseline_2019"
    app.step(1)
    app.expect_value("migrant_stock", expected(Settings(), 3, "migrant_stock"))
    app.check_clean()


def test_reset_returns_to_the_start_with_the_same_settings(app):
    app.switch("skill recognition")
    app.wait_command("skill_recognition")
    app.step(3)
    command = app.command()
    app.page.get_by_role("button", name="Reset", exact=True).click()
    app.wait_step(0)
    assert app.command() == command and "No step run yet" in app.page.inner_text("body")
    app.step(1)
    recognised = Settings("baseline_2019", None, {"skill_recognition": 0.8})
    app.expect_value("brain_waste_rate", expected(recognised, 1, "brain_waste_rate"))
    app.check_clean()


def test_the_tables_download_with_the_steps_run(app):
    app.step(3)
    with app.page.expect_download(timeout=WAIT_MS) as download:
        app.page.get_by_text("Download the run's tables").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(pd.read_csv(archive.open("timeseries.csv"))) == 3
    assert archive.read("command.txt").decode().strip() == app.command()
    app.check_clean()


def test_two_browsers_at_once_keep_their_own_runs(browser, app_url):
    first, second = App(browser, app_url), App(browser, app_url)
    try:
        first.switch("skill recognition")
        first.wait_command("skill_recognition")
        first.step(3)
        second.step(1)
        first.page.reload()  # a reload is a new session: back to the defaults
        first.wait_step(0)
        assert first.command() == "python run.py +scenario=baseline_2019"
        assert second.steps() == 1 and second.command() == "python run.py +scenario=baseline_2019"
        assert second.value("migrant_stock") == expected(Settings(), 1, "migrant_stock")
        first.switch("cheaper remittances")
        first.wait_command("cheaper_remittances")
        first.step(6)  # into 2020, when the policy starts
        second.step(5)
        assert (first.steps(), second.steps()) == (6, 6)
        assert "cheaper_remittances" not in second.command()
        cheaper = Settings("baseline_2019", None, {"cheaper_remittances": 1e8})
        assert first.value("remittance_price_pct") == expected(cheaper, 6, "remittance_price_pct")
        assert second.value("remittance_price_pct") == expected(Settings(), 6,
                                                                "remittance_price_pct")
        assert first.value("remittance_price_pct") != second.value("remittance_price_pct")
        first.check_clean()
        second.check_clean()
    finally:
        first.close()
        second.close()


# ----------------------------------------------------------------- layout (issue 20)

def _shown(frame: pd.DataFrame, name: str) -> pd.Series:
    """An indicator's values in the unit its panel shows."""
    from model.app.charts import scaled
    from model.indicators import units

    return frame[name] / scaled(units()[name])[0]


def test_a_panel_holds_the_run_and_the_baseline_when_a_policy_leaves_its_range(app):
    app.step(3)  # the baseline's range first, as a participant would see it
    app.switch("skill recognition")
    app.wait_command("skill_recognition")
    app.step(8)
    chosen = Settings("baseline_2019", None, {"skill_recognition": 0.8})
    model = WorkshopModel(Session(chosen))
    for _ in range(8):
        model.step()
    run, base = timeseries(model), baseline(chosen)
    # The case of the finding: brain waste falls well below all the baseline reaches.
    assert _shown(run, "brain_waste_rate").iloc[-1] < _shown(base, "brain_waste_rate").min() - 3
    assert app.value("brain_waste_rate") == f"{_shown(run, 'brain_waste_rate').iloc[-1]:,.4g}"
    limits = app.panels()
    assert list(limits) == list(CHARTS)
    for name, (lo, hi) in limits.items():
        for frame in (run, base):
            assert lo <= _shown(frame, name).min() and _shown(frame, name).max() <= hi, name
    print("screenshot:", app.screenshot("app_axes_follow_the_run"))
    app.check_clean()


# Elements positioned over the page (fixed, absolute, sticky) and visible, whose box meets the
# table's, and the table's cells whose centre the browser hit-tests to another element.
COVERING = """() => {
    const table = document.querySelector('.indicator-values');
    const t = table.getBoundingClientRect();
    const name = e => e.tagName + '.' + String(e.className) + ' "' + (e.innerText || '').slice(0, 40) + '"';
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
        if (table.contains(e) || e.contains(table)) continue;
        const s = getComputedStyle(e);
        if (!['fixed', 'absolute', 'sticky'].includes(s.position)) continue;
        if (s.visibility === 'hidden' || s.display === 'none' || parseFloat(s.opacity) === 0
            || s.pointerEvents === 'none') continue;
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom)
            out.push('over the table: ' + name(e));
    }
    for (const cell of table.querySelectorAll('td, th')) {
        const r = cell.getBoundingClientRect();
        const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
        if (y < 0 || y >= window.innerHeight || x < 0 || x >= window.innerWidth) continue;
        const hit = document.elementFromPoint(x, y);
        if (!cell.contains(hit)) out.push('cell "' + cell.innerText + '" covered by ' + name(hit));
    }
    return out;
}"""


def test_nothing_covers_the_table(app):
    app.step(1)
    table = app.page.locator(".indicator-values")
    box = table.bounding_box()
    assert box["width"] > 600 and box["height"] > 100  # the table itself, with its rows
    top = table.evaluate("t => t.getBoundingClientRect().top + window.scrollY")
    # Windows whose bottom edge cuts the table near its top, middle and end (Solara's badge sat
    # at the first screen's bottom right, over the columns there), then scrolled to the table.
    for cut in (0.1, 0.5, 0.9):
        app.page.set_viewport_size({"width": 1400, "height": int(top + cut * box["height"])})
        for scroll in ("window.scrollTo(0, 0)",
                       "document.querySelector('.indicator-values').scrollIntoView("
                       "{block: 'end'})"):
            app.page.evaluate(scroll)
            assert app.page.evaluate(COVERING) == [], (cut, scroll)
    assert app.page.get_by_text("This website runs on").count() == 0
    app.check_clean()


def test_no_card_is_empty(app):
    app.step(1)
    cards = {}
    for card in app.page.locator(".v-card").all():
        title = card.locator(".v-card__title")
        heading = title.first.inner_text().strip() if title.count() else ""
        body = card.inner_text().replace(heading, "", 1).strip()
        content = card.locator("img, table, input, button, pre").count()
        cards[heading] = (len(body), content)
    assert {"Workshop settings", "Controls", "Information", "Corridors",
            "Headline indicators"} <= set(cards)
    assert "Model Parameters" not in cards
    assert not [h for h, (text, content) in cards.items() if text == 0 and content == 0], cards
    app.check_clean()


def test_the_panels_follow_what_the_preset_switches_on(app):
    app.step(1)
    assert list(app.panels()) == list(CHARTS)  # no facility, no shock: the headline panels
    app.choose_preset("covid_2020")
    app.step(7)  # into the lockdown of 2020: borders closed, migrants stranded
    assert list(app.panels()) == list(CHARTS) + ["employment_rate", "stranded"]
    covid = Settings.of_preset("covid_2020")
    for name in ("employment_rate", "stranded"):
        app.expect_value(name, expected(covid, 7, name))
    assert float(app.value("stranded").replace(",", "")) > 0.1  # million people
    print("screenshot:", app.screenshot("app_covid_2020"))
    app.choose_preset("facility_governance")
    app.step(1)
    assert list(app.panels()) == list(CHARTS) + list(FACILITY_CHARTS)
    app.check_clean()


# ----------------------------------------------------------------- forced displacement (issue 23)

def test_a_displacement_preset_charts_its_refugees(app):
    app.choose_preset("venezuela_2015")
    app.step(4)  # a year: the first flight after the mid-year start counts
    card = app.page.locator(".v-card", has_text="Forced displacement")
    card.wait_for(timeout=WAIT_MS)
    assert card.locator("img").count() == 1
    venezuela = Settings.of_preset("venezuela_2015")
    for name in DISPLACEMENT_CHARTS:
        app.expect_value(name, expected(venezuela, 4, name))
    limits = app.panels("displacement-values")
    assert list(limits) == list(DISPLACEMENT_CHARTS)
    model = WorkshopModel(Session(venezuela))
    for _ in range(4):
        model.step()
    run, base = timeseries(model), baseline(venezuela)
    for name, (lo, hi) in limits.items():
        for frame in (run, base):
            assert lo <= _shown(frame, name).min() and _shown(frame, name).max() <= hi, name
    assert float(app.value("refugees").replace(",", "")) > 1  # million people
    assert list(app.panels()) == list(CHARTS)  # the headline card is unchanged
    # The page scrolls inside Solara's layout, not the body: a window tall enough for the card.
    app.page.set_viewport_size({"width": 1400, "height": 2900})
    print("screenshot:", app.screenshot("app_venezuela_2015"))
    app.check_clean()
