"""Calibration: fit the behavioural parameters to corridor stocks and remittances, 2010-2015.

    python -m model.calibration fit --trials 200 --seeds 1,2        # a study in SQLite
    python -m model.calibration export                             # -> model/fitted.yaml

What is fitted: the settings declared with `param(..., fit=KEY)` (emigration propensity and
sensitivities, network elasticity, the fading of corridor trends, the irregular channel, the
price sensitivity of the channel choice, return hazards, job loss); `FIT_RANGES` gives the
search range of each. The remittance share of every origin is not searched: the model
calibrates it at the start to the start year's WDI receipts
(`model.processes.remittances.calibrate_remit_share`). Two remittance elasticities are not
fitted because these data cannot move them: the amount's response to the price
(`amount_price_elasticity`; prices are held at their start-year values) and to need at home
(`need_response`; no shock in 2010-2015); a run with either at the ends of its range gives
the same outputs, seed for seed. They keep their published values.

On what: the global world from mid-2010 (UN DESA 2010 stocks) to mid-2015, with
`world.migrants=economic` (stocks net of UNHCR's refugees, asylum seekers and other people in
need of international protection, so that flight from Syria is not read as a wage response) and
`world.trend=before` (the corridors' trends of 2005-2010: nothing after the start is used), at
`FIT_SETTINGS`' people per agent.

The loss (`loss`), averaged over the seeds, is the sum of two averaged relative differences:

    ARD_change = sum_c |dS_sim,c - dS_obs,c| / sum_c |dS_obs,c|     (dS: 2010->2015 change)
    ARD_remit  = sum_i,y |R_sim,iy - R_obs,iy| / sum_i,y R_obs,iy    (WDI, y = 2011..2015)

over the world's corridors c and the countries i with a WDI figure. A forecast of no change
scores ARD_change = 1. Net stock changes cannot tell more arrivals and more returns apart (the
corridor constants are calibrated to replace the returns), so the loss adds a penalty that
keeps the return hazards where the evidence is: 5 x the distance of the five-year retention of
an arrival cohort (`retention`) from OECD (2008, International Migration Outlook, Part III,
Dumont and Spielvogel)'s 50-80% (20-50% of immigrants leave within five years). Since every
run starts from the observed 2010 stocks, the error of the 2015 stock equals the error of the
change; `ard_stock`, the same errors over the 2015 stocks, is reported beside.

The study is Optuna's TPE sampler on a resumable study in SQLite, which several processes can
share (start the same command several times; on a cluster, point `--storage` at a database
server, see the README). `export` writes `model/fitted.yaml`: the best values found, which of
them the data identify (`identification`: a setting whose prior does as well, within twice the
standard error over seeds, keeps its prior as default), the data vintage, the loss and fit
statistics re-evaluated on more seeds, and the spread of the values over the best trials.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from model.params import FITTED_FILE, ConfigError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STORAGE = f"sqlite:///{ROOT / 'outputs' / 'calibration' / 'study.db'}"
DEFAULT_STUDY = "fit_2010_2015"

# Search range of every fitted setting (inside its declared range): (low, high, log scale).
FIT_RANGES: dict[str, tuple[float, float, bool]] = {
    "emigration.income_elasticity": (0.1, 2.0, False),
    "emigration.cost_sensitivity": (0.05, 10.0, True),
    "emigration.network_elasticity": (0.0, 1.2, False),
    "emigration.trend_half_life_years": (0.5, 100.0, True),
    "emigration.detection_probability": (0.05, 0.6, False),
    "emigration.channel_nesting": (0.2, 1.0, False),
    "remittances.price_sensitivity": (0.3, 3.0, True),  # around the evidence (docs/evidence.md)
    "returns.return_rate_settled": (0.005, 0.08, True),
    "returns.return_rate_new": (0.02, 1.5, True),
    "returns.return_decay_years": (0.5, 10.0, True),
    "labour.job_loss_rate": (0.05, 0.5, True),
}

# The fitting window and the model settings of every evaluation.
FIT_START, FIT_END = 2010, 2015
FIT_SETTINGS = {"world": "global", "world_trend": "before", "world_migrants": "economic",
                "people_per_agent": 5000.0, "steps_per_year": 4, "progress": False,
                "figures": False}
VINTAGE = {
    "stocks": "UN DESA International Migrant Stock 2024 (mid-2010 and mid-2015 estimates)",
    "refugees": "UNHCR Refugee Population Statistics (R package refugees 2025.12.1)",
    "remittances": "World Bank WDI BX.TRF.PWKR.CD.DT (2025 vintage), 2010-2015",
    "prices": "World Bank Remittance Prices Worldwide, 2011 (held back for 2010)",
    "carried from their years (no 2010 vintage; later data leak into the fit)":
        "skill mix (OECD DIOC 2015/16), wages (ILOSTAT and GDP per head, 2018-2019), "
        "unemployment (WDI 2019), bilateral remittances (KNOMAD 2018), distances (CEPII)",
}


def fitted_fields() -> dict[str, dataclasses.Field]:
    """Dotted key -> config field of every setting declared with `fit=`."""
    from model.config import field_meta

    return {f.metadata["fit"]: f for _, (dotted, f) in field_meta().items()
            if f.metadata.get("fit")}


def priors() -> dict[str, float]:
    """The values the settings had before any fit (literature or assumptions)."""
    return {key: float(f.metadata["prior"]) for key, f in fitted_fields().items()}


def check_ranges() -> None:
    """Every fitted setting has a search range inside its declared range, and every range a
    fitted setting."""
    fields = fitted_fields()
    if set(fields) != set(FIT_RANGES):
        raise AssertionError(f"fit= declarations {sorted(fields)} and FIT_RANGES "
                             f"{sorted(FIT_RANGES)} differ")
    for key, (low, high, _) in FIT_RANGES.items():
        m = fields[key].metadata
        if not (m["lo"] <= low < high <= m["hi"]):
            raise AssertionError(f"{key}: search range {low}-{high} outside {m['lo']}-{m['hi']}")


# ----------------------------------------------------------------------------- observations
@dataclass
class Window:
    """Observed stocks and remittances of a window, on the corridors and countries of the
    model world that starts it."""

    start: int
    end: int
    stock_start: np.ndarray  # [K] economic stock at mid-start (the model's start stock)
    stock_end: np.ndarray  # [K] economic stock at mid-end
    remittances: np.ndarray  # [C, years start+1..end] WDI received, NaN where not reported
    origin_region: np.ndarray  # [K]
    destination_region: np.ndarray  # [K]
    countries: np.ndarray  # [C] ISO3
    corridors: np.ndarray  # [K] "ORG->DST"


@cache
def observed(start: int = FIT_START, end: int = FIT_END, world: str = "global") -> Window:
    """The observations a window is scored on, for the world a run from `start` builds."""
    from model.world.loader import corridor_stocks, country_years, load_world

    w = load_world(world, None, start, "before", "economic")
    stocks = corridor_stocks(w.corridors, "economic")
    rows = country_years().set_index(["iso3", "year"])["remittances_received_usd"]
    years = list(range(start + 1, end + 1)) if end <= 2019 else list(range(start + 1, 2020))
    remit = np.array([[rows.get((iso, y), np.nan) for y in years] for iso in w.countries["iso3"]],
                     dtype=float)
    region = w.countries.set_index("iso3")["region"]
    return Window(start=start, end=end, stock_start=stocks[start], stock_end=stocks[end],
                  remittances=remit, origin_region=region.loc[w.corridors["origin"]].to_numpy(),
                  destination_region=region.loc[w.corridors["destination"]].to_numpy(),
                  countries=w.countries["iso3"].to_numpy(),
                  corridors=(w.corridors["origin"] + "->" + w.corridors["destination"]).to_numpy())


# ----------------------------------------------------------------------------- simulation
@dataclass
class Simulated:
    """What a run gives for scoring: stock at mid-end [K], formal receipts per year [C, Y]."""

    stock_end: np.ndarray
    remittances: np.ndarray


def simulate(values: dict[str, float], seed: int, start: int = FIT_START, end: int = FIT_END,
             settings: dict | None = None) -> Simulated:
    """Run the model with the fitted settings `values` (dotted keys) from `start` to the end
    of `end`; read the stock (end - start) years after the start, which the start's mid-year
    estimate makes the mid-`end` stock, and each year's formal receipts."""
    from model.model import MigrationModel

    kw = {**FIT_SETTINGS, **(settings or {}), "start_year": start, "end_year": end}
    kw.update({key.split(".")[1]: v for key, v in values.items()})
    m = MigrationModel(rng=seed, **kw)
    m.run()
    spy = m.steps_per_year
    # The start stock is the mid-year estimate, so the run's step s ends at start + s / spy
    # years after mid-start: mid-end is (end - start) * spy steps on.
    stocks = m.history["stock_by_corridor"]
    stock_end = stocks[(end - start) * spy - 1]
    received = np.asarray(m.history["formal_received_by_origin"])  # [steps, C]
    last = min(end, 2019)
    years = [received[(y - start) * spy:(y - start + 1) * spy].sum(axis=0)
             for y in range(start + 1, last + 1)]
    return Simulated(stock_end=np.asarray(stock_end, float), remittances=np.stack(years, axis=1))


