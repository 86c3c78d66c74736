"""Global sensitivity analysis of the behavioural parameters with SALib, run as a Hydra sweep.

    python -m model.sensitivity sample --method morris --out DIR [--trajectories 10]
    python run.py -m sample.file=DIR/sample.csv 'sample.row=range(0,R)' ...   # printed by sample
    python -m model.sensitivity analyse DIR
    python -m model.sensitivity sample --method sobol --out DIR2 --from-morris DIR --top 4
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.params import ConfigError
from model.sensitivity.analysis import OUTCOMES, analyse
from model.sensitivity.layout import PROBLEM, SAMPLE
from model.sensitivity.sampling import (MAX_RUNS, METHODS, NOISE_SEEDS, ROOT, python_name, sample,
                                        top_from_morris)


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def main(argv: list[str] | None = None) -> None:
    """The command line: `sample` writes a design and prints its sweep, `analyse` computes the
    indices of a finished one; bad input ends with one line on stderr and exit status 2."""
    parser = argparse.ArgumentParser(prog="python -m model.sensitivity",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="write a Morris or Sobol design and print its sweep")
    s.add_argument("--method", choices=METHODS, required=True)
    s.add_argument("--out", type=Path, required=True, help="the design's folder")
    s.add_argument("--trajectories", type=int, default=10, help="Morris: r (default 10)")
    s.add_argument("--n", type=int, default=64, help="Sobol: base samples N, a power of 2")
    s.add_argument("--params", help="comma-separated parameters (dotted or leaf names); "
                                    "default every behavioural float setting")
    s.add_argument("--from-morris", type=Path, help="take the parameters from this Morris "
                                                    "folder's indices.csv")
    s.add_argument("--top", type=int, default=4, help="with --from-morris: how many")
    s.add_argument("--seed", type=int, default=1, help="SALib's sampler seed")
    s.add_argument("--seeds", default="42", help="the model seed(s) of every row (default 42)")
    s.add_argument("--policies", help="comma-separated policies, each run at every row "
                                      "beside the baseline (policies=[],[a],...)")
    s.add_argument("--max-runs", type=int, default=MAX_RUNS, help="budget (default 2000)")
    s.add_argument("--noise-seeds", type=int, default=NOISE_SEEDS,
                   help=f"runs of the defaults on other seeds, for the noise floor (default "
                        f"{NOISE_SEEDS}; 0: none)")
    s.add_argument("overrides", nargs="*", help="settings shared by every run (end_year=2025 "
                                                "people_per_agent=20000 ...)")
    a = sub.add_parser("analyse", help="indices, figure and ranking of a finished sweep")
    a.add_argument("folder", type=Path)
    a.add_argument("--outcomes", help=f"comma-separated headlines or 'all' (default: "
                                      f"{','.join(OUTCOMES)})")
    a.add_argument("--summary", type=Path, help="the sweep's summary.csv (default DIR/runs/)")
    a.add_argument("--seed", type=int, default=1, help="bootstrap seed")
    a.add_argument("--noise", type=Path, help="the seed-noise sweep (default DIR/noise/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "sample":
            params = _split(args.params)
            if args.from_morris:
                params = top_from_morris(args.from_morris, args.top)
                print(f"parameters from {args.from_morris}: {', '.join(params)}")
            seeds = [int(s) for s in _split(args.seeds)]
            record = sample(args.method, args.out, args.trajectories, args.n, params or None,
                            args.seed, seeds, _split(args.policies), args.overrides,
                            args.max_runs, noise_seeds=args.noise_seeds)
            print(f"{record['method']}: {record['rows']:,} design rows on "
                  f"{len(record['parameters'])} parameters, {record['runs']:,} runs (and "
                  f"{record['noise_runs']} for the seed-noise floor); wrote "
                  f"{args.out / SAMPLE} and {args.out / PROBLEM}")
            print(f"run it from {ROOT}:\n  {record['command']}")
            if record["noise_command"]:
                print(f"and the seed-noise floor ({record['noise_runs']} runs):\n  "
                      f"{record['noise_command']}")
            print(f"then: {python_name()} -m model.sensitivity analyse {args.out}")
        else:
            analyse(args.folder, _split(args.outcomes), args.summary, args.seed,
                    noise=args.noise)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
