"""The course's plotting style: colour-blind-safe colours (Okabe and Ito's
palette), readable sizes.

Call `use_course_style()` once at the top of a chapter; every figure after
it uses the palette below in this order. Give every figure a title and
labelled axes: the style cannot do that for you.
"""
import matplotlib as mpl
from cycler import cycler

# Okabe and Ito (2008), "Color Universal Design": distinguishable with
# every common colour-vision deficiency.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
CYCLE = list(COLORS.values())

# No text in a figure is smaller than this. A figure 8 inches wide is shown
# about 670 px wide on the site, so 11 pt there is about 12.7 px, as large
# as the site's smallest text; the tests check both numbers.
SMALLEST_FONT_PT = 11

STYLE = {
    "axes.prop_cycle": cycler(color=CYCLE),
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "legend.fontsize": SMALLEST_FONT_PT,
    "xtick.labelsize": SMALLEST_FONT_PT,
    "ytick.labelsize": SMALLEST_FONT_PT,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    # a perceptually uniform map that colour-blind readers see alike
    "image.cmap": "cividis",
    "figure.constrained_layout.use": True,
}


def use_course_style():
    """Apply the course style to every figure made after this call."""
    mpl.rcParams.update(STYLE)
