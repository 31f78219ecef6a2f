"""The NumPy GRU against Keras' GRU, against finite differences, and against itself.

Tolerances of the Keras comparison. Both engines compute the same float64 sums (u = 1.1e-16) in
different orders. One step's pre-activations are sums of D + H + 2 <= 13 terms of size below 5
here, so each is off by at most about 13 * 5 * u ~ 1e-14, and the activations and the blend
z h + (1 - z) h~ have slopes of at most 1; carried through T <= 16 steps whose Jacobians have norms
of order one, h_seq differs by at most about 16 * 1e-14 ~ 2e-13 (measured: 4e-16). The gradients
are sums over B * T <= 32 steps and examples of products of such terms, with entries up to about
12 (the bias), so they differ by at most 32 * 12 * 1e-14 ~ 4e-12 (measured: 4e-15). atol 1e-10 and
1e-8, the LSTM's, sit 500 and 2500 times above those bounds, and far below a real mistake: the
bias rows swapped moves h_seq by more than 1e-2 (test_the_keras_comparison_tells_the_bias_rows_apart).
"""
import re

import numpy as np
import pytest

import lstm_lib.gru as gru_module
from lstm_lib.gru import (
    GRUCache,
    GRUCellCache,
    GRUParams,
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_param_count,
)
from lstm_lib.initializers import gru_init
from lstm_lib.lstm import LSTMParams, lstm_forward
from finite_differences import assert_matches_finite_differences, fails_finite_differences
from keras_reference import SHAPES, keras_forward_and_grads, random_weights


def gru_problem(rng, B, T, D, H):
    """Random weights with both bias rows non-zero, an input, a non-zero h0 and an upstream gradient."""
    params = GRUParams(*random_weights(rng, [(D, 3 * H), (H, 3 * H), (2, 3 * H)]))
    x = rng.normal(size=(B, T, D))
    h0 = rng.normal(size=(B, H))
    upstream = rng.normal(size=(B, T, H))
    return params, x, h0, upstream


# ---------------------------------------------------------------- against Keras


@pytest.mark.keras
@pytest.mark.parametrize("B,T,D,H", SHAPES)
def test_forward_and_gradients_match_keras(rng, B, T, D, H):
    params, x, h0, upstream = gru_problem(rng, B, T, D, H)
    assert np.all(params.bias != 0)  # both rows: a bias counted in the wrong row must show
    out, keras_grads = keras_forward_and_grads("GRU", list(params), x, [h0], upstream)

    h_seq, cache = gru_forward(x, params, h0)
    np.testing.assert_allclose(h_seq, out, rtol=0, atol=1e-10)  # derived in the module docstring

    dx, dh0, grads = gru_backward(upstream, cache)
    names = ["dx", "dh0", "kernel", "recurrent_kernel", "bias"]
    assert len(keras_grads) == len(names)
    for name, ours, theirs in zip(names, [dx, dh0, *grads], keras_grads):
        assert ours.shape == theirs.shape, name
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8, err_msg=name)


@pytest.mark.keras
def test_keras_gru_step_is_the_documented_equations(rng):
    """What Keras computes, line by line, on a step whose every term is visible.

    With kernel and recurrent_kernel zero, xw = bias[0] and hu = bias[1], so one step from h0 is
    z * h0 + (1 - z) * tanh(b_in_h + r * b_rec_h), z = sigmoid(b_in_z + b_rec_z) and
    r = sigmoid(b_in_r + b_rec_r): row 0 the input bias, row 1 the recurrent bias inside the reset
    gate, and z keeping the old state. Swapped rows or z on the candidate give other numbers.
    """
    import keras

    H, D = 3, 2
    layer = keras.layers.GRU(H, return_sequences=True, dtype="float64")
    layer.build((None, None, D))
    assert layer.reset_after  # Keras' default
    bias = rng.normal(size=(2, 3 * H))
    layer.set_weights([np.zeros((D, 3 * H)), np.zeros((H, 3 * H)), bias])
    h0 = rng.normal(size=(1, H))
    keras_h1 = layer(np.ones((1, 1, D)), initial_state=[h0]).numpy()[:, 0]

    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    (b_in_z, b_in_r, b_in_h), (b_rec_z, b_rec_r, b_rec_h) = (np.split(row, 3) for row in bias)
    z, r = sig(b_in_z + b_rec_z), sig(b_in_r + b_rec_r)
    documented = z * h0 + (1 - z) * np.tanh(b_in_h + r * b_rec_h)
    np.testing.assert_allclose(keras_h1, documented, rtol=0, atol=1e-14)  # a few roundings of O(1)
    assert np.abs(keras_h1 - (z * h0 + (1 - z) * np.tanh(b_rec_h + r * b_in_h))).max() > 1e-3
    assert np.abs(keras_h1 - ((1 - z) * h0 + z * np.tanh(b_in_h + r * b_rec_h))).max() > 1e-3
    h1, _ = gru_forward(np.ones((1, 1, D)), list(layer.get_weights()), h0)
    np.testing.assert_allclose(h1[:, 0], keras_h1, rtol=0, atol=1e-14)


