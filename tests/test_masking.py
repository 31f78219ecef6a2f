"""The masked LSTM against Keras' LSTM with a mask, against finite differences and against
lstm_forward; padding_mask and pad_sequences; clear errors for bad masks.

Tolerances against Keras: float64 (u = 1.1e-16), values and gradients of order one, at most
eight steps whose Jacobians are of order one. Keras and NumPy sum in different orders, so they
differ by a few u times the terms summed per step (at most D + H + 1 = 12 here) times the steps:
below 1e-13. 1e-10 for values and 1e-8 for gradients, the course's parity thresholds, leave three
orders of magnitude to that, while a wrong rule at a masked step (a reset state, a step not
skipped, a gradient not passed on) changes results by 1e-2 or more.
"""
import numpy as np
import pytest

from finite_differences import assert_matches_finite_differences
from keras_reference import random_weights
from lstm_lib.lstm import LSTMParams, lstm_backward, lstm_forward
from lstm_lib.masking import (
    MaskedLSTMCache,
    masked_lstm_backward,
    masked_lstm_forward,
    pad_sequences,
    padding_mask,
)

PARITY, GRAD_PARITY = 1e-10, 1e-8


def lstm_params(rng, D, H):
    return LSTMParams(*random_weights(rng, [(D, 4 * H), (H, 4 * H), (4 * H,)]))


MASKS = {  # (B, T) = (4, 6): full length, shorter, one step, and gaps
    "post": padding_mask([6, 4, 1, 3], 6, "post"),
    "pre": padding_mask([6, 4, 1, 3], 6, "pre"),
    "holes": np.array([[1, 0, 1, 1, 0, 1], [0, 1, 1, 0, 0, 0],
                       [1, 1, 1, 1, 1, 0], [0, 0, 0, 1, 0, 1]], bool),
    "empty row": padding_mask([6, 0, 2, 5], 6, "post"),
}


def keras_masked_lstm(weights, x, mask, upstream, h0=None, c0=None, upstream_h=None,
                      upstream_c=None, zero_output_for_mask=False):
    """Keras' LSTM called with mask=..., float64: (outputs, h_T, c_T) and the gradients of
    sum(outputs * upstream) + sum(h_T * upstream_h) + sum(c_T * upstream_c) with respect to
    x, (h0, c0 if given), kernel, recurrent_kernel, bias."""
    import keras
    import tensorflow as tf

    layer = keras.layers.LSTM(weights[1].shape[0], return_sequences=True, return_state=True,
                              zero_output_for_mask=zero_output_for_mask, dtype="float64")
    layer.build(x.shape)
    layer.set_weights(weights)
    x_t = tf.constant(x)
    states = [] if h0 is None else [tf.constant(h0), tf.constant(c0)]
    with tf.GradientTape() as tape:
        tape.watch([x_t, *states])
        out, h_T, c_T = layer(x_t, initial_state=states or None, mask=tf.constant(mask))
        loss = tf.reduce_sum(out * upstream)
        if upstream_h is not None:
            loss += tf.reduce_sum(h_T * upstream_h) + tf.reduce_sum(c_T * upstream_c)
    grads = tape.gradient(loss, [x_t, *states, *layer.trainable_weights])
    return out.numpy(), h_T.numpy(), c_T.numpy(), [g.numpy() for g in grads]


@pytest.mark.keras
@pytest.mark.parametrize("kind", MASKS)
def test_forward_and_gradients_match_keras(rng, kind):
    mask = MASKS[kind]
    (B, T), D, H = mask.shape, 3, 5
    params = lstm_params(rng, D, H)
    x = rng.normal(size=(B, T, D))
    # upstream at every step, the masked ones too: Keras repeats the previous output there, so
    # their gradient must reach the last real step before them
    upstream = rng.normal(size=(B, T, H))
    up_h, up_c = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    out, h_T, c_T, keras_grads = keras_masked_lstm(list(params), x, mask, upstream,
                                                   upstream_h=up_h, upstream_c=up_c)

    h_seq, c_seq, cache = masked_lstm_forward(x, params, mask)
    np.testing.assert_allclose(h_seq, out, rtol=0, atol=PARITY)
    np.testing.assert_allclose(h_seq[:, -1], h_T, rtol=0, atol=PARITY)
    np.testing.assert_allclose(c_seq[:, -1], c_T, rtol=0, atol=PARITY)

    dh_seq = upstream.copy()
    dh_seq[:, -1] += up_h
    dx, dh0, dc0, grads = masked_lstm_backward(dh_seq, cache, dc_last=up_c)
    for name, ours, theirs in zip(["dx", "kernel", "recurrent_kernel", "bias"], [dx, *grads], keras_grads):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=GRAD_PARITY, err_msg=name)
    # Keras too gives exactly zero dx at a masked step: tf.where sends nothing to the branch
    # it did not take
    assert np.all(keras_grads[0][~mask] == 0) and np.all(dx[~mask] == 0)
    assert np.abs(dx[mask]).min() > 0


