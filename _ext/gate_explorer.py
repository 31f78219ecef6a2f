"""Local Sphinx extension: the in-browser gate explorer of one LSTM unit.

A page asks for the explorer with a placeholder, `<div class="gate-explorer">`,
whose text is what Jupyter and Colab show. On such a page this extension adds
the component (`static/gate_explorer.js` and `.css`, served from the site:
no network) and, inline, its set-up (`explorer_setup`): the slider ranges, the worked example's
starting values, the two companies' prices and the course's colours, all taken
from `lstm_lib`. At the end of the build it writes
`_build/gate_explorer/cases.json`, beside the site: `lstm_cell_forward` on a
grid of slider settings and `lstm_forward` on the companies' sequences, which
the browser test (tests/browser/test_gate_explorer.py) compares with every
value the page shows.

Nothing here needs Sphinx to be imported, so the tests can build the set-up
and the cases in any environment that has `lstm_lib`.
"""
import json
import pathlib

import numpy as np

from lstm_lib.lstm import lstm_cell_forward, lstm_forward
from lstm_lib import plotting, worked_example
from lstm_lib.plotting import COLORS
from lstm_lib.worked_example import (
    BLOCK_NAMES,
    START,
    UNIT_WEIGHTS,
    company_prices,
    day5_prices,
    unit_params,
)

STATIC = pathlib.Path(__file__).parent / "static"
MARKER = 'class="gate-explorer"'
# beside the site, not in it: a fixture of the tests, not for readers
CASES_PATH = ("gate_explorer", "cases.json")
BLOCKS = ("f", "i", "c", "o")
PARTS = ("wh", "wx", "b")  # weight on h_{t-1}, weight on x_t, bias
STEP = 0.01  # every slider moves in hundredths
# Ranges, in hundredths so that every value is k / 100 exactly as the browser
# parses it: x_t and the prices, h_{t-1} (in (-1, 1) for a real LSTM),
# c_{t-1}, and the weights and biases.
RANGES = {"x_t": (-300, 300), "h_prev": (-100, 100), "c_prev": (-400, 400),
          "weight": (-600, 600)}


def slider_ids():
    """The explorer's 15 sliders: x_t, h_prev, c_prev, then block.part."""
    return ["x_t", "h_prev", "c_prev"] + [
        f"{block}.{part}" for block in BLOCKS for part in PARTS]


def default_settings():
    """The worked example's value of every slider."""
    settings = dict(START)
    for block in BLOCKS:
        settings.update(zip((f"{block}.{p}" for p in PARTS),
                            UNIT_WEIGHTS[block]))
    return settings


def hundredths(slider_id):
    """A slider's ends in hundredths, as RANGES holds them."""
    return RANGES.get(slider_id, RANGES["weight"])


def slider_range(slider_id):
    low, high = hundredths(slider_id)
    return low / 100, high / 100


def explorer_setup():
    """What the page needs to start: sliders, names, prices, colours."""
    defaults = default_settings()
    sliders = {}
    for slider_id in slider_ids():
        low, high = slider_range(slider_id)
        sliders[slider_id] = {"min": low, "max": high, "step": STEP,
                              "value": defaults[slider_id]}
    return {
        "sliders": sliders,
        "block_names": dict(BLOCK_NAMES),
        "companies": {"names": ["A", "B"],
                      "prices": company_prices().tolist(),
                      "day5": day5_prices().tolist()},
        "colors": dict(COLORS),
    }


def weights_of(settings):
    return {block: tuple(settings[f"{block}.{p}"] for p in PARTS)
            for block in BLOCKS}


def step_case(settings):
    """One step of the unit with every slider at `settings`, by lstm_lib."""
    params = unit_params(weights_of(settings))
    h_t, c_t, cache = lstm_cell_forward(
        [[settings["x_t"]]], [[settings["h_prev"]]], [[settings["c_prev"]]],
        params)
    # the pre-activations the page prints, as lstm_cell_forward forms them
    z = (settings["x_t"] * params.kernel[0]
         + settings["h_prev"] * params.recurrent_kernel[0] + params.bias)
    z_i, z_f, z_c, z_o = z  # Keras' order
    f, i, g, o = (cache.f.item(), cache.i.item(), cache.g.item(),
                  cache.o.item())
    expected = {"z_f": z_f, "z_i": z_i, "z_c": z_c, "z_o": z_o,
                "f": f, "i": i, "g": g, "o": o,
                "kept": f * settings["c_prev"], "written": i * g,
                "c_t": c_t.item(), "tanh_c": cache.tanh_c.item(),
                "h_t": h_t.item()}
    return {"settings": dict(settings),
            "expected": {k: float(v) for k, v in expected.items()}}


