"""Speed and memory of the model against Mesa's idiomatic per-agent reference, in one run.

    python benchmarks/bench.py            # all cases (about a minute)
    python benchmarks/bench.py --quick    # fewer steps
    python benchmarks/bench.py --sweep 1000   # also a 1,000-job sweep through Hydra's joblib
                                              # launcher (about 8 minutes on two cores)

Cases, each in a fresh subprocess so peak memory (ru_maxrss) belongs to that case alone:
- reference: Mesa's Boltzmann wealth model (benchmarks/boltzmann.py), 100,000 agents;
- default-100k / default-1M: the whole MigrationModel step on the default world (60 countries,
  1,173 corridors) with people_per_agent chosen for about 100,000 / 1,000,000 migrant agents
  (those abroad plus the returnees followed at home);
- global-100k / global-1M: the same on the global world (215 countries, 8,816 corridors), where
  the per-corridor work of each step (about 4 ms) weighs on the small case;
- global-2030: `world=global` from 2019 to 2030 at 1,000 people per agent, construction included.

The sweep case (`--sweep N`) runs `run.py -m hydra/launcher=joblib` with N seeds of the default
world, 2019-2030, figures off, on every core, and reports the wall time against the models' own
time (construction and steps, timed inside each job, `timing.json`) divided by the workers, and
the overhead per job outside the model (wall x workers - model time, over the jobs).

Speed is reported as agent-steps per second and as a ratio to the reference measured in the same
run (never as an absolute threshold: machines differ).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# People abroad in 2019, times the agents per person abroad (returnees followed at home add
# about 30% more agents): people_per_agent = STOCK / target gives about `target` agents.
STOCK = {"default": 159.0e6 * 1.3, "global": 248.2e6 * 1.3}


def case_reference(steps: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from benchmarks.boltzmann import BoltzmannWealth

    n = 100_000
    model = BoltzmannWealth(n, rng=1)
    model.step()  # warm-up
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    seconds = time.perf_counter() - start
    return {"agents": n, "steps": steps, "seconds": seconds, "agent_steps_per_s": n * steps / seconds}


def case_model(world: str, target_agents: int, steps: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from model import MigrationModel

    model = MigrationModel(world=world, people_per_agent=STOCK[world] / target_agents,
                           progress=False, rng=1)
    model.step()  # warm-up
    agent_steps, seconds = 0, 0.0
    for _ in range(steps):
        n = model.migrants.n
        start = time.perf_counter()
        model.step()
        seconds += time.perf_counter() - start
        agent_steps += n
    return {"agents": model.migrants.n, "steps": steps, "seconds": seconds,
            "agent_steps_per_s": agent_steps / seconds,
            "array_mb": model.migrants.nbytes / 2**20}


def case_global_2030() -> dict:
    sys.path.insert(0, str(ROOT))
    from model import MigrationModel

    start = time.perf_counter()
    model = MigrationModel(world="global", people_per_agent=1000.0, progress=False, rng=1)
    built = time.perf_counter() - start
    model.run()
    return {"agents": model.migrants.n, "steps": model.steps, "build_seconds": built,
            "seconds": time.perf_counter() - start}


# Jobs sent to a worker at a time: the launcher pickles its shared state (Hydra's context, the
# master config, about 100 kB) once per batch instead of once per job.
SWEEP_BATCH = 4


def case_sweep(jobs: int, root: Path = ROOT, batch_size: int | None = SWEEP_BATCH) -> dict:
    """A real multirun of `jobs` default-world runs through Hydra's joblib launcher, from the
    project at `root` (another checkout measures an earlier version the same way)."""
    import os
    import tempfile

    workers = os.cpu_count() or 1
    batch = [f"hydra.launcher.batch_size={batch_size}"] if batch_size else []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sweep"
        start = time.perf_counter()
        subprocess.run([sys.executable, "run.py", "-m", "hydra/launcher=joblib",
                        f"hydra.launcher.n_jobs={workers}", *batch, f"seed=range(1,{jobs + 1})",
                        "figures=false", "tables=none", "progress=false",
                        f"hydra.sweep.dir={out}"],
                       cwd=root, check=True, capture_output=True)
        wall = time.perf_counter() - start
        timings = [json.loads(p.read_text()) for p in out.glob("*/timing.json")]
    model = sum(t["build_seconds"] + t["steps_seconds"] for t in timings)
    return {"jobs": jobs, "workers": workers, "batch_size": batch_size, "root": str(root),
            "wall_seconds": wall, "model_seconds": model,
            "ratio": wall / (model / workers), "overhead_per_job": (wall * workers - model) / jobs,
            "timed_jobs": len(timings)}


def run_case(name: str, args: list[str]) -> dict:
    """Run one case in a fresh interpreter; add its peak resident memory."""
    proc = subprocess.run([sys.executable, __file__, "--case", name, *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps per case")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--sweep", type=int, default=0, metavar="N",
                        help="also time an N-job sweep through Hydra's joblib launcher")
    parser.add_argument("--sweep-only", action="store_true", help="only the sweep case")
    parser.add_argument("--batch-size", type=int, default=SWEEP_BATCH,
                        help=f"hydra.launcher.batch_size of the sweep (0: joblib's auto; "
                             f"default {SWEEP_BATCH})")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose run.py the sweep runs (an earlier version)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        steps = args.steps
        result = {"reference": lambda: case_reference(steps),
                  "default-100k": lambda: case_model("default", 100_000, steps),
                  "default-1M": lambda: case_model("default", 1_000_000, steps),
                  "global-100k": lambda: case_model("global", 100_000, steps),
                  "global-1M": lambda: case_model("global", 1_000_000, steps),
                  "global-2030": case_global_2030}[args.case]()
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    steps = "3" if args.quick else "8"
    results = {} if args.sweep_only else {
        name: run_case(name, ["--steps", steps])
        for name in ("reference", "default-100k", "default-1M", "global-100k", "global-1M",
                     "global-2030")}
    if results:
        print_cases(results)
    if args.sweep:
        sweep = case_sweep(args.sweep, args.root.resolve(), args.batch_size or None)
        results["sweep"] = sweep
        print(f"sweep: {sweep['jobs']} jobs on {sweep['workers']} workers (batch size "
              f"{sweep['batch_size'] or 'auto'}, {sweep['root']}) in {sweep['wall_seconds']:.1f} s; "
              f"the models' own time / workers {sweep['model_seconds'] / sweep['workers']:.1f} s; "
              f"ratio {sweep['ratio']:.2f}; overhead {sweep['overhead_per_job']:.2f} core-seconds "
              "per job")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def print_cases(results: dict) -> None:
    """The model cases as a table, speed as a ratio to the reference of the same run."""
    ref = results["reference"]["agent_steps_per_s"]
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"{'case':13s} {'agents':>10s} {'agent-steps/s':>15s} {'x reference':>12s} "
          f"{'seconds':>8s} {'peak RSS MB':>12s}")
    for name, r in results.items():
        rate = r.get("agent_steps_per_s")
        print(f"{name:13s} {r['agents']:>10,d} "
              f"{(f'{rate / 1e6:.2f} M' if rate else '-'):>15s} "
              f"{(f'{rate / ref:.1f}' if rate else '-'):>12s} {r['seconds']:>8.2f} "
              f"{r['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
