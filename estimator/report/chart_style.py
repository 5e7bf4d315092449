"""How the charts look and the page they are drawn on: the Okabe-Ito palette, the rcParams
(:func:`style`, applied with :func:`matplotlib.rc_context`; global rcParams are never
changed), the 16:9 slide, the footer that names the run, and the canvas every ``plot_*``
function draws in (a new slide with its footer, or the caller's Axes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from cycler import cycler
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text

if TYPE_CHECKING:
    from estimator.engine.result import Result


#: Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
P50_COLOR = OKABE_ITO["sky_blue"]
P90_COLOR = OKABE_ITO["blue"]
TODAY_COLOR = OKABE_ITO["black"]
PLAN_COLOR = OKABE_ITO["orange"]
CRISIS_COLOR = OKABE_ITO["vermillion"]
WEEKS_COLOR = OKABE_ITO["reddish_purple"]
GREY = "#5F5F5F"

#: A 16:9 slide (PowerPoint's widescreen page, 13.333 x 7.5 in): 4000 x 2250 px at 300 dpi.
SLIDE_INCHES = (40 / 3, 7.5)
SLIDE_DPI = 300
#: Font size (points) of charts drawn on their own slide-sized figure.
SLIDE_FONT_SIZE = 15
#: Share of the figure's height kept free at the bottom for the footer.
FOOTER_SPACE = 0.05


# DejaVu Sans (bundled with matplotlib) covers accented Latin, Greek and Cyrillic; fonts for
# other scripts are used as fallbacks when the system has them.
_FALLBACK_FONTS = ("Noto Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans Arabic",
                   "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai")


def _font_family() -> list[str]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in _FALLBACK_FONTS if f in installed)]


def style(font_size: float | None = None) -> dict[str, Any]:
    """The rcParams the charts draw with, for :func:`matplotlib.rc_context`.

    ``font_size`` sets the base size; without it the caller's size is kept (sizes in the
    charts are relative: ``"large"``, ``"small"``).
    """
    rc: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": _font_family(),
        "axes.prop_cycle": cycler(color=[OKABE_ITO[c] for c in (
            "blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple",
            "yellow", "black")]),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": GREY,
        "axes.labelcolor": "#222222",
        "axes.titlesize": "large",
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 12,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "legend.frameon": False,
        "image.cmap": "cividis",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "pdf.fonttype": 42,  # TrueType in PDFs: text stays text, and small files
        "ps.fonttype": 42,
        "svg.fonttype": "path",  # SVGs look the same without the fonts installed
    }
    if font_size is not None:
        rc["font.size"] = font_size
    return rc


def new_slide_axes() -> Axes:
    """One Axes on a new 16:9 slide-sized figure, with room for the footer."""
    fig = Figure(figsize=SLIDE_INCHES, dpi=100,
                 layout=ConstrainedLayoutEngine(rect=(0, FOOTER_SPACE, 1, 1 - FOOTER_SPACE),
                                                h_pad=0.1, w_pad=0.15))
    return fig.add_subplot()


class _Canvas:
    """Within ``with``: the style applied, and the Axes to draw on (a new slide if none)."""

    def __init__(self, ax: Axes | None, footer: Result | Sequence[Result]) -> None:
        self.own = ax is None
        self.footer = footer
        self.ctx = mpl.rc_context(style(SLIDE_FONT_SIZE if self.own else None))
        self.ax = ax

    def __enter__(self) -> Axes:
        self.ctx.__enter__()
        if self.ax is None:
            self.ax = new_slide_axes()
        return self.ax

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self.own:
            add_footer(self.ax.figure, self.footer)  # type: ignore[union-attr]
        self.ctx.__exit__(*exc)


def add_footer(fig: Figure, result: Result | Sequence[Result]) -> Text:
    """Write the scenario name, runs, seed, date and version small at the figure's foot."""
    from estimator._version import __version__

    results = [result] if not isinstance(result, Sequence) else list(result)
    names = " | ".join(dict.fromkeys(r.scenario_name for r in results))
    runs = sorted({r.runs for r in results})
    seeds = sorted({r.seed for r in results})
    created = sorted({r.created for r in results})
    text = (f"{names} · {', '.join(f'{n:,}' for n in runs)} runs · "
            f"seed {', '.join(str(s) for s in seeds)} · {', '.join(created)} · "
            f"social-staffing-estimator {__version__}")
    return fig.text(0.01, 0.008, text, ha="left", va="bottom", fontsize="x-small", color=GREY,
                    gid="footer", parse_math=False)