# ----------------------------------------------------------------------------- metrics
def ard(sim: np.ndarray, obs: np.ndarray, scale: np.ndarray | None = None) -> float:
    """Averaged relative difference sum |sim - obs| / sum |scale| (scale defaults to obs),
    over the finite observations."""
    sim, obs = np.asarray(sim, float), np.asarray(obs, float)
    scale = obs if scale is None else np.asarray(scale, float)
    ok = np.isfinite(obs) & np.isfinite(scale)
    denominator = np.abs(scale[ok]).sum()
    return float(np.abs(sim[ok] - obs[ok]).sum() / denominator) if denominator > 0 else math.nan


def scores(sim: Simulated, obs: Window) -> dict[str, float]:
    """ARD of the change of corridor stocks, of the end stocks and of remittances."""
    change_obs = obs.stock_end - obs.stock_start
    return {"ard_change": ard(sim.stock_end - obs.stock_start, change_obs),
            "ard_stock": ard(sim.stock_end, obs.stock_end),
            "ard_remit": ard(sim.remittances, obs.remittances)}


RETENTION_RANGE = (0.5, 0.8)  # OECD (2008) IMO Part III: share still abroad after five years
RETENTION_PENALTY = 5.0


def retention(values: dict[str, float], years: float = 5.0) -> float:
    """Share of an arrival cohort still abroad after `years` under the return hazards of
    `values` (an employed migrant before any savings target: the survival the model samples the
    start stock's years abroad from, `MigrationModel._sample_years_abroad`)."""
    prior = priors()
    get = {k: values.get(k, prior[k]) for k in prior}
    settled, new = get["returns.return_rate_settled"], get["returns.return_rate_new"]
    decay = get["returns.return_decay_years"]
    return float(np.exp(-settled * years - new * decay * (1.0 - np.exp(-years / decay))))


