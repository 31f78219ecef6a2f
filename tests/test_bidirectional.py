"""The NumPy bidirectional LSTM against Keras' Bidirectional(LSTM), against finite differences,
and the property a forecasting chapter needs: its output at a step reads the later steps."""
import numpy as np
import pytest

from lstm_lib.bidirectional import (
    MERGE_MODES,
    BidirectionalCache,
    BidirectionalParams,
    bidirectional_backward,
    bidirectional_forward,
)
from lstm_lib.lstm import LSTMParams, lstm_forward, param_count
from lstm_lib.rnn import RNNParams
from finite_differences import assert_matches_finite_differences
from keras_reference import SHAPES, random_weights


def bidirectional_problem(rng, B, T, D, H, merge_mode="concat", return_sequences=True):
    """Random weights of scale 0.5 (biases non-zero), x, four initial states and an upstream gradient."""
    shapes = [(D, 4 * H), (H, 4 * H), (4 * H,)] * 2
    params = BidirectionalParams.from_keras(random_weights(rng, shapes))
    x = rng.normal(size=(B, T, D))
    states = [rng.normal(size=(B, H)) for _ in range(4)]
    out = (B, T, H) if return_sequences else (B, H)
    if merge_mode == "concat":
        out = (*out[:-1], 2 * H)
    upstream = [rng.normal(size=out) for _ in range(2)] if merge_mode is None else rng.normal(size=out)
    return params, x, states, upstream


def keras_bidirectional(weights, x, states, upstream, merge_mode, return_sequences):
    """Keras' Bidirectional(LSTM) in float64: its output and the gradients of sum(out * upstream)
    with respect to x, the initial states given (none when states is None) and the six weights."""
    import keras
    import tensorflow as tf

    units = weights[1].shape[0]
    # Both need the dtype: the wrapper alone leaves the two LSTMs in float32, and the LSTM alone
    # has its output cast to the wrapper's float32.
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(units, return_sequences=return_sequences, dtype="float64"),
        merge_mode=merge_mode, dtype="float64",
    )
    layer.build(x.shape)
    layer.set_weights(weights)
    assert {w.dtype for w in layer.weights} == {"float64"}
    x_t = tf.constant(x)
    state_t = [tf.constant(s) for s in states or []]
    with tf.GradientTape() as tape:
        tape.watch([x_t, *state_t])
        out = layer(x_t, initial_state=state_t or None)
        if merge_mode is None:
            loss = sum(tf.reduce_sum(o * u) for o, u in zip(out, upstream))
        else:
            loss = tf.reduce_sum(out * upstream)
    grads = tape.gradient(loss, [x_t, *state_t, *layer.trainable_weights])
    out = [o.numpy() for o in out] if merge_mode is None else out.numpy()
    assert all(np.asarray(o).dtype == np.float64 for o in (out if merge_mode is None else [out]))
    return out, [g.numpy() for g in grads]


# Tolerances. Keras and this module do the same float64 operations, perhaps summed in another
# order (BLAS blocking) and with another sigmoid formula: each step's values, of order one, are
# then apart by a few u = 1.1e-16 times the D + H + 1 <= 17 terms of a pre-activation, about
# 1e-15, carried through T <= 16 steps by Jacobians of order one (weights of scale 0.5), so
# below 1e-13; measured, below 5e-16 under three BLAS kernels. 1e-10 leaves a thousand times
# that bound. The gradients add B * T <= 45 such terms times upstream entries of a few units,
# below 1e-11 (measured, below 2e-15); 1e-8 leaves a thousand times that. A real mistake (a
# step out of line, a direction's weights swapped, a missing flip) moves them by 1e-2 or more.
FORWARD_ATOL, GRADIENT_ATOL = 1e-10, 1e-8
GRADIENT_NAMES = ["dx", "dh0 forward", "dc0 forward", "dh0 backward", "dc0 backward",
                  "forward kernel", "forward recurrent_kernel", "forward bias",
                  "backward kernel", "backward recurrent_kernel", "backward bias"]


