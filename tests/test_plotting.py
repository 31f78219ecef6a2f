"""lstm_lib.plotting: use_course_style() sets the colour-blind-safe palette, the colour map and the
sizes for every figure made after it, and changes nothing else."""
import importlib
import re

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from lstm_lib import plotting

# Okabe and Ito (2008), "Color Universal Design": the eight colours as published.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def hex_of(color):
    """'#rrggbb' of any colour matplotlib accepts: lines report theirs as strings or RGB tuples."""
    return mpl.colors.to_hex(color)


@pytest.fixture
def default_style():
    """Matplotlib's defaults for the test; whatever the test sets is undone afterwards."""
    with mpl.rc_context():
        mpl.rcdefaults()
        yield


def test_the_palette_is_okabe_and_itos_eight_colours_blue_first():
    assert set(plotting.CYCLE) == OKABE_ITO and len(plotting.CYCLE) == 8
    assert plotting.CYCLE == list(plotting.COLORS.values())
    assert plotting.CYCLE[0] == plotting.COLORS["blue"] == "#0072B2"
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in plotting.CYCLE)


def test_importing_the_module_sets_nothing(default_style):
    before = dict(mpl.rcParams)
    importlib.reload(plotting)
    assert dict(mpl.rcParams) == before


def test_use_course_style_sets_the_palette_and_the_colour_map(default_style):
    assert mpl.rcParams["image.cmap"] == "viridis"  # matplotlib's own, before the call
    plotting.use_course_style()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == plotting.CYCLE
    assert mpl.rcParams["image.cmap"] == "cividis"


def test_use_course_style_sets_every_setting_of_style_and_nothing_else(default_style):
    before = dict(mpl.rcParams)
    plotting.use_course_style()
    after = dict(mpl.rcParams)
    for key, value in plotting.STYLE.items():
        if key == "axes.prop_cycle":
            assert after[key] == value
        elif isinstance(value, tuple):
            assert tuple(after[key]) == value, key
        else:
            assert after[key] == value, key
    changed = {key for key in after if after[key] != before[key]}
    assert changed <= set(plotting.STYLE)


def test_calling_it_twice_changes_nothing_more(default_style):
    plotting.use_course_style()
    once = dict(mpl.rcParams)
    plotting.use_course_style()
    assert dict(mpl.rcParams) == once


def test_figures_made_after_the_call_use_the_style(default_style):
    plotting.use_course_style()
    fig = Figure()
    assert tuple(fig.get_size_inches()) == (7.0, 4.0) and fig.dpi == 100
    assert type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    ax = fig.add_subplot()
    lines = [ax.plot([0, 1], [k, k + 1])[0] for k in range(len(plotting.CYCLE) + 1)]
    expected = plotting.CYCLE + plotting.CYCLE[:1]  # in order, then from the start again
    assert [hex_of(line.get_color()) for line in lines] == [hex_of(c) for c in expected]
    assert lines[0].get_linewidth() == 2.0
    assert ax.imshow([[0.0, 1.0], [2.0, 3.0]]).get_cmap().name == "cividis"
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.title.get_fontweight() == "bold"


def test_figures_made_before_the_call_keep_matplotlibs_defaults(default_style):
    fig = Figure()
    ax = fig.add_subplot()
    plotting.use_course_style()
    (line,) = ax.plot([0, 1], [0, 1])
    assert hex_of(line.get_color()) == "#1f77b4"  # the axes took matplotlib's cycle when they were made


def test_no_text_of_the_style_is_below_the_smallest_font(default_style):
    plotting.use_course_style()
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="a curve")
    ax.set_title("title")
    ax.set_xlabel("x")
    legend = ax.legend()
    fig.canvas.draw()
    texts = ([ax.title, ax.xaxis.label] + ax.get_xticklabels() + ax.get_yticklabels()
             + legend.get_texts())
    assert min(t.get_fontsize() for t in texts) >= plotting.SMALLEST_FONT_PT