@pytest.mark.keras
def test_the_keras_comparison_tells_the_bias_rows_apart(rng):
    """The parity test's atol of 1e-10 is far below what a wrong bias layout changes."""
    params, x, h0, upstream = gru_problem(rng, 2, 5, 3, 4)
    out, _ = keras_forward_and_grads("GRU", list(params), x, [h0], upstream)
    swapped = params._replace(bias=params.bias[::-1].copy())
    assert np.abs(gru_forward(x, swapped, h0)[0] - out).max() > 1e-2


@pytest.mark.keras
def test_keras_weights_load_without_conversion(rng):
    import keras

    layer = keras.layers.GRU(5, dtype="float64")
    layer.build((None, None, 3))
    params = GRUParams(*layer.get_weights())
    assert (params.input_dim, params.units, params.bias.shape) == (3, 5, (2, 15))
    weights = random_weights(rng, [w.shape for w in params])
    layer.set_weights(list(GRUParams(*weights)))  # and back again, as a plain list
    x = rng.normal(size=(2, 4, 3))
    np.testing.assert_allclose(gru_forward(x, weights)[0][:, -1], layer(x).numpy(), rtol=0, atol=1e-10)


@pytest.mark.keras
def test_float32_matches_keras_float32(rng):
    import keras

    layer = keras.layers.GRU(4, return_sequences=True, dtype="float32")
    layer.build((None, None, 3))
    weights = [w.astype(np.float32) for w in random_weights(rng, [w.shape for w in layer.get_weights()])]
    layer.set_weights(weights)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    h_seq, _ = gru_forward(x, GRUParams(*weights))
    assert h_seq.dtype == np.float32
    # float32 (u = 6e-8) sums of about 10 terms below 5, through 6 steps: about 2e-5 at most
    np.testing.assert_allclose(h_seq, layer(x).numpy(), rtol=0, atol=1e-5)


def test_float32_stays_float32_through_backward(rng):
    params, x, h0, upstream = gru_problem(rng, 2, 3, 2, 3)
    params32 = GRUParams(*(w.astype(np.float32) for w in params))
    h_seq, cache = gru_forward(x.astype(np.float32), params32)
    dx, dh0, grads = gru_backward(upstream.astype(np.float32), cache)
    h_t, cell_cache = gru_cell_forward(x[:, 0].astype(np.float32), None, params32)
    cell = gru_cell_backward(h_t, cell_cache)
    assert {a.dtype for a in (h_seq, dx, dh0, *grads, h_t, cell[0], cell[1], *cell[2])} == {
        np.dtype(np.float32)
    }


# ---------------------------------------------------------------- against finite differences


def sequence_gradient_checks(rng, B, T, D, H):
    """(name, loss of that array, the array, its analytic gradient) for every input of gru_forward."""
    params, x, h0, upstream = gru_problem(rng, B, T, D, H)

    def loss(p=params, x=x, h0=h0):
        return np.sum(gru_forward(x, p, h0)[0] * upstream)

    dx, dh0, grads = gru_backward(upstream, gru_forward(x, params, h0)[1])
    k, u, b = params
    return [
        ("kernel", lambda a: loss(p=GRUParams(a, u, b)), k, grads.kernel),
        ("recurrent_kernel", lambda a: loss(p=GRUParams(k, a, b)), u, grads.recurrent_kernel),
        ("bias", lambda a: loss(p=GRUParams(k, u, a)), b, grads.bias),
        ("x", lambda a: loss(x=a), x, dx),
        ("h0", lambda a: loss(h0=a), h0, dh0),
    ]