def assert_matches_keras(rng, B, T, D, H, merge_mode, return_sequences, with_states=True):
    params, x, states, upstream = bidirectional_problem(rng, B, T, D, H, merge_mode, return_sequences)
    states = states if with_states else None
    out, keras_grads = keras_bidirectional(params.weights(), x, states, upstream, merge_mode,
                                           return_sequences)

    h_seq, cache = bidirectional_forward(x, params, merge_mode, return_sequences, states)
    for ours, theirs in zip(*((h_seq, out) if merge_mode is None else ([h_seq], [out]))):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=FORWARD_ATOL)

    dx, dstates, grads = bidirectional_backward(upstream, cache)
    ours = [dx, *(dstates if with_states else []), *grads.weights()]
    names = GRADIENT_NAMES if with_states else GRADIENT_NAMES[:1] + GRADIENT_NAMES[5:]
    assert len(ours) == len(keras_grads) == len(names)
    for name, a, b in zip(names, ours, keras_grads):
        np.testing.assert_allclose(a, b, rtol=0, atol=GRADIENT_ATOL, err_msg=name)


@pytest.mark.keras
@pytest.mark.parametrize("B,T,D,H", SHAPES)
def test_concat_matches_keras_with_initial_states(rng, B, T, D, H):
    assert_matches_keras(rng, B, T, D, H, "concat", True)


@pytest.mark.keras
@pytest.mark.parametrize("merge_mode", MERGE_MODES)
@pytest.mark.parametrize("return_sequences", [True, False])
def test_every_merge_mode_matches_keras(rng, merge_mode, return_sequences):
    assert_matches_keras(rng, 3, 5, 4, 6, merge_mode, return_sequences)


@pytest.mark.keras
@pytest.mark.parametrize("return_sequences", [True, False])
def test_zero_initial_states_match_keras_without_any(rng, return_sequences):
    assert_matches_keras(rng, 4, 9, 7, 3, "concat", return_sequences, with_states=False)


@pytest.mark.keras
def test_keras_weight_order_is_forward_then_backward(rng):
    import keras

    layer = keras.layers.Bidirectional(keras.layers.LSTM(3, dtype="float64"), dtype="float64")
    layer.build((None, None, 2))
    weights = random_weights(rng, [w.shape for w in layer.get_weights()])
    layer.set_weights(weights)
    cells = [layer.forward_layer.cell, layer.backward_layer.cell]
    held = [getattr(cell, name).numpy() for cell in cells
            for name in ("kernel", "recurrent_kernel", "bias")]
    assert not layer.forward_layer.go_backwards and layer.backward_layer.go_backwards
    for k, (given, kept) in enumerate(zip(weights, held)):
        np.testing.assert_array_equal(given, kept, err_msg=f"weight {k}")
    params = BidirectionalParams.from_keras(layer.get_weights())
    for given, ours in zip(weights, params.weights()):
        np.testing.assert_array_equal(given, ours)
    layer.set_weights(params.weights())  # and back
    assert layer.count_params() == 2 * param_count(3, 2)


@pytest.mark.keras
def test_keras_backward_half_is_an_lstm_over_the_reversed_sequence_flipped_back(rng):
    """What Keras does, stated with lstm_forward alone: backward half at step t = the backward
    LSTM's state after x_{T-1}, ..., x_t; without sequences, its state after x_0."""
    params, x, _, _ = bidirectional_problem(rng, 2, 6, 3, 4)
    h_rev = lstm_forward(x[:, ::-1], params.backward)[0]  # reads x_{T-1}, ..., x_0
    h_fwd = lstm_forward(x, params.forward)[0]
    out, _ = keras_bidirectional(params.weights(), x, None, np.ones((2, 6, 8)), "concat", True)
    np.testing.assert_allclose(out[..., 4:], h_rev[:, ::-1], rtol=0, atol=FORWARD_ATOL)
    np.testing.assert_allclose(out[..., :4], h_fwd, rtol=0, atol=FORWARD_ATOL)
    last, _ = keras_bidirectional(params.weights(), x, None, np.ones((2, 8)), "concat", False)
    np.testing.assert_allclose(last, np.concatenate([h_fwd[:, -1], h_rev[:, -1]], axis=1),
                               rtol=0, atol=FORWARD_ATOL)