@pytest.mark.keras
@pytest.mark.parametrize("kind", ["pre", "holes", "empty row"])
def test_initial_state_matches_keras(rng, kind):
    """With h0 not zero, Keras' output before a sequence's first real step is zeros (its
    'previous output' starts at zero) while its state is h0; h_seq holds the state."""
    mask = MASKS[kind]
    (B, T), D, H = mask.shape, 2, 4
    params = lstm_params(rng, D, H)
    x = rng.normal(size=(B, T, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    started = np.logical_or.accumulate(mask, axis=1)  # (B, T): a real step at or before t
    # no gradient on the zeros Keras outputs before the first real step: they depend on nothing
    upstream = rng.normal(size=(B, T, H)) * started[..., None]
    up_h, up_c = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    out, h_T, c_T, keras_grads = keras_masked_lstm(list(params), x, mask, upstream, h0, c0,
                                                   up_h, up_c)

    h_seq, c_seq, cache = masked_lstm_forward(x, params, mask, h0, c0)
    assert np.all(out[~started] == 0)
    np.testing.assert_allclose(h_seq[~started], np.broadcast_to(h0[:, None], h_seq.shape)[~started])
    np.testing.assert_allclose(np.where(started[..., None], h_seq, 0), out, rtol=0, atol=PARITY)
    np.testing.assert_allclose(h_seq[:, -1], h_T, rtol=0, atol=PARITY)
    np.testing.assert_allclose(c_seq[:, -1], c_T, rtol=0, atol=PARITY)

    dh_seq = upstream.copy()
    dh_seq[:, -1] += up_h
    dx, dh0, dc0, grads = masked_lstm_backward(dh_seq, cache, dc_last=up_c)
    names = ["dx", "dh0", "dc0", "kernel", "recurrent_kernel", "bias"]
    for name, ours, theirs in zip(names, [dx, dh0, dc0, *grads], keras_grads):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=GRAD_PARITY, err_msg=name)


@pytest.mark.keras
def test_zero_output_for_mask_gives_zeros_at_masked_steps(rng):
    mask = MASKS["holes"]
    params, x = lstm_params(rng, 2, 3), rng.normal(size=(*mask.shape, 2))
    out, h_T, c_T, _ = keras_masked_lstm(list(params), x, mask, np.zeros((*mask.shape, 3)),
                                         zero_output_for_mask=True)
    h_seq, c_seq, _ = masked_lstm_forward(x, params, mask)
    np.testing.assert_allclose(out, np.where(mask[..., None], h_seq, 0), rtol=0, atol=PARITY)
    # the states are carried all the same
    np.testing.assert_allclose(h_T, h_seq[:, -1], rtol=0, atol=PARITY)
    np.testing.assert_allclose(c_T, c_seq[:, -1], rtol=0, atol=PARITY)


@pytest.mark.keras
@pytest.mark.parametrize("padding", ["post", "pre"])
def test_masking_layer_return_sequences_false_and_a_stack(rng, padding):
    """Masking(0.0) in front of LSTM(return_sequences=False) returns the state after each
    sequence's last real step; the mask passes through return_sequences=True to the next
    layer, so a stack of two masked LSTMs is two masked_lstm_forward with the same mask."""
    import keras

    sequences = [rng.normal(size=(n, 3)) for n in (5, 2, 4)]
    x, mask = pad_sequences(sequences, padding=padding)
    first, second = lstm_params(rng, 3, 4), lstm_params(rng, 4, 2)

    inputs = keras.Input((None, 3), dtype="float64")
    masked = keras.layers.Masking(mask_value=0.0, dtype="float64")(inputs)
    lower = keras.layers.LSTM(4, return_sequences=True, dtype="float64")
    upper = keras.layers.LSTM(2, dtype="float64")  # return_sequences=False
    model = keras.Model(inputs, [masked, lower(masked), upper(lower(masked))])
    lower.set_weights(list(first))
    upper.set_weights(list(second))
    zeroed, lower_out, upper_out = (a.numpy() for a in model(x))

    assert np.all(zeroed[~mask] == 0)  # Masking also zeroes the masked steps' inputs
    h1, _, _ = masked_lstm_forward(x, first, mask)
    h2, _, _ = masked_lstm_forward(h1, second, mask)
    np.testing.assert_allclose(lower_out, h1, rtol=0, atol=PARITY)
    np.testing.assert_allclose(upper_out, h2[:, -1], rtol=0, atol=PARITY)
    for b, seq in enumerate(sequences):  # each sequence on its own, without padding
        alone, _, _ = lstm_forward(seq[None], first)
        np.testing.assert_allclose(h1[b, -1], alone[0, -1], rtol=0, atol=PARITY)


@pytest.mark.keras
def test_masking_layer_also_masks_a_real_step_of_zeros(rng):
    """keras.layers.Masking masks every step whose features all equal mask_value, real or not;
    the mask from pad_sequences knows which steps are padding."""
    import keras

    sequences = [rng.normal(size=(4, 2)), rng.normal(size=(2, 2))]
    sequences[0][1] = 0.0  # a real step that happens to be all zeros
    x, mask = pad_sequences(sequences)
    keras_mask = keras.layers.Masking(mask_value=0.0).compute_mask(x).numpy()
    np.testing.assert_array_equal(keras_mask, mask & np.any(x != 0, axis=-1))
    assert mask[0, 1] and not keras_mask[0, 1]

    params = lstm_params(rng, 2, 3)
    truth, _, _ = masked_lstm_forward(x, params, mask)
    as_keras, _, _ = masked_lstm_forward(x, params, keras_mask)
    assert np.abs(truth[0, -1] - as_keras[0, -1]).max() > 1e-3


@pytest.mark.keras
def test_embedding_with_mask_zero(rng):
    """Embedding(mask_zero=True) masks token 0 and still looks up its row."""
    import keras

    tokens = np.array([[3, 1, 4, 0, 0], [0, 0, 2, 2, 1], [5, 0, 5, 0, 1]])
    embedding = keras.layers.Embedding(6, 3, mask_zero=True, dtype="float64")
    lstm = keras.layers.LSTM(2, return_sequences=True, dtype="float64")
    vectors = embedding(tokens)
    out = lstm(vectors).numpy()
    table = embedding.get_weights()[0]
    np.testing.assert_array_equal(embedding.compute_mask(tokens).numpy(), tokens != 0)
    np.testing.assert_array_equal(vectors.numpy(), table[tokens])  # row 0 too, not zeros

    h_seq, _, _ = masked_lstm_forward(table[tokens], LSTMParams(*lstm.get_weights()), tokens != 0)
    np.testing.assert_allclose(out, h_seq, rtol=0, atol=PARITY)


def test_an_all_true_mask_is_the_plain_lstm(rng):
    B, T, D, H = 3, 5, 2, 4
    params, x = lstm_params(rng, D, H), rng.normal(size=(B, T, D))
    h0, c0, upstream, up_c = (rng.normal(size=s) for s in [(B, H), (B, H), (B, T, H), (B, H)])
    h_m, c_m, cache_m = masked_lstm_forward(x, params, np.ones((B, T), bool), h0, c0)
    h_p, c_p, cache_p = lstm_forward(x, params, h0, c0)
    # the cell adds the bias after the recurrent term, lstm_forward before: the same sum in
    # another order, a few u (1.1e-16) times terms below 5, carried over five steps with
    # Jacobians of order one (as in test_lstm.py)
    np.testing.assert_allclose(h_m, h_p, rtol=0, atol=1e-13)
    np.testing.assert_allclose(c_m, c_p, rtol=0, atol=1e-13)
    *ours, ours_grads = masked_lstm_backward(upstream, cache_m, up_c)
    *plain, plain_grads = lstm_backward(upstream, cache_p, up_c)
    for a, b in zip([*ours, *ours_grads], [*plain, *plain_grads]):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    # a mask of ones and zeros is read as booleans
    h_int, _, _ = masked_lstm_forward(x, params, np.ones((B, T), int), h0, c0)
    np.testing.assert_array_equal(h_int, h_m)


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_padding_is_ignored_the_plain_lstm_reads_it(rng, padding):
    """The classic mistake: the plain LSTM over zero-padded sequences steps through the zeros
    too (a zero input still moves the state, through the biases and the recurrence), so the
    padding leaks into the final state; the masked LSTM equals each sequence run alone."""
    sequences = [rng.normal(size=(n, 2)) for n in (6, 3, 1)]
    x, mask = pad_sequences(sequences, padding=padding)
    params = lstm_params(rng, 2, 3)
    masked, masked_c, _ = masked_lstm_forward(x, params, mask)
    plain, _, _ = lstm_forward(x, params)
    for b, seq in enumerate(sequences):
        alone, alone_c, _ = lstm_forward(seq[None], params)
        np.testing.assert_allclose(masked[b, -1], alone[0, -1], rtol=0, atol=1e-13)
        np.testing.assert_allclose(masked_c[b, -1], alone_c[0, -1], rtol=0, atol=1e-13)
    np.testing.assert_allclose(plain[0, -1], masked[0, -1], rtol=0, atol=1e-13)  # no padding
    for b in (1, 2):  # padded: the plain LSTM's final state is off by far more than rounding
        assert np.abs(plain[b, -1] - masked[b, -1]).max() > 1e-2


def test_what_the_padding_holds_changes_nothing(rng):
    mask = MASKS["holes"]
    params, x = lstm_params(rng, 2, 3), rng.normal(size=(*mask.shape, 2))
    garbage = np.where(mask[..., None], x, rng.normal(scale=100.0, size=x.shape))
    h_seq, c_seq, cache = masked_lstm_forward(x, params, mask)
    h_g, c_g, cache_g = masked_lstm_forward(garbage, params, mask)
    np.testing.assert_array_equal(h_g, h_seq)
    np.testing.assert_array_equal(c_g, c_seq)
    upstream = rng.normal(size=h_seq.shape)
    *ours, ours_grads = masked_lstm_backward(upstream, cache)
    *theirs, their_grads = masked_lstm_backward(upstream, cache_g)
    for a, b in zip([*ours, *ours_grads], [*theirs, *their_grads]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["pre", "holes", "empty row"])
def test_gradients_match_finite_differences(rng, kind):
    mask = MASKS[kind][:2, :5]  # (2, 5), small for the numerical gradient
    (B, T), D, H = mask.shape, 2, 3
    params, x = lstm_params(rng, D, H), rng.normal(size=(B, T, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    upstream, up_c = rng.normal(size=(B, T, H)), rng.normal(size=(B, H))

    def loss(p=params, x=x, h0=h0, c0=c0):
        h_seq, c_seq, _ = masked_lstm_forward(x, p, mask, h0, c0)
        return np.sum(h_seq * upstream) + np.sum(c_seq[:, -1] * up_c)

    _, _, cache = masked_lstm_forward(x, params, mask, h0, c0)
    dx, dh0, dc0, grads = masked_lstm_backward(upstream, cache, dc_last=up_c)
    k, u, b = params
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(a, u, b)), k, grads.kernel, "kernel")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(k, a, b)), u, grads.recurrent_kernel, "recurrent_kernel")
    assert_matches_finite_differences(lambda a: loss(p=LSTMParams(k, u, a)), b, grads.bias, "bias")
    assert_matches_finite_differences(lambda a: loss(x=a), x, dx, "x")
    assert_matches_finite_differences(lambda a: loss(h0=a), h0, dh0, "h0")
    assert_matches_finite_differences(lambda a: loss(c0=a), c0, dc0, "c0")