@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_gradients_match_finite_differences(rng, B, T, D, H):
    for name, loss, at, analytic in sequence_gradient_checks(rng, B, T, D, H):
        assert_matches_finite_differences(loss, at, analytic, name)


def test_cell_backward_matches_finite_differences(rng):
    params, x, h0, _ = gru_problem(rng, 3, 1, 4, 5)
    x_t, dh = x[:, 0], rng.normal(size=(3, 5))

    def loss(p=params, x_t=x_t, h=h0):
        return np.sum(gru_cell_forward(x_t, h, p)[0] * dh)

    dx_t, dh_prev, grads = gru_cell_backward(dh, gru_cell_forward(x_t, h0, params)[1])
    k, u, b = params
    assert_matches_finite_differences(lambda a: loss(x_t=a), x_t, dx_t, "x_t")
    assert_matches_finite_differences(lambda a: loss(h=a), h0, dh_prev, "h_prev")
    assert_matches_finite_differences(lambda a: loss(p=GRUParams(a, u, b)), k, grads.kernel, "kernel")
    assert_matches_finite_differences(lambda a: loss(p=GRUParams(k, a, b)), u, grads.recurrent_kernel, "recurrent_kernel")
    assert_matches_finite_differences(lambda a: loss(p=GRUParams(k, u, a)), b, grads.bias, "bias")


def reset_gradient_off_by(factor):
    """A planted bug: the gradient at the reset gate's pre-activation scaled by `factor`."""
    correct = gru_module._backward_through_gates

    def planted(dh, h_prev, z, r, h_tilde, hu_h, recurrent_kernel):
        dxw, dhu, _ = correct(dh, h_prev, z, r, h_tilde, hu_h, recurrent_kernel)
        units = dh.shape[1]
        dxw, dhu = dxw.copy(), dhu.copy()
        dxw[:, units : 2 * units] *= factor  # the r blocks of dxw and dhu hold da_r
        dhu[:, units : 2 * units] *= factor
        return dxw, dhu, dh * z + dhu @ recurrent_kernel.T

    return planted


@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_a_reset_gradient_off_by_a_tenth_of_a_percent_is_caught(rng, monkeypatch, B, T, D, H):
    monkeypatch.setattr(gru_module, "_backward_through_gates", reset_gradient_off_by(1.001))
    checks = {name: check for name, *check in sequence_gradient_checks(rng, B, T, D, H)}
    for name in ("kernel", "recurrent_kernel", "bias", "x", "h0"):
        assert fails_finite_differences(*checks[name]), name


@pytest.mark.parametrize("B,T,D,H", [(2, 4, 3, 2), (1, 6, 2, 3)])
def test_a_recurrent_bias_gradient_without_the_reset_gate_is_caught(rng, B, T, D, H):
    """The candidate's recurrent bias is scaled by r; forgetting r there is the likely slip."""
    checks = {name: check for name, *check in sequence_gradient_checks(rng, B, T, D, H)}
    loss, at, analytic = checks["bias"]
    wrong = analytic.copy()
    wrong[1, 2 * H :] = analytic[0, 2 * H :]  # d b_rec_h taken as d b_in_h, r left out
    assert fails_finite_differences(loss, at, wrong)


# ---------------------------------------------------------------- against itself


