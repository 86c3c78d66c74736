"""The workshop page: Mesa's model controls with the project's settings, map and charts.

Mesa's SolaraViz components give the Step / Play / Reset controls and the step counter (its
sidebar without the "Model Parameters" card, see `Controls`); this module adds, per browser
session, the settings a participant chooses (preset, seed, policies and their main parameter,
read from the declarations by `model.app.settings`), a status card with the learning goal, the
equivalent command line and the tables to download, the corridor map, the indicators the run
switches on against the baseline and, when the run has refugees, asylum seekers or others in
need of international protection, their numbers, hosts, flight and returns.

Every session has its own `Session`, model and chart (made with `use_memo` inside `Page`, which
Solara renders once per browser tab), never module-level state shared by everyone.
"""

from __future__ import annotations

import html
import logging

import solara
import solara.lab
from mesa.visualization.solara_viz import ModelController, ShowSteps
from mesa.visualization.utils import update_counter

from model.app.charts import (
    DISPLACEMENT_CHARTS,
    CorridorMap,
    IndicatorChart,
    displaced,
    panels,
    scaled,
)
from model.app.settings import PolicyControl, Settings, number, policy_controls, preset, presets
from model.app.workshop import Session, WorkshopModel, baseline
from model.indicators import labels, units
from model.outputs import timeseries
from model.params import ConfigError

TITLE = "Migration partnerships: a workshop"
SMALL = {"font-size": "0.8em", "color": "#555"}
log = logging.getLogger(__name__)


def shown_value(c: PolicyControl, value: float) -> str:
    """A main parameter's value with its unit, in readable magnitudes."""
    if c.unit.startswith("USD") and value >= 1e6:
        return f"{value / 1e9:g} bn {c.unit}" if value >= 1e9 else f"{value / 1e6:g} M {c.unit}"
    return f"{number(value)} {c.unit}"


@solara.component
def PolicySwitch(c: PolicyControl, settings: Settings, on_settings):
    """A policy's checkbox and, while it is on, the slider of its main parameter."""
    on = c.name in settings.values
    solara.Checkbox(label=c.label, value=on,
                    on_value=lambda v: on_settings(settings.switched(c.name, v)))
    if not on:
        return
    value = settings.values[c.name]

    def moved(v: float) -> None:
        if v != value:  # a slider may report the value it was given
            on_settings(settings.with_value(c.name, float(v)))

    # The declared label above the slider: as the slider's own label it would squeeze it.
    solara.Text(f"{c.text} ({c.unit})", style=SMALL)
    if c.values is None:
        solara.SliderFloat("", value=value, min=c.lo, max=c.hi, step=c.step(value),
                           on_value=moved)
    else:
        # A slider over the positions of the series: Vuetify would label every one of them.
        choices = sorted(set(c.values) | {value})
        solara.SliderInt("", value=choices.index(value), min=0, max=len(choices) - 1,
                         on_value=lambda i: moved(choices[i]))
    solara.Text(shown_value(c, value), style=SMALL, classes=[f"value-{c.name}"])


@solara.component
def SettingsPanel(settings: Settings, on_settings):
    """Preset, seed and policies: every change rebuilds the run at its start."""
    titles = {p.title: p.name for p in presets()}
    # At most the sidebar's width: a long preset title would widen the sidebar over the page.
    with solara.Card("Workshop settings", style={"max-width": "340px"}):
        solara.Select("Preset", value=preset(settings.preset).title, values=list(titles),
                      on_value=lambda t: on_settings(Settings.of_preset(titles[t], settings.seed)))
        solara.InputInt("Seed (empty: the preset's)", value=settings.seed, optional=True,
                        on_value=lambda s: on_settings(Settings(settings.preset, s,
                                                                settings.values)))
        solara.Text("Policies", style={"font-weight": "bold"})
        for c in policy_controls():
            PolicySwitch(c, settings, on_settings)
        solara.Text("A change restarts the run at its start year.", style=SMALL)


@solara.component
def StatusCard(model: WorkshopModel, error: str | None):
    """Where the run is, what the preset teaches, its command line and its tables."""
    update_counter.get()  # re-rendered by Mesa's controller after every step
    p = preset(model.settings.preset)
    with solara.Card(p.title), solara.Column(gap="6px"):
        # Plain text, not solara.Markdown: Markdown loads mermaid from a CDN at first use.
        solara.Text(f"Learning goal: {p.goal}")
        year = model.start_year + model.steps / model.cfg.steps_per_year
        solara.Text(f"Step {model.steps} of {model.total_steps} (year {year:.2f})",
                    classes=["step-status"], style={"font-weight": "bold"})
        if error:
            solara.Error(error)
        solara.Text("The same run from the command line:", style=SMALL)
        solara.v.Html(tag="pre", class_="run-command", children=[model.settings.command()],
                      style_="white-space: pre-wrap; margin: 0; font-size: 0.85em")
        solara.FileDownload(model.tables_zip, label="Download the run's tables (zip)",
                            filename=f"{model.settings.preset}_step{model.steps}.zip",
                            mime_type="application/zip")


@solara.component
def MapView(model: WorkshopModel):
    """The corridor map, redrawn after each step."""
    update_counter.get()
    frame = solara.use_memo(CorridorMap, [])  # this session's map, kept between steps
    image = solara.use_memo(lambda: frame.show(model), [id(model), model.steps])
    with solara.Card("Corridors"):
        solara.Image(image, width="100%", format="jpeg")


def use_baseline(model: WorkshopModel):
    """The baseline's timeseries, run once per preset and seed (not at each step)."""
    return solara.use_memo(lambda: baseline(model.settings), [model.settings.preset,
                                                              model.settings.seed])


