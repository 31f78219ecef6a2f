"""The NumPy LSTM against Keras, against finite differences, and against itself."""
import numpy as np
import pytest

import lstm_lib.lstm as lstm_module
from lstm_lib.lstm import (
    LSTMParams,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    param_count,
)
from finite_differences import assert_matches_finite_differences, fails_finite_differences
from keras_reference import SHAPES, keras_forward_and_grads, random_weights


def lstm_problem(rng, B, T, D, H):
    params = LSTMParams(*random_weights(rng, [(D, 4 * H), (H, 4 * H), (4 * H,)]))
    x = rng.normal(size=(B, T, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    upstream = rng.normal(size=(B, T, H))
    return params, x, h0, c0, upstream


@pytest.mark.keras
@pytest.mark.parametrize("B,T,D,H", SHAPES)
def test_forward_and_gradients_match_keras(rng, B, T, D, H):
    params, x, h0, c0, upstream = lstm_problem(rng, B, T, D, H)
    out, keras_grads = keras_forward_and_grads("LSTM", list(params), x, [h0, c0], upstream)

    h_seq, _, cache = lstm_forward(x, params, h0, c0)
    np.testing.assert_allclose(h_seq, out, rtol=0, atol=1e-10)

    dx, dh0, dc0, grads = lstm_backward(upstream, cache)
    names = ["dx", "dh0", "dc0", "kernel", "recurrent_kernel", "bias"]
    for name, ours, theirs in zip(names, [dx, dh0, dc0, *grads], keras_grads):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8, err_msg=name)


@pytest.mark.keras
def test_keras_weights_load_without_conversion(rng):
    import keras

    layer = keras.layers.LSTM(5, dtype="float64")
    layer.build((None, None, 3))
    params = LSTMParams(*layer.get_weights())
    assert (params.input_dim, params.units) == (3, 5)
    layer.set_weights(list(params))  # and back again, as a plain list
    x = rng.normal(size=(2, 4, 3))
    np.testing.assert_allclose(lstm_forward(x, params)[0][:, -1], layer(x).numpy(), atol=1e-10)


@pytest.mark.keras
def test_float32_matches_keras_float32(rng):
    import keras

    layer = keras.layers.LSTM(4, return_sequences=True, dtype="float32")
    layer.build((None, None, 3))
    weights = [w.astype(np.float32) for w in random_weights(rng, [w.shape for w in layer.get_weights()])]
    layer.set_weights(weights)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    h_seq, c_seq, _ = lstm_forward(x, LSTMParams(*weights))
    assert h_seq.dtype == np.float32 and c_seq.dtype == np.float32
    np.testing.assert_allclose(h_seq, layer(x).numpy(), atol=1e-5)


def test_float32_stays_float32_through_backward(rng):
    params, x, h0, c0, upstream = lstm_problem(rng, 2, 3, 2, 3)
    params32 = LSTMParams(*(w.astype(np.float32) for w in params))
    _, _, cache = lstm_forward(x.astype(np.float32), params32)
    dx, dh0, dc0, grads = lstm_backward(upstream.astype(np.float32), cache)
    assert {a.dtype for a in (dx, dh0, dc0, *grads)} == {np.dtype(np.float32)}


def sequence_gradient_checks(rng, B, T, D, H):
    """(name, loss of that array, the array, its analytic gradient) for every input of lstm_forward."""
    params, x, h0, c0, upstream = lstm_problem(rng, B, T, D, H)
    upstream_c = rng.normal(size=(B, H))  # the final cell state feeds the loss too

    def loss(p=params, x=x, h0=h0, c0=c0):
        h_seq, c_seq, _ = lstm_forward(x, p, h0, c0)
        return np.sum(h_seq * upstream) + np.sum(c_seq[:, -1] * upstream_c)

    _, _, cache = lstm_forward(x, params, h0, c0)
    dx, dh0, dc0, grads = lstm_backward(upstream, cache, dc_last=upstream_c)
    k, u, b = params
    return [
        ("kernel", lambda a: loss(p=LSTMParams(a, u, b)), k, grads.kernel),
        ("recurrent_kernel", lambda a: loss(p=LSTMParams(k, a, b)), u, grads.recurrent_kernel),
        ("bias", lambda a: loss(p=LSTMParams(k, u, a)), b, grads.bias),
        ("x", lambda a: loss(x=a), x, dx),
        ("h0", lambda a: loss(h0=a), h0, dh0),
        ("c0", lambda a: loss(c0=a), c0, dc0),
    ]


@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_gradients_match_finite_differences(rng, B, T, D, H):
    for name, loss, at, analytic in sequence_gradient_checks(rng, B, T, D, H):
        assert_matches_finite_differences(loss, at, analytic, name)


def forget_gradient_off_by(factor):
    """A planted bug: the backward pass's df (dL/df_t) scaled by `factor` at every step."""
    correct = lstm_module._backward_through_gates

    def planted(*args):
        dz, dc_prev = correct(*args)
        units = dz.shape[1] // 4
        dz = dz.copy()
        dz[:, units : 2 * units] *= factor  # the f block of dz is df * sigmoid'(z_f)
        return dz, dc_prev

    return planted


@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_a_forget_gradient_off_by_a_tenth_of_a_percent_is_caught(rng, monkeypatch, B, T, D, H):
    monkeypatch.setattr(lstm_module, "_backward_through_gates", forget_gradient_off_by(1.001))
    checks = {name: check for name, *check in sequence_gradient_checks(rng, B, T, D, H)}
    for name in ("kernel", "recurrent_kernel", "bias", "x", "h0"):
        assert fails_finite_differences(*checks[name]), name


@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_a_doubled_bias_gradient_is_caught(rng, B, T, D, H):
    checks = {name: check for name, *check in sequence_gradient_checks(rng, B, T, D, H)}
    loss, at, analytic = checks["bias"]
    assert fails_finite_differences(loss, at, 2 * analytic)


def test_cell_backward_matches_finite_differences(rng):
    params, x, h0, c0, _ = lstm_problem(rng, 3, 1, 4, 5)
    x_t = x[:, 0]
    dh, dc = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))

    def loss(p=params, x_t=x_t, h=h0, c=c0):
        h_t, c_t, _ = lstm_cell_forward(x_t, h, c, p)
        return np.sum(h_t * dh) + np.sum(c_t * dc)

    _, _, cache = lstm_cell_forward(x_t, h0, c0, params)
    dx_t, dh_prev, dc_prev, grads = lstm_cell_backward(dh, dc, cache)
    k, u, b = params
    assert_matches_finite_differences(lambda a: loss(x_t=a), x_t, dx_t, "x_t")
    assert_matches_finite_differences(lambda a: loss(h=a), h0, dh_prev, "h_prev")
    assert_matches_finite_differences(lambda a: loss(c=a), c0, dc_prev, "c_prev")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(a, u, b)), k, grads.kernel, "kernel")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(k, a, b)), u, grads.recurrent_kernel, "recurrent_kernel")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(k, u, a)), b, grads.bias, "bias")