def test_sequence_is_the_cell_applied_step_by_step(rng):
    params, x, h0, upstream = gru_problem(rng, 2, 5, 3, 4)
    h_seq, seq_cache = gru_forward(x, params, h0)
    # The sequence adds the input bias with the input projection of all steps at once, the cell
    # per step: the same sums in another order, equal to within a few u (1.1e-16) times the terms'
    # size (below 5 here) at each step, carried through five steps with Jacobians of order one.
    # 1e-13 and 1e-12 bound that with room; a real mistake is of order 1e-3 or more.
    h, caches = h0, []
    for t in range(x.shape[1]):
        h, cache = gru_cell_forward(x[:, t], h, params)
        caches.append(cache)
        np.testing.assert_allclose(h, h_seq[:, t], rtol=0, atol=1e-13)

    dx_seq, dh0_seq, grads_seq = gru_backward(upstream, seq_cache)
    dh_next = np.zeros_like(h0)
    total = [np.zeros_like(w) for w in params]
    for t in reversed(range(x.shape[1])):
        dx_t, dh_next, grads = gru_cell_backward(upstream[:, t] + dh_next, caches[t])
        np.testing.assert_allclose(dx_t, dx_seq[:, t], rtol=0, atol=1e-12)
        total = [a + g for a, g in zip(total, grads)]
    np.testing.assert_allclose(dh_next, dh0_seq, rtol=0, atol=1e-12)
    for name, a, g in zip(GRUParams._fields, total, grads_seq):
        np.testing.assert_allclose(a, g, rtol=0, atol=1e-12, err_msg=name)


def test_zero_initial_state_is_the_default(rng):
    params, x, _, _ = gru_problem(rng, 2, 3, 2, 3)
    zeros = np.zeros((2, 3))
    np.testing.assert_array_equal(gru_forward(x, params)[0], gru_forward(x, params, zeros)[0])
    np.testing.assert_array_equal(gru_cell_forward(x[:, 0], None, params)[0],
                                  gru_cell_forward(x[:, 0], zeros, params)[0])


def test_gate_blocks_follow_keras_order(rng):
    params, *_ = gru_problem(rng, 1, 1, 2, 3)
    W_xr, W_hr, b_r = params.gate("r")
    np.testing.assert_array_equal(W_xr, params.kernel[:, 3:6])
    np.testing.assert_array_equal(W_hr, params.recurrent_kernel[:, 3:6])
    np.testing.assert_array_equal(b_r, params.bias[:, 3:6])  # (2, H): input and recurrent row
    with pytest.raises(ValueError, match="gate name must be one of"):
        params.gate("reset")


def test_update_gate_shut_keeps_the_state_open_takes_the_candidate():
    """A hand-built unit: z ~ 1 carries h_{t-1} over untouched; z ~ 0 replaces it by h~."""
    big = 50.0
    kernel = np.array([[0.0, 0.0, 1.0]])  # the input reaches the candidate only
    h_prev, x_t = np.array([[0.7]]), np.array([[0.3]])
    keep = GRUParams(kernel, np.zeros((1, 3)), np.array([[big, 0, 0], [0, 0, 0]]))
    np.testing.assert_allclose(gru_cell_forward(x_t, h_prev, keep)[0], h_prev, rtol=0, atol=1e-12)
    take = GRUParams(kernel, np.zeros((1, 3)), np.array([[-big, 0, 0], [0, 0, 0]]))
    np.testing.assert_allclose(gru_cell_forward(x_t, h_prev, take)[0], np.tanh(0.3), rtol=0, atol=1e-12)


def test_reset_gate_shut_hides_the_old_state_from_the_candidate():
    """r ~ 0 removes h_{t-1} U_h and the recurrent bias from the candidate; r ~ 1 keeps them."""
    big = 50.0
    recurrent = np.array([[0.0, 0.0, 2.0]])
    bias = np.array([[-big, 0.0, 0.1], [0.0, 0.0, 0.4]])  # z ~ 0: h_t is the candidate
    x_t, h_prev = np.zeros((1, 1)), np.array([[0.5]])
    for r_bias, expected in ((-big, np.tanh(0.1)), (big, np.tanh(0.1 + 0.5 * 2.0 + 0.4))):
        params = GRUParams(np.zeros((1, 3)), recurrent, bias + [[0, r_bias, 0], [0, 0, 0]])
        np.testing.assert_allclose(gru_cell_forward(x_t, h_prev, params)[0], expected, rtol=0, atol=1e-12)


# ---------------------------------------------------------------- parameters and their count


