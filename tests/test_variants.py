"""The LSTM variants: vanilla against lstm.py and Keras, every variant against finite differences,
each doing what its name says, and clear errors."""
import numpy as np
import pytest

import lstm_lib.variants as variants_module
from lstm_lib.activations import sigmoid
from lstm_lib.lstm import LSTMParams, lstm_backward, lstm_forward
from lstm_lib.variants import (
    VARIANTS,
    PeepholeParams,
    variant_backward,
    variant_forward,
    variant_init,
)
from finite_differences import assert_matches_finite_differences, fails_finite_differences
from keras_reference import keras_forward_and_grads, random_weights

NAMES = list(VARIANTS)


def variant_problem(rng, variant, B=2, T=4, D=3, H=2):
    """Random non-zero weights (peepholes too), inputs, states and upstream gradients."""
    params = LSTMParams(*random_weights(rng, [(D, 4 * H), (H, 4 * H), (4 * H,)]))
    if variant == "peepholes":
        params = PeepholeParams(*params, rng.normal(scale=0.5, size=(3, H)))
    x = rng.normal(size=(B, T, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    upstream, upstream_c = rng.normal(size=(B, T, H)), rng.normal(size=(B, H))
    return params, x, h0, c0, upstream, upstream_c


def test_variants_are_the_eight_of_the_study_in_a_fixed_order():
    assert NAMES == ["vanilla", "NIG", "NFG", "NOG", "NIAF", "NOAF", "CIFG", "peepholes"]
    assert all(isinstance(text, str) and text for text in VARIANTS.values())


def test_vanilla_is_lstm_py(rng):
    params, x, h0, c0, upstream, upstream_c = variant_problem(rng, "vanilla", 3, 6, 4, 5)
    h_seq, c_seq, cache = variant_forward(x, params, "vanilla", h0, c0)
    lstm_h, lstm_c, lstm_cache = lstm_forward(x, params, h0, c0)
    # Both run the same operations on the same numbers in the same order, so they agree
    # exactly today; 1e-13 leaves room for a reordering of a sum (a few u = 1.1e-16 times
    # terms below 10, carried through six steps with Jacobians of order one) and none for a
    # mistake, which is of order 1e-3 or more.
    np.testing.assert_allclose(h_seq, lstm_h, rtol=0, atol=1e-13)
    np.testing.assert_allclose(c_seq, lstm_c, rtol=0, atol=1e-13)
    ours = variant_backward(upstream, cache, dc_last=upstream_c)
    theirs = lstm_backward(upstream, lstm_cache, dc_last=upstream_c)
    assert isinstance(ours[3], LSTMParams)
    for name, a, b in zip(["dx", "dh0", "dc0", *LSTMParams._fields], [*ours[:3], *ours[3]],
                          [*theirs[:3], *theirs[3]]):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, err_msg=name)


@pytest.mark.keras
def test_vanilla_matches_keras(rng):
    params, x, h0, c0, upstream, _ = variant_problem(rng, "vanilla", 2, 5, 3, 4)
    out, keras_grads = keras_forward_and_grads("LSTM", list(params), x, [h0, c0], upstream)
    h_seq, _, cache = variant_forward(x, params, "vanilla", h0, c0)
    # the tolerances of tests/test_lstm.py: float64 rounding through a few steps
    np.testing.assert_allclose(h_seq, out, rtol=0, atol=1e-10)
    dx, dh0, dc0, grads = variant_backward(upstream, cache)
    for ours, theirs in zip([dx, dh0, dc0, *grads], keras_grads):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8)