def penalty(values: dict[str, float]) -> float:
    """RETENTION_PENALTY x how far the five-year retention lies outside RETENTION_RANGE."""
    r, (low, high) = retention(values), RETENTION_RANGE
    return RETENTION_PENALTY * max(0.0, low - r, r - high)


def loss(values: dict[str, float], seeds: list[int], settings: dict | None = None) -> dict:
    """The calibration loss of `values`: ARD_change + ARD_remit, each averaged over `seeds`,
    plus the retention penalty (and the mean scores)."""
    obs = observed(FIT_START, FIT_END, {**FIT_SETTINGS, **(settings or {})}["world"])
    per_seed = [scores(simulate(values, s, settings=settings), obs) for s in seeds]
    mean = {k: float(np.mean([p[k] for p in per_seed])) for k in per_seed[0]}
    extra = penalty(values)
    each = [p["ard_change"] + p["ard_remit"] + extra for p in per_seed]
    return {"loss": mean["ard_change"] + mean["ard_remit"] + extra, **mean, "penalty": extra,
            "retention_5y": retention(values), "loss_sd_over_seeds": float(np.std(each)),
            "loss_per_seed": each}


def naive_forecasts(obs: Window, start_year_remittances: np.ndarray,
                    earlier_remittances: np.ndarray,
                    earlier_stock: np.ndarray) -> dict[str, Simulated]:
    """The two naive forecasts from the window's start: unchanged, and the previous five
    years' trend continued (linear, stocks floored at zero)."""
    span = obs.end - obs.start
    years = np.arange(1, obs.remittances.shape[1] + 1)
    unchanged = Simulated(obs.stock_start.copy(),
                          np.repeat(start_year_remittances[:, None], len(years), axis=1))
    slope = (start_year_remittances - earlier_remittances) / 5.0
    trend = Simulated(np.maximum(obs.stock_start + (obs.stock_start - earlier_stock) * span / 5, 0),
                      start_year_remittances[:, None] + slope[:, None] * years[None, :])
    return {"unchanged": unchanged, "trend": trend}