def test_gru_params_is_a_recurrent_params_named_tuple(rng):
    import pickle

    from lstm_lib.params import RecurrentParams, as_params

    p, *_ = gru_problem(rng, 1, 1, 2, 3)
    assert isinstance(p, RecurrentParams) and p._fields == ("kernel", "recurrent_kernel", "bias")
    assert (p.units, p.input_dim, p.dtype, GRUParams.bias_shape(3)) == (3, 2, np.float64, (2, 9))
    assert type(p._make(list(p))) is GRUParams and repr(p).startswith("GRUParams(kernel=")
    again = pickle.loads(pickle.dumps(p))
    assert type(again) is GRUParams and all(np.array_equal(a, b) for a, b in zip(again, p))
    assert p.kernel is GRUParams(*p).kernel  # kept, not copied, for an optimiser
    q = as_params(list(p), GRUParams)
    assert type(q) is GRUParams and not np.shares_memory(q.bias, p.bias)


def test_reset_after_false_weights_are_refused_with_a_clear_error(rng):
    H, D = 4, 3
    kernel, recurrent = rng.normal(size=(D, 3 * H)), rng.normal(size=(H, 3 * H))
    as_type = lambda b: GRUParams(kernel, recurrent, b)  # noqa: E731
    as_list = lambda b: gru_forward(np.ones((1, 2, D)), [kernel, recurrent, b])  # noqa: E731
    for make in (as_type, as_list):
        with pytest.raises(ValueError) as info:
            make(np.zeros(3 * H))  # the bias of keras.layers.GRU(4, reset_after=False)
        message = str(info.value)
        assert message.startswith("bias must have shape (2, 3 * units)"), message
        assert "reset_after=True" in message and "reset_after=False" in message and "(12,)" in message


@pytest.mark.keras
def test_keras_reset_after_false_has_the_refused_bias_shape():
    import keras

    layer = keras.layers.GRU(4, reset_after=False)
    layer.build((None, None, 3))
    with pytest.raises(ValueError, match=re.escape("got shape (12,)")):
        GRUParams(*layer.get_weights())


def test_wrong_shapes_name_the_array(rng):
    H, D = 4, 3
    kernel, recurrent, bias = rng.normal(size=(D, 3 * H)), rng.normal(size=(H, 3 * H)), rng.normal(size=(2, 3 * H))
    with pytest.raises(ValueError, match=r"^bias must have shape \(2, 3 \* units\) with units=4"):
        GRUParams(kernel, recurrent, bias[:, :-1])
    with pytest.raises(ValueError, match=r"^bias must be a 2-D array"):
        GRUParams(kernel, recurrent, bias[None])
    with pytest.raises(ValueError, match=r"^recurrent_kernel must have shape \(units, 3 \* units\)"):
        GRUParams(kernel, recurrent[:, :-3], bias)
    with pytest.raises(ValueError, match=r"^kernel must have shape \(input_dim, 3 \* units\)"):
        GRUParams(kernel[:, :-1], recurrent, bias)


def test_other_parameter_types_are_refused(rng):
    lstm_params = LSTMParams(*random_weights(rng, [(2, 12), (3, 12), (12,)]))
    with pytest.raises(TypeError, match="params must be GRUParams"):
        gru_forward(np.ones((1, 2, 2)), lstm_params)
    with pytest.raises(TypeError, match="params must be LSTMParams"):
        lstm_forward(np.ones((1, 2, 2)), gru_init(3, 2))


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("units,input_dim", [(1, 1), (4, 3), (50, 1), (32, 50)])
def test_param_count_by_hand(units, input_dim, reset_after):
    weights = 3 * units * (input_dim + units)
    biases = (2 if reset_after else 1) * 3 * units
    assert gru_param_count(units, input_dim, reset_after=reset_after) == weights + biases
    if reset_after:
        assert gru_param_count(units, input_dim) == sum(w.size for w in gru_init(units, input_dim))


@pytest.mark.keras
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("units,input_dim", [(1, 1), (4, 3), (50, 1), (32, 50)])
def test_param_count_matches_keras(units, input_dim, reset_after):
    import keras

    layer = keras.layers.GRU(units, reset_after=reset_after)
    layer.build((None, None, input_dim))
    assert gru_param_count(units, input_dim, reset_after=reset_after) == layer.count_params()


