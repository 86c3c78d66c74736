"""The app's figures: the headline indicators and forced displacement against the baseline,
and the corridor map.

Plain matplotlib `Figure`s (no pyplot state, safe in a server's threads), built from what the
model declares: each indicator's label and unit come from its `Indicator` declaration, and the
map is the run folder's world map (`model.world.basemap`).

A session keeps an `IndicatorChart` per card of indicators and one `CorridorMap`, and asks them
for an image after each step. Each is a `Frame`: its still part (axes, ticks, titles, land, the baseline) is drawn once
and kept as pixels, and only what a step changes (this run's lines, the corridors) is drawn on a
copy of it. A frame costs a few hundredths of a second instead of half a second, which is what
keeps a step within a second with several sessions on one laptop.
"""

from __future__ import annotations

import io
import textwrap
import threading

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from model.baseline import BASELINE_COLOUR, COVERED_COLOUR
from model.indicators import labels, units
from model.world.basemap import draw_land

# The headline indicators of every workshop run (issue 13): migrant stock, remittances, the SDG
# 10.c.1 price and 10.7.1 recruitment cost, brain waste and reintegration. Labels and units are
# the indicators' own declarations.
CHARTS = ("migrant_stock", "remittances_received_usd", "remittance_price_pct",
          "recruitment_cost_months", "brain_waste_rate", "reintegration_rate")
# Panels drawn only when the run switches on what moves them (issue 20): without it they would
# be flat at zero. The facility's cash balance is not among them: it is spent as it comes in
# and stays at zero even with the facility on; its members and the loans it has on-lent move.
FACILITY_CHARTS = ("facility_members", "facility_loans_outstanding_usd")
SHOCK_CHARTS = ("employment_rate", "stranded")
# Forced displacement (issue 23), in a card of its own: the three UNHCR statuses (inside the
# migrant stock, not on top of it), the share hosted in low- and middle-income countries, the
# flight and the voluntary returns. Drawn only when the run has anyone under protection.
PROTECTED = ("refugees", "asylum_seekers", "other_protection_needs")
DISPLACEMENT_CHARTS = PROTECTED + ("protected_in_lmic_share", "flight", "voluntary_returns")
# Units shown in readable magnitudes: (divide by, unit shown).
SCALES = {"people": (1e6, "million people"), "people per step": (1e3, "thousand people per step"),
          "USD per step": (1e9, "bn USD per step"), "USD": (1e9, "bn USD"),
          "share": (0.01, "%")}
CURRENT_COLOUR, CORRIDOR_COLOUR = "#1f5fa8", "#3b5b92"
DPI = 72  # pixels per inch of the frames: 11 inches fill a laptop screen's main column
MAX_WIDTH = 6.0  # points: the widest corridor
# The map draws the largest corridors holding this share of the migrants (and every corridor a
# policy applies to): the many small ones would be hairlines that cost a third of a frame.
SHOWN_SHARE = 0.95


def panels(cfg) -> tuple[str, ...]:
    """The indicators charted for a run's config: the headline ones, the facility's when the
    facility is on and employment and stranded migrants when a shock is on. A run and its
    baseline (the same preset, no policy) have the same facility and shocks, so the same panels."""
    out = CHARTS
    if cfg.shocks.timeline:
        out += SHOCK_CHARTS
    if cfg.facility.enabled:
        out += FACILITY_CHARTS
    return out


def displaced(frame: pd.DataFrame | None) -> bool:
    """Whether a run's timeseries has anyone under international protection at any step.

    The page asks it of the baseline run to its end, for the run and every policy on it: flight
    comes from the world and the shock timeline, which a preset sets, and a policy changes how
    the protected fare, never whether anyone is protected. False without the frame or columns."""
    if frame is None or not set(PROTECTED) <= set(frame.columns):
        return False
    return bool(np.nansum(frame[list(PROTECTED)].to_numpy(float)) > 0)


def scaled(unit: str) -> tuple[float, str]:
    """How a unit is shown: the divisor and the unit's text."""
    return SCALES.get(unit, (1.0, unit))