def naive_scores(obs: Window, start_year_remittances: np.ndarray,
                 earlier_remittances: np.ndarray, earlier_stock: np.ndarray) -> dict:
    """The scores of `naive_forecasts`."""
    forecasts = naive_forecasts(obs, start_year_remittances, earlier_remittances, earlier_stock)
    return {name: scores(sim, obs) for name, sim in forecasts.items()}


def naive_inputs(world: str, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the naive forecasts from `start` need, on the world a run from `start` builds: WDI
    remittances of the start year and of five years before (0 where not reported), and the
    economic stocks five years before."""
    from model.world.loader import corridor_stocks, load_world, start_remittances

    w = load_world(world, None, start, "before", "economic")
    start_year = np.nan_to_num(w.countries["remittances_received_usd"].to_numpy(float))
    before = np.nan_to_num(start_remittances(w.countries, start - 5).to_numpy(float))
    return start_year, before, corridor_stocks(w.corridors, "economic")[start - 5]


# ----------------------------------------------------------------------------- the study
def _suggest(trial) -> dict[str, float]:
    return {key: trial.suggest_float(key, low, high, log=log)
            for key, (low, high, log) in FIT_RANGES.items()}


def open_study(storage: str, name: str, seed: int | None = None):
    """The study `name` in `storage` (created if new): TPE, minimising the loss."""
    import optuna

    if storage.startswith("sqlite:///"):
        Path(storage.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True)
    return optuna.create_study(study_name=name, storage=storage, load_if_exists=True,
                               direction="minimize", sampler=sampler)


def evaluate(trial, seeds: list[int], settings: dict | None = None) -> float:
    """A trial's loss, its scores kept as the trial's attributes. Settings whose start cannot be
    calibrated (`entry.ImplausibleStart`: returns so high that replacing them would empty an
    origin) prune the trial instead of stopping the study and the other workers."""
    import optuna

    from model.processes.entry import ImplausibleStart

    try:
        result = loss(_suggest(trial), seeds, settings)
    except ImplausibleStart as err:
        trial.set_user_attr("pruned_because", str(err))
        raise optuna.TrialPruned(str(err)) from None
    for key, value in result.items():
        trial.set_user_attr(key, value)
    return result["loss"]


def fit(trials: int, seeds: list[int], storage: str = DEFAULT_STORAGE,
        study_name: str = DEFAULT_STUDY, sampler_seed: int | None = None,
        settings: dict | None = None, progress: bool = True):
    """Run trials until the study holds `trials` finished ones (shared with other processes
    on the same storage). The first trial of a new study is the priors."""
    import optuna

    check_ranges()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = open_study(storage, study_name, sampler_seed)
    if not study.trials:
        prior = priors()
        study.enqueue_trial({k: float(np.clip(v, FIT_RANGES[k][0], FIT_RANGES[k][1]))
                             for k, v in prior.items()}, user_attrs={"prior": True})
    study.set_user_attr("seeds", seeds)
    study.set_user_attr("settings", {**FIT_SETTINGS, **(settings or {})})
    done = sum(t.state.is_finished() for t in study.trials)
    todo = max(trials - done, 0)

    def objective(trial):
        return evaluate(trial, seeds, settings)

    stop = optuna.study.MaxTrialsCallback(trials, states=None)
    if todo:
        study.optimize(objective, n_trials=todo, callbacks=[stop], show_progress_bar=progress)
    return study


def best_trials(study, share: float = 0.1, at_least: int = 5) -> list:
    """The best finished trials: the lowest `share` of the losses, at least `at_least`."""
    import optuna

    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    done.sort(key=lambda t: t.value)
    return done[:max(at_least, int(len(done) * share))]


def export(study, seeds: list[int], path: Path = FITTED_FILE, settings: dict | None = None,
           overwrite: bool = False) -> dict:
    """Write the fit to `path` (model/fitted.yaml): the best trial's values, re-scored on
    `seeds` against the priors and the naive forecasts, with the spread over the best trials
    and over the seeds."""
    import optuna
    import yaml

    if path.exists() and not overwrite:
        raise ConfigError(f"{path} exists; pass --overwrite to replace the fitted defaults")
    best = best_trials(study)
    found = {k: float(best[0].params[k]) for k in FIT_RANGES}
    profile = identification(found, seeds, settings)
    # Only what the data pin down replaces its prior: a setting whose prior value does as well
    # (within twice the standard error of the paired difference over seeds) keeps the prior.
    values = {k: (found[k] if profile[k]["identified"] else priors()[k]) for k in FIT_RANGES}
    fitted = loss(values, seeds, settings)
    prior = loss(priors(), seeds, settings)
    world = {**FIT_SETTINGS, **(settings or {})}["world"]
    naive = naive_scores(observed(FIT_START, FIT_END, world), *naive_inputs(world, FIT_START))
    spread = {}
    for key, (low, high, log) in FIT_RANGES.items():
        xs = np.array([t.params[key] for t in best])
        scale = np.log if log else (lambda v: v)
        # The share of the search range the best trials span, on the sampler's scale. TPE
        # samples more densely near the best values, so this understates the uncertainty.
        span = float((scale(xs.max()) - scale(xs.min())) / (scale(high) - scale(low)))
        where = float((scale(values[key]) - scale(low)) / (scale(high) - scale(low)))
        spread[key] = {"best": round(values[key], 6), "min": round(float(xs.min()), 6),
                       "max": round(float(xs.max()), 6), "sd": round(float(xs.std()), 6),
                       "share_of_range": round(span, 3),
                       # Within 2% of an end of the search range: the fit would go further.
                       "at_range_end": bool(where < 0.02 or where > 0.98)}
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    doc = {
        "about": "Fitted by python -m model.calibration (model/calibration.py): the defaults of "
                 "the settings declared with param(..., fit=KEY). Do not edit by hand.",
        "fitted_on": f"mid-{FIT_START} to mid-{FIT_END}: corridor stocks (net of UNHCR "
                     f"refugees) and WDI remittances received {FIT_START + 1}-{FIT_END}; "
                     "validated out of sample from 2015 to 2020 (docs/validation.md); not "
                     "refitted on data up to 2020",
        "vintage": VINTAGE,
        "settings": {**FIT_SETTINGS, **(settings or {}), "start_year": FIT_START,
                     "end_year": FIT_END},
        "loss": {"definition": "ARD_change + ARD_remit, averaged over seeds, + 5 x the "
                               "distance of the five-year retention from 50-80% (see "
                               "model/calibration.py)",
                 "fitted": _rounded(fitted), "priors": _rounded(prior),
                 "naive_unchanged": _rounded(naive["unchanged"]),
                 "naive_trend": _rounded(naive["trend"]), "seeds": seeds},
        "study": {"name": study.study_name, "trials": len(complete),
                  "sampler": "Optuna TPE (multivariate)", "best_trial": best[0].number,
                  "best_trials_for_spread": len(best), "seeds_per_trial":
                  study.user_attrs.get("seeds")},
        "spread": spread,
        "identification": profile,
        "found": {k: round(v, 6) for k, v in found.items()},
        # The defaults (model.params.param(fit=KEY)): the identified values only.
        "values": {k: round(found[k], 6) for k in FIT_RANGES if profile[k]["identified"]},
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False, width=100), encoding="utf-8")
    return doc


def identification(found: dict[str, float], seeds: list[int],
                   settings: dict | None = None) -> dict[str, dict]:
    """For each fitted setting, the loss with it at its prior (the others at the values found)
    minus the loss at the values found, paired by seed: identified when the prior is worse by
    more than twice the standard error of that difference."""
    base = loss(found, seeds, settings)["loss_per_seed"]
    prior = priors()
    out = {}
    for key, (low, high, _) in FIT_RANGES.items():
        alt = loss({**found, key: float(np.clip(prior[key], low, high))}, seeds,
                   settings)["loss_per_seed"]
        diff = np.asarray(alt) - np.asarray(base)
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        out[key] = {"prior": prior[key], "loss_change_at_prior": round(float(diff.mean()), 5),
                    "standard_error": round(se, 5),
                    "identified": bool(diff.mean() > 2.0 * se and diff.mean() > 0)}
    return out


def _rounded(d: dict) -> dict:
    return {k: round(float(v), 5) for k, v in d.items() if not isinstance(v, list)}


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(f"--seeds {text!r}: give whole numbers separated by commas, e.g. 1,2,3")
    if not seeds:
        raise SystemExit("--seeds: give at least one seed")
    return seeds


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m model.calibration",
                                description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fit", help="run trials of the study (resumable; several processes may "
                                   "share one storage)")
    f.add_argument("--trials", type=int, default=200,
                   help="finished trials the study should hold in all (default 200)")
    f.add_argument("--seeds", default="1,2", help="seeds each trial averages over (default 1,2)")
    e = sub.add_parser("export", help="write the best values to model/fitted.yaml")
    e.add_argument("--seeds", default="1,2,3,4,5",
                   help="seeds to re-score the best values on (default 1-5)")
    e.add_argument("--out", type=Path, default=FITTED_FILE)
    e.add_argument("--overwrite", action="store_true", help="replace an existing fitted file")
    for q in (f, e):
        q.add_argument("--storage", default=DEFAULT_STORAGE,
                       help="Optuna storage URL (default: SQLite in outputs/calibration/); on a "
                            "cluster, a database server such as postgresql://...")
        q.add_argument("--study", default=DEFAULT_STUDY, help="study name")
        q.add_argument("--people-per-agent", type=float, default=FIT_SETTINGS["people_per_agent"])
        q.add_argument("--world", choices=("global", "default"), default=FIT_SETTINGS["world"])
    f.add_argument("--sampler-seed", type=int, default=None,
                   help="seed of the TPE sampler (default: none, so parallel workers differ)")
    args = p.parse_args(argv)
    settings = {"people_per_agent": args.people_per_agent, "world": args.world}
    if args.people_per_agent <= 0:
        raise SystemExit("--people-per-agent must be above 0")
    started = time.time()
    if args.command == "fit":
        if args.trials < 1:
            raise SystemExit("--trials must be at least 1")
        study = fit(args.trials, _seeds(args.seeds), args.storage, args.study,
                    args.sampler_seed, settings)
        best = study.best_trial
        print(f"{len(study.trials)} trials in {args.storage} (study {args.study}); best loss "
              f"{best.value:.4f} (trial {best.number}) in {time.time() - started:.0f} s")
        return 0
    study = open_study(args.storage, args.study)
    if not study.trials:
        raise SystemExit(f"study {args.study} in {args.storage} has no trials: run fit first")
    try:
        doc = export(study, _seeds(args.seeds), args.out, settings, args.overwrite)
    except ConfigError as err:
        raise SystemExit(str(err))
    print(f"wrote {args.out}: loss {doc['loss']['fitted']['loss']:.4f} (priors "
          f"{doc['loss']['priors']['loss']:.4f}) over seeds {doc['loss']['seeds']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