def gradient_checks(rng, variant, B=2, T=4, D=3, H=2):
    """(name, loss of that array, the array, its analytic gradient) for every input of the variant."""
    params, x, h0, c0, upstream, upstream_c = variant_problem(rng, variant, B, T, D, H)
    kind = type(params)

    def loss(p=params, x=x, h0=h0, c0=c0):
        h_seq, c_seq, _ = variant_forward(x, p, variant, h0, c0)
        return np.sum(h_seq * upstream) + np.sum(c_seq[:, -1] * upstream_c)

    def with_array(k):
        return lambda a: loss(p=kind(*params[:k], a, *params[k + 1 :]))

    _, _, cache = variant_forward(x, params, variant, h0, c0)
    dx, dh0, dc0, grads = variant_backward(upstream, cache, dc_last=upstream_c)
    assert type(grads) is kind
    checks = [(name, with_array(k), params[k], grads[k]) for k, name in enumerate(kind._fields)]
    return checks + [
        ("x", lambda a: loss(x=a), x, dx),
        ("h0", lambda a: loss(h0=a), h0, dh0),
        ("c0", lambda a: loss(c0=a), c0, dc0),
    ]


@pytest.mark.parametrize("variant", NAMES)
@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_gradients_match_finite_differences(rng, variant, B, T, D, H):
    # lstm_lib.gradcheck derives TOLERANCE for losses of a few terms of order one and gradients
    # whose largest entry is above 0.05; assert_matches_finite_differences asserts both.
    for name, loss, at, analytic in gradient_checks(rng, variant, B, T, D, H):
        assert_matches_finite_differences(loss, at, analytic, name)


def planted(wrong_variant):
    """A planted bug: the backward step of one variant run as another's."""
    correct = variants_module._backward_step

    def backward_step(*args):
        return correct(*args[:-1], wrong_variant)

    return backward_step


@pytest.mark.parametrize(
    "variant,wrong_as,caught_in",
    [
        ("CIFG", "NIG", "kernel"),  # df without -di: forgets that i = 1 - f
        ("peepholes", "vanilla", "c0"),  # no gradient along the peepholes into c
        ("NOAF", "vanilla", "x"),  # tanh' applied to an activation that is not tanh
        ("NIAF", "vanilla", "x"),  # tanh' applied to g = z_c
    ],
)
def test_a_wrong_backward_step_is_caught(rng, monkeypatch, variant, wrong_as, caught_in):
    monkeypatch.setattr(variants_module, "_backward_step", planted(wrong_as))
    checks = {name: check for name, *check in gradient_checks(rng, variant)}
    assert fails_finite_differences(*checks[caught_in])


@pytest.mark.parametrize(
    "variant,unused",
    [("vanilla", ()), ("NIG", ("i",)), ("NFG", ("f",)), ("NOG", ("o",)), ("CIFG", ("i",))],
)
def test_unused_weight_blocks_get_zero_gradient(rng, variant, unused):
    params, x, h0, c0, upstream, _ = variant_problem(rng, variant)
    _, _, cache = variant_forward(x, params, variant, h0, c0)
    grads = variant_backward(upstream, cache)[3]
    for gate in LSTMParams.GATE_ORDER:
        blocks = grads.gate(gate)
        if gate in unused:
            assert all(np.all(block == 0) for block in blocks), gate
        else:
            assert all(np.any(block != 0) for block in blocks), gate


def expected_gates(cache):
    """The gates each variant should have, recomputed from the cache's inputs and states with the
    equations of the module docstring, written out once per variant."""
    variant, x, h0, c0, h_seq, c_seq = cache[:6]
    p = cache.params
    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)
    c_prev = np.concatenate([c0[:, None], c_seq[:, :-1]], axis=1)
    z = {}
    for gate in LSTMParams.GATE_ORDER:
        W_x, W_h, b = LSTMParams(*p[:3]).gate(gate)
        z[gate] = x @ W_x + h_prev @ W_h + b  # (B, T, H)
    if variant == "peepholes":
        z["i"] = z["i"] + p.peephole[0] * c_prev
        z["f"] = z["f"] + p.peephole[1] * c_prev
        z["o"] = z["o"] + p.peephole[2] * c_seq
    gates = {"i": sigmoid(z["i"]), "f": sigmoid(z["f"]), "g": np.tanh(z["c"]),
             "o": sigmoid(z["o"]), "a": np.tanh(c_seq)}
    one = np.ones_like(c_seq)
    changes = {
        "vanilla": {},
        "NIG": {"i": one},
        "NFG": {"f": one},
        "NOG": {"o": one},
        "NIAF": {"g": z["c"]},
        "NOAF": {"a": c_seq},
        "CIFG": {"i": 1 - gates["f"]},
        "peepholes": {},
    }
    return {**gates, **changes[variant]}, c_prev


