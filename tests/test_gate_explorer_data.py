"""The gate explorer's set-up and cases, which the book's build writes from lstm_lib
(_ext/gate_explorer.py): what the page starts from and what the browser test checks it against."""
import json
import math
import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import gate_explorer  # noqa: E402  (the Sphinx extension, importable without Sphinx)

from lstm_lib.worked_example import START, UNIT_WEIGHTS, company_prices  # noqa: E402


@pytest.fixture(scope="module")
def cases():
    return gate_explorer.cases()


def test_the_sliders_start_at_the_worked_example():
    sliders = gate_explorer.explorer_setup()["sliders"]
    assert len(sliders) == 15
    for name, value in START.items():
        assert sliders[name]["value"] == value
    for block, triple in UNIT_WEIGHTS.items():
        assert tuple(sliders[f"{block}.{p}"]["value"] for p in ("wh", "wx", "b")) == triple
    for spec in sliders.values():
        assert spec["min"] <= spec["value"] <= spec["max"] and spec["step"] == 0.01


def test_every_case_setting_is_a_value_a_slider_can_take(cases):
    """A value off the sliders' grid would be moved by the browser, and the page would
    compute something else than the case."""
    sliders = gate_explorer.explorer_setup()["sliders"]
    for case in cases["step"] + cases["sequence"]:
        for name, value in case["settings"].items():
            spec = sliders[name]
            assert spec["min"] <= value <= spec["max"], (name, value)
            assert value == round(value * 100) / 100, (name, value)  # parsed "k.kk"


def test_the_grid_moves_every_slider_to_both_ends(cases):
    sliders = gate_explorer.explorer_setup()["sliders"]
    for name, spec in sliders.items():
        seen = {case["settings"][name] for case in cases["step"]}
        assert {spec["min"], spec["max"], spec["value"]} <= seen, name
        assert len(seen) >= 5, name


def scalar_step(s):
    """The six equations for one unit, written out with math on plain floats: a second engine
    beside lstm_lib's array code (which the cases use), with the blocks looked up by name."""
    def pre(block):
        return s[f"{block}.wh"] * s["h_prev"] + s[f"{block}.wx"] * s["x_t"] + s[f"{block}.b"]

    def sig(z):
        return 1 / (1 + math.exp(-z))

    f, i, g, o = sig(pre("f")), sig(pre("i")), math.tanh(pre("c")), sig(pre("o"))
    c_t = f * s["c_prev"] + i * g
    return {"z_f": pre("f"), "z_i": pre("i"), "z_c": pre("c"), "z_o": pre("o"),
            "f": f, "i": i, "g": g, "o": o, "kept": f * s["c_prev"], "written": i * g,
            "c_t": c_t, "tanh_c": math.tanh(c_t), "h_t": o * math.tanh(c_t)}


def test_step_cases_agree_with_the_equations_written_out(cases):
    # Each quantity goes through at most a dozen roundings of values below 50, and exp's and
    # tanh's own last-bit errors: together far below 1e-12 (an ulp of 50 is 7e-15). A block or a
    # weight in the wrong place moves the values by far more than that.
    for case in cases["step"]:
        expected = case["expected"]
        by_hand = scalar_step(case["settings"])
        assert set(expected) == set(by_hand)
        for quantity, value in by_hand.items():
            assert abs(expected[quantity] - value) < 1e-12, (quantity, case["settings"])


def test_the_first_cases_are_the_worked_example(cases):
    worked = cases["step"][0]["expected"]
    assert round(worked["c_t"], 4) == 2.9476 and round(worked["h_t"], 4) == 0.9862
    chapter = cases["sequence"][0]
    assert chapter["prices"] == company_prices().tolist()
    h4 = [days[-1] for days in chapter["expected"]["h"]]
    assert np.round(h4, 1).tolist() == [0.0, 1.0]  # the day-5 prices


def test_carried_memory_is_day_1s_cell_state_times_the_later_forget_gates(cases):
    for case in cases["sequence"]:
        e = case["expected"]
        for row in range(2):
            c1, f = e["c"][row][0], e["f"][row]
            assert e["carried"][row][0] == c1
            np.testing.assert_allclose(e["carried"][row][3], c1 * f[1] * f[2] * f[3],
                                       rtol=1e-15, atol=0)


def test_the_cases_file_is_written_beside_the_site_where_the_browser_test_reads_it(tmp_path, cases):
    path = gate_explorer.write_cases(tmp_path)
    assert path == tmp_path / "gate_explorer" / "cases.json"
    assert json.loads(path.read_text()) == json.loads(json.dumps(cases))