class Frame:
    """A figure drawn in two layers: the still background once (again after `invalidate`),
    then the changing `dynamic` artists on a copy of it for every frame."""

    def __init__(self, fig: Figure, dynamic: list[Artist], fmt: str = "png"):
        self.fig, self.dynamic, self.format = fig, dynamic, fmt
        self.canvas = FigureCanvasAgg(fig)
        self.background = None

    def invalidate(self) -> None:
        """Redraw the background at the next frame (after limits, texts or the baseline changed)."""
        self.background = None

    def png(self) -> bytes:
        """The current frame as image bytes (PNG, or JPEG for a frame made with fmt="jpeg")."""
        if self.background is None:
            for artist in self.dynamic:
                artist.set_visible(False)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
            for artist in self.dynamic:
                artist.set_visible(True)
        self.canvas.restore_region(self.background)
        for artist in self.dynamic:
            (artist.axes or self.fig).draw_artist(artist)
        buffer = self.canvas.buffer_rgba()
        out = io.BytesIO()
        image = Image.frombuffer("RGBA", (buffer.shape[1], buffer.shape[0]), buffer, "raw",
                                 "RGBA", 0, 1).convert("RGB")
        if self.format == "jpeg":
            image.save(out, format="jpeg", quality=88)
        else:
            image.save(out, format="png", compress_level=1)
        return out.getvalue()