@pytest.mark.parametrize("variant", NAMES)
def test_each_variant_does_what_its_name_says(rng, variant):
    params, x, h0, c0, _, _ = variant_problem(rng, variant, 3, 5, 2, 4)
    h_seq, c_seq, cache = variant_forward(x, params, variant, h0, c0)
    expected, c_prev = expected_gates(cache)
    # The cache's gates against the same equations written out again: the same sums in another
    # order, within a few u times terms below 10 per step, through five steps; 1e-12 bounds it,
    # while a gate of the wrong variant is off by order 0.1.
    for name in ("i", "f", "g", "o", "a"):
        np.testing.assert_allclose(getattr(cache, name), expected[name], rtol=0, atol=1e-12,
                                   err_msg=name)
    np.testing.assert_allclose(c_seq, cache.f * c_prev + cache.i * cache.g, rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_seq, cache.o * cache.a, rtol=0, atol=1e-12)
    if variant != "vanilla":  # each variant changes what the network computes
        assert np.max(np.abs(h_seq - lstm_forward(x, params[:3], h0, c0)[0])) > 1e-3


def test_peepholes_let_the_gates_see_the_cell():
    """A hand-built unit: every weight zero but the peepholes, so each gate is sigmoid(p * c)."""
    p_i, p_f, p_o, c0 = 2.0, -1.0, 3.0, 0.5
    zeros = LSTMParams(np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4))
    params = PeepholeParams(*zeros, np.array([[p_i], [p_f], [p_o]]))
    h, c, cache = variant_forward(np.zeros((1, 1, 1)), params, "peepholes", c0=[[c0]])
    i, f = sigmoid(p_i * c0), sigmoid(p_f * c0)  # g = tanh(0) = 0, so c_1 = f c_0
    np.testing.assert_allclose([cache.i.item(), cache.f.item()], [i, f], rtol=1e-15)
    np.testing.assert_allclose(c.item(), f * c0, rtol=1e-15)
    np.testing.assert_allclose(h.item(), sigmoid(p_o * f * c0) * np.tanh(f * c0), rtol=1e-15)


def test_zero_peepholes_are_the_vanilla_lstm(rng):
    params, x, h0, c0, _, _ = variant_problem(rng, "vanilla")
    with_zeros = PeepholeParams(*params, np.zeros((3, params.units)))
    np.testing.assert_array_equal(variant_forward(x, with_zeros, "peepholes", h0, c0)[0],
                                  variant_forward(x, params, "vanilla", h0, c0)[0])


def test_variant_init_gives_every_variant_the_same_start():
    start = variant_init("vanilla", 3, 2, seed=7)
    for variant in NAMES:
        params = variant_init(variant, 3, 2, seed=7)
        for a, b in zip(params[:3], start):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(start.gate("f")[2], 1.0)  # Keras' forget bias
    np.testing.assert_array_equal(variant_init("peepholes", 3, 2).peephole, np.zeros((3, 3)))
    no_bias = variant_init("CIFG", 3, 2, seed=7, forget_bias=0.0)
    np.testing.assert_array_equal(no_bias.gate("f")[2], 0.0)
    np.testing.assert_array_equal(no_bias.gate("i")[2], start.gate("i")[2])


def test_float32_stays_float32(rng):
    for variant in NAMES:
        params, x, _, _, upstream, _ = variant_problem(rng, variant)
        params32 = type(params)(*(a.astype(np.float32) for a in params))
        h_seq, c_seq, cache = variant_forward(x.astype(np.float32), params32, variant)
        dx, dh0, dc0, grads = variant_backward(upstream.astype(np.float32), cache)
        assert {a.dtype for a in (h_seq, c_seq, dx, dh0, dc0, *grads)} == {np.dtype(np.float32)}


