"""Figures for one run folder, written as PNG files for a policy reader.

`make_figures(run_dir)` reads the run folder's outputs once (`RunData`) and draws, into
`run_dir/figures`, every figure the model's components declare: each component lists the
figures of its own data in its `figures` (`model.components.RunFigure`: file name, what it
shows, and the "module:function" that draws it), `model.catalogue.figures()` gathers them in
component order, and the README's list of figures is generated from the same declarations
(`python -m model.docs figures`). A new figure is a drawing function in a module of this
package and a `RunFigure` in its component: nothing here lists them.

The drawing functions, one module per theme, take the run's inputs (`RunData`) and the path to
write, and return the path, or None when their inputs are missing or empty:

- `migrants`: stocks by destination region, arrivals, returns and stranded migrants;
- `remittances`: the largest recipients and the SDG indicators;
- `labour`: brain waste and employment;
- `network`: the corridor map;
- `calibration`: the start year against published data;
- `shocks`, `facility`, `partnerships`: the runs with shocks, the facility or agreements;
- `common`: what they share (titles, the baseline's line, axes, labels).

A run with a policy or shock draws its same-seed baseline beside it (grey, dashed, labelled
"baseline (same seed)") in the time-series figures, and its map marks the corridors its
policies cover (orange): `model.baseline` writes those inputs into `figures/`
(`baseline_timeseries.csv`, `baseline_country_timeseries.csv`, `covered_corridors.csv`) and says
what the baseline is; a folder without them gets the figures of the run alone.

A figure whose inputs are missing or empty is skipped (logged, no file, no error); a
declaration whose `draw` cannot be found is an error naming the figure and its component.
Files carry no software/date metadata, so the same inputs give byte-identical PNGs.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Callable

from model.components import RunFigure
from model.plots.remittances import SDG_CORRIDOR_CEILING_PCT, SDG_PRICE_TARGET_PCT
from model.plots.run_data import RunData

__all__ = ["RunData", "SDG_CORRIDOR_CEILING_PCT", "SDG_PRICE_TARGET_PCT", "drawing",
           "make_figures"]

log = logging.getLogger(__name__)

Draw = Callable[[RunData, Path], "Path | None"]


def drawing(figure: RunFigure, owner: str) -> Draw:
    """The drawing function a figure declares (`draw` = "module:function"), imported now.

    Raises:
        ValueError: naming the figure and the component `owner` that declares it, when `draw`
            is not "module:function" or names no function.
    """
    module, sep, name = figure.draw.partition(":")
    try:
        if not sep or not module or not name:
            raise ValueError("not of the form 'module:function'")
        function = getattr(importlib.import_module(module), name)
        if not callable(function):
            raise TypeError(f"{name} is not a function")
    except (ImportError, AttributeError, ValueError, TypeError) as exc:
        raise ValueError(f"figure {figure.file!r} declared by {owner}: cannot use "
                         f"draw={figure.draw!r} ({exc})") from exc
    return function


def declared() -> list[tuple[RunFigure, Draw]]:
    """Every declared run figure with its drawing function, in component order; every `draw`
    is checked before anything is drawn."""
    from model.catalogue import components, figures

    owners = {fig.file: cls.__name__ for cls in components() for fig in cls.figures}
    return [(fig, drawing(fig, owners[fig.file])) for fig in figures()]


def make_figures(run_dir: Path) -> list[Path]:
    """Write the PNG figures of a run into `run_dir/figures` and return their paths.

    Figures whose inputs are missing or empty are skipped; the others are still written. The
    baseline and the covered corridors are drawn when `model.baseline` wrote their tables into
    `figures/` (`model.baseline.write_inputs` does, before the runner calls this).
    """
    run_dir = Path(run_dir)
    out = run_dir / "figures"
    out.mkdir(parents=True, exist_ok=True)
    jobs = declared()
    data = RunData.read(run_dir)
    written = []
    for figure, draw in jobs:
        path = draw(data, out / figure.file)
        if path is None:
            log.debug("skipped %s: inputs missing or empty", figure.file)  # e.g. no facility
        else:
            written.append(path)
    return written