def test_sequence_is_the_cell_applied_step_by_step(rng):
    params, x, h0, c0, upstream = lstm_problem(rng, 2, 5, 3, 4)
    h_seq, c_seq, seq_cache = lstm_forward(x, params, h0, c0)
    # The sequence adds the bias to the input projection before the recurrent term, the cell
    # after it: the same sum in another order, equal to within a few u (1.1e-16) times the
    # terms' size (here below 5) at each step, carried through five steps with Jacobians of
    # order one. 1e-13 and 1e-12 bound that with room; a real mistake is of order 1e-3 or more.
    h, c, caches = h0, c0, []
    for t in range(x.shape[1]):
        h, c, cache = lstm_cell_forward(x[:, t], h, c, params)
        caches.append(cache)
        np.testing.assert_allclose(h, h_seq[:, t], atol=1e-13)
        np.testing.assert_allclose(c, c_seq[:, t], atol=1e-13)

    dx_seq, dh0_seq, dc0_seq, grads_seq = lstm_backward(upstream, seq_cache)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    total = [np.zeros_like(w) for w in params]
    for t in reversed(range(x.shape[1])):
        dx_t, dh_next, dc_next, grads = lstm_cell_backward(upstream[:, t] + dh_next, dc_next, caches[t])
        np.testing.assert_allclose(dx_t, dx_seq[:, t], atol=1e-12)
        total = [a + g for a, g in zip(total, grads)]
    np.testing.assert_allclose(dh_next, dh0_seq, atol=1e-12)
    np.testing.assert_allclose(dc_next, dc0_seq, atol=1e-12)
    for a, g in zip(total, grads_seq):
        np.testing.assert_allclose(a, g, atol=1e-12)


def test_zero_initial_state_is_the_default(rng):
    params, x, _, _, _ = lstm_problem(rng, 2, 3, 2, 3)
    zeros = np.zeros((2, 3))
    np.testing.assert_array_equal(lstm_forward(x, params)[0], lstm_forward(x, params, zeros, zeros)[0])


def test_gate_blocks_follow_keras_order(rng):
    params, *_ = lstm_problem(rng, 1, 1, 2, 3)
    W_xf, W_hf, b_f = params.gate("f")
    np.testing.assert_array_equal(W_xf, params.kernel[:, 3:6])
    np.testing.assert_array_equal(W_hf, params.recurrent_kernel[:, 3:6])
    np.testing.assert_array_equal(b_f, params.bias[3:6])
    with pytest.raises(ValueError, match="gate name must be one of"):
        params.gate("forget")


def test_forget_gate_closed_and_input_open_copies_candidate():
    """A hand-built unit: with f ~ 0, i ~ 1 and o ~ 1 the cell takes the candidate tanh(z_c)."""
    big = 50.0
    kernel = np.array([[0.0, 0.0, 1.0, 0.0]])
    bias = np.array([big, -big, 0.0, big])
    params = LSTMParams(kernel, np.zeros((1, 4)), bias)
    h, c, _ = lstm_cell_forward(np.array([[0.3]]), np.zeros((1, 1)), np.array([[5.0]]), params)
    np.testing.assert_allclose(c, np.tanh(0.3), atol=1e-12)
    np.testing.assert_allclose(h, np.tanh(np.tanh(0.3)), atol=1e-12)


@pytest.mark.keras
@pytest.mark.parametrize("units,input_dim", [(1, 1), (50, 1), (50, 50), (64, 1), (7, 13)])
def test_param_count_matches_keras(units, input_dim):
    import keras

    layer = keras.layers.LSTM(units)
    layer.build((None, None, input_dim))
    assert param_count(units, input_dim) == layer.count_params()


def test_param_count_of_the_seed_models():
    # LSTM(64) on one feature, then Dense 64->32, 32->32, 32->1: 20,065 in all.
    assert param_count(64, 1) == 16_896
    assert param_count(64, 1) + (64 * 32 + 32) + (32 * 32 + 32) + (32 + 1) == 20_065
    # LSTM(50) -> LSTM(50) -> Dense(1): 30,651 in all.
    assert param_count(50, 1) + param_count(50, 50) + 51 == 30_651


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4"])
def test_param_count_rejects_non_positive_integers(bad):
    with pytest.raises(ValueError, match="positive integer"):
        param_count(bad, 3)