def test_the_cache_is_out_of_reach_of_the_caller(rng):
    params, x, h0, c0, upstream, _ = variant_problem(rng, "peepholes")
    h_seq, c_seq, cache = variant_forward(x, params, "peepholes", h0, c0)
    before = variant_backward(upstream, cache)
    for array in (x, h0, c0, h_seq, c_seq, *params):
        array += 1.0
    after = variant_backward(upstream, cache)
    for a, b in zip([*before[:3], *before[3]], [*after[:3], *after[3]]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", ["lstm", "nig", None, 3])
def test_an_unknown_variant_is_refused_with_the_names(rng, bad):
    params, x, *_ = variant_problem(rng, "vanilla")
    with pytest.raises(ValueError, match=r"variant must be one of \('vanilla', 'NIG', .*'peepholes'\)"):
        variant_forward(x, params, bad)
    with pytest.raises(ValueError, match="variant must be one of"):
        variant_init(bad, 2, 3)


def test_bad_input_is_refused_with_a_clear_error(rng):
    params, x, h0, c0, upstream, _ = variant_problem(rng, "peepholes")
    lstm_params = LSTMParams(*params[:3])
    cases = [
        (ValueError, r"x must have shape \(batch, time, input_dim\) = \(any, any, 3\)",
         lambda: variant_forward(x[..., :2], lstm_params, "NIG")),
        (ValueError, r"h0 must have shape \(batch, units\) = \(2, 2\); got shape \(2, 3\)",
         lambda: variant_forward(x, lstm_params, "NFG", h0=np.zeros((2, 3)))),
        (ValueError, r"c0 must hold finite numbers",
         lambda: variant_forward(x, lstm_params, "NOG", c0=np.full((2, 2), np.nan))),
        (ValueError, r"peephole must have shape \(3, units\) = \(3, 2\); got shape \(2, 2\)",
         lambda: variant_forward(x, PeepholeParams(*params[:3], np.zeros((2, 2))), "peepholes")),
        (ValueError, r"peephole must hold finite numbers",
         lambda: variant_forward(x, PeepholeParams(*params[:3], np.full((3, 2), np.inf)),
                                 "peepholes")),
        (TypeError, r"variant 'peepholes' takes PeepholeParams.*got LSTMParams",
         lambda: variant_forward(x, lstm_params, "peepholes")),
        (TypeError, r"variant 'CIFG' takes LSTMParams; PeepholeParams is for 'peepholes'",
         lambda: variant_forward(x, params, "CIFG")),
        (ValueError, r"recurrent_kernel must have shape \(units, 4 \* units\)",
         lambda: variant_forward(x, [params[0], params[1][:, :4], params[2]], "NOAF")),
    ]
    for error, message, call in cases:
        with pytest.raises(error, match=message):
            call()
    _, _, cache = variant_forward(x, params, "peepholes", h0, c0)
    with pytest.raises(ValueError, match=r"dh_seq must have shape \(batch, time, units\)"):
        variant_backward(upstream[:, :2], cache)
    with pytest.raises(ValueError, match=r"dc_last must be a 2-D array of shape \(batch, units\)"):
        variant_backward(upstream, cache, dc_last=np.zeros(2))
    with pytest.raises(TypeError, match="cache must be the VariantCache that variant_forward"):
        variant_backward(upstream, lstm_forward(x, lstm_params)[2])


def test_a_list_of_arrays_is_accepted_as_parameters(rng):
    params, x, *_ = variant_problem(rng, "peepholes")
    np.testing.assert_array_equal(variant_forward(x, list(params), "peepholes")[0],
                                  variant_forward(x, params, "peepholes")[0])
    np.testing.assert_array_equal(variant_forward(x, list(params[:3]), "NIG")[0],
                                  variant_forward(x, LSTMParams(*params[:3]), "NIG")[0])
