"""The house style: one look for every figure of the course, the demo and the README.

Pictures are read on screens and in print, next to text set at about 11 pt, so every figure
is drawn at 120 dpi or more with no text under 9 pt, labelled axes, colour only where it
carries meaning (and then a legend), and the same class colours everywhere. The colours are
the Okabe-Ito palette, which stays distinguishable for the common kinds of colour blindness.

In a notebook, call ``use_house_style()`` once at the top. Code that draws without pyplot
(the demo) makes its figures with ``new_figure``. ``style_problems(fig)`` lists what breaks
the style in a finished figure, so tests can check pictures as well as numbers.
``slider_figure(draw, slider)`` shows a picture that a slider redraws in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from micrograd_notes.extras import require

if TYPE_CHECKING:  # matplotlib is only needed by whoever draws
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

DPI = 120  # on screen (and inline in Jupyter)
SAVE_DPI = 150  # in files
MIN_FONT_PT = 9.0
# A notebook's column (and the site's) is about 920-980 px wide. A wider figure is shrunk to
# fit it, and its 9 pt text with it (a 12-inch figure shows at 64 %, its 9 pt as 5.8 pt), so
# no figure may be wider than the column at DPI: 8 in is 960 px at 120 dpi.
MAX_WIDTH_IN = 8.0

# Okabe-Ito: blue, vermillion, bluish green, reddish purple, orange, sky blue, yellow, black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
# Class k of every dataset is drawn in CLASS_COLOURS[k], in every figure.
CLASS_COLOURS = PALETTE[:4]

STYLE: dict[str, Any] = {
    "figure.dpi": DPI,
    "savefig.dpi": SAVE_DPI,
    "savefig.bbox": "tight",
    "font.size": 10.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "legend.title_fontsize": 9.0,
    "figure.titlesize": 12.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled in by _style(): needs matplotlib's cycler
    "image.cmap": "viridis",
    "figure.constrained_layout.use": True,
}


def _matplotlib() -> Any:
    """matplotlib, or one line saying how to get it (the [demo] extra)."""
    return require("matplotlib")


def _style() -> dict[str, Any]:
    from cycler import cycler  # a dependency of matplotlib

    return {**STYLE, "axes.prop_cycle": cycler(color=list(PALETTE))}


def use_house_style() -> None:
    """Apply the house style to every figure drawn from now on (pyplot and the object API)."""
    _matplotlib().rcParams.update(_style())


def new_figure(
    width: float = 6.0, height: float = 4.0, nrows: int = 1, ncols: int = 1, **subplots: Any
) -> tuple[Figure, Any]:
    """A figure in the house style, without pyplot (no global backend); returns (fig, axes)."""
    mpl = _matplotlib()
    from matplotlib.figure import Figure

    with mpl.rc_context(_style()):
        fig = Figure(figsize=(width, height), dpi=DPI)
        axes = fig.subplots(nrows, ncols, **subplots)
    return fig, axes


def slider_figure(draw: Callable[[Any], Figure], slider: Any) -> Figure:
    """Show ``draw(slider.value)`` and the slider under it; moving the slider redraws it.

    The first picture is a plain output (it shows on GitHub, on the site and in a notebook run
    without a browser), and a move of the slider replaces it through its display id. Nothing
    goes through an ipywidgets Output widget: ``interact`` renders into one, and a notebook
    run headless (nbclient, so nbmake and nbconvert) can then stall for its whole timeout
    (jupyter/nbclient issue 312). ``draw`` returns the figure; it is closed once shown.
    """
    from IPython.display import display

    pyplot = require("matplotlib.pyplot")
    fig = draw(slider.value)
    shown = display(fig, display_id=True)  # type: ignore[no-untyped-call]
    assert shown is not None  # given a display_id, display() returns its handle
    pyplot.close(fig)  # shown once, not again by the inline backend at the end of the cell

    def redraw(change: dict[str, Any]) -> None:
        new = draw(change["new"])
        shown.update(new)
        pyplot.close(new)

    slider.observe(redraw, names="value")
    display(slider)  # type: ignore[no-untyped-call]
    return fig


def label_axes(ax: Axes, xlabel: str, ylabel: str, title: str | None = None) -> None:
    """Name both axes (with units where there are any) and, optionally, the panel."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)


def style_problems(fig: Figure) -> list[str]:
    """What breaks the house style in ``fig``: low dpi, too wide for a notebook column, small
    text, unlabelled axes, an unexplained set of colours (two or more labelled lines or
    collections but no legend)."""
    problems = []
    if fig.dpi < DPI:
        problems.append(f"the figure is {fig.dpi:g} dpi, under {DPI}")
    width = shown_width(fig)
    if width > MAX_WIDTH_IN + 0.005:
        problems.append(
            f"the figure is {width:g} in wide, over {MAX_WIDTH_IN:g} in (a notebook column):"
            " it would be shrunk, and its text with it"
        )
    for text in _visible_texts(fig):
        size = float(text.get_fontsize())
        if size < MIN_FONT_PT:
            problems.append(f"text {text.get_text()[:30]!r} is {size:g} pt, under {MIN_FONT_PT:g}")
    for k, ax in enumerate(fig.axes):
        if not ax.axison or ax.get_label() == "<colorbar>":  # a colour bar names its own scale
            continue
        if not ax.get_xlabel():
            problems.append(f"panel {k} has no x-axis label")
        if not ax.get_ylabel():
            problems.append(f"panel {k} has no y-axis label")
        labelled = [
            a for a in (*ax.lines, *ax.collections) if not str(a.get_label()).startswith("_")
        ]
        if len(labelled) >= 2 and ax.get_legend() is None and not fig.legends:
            problems.append(f"panel {k} has {len(labelled)} labelled series but no legend")
    return problems


def shown_width(fig: Figure) -> float:
    """How wide ``fig`` shows, in inches: its own width, or more where something drawn sticks
    out of it (an outside legend), since a picture is cropped to what is drawn ("tight")."""
    fig.draw_without_rendering()  # lays the figure out, so the extent is the one shown
    return max(float(fig.get_figwidth()), float(fig.get_tightbbox().width))


def _visible_texts(fig: Figure) -> list[Text]:
    """Every piece of text ``fig`` shows."""
    from matplotlib.text import Text

    return [
        t
        for t in fig.findobj(Text)
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip()
    ]
