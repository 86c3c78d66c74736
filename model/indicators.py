"""Indicators and headlines: what a run reports, assembled from the components' declarations.

Each indicator (a timeseries column) and each headline (an outcome in summary.json and the
sweep table) is declared once, with its unit, meaning and how it is measured, by the component
that produces it (`model.components`, `model.catalogue`). Every indicator is in people or US
dollars (never in agents). Stocks are measured at the end of a step; flows (inflows, returns,
remittances) are totals over the step.
"""

from __future__ import annotations

import model.catalogue as catalogue
from model.census import region_column, stock_by_region
from model.components import Headline, Indicator

__all__ = ["Headline", "Indicator", "headline", "headlines", "indicators", "labels", "measure",
           "region_column", "units"]


def indicators() -> tuple[Indicator, ...]:
    """Every timeseries indicator, in the order of the components that declare them."""
    return catalogue.indicators()


def headlines() -> tuple[Headline, ...]:
    """Every headline outcome of a run."""
    return catalogue.headlines()


def units() -> dict[str, str]:
    """Indicator and headline name -> unit."""
    return {i.name: i.unit for i in (*indicators(), *headlines())}


def labels() -> dict[str, str]:
    """Indicator and headline name -> meaning in plain words."""
    return {i.name: i.label for i in (*indicators(), *headlines())}


def measure(model, specs: tuple[Indicator, ...] | None = None) -> dict[str, float]:
    """All indicators of the step just run (`specs`: the model's own list, assembled once),
    plus the stocks by destination region."""
    out = {i.name: i.measure(model) for i in (specs if specs is not None else indicators())}
    out.update(stock_by_region(model))
    return out


def headline(model) -> dict[str, float]:
    """Headline outcomes of a finished (or partly run) model, as plain floats."""
    ts = model.datacollector.get_model_vars_dataframe()
    if ts.empty:
        raise ValueError("the model has not run any step yet")
    return {h.name: h.value(ts, model) for h in headlines()}


def reporter(name: str):
    """A named DataCollector reporter reading one indicator of the step just measured."""
    def report(model):
        return model.indicator_values[name]
    report.__name__ = name
    return report