def sequence_case(weight_settings, prices):
    """Both companies' days from zero memories, by lstm_forward."""
    weights = weights_of(weight_settings)
    prices = np.asarray(prices, dtype=float)  # (2, days)
    h, c, cache = lstm_forward(prices[:, :, None], unit_params(weights))
    f = cache.f[..., 0]  # (2, days)
    # day 1's memory still in c_t on day d: f_2 ... f_d c_1
    carried = c[:, :1, 0] * np.concatenate(
        [np.ones((len(prices), 1)), np.cumprod(f[:, 1:], axis=1)], axis=1)
    expected = {"f": f, "i": cache.i[..., 0], "g": cache.g[..., 0],
                "o": cache.o[..., 0], "c": c[..., 0], "h": h[..., 0],
                "carried": carried}
    return {"settings": {k: weight_settings[k] for k in weight_settings
                         if "." in k},
            "prices": prices.tolist(),
            "expected": {k: v.tolist() for k, v in expected.items()}}


def grid_settings(seed=0, n_random=12):
    """Slider settings to check: each slider alone at five values (its
    ends, two inside, and zero), then all sliders at random at once."""
    defaults = default_settings()
    grid = [dict(defaults)]
    for slider_id in slider_ids():
        low, high = hundredths(slider_id)
        for k in (low, round(0.37 * low), 0, round(0.81 * high), high):
            grid.append({**defaults, slider_id: k / 100})
    rng = np.random.default_rng(seed)
    for _ in range(n_random):
        grid.append({
            slider_id: int(rng.integers(hundredths(slider_id)[0],
                                        hundredths(slider_id)[1] + 1)) / 100
            for slider_id in slider_ids()})
    return grid


def cases():
    """The cases the browser test checks the page against."""
    defaults = default_settings()
    prices = company_prices()
    edited = prices.copy()
    edited[1, 0] = 0.4  # B's day-1 price lowered
    edited[0, 2] = -1.25
    forgetful = {**defaults, "f.b": -3.0}  # a forget gate that mostly closes
    random_weights = grid_settings(seed=1, n_random=1)[-1]
    return {
        "step": [step_case(s) for s in grid_settings()],
        "sequence": [sequence_case(defaults, prices),
                     sequence_case(forgetful, prices),
                     sequence_case(defaults, edited),
                     sequence_case(random_weights, edited)],
    }


def write_cases(build_dir):
    """Write the cases into build_dir (the folder that holds the site)."""
    path = pathlib.Path(build_dir).joinpath(*CASES_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cases(), indent=1))
    return path


# ---- Sphinx wiring ---------------------------------------------------------

def add_static_path(app, config):
    config.html_static_path.append(str(STATIC))


def add_explorer_to_page(app, pagename, templatename, context, doctree):
    if MARKER not in context.get("body", ""):
        return
    app.add_css_file("gate_explorer.css")
    app.add_js_file(None, body=json.dumps(explorer_setup()), type="application/json",
                    id="gate-explorer-setup")
    app.add_js_file("gate_explorer.js", defer="defer")


def note_explorer_files(app, doctree):
    """A page with the explorer is rebuilt when the component, or the
    numbers its set-up takes from lstm_lib, change."""
    raw = doctree.findall(lambda node: node.tagname == "raw")
    if any(MARKER in node.astext() for node in raw):
        for path in (STATIC / "gate_explorer.js", STATIC / "gate_explorer.css",
                     pathlib.Path(__file__),
                     pathlib.Path(worked_example.__file__),
                     pathlib.Path(plotting.__file__)):
            app.env.note_dependency(str(path))


def write_cases_after_build(app, exception):
    if exception is None and app.builder.format == "html":
        write_cases(pathlib.Path(app.outdir).parent)


def setup(app):
    app.connect("config-inited", add_static_path)
    # before course_site's drop_duplicate_scripts (priority 900)
    app.connect("html-page-context", add_explorer_to_page, priority=500)
    app.connect("doctree-read", note_explorer_files)
    app.connect("build-finished", write_cases_after_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