class IndicatorChart(Frame):
    """One small panel per indicator of `names`: this run so far (solid) and the baseline to its
    end (dashed), against the year. Every frame's y-axes hold every value of both runs; they
    change (and the background is redrawn) only when one of them leaves them."""

    def __init__(self, names: tuple[str, ...] = CHARTS):
        self.names = tuple(names)
        # Three panels a row for up to six, four beyond: the panels keep about the same size.
        ncols = 3 if len(self.names) <= 6 else 4
        nrows = -(-len(self.names) // ncols)
        # Constrained layout makes room for each title however many lines it wraps to (the
        # labels are the indicators' declarations, some long) and for the tick labels of
        # whatever range the axes take; it runs only when the background is drawn.
        fig = Figure(figsize=(11, 0.5 + 2.6 * nrows), dpi=DPI, layout="constrained")
        # The right edge kept clear for the last year's tick label, which the layout, made
        # before any data (ticks 0 to 1), does not know.
        fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06, wspace=0.04, hspace=0.06,
                                    rect=(0, 0, 0.985, 1))
        grid = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for spare in grid[len(self.names):]:
            spare.remove()  # a last row not filled: no empty frame
        self.axes = dict(zip(self.names, grid))
        self.current, self.base = {}, {}
        label, unit = labels(), units()
        for name, ax in self.axes.items():
            (self.base[name],) = ax.plot([], [], color=BASELINE_COLOUR, ls="--", lw=1.2)
            (self.current[name],) = ax.plot([], [], color=CURRENT_COLOUR, lw=1.8)
            ax.set_title("\n".join(textwrap.wrap(label[name], 144 // ncols)), fontsize=7.5,
                         loc="left")
            ax.set_ylabel(scaled(unit[name])[1], fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(True, color="0.9", lw=0.6)
        fig.legend(handles=[Line2D([], [], color=CURRENT_COLOUR, lw=1.8, label="this run"),
                            Line2D([], [], color=BASELINE_COLOUR, lw=1.2, ls="--",
                                   label="baseline: the same preset and seed, no policy")],
                   loc="outside lower center", ncols=2, fontsize=8, frameon=False)
        # Laid out once, then kept: a layout at every redraw of the background (every step
        # while a run widens its axes) would cost most of a frame. The pads leave room for the
        # tick labels of other ranges.
        fig.canvas = FigureCanvasAgg(fig)
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine("none")
        super().__init__(fig, list(self.current.values()))
        self.shown_base = None
        # Mesa plays in a thread and, with its "Use Threads", redraws from another: one frame
        # at a time, or one could keep a background drawn with the limits of another.
        self.lock = threading.Lock()

    def values(self, frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
        """An indicator's years and values in the unit shown."""
        return (frame["year"].to_numpy(float),
                frame[name].to_numpy(float) / scaled(units()[name])[0])

    def show(self, current: pd.DataFrame, base: pd.DataFrame | None) -> bytes:
        """The PNG of these runs (the baseline may be None: not drawn)."""
        with self.lock:
            reset = base is not self.shown_base
            if reset:
                self.shown_base = base
                self.invalidate()
                for name, ax in self.axes.items():
                    self.base[name].set_data(*self.values(base, name) if base is not None
                                             else ([], []))
                    ax.set_xlim(*self._years(base if base is not None else current))
            for name, ax in self.axes.items():
                years, values = self.values(current, name)
                self.current[name].set_data(years, values)
                shown = [values] + ([self.values(base, name)[1]] if base is not None else [])
                # Both runs, every step: a limit is kept only while it holds every finite value
                # (a comparison with NaN is false, so a NaN must not decide it).
                lo, hi = ax.get_ylim()
                finite = np.concatenate([a[np.isfinite(a)] for a in shown])
                if reset or len(finite) and (finite.min() < lo or finite.max() > hi):
                    ax.set_ylim(*self._span(*shown))
                    self.invalidate()
            return self.png()

    def limits(self) -> dict[str, tuple[float, float]]:
        """Each panel's y-axis limits as drawn in the last frame, in the unit shown."""
        return {name: tuple(float(v) for v in ax.get_ylim()) for name, ax in self.axes.items()}

    @staticmethod
    def _years(frame: pd.DataFrame) -> tuple[float, float]:
        years = frame["year"].to_numpy(float)
        return (float(years.min()), float(years.max()) + 0.25) if len(years) else (0.0, 1.0)

    @staticmethod
    def _span(*arrays: np.ndarray) -> tuple[float, float]:
        """Limits holding every value, with a margin of a tenth of the range."""
        values = np.concatenate([a[np.isfinite(a)] for a in arrays] or [np.zeros(1)])
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        margin = 0.1 * (hi - lo) or 0.1 * abs(hi) or 1.0
        return lo - margin, hi + margin


class CorridorMap(Frame):
    """The corridors on the world map, width by migrant stock, those a policy applies to
    highlighted, the largest on top; the land is the background."""

    def __init__(self):
        fig = Figure(figsize=(11, 4.6), dpi=DPI)
        self.ax = fig.add_axes((0.005, 0.01, 0.99, 0.98))
        draw_land(self.ax)
        self.ax.set_xlim(-180, 180)
        self.ax.set_ylim(-58, 80)
        self.ax.set_aspect("equal")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        self.lines = LineCollection([], capstyle="round", zorder=2)
        self.ax.add_collection(self.lines)
        self.legend = self.ax.legend(handles=[], loc="lower left")
        # JPEG: a third of the PNG's bytes for the land's shading, at a third of its time.
        super().__init__(fig, [self.lines, self.legend], fmt="jpeg")

    def show(self, model) -> bytes:
        """The JPEG of the model's corridors now: the largest, holding SHOWN_SHARE of the
        migrants, and every corridor a policy applies to."""
        segments, stock, covered = corridor_lines(model)
        top = max(float(stock.max()) if len(stock) else 0.0, 1.0)
        shown = np.flatnonzero(largest(stock, SHOWN_SHARE) | covered)
        order = shown[np.argsort(stock[shown], kind="stable")]  # the largest drawn last, on top
        self.lines.set_segments(segments[order])
        self.lines.set_linewidths(width(stock[order], top))
        self.lines.set_colors(np.where(covered[order, None], to_rgba(COVERED_COLOUR, 0.85),
                                       to_rgba(CORRIDOR_COLOUR, 0.35)))
        handles = [Line2D([], [], color=CORRIDOR_COLOUR, alpha=0.6, lw=float(width(v * top, top)),
                          label=f"{v * top / 1e6:.2g} million migrants") for v in (1.0, 0.25)]
        handles.append(Line2D([], [], color=COVERED_COLOUR, lw=3,
                              label=f"a policy applies ({int(covered.sum())} corridors)"))
        biggest = int(largest(stock, SHOWN_SHARE).sum())
        title = f"The {biggest} largest corridors ({SHOWN_SHARE:.0%} of migrants)"
        if len(order) > biggest:
            title += f"\nand {len(order) - biggest} more a policy applies to"
        self.legend.remove()
        self.legend = self.ax.legend(handles=handles, loc="lower left", fontsize=8,
                                     framealpha=0.9, title_fontsize=8,
                                     title=title + "\n(origin to destination capital)")
        self.dynamic = [self.lines, self.legend]
        return self.png()


def largest(stock: np.ndarray, share: float) -> np.ndarray:
    """Per corridor: True for the largest corridors that together hold `share` of the stock
    (the one that crosses the share included)."""
    order = np.argsort(-stock, kind="stable")
    before = np.cumsum(stock[order]) - stock[order]  # the stock of the larger corridors
    mask = np.zeros(len(stock), bool)
    mask[order[before < share * stock.sum()]] = True
    return mask


def width(stock: np.ndarray | float, top: float) -> np.ndarray:
    """A corridor's line width in points: ~ the square root of its stock, so that small
    corridors stay visible beside the largest."""
    return 0.15 + MAX_WIDTH * np.sqrt(np.asarray(stock, float) / top)


def corridor_lines(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per corridor between located capitals: its segment ((n, 2, 2) lon/lat), its stock now
    and whether a policy switched on applies to it."""
    countries = model.world.countries
    lon, lat = countries["lon"].to_numpy(float), countries["lat"].to_numpy(float)
    o, d = model.corridors.o, model.corridors.d
    located = np.isfinite(lon[o]) & np.isfinite(lat[o]) & np.isfinite(lon[d]) & np.isfinite(lat[d])
    segments = np.stack([np.column_stack([lon[o], lat[o]]), np.column_stack([lon[d], lat[d]])],
                        axis=1)
    return segments[located], model.stock_by_corridor()[located], model.covered()[located]