def test_float32_stays_float32(rng):
    mask = MASKS["post"]
    params = LSTMParams(*(w.astype(np.float32) for w in lstm_params(rng, 2, 3)))
    x = rng.normal(size=(*mask.shape, 2)).astype(np.float32)
    h_seq, c_seq, cache = masked_lstm_forward(x, params, mask)
    results = masked_lstm_backward(np.ones_like(h_seq), cache)
    assert {a.dtype for a in (h_seq, c_seq, *results[:3], *results[3])} == {np.dtype(np.float32)}


def test_padding_mask():
    np.testing.assert_array_equal(padding_mask([3, 1, 0], 4), [[1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(padding_mask(np.array([3, 1, 4]), 4, padding="pre"),
                                  [[0, 1, 1, 1], [0, 0, 0, 1], [1, 1, 1, 1]])
    assert padding_mask([2], 2).dtype == bool


@pytest.mark.parametrize("args,error,parts", [
    (([3, 5], 4), ValueError, ["lengths", "[0, 4]", "5", "index 1"]),
    (([-1, 2], 4), ValueError, ["lengths", "-1", "index 0"]),
    (([2.0, 1.0], 4), TypeError, ["lengths", "integers", "float64"]),
    (([[1, 2]], 4), ValueError, ["lengths", "(batch,)", "(1, 2)"]),
    (([1], 0), ValueError, ["steps", "at least 1"]),
    (([1], 2.0), TypeError, ["steps", "integer"]),
    (([1], 3, "end"), ValueError, ["padding", '"post" or "pre"', "'end'"]),
])
def test_padding_mask_refuses(args, error, parts):
    with pytest.raises(error) as info:
        padding_mask(*args)
    for part in parts:
        assert part in str(info.value), f"{part!r} missing from: {info.value}"


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_pad_sequences(rng, padding):
    sequences = [rng.normal(size=(3, 2)), np.arange(2.0).reshape(1, 2), rng.normal(size=(2, 2))]
    x, mask = pad_sequences(sequences, padding=padding, value=-9.0)
    assert x.shape == (3, 3, 2) and x.dtype == np.float64
    np.testing.assert_array_equal(mask, padding_mask([3, 1, 2], 3, padding))
    for b, seq in enumerate(sequences):
        np.testing.assert_array_equal(x[b][mask[b]], seq)
    assert np.all(x[~mask] == -9.0)


@pytest.mark.parametrize("sequences,kwargs,error,parts", [
    ([np.zeros((2, 3)), np.zeros((4, 2))], {}, ValueError, ["sequences[1]", "(any, 3)", "(4, 2)"]),
    ([np.zeros(4)], {}, ValueError, ["sequences[0]", "2-D", "(time, input_dim)"]),
    ([np.zeros((0, 2))], {}, ValueError, ["sequences[0]", "at least one step"]),
    ([np.array([[np.nan]])], {}, ValueError, ["sequences[0]", "finite"]),
    ([], {}, TypeError, ["non-empty list"]),
    (np.zeros((2, 3, 1)), {}, TypeError, ["list", "ndarray"]),
    ([np.zeros((1, 1))], {"padding": "both"}, ValueError, ["padding", "'both'"]),
    ([np.zeros((1, 1))], {"value": np.nan}, ValueError, ["value", "finite"]),
])
def test_pad_sequences_refuses(sequences, kwargs, error, parts):
    with pytest.raises(error) as info:
        pad_sequences(sequences, **kwargs)
    for part in parts:
        assert part in str(info.value), f"{part!r} missing from: {info.value}"


@pytest.mark.parametrize("mask,parts", [
    (np.ones((2, 4), bool), ["mask", "(batch, time)", "(3, 4)", "(2, 4)"]),
    (np.ones((3, 4, 1), bool), ["mask", "2-D", "(3, 4, 1)"]),
    (np.full((3, 4), 2), ["mask", "boolean", "0 and 1", "2", "(0, 0)"]),
    (np.array([[1, 1, 0.5, 0]] * 3), ["mask", "0 and 1", "0.5", "(0, 2)"]),
    (np.array([[1, 1, np.nan, 0]] * 3), ["mask", "finite"]),
    (np.array([["a"] * 4] * 3), ["mask", "numbers", "<U1"]),
    (None, ["mask", "None"]),
])
def test_bad_masks_are_refused(rng, mask, parts):
    params = lstm_params(rng, 2, 3)
    with pytest.raises(ValueError) as info:
        masked_lstm_forward(np.zeros((3, 4, 2)), params, mask)
    for part in parts:
        assert part in str(info.value), f"{part!r} missing from: {info.value}"


def test_backward_refuses_a_foreign_cache_and_a_wrong_upstream(rng):
    params = lstm_params(rng, 2, 3)
    _, _, plain_cache = lstm_forward(np.zeros((1, 2, 2)), params)
    with pytest.raises(TypeError, match="MaskedLSTMCache that masked_lstm_forward returned .*; got LSTMCache"):
        masked_lstm_backward(np.zeros((1, 2, 3)), plain_cache)
    _, _, cache = masked_lstm_forward(np.zeros((1, 2, 2)), params, [[True, False]])
    assert isinstance(cache, MaskedLSTMCache)
    with pytest.raises(ValueError, match=r"dh_seq must have shape .*\(1, 2, 3\); got shape \(1, 3, 3\)"):
        masked_lstm_backward(np.zeros((1, 3, 3)), cache)


def test_the_cache_keeps_its_own_mask(rng):
    mask = MASKS["post"].copy()
    params, x = lstm_params(rng, 2, 3), rng.normal(size=(*mask.shape, 2))
    h_seq, _, cache = masked_lstm_forward(x, params, mask)
    upstream = rng.normal(size=h_seq.shape)
    *before, before_grads = masked_lstm_backward(upstream, cache)
    mask[:] = True  # the caller's array changes afterwards
    *after, after_grads = masked_lstm_backward(upstream, cache)
    for a, b in zip([*before, *before_grads], [*after, *after_grads]):
        np.testing.assert_array_equal(a, b)