def test_output_at_step_0_reads_the_last_step_of_x(rng):
    """Why a bidirectional model cannot forecast: changing x at the last step changes the
    output at step 0 through the backward half, while the forward half there stays the same."""
    B, T, D, H = 2, 8, 3, 4
    params, x, _, _ = bidirectional_problem(rng, B, T, D, H)
    later = x.copy()
    later[:, -1] += 1.0
    before = bidirectional_forward(x, params)[0]
    after = bidirectional_forward(later, params)[0]
    # The forward half of steps 0 .. T-2 is computed from the same numbers in the same order
    # (same shapes, so the same BLAS path): equal to the last bit.
    np.testing.assert_array_equal(after[:, :-1, :H], before[:, :-1, :H])
    # The backward half of step 0 moves: a change of order one in x moves the backward LSTM's
    # first state by about 0.1, and each of the T - 1 = 7 steps after scales that by about a
    # forget gate, sigmoid(0) = 0.5, so about 0.1 * 0.5**7 ~ 1e-3 is left; measured 5e-4 for
    # this seed (1.3e-4 after "mul"). 1e-6 is far below either, and "unchanged" would be 0.
    assert np.max(np.abs(after[:, 0, H:] - before[:, 0, H:])) > 1e-6
    # ... and so does the whole merged output of step 0, whatever the merge
    for mode in ("sum", "ave", "mul"):
        moved = bidirectional_forward(later, params, mode)[0] - bidirectional_forward(x, params, mode)[0]
        assert np.max(np.abs(moved[:, 0])) > 1e-6, mode


def test_each_half_reads_only_its_own_side(rng):
    """Forward half at step t: x_0 .. x_t only; backward half at step t: x_t .. x_{T-1} only."""
    B, T, D, H = 2, 6, 3, 4
    params, x, _, _ = bidirectional_problem(rng, B, T, D, H)
    before = bidirectional_forward(x, params)[0]
    for t in range(T):
        changed = x.copy()
        changed[:, t] += 1.0
        after = bidirectional_forward(changed, params)[0]
        np.testing.assert_array_equal(after[:, :t, :H], before[:, :t, :H])
        np.testing.assert_array_equal(after[:, t + 1:, H:], before[:, t + 1:, H:])
        assert np.all(np.abs(after[:, t] - before[:, t]) > 0), t  # both halves read x_t


def gradient_checks(rng, merge_mode, return_sequences, T, upstream_scale=1.0, B=2, D=3, H=2):
    """(name, loss of that array, the array, its analytic gradient) for every input."""
    params, x, states, upstream = bidirectional_problem(rng, B, T, D, H, merge_mode, return_sequences)
    upstream = [upstream_scale * u for u in upstream] if merge_mode is None else upstream_scale * upstream

    def loss(p=params, x=x, states=states):
        out = bidirectional_forward(x, p, merge_mode, return_sequences, states)[0]
        if merge_mode is None:
            return sum(np.sum(o * u) for o, u in zip(out, upstream))
        return np.sum(out * upstream)

    _, cache = bidirectional_forward(x, params, merge_mode, return_sequences, states)
    dx, dstates, grads = bidirectional_backward(upstream, cache)
    weights = params.weights()

    def with_weight(k):
        return lambda a: loss(p=BidirectionalParams.from_keras(weights[:k] + [a] + weights[k + 1:]))

    def with_state(k):
        return lambda a: loss(states=states[:k] + [a] + states[k + 1:])

    checks = [("x", lambda a: loss(x=a), x, dx)]
    checks += [(GRADIENT_NAMES[1 + k], with_state(k), states[k], dstates[k]) for k in range(4)]
    checks += [(GRADIENT_NAMES[5 + k], with_weight(k), weights[k], g)
               for k, g in enumerate(grads.weights())]
    return checks


# The finite-difference threshold assumes a loss of order one and a gradient whose largest entry
# is above 0.05 (tests/finite_differences.py asserts both). An initial state's gradient decays by
# about a forget gate (~0.5) per step it crosses, so the sequences are short where only the last
# step is read; "mul" outputs are products of two states below one (~0.1), so their upstream is
# four times larger, and "ave" halves every gradient, so its upstream is doubled. The smallest
# largest entry below is 0.074 (the forward dh0 for None), the largest |loss| 1.04.
FD_CASES = [  # merge_mode, return_sequences, T, upstream scale
    ("concat", True, 5, 1.0),
    ("mul", True, 5, 4.0),
    (None, True, 5, 1.0),
    ("ave", False, 2, 2.0),
]


@pytest.mark.parametrize("merge_mode,return_sequences,T,scale", FD_CASES)
def test_gradients_match_finite_differences(rng, merge_mode, return_sequences, T, scale):
    checks = gradient_checks(rng, merge_mode, return_sequences, T, scale)
    assert len(checks) == 11
    for name, loss, at, analytic in checks:
        assert_matches_finite_differences(loss, at, analytic, name)


def test_last_step_output_is_the_sequence_output_at_both_ends(rng):
    params, x, states, _ = bidirectional_problem(rng, 3, 5, 2, 4)
    h_seq = bidirectional_forward(x, params, initial_state=states)[0]
    last = bidirectional_forward(x, params, return_sequences=False, initial_state=states)[0]
    np.testing.assert_array_equal(last, np.concatenate([h_seq[:, -1, :4], h_seq[:, 0, 4:]], axis=1))