@solara.component
def IndicatorCard(model: WorkshopModel, title: str, names: tuple[str, ...], table: str,
                  note: str | None = None):
    """A card of indicator panels against the baseline and a table of their values now (the
    table's CSS class `table`)."""
    update_counter.get()
    # This session's chart, kept between steps; a new one when the panels change with the preset.
    chart = solara.use_memo(lambda: IndicatorChart(names), [names])
    base = use_baseline(model)
    image = solara.use_memo(lambda: chart.show(timeseries(model), base),
                            [chart, id(model), model.steps])
    with solara.Card(title):
        if note:
            solara.Text(note, style=SMALL)
        solara.Image(image, width="100%")
        solara.HTML(tag="div", unsafe_innerHTML=values_table(model, base, chart, table),
                    classes=["values"])


@solara.component
def ChartsView(model: WorkshopModel):
    """The indicators the run switches on, against the baseline."""
    IndicatorCard(model, "Headline indicators", panels(model.cfg), "indicator-values")


DISPLACEMENT_NOTE = ("Refugees, asylum seekers and others in need of international protection "
                     "(UNHCR's statuses) are part of the migrant stock above, not added to it.")


@solara.component
def DisplacementView(model: WorkshopModel):
    """Forced displacement against the baseline, when the run has anyone under protection
    (the baseline run to its end decides, see `charts.displaced`); nothing otherwise."""
    if displaced(use_baseline(model)):
        IndicatorCard(model, "Forced displacement", DISPLACEMENT_CHARTS, "displacement-values",
                      note=DISPLACEMENT_NOTE)


def values_table(model: WorkshopModel, base, chart: IndicatorChart,
                 table: str = "indicator-values") -> str:
    """The charted values at the current step, this run beside the baseline, as HTML (a table
    of CSS class `table`). Each row carries its panel's y-axis limits as drawn (`data-ylo`,
    `data-yhi`), for the browser tests to check the chart holds both runs."""
    current = timeseries(model)
    if not len(current):
        return "<p>No step run yet: press Step or ▶.</p>"
    now, unit, label, limits = len(current) - 1, units(), labels(), chart.limits()
    rows = []
    for name in chart.names:
        scale, shown = scaled(unit[name])
        this, then = current[name].iloc[now] / scale, base[name].iloc[now] / scale
        lo, hi = limits[name]
        rows.append(f"<tr class='panel' data-indicator='{name}' data-ylo='{lo!r}' "
                    f"data-yhi='{hi!r}'><td>{html.escape(label[name])}</td><td>{shown}</td>"
                    f"<td class='this-{name}'>{this:,.4g}</td><td>{then:,.4g}</td>"
                    f"<td>{this - then:+,.3g}</td></tr>")
    return (f"<table class='{table}' "
            "style='font-size:0.8em; width:100%; table-layout:fixed; text-align:left'>"
            "<colgroup><col style='width:52%'><col style='width:15%'><col><col><col></colgroup>"
            "<tr><th>indicator</th><th>unit</th><th>this run</th><th>baseline</th>"
            "<th>difference</th></tr>" + "".join(rows) + "</table>")


@solara.component
def Controls(model: solara.Reactive[WorkshopModel], session: Session):
    """Mesa's model controls (Step, Play, Reset and its intervals) and step counter.

    This is the sidebar of Mesa's SolaraViz without its "Model Parameters" card, which would
    stay empty: SolaraViz always draws it, and it offers only Mesa's own inputs, applied at the
    next Reset, while a participant's settings apply at once (`SettingsPanel`)."""
    play_interval = solara.use_reactive(200)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    with solara.Card("Controls"):
        solara.SliderInt(label="Play Interval (ms)", value=play_interval, min=1, max=500,
                         step=10)
        solara.SliderInt(label="Render Interval (steps)", value=render_interval, min=1,
                         max=100, step=2)
        solara.Checkbox(label="Use Threads", value=use_threads)
        # Reset rebuilds the model with these keyword arguments: the session, whose settings
        # are the participant's current ones.
        ModelController(model, model_parameters={"session": session},
                        play_interval=play_interval, render_interval=render_interval,
                        use_threads=use_threads)
    with solara.Card("Information"), solara.Column(gap="4px"):
        ShowSteps(model.value)
        solara.Text("Made with Mesa and Solara.", style=SMALL)


@solara.component
def Page():
    """One browser session: its own settings, model and charts."""
    session = solara.use_memo(Session, [])
    first = solara.use_memo(lambda: WorkshopModel(session), [])
    model = solara.use_reactive(first)
    settings, set_settings = solara.use_state(session.settings)
    error, set_error = solara.use_state(None)

    def apply(new: Settings) -> None:
        """Rebuild the run from new settings; bad ones leave the run as it was."""
        try:
            session.settings = new
            model.value = WorkshopModel(session)
        except Exception as err:  # noqa: BLE001 - a participant sees one line, never a traceback
            if isinstance(err, ConfigError):  # a value out of its declared range
                log.warning("settings not applied: %s", err)
            else:  # a bug: its traceback goes to the server's log
                log.exception("settings not applied: %s", new)
            session.settings = settings
            message = str(err).splitlines()[0] if str(err) else type(err).__name__
            set_error(f"not applied ({'setting' if isinstance(err, ConfigError) else 'error'}): "
                      f"{message}")
            return
        set_error(None)
        set_settings(new)

    with solara.AppBar():
        solara.AppBarTitle(TITLE)
        solara.lab.ThemeToggle()
    with solara.Sidebar():
        SettingsPanel(settings, apply)
        Controls(model, session)
    with solara.Column(style={"max-width": "1200px", "width": "100%"}):
        StatusCard(model.value, error)
        MapView(model.value)
        ChartsView(model.value)
        DisplacementView(model.value)
