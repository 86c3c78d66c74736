"""Write docs/app.png, the README's screenshot of the workshop app.

    python docs/app_screenshot.py

Serves the app with its own command, opens it in Debian's headless Chromium, chooses the preset
"South-South corridors in Africa" (the global world, cheaper remittances and fair recruitment
among 24 African countries), raises the cheaper-remittances budget one notch, steps into 2022
and takes the page.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.app_sessions import free_port  # noqa: E402
from model.app.settings import preset  # noqa: E402
from tests.test_app_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "app.png"
PRESET = "south_south_africa"
STEPS = 12


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "model.app", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(360):
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1500})
            page.goto(url, timeout=120_000)
            page.locator(".step-status").wait_for(timeout=120_000)
            page.locator(".v-select", has_text="Preset").click()
            page.get_by_role("option", name=preset(PRESET).title).click()
            page.locator(".run-command", has_text=PRESET).wait_for(timeout=60_000)
            page.locator(".value-cheaper_remittances").wait_for(timeout=60_000)
            thumb = page.locator(".v-slider__thumb-container").first
            thumb.focus()
            thumb.press("ArrowRight")
            page.locator(".run-command", has_text="budget_usd_per_year").wait_for(timeout=60_000)
            for n in range(1, STEPS + 1):
                page.get_by_role("button", name="Step", exact=True).click()
                page.locator(".step-status", has_text=f"Step {n} of").wait_for(timeout=60_000)
            time.sleep(1.0)  # let the Step button come back from its click
            page.screenshot(path=OUT, full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"written: {OUT}")


if __name__ == "__main__":
    main()