def test_merge_modes_agree_with_the_two_halves(rng):
    params, x, _, _ = bidirectional_problem(rng, 2, 5, 3, 4)
    h_seq = bidirectional_forward(x, params)[0]
    h_fwd, h_bwd = h_seq[..., :4], h_seq[..., 4:]
    h_fwd_none, h_bwd_none = bidirectional_forward(x, params, None)[0]
    np.testing.assert_array_equal(h_fwd_none, h_fwd)
    np.testing.assert_array_equal(h_bwd_none, h_bwd)
    np.testing.assert_array_equal(bidirectional_forward(x, params, "sum")[0], h_fwd + h_bwd)
    np.testing.assert_array_equal(bidirectional_forward(x, params, "ave")[0], (h_fwd + h_bwd) / 2)
    np.testing.assert_array_equal(bidirectional_forward(x, params, "mul")[0], h_fwd * h_bwd)


def test_zero_initial_state_is_the_default(rng):
    params, x, _, _ = bidirectional_problem(rng, 2, 3, 2, 3)
    zeros = [np.zeros((2, 3))] * 4
    np.testing.assert_array_equal(bidirectional_forward(x, params)[0],
                                  bidirectional_forward(x, params, initial_state=zeros)[0])
    np.testing.assert_array_equal(bidirectional_forward(x, params)[0],
                                  bidirectional_forward(x, params, initial_state=[None] * 4)[0])


def test_params_from_six_arrays_and_float32_stays_float32(rng):
    params, x, _, upstream = bidirectional_problem(rng, 2, 3, 2, 3)
    np.testing.assert_array_equal(bidirectional_forward(x, params.weights())[0],
                                  bidirectional_forward(x, params)[0])
    params32 = BidirectionalParams.from_keras([w.astype(np.float32) for w in params.weights()])
    h_seq, cache = bidirectional_forward(x.astype(np.float32), params32)
    dx, dstates, grads = bidirectional_backward(upstream.astype(np.float32), cache)
    assert {a.dtype for a in (h_seq, dx, *dstates, *grads.weights())} == {np.dtype(np.float32)}