@pytest.mark.parametrize(
    "kwargs,error,name",
    [
        (dict(units=0, input_dim=3), ValueError, "units"),
        (dict(units=2.5, input_dim=3), TypeError, "units"),
        (dict(units=4, input_dim=-1), ValueError, "input_dim"),
        (dict(units=4, input_dim=3, reset_after="no"), TypeError, "reset_after"),
    ],
)
def test_param_count_refuses_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=rf"^{name} must be"):
        gru_param_count(**kwargs)


# ---------------------------------------------------------------- bad input and memory


def bad_input_cases(rng):
    params, x, h0, upstream = gru_problem(rng, 2, 3, 2, 4)
    _, cache = gru_forward(x, params, h0)
    _, cell_cache = gru_cell_forward(x[:, 0], h0, params)
    nan_x, nan_h0, nan_dh = x.copy(), h0.copy(), upstream.copy()
    nan_x[1, 2, 0] = nan_h0[0, 1] = nan_dh[0, 0, 0] = np.nan
    nan_params = params._replace(recurrent_kernel=params.recurrent_kernel.copy())
    nan_params.recurrent_kernel[0, 0] = np.inf
    lstm_params = LSTMParams(*random_weights(rng, [(2, 16), (4, 16), (16,)]))
    return [
        ("x of 2 dimensions", lambda: gru_forward(x[:, 0], params), ValueError,
         "x must be a 3-D array of shape (batch, time, input_dim) = (any, any, 2); got a 2-D array of shape (2, 2)"),
        ("x with 3 features", lambda: gru_forward(np.ones((2, 3, 3)), params), ValueError,
         "x must have shape (batch, time, input_dim) = (any, any, 2); got shape (2, 3, 3)"),
        ("x_t of 3 dimensions", lambda: gru_cell_forward(x, h0, params), ValueError,
         "x_t must be a 2-D array of shape (batch, input_dim)"),
        ("h0 transposed", lambda: gru_forward(x, params, h0.T), ValueError,
         "h0 must have shape (batch, units) = (2, 4); got shape (4, 2)"),
        ("h_prev for another batch", lambda: gru_cell_forward(x[:, 0], h0[:1], params), ValueError,
         "h_prev must have shape (batch, units) = (2, 4); got shape (1, 4)"),
        ("NaN in x", lambda: gru_forward(nan_x, params), ValueError, "x must hold finite numbers"),
        ("NaN in h0", lambda: gru_forward(x, params, nan_h0), ValueError, "h0 must hold finite numbers"),
        ("inf in recurrent_kernel", lambda: gru_forward(x, nan_params), ValueError,
         "recurrent_kernel must hold finite numbers"),
        ("NaN in dh_seq", lambda: gru_backward(nan_dh, cache), ValueError, "dh_seq must hold finite numbers"),
        ("dh_seq of a shorter sequence", lambda: gru_backward(upstream[:, :2], cache), ValueError,
         "dh_seq must have shape (batch, time, units) = (2, 3, 4); got shape (2, 2, 4)"),
        ("dh_t of the wrong shape", lambda: gru_cell_backward(upstream, cell_cache), ValueError,
         "dh_t must be a 2-D array of shape (batch, units)"),
        ("the cell's cache for the sequence", lambda: gru_backward(upstream, cell_cache), TypeError,
         "cache must be the GRUCache that gru_forward returned as its second value; got GRUCellCache"),
        ("the sequence's cache for the cell", lambda: gru_cell_backward(h0, cache), TypeError,
         "cache must be the GRUCellCache that gru_cell_forward returned as its second value; got GRUCache"),
        ("an LSTM's cache", lambda: gru_backward(upstream, lstm_forward(x, lstm_params)[2]), TypeError,
         "cache must be the GRUCache that gru_forward returned as its second value; got LSTMCache"),
        ("the pair returned, as a cache", lambda: gru_backward(upstream, gru_forward(x, params)), TypeError,
         "cache must be the GRUCache that gru_forward returned as its second value; got a tuple of 2"),
    ]


def test_bad_input_gets_a_clear_error(rng):
    for label, call, error, start in bad_input_cases(rng):
        with pytest.raises(error) as info:
            call()
        assert type(info.value) is error, label
        assert str(info.value).startswith(start), f"{label}: {info.value}"
        assert "\n" not in str(info.value), label

