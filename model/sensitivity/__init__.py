"""Global sensitivity analysis of the behavioural parameters with SALib, run as a Hydra sweep
(docs/sensitivity.md; `python -m model.sensitivity sample|analyse`, `cli`).

`sampling` writes a design (its parameters, ranges, sample and sweep command), a run reads its
row through the config layer (`model.design`), `analysis` computes the indices of the finished
sweep, `ranking` says which parameters drive which outcome and `figures` draws them; `layout`
names the files of a design folder.
"""

from model.sensitivity.analysis import OUTCOMES, analyse, load_runs
from model.sensitivity.cli import main
from model.sensitivity.figures import plot
from model.sensitivity.layout import BASELINE
from model.sensitivity.ranking import noise_floor, ranking, report
from model.sensitivity.sampling import (METHODS, behavioural_parameters, bounds_of, problem,
                                        sample, sweep_command, top_from_morris)

__all__ = ["BASELINE", "METHODS", "OUTCOMES", "analyse", "behavioural_parameters", "bounds_of",
           "load_runs", "main", "noise_floor", "plot", "problem", "ranking", "report", "sample",
           "sweep_command", "top_from_morris"]