def arrays(obj):
    """Every ndarray in obj, looking inside tuples and lists."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [a for item in obj for a in arrays(item)]
    return []


@pytest.mark.parametrize("merge_mode", MERGE_MODES)
@pytest.mark.parametrize("return_sequences", [True, False])
def test_results_share_no_memory_with_arguments_or_cache(rng, merge_mode, return_sequences):
    params, x, states, upstream = bidirectional_problem(rng, 2, 4, 3, 2, merge_mode, return_sequences)
    h_seq, cache = bidirectional_forward(x, params, merge_mode, return_sequences, states)
    given = arrays([x, params, states])
    for out in arrays(h_seq):
        assert not any(np.shares_memory(out, a) for a in given + arrays(cache))
    assert not any(np.shares_memory(c, a) for c in arrays(cache) for a in given)
    grads = bidirectional_backward(upstream, cache)
    for g in arrays(grads):
        assert not any(np.shares_memory(g, a) for a in given + arrays(upstream) + arrays(cache))


def test_changing_inputs_and_outputs_after_forward_leaves_the_gradients_alone(rng):
    params, x, states, upstream = bidirectional_problem(rng, 2, 4, 3, 2, "mul")
    h_seq, cache = bidirectional_forward(x, params, "mul", True, states)
    expected = arrays(bidirectional_backward(upstream, cache))
    for a in [x, h_seq, *states, *params.weights()]:
        a += 1.0
    for got, want in zip(arrays(bidirectional_backward(upstream, cache)), expected):
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------------------ bad input


def bad_forward_calls(rng):
    """(what is wrong, call, error type, phrase of the message)."""
    params, x, states, _ = bidirectional_problem(rng, 2, 4, 3, 2)
    k, u, b = params.forward
    nan_x = x.copy()
    nan_x[1, 2, 0] = np.nan
    nan_bias = params.backward.bias.copy()
    nan_bias[3] = np.inf
    nan_params = BidirectionalParams(params.forward, LSTMParams(*params.backward[:2], nan_bias))
    f = bidirectional_forward
    return [
        ("x 2-D", lambda: f(x[0], params), ValueError, r"x must be a 3-D array"),
        ("x features", lambda: f(x[..., :2], params), ValueError, r"x must have shape"),
        ("x NaN", lambda: f(nan_x, params), ValueError, r"x must hold finite numbers"),
        ("x empty", lambda: f(x[:, :0], params), ValueError, r"at least one time step"),
        ("params LSTMParams", lambda: f(x, params.forward), TypeError,
         r"params must be BidirectionalParams.*got LSTMParams"),
        ("params of five", lambda: f(x, params.weights()[:5]), ValueError,
         r"params must be .* six arrays.*got a list of 5"),
        ("params RNN", lambda: BidirectionalParams(RNNParams(k[:, :2], u[:, :2], b[:2]),
                                                   params.backward),
         TypeError, r"forward must be LSTMParams.*got RNNParams"),
        ("units differ", lambda: BidirectionalParams(params.forward, LSTMParams(
            k[:, :4], u[:1, :4], b[:4])), ValueError, r"same input_dim and units.*\(3, 2\) and \(3, 1\)"),
        ("backward shape", lambda: BidirectionalParams(params.forward, (k, u, b[:3])),
         ValueError, r"backward bias must have shape"),
        ("backward inf", lambda: f(x, nan_params), ValueError,
         r"backward bias must hold finite numbers"),
        ("merge unknown", lambda: f(x, params, "max"), ValueError,
         r"merge_mode must be one of 'concat', 'sum', 'ave', 'mul', None; got 'max'"),
        ("merge type", lambda: f(x, params, ["sum"]), TypeError, r"merge_mode must be one of"),
        ("return_sequences", lambda: f(x, params, return_sequences="no"), TypeError,
         r"return_sequences must be True or False"),
        ("states of three", lambda: f(x, params, initial_state=states[:3]), ValueError,
         r"initial_state must hold four arrays.*got 3"),
        ("states array", lambda: f(x, params, initial_state=np.stack(states)), TypeError,
         r"initial_state must be None or a list"),
        ("state shape", lambda: f(x, params, initial_state=states[:3] + [states[3][:1]]),
         ValueError, r"initial_state\[3\] \(c0 of the backward LSTM\) must have shape"),
    ]


@pytest.mark.parametrize("case", range(16))
def test_bad_forward_input_gets_a_clear_error(rng, case):
    calls = bad_forward_calls(rng)
    assert len(calls) == 16
    what, call, kind, phrase = calls[case]
    with pytest.raises(kind, match=phrase) as info:
        call()
    assert type(info.value) is kind, what


def test_bad_backward_input_gets_a_clear_error(rng):
    params, x, _, upstream = bidirectional_problem(rng, 2, 4, 3, 2)
    _, cache = bidirectional_forward(x, params)
    with pytest.raises(ValueError, match=r"dh_seq must have shape \(batch, time, 2 \* units\) = \(2, 4, 4\)"):
        bidirectional_backward(upstream[..., :2], cache)
    bad = upstream.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"dh_seq must hold finite numbers"):
        bidirectional_backward(bad, cache)
    *_, lstm_cache = lstm_forward(x, params.forward)
    for wrong, got in [(lstm_cache, "got LSTMCache"), (tuple(cache), "got a tuple of 4"), (None, "got None")]:
        with pytest.raises(TypeError, match=f"cache must be the BidirectionalCache .*{got}"):
            bidirectional_backward(upstream, wrong)
    _, last_cache = bidirectional_forward(x, params, "sum", False)
    with pytest.raises(ValueError, match=r"dh_seq must have shape \(batch, units\) = \(2, 2\)"):
        bidirectional_backward(upstream[:, 0, :1], last_cache)
    _, none_cache = bidirectional_forward(x, params, None)
    with pytest.raises(TypeError, match=r"dh_seq must be a pair \(dh_fwd, dh_bwd\)"):
        bidirectional_backward(upstream[..., :2], none_cache)
    with pytest.raises(ValueError, match=r"dh_seq\[1\] must have shape"):
        bidirectional_backward([upstream[..., :2], upstream], none_cache)


def test_from_keras_refuses_anything_but_six_arrays(rng):
    params, *_ = bidirectional_problem(rng, 1, 1, 2, 3)
    with pytest.raises(ValueError, match=r"weights must be .* six arrays.*got a list of 3"):
        BidirectionalParams.from_keras(list(params.forward))
    with pytest.raises(TypeError, match=r"weights must be .*got dict"):
        BidirectionalParams.from_keras({"kernel": params.forward.kernel})
    assert isinstance(bidirectional_forward(np.ones((1, 1, 2)), params)[1], BidirectionalCache)
