"""How many workshop participants one server sustains: sessions stepping once a second.

    python benchmarks/app_sessions.py                     # 1, 2, 4, 6, 8 and 10 sessions, 30 s each
    python benchmarks/app_sessions.py --sessions 1 4 --seconds 20

Starts the app with its own command (`python -m model.app`) on a free port and opens N pages in
Debian's headless Chromium (each a browser context: its own session, model and charts). Every
page presses Step once a second unless its last step is still being drawn (a missed tick). The
page itself times each step, from the click to the moment both the step counter and the charts
have changed (a MutationObserver on the page, so the driver's own pace does not count).

A setting is *sustained* when the median step takes under a second and at most 5% of the ticks
are missed. The browsers run on the same two cores as the server here, so this understates what
a room of participants on their own laptops gets from one server; the CPU seconds per step of
the server process and of the browsers (from /proc) say by how much.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_app_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - one launch recipe

# Times a Step click and the redraw that follows it, inside the page.
TIMER = """() => {
  window.__steps = []; window.__pending = null;
  const state = () => [document.querySelector('.step-status')?.innerText,
                       [...document.querySelectorAll('img')]
                         .map(i => i.src.length + i.src.slice(-40)).join()];
  document.addEventListener('click', e => {
    const b = e.target.closest('button');
    if (b && b.innerText.trim().toUpperCase() === 'STEP') {
      window.__pending = {t: performance.now(), before: state()};
    }
  }, true);
  new MutationObserver(() => {
    const p = window.__pending;
    if (!p) return;
    const now = state();
    if (now[0] !== p.before[0] && now[1] !== p.before[1]) {
      window.__steps.push(performance.now() - p.t); window.__pending = null;
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: ['src']});
}"""
CLICK = """() => {
  if (window.__pending) return false;
  const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim().toUpperCase() === 'STEP');
  b.click(); return true;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "model.app", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(360):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the app did not start")


def cpu_seconds(match) -> float:
    """User and system CPU seconds of the processes whose (pid, command name) `match` accepts."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            name, fields = rest.rsplit(") ", 1)
        except (OSError, ValueError):
            continue
        if match(int(pid), name):
            utime, stime = fields.split()[11:13]
            total += (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")
    return total


def measure(browser, url: str, sessions: int, seconds: float, server_pid: int) -> dict:
    """Step `sessions` pages once a second for `seconds`; their step times and missed ticks."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1900})
                for _ in range(sessions)]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.goto(url, timeout=120_000)
        page.locator(".step-status", has_text="Step 0 of").wait_for(timeout=120_000)
        page.evaluate(TIMER)
    ticks = missed = 0
    server_cpu = cpu_seconds(lambda pid, name: pid == server_pid)
    browser_cpu = cpu_seconds(lambda pid, name: "chrom" in name)
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        tick = time.monotonic()
        for page in pages:
            ticks += 1
            missed += not page.evaluate(CLICK)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    time.sleep(2.0)  # let the last steps land
    server_cpu = cpu_seconds(lambda pid, name: pid == server_pid) - server_cpu
    browser_cpu = cpu_seconds(lambda pid, name: "chrom" in name) - browser_cpu
    steps = [s / 1000 for page in pages for s in page.evaluate("window.__steps")]
    for c in contexts:
        c.close()
    steps.sort()
    result = {"sessions": sessions, "ticks": ticks, "missed": missed, "steps": len(steps),
              "median_s": statistics.median(steps) if steps else None,
              "p90_s": steps[int(0.9 * (len(steps) - 1))] if steps else None,
              "max_s": steps[-1] if steps else None}
    result["sustained"] = bool(steps) and result["median_s"] < 1.0 and missed <= 0.05 * ticks
    # CPU per step of the server and of the browsers, which share this machine's cores here.
    result["server_cpu_s_per_step"] = server_cpu / max(len(steps), 1)
    result["browser_cpu_s_per_step"] = browser_cpu / max(len(steps), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4, 6, 8, 10])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "benchmarks" /
                        "app_sessions.json")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            for n in args.sessions:
                r = measure(browser, f"http://127.0.0.1:{port}/", n, args.seconds, server.pid)
                results.append(r)
                print(f"{n:3d} sessions: {r['steps']:4d} steps, median {r['median_s']:.2f} s, "
                      f"90% {r['p90_s']:.2f} s, max {r['max_s']:.2f} s, missed {r['missed']} of "
                      f"{r['ticks']} ticks -> {'sustained' if r['sustained'] else 'NOT sustained'}"
                      f"; CPU per step: server {r['server_cpu_s_per_step']:.3f} s, browsers "
                      f"{r['browser_cpu_s_per_step']:.3f} s", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seconds": args.seconds, "results": results}, indent=2))
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
